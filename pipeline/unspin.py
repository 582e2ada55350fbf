"""Stage 4b, unspin: flag synonym-spun copies and restore the original wording.

A content farm's spinner swaps words for thesaurus senses regardless of context ("White
House" -> "White Home", "last year" -> "final 12 months", "military aid" -> "navy
support"). This stage

1. scores every article and every paragraph (cheap enough for every article):
   - *tells*: phrases that are spinner output and almost never clean news (the lexicon's
     tell rows, "12 months" where a year is meant, "U.Ok.", spintax braces "{that a}");
   - *improbable word pairs*: places where a word from the reverse lexicon sits between
     neighbours that fit one of its candidate originals far better, judged with English
     bigram counts (the `wordsegment` package's data files: 286k bigrams, 333k unigrams,
     Apache-2.0, read from the installed package, nothing downloaded);
   - a weak prior: the share of pairs of common words never seen as a bigram.
   The article is flagged (`spun`) when its score passes `UnspinConfig.threshold`; the
   thresholds are calibrated so that none of the 2,225 BBC articles is flagged.
2. repairs flagged articles only: tells are replaced outright; other lexicon candidates
   replace a spun word only when they fit their neighbours clearly better (a bigram
   log-probability gain of at least `UnspinConfig.margin`). Numbers are rewritten only in
   unambiguous patterns ("final 12 months", "tons of of", "1000's"). Every change is an
   `Edit(before, after, reason, stage="repair", score=gain)`.

Everything is deterministic: the same text gives the same score and the same repair.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipeline.model import Article, Edit


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One reverse-lexicon row: `spun` is replaced by `original` (where it came from)."""

    spun: str
    original: str
    tell: bool
    origin: str


@dataclass(frozen=True, slots=True)
class UnspinConfig:
    """How spinning is detected and repaired.

    lexicon_path: the reverse lexicon; None means the bundled `rules/spin_lexicon.tsv`.
    threshold: an article is flagged when its spin score (points per 100 words: a tell
        counts `tell_weight`, an improbable pair 1, plus the pair prior) reaches this.
        Higher misses lightly spun copies; lower risks flagging clean news. The BBC
        corpus (2,225 clean articles) scores at most ~2.2 at the default weights; spun
        copies at a 30% substitution rate score 10 and more.
    min_evidence: ... and it needs at least this many tells + improbable pairs (a short
        text with one odd phrase is not evidence of a spinner).
    tell_weight: weight of one tell against one improbable pair.
    pair_prior_weight: points per 100 words for each percentage point of unseen
        common-word bigrams above `pair_prior_base` (clean BBC news: ~25%, p99 ~42%).
    pair_prior_base: the unseen-bigram share clean news has anyway.
    margin: natural-log bigram gain a candidate original needs over the spun word to count
        as an improbable pair and to be put back (log 4 = the original's context is four
        times as likely). Lower repairs more and risks more wrong repairs.
    repair: restore original wording inside flagged articles.
    """

    lexicon_path: Path | None = None
    threshold: float = 5.0
    min_evidence: int = 4
    tell_weight: float = 3.0
    pair_prior_weight: float = 0.1
    pair_prior_base: float = 30.0
    margin: float = math.log(4.0)
    repair: bool = True


DEFAULT_UNSPIN_CONFIG = UnspinConfig()


@dataclass(slots=True)
class SpinReport:
    """The evidence behind one paragraph's (or article's) spin score."""

    words: int = 0
    tells: int = 0
    pairs: int = 0
    common_pairs: int = 0
    unseen_pairs: int = 0
    score: float = 0.0
    hits: list[str] = field(default_factory=list)

    def add(self, other: SpinReport) -> None:
        self.words += other.words
        self.tells += other.tells
        self.pairs += other.pairs
        self.common_pairs += other.common_pairs
        self.unseen_pairs += other.unseen_pairs
        self.hits.extend(other.hits)


# --------------------------------------------------------------------------- data

@lru_cache(maxsize=4)
def load_lexicon(path: Path | None = None) -> tuple[LexiconEntry, ...]:
    """Read the reverse lexicon (tab-separated; '#' starts a comment line)."""
    if path is None:
        raw = resources.files("pipeline").joinpath("rules/spin_lexicon.tsv").read_text("utf-8")
    else:
        raw = Path(path).read_text("utf-8")
    entries: dict[tuple[str, str], LexiconEntry] = {}
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 4 or parts[2] not in ("0", "1") or not parts[0] or not parts[1]:
            raise ValueError(f"spin lexicon line {n}: expected spun, original, tell 0/1, origin")
        key = (parts[0].lower(), parts[1].lower())
        entries.setdefault(key, LexiconEntry(parts[0], parts[1], parts[2] == "1", parts[3]))
    # Longest first, so "final 12 months's" wins over "final 12 months".
    return tuple(sorted(entries.values(), key=lambda e: (-len(e.spun), e.spun, e.original)))


@dataclass(frozen=True, slots=True)
class _Phrase:
    words: tuple[str, ...]
    candidates: tuple[tuple[tuple[str, ...], LexiconEntry], ...]  # original words, entry
    tell: bool


_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’.][A-Za-z0-9]+)*")


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_norm(w) for w in _WORD.findall(text))


@lru_cache(maxsize=4)
def _phrase_index(path: Path | None) -> dict[str, tuple[_Phrase, ...]]:
    """Lexicon phrases by their first word, longest first."""
    grouped: dict[tuple[str, ...], list[LexiconEntry]] = {}
    for e in load_lexicon(path):
        grouped.setdefault(_words(e.spun), []).append(e)
    index: dict[str, list[_Phrase]] = {}
    for words, entries in grouped.items():
        if not words:
            continue
        cands = tuple((_words(e.original), e) for e in entries if _words(e.original) != words)
        tell = any(e.tell for e in entries)
        index.setdefault(words[0], []).append(_Phrase(words, cands, tell))
    return {k: tuple(sorted(v, key=lambda p: (-len(p.words), p.words))) for k, v in index.items()}


@lru_cache(maxsize=1)
def bigram_model() -> tuple[dict[str, int], dict[str, int], float]:
    """(unigram counts, bigram counts "a b", total) from the installed `wordsegment` package."""
    pkg = resources.files("wordsegment")
    unigrams: dict[str, int] = {}
    for line in pkg.joinpath("unigrams.txt").read_text("utf-8").splitlines():
        w, _, c = line.partition("\t")
        unigrams[w] = int(c)
    bigrams: dict[str, int] = {}
    for line in pkg.joinpath("bigrams.txt").read_text("utf-8").splitlines():
        w, _, c = line.partition("\t")
        n = int(c)
        if n > bigrams.get(w, 0):  # the file lists a few pairs twice; keep the larger
            bigrams[w] = n
    return unigrams, bigrams, float(sum(unigrams.values()))


_BACKOFF = math.log(0.4)
_UNKNOWN = 200.0  # pseudo-count of a word the unigram list does not know


def _lp(prev: str | None, word: str) -> float:
    """Stupid-backoff log P(word | prev) over wordsegment's counts."""
    uni, bi, total = bigram_model()
    w = word.replace("'", "")
    if prev is not None:
        p = prev.replace("'", "")
        c = bi.get(p + " " + w)
        if c:
            return math.log(c / uni.get(p, c))
        return _BACKOFF + math.log(uni.get(w, _UNKNOWN) / total)
    return math.log(uni.get(w, _UNKNOWN) / total)


def _seq_lp(prev: str | None, words: tuple[str, ...], nxt: str | None) -> float:
    lp = 0.0
    for w in words:
        lp += _lp(prev, w)
        prev = w
    if nxt is not None:
        lp += _lp(prev, nxt)
    return lp


# ------------------------------------------------------------------ regex tells

# (pattern, replacement, reason). Unambiguous spinner output only.
_REGEX_TELLS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    # spintax residue: "{that a}" or "{a|the}" -> its first alternative
    (re.compile(r"\{([^{}|\n]{1,40})(?:\|[^{}\n]{0,80})?\}"), r"\1", "spintax residue"),
    (re.compile(r"\bU\.Ok\.(?=\W|$)"), "U.K.", "spinner tell: U.K. -> U.Ok."),
    (re.compile(r"\bU\.Ok\b"), "UK", "spinner tell: UK -> U.Ok"),
    # "63-year-old" -> "63-12 months-old"
    (re.compile(r"\b(\d+)-12 months-old\b"), r"\1-year-old", "spinner tell: year -> 12 months"),
    (re.compile(r"\b(\d+)-12 months\b"), r"\1-year", "spinner tell: year -> 12 months"),
)


# ------------------------------------------------------------------ core scan

@dataclass(frozen=True, slots=True)
class _Site:
    start: int
    end: int
    before: str
    after: str
    tell: bool
    gain: float
    origin: str


def _scan(paragraph: str, config: UnspinConfig) -> tuple[list[_Site], SpinReport]:
    """Find tells and improbable pairs in one paragraph, with the repair each suggests."""
    report = SpinReport()
    sites: list[_Site] = []
    for pattern, repl, reason in _REGEX_TELLS:
        for m in pattern.finditer(paragraph):
            sites.append(_Site(m.start(), m.end(), m.group(0), m.expand(repl), True, 0.0,
                               reason))
    toks = list(_WORD.finditer(paragraph))
    words = [_norm(t.group(0)) for t in toks]
    report.words = len(words)
    # adjacent: no punctuation between token i-1 and i
    joined = [False] + [paragraph[toks[i - 1].end():toks[i].start()].isspace()
                        for i in range(1, len(toks))]
    uni, bi, _ = bigram_model()
    for i in range(1, len(words)):
        if joined[i]:
            a, b = words[i - 1], words[i]
            if a.isalpha() and b.isalpha() and uni.get(a, 0) >= 5_000_000 \
                    and uni.get(b, 0) >= 5_000_000:
                report.common_pairs += 1
                if a + " " + b not in bi:
                    report.unseen_pairs += 1
    index = _phrase_index(config.lexicon_path)
    i = 0
    prev: str | None = None
    while i < len(words):
        match = None
        for ph in index.get(words[i], ()):
            n = len(ph.words)
            if tuple(words[i:i + n]) == ph.words and all(joined[i + 1:i + n]):
                match = ph
                break
        if match is None or not match.candidates:
            prev = words[i] if i + 1 < len(words) and joined[i + 1] else None
            i += 1
            continue
        n = len(match.words)
        left = prev if joined[i] else None
        right = words[i + n] if i + n < len(words) and joined[i + n] else None
        here = _seq_lp(left, match.words, right)
        best = max(match.candidates,
                   key=lambda c: (_seq_lp(left, c[0], right), c[1].original))
        gain = _seq_lp(left, best[0], right) - here
        start, end = toks[i].start(), toks[i + n - 1].end()
        before = paragraph[start:end]
        if best[1].tell or gain >= config.margin:
            after = _recase(before, best[1].original)
            sites.append(_Site(start, end, before, after, best[1].tell, gain, best[1].origin))
            prev = best[0][-1] if best[0] else None
        else:
            prev = match.words[-1]
        if right is None:
            prev = None
        i += n
    for s in sites:
        if s.tell:
            report.tells += 1
        else:
            report.pairs += 1
        report.hits.append(s.before)
    return sites, report


def _recase(spun: str, original: str) -> str:
    """Carry the spun text's capitalisation (and apostrophe style) over to the original."""
    out = original.replace("'", "’") if "’" in spun else original
    sw, ow = spun.split(), out.split()
    if len(sw) == len(ow):
        return " ".join(
            o[:1].upper() + o[1:] if s[:1].isupper() else o for s, o in zip(sw, ow, strict=True)
        )
    if spun[:1].isupper():
        return out[:1].upper() + out[1:]
    if spun[:1].islower() and out.split()[0].lower() not in ("i",) and out[:2].istitle() \
            and not out.split()[0].isupper():
        return out[:1].lower() + out[1:]
    return out


def _finish(report: SpinReport, config: UnspinConfig) -> SpinReport:
    words = max(report.words, 1)
    unseen_pct = 100.0 * report.unseen_pairs / max(report.common_pairs, 1)
    prior = config.pair_prior_weight * max(0.0, unseen_pct - config.pair_prior_base)
    report.score = 100.0 * (config.tell_weight * report.tells + report.pairs) / words + prior
    return report


# ------------------------------------------------------------------ public API

def score_paragraph(paragraph: str, config: UnspinConfig = DEFAULT_UNSPIN_CONFIG) -> SpinReport:
    """Spin evidence and score (points per 100 words) for one paragraph."""
    return _finish(_scan(paragraph, config)[1], config)


def spin_score(text: str, config: UnspinConfig = DEFAULT_UNSPIN_CONFIG) -> tuple[float, int]:
    """(spin score, number of tells + improbable pairs) for a text (paragraphs: blank line)."""
    total = SpinReport()
    for para in text.split("\n"):
        if para.strip():
            total.add(_scan(para, config)[1])
    _finish(total, config)
    return total.score, total.tells + total.pairs


def is_spun(report: SpinReport, config: UnspinConfig = DEFAULT_UNSPIN_CONFIG) -> bool:
    """The flag decision for an article-level report."""
    return report.score >= config.threshold and report.tells + report.pairs >= config.min_evidence


def repair_paragraph(paragraph: str, config: UnspinConfig = DEFAULT_UNSPIN_CONFIG
                     ) -> tuple[str, list[Edit]]:
    """Restore original wording in one paragraph of a spun article; the edits made."""
    sites, _ = _scan(paragraph, config)
    return _apply(paragraph, sites)


def _apply(paragraph: str, sites: list[_Site]) -> tuple[str, list[Edit]]:
    edits: list[Edit] = []
    out: list[str] = []
    pos = 0
    for s in sorted(sites, key=lambda s: (s.start, -s.end)):
        if s.start < pos or s.before == s.after:
            continue  # overlaps an earlier site (regex tells come first at a position)
        out.append(paragraph[pos:s.start])
        out.append(s.after)
        pos = s.end
        kind = "tell" if s.tell else f"context gain {s.gain:.2f}"
        edits.append(Edit(s.before, s.after, f"unspin ({kind}): {s.origin}", "repair",
                          round(s.gain, 4)))
    out.append(paragraph[pos:])
    return "".join(out), edits


def unspin_articles(articles: list[Article], config: UnspinConfig = DEFAULT_UNSPIN_CONFIG
                    ) -> list[Article]:
    """Score every article; flag spun ones and (if configured) repair them in place."""
    for art in articles:
        total = SpinReport()
        scanned = []
        para_scores = []
        for para in art.paragraphs:
            sites, report = _scan(para, config)
            scanned.append(sites)
            total.add(report)
            para_scores.append(round(_finish(report, config).score, 4))
        _finish(total, config)
        art.spin_score = round(total.score, 4)
        if hasattr(art, "paragraph_spin_scores"):
            art.paragraph_spin_scores = para_scores
        art.spun = is_spun(total, config)
        if art.spun and config.repair:
            new_paras = []
            for para, sites in zip(art.paragraphs, scanned, strict=True):
                fixed, edits = _apply(para, sites)
                new_paras.append(fixed)
                art.edits.extend(edits)
            art.paragraphs = new_paras
    return articles
