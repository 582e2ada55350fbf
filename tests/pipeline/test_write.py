"""write: the per-shard table and how Parquet is written."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.model import Article, Edit, Removal
from pipeline.write import SHARD_SCHEMA, WriteConfig, shard_table, write_table


def _articles() -> list[Article]:
    a = Article("a.txt", 0, "utf-8", ["First para.", "Second para."], source="Site",
                fetched_at=datetime(2025, 3, 4, 12, tzinfo=UTC), title="A",
                removed=[Removal("Share this", "rule:share", "strip"),
                         Removal("Subscribe", "rule:newsletter", "strip")],
                edits=[Edit("Itâ€™s", "It’s", "ftfy", "repair")], spun=True,
                spin_score=4.2, content_hash="h1", shingle_count=3,
                paragraph_spin_scores=[4.0, 4.4])
    a.signature = np.arange(8, dtype=np.uint32)
    b = Article("a.txt", 1, "utf-8", ["Only para."], content_hash="h2")  # nothing removed
    b.signature = np.arange(8, 16, dtype=np.uint32)
    c = Article("b.txt", 0, "cp1252", ["Not fingerprinted."],
                removed=[Removal("Related", "rule:related", "split")])
    return [a, b, c]


def test_shard_table_list_columns_hold_every_removal_and_signature_in_order() -> None:
    arts = _articles()
    table = shard_table(arts, "run1")
    table.validate(full=True)
    assert table.schema == SHARD_SCHEMA
    assert table.column("removed").to_pylist() == [
        [{"line": r.line, "reason": r.reason, "stage": r.stage} for r in a.removed]
        for a in arts]
    assert table.column("signature").to_pylist() == [list(range(8)), list(range(8, 16)), None]
    assert table.column("edits").to_pylist()[0] == [
        {"before": "Itâ€™s", "after": "It’s", "reason": "ftfy", "stage": "repair",
         "score": None}]
    assert table.column("article_id").to_pylist() == [a.article_id for a in arts]
    assert table.column("word_count").to_pylist() == [4, 2, 2]
    assert shard_table([], "run1").num_rows == 0


def test_write_table_reads_back_the_same_table_dictionary_columns_or_not(
        tmp_path: Path) -> None:
    table = shard_table(_articles(), "run1")
    for config in (WriteConfig(), WriteConfig(dictionary_columns=()),
                   WriteConfig(dictionary_columns=tuple(SHARD_SCHEMA.names))):
        path = write_table(table, tmp_path / "part.parquet", config)
        back = pq.read_table(path)
        assert back.equals(table)
        assert pa.types.is_string(back.schema.field("source_file").type)
