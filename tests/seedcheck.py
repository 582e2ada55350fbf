"""Hold cleaned seed articles to tests/golden/seeds_expected.json (the user's expectations)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden" / "seeds_expected.json"


def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_seeds(rows: Iterable[Mapping], include_should: bool = False) -> list[str]:
    """Problems found, as readable sentences; an empty list means the seeds come out right.

    `rows` are output rows (dicts with source_file, title, text, spun, source, ...), in
    the order of the output (article order within a file is kept by article ordinal).
    """
    expected = json.loads(GOLDEN.read_text("utf-8"))
    by_file: dict[str, list[Mapping]] = {}
    for row in rows:
        by_file.setdefault(row["source_file"], []).append(row)
    problems: list[str] = []
    for name, exp in expected.items():
        if name == "about":
            continue
        got = by_file.get(name, [])
        arts = exp["articles"]
        if len(got) != len(arts):
            problems.append(f"{name}: {len(got)} articles, expected {len(arts)}")
            continue
        for k, (row, want) in enumerate(zip(got, arts, strict=True)):
            where = f"{name} article {k}"
            if row.get("title") != want["title"]:
                problems.append(f"{where}: title {row.get('title')!r}, expected {want['title']!r}")
            paras = [p for p in row["text"].split("\n\n") if p.strip()]
            if not paras or not paras[0].startswith(want["first"]):
                problems.append(f"{where}: first paragraph {paras[0][:60] if paras else ''!r}")
            if want.get("last") and not paras[-1].startswith(want["last"]):
                problems.append(f"{where}: last paragraph {paras[-1][:60]!r}")
            if bool(row.get("spun")) != exp["spun"]:
                problems.append(f"{where}: spun={row.get('spun')}, expected {exp['spun']}")
            if "source" in exp and row.get("source") != exp["source"]:
                problems.append(f"{where}: source {row.get('source')!r}")
        texts = [_ws(r["text"]) for r in got]
        titles = [_ws(r.get("title") or "") + " " + _ws(r.get("dek") or "") for r in got]
        absent = list(exp.get("absent", []))
        if include_should:
            absent += exp.get("absent_should", [])
        for line in absent:
            needle = _ws(line)
            if any(needle in t for t in texts):
                problems.append(f"{name}: boilerplate survived: {needle[:70]!r}")
        del titles
    return problems
