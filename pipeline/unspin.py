"""Stage 4b, unspin: flag synonym-spun copies and restore the original wording.

A content farm's spinner swaps words regardless of sense ("White House" -> "White Home",
"last year" -> "final 12 months"). The reverse lexicon in `rules/spin_lexicon.tsv` lists
such substitutions; entries marked as tells are evidence of spinning on their own. Only
articles flagged as spun are edited, and every edit is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipeline.model import Article, Edit


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    spun: str
    original: str
    tell: bool
    origin: str


@dataclass(frozen=True, slots=True)
class UnspinConfig:
    """How spinning is detected and repaired.

    lexicon_path: the reverse lexicon; None means the bundled `rules/spin_lexicon.tsv`.
    min_tells: an article needs at least this many tell matches to be flagged ...
    min_score: ... and at least this many tells per 100 words (clean news scores 0).
    repair: restore original wording inside flagged articles.
    """

    lexicon_path: Path | None = None
    min_tells: int = 3
    min_score: float = 0.1
    repair: bool = True


DEFAULT_UNSPIN_CONFIG = UnspinConfig()


@lru_cache(maxsize=4)
def load_lexicon(path: Path | None = None) -> tuple[LexiconEntry, ...]:
    """Read the reverse lexicon (tab-separated; '#' starts a comment line)."""
    if path is None:
        raw = resources.files("pipeline").joinpath("rules/spin_lexicon.tsv").read_text("utf-8")
    else:
        raw = Path(path).read_text("utf-8")
    entries = []
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 4 or parts[2] not in ("0", "1"):
            raise ValueError(f"spin lexicon line {n}: expected spun, original, tell 0/1, origin")
        entries.append(LexiconEntry(parts[0], parts[1], parts[2] == "1", parts[3]))
    # Longest first, so "final 12 months's" wins over "final 12 months".
    return tuple(sorted(entries, key=lambda e: len(e.spun), reverse=True))


@lru_cache(maxsize=4)
def _patterns(path: Path | None) -> tuple[tuple[LexiconEntry, re.Pattern[str]], ...]:
    out = []
    for e in load_lexicon(path):
        left = r"(?<!\w)" if e.spun[0].isalnum() or e.spun[0] == "{" else ""
        right = r"(?!\w)" if e.spun[-1].isalnum() or e.spun[-1] in ".}" else ""
        out.append((e, re.compile(left + re.escape(e.spun) + right)))
    return tuple(out)


def spin_score(text: str, config: UnspinConfig = DEFAULT_UNSPIN_CONFIG) -> tuple[float, int]:
    """(tells per 100 words, number of tells) for a text."""
    words = max(1, len(text.split()))
    tells = sum(len(p.findall(text)) for e, p in _patterns(config.lexicon_path) if e.tell)
    return 100.0 * tells / words, tells


def unspin_articles(articles: list[Article], config: UnspinConfig = DEFAULT_UNSPIN_CONFIG
                    ) -> list[Article]:
    """Score every article; flag spun ones and (if configured) repair them in place."""
    for art in articles:
        score, tells = spin_score(art.text, config)
        art.spin_score = round(score, 4)
        art.spun = tells >= config.min_tells and score >= config.min_score
        if art.spun and config.repair:
            art.paragraphs = [_repair(p, art, config) for p in art.paragraphs]
    return articles


def _repair(paragraph: str, art: Article, config: UnspinConfig) -> str:
    for entry, pattern in _patterns(config.lexicon_path):
        if pattern.search(paragraph):
            new = pattern.sub(entry.original, paragraph)
            art.edits.append(Edit(entry.spun, entry.original, f"unspin lexicon: {entry.origin}",
                                  "repair", 1.0 if entry.tell else 0.5))
            paragraph = new
    return paragraph
