"""Bad input never stops a run and never loses a good file: each file that cannot be
cleaned is a row in OUT/rejects/ with a reason a person understands."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow.dataset as ds

from flows.flow import clean_news


def test_bad_files_become_rejects_and_good_files_articles(harness, raw_seeds: Path,
                                                            tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    good = raw_seeds / "003_05732b7640654d32.txt"
    shutil.copy(good, raw / "good.txt")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (raw / "nul.txt").write_bytes(b"Some words\x00 and a NUL byte in the middle.\n")
    (raw / "cp1252.txt").write_bytes(
        "Caf\u00e9 Owners Cheer New Law\n\nThe owners said the \u201cnew rules\u201d would "
        "help small businesses \u2013 and their customers \u2013 this winter.\n".encode("cp1252"))
    (raw / "cut.txt").write_bytes(
        "Z\u00fcrich Bank Results\n\nThe bank reported higher profits for the year, "
        "beating forecasts by a wide margin \u20ac".encode()[:-2])
    words = good.read_text("utf-8").split()
    line = " ".join(words[i % len(words)] for i in range(800_000))[:5_000_000]
    (raw / "one-line.txt").write_text(line, "utf-8")
    os.mkfifo(raw / "fifo.txt")  # cannot be read as a file
    outside = tmp_path / "outside.txt"
    outside.write_text("A file outside the raw folder.")
    os.symlink(outside, raw / "link.txt")
    (raw / "notes.docx").write_bytes(b"PK\x03\x04 zip container")

    out = tmp_path / "out"
    report = clean_news(str(raw), str(out))
    rejects = {r["source_file"]: r["reason"]
               for r in ds.dataset(out / "rejects").to_table().to_pylist()}
    assert set(rejects) == {"empty.txt", "binary.txt", "nul.txt", "fifo.txt", "link.txt",
                            "notes.docx"}
    assert "empty" in rejects["empty.txt"]
    assert "binary" in rejects["binary.txt"] and "binary" in rejects["nul.txt"]
    assert "not a regular file" in rejects["fifo.txt"]
    assert "outside the raw folder" in rejects["link.txt"]
    assert "unsupported file type" in rejects["notes.docx"]
    rows = ds.dataset(out / "articles").to_table().to_pylist()
    by_file = {r["source_file"]: r for r in rows}
    assert set(by_file) == {"good.txt", "cp1252.txt", "cut.txt", "one-line.txt"}
    assert by_file["cp1252.txt"]["encoding"] == "cp1252"
    assert "\u201cnew rules\u201d" in by_file["cp1252.txt"]["text"]
    assert by_file["cut.txt"]["text"].endswith("margin")
    assert by_file["one-line.txt"]["word_count"] > 700_000
    assert report["counts"]["files_seen"] == 10
