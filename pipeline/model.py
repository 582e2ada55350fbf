"""The data model shared by every stage: raw documents, articles, rejects.

Stages pass these plain dataclasses along in batches (lists); nothing here knows about
Prefect or Parquet. Provenance travels with the article: every line a stage removes is a
`Removal`, every change it makes is an `Edit`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from pipeline.native import native as _native


@dataclass(slots=True, frozen=True)
class Removal:
    """One line taken out of an article, with the stage and rule that took it."""

    line: str
    reason: str
    stage: str


@dataclass(slots=True, frozen=True)
class Edit:
    """One change made to an article's text: what stood there, what stands now, and why."""

    before: str
    after: str
    reason: str
    stage: str
    score: float | None = None


@dataclass(slots=True)
class RawDocument:
    """One unit of raw text as read from a file: a whole .txt file, one .jsonl record, or
    the main text of one HTML page.

    `lines` are the text's lines (no line endings). `edits` holds encoding repairs keyed
    by line index, so that split can hand each one to the article the line ends up in.
    `published_on` is the publication date an HTML page states.
    """

    source_file: str
    ordinal: int
    lines: list[str]
    encoding: str
    source: str | None = None
    fetched_at: datetime | None = None
    url: str | None = None
    title: str | None = None
    line_edits: dict[int, list[Edit]] = field(default_factory=dict)
    removed: list[Removal] = field(default_factory=list)
    published_on: date | None = None
    # the lines are an extractor's main text (an HTML page through trafilatura), not a
    # whole page's text: the line model reads them so
    extracted: bool = False


@dataclass(slots=True)
class Article:
    """One article, from split to write. `paragraphs` is the body; `text` is derived."""

    source_file: str
    ordinal: int
    encoding: str
    paragraphs: list[str]
    source: str | None = None
    fetched_at: datetime | None = None
    url: str | None = None
    title: str | None = None
    dek: str | None = None
    removed: list[Removal] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    spun: bool = False
    spin_score: float = 0.0
    content_hash: str = ""
    signature: object = None  # numpy uint32 array once fingerprinted
    shingle_count: int = 0
    cluster_id: str = ""
    is_canonical: bool = True
    duplicate_of: str | None = None
    # split's rule verdict per paragraph text, so strip need not match the rules again
    # (internal; cleared by strip, never written)
    line_classes: dict[str, tuple[str, str] | None] | None = None
    # split's line model judged every line (strip then takes no lines after a "Related"
    # heading on the heading's word: the model has judged them) (internal, never written)
    judged: bool = False
    published_on: date | None = None
    # spin score of each paragraph (as printed, before repair); set on flagged articles
    paragraph_spin_scores: list[float] | None = None

    @property
    def article_id(self) -> str:
        """Stable id: the raw file's relative path and the article's position in it."""
        return make_article_id(self.source_file, self.ordinal)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def word_count(self) -> int:
        """Whitespace-separated words in the paragraphs (counted in C when built)."""
        if _native is not None and isinstance(self.paragraphs, list):
            return _native.count_words(self.paragraphs)
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass(slots=True, frozen=True)
class Reject:
    """A raw file (or part of one) that could not be cleaned, and why, in plain words."""

    source_file: str
    reason: str


def make_article_id(source_file: str, ordinal: int) -> str:
    """Deterministic article id: same file path and position give the same id on every run.

    >>> make_article_id("a.txt", 0) == make_article_id("a.txt", 0)
    True
    """
    digest = hashlib.sha1(f"{source_file}\0{ordinal}".encode()).hexdigest()
    return digest[:16]
