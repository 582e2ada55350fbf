"""bench/eval_aeb.py and bench/train_lines.py on a benchmark-shaped folder of invented pages:
the scripts run end to end, score as the benchmark does, and never read the held half (page
ids starting with 8-f)."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

pytest.importorskip("html_text")

BODY = ("The harbour bridge will close for six weeks of repairs from Monday, the county "
        "council said on Thursday.\n\nDrivers will be sent along the coast road through "
        "Millbrook, a detour of about twelve miles.")


def _page(body: str) -> str:
    nav = "".join(f"<li><a href='/{w}'>{w}</a></li>" for w in
                  ("Home", "News", "Sport", "Business", "Opinion", "Weather"))
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f"<html><head><title>Bridge to close | Harbourview</title></head><body>"
            f"<ul>{nav}</ul><h1>Bridge to close</h1><article>{paras}</article>"
            f"<footer><p>About us</p><p>Contact</p></footer></body></html>")


@pytest.fixture
def bench(tmp_path: Path) -> Path:
    (tmp_path / "html").mkdir()
    truth = {}
    for key in ("0a1b", "7c2d", "9e3f"):
        body = BODY if key != "9e3f" else "HELD HALF PAGE " * 20
        (tmp_path / "html" / f"{key}.html.gz").write_bytes(gzip.compress(_page(body).encode()))
        truth[key] = {"articleBody": body, "url": f"https://harbourview.example/{key}"}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth), "utf-8")
    return tmp_path


def test_metric_scores_as_the_benchmark_describes() -> None:
    from bench.aeb_metric import prf, shingle_tp_fp_fn

    assert prf([shingle_tp_fp_fn(BODY, BODY)]) == (1.0, 1.0, 1.0)
    tp, fp, fn = shingle_tp_fp_fn("a b c d e", "a b c d x")
    # shingles: true (abcd, bcde), predicted (abcd, bcdx): one shared of three distinct
    assert (tp, fp, fn) == (1 / 3, 1 / 3, 1 / 3)


def test_eval_aeb_runs_on_the_dev_half_only(bench: Path) -> None:
    from bench.eval_aeb import run

    res = run(bench, "dev")
    assert res["pages"] == 2
    assert res["plain text"]["one_article"] == 2
    assert res["plain text"]["recall"] > 0.9
    assert res["floor (whole page text)"]["precision"] < res["plain text"]["precision"]


def test_training_data_never_holds_the_held_half(bench: Path) -> None:
    from bench.train_lines import aeb_pages

    docs = aeb_pages(bench)
    assert {d.name.split(".")[0] for d in docs} == {"0a1b", "7c2d"}
    assert all("HELD HALF" not in line for d in docs for line in d.inp.lines)
    assert all(d.body.sum() >= 2 for d in docs if not d.name.endswith(".html"))


def test_the_model_is_fitted_on_what_split_shows_it() -> None:
    """bench/train_lines.py builds its inputs through split's own preparation: a
    hard-wrapped paragraph is one input, as judge_pages reads it."""
    from bench.train_lines import prepare
    from pipeline.read import _text_document

    wrapped = ("The harbour bridge will close for six weeks of repairs from Monday, the\n"
               "county council said on Thursday, after inspections found corrosion.")
    lines = ["Harbour bridge to close", *["Home", "News", "Sport"], wrapped,
             *[f"Drivers will take the coast road, a detour of {k} miles, the council said."
               for k in range(10, 16)]]
    doc = _text_document("\n\n".join(lines) + "\n", "wrapped.txt", "utf-8")
    (inp,) = prepare(doc)
    assert " ".join(wrapped.split()) in [" ".join(t.split()) for t in inp.lines]
