"""A spun copy whose original is in the output gets the original's wording back after
clustering; the original, and copies that are not spun, are left as they are."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow.dataset as ds

from flows.cli import main
from flows.flow import clean_news

# A made-up story (written for this test) and a copy spun the way seed 001 was.
ORIGINAL = """Ministers approve new flood defences for coastal towns

The government said on Monday that it would spend more than it had planned on flood
defences for coastal towns, after a year in which storms damaged thousands of homes.

Officials said the White House had offered to share its own research on sea walls, and that
engineers from the U.K. and the US would meet in London next month.

The chief executive of the Environment Agency said the money would protect hundreds of
thousands of people, but warned that some towns would still be at risk.

Local councils have asked for help for years. Many say the damage last year showed that the
old defences were too low and too weak to hold back the sea.
"""

SPUN = """Ministers approve new flood defences for coastal cities

The federal government mentioned on Monday that it might spend greater than it had deliberate
on flood defences for coastal cities, after a 12 months during which storms broken hundreds
of houses.

Officers mentioned the White Home had provided to share its personal analysis on sea partitions,
and that engineers from the U.Ok. and the US would meet in London subsequent month.

The chief govt of the Atmosphere Company mentioned the cash would defend tons of of hundreds of
folks, however warned that some cities would nonetheless be in danger.

Native councils have requested for assist for years. Many say the harm final 12 months confirmed
that the previous defences had been too low and too weak to carry again the ocean.
"""


def _rows(out: Path) -> dict[str, dict]:
    table = ds.dataset(out / "articles", partitioning="hive").to_table()
    return {r["source_file"]: r for r in table.to_pylist()}


def _paragraphs(text: str) -> str:
    """The body as newsclean writes it: paragraphs (hard-wrapped lines joined) by blank lines."""
    body = text.split("\n\n")[1:]
    return "\n\n".join(" ".join(p.split()) for p in body if p.strip())


def test_spun_copy_restored_from_its_original(harness, tmp_path: Path, capsys) -> None:
    raw, out = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "original.txt").write_text(ORIGINAL, "utf-8")
    (raw / "spun-copy.txt").write_text(SPUN, "utf-8")
    report = clean_news(str(raw), str(out))
    rows = _rows(out)
    orig, copy = rows["original.txt"], rows["spun-copy.txt"]
    assert not orig["spun"] and orig["is_canonical"]
    assert orig["text"] == _paragraphs(ORIGINAL)  # the original is not touched
    assert copy["spun"] and copy["duplicate_of"] == orig["article_id"]
    assert copy["text"] == orig["text"]
    assert copy["title"] == orig["title"] == ORIGINAL.splitlines()[0]
    restored = [e for e in copy["edits"]
                if e["reason"] == f"unspin (restored from article {orig['article_id']})"]
    # (unspin's lexicon already put back "White House", "said", "people" and others)
    assert {(e["before"], e["after"]) for e in restored} >= {
        ("Atmosphere Company", "Environment Agency"), ("in danger", "at risk"),
        ("federal", ""), ("had been", "were")}
    # the columns that derive from the text follow it
    assert copy["word_count"] == len(copy["text"].split())
    assert copy["content_hash"] == hashlib.sha1(" ".join(copy["text"].split()).encode()
                                                ).hexdigest()
    assert report["written"]["restored"] == 1

    # `newsclean explain` shows every raw line of the copy as changed, with its edits
    assert main(["explain", copy["article_id"], "--out", str(out), "--raw", str(raw),
                 "--colour", "never"]) == 0
    shown = capsys.readouterr().out
    assert "not part of this article" not in shown
    assert "'Atmosphere Company' -> 'Environment Agency' (unspin (restored from article" in shown

    # a later run brings an earlier-fetched copy of the original: it becomes the canonical,
    # the part holding the spun copy is rewritten, and nothing is restored twice
    (raw / "earlier.txt").write_text("The Guardian 2020-01-01 00:00:00\n" + ORIGINAL, "utf-8")
    report = clean_news(str(raw), str(out))
    assert report["written"]["parts_rewritten"] == 1
    rows = _rows(out)
    again = rows["spun-copy.txt"]
    assert again["duplicate_of"] == rows["earlier.txt"]["article_id"]
    assert again["text"] == orig["text"]
    assert again["edits"] == copy["edits"]

    # the copy changes (a paragraph added): read again, restored once, the addition kept
    extra = "Its editors added this paragraph, which the original does not have at all."
    (raw / "spun-copy.txt").write_text(f"{SPUN}\n{extra}\n", "utf-8")
    clean_news(str(raw), str(out))
    again = _rows(out)["spun-copy.txt"]
    assert again["text"] == f"{orig['text']}\n\n{extra}"
    assert len([e for e in again["edits"] if "restored from" in e["reason"]]) == len(restored)


# Copies of two other made-up stories by the same spinner, whose originals are not in the run.
OTHER_SPUN = """Sea partitions to be raised alongside the coast

The company mentioned it might construct greater partitions alongside the ocean, however the
plans had been delayed by the harm from final 12 months's storms.

Engineers from the White Home visited the positioning and mentioned the work would defend
1000's of houses in coastal cities.
"""

THIRD_SPUN = """Harbour repairs start after storm

Work to restore the harbour wall started after the harm from the storm, officers mentioned,
and the partitions alongside the ocean can be raised subsequent 12 months.

The U.Ok. authorities mentioned it might pay for the repairs in coastal cities.
"""


def test_spinner_learned_from_restored_copies_repairs_others(harness, tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "original.txt").write_text(ORIGINAL, "utf-8")
    (raw / "spun-copy.txt").write_text(SPUN, "utf-8")
    (raw / "other-spun.txt").write_text(OTHER_SPUN, "utf-8")
    report = clean_news(str(raw), str(out))
    assert report["written"]["learned_from"] == 1
    assert (out / ".state" / "spinner.json").is_file()
    other = _rows(out)["other-spun.txt"]
    assert other["spun"] and other["is_canonical"]
    learned = {(e["before"], e["after"]) for e in other["edits"]
               if e["reason"].startswith("unspin (learned from")}
    assert {("partitions", "walls"), ("ocean", "sea"), ("harm", "damage")} <= learned
    assert "walls alongside the sea" in other["text"] and "were delayed" in other["text"]
    assert other["title"] == "Sea walls to be raised alongside the coast"

    # a later run with no original at all repairs with what the earlier run learned
    (raw / "third-spun.txt").write_text(THIRD_SPUN, "utf-8")
    report = clean_news(str(raw), str(out))
    assert report["written"]["learned_from"] == 0
    third = _rows(out)["third-spun.txt"]
    assert third["spun"]
    assert "the walls alongside the sea" in third["text"]
    assert (out / ".state" / "spinner.json").is_file()


def test_unspun_copies_not_restored(harness, tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "original.txt").write_text(ORIGINAL, "utf-8")
    updated = ORIGINAL.replace("next month", "in the spring").replace(
        "some towns", "a few towns")
    (raw / "updated.txt").write_text(updated, "utf-8")
    clean_news(str(raw), str(out))
    rows = _rows(out)
    assert rows["updated.txt"]["cluster_id"] == rows["original.txt"]["cluster_id"]
    assert rows["updated.txt"]["text"] == _paragraphs(updated)
    assert not any("restored from" in e["reason"] for r in rows.values() for e in r["edits"])
