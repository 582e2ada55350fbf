"""Measure split and strip on multi-article dumps built from BBC articles (bench/dumps.py).

For dumps of publishers the seeds never show, in several layouts and three encodings, it
reports the figures issue 3 sets targets for:
  - body paragraphs kept (target >= 99.8%): each true body paragraph is found, whole, as a
    paragraph of the dump's output;
  - junk lines left (target <= 1%): each junk line put into the dump is found in the output
    (as a paragraph, title or dek; a junk line of 4+ words also inside a paragraph);
  - titles right (target >= 97% of titled articles): the output article holding most of a
    true article's body has its title;
  - dumps with the right number of articles;
  - articles with mojibake left (ftfy's badness heuristic on the output text);
  - strip throughput (split + strip, MB of raw text per second).
Articles come from the `--half` of the corpus (dev: tuning, test: reported). `--families`
picks the chrome and layouts (bench/dumps.py): `legacy` (the default: the first ten
publishers in the first six layouts, the set the README's figures were measured on), `dev`
(the families and layouts one tunes and trains on), `report` (families and layouts never
tuned on, for leave-family-out figures), `all` (every family in every layout).

Usage: .venv/bin/python bench/eval_strip.py [--half test] [--dumps 60] [--show 5]
           [--families legacy|dev|report|all]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ftfy import fix_text  # noqa: E402
from ftfy.badness import is_bad  # noqa: E402

from bench.bbc import BBC, read_stories  # noqa: E402
from bench.dumps import SELECTIONS, Dump, make_dumps  # noqa: E402
from pipeline.batch import clean_batch  # noqa: E402
from pipeline.config import DEFAULT_CONFIG  # noqa: E402
from pipeline.lines import LineModelConfig  # noqa: E402
from pipeline.model import Article  # noqa: E402

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", fix_text(text)).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def score(dumps: list[Dump], articles: list[Article], show: int = 0) -> dict[str, float]:
    """The issue-3 figures for `articles` (the cleaning of `dumps`)."""
    by_file: dict[str, list[Article]] = {}
    for a in articles:
        by_file.setdefault(a.source_file, []).append(a)
    c: Counter[str] = Counter()
    shown: Counter[str] = Counter()

    def note(kind: str, what: str) -> None:
        if shown[kind] < show:
            shown[kind] += 1
            print(f"  [{kind}] {what[:160]}")

    for dump in dumps:
        out = sorted(by_file.get(dump.name, []), key=lambda a: a.ordinal)
        c["dumps"] += 1
        c["dumps_count_right"] += len(out) == len(dump.articles)
        if len(out) != len(dump.articles):
            note("count", f"{dump.name}: {len(out)} articles, truth {len(dump.articles)}")
        paras = [{norm(p) for p in a.paragraphs} for a in out]
        every_para = set().union(*paras) if paras else set()
        heads = {norm(x) for a in out for x in (a.title, a.dek) if x}
        joined = "\n".join(every_para)
        for t in dump.articles:
            for p in t.paragraphs:
                c["body"] += 1
                if norm(p) in every_para:
                    c["body_kept"] += 1
                else:
                    note("body lost", f"{dump.name}: {p}")
            for j in t.junk:
                nj = norm(j)
                c["junk"] += 1
                left = nj in every_para or nj in heads or (len(nj.split()) >= 4 and nj in joined)
                c["junk_left"] += left
                if left:
                    note("junk left", f"{dump.name}: {j}")
            if t.title:
                c["titled"] += 1
                body = {norm(p) for p in t.paragraphs}
                best = max(out, key=lambda a: len(body & {norm(p) for p in a.paragraphs}),
                           default=None)
                ok = best is not None and norm(best.title or "") == norm(t.title)
                c["titles_right"] += ok
                if not ok:
                    note("title", f"{dump.name}: {best.title if best else None!r} for {t.title!r}")
        for a in out:
            c["out_articles"] += 1
            c["mojibake_articles"] += is_bad(a.text) or is_bad(a.title or "")
    return {
        "dumps": c["dumps"],
        "articles_true": sum(len(d.articles) for d in dumps),
        "articles_out": c["out_articles"],
        "body_kept_pct": 100.0 * c["body_kept"] / max(c["body"], 1),
        "junk_left_pct": 100.0 * c["junk_left"] / max(c["junk"], 1),
        "titles_right_pct": 100.0 * c["titles_right"] / max(c["titled"], 1),
        "dumps_count_right_pct": 100.0 * c["dumps_count_right"] / max(c["dumps"], 1),
        "mojibake_articles": c["mojibake_articles"],
        "body_paragraphs": c["body"],
        "junk_lines": c["junk"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=BBC)
    ap.add_argument("--half", choices=("dev", "test", "all"), default="test")
    ap.add_argument("--dumps", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", type=int, default=0, help="print up to N examples of each miss")
    ap.add_argument("--model", type=Path, help="a line model file instead of the bundled one")
    ap.add_argument("--threshold", type=float, help="the line model's body threshold")
    ap.add_argument("--families", choices=SELECTIONS, default="legacy",
                    help="chrome families and layouts: legacy (the first set), dev, report, all")
    args = ap.parse_args()
    dumps = make_dumps(read_stories(args.corpus, args.half), args.dumps, seed=args.seed,
                       families=args.families)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        for d in dumps:
            (raw / d.name).write_bytes(d.data)
        files = sorted(raw.iterdir())
        t = time.perf_counter()
        lines = LineModelConfig(model_path=args.model, threshold=args.threshold)
        config = replace(DEFAULT_CONFIG, split=replace(DEFAULT_CONFIG.split, lines=lines))
        result = clean_batch(files, raw, config)
        elapsed = time.perf_counter() - t
    res = score(dumps, result.articles, args.show)
    mb = sum(len(d.data) for d in dumps) / 1e6
    res["raw_mb"] = mb
    split_strip = result.seconds.get("split", 0) + result.seconds.get("strip", 0)
    res["split_strip_mb_per_s"] = mb / max(split_strip, 1e-9)
    res["batch_mb_per_s"] = mb / elapsed
    if result.rejects:
        res["rejects"] = len(result.rejects)
    for k, v in res.items():
        print(f"{k:28s} {v:.3f}" if isinstance(v, float) else f"{k:28s} {v}")


if __name__ == "__main__":
    main()
