"""Fit the line model (`pipeline/models/lines.json`) from labelled pages, and report how it
does on pages it was not fitted on (grouped cross-validation).

Labelled data (a line is body or not; titles and deks are marked where known):
  - the article-extraction benchmark's dev half (`--aeb DIR`, a checkout of
    github.com/scrapinghub/article-extraction-benchmark, MIT): pages whose id starts
    with 0-7 only (8-f are the held half, which this script refuses to read). Each page is
    turned into plain text as a scraper that keeps no markup writes it
    (`html_text.extract_text(html, guess_layout=True)`, header `<host> 2020-01-01 00:00:00`)
    and a line is body when its words are in the page's ground-truth article body;
  - dumps built by bench/dumps.py from the BBC corpus's dev half (publishers and layouts of
    the "dev" group only), whose truth says what every line is.

Usage:
  .venv/bin/python bench/train_lines.py --aeb ../article-extraction-benchmark [--cv 5]
      [--out pipeline/models/lines.json] [--no-write]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.lines import (  # noqa: E402
    FEATURES,
    STAGE2_FEATURES,
    TITLE_FEATURES,
    LineInput,
    context_features,
    document_features,
    page_inputs,
    title_features,
)
from pipeline.model import RawDocument  # noqa: E402
from pipeline.read import _read_html, _text_document, decode_bytes  # noqa: E402
from pipeline.repair import fix_document_encoding  # noqa: E402
from pipeline.split import DEFAULT_SPLIT_CONFIG, prepare_document  # noqa: E402

DEV_IDS = "01234567"  # the benchmark's dev half: ids starting with these
_TOK = re.compile(r"\w+", re.UNICODE)


@dataclass
class Labelled:
    """One document's lines, features and labels (1 body, 0 not, -1 unknown)."""

    name: str
    group: str  # documents of one group (a site, a publisher) fall in one fold
    inp: LineInput
    body: np.ndarray
    title: np.ndarray  # 1 where the line is the article's headline, -1 unknown
    kind: str = "dump"  # aeb (gold), silver, dump, plain
    share: float = 1.0  # of its document's weight (a dump's page: 1 / its pages)


def prepare(doc: RawDocument, url: str | None = None, paged: bool = False) -> list[LineInput]:
    """The model's view of a document, page by page, as split builds it
    (`split.prepare_document`, `lines.page_inputs`: unwrapped, rules, learned chrome,
    leaked titles, hard-wrapped paragraphs joined, pages too short to judge left out).
    `paged`: cut a dump at its page template, as split does; a single page is one page
    (split also ends there when a template's pages hold no article)."""
    fix_document_encoding([doc])
    prep = prepare_document(doc, DEFAULT_SPLIT_CONFIG)
    pages = page_inputs(prep.doc.lines, prep.classes, prep.keys,
                        prep.starts if paged else [], prep.doc.title, url or prep.doc.url,
                        prep.doc.extracted, DEFAULT_SPLIT_CONFIG.lines.min_lines)
    return [inp for _, inp in pages]


def _toks(text: str) -> list[str]:
    return [t.lower() for t in _TOK.findall(text)]


def label_against_body(lines: list[str], body: str) -> np.ndarray:
    """1 where a line's words are the truth body's (most of its 4-word shingles are in
    the body, or a short line is a whole body paragraph), else 0."""
    toks = _toks(body)
    grams = Counter(tuple(toks[i:i + 4]) for i in range(max(0, len(toks) - 3)))
    paras = {tuple(_toks(p)) for p in re.split(r"\n+", body) if p.strip()}
    out = np.zeros(len(lines), dtype=np.int8)
    for k, line in enumerate(lines):
        t = _toks(line)
        if not t:
            continue
        if len(t) < 4:
            out[k] = tuple(t) in paras
            continue
        g = [tuple(t[i:i + 4]) for i in range(len(t) - 3)]
        hit = sum(1 for x in g if grams.get(x, 0) > 0)
        out[k] = hit >= 0.5 * len(g)
    return out


def aeb_pages(root: Path) -> list[Labelled]:
    """The benchmark's dev-half pages as plain text, labelled from its ground truth."""
    from urllib.parse import urlparse

    import html_text

    truth = json.loads((root / "ground-truth.json").read_text("utf-8"))
    out = []
    for path in sorted((root / "html").glob("*.html.gz")):
        key = path.name.split(".")[0]
        if key[:1] not in DEV_IDS:
            continue  # the held half: never read
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        host = urlparse(truth[key]["url"]).netloc
        text = f"{host} 2020-01-01 00:00:00\n" + html_text.extract_text(html, guess_layout=True)
        doc = _text_document(text, f"{key}.txt", "utf-8")
        # half the pages come with their URL, as JSON input gives it
        headline = _page_headline(html)
        for inp in prepare(doc, truth[key]["url"] if zlib.crc32(key.encode()) % 2 else None):
            body = label_against_body(list(inp.lines), truth[key]["articleBody"])
            title = _title_labels(list(inp.lines), body, headline)
            out.append(Labelled(key, _site(host), inp, body.astype(np.int8), title, "aeb"))
        # the same page as newsclean reads an .html file: trafilatura's main text
        docs, _ = _read_html(html, f"{key}.html", "utf-8")
        for inp in prepare(docs[0]) if docs else []:
            body = label_against_body(list(inp.lines), truth[key]["articleBody"])
            title = np.zeros(len(body), dtype=np.int8)
            out.append(Labelled(f"{key}.html", _site(host), inp, body.astype(np.int8), title,
                                "aeb"))
    return out


def _site(host: str) -> str:
    return "site:" + host.lower().removeprefix("www.")


def _norm_ws(text: str) -> str:
    return " ".join(text.split())


def silver_docs(root: Path, cache: Path | None = None) -> list[Labelled]:
    """trafilatura's evaluation pages (bench/silver.py), labelled by its extraction and
    corrected by its snippets; headlines unknown."""
    from bench.silver import silver_pages

    out = []
    for page in silver_pages(root, cache):
        doc = _text_document(page.text, page.name, "utf-8")
        for inp in prepare(doc):
            body = label_against_body(list(inp.lines), page.main).astype(np.int8)
            norm = [_norm_ws(t) for t in inp.lines]
            for snippets, value in ((page.without, 0), (page.with_, 1)):
                for snip in map(_norm_ws, snippets):
                    for k, t in enumerate(norm):
                        if snip and snip in t:
                            body[k] = value
            title = np.full(len(body), -1, dtype=np.int8)
            out.append(Labelled(page.name, _site(page.host), inp, body, title, "silver"))
    return out


def _page_headline(html: str) -> str | None:
    """The page's headline from its markup (og:title, else the first h1), for labels."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - a page lxml cannot parse has no headline label
        return None
    for xp in ("//h1", "//meta[@property='og:title']/@content"):
        found = tree.xpath(xp)
        if found:
            node = found[0]
            text = node if isinstance(node, str) else node.text_content()
            text = " ".join(str(text).split())
            if text:
                return text
    return None


def _title_labels(lines: list[str], body: np.ndarray, headline: str | None) -> np.ndarray:
    """1 on the line that is the headline: the last line before the first body line whose
    words are the headline's."""
    out = np.zeros(len(lines), dtype=np.int8)
    if not headline or not body.any():
        return out
    want = set(_toks(headline))
    first_body = int(np.argmax(body))
    for k in range(first_body - 1, -1, -1):
        got = set(_toks(lines[k]))
        if got and want and len(got & want) >= 0.8 * max(len(got), len(want)):
            out[k] = 1
            break
    return out


def dump_docs(n: int, seed: int, families: str, per_dump: tuple[int, int] = (3, 9),
              short: bool = False) -> list[Labelled]:
    """Dumps built from BBC dev-half stories, labelled from their truth."""
    from ftfy import fix_text

    from bench.bbc import read_stories
    from bench.dumps import make_dumps

    def norm(t: str) -> str:
        return " ".join(fix_text(t).replace("’", "'").replace("“", '"').replace(
            "”", '"').split())

    stories = read_stories(half="dev")
    if short:  # news briefs: stories cut to their first two to four paragraphs
        rng = random.Random(seed)
        stories = [replace(st, paragraphs=st.paragraphs[:rng.randint(2, 4)]) for st in stories]
    try:
        dumps = make_dumps(stories, n, seed=seed, per_dump=per_dump, families=families)
    except TypeError:  # an older bench/dumps.py
        dumps = make_dumps(stories, n, seed=seed)
    out = []
    for d in dumps:
        decoded = decode_bytes(d.data)
        if isinstance(decoded, str):
            continue
        doc = _text_document(decoded[0], d.name, decoded[1])
        body_set = {norm(p) for t in d.articles for p in t.paragraphs}
        junk = {norm(j) for t in d.articles for j in t.junk}
        titles = {norm(t.title) for t in d.articles if t.title}
        pages = prepare(doc, paged=True)
        for page, inp in enumerate(pages):
            body = np.full(len(inp.lines), -1, dtype=np.int8)  # (a dek: neither)
            title = np.zeros(len(inp.lines), dtype=np.int8)
            for k, line in enumerate(inp.lines):
                x = norm(line)
                if x in titles:
                    body[k], title[k] = 0, 1
                elif x in body_set:
                    body[k] = 1
                elif x in junk:
                    body[k] = 0
            out.append(Labelled(f"{d.name}:{per_dump[0]}:{short}:{page}", f"dump:{d.publisher}",
                                inp, body, title, share=1.0 / len(pages)))
    return out


def plain_docs(n: int, seed: int) -> list[Labelled]:
    """Single articles as a user's own samples come (the seeds' shape): a headline, the
    body, and in some a trailing "Related" block of other stories' opening sentences or
    headlines. BBC dev-half stories."""
    import random

    from bench.bbc import read_stories

    rng = random.Random(seed)
    stories = read_stories(half="dev")
    rng.shuffle(stories)
    out = []
    for k, st in enumerate(stories[:n]):
        lines = [st.title, *st.paragraphs]
        body = [0, *[1] * len(st.paragraphs)]
        title = [1, *[0] * len(st.paragraphs)]
        tail = rng.random()
        if tail < 0.5:
            others = rng.sample(stories, 3)
            heading = rng.choice(["Related Articles", "Similar Posts", "Read more", "More from"
                                  " this section", "You may also like"])
            items = [o.paragraphs[0] if tail < 0.25 else o.title for o in others]
            lines += [heading, *items]
            body += [0] * (1 + len(items))
            title += [0] * (1 + len(items))
        text = "\n\n".join(lines) + "\n"
        doc = _text_document(text, f"plain{k}.txt", "utf-8")
        norm = {" ".join(x.split()): (b, t) for x, b, t in zip(lines, body, title, strict=True)}
        for inp in prepare(doc):
            b = np.array([norm.get(" ".join(x.split()), (-1, 0))[0] for x in inp.lines], np.int8)
            t = np.array([norm.get(" ".join(x.split()), (-1, 0))[1] for x in inp.lines], np.int8)
            out.append(Labelled(f"plain{k}", f"plain:{k % 10}", inp, b, t, "plain"))
    return out


#: Trees per ensemble and their learning rate. Measured on the dev half (site-grouped
#: folds, 2026-12-05): 80 trees at 0.14 cost F1 0.929 -> 0.917 and precision 0.919 -> 0.903
#: for about 40% less tree time, so 150 stay.
TREES = 150
LEARNING_RATE = 0.08


def fit_trees(x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None, seed: int = 0):
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(
        max_iter=TREES, learning_rate=LEARNING_RATE, max_depth=6, max_leaf_nodes=24,
        min_samples_leaf=20, l2_regularization=1.0, random_state=seed)
    clf.fit(x, y, sample_weight=w)
    return clf


def export_trees(clf) -> dict:
    """The classifier's trees as flat arrays (see `pipeline.lines.Trees`)."""
    feature, threshold, left, right, value, roots = [], [], [], [], [], []
    depth = 0
    for per_iter in clf._predictors:
        (tree,) = per_iter
        nodes = tree.nodes
        base = len(feature)
        roots.append(base)
        for nd in nodes:
            leaf = bool(nd["is_leaf"])
            feature.append(0 if leaf else int(nd["feature_idx"]))
            threshold.append(0.0 if leaf else float(nd["num_threshold"]))
            left.append(-1 if leaf else base + int(nd["left"]))
            right.append(-1 if leaf else base + int(nd["right"]))
            value.append(float(nd["value"]) if leaf else 0.0)
            depth = max(depth, int(nd["depth"]))
    return {"baseline": float(np.ravel(clf._baseline_prediction)[0]), "feature": feature,
            "threshold": threshold, "left": left, "right": right, "value": value,
            "roots": roots, "depth": depth + 1}


def stack(docs: list[Labelled]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    feats = [document_features(d.inp) for d in docs]
    x = np.concatenate(feats)
    y = np.concatenate([d.body for d in docs])
    groups = np.concatenate([[k] * len(d.body) for k, d in enumerate(docs)])
    return x, y, groups, feats


#: A silver-labelled page (bench/silver.py) weighs this much of a synthetic document.
SILVER_WEIGHT = 0.15
#: In the synthetic documents a body line weighs this many chrome lines: their figures ask
#: that almost no body be lost (99.8% kept) while a little chrome may stay (1%).
BODY_WEIGHT = 4.0


def weights_of(docs: list[Labelled], y: np.ndarray) -> np.ndarray:
    """Each labelled document weighs the same in all (a 600-line page is not worth ten
    small ones; a dump's pages share its weight), AEB pages twice what a synthetic dump
    weighs; in the synthetic ones a body line `BODY_WEIGHT` times a chrome line."""
    w = []
    for d in docs:
        n = max(int((d.body >= 0).sum()), 1)
        if d.kind == "aeb":
            w.append(np.full(len(d.body), 200.0 * d.share / n))
        elif d.kind == "silver":
            w.append(np.full(len(d.body), SILVER_WEIGHT * 100.0 * d.share / n))
        else:
            w.append(np.where(d.body == 1, BODY_WEIGHT, 1.0) * 100.0 * d.share / n)
    return np.concatenate(w)


def fit_two_stage(docs: list[Labelled], folds: int = 5, seed: int = 0) -> tuple:
    """Stage 1 on all, stage 2 on stage-1 scores made out of fold (as at use)."""
    from sklearn.model_selection import GroupKFold

    x, y, groups, feats = stack(docs)
    w = weights_of(docs, y)
    known = y >= 0
    doc_groups = np.array([zlib.crc32(d.group.encode()) for d in docs])
    line_groups = doc_groups[groups]
    p1 = np.zeros(len(y))
    for tr, te in GroupKFold(folds).split(x, y, line_groups):
        m = tr[known[tr]]
        clf = fit_trees(x[m], y[m], w[m], seed)
        p1[te] = clf.predict_proba(x[te])[:, 1]
    x2 = _stage2_matrix(feats, p1, groups, docs)
    s1 = fit_trees(x[known], y[known], w[known], seed)
    s2 = fit_trees(x2[known], y[known], w[known], seed)
    xt = np.concatenate([title_features(f, p1[groups == k], docs[k].inp)
                         for k, f in enumerate(feats)])
    yt = np.concatenate([d.title for d in docs])
    wt = np.concatenate([np.full(len(d.title), 100.0 * d.share / max(len(d.title), 1))
                         for d in docs])
    tk = yt >= 0
    st = fit_trees(xt[tk], yt[tk], wt[tk], seed)
    return s1, s2, st


def _stage2_matrix(feats: list[np.ndarray], p1: np.ndarray, groups: np.ndarray,
                   docs: list[Labelled]) -> np.ndarray:
    out = []
    for k, f in enumerate(feats):
        out.append(context_features(f, p1[groups == k], docs[k].inp.lines))
    return np.concatenate(out)


def cross_validate(docs: list[Labelled], folds: int = 5, seed: int = 0
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold stage-2 scores of every line (folds grouped by site / publisher)."""
    from sklearn.model_selection import GroupKFold

    _, y, groups, _ = stack(docs)
    doc_groups = np.array([zlib.crc32(d.group.encode()) for d in docs])
    p2 = np.zeros(len(y))
    for tr_docs, te_docs in GroupKFold(folds).split(np.zeros(len(docs)), groups=doc_groups):
        train = [docs[k] for k in tr_docs]
        s1, s2, _ = fit_two_stage(train, folds=min(folds, 4), seed=seed)
        for k in te_docs:
            f = document_features(docs[k].inp)
            a = s1.predict_proba(f)[:, 1]
            p2[groups == k] = s2.predict_proba(context_features(f, a, docs[k].inp.lines))[:, 1]
    return p2, y


def aeb_f1(docs: list[Labelled], p: np.ndarray, truth: dict, threshold: float = 0.5
           ) -> tuple[float, float, float]:
    """The benchmark's figures (token 4-shingles) for the lines kept at `threshold`."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from aeb_metric import prf, shingle_tp_fp_fn

    rows = []
    at = 0
    for d in docs:
        n = len(d.body)
        if d.kind == "aeb" and not d.name.endswith(".html"):
            kept = [line for line, q in zip(d.inp.lines, p[at:at + n], strict=True)
                    if q >= threshold]
            rows.append(shingle_tp_fp_fn(truth[d.name]["articleBody"], "\n".join(kept)))
        at += n
    return prf(rows)


def fit_model(docs: list[Labelled], seed: int = 0, note: str = "") -> dict:
    """The two stages fitted on `docs`, as the model file's JSON object."""
    s1, s2, st = fit_two_stage(docs, seed=seed)
    n_aeb = sum(d.kind == "aeb" for d in docs)
    n_silver = sum(d.kind == "silver" for d in docs)
    return {
        "version": time.strftime("%Y-%m-%d") + f"-s{seed}",
        "origin": (f"bench/train_lines.py: {n_aeb} documents of the article-extraction "
                   f"benchmark's dev half (MIT; plain text and trafilatura's text), {n_silver} "
                   "trafilatura evaluation pages with silver labels (Apache-2.0), "
                   f"{len(docs) - n_aeb - n_silver} pages of bench/dumps.py dumps and "
                   f"plain articles (BBC dev half, dev publishers and layouts){note}"),
        "features": list(FEATURES),
        "stage2_features": list(STAGE2_FEATURES),
        "threshold": 0.5,
        "stage1": export_trees(s1),
        "stage2": export_trees(s2),
        "title_features": list(TITLE_FEATURES),
        "title": export_trees(st),
    }


def write_model(model: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, separators=(",", ":")), "utf-8")


def fold_models(docs: list[Labelled], folds: int, out: Path, seed: int = 0) -> None:
    """One model per fold (folds grouped by site / publisher), each fitted without its
    fold's documents, and `folds.json` saying which model may judge which document: so
    that a whole run of newsclean can be scored on pages its model never saw."""
    from sklearn.model_selection import GroupKFold

    groups = np.array([zlib.crc32(d.group.encode()) for d in docs])
    assign: dict[str, str] = {}
    for k, (tr, te) in enumerate(GroupKFold(folds).split(np.zeros(len(docs)), groups=groups)):
        name = f"fold{k}.json"
        write_model(fit_model([docs[i] for i in tr], seed, f", fold {k} of {folds}"), out / name)
        for i in te:
            assign[docs[i].name] = name
    (out / "folds.json").write_text(json.dumps(assign, indent=1), "utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--aeb", type=Path, required=True,
                    help="checkout of scrapinghub/article-extraction-benchmark")
    ap.add_argument("--trafilatura", type=Path,
                    help="checkout of adbar/trafilatura: its tests/eval pages, silver labels")
    ap.add_argument("--silver-cache", type=Path, help="pickle of the silver pages' text")
    ap.add_argument("--dumps", type=int, default=80)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cv", type=int, default=0,
                    help="report line figures cross-validated over this many folds")
    ap.add_argument("--fold-models", type=Path,
                    help="also write one model per fold here (for bench/eval_aeb.py --folds)")
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parents[1] / "pipeline/models/lines.json")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    t = time.perf_counter()
    docs = aeb_pages(args.aeb)
    n_aeb = len(docs)
    if args.trafilatura:
        docs += silver_docs(args.trafilatura, args.silver_cache)
    if args.dumps:
        docs += dump_docs(args.dumps, 101 + args.seed, "dev")
        docs += dump_docs(args.dumps, 202 + args.seed, "dev", per_dump=(1, 1))
        docs += dump_docs(args.dumps // 2, 404 + args.seed, "dev", per_dump=(2, 6), short=True)
        docs += plain_docs(args.dumps // 2, 303 + args.seed)
    print(f"{n_aeb} benchmark pages, {len(docs) - n_aeb} dumps, "
          f"{sum(len(d.body) for d in docs)} lines ({time.perf_counter() - t:.1f} s)")
    if args.cv:
        truth = json.loads((args.aeb / "ground-truth.json").read_text("utf-8"))
        p2, y = cross_validate(docs, args.cv, args.seed)
        known = y >= 0
        acc = ((p2[known] >= 0.5) == (y[known] == 1)).mean()
        f1, pr, rc = aeb_f1(docs, p2, truth)
        print(f"cross-validated (grouped by site): line accuracy {acc:.4f}; benchmark dev "
              f"half F1 {f1:.3f} precision {pr:.3f} recall {rc:.3f} (lines alone)")
    if args.fold_models:
        fold_models(docs, 5, args.fold_models, args.seed)
        print(f"wrote 5 fold models to {args.fold_models}")
    if not args.no_write:
        write_model(fit_model(docs, args.seed), args.out)
        print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
