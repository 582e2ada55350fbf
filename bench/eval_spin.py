"""Evaluate unspin on spun copies of BBC articles (read at run time, never stored here).

Split: articles whose path hashes even are the dev half (used for calibration), odd the
test half (reported). For each article in the chosen half: the clean text and a copy spun
by bench/spinner.py. Reports
  - flag precision / recall over clean + spun copies,
  - word error removed: 1 - errors(repaired, original) / errors(spun, original), word-level
    (difflib opcodes over word tokens), over all spun copies,
  - the same on copies spun with the held-out part of the spinner's tables only, with the
    seen part only, and with its hand-written phrase table only ("phrase": the seed-001
    family's own kind of substitution, which the lexicon models),
  - clean-article change rate: words changed by unspin in clean articles / words,
  - detection cost: articles per second for scoring alone (bigram tables already loaded),
    and unspin's cost (score + repair) per spun article.
With --end-to-end it runs `newsclean run` instead on a folder holding a spun copy of every
article of the half (title spun too) and the original of a share of them (--originals,
default all), and reports from the Parquet output: flag precision / recall, the
originals' words changed, and the word error removed from the spun copies against the
original text: overall, for copies whose original is in the run (restored from it) and
for those whose original is not (repaired with what the run learned from the others).

Usage: .venv/bin/python bench/eval_spin.py [--corpus ../shared/corpora/bbc] [--half test]
       [--limit N] [--end-to-end [--originals SHARE]]
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import time
import zlib
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bbc import read_stories  # noqa: E402
from bench.spinner import SPIN_RATE, spin  # noqa: E402
from pipeline.model import Article  # noqa: E402
from pipeline.unspin import (  # noqa: E402
    DEFAULT_UNSPIN_CONFIG,
    UnspinConfig,
    bigram_model,
    spin_score,
    unspin_articles,
)

_TOK = re.compile(r"\S+")


def read_bbc(corpus: Path, half: str) -> list[tuple[str, str]]:
    """(relative path, body) for the articles of one half; the title line is dropped."""
    return [(st.rel, st.body) for st in read_stories(corpus, half)]


def word_errors(a: str, b: str) -> int:
    x, y = _TOK.findall(a), _TOK.findall(b)
    sm = difflib.SequenceMatcher(None, x, y, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")


def article(rel: str, body: str) -> Article:
    return Article(rel, 0, "utf-8", body.split("\n"))


def run(corpus: Path, half: str, limit: int | None, config: UnspinConfig) -> dict[str, float]:
    docs = read_bbc(corpus, half)[:limit]
    bigram_model()
    spin_score("warm up the derived tables", config)
    res: dict[str, float] = {"articles": len(docs)}
    # clean: flags and change rate
    clean = [article(r, b) for r, b in docs]
    t = time.perf_counter()
    for a in clean:
        spin_score(a.text, config)
    res["detect_articles_per_s"] = len(clean) / (time.perf_counter() - t)
    unspin_articles(clean, config)
    fp = sum(a.spun for a in clean)
    words = sum(len(b.split()) for _, b in docs)
    changed = sum(word_errors(b, a.text) for (_, b), a in zip(docs, clean, strict=True))
    res["clean_flagged"] = fp
    res["clean_words"] = words
    res["clean_words_changed"] = changed
    res["clean_change_rate_pct"] = 100.0 * changed / max(words, 1)
    res["clean_max_score"] = max(a.spin_score for a in clean)
    for part in ("all", "seen", "heldout", "phrase"):
        if part == "phrase":  # the hand-written (seed-001 family) table alone
            spun_texts = [spin(b, seed=zlib.crc32(r.encode()), rate=0.85, wordnet=False)
                          for r, b in docs]
        else:
            rate = SPIN_RATE if part != "heldout" else 1.0
            spun_texts = [spin(b, seed=zlib.crc32(r.encode()), part=part, rate=rate)
                          for r, b in docs]
        arts = [article(r, s) for (r, _), s in zip(docs, spun_texts, strict=True)]
        t = time.perf_counter()
        unspin_articles(arts, config)
        res[f"{part}_unspin_ms_per_article"] = 1000 * (time.perf_counter() - t) / len(arts)
        err_before = sum(word_errors(s, b) for (_, b), s in zip(docs, spun_texts, strict=True))
        err_after = sum(word_errors(a.text, b) for (_, b), a in zip(docs, arts, strict=True))
        tp = sum(a.spun for a in arts)
        res[f"{part}_spun_word_rate_pct"] = 100.0 * err_before / max(words, 1)
        res[f"{part}_recall_pct"] = 100.0 * tp / len(arts)
        res[f"{part}_min_score"] = min(a.spin_score for a in arts)
        res[f"{part}_word_error_removed_pct"] = 100.0 * (1 - err_after / max(err_before, 1))
        if part == "all":
            res["precision_pct"] = 100.0 * tp / max(tp + fp, 1)
            res["recall_pct"] = 100.0 * tp / len(arts)
    return res


def _has_original(rel: str, share: float) -> bool:
    return zlib.crc32(f"{rel}#original".encode()) % 1000 < share * 1000


def end_to_end(corpus: Path, half: str, limit: int | None, work: Path,
               originals: float = 1.0) -> dict[str, float]:
    """Spun copies, and the originals of a share of them, through `newsclean run`."""
    import pyarrow.parquet as pq

    from flows.cli import main as newsclean

    stories = read_stories(corpus, half)[:limit]
    raw, out = work / "raw", work / "out"
    for st in stories:
        name = st.rel.replace("/", "-")
        seed = zlib.crc32(st.rel.encode())
        files = [("spun", spin(st.title, seed=seed + 1, spintax=0), spin(st.body, seed=seed))]
        if _has_original(st.rel, originals):
            files.append(("orig", st.title, st.body))
        for folder, title, body in files:
            (raw / folder).mkdir(parents=True, exist_ok=True)
            (raw / folder / name).write_text(f"{title}\n\n{body}\n", "utf-8")
    t = time.perf_counter()
    if newsclean(["run", str(raw), "--out", str(out), "--progress", "never"]) != 0:
        raise SystemExit("newsclean run failed")
    seconds = time.perf_counter() - t
    rows = pq.read_table(out / "articles").to_pylist()
    by_file = {r["source_file"]: r for r in rows}
    res: dict[str, float] = {"articles": len(stories), "run_seconds": seconds}
    words = changed = tp = fp = n_orig = 0
    err: dict[str, list[int]] = {"with": [0, 0], "without": [0, 0]}  # before, after
    kinds = {"restored": 0, "learned": 0}
    for st in stories:
        name = st.rel.replace("/", "-")
        o, s = by_file.get(f"orig/{name}"), by_file.get(f"spun/{name}")
        if s is None or (o is None and _has_original(st.rel, originals)):
            raise SystemExit(f"{name}: missing from the output")
        spun_body = spin(st.body, seed=zlib.crc32(st.rel.encode()))
        tp += s["spun"]
        kinds["restored"] += any("restored from" in e["reason"] for e in s["edits"])
        kinds["learned"] += any("learned from" in e["reason"] for e in s["edits"])
        part = err["with" if o is not None else "without"]
        part[0] += word_errors(spun_body, st.body)
        part[1] += word_errors(s["text"], st.body)
        if o is not None:
            n_orig += 1
            words += len(st.body.split())
            changed += word_errors(st.body, o["text"])
            fp += o["spun"]
    res["originals"] = n_orig
    res["clean_flagged"] = fp
    res["clean_change_rate_pct"] = 100.0 * changed / max(words, 1)
    res["precision_pct"] = 100.0 * tp / max(tp + fp, 1)
    res["recall_pct"] = 100.0 * tp / len(stories)
    res["restored_from_original"] = kinds["restored"]
    res["repaired_with_learned"] = kinds["learned"]
    before = err["with"][0] + err["without"][0]
    res["spun_word_rate_pct"] = 100.0 * before / max(sum(len(st.body.split())
                                                         for st in stories), 1)
    res["word_error_removed_pct"] = 100.0 * (1 - (err["with"][1] + err["without"][1])
                                             / max(before, 1))
    for key, (b, a) in err.items():
        if b:
            res[f"{key}_original_word_error_removed_pct"] = 100.0 * (1 - a / b)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2]
                    / "shared" / "corpora" / "bbc")
    ap.add_argument("--half", choices=("dev", "test", "all"), default="test")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--margin", type=float, default=None)
    ap.add_argument("--repair-margin", type=float, default=None)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--end-to-end", action="store_true",
                    help="run newsclean on originals + spun copies (see above)")
    ap.add_argument("--originals", type=float, default=1.0, metavar="SHARE",
                    help="--end-to-end: the share of stories whose original is in the run")
    args = ap.parse_args()
    if args.end_to_end:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            res = end_to_end(args.corpus, args.half, args.limit, Path(tmp), args.originals)
        for k, v in res.items():
            print(f"{k:32s} {v:.3f}" if isinstance(v, float) else f"{k:32s} {v}")
        return
    config = DEFAULT_UNSPIN_CONFIG
    if args.margin is not None:
        config = replace(config, margin=args.margin)
    if args.repair_margin is not None:
        config = replace(config, repair_margin=args.repair_margin)
    if args.threshold is not None:
        config = replace(config, threshold=args.threshold)
    for k, v in run(args.corpus, args.half, args.limit, config).items():
        print(f"{k:32s} {v:.3f}" if isinstance(v, float) else f"{k:32s} {v}")


if __name__ == "__main__":
    main()
