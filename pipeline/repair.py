"""Stage 4, repair: encoding damage (ftfy) and synonym spinning, every change recorded.

Encoding repair runs on a document's lines right after read, so that split and strip see
the words a person would see (a paywall line in mojibake is still a paywall line); the
edits are kept per line and travel with the article the line ends up in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import ftfy
from ftfy.badness import is_bad

from pipeline.model import Article, Edit, RawDocument
from pipeline.native import native as _native


def _news_ftfy_config() -> ftfy.TextFixerConfig:
    # Chosen for news text:
    # - uncurl_quotes=False: typographic quotes and apostrophes are the publisher's
    #   typography, not damage; straightening them would lose information.
    # - fix_character_width=False: NFKC width folding would rewrite full-width CJK
    #   punctuation in quotes from Asian outlets; it is not encoding damage.
    # - fix_latin_ligatures=True: "ﬁ" from PDF/print pipelines breaks search and shingles.
    # - unescape_html="auto": "&amp;" in scraped text is an unescaped entity unless the text
    #   contains real tags.
    # - everything that undoes mojibake (fix_encoding, restore_byte_a0,
    #   replace_lossy_sequences, decode_inconsistent_utf8, fix_c1_controls) stays on.
    return ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False, explain=True)


@dataclass(frozen=True, slots=True)
class RepairConfig:
    """How text is repaired.

    ftfy: the ftfy settings (see `_news_ftfy_config` for why each differs from ftfy's).
    """

    ftfy: ftfy.TextFixerConfig = field(default_factory=_news_ftfy_config)


DEFAULT_REPAIR_CONFIG = RepairConfig()

# Anything ftfy could change besides mojibake: C1 controls, other controls, entities,
# ligatures, odd line separators, lone surrogates, terminal escapes.
_MAYBE_DAMAGED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufb00-\ufb06\u2028\u2029\ud800-\udfff\ufffd]|&[#\\w]+;"
)


# Characters of clean news that ftfy leaves alone next to any printable ASCII: typographic
# punctuation and the pound and euro signs, except a currency sign next to an opening or
# closing quote ("”£", "£“" look like mojibake to ftfy's badness check). A test enumerates
# every window of up to three characters over these and printable ASCII; NFC leaves them
# all as they are.
_PLAIN_PUNCTUATION = "’‘“”—–…£€"
_CURRENCY_QUOTE = re.compile("[£€][‘“”]|[‘“”][£€]")
_NOT_PLAIN_ASCII = re.compile("[\\x00-\\x08\\x0a-\\x1f\\x7f&]")


def plain_line(line: str) -> bool:
    """Cheaper than `needs_fixing` and never True where it is: the line holds only
    printable ASCII, tabs and the characters of `_PLAIN_PUNCTUATION` (no currency sign
    next to a quote), and no "&".

    >>> plain_line("“It’s £5” — really…"), plain_line("AT&T"), plain_line("“£5”")
    (True, False, False)
    """
    if not line.isascii():
        if _CURRENCY_QUOTE.search(line):
            return False
        for ch in _PLAIN_PUNCTUATION:
            line = line.replace(ch, "")
        if not line.isascii():
            return False
    return _NOT_PLAIN_ASCII.search(line) is None


def unplain_lines(lines: list[str]) -> list[int]:
    """Indices of the lines that are not `plain_line` (one C pass when the extension is
    built)."""
    if _native is not None:
        return _native.unplain_lines(lines)
    return [i for i, line in enumerate(lines) if not plain_line(line)]


def needs_fixing(line: str) -> bool:
    """Cheap test: could ftfy change this line? Clean ASCII and clean Unicode say no.

    >>> needs_fixing("A plain line."), needs_fixing("It’s fine."), needs_fixing("Itâ€™s")
    (False, False, True)
    """
    if line.isascii():
        return "&" in line or "\x1b" in line or _MAYBE_DAMAGED.search(line) is not None
    if _MAYBE_DAMAGED.search(line) or is_bad(line):
        return True
    return not unicodedata.is_normalized("NFC", line)


def fix_line(line: str, config: RepairConfig = DEFAULT_REPAIR_CONFIG) -> tuple[str, Edit | None]:
    """Fix one line with ftfy; return the new line and the edit (None if unchanged)."""
    if not needs_fixing(line):
        return line, None
    fixed, explanation = ftfy.fix_and_explain(line, config=config.ftfy)
    if fixed == line:
        return line, None
    steps = ", ".join(f"{op} {arg}" for op, arg in (explanation or []))
    return fixed, Edit(line, fixed, f"ftfy: {steps}" if steps else "ftfy", "repair")


def fix_document_encoding(docs: list[RawDocument], config: RepairConfig = DEFAULT_REPAIR_CONFIG
                          ) -> list[RawDocument]:
    """Repair encoding damage line by line in place; edits are kept on `doc.line_edits`."""
    for doc in docs:
        for i in unplain_lines(doc.lines):  # a plain line needs nothing (`plain_line`)
            fixed, edit = fix_line(doc.lines[i], config)
            if edit is not None:
                doc.lines[i] = fixed
                doc.line_edits.setdefault(i, []).append(edit)
        if doc.title:
            doc.title, _ = fix_line(doc.title, config)
    return docs


def fix_articles(articles: list[Article], config: RepairConfig = DEFAULT_REPAIR_CONFIG
                 ) -> list[Article]:
    """Repair title and dek of articles built without `fix_document_encoding` (e.g. HTML)."""
    for art in articles:
        for attr in ("title", "dek"):
            value = getattr(art, attr)
            if value:
                fixed, edit = fix_line(value, config)
                if edit is not None:
                    setattr(art, attr, fixed)
                    art.edits.append(edit)
    return articles
