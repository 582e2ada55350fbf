"""newsclean on the article-extraction benchmark (scrapinghub/article-extraction-benchmark).

Each page of the chosen half is given to newsclean twice: as plain text, the way a scraper
that keeps no markup writes it (`html_text.extract_text(html, guess_layout=True)` under a
header line `<host> 2020-01-01 00:00:00`), and as the `.html` page itself (trafilatura
inside). The text of all the articles newsclean makes of a page is its predicted body.
Printed: F1, precision and recall (the benchmark's own evaluate.py when the checkout has
one, else `bench/aeb_metric.py`, the same figures), how many pages came out as exactly one
article, and the same figures for the whole page text (html-text, nothing removed), the
floor, in the same run.

Halves: page ids starting with 0-7 are the dev half (fit and tune there), 8-f the held
half, which is for the final check only.

Usage:
  .venv/bin/python bench/eval_aeb.py --benchmark ../article-extraction-benchmark [--half dev]
      [--folds DIR] [--show 5]
`--folds DIR` (from `bench/train_lines.py --fold-models DIR`): each dev page is judged by
the model fitted without its site, so the dev figures say what unseen sites get.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.aeb_metric import prf, shingle_tp_fp_fn  # noqa: E402
from pipeline.batch import clean_batch  # noqa: E402
from pipeline.config import DEFAULT_CONFIG, PipelineConfig  # noqa: E402
from pipeline.lines import LineModelConfig  # noqa: E402

HALVES = {"dev": "01234567", "held": "89abcdef"}


def page_text(html: str, url: str) -> str:
    """A page as a scraper that keeps no markup writes it, under newsclean's header line."""
    import html_text

    host = urlparse(url).netloc
    return f"{host} 2020-01-01 00:00:00\n" + html_text.extract_text(html, guess_layout=True)


def _scorer(benchmark: Path):
    """The benchmark's own string_shingle_matching and metrics, else ours."""
    path = benchmark / "evaluate.py"
    if path.is_file():
        spec = importlib.util.spec_from_file_location("aeb_evaluate", path)
        mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(mod)  # type: ignore[union-attr]

        def figures(rows: list) -> tuple[float, float, float]:
            m = mod.metrics_from_tp_fp_fns(rows)
            return m["f1"], m["precision"], m["recall"]

        return (lambda t, p: mod.string_shingle_matching(true=t, pred=p)), figures, "evaluate.py"
    return shingle_tp_fp_fn, prf, "bench/aeb_metric.py"


def _config_for(model: Path | None, threshold: float | None = None) -> PipelineConfig:
    if model is None and threshold is None:
        return DEFAULT_CONFIG
    lines = LineModelConfig(model_path=model, threshold=threshold)
    split = replace(DEFAULT_CONFIG.split, lines=lines)
    return replace(DEFAULT_CONFIG, split=split)


def run(benchmark: Path, half: str, folds: Path | None = None, show: int = 0,
        threshold: float | None = None) -> dict:
    truth = json.loads((benchmark / "ground-truth.json").read_text("utf-8"))
    ids = sorted(k for k in truth if k[:1] in HALVES[half])
    assign = json.loads((folds / "folds.json").read_text()) if folds else {}
    match, figures, scorer = _scorer(benchmark)
    out: dict = {"half": half, "pages": len(ids), "scorer": scorer}
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        for k in ids:
            html = gzip.decompress((benchmark / "html" / f"{k}.html.gz").read_bytes())
            (raw / f"{k}.html").write_bytes(html)
            text = page_text(html.decode("utf-8", "replace"), truth[k]["url"])
            (raw / f"{k}.txt").write_text(text, "utf-8")
        for kind, suffix in (("plain text", ".txt"), ("html", ".html")):
            t = time.perf_counter()
            groups: dict[str | None, list[Path]] = {}
            for k in ids:
                groups.setdefault(assign.get(k), []).append(raw / f"{k}{suffix}")
            articles = []
            for fold, paths in groups.items():
                model = folds / fold if folds and fold else None
                articles += clean_batch(paths, raw, _config_for(model, threshold)).articles
            seconds = time.perf_counter() - t
            by: dict[str, list] = {}
            for a in articles:
                by.setdefault(a.source_file.rsplit(".", 1)[0], []).append(a)
            rows, worst = [], []
            for k in ids:
                arts = sorted(by.get(k, []), key=lambda a: a.ordinal)
                pred = "\n\n".join(a.text for a in arts)
                row = match(truth[k]["articleBody"], pred)
                rows.append(row)
                worst.append((row[1] + row[2], k, len(arts)))
            f1, p, r = figures(rows)
            one = sum(len(by.get(k, [])) == 1 for k in ids)
            out[kind] = {"f1": f1, "precision": p, "recall": r, "one_article": one,
                         "seconds": seconds}
            if show:
                for err, k, n in sorted(worst, reverse=True)[:show]:
                    print(f"  [{kind}] {k[:12]} error {err:.2f}, {n} article(s)")
        floor = []
        for k in ids:
            floor.append(match(truth[k]["articleBody"], (raw / f"{k}.txt").read_text("utf-8")))
        f1, p, r = figures(floor)
        out["floor (whole page text)"] = {"f1": f1, "precision": p, "recall": r}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--benchmark", type=Path, required=True,
                    help="checkout of scrapinghub/article-extraction-benchmark")
    ap.add_argument("--half", choices=tuple(HALVES), default="dev")
    ap.add_argument("--folds", type=Path, help="fold models (bench/train_lines.py)")
    ap.add_argument("--show", type=int, default=0, help="print the N worst pages")
    ap.add_argument("--threshold", type=float, help="the line model's body threshold")
    args = ap.parse_args()
    res = run(args.benchmark, args.half, args.folds, args.show, args.threshold)
    print(f"article-extraction benchmark, {res['half']} half: {res['pages']} pages "
          f"(scored with {res['scorer']})")
    print(f"{'input':28s} {'F1':>6s} {'prec':>6s} {'recall':>6s} {'one article':>12s}")
    for kind in ("floor (whole page text)", "plain text", "html"):
        m = res[kind]
        one = f"{m['one_article']} of {res['pages']}" if "one_article" in m else "-"
        print(f"{kind:28s} {m['f1']:6.3f} {m['precision']:6.3f} {m['recall']:6.3f} {one:>12s}")


if __name__ == "__main__":
    main()
