"""Columns are only ever added: output written by an earlier newsclean (without the newer
`published_on` column) is brought to the current schema on the next run, so every part of
articles/ reads as one dataset; an HTML page's publication date reaches the output."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from flows.flow import clean_news
from pipeline.write import ARTICLE_SCHEMA

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Council Backs New Ferry Pier | The Coastal Ledger</title>
<meta property="og:site_name" content="The Coastal Ledger">
<meta property="article:published_time" content="2025-02-14T08:30:00Z">
</head><body><article><h1>Council Backs New Ferry Pier</h1>
<p>The council voted on Thursday to build a new ferry pier on the north side of the harbour,
ending two years of argument over where the boats should berth.</p>
<p>The pier will cost about four million pounds and should open in the spring of next year,
the harbour board said after the vote.</p>
<p>Residents of the old quarter had asked for the move because the ferry queue blocked the
narrow streets near the fish market every summer morning.</p>
</article></body></html>"""


def test_old_parts_gain_new_columns_and_html_date_is_kept(harness, raw_seeds: Path,
                                                           tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(raw_seeds, raw)
    clean_news(str(raw), str(out))
    # make the output look like an earlier version's: no published_on column
    for part in (out / "articles").glob("*.parquet"):
        table = pq.read_table(part)
        pq.write_table(table.drop_columns(["published_on"]), part)
    (raw / "pier.html").write_text(PAGE, "utf-8")
    clean_news(str(raw), str(out))
    for part in (out / "articles").glob("*.parquet"):
        got = [(f.name, f.type) for f in pq.read_schema(part)]
        assert got == [(f.name, f.type) for f in ARTICLE_SCHEMA], part
    rows = ds.dataset(out / "articles", format="parquet").to_table().to_pylist()
    assert len(rows) == 12
    pier = next(r for r in rows if r["source_file"] == "pier.html")
    assert pier["published_on"] == date(2025, 2, 14)
    assert pier["source"] == "The Coastal Ledger"
    assert all(r["published_on"] is None for r in rows if r is not pier)
    assert len(pd.read_parquet(out / "articles")) == 12
