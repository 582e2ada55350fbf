"""repair: ftfy fixes mojibake, keeps typography, and every change is recorded."""

from __future__ import annotations

from pipeline.model import RawDocument
from pipeline.repair import fix_document_encoding, fix_line, needs_fixing
from pipeline.split import split_document


def test_mojibake_is_fixed_and_recorded() -> None:
    fixed, edit = fix_line("The president’s plan â€” explained")
    assert fixed == "The president’s plan — explained"
    assert edit is not None and edit.before.endswith("explained") and "ftfy" in edit.reason


def test_curly_quotes_and_dashes_are_kept() -> None:
    line = "“We want peace,” Mr. Macron said — not at any price."
    assert not needs_fixing(line)
    assert fix_line(line) == (line, None)


def test_edits_travel_with_the_article_of_their_line() -> None:
    lines = ["Headline Over Here", "", "CafÃ© owners said business was good this year.",
             "", "Another sentence of the body."]
    doc = RawDocument("x.txt", 0, lines, "utf-8")
    fix_document_encoding([doc])
    (article,) = split_document(doc)
    assert article.paragraphs[0].startswith("Café owners")
    assert [e.after for e in article.edits] == ["Café owners said business was good this year."]
