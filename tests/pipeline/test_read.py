"""read: decoding, headers, JSON lines, and a recorded reason for every file not read."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from pipeline.read import decode_bytes, list_raw_files, parse_header, read_file, read_files


def test_header_gives_source_and_fetch_time(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("The New York Times 2025-03-04 12:11:56\n\nTitle Here\n\nBody text.\n")
    (doc,), rejects = read_file(f, tmp_path)
    assert rejects == []
    assert doc.source == "The New York Times"
    assert doc.fetched_at == datetime(2025, 3, 4, 12, 11, 56, tzinfo=UTC)
    assert "The New York Times 2025-03-04 12:11:56" not in doc.lines


def test_a_scraper_s_note_is_a_header_too(tmp_path: Path) -> None:
    """"Source: <address> (fetched <date>)" and "Scraped <date> from <site>" name the site
    and the fetch date: metadata, not a line of the article (nor its headline)."""
    for first, source in (("Source: https://www.example.com/ (fetched 2024-06-12)",
                           "example.com"),
                          ("Scraped 2024-06-12 from news.example.co.uk", "news.example.co.uk")):
        (tmp_path / "a.txt").write_text(f"{first}\n\nHarbour bridge to close\n\nText.\n",
                                        "utf-8")
        docs, rejects = read_file(tmp_path / "a.txt", tmp_path)
        assert not rejects
        assert docs[0].source == source
        assert docs[0].fetched_at == datetime(2024, 6, 12, tzinfo=UTC)
        assert first not in docs[0].lines
    # the date last, a page's address, an offset, a comma after the site
    assert parse_header("Source: https://www.x.example/news/bridge-123 fetched 2024-03-14")[
        0] == "x.example"
    assert parse_header("Source: example.com, fetched 2024-03-14")[0] == "example.com"
    assert parse_header("Scraped 2024-06-12T10:00:00+05:00 from cnn.com.") == (
        "cnn.com", datetime(2024, 6, 12, 5, tzinfo=UTC))
    # a credit line that names no address and no date is text
    assert parse_header("Source: Al Jazeera and news agencies") is None
    assert parse_header("Source: figures from 2024-06-12 onwards show a rise in") is None


def test_body_line_is_not_a_header() -> None:
    assert parse_header("LONDON — Ukrainian President Volodymyr Zelenskyy has accused") is None
    assert parse_header("Prices rose 3 percent in 2024-01-05 trading as the market fell") is None


def test_windows_1252_and_latin1_are_decoded() -> None:
    text, enc = decode_bytes("He said “no” – café".encode("cp1252"))
    assert (text, enc) == ("He said “no” – café", "cp1252")
    # 0x81 is undefined in Windows-1252, so this can only be Latin-1.
    text, enc = decode_bytes(b"caf\xe9 \x81")
    assert enc == "latin-1" and text.startswith("café")


def test_utf8_cut_mid_character_keeps_the_text() -> None:
    data = "Zürich news ok €".encode()[:-1]
    text, enc = decode_bytes(data)
    assert text == "Zürich news ok " and enc == "utf-8 (truncated)"


def test_binary_and_empty_files_are_rejected_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "img.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4 hello")
    docs, rejects = read_files(sorted(tmp_path.iterdir()), tmp_path)
    reasons = {r.source_file: r.reason for r in rejects}
    assert docs == []
    assert "binary" in reasons["img.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "unsupported file type" in reasons["doc.pdf"]


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    f = tmp_path / "feed.jsonl"
    good = {"text": "Body one.\nBody two.", "title": "T1", "url": "http://x/1",
            "source": "Wire", "fetched_at": "2025-01-01T10:00:00Z"}
    f.write_text(json.dumps(good) + "\n{broken\n" + json.dumps({"no_text": 1}) + "\n")
    docs, rejects = read_file(f, tmp_path)
    assert len(docs) == 1 and docs[0].title == "T1" and docs[0].url == "http://x/1"
    assert docs[0].fetched_at == datetime(2025, 1, 1, 10, tzinfo=UTC)
    assert len(rejects) == 1 and "2 unusable JSON line(s)" in rejects[0].reason


def test_link_outside_raw_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("Private words.")
    raw = tmp_path / "raw"
    raw.mkdir()
    os.symlink(outside, raw / "link.txt")
    files = list_raw_files(raw)
    docs, rejects = read_files(files, raw)
    assert docs == []
    assert rejects[0].source_file == "link.txt"
    assert "outside the raw folder" in rejects[0].reason


def test_files_listed_recursively_hidden_skipped(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    names = [p.relative_to(tmp_path.resolve()).as_posix() for p in list_raw_files(tmp_path)]
    assert names == ["a.txt", "sub/b.txt"]
