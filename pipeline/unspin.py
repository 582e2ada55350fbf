"""Stage 4b, unspin: flag synonym-spun copies and restore the original wording.

A content farm's spinner swaps words for thesaurus senses regardless of context ("White
House" -> "White Home", "last year" -> "final 12 months", "military aid" -> "navy
support"). This stage

1. scores every article (one tokenising pass, ~0.3 ms for a 400-word article) and, through
   `score_paragraph`, any paragraph:
   - *tells*: phrases that are spinner output and almost never clean news (the lexicon's
     tell rows, "12 months" where a year is meant, "U.Ok.", spintax braces "{that a}");
   - *improbable word pairs*: places where a word from the reverse lexicon sits between
     neighbours that fit one of its candidate originals better (a bigram log-probability
     gain of at least `UnspinConfig.margin`), judged with English bigram counts (the
     `wordsegment` package's data files: 286k bigrams, 333k unigrams, Apache-2.0, read
     from the installed package, nothing downloaded);
   - two priors that need no lexicon, so they also see spinners it does not know: the
     mean pointwise mutual information of adjacent words (a spinner breaks collocations:
     "interest rates" -> "rates of curiosity") and the share of pairs of common words
     never seen as a bigram.
   The article is flagged (`spun`) when its score reaches `UnspinConfig.threshold`,
   calibrated so that none of the 2,225 BBC articles is flagged.
2. repairs flagged articles only: tells are replaced outright; other lexicon candidates
   replace a spun word when they fit their neighbours at least as well
   (`UnspinConfig.repair_margin`), the best-fitting candidate winning, judged with the
   word's other occurrences in the article too (`UnspinConfig.consistency`); a word in
   capitals ("TV") is an acronym and stays. Numbers are
   rewritten only in unambiguous patterns ("final 12 months", "tons of of", "1000's").
   Every change is an `Edit(before, after, reason, stage="repair", score=gain)`.

3. after clustering (the write step calls it), restores a flagged copy from its cluster's
   unspun canonical where the two align (`restore_from_original`), and
4. learns from those aligned copies what the spinner put for which word (`SpinnerTable`,
   kept across runs) to repair the flagged copies whose original is not in the output.

Everything is deterministic: the same text gives the same score and the same repair.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import repeat
from pathlib import Path

import numpy as np

from pipeline.model import Article, Edit
from pipeline.native import native as _native


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One reverse-lexicon row: `spun` is replaced by `original` (where it came from)."""

    spun: str
    original: str
    tell: bool
    origin: str


@dataclass(frozen=True, slots=True)
class RestoreConfig:
    """When a spun copy is restored from an unspun copy of the same story.

    min_aligned: share of the shorter text's tokens that must align with the other's
        (difflib) before any word is restored, and half this share of the longer's: a
        spinner leaves 65-70% of words and all punctuation in place (BBC copies spun at
        30-35%: 0.70-0.80 of tokens align); a truncated or updated version of the story
        aligns its shared part just as well.
    max_span: the longest substitution restored, in tokens on either side ("Tons of of
        hundreds of folks" -> "Hundreds of thousands of people"). Longer differences are
        rewrites, not spinning.
    learn: learn the spinner's substitutions from the copies restored (`SpinnerTable`, kept
        in OUT/.state/spinner.json across runs) and repair with them the spun copies whose
        original is not in the output.
    """

    min_aligned: float = 0.5
    max_span: int = 6
    learn: bool = True


DEFAULT_RESTORE_CONFIG = RestoreConfig()


@dataclass(frozen=True, slots=True)
class UnspinConfig:
    """How spinning is detected and repaired.

    lexicon_path: the reverse lexicon; None means the bundled `rules/spin_lexicon.tsv`.
    threshold: an article is flagged when its spin score reaches this. The score is in
        points per 100 words: a tell counts `tell_weight`, an improbable pair 1, plus the two
        priors below. Calibrated so that none of the 2,225 BBC articles reaches it (their
        maximum is 3.21; 3.6 keeps a margin for news unlike the BBC's at no recall cost on
        the dev half); copies spun at 30-35% of words score 2-30, 98% of them >= 3.6.
    min_evidence: ... and it needs at least this many tells + improbable pairs, unless the
        text has `min_words` words or more (a short text with one odd phrase is not
        evidence of a spinner; a long one is judged by its priors too).
    min_words: see `min_evidence`.
    tell_weight: weight of one tell against one improbable pair.
    pair_prior_weight: points for each percentage point of unseen common-word bigrams above
        `pair_prior_base` (clean BBC news: ~32%, p99 ~50%).
    pair_prior_base: the unseen-bigram share clean news has anyway.
    pmi_weight: points for each nat the mean pointwise mutual information of adjacent word
        pairs (unlisted pairs count 0) falls below `pmi_base`. Clean news keeps its
        collocations (median ~0.9); a thesaurus spinner breaks them (median ~0.6).
    pmi_base: the mean PMI below which the collocation prior starts to count.
    margin: natural-log bigram gain a candidate original needs over the spun word for the
        pair to count as improbable (evidence of spinning). Lower flags more, clean news too.
    repair_margin: the gain a candidate needs to be put back inside a flagged article.
        Lower repairs more and risks more wrong repairs.
    repair: restore original wording inside flagged articles.
    consistency: in a flagged article, a candidate's score at one occurrence of a spun
        phrase is its bigram gain there plus this times its mean gain at the phrase's other
        occurrences in the article (a spinner puts the same word for a word throughout).
        Dev half: 0 -> 0.5 took word error removed from 23.26% to 23.31% (phrase table
        70.56% -> 70.77%); 1.0 was no better.
    restore: after clustering, a flagged copy whose cluster's canonical is unspun gets the
        canonical's wording back where the two align (`restore_from_original`); None: off.
    """

    lexicon_path: Path | None = None
    threshold: float = 3.6
    min_evidence: int = 4
    min_words: int = 60
    tell_weight: float = 5.0
    pair_prior_weight: float = 0.05
    pair_prior_base: float = 30.0
    pmi_weight: float = 4.0
    pmi_base: float = 0.6
    margin: float = 1.0
    repair_margin: float = 0.0
    repair: bool = True
    consistency: float = 0.5
    restore: RestoreConfig | None = DEFAULT_RESTORE_CONFIG


DEFAULT_UNSPIN_CONFIG = UnspinConfig()


@dataclass(slots=True)
class SpinReport:
    """The evidence behind one paragraph's (or article's) spin score."""

    words: int = 0
    tells: int = 0
    pairs: int = 0
    word_pairs: int = 0
    common_pairs: int = 0
    unseen_pairs: int = 0
    pmi_sum: float = 0.0
    score: float = 0.0
    hits: list[str] = field(default_factory=list)

    def add(self, other: SpinReport) -> None:
        self.words += other.words
        self.word_pairs += other.word_pairs
        self.pmi_sum += other.pmi_sum
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


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity (cache keys)
class _Phrase:
    words: tuple[str, ...]
    candidates: tuple[tuple[tuple[str, ...], LexiconEntry], ...]  # original words, entry
    tell: bool


_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’.][A-Za-z0-9]+)*")


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_norm(w) for w in _WORD.findall(text))


@dataclass(frozen=True, slots=True)
class _Index:
    """Lexicon phrases: one-word phrases by word, longer ones by their first two words."""

    single: dict[str, _Phrase]
    multi: dict[tuple[str, str], tuple[_Phrase, ...]]  # (w1, w2) -> phrases, longest first
    multi_first: frozenset[str]  # first and second words of the longer phrases
    multi_second: frozenset[str]


@lru_cache(maxsize=4)
def _phrase_index(path: Path | None) -> _Index:
    grouped: dict[tuple[str, ...], list[LexiconEntry]] = {}
    for e in load_lexicon(path):
        grouped.setdefault(_words(e.spun), []).append(e)
    single: dict[str, _Phrase] = {}
    multi: dict[tuple[str, str], list[_Phrase]] = {}
    for words, entries in grouped.items():
        if not words:
            continue
        cands = tuple((_words(e.original), e) for e in entries if _words(e.original) != words)
        phrase = _Phrase(words, cands, any(e.tell for e in entries))
        if len(words) == 1:
            single[words[0]] = phrase
        else:
            multi.setdefault((words[0], words[1]), []).append(phrase)
    return _Index(single, {k: tuple(sorted(v, key=lambda p: (-len(p.words), p.words)))
                           for k, v in multi.items()},
                  frozenset(k[0] for k in multi), frozenset(k[1] for k in multi))


@lru_cache(maxsize=1)
def bigram_model() -> tuple[dict[str, int], dict[str, int], float]:
    """(unigram counts, bigram counts "a b", total) from the installed `wordsegment` package."""
    pkg = resources.files("wordsegment")
    # "word<TAB>count" lines (words hold no spaces); a word listed twice keeps its last count
    parts = pkg.joinpath("unigrams.txt").read_text("utf-8").split()
    unigrams: dict[str, int] = dict(zip(parts[0::2], map(int, parts[1::2]), strict=True))
    bigrams: dict[str, int] = {}
    parts = pkg.joinpath("bigrams.txt").read_text("utf-8").split()  # "a b<TAB>count"
    for a, b, c in zip(parts[0::3], parts[1::3], parts[2::3], strict=True):
        w, n = f"{a} {b}", int(c)
        if n > bigrams.get(w, 0):  # the file lists a few pairs twice; keep the larger
            bigrams[w] = n
    return unigrams, bigrams, float(sum(unigrams.values()))


_BACKOFF = math.log(0.4)
_UNKNOWN = 200.0  # pseudo-count of a word the unigram list does not know


_COMMON = 5_000_000  # unigram count of a "common" word (for the unseen-pair prior)


@dataclass(frozen=True, slots=True)
class _PairTables:
    """The bigram model as arrays, for scoring every word pair of a text in a few numpy
    operations: words get ids (`_word_ids`; 0 = not a listed word), a pair (a, b) the
    code a * `base` + b; `codes` are the listed pairs' codes, sorted, with their PMI and
    whether both words are common. A token's id comes from `_token_codes`."""

    base: int
    common: np.ndarray  # bool per id
    codes: np.ndarray  # int64, sorted
    pmi: np.ndarray  # float64, per code
    both_common: np.ndarray  # bool, per code
    counts: np.ndarray  # int64, per code: the pair's count


def _word_ids(unigrams: dict[str, int]) -> dict[str, int]:
    """Each listed word's id: 1, 2, ... in the unigram list's order."""
    if unigrams is bigram_model()[0]:
        return _model_word_ids()
    return {w: k for k, w in enumerate(unigrams, start=1)}


@lru_cache(maxsize=1)
def _model_word_ids() -> dict[str, int]:
    """`_word_ids` of the bigram model's unigrams, made once."""
    return {w: k for k, w in enumerate(bigram_model()[0], start=1)}


@lru_cache(maxsize=1)
def _tables() -> _PairTables:
    """Derived once from the bigram model (see `_PairTables`)."""
    uni, bi, total = bigram_model()
    ids = _word_ids(uni)
    base = len(ids) + 1
    common = np.zeros(base, dtype=bool)
    common[[ids[w] for w, c in uni.items() if c >= _COMMON]] = True
    # every listed pair whose words both have a count: its code, PMI and count (the same
    # values, in the same order, as a loop over bi.items() would give; numpy's float64
    # products and quotients are Python's, and the logs are math.log's)
    halves = [pair.partition(" ") for pair in bi]
    first = np.fromiter((ids.get(h[0], 0) for h in halves), np.int64, len(halves))
    second = np.fromiter((ids.get(h[2], 0) for h in halves), np.int64, len(halves))
    uni_counts = np.fromiter(uni.values(), np.float64, len(uni))  # < 2^53: exact
    uni_counts = np.concatenate(([0.0], uni_counts))  # by id
    ca, cb = uni_counts[first], uni_counts[second]
    keep = (first > 0) & (second > 0) & (ca > 0) & (cb > 0)
    counts = np.fromiter(bi.values(), np.int64, len(bi))[keep]
    ratio = (counts.astype(np.float64) * total) / (ca[keep] * cb[keep])
    pmi = np.array([math.log(x) for x in ratio.tolist()], dtype=np.float64)
    code_arr = first[keep] * base + second[keep]
    order = np.argsort(code_arr, kind="stable")
    code_arr = code_arr[order]
    both = common[code_arr // base] & common[code_arr % base]
    return _PairTables(base, common, code_arr, pmi[order], both, counts[order])


_SINGLE, _MULTI_FIRST, _MULTI_SECOND = 1, 2, 4


@lru_cache(maxsize=4)
def _token_codes(path: Path | None) -> dict[str, int]:
    """token -> (bigram-model id << 3) | lexicon flags: _SINGLE (a one-word phrase with
    candidates: one without can start nothing), _MULTI_FIRST / _MULTI_SECOND (first /
    second word of a longer phrase). Tokens in neither map to nothing (0)."""
    index = _phrase_index(path)
    codes = {w: k << 3 for w, k in _word_ids(bigram_model()[0]).items()}
    singles = [w for w, phrase in index.single.items() if phrase.candidates]
    for words, flag in ((singles, _SINGLE), (index.multi_first, _MULTI_FIRST),
                        (index.multi_second, _MULTI_SECOND)):
        for w in words:
            codes[w] = codes.get(w, 0) | flag
    return codes


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
# Cheap pre-check: a paragraph without any of these cannot match a regex tell.
_TELL_HINTS = ("{", "U.Ok", "-12 months")


# ------------------------------------------------------------------ core scan

@dataclass(frozen=True, slots=True)
class _Site:
    """A repair: characters start:end of the paragraph (regex tells), or tokens start:end of
    its token list (lexicon phrases; -1 = not yet resolved) become `after`."""

    start: int
    end: int
    before: str
    after: str
    tell: bool
    gain: float
    origin: str
    tokens: tuple[int, int] = (-1, -1)
    evidence: bool = True  # counts toward the spin score (else a repair only)


# Word tokens (internal - ' ’ . allowed) and runs of other non-space characters. Two word
# tokens next to each other in this list stand with only whitespace between them.
_TOKENS = re.compile(r"[A-Za-z0-9]+(?:[-'’.][A-Za-z0-9]+)*|[^\sA-Za-z0-9]+")


# Words and pairs the compiled pass also keeps in small tables that stay in the CPU cache
# (see _native.c): the most frequent, which most of any news text is made of.
_HOT_WORDS = 8192
_HOT_PAIRS = 16384


@lru_cache(maxsize=4)
def _native_tables(path: Path | None) -> tuple[object, object, int, bytes]:
    """The compiled pass's tables: token codes and listed pairs as C hash tables."""
    assert _native is not None
    tables = _tables()
    hot = tables.codes[np.argsort(-tables.counts, kind="stable")[:_HOT_PAIRS]]
    # A word's id matters only through the listed pairs and the common-word flags, so
    # the C table holds just the words of listed pairs, the common words and the lexicon's
    # (24k of 333k: the table stays in the CPU cache); any other word is 0 there, as
    # good as its id.
    keep = np.zeros(tables.base, dtype=bool)
    keep[tables.codes // tables.base] = keep[tables.codes % tables.base] = True
    keep |= tables.common
    words = list(bigram_model()[0])  # id k is words[k - 1]
    relevant = {words[k - 1] for k in np.flatnonzero(keep).tolist()}
    index = _phrase_index(path)
    phrase_words = {w for ph in (*index.single.values(), *(p for v in index.multi.values()
                                                            for p in v)) for w in ph.words}
    token_codes = _token_codes(path)
    codes = {w: c for w, c in token_codes.items() if c & 7 or w in relevant}
    codes.update((w, token_codes.get(w, 0)) for w in phrase_words)  # (scan_spin matches them)
    return (_native.make_word_table(codes, _HOT_WORDS, tuple(index.multi)),
            _native.make_pair_table(tables.codes.tobytes(), hot.astype(np.int64).tobytes(),
                                    np.ascontiguousarray(tables.pmi, dtype=np.float64).tobytes(),
                                    tables.both_common.astype(np.uint8).tobytes()),
            tables.base, tables.common.astype(np.uint8).tobytes())


@lru_cache(maxsize=4)
def _native_scan(path: Path | None) -> tuple[tuple, object, list[_Phrase]] | None:
    """The compiled pass's tables and lexicon for a lexicon file, or None when its words do
    not fit them (a phrase word of more than 24 characters or not ASCII, in a lexicon of
    one's own): `_scan` then runs the Python pass, which has no such limits."""
    try:
        return (_native_tables(path), *_native_lexicon(path))
    except ValueError:
        return None


@lru_cache(maxsize=4)
def _native_lexicon(path: Path | None) -> tuple[object, list[_Phrase]]:
    """The lexicon as `scan_spin` reads it, and its phrases by the positions it reports."""
    assert _native is not None
    index = _phrase_index(path)
    phrases: list[_Phrase] = []
    at: dict[int, int] = {}

    def position(phrase: _Phrase) -> int:
        if id(phrase) not in at:
            at[id(phrase)] = len(phrases)
            phrases.append(phrase)
        return at[id(phrase)]

    single = {w: position(ph) for w, ph in index.single.items()}
    multi = {k: tuple(position(ph) for ph in v) for k, v in index.multi.items()}
    spec = [(ph.words, [(words, entry.original, entry.tell) for words, entry in ph.candidates])
            for ph in phrases]
    uni, bi, total = bigram_model()
    lexicon = _native.make_lexicon(_native_tables(path)[0], spec, single, multi, uni, bi,
                                   total, _BACKOFF, _UNKNOWN)
    return lexicon, phrases


def _token_pass(lowered: str, path: Path | None, report: SpinReport
                ) -> tuple[list[str], list[int]]:
    """Tokenise a lower-cased text (’ as '), fill in the report's word and pair counts, and
    find where a lexicon phrase may start: a one-word phrase with candidates, or a word
    pair that opens a longer phrase. Returns (tokens, starts). One tokenising regex, one
    dict look-up per token (its bigram-model id and lexicon flags), the word pairs and the
    starts in a few numpy operations (`pipeline._native.scan_spin` does all of `_scan`'s
    pass in C)."""
    tables = _tables()
    toks = _TOKENS.findall(lowered)
    report.words = len(toks)
    report.word_pairs = max(len(toks) - 1, 0)
    # one look-up per token: its bigram-model id and its lexicon flags (`_token_codes`)
    coded = np.fromiter(map(_token_codes(path).get, toks, repeat(0)),
                        dtype=np.int64, count=len(toks))
    if len(toks) > 1:
        # every word pair at once: its code, looked up among the listed pairs' codes
        ids = coded >> 3
        left, right = ids[:-1], ids[1:]
        codes = (left * tables.base + right)[(left > 0) & (right > 0)]
        at = np.searchsorted(tables.codes, codes)
        at[at == len(tables.codes)] = 0
        at = at[tables.codes[at] == codes]
        report.pmi_sum = float(tables.pmi[at].sum())
        flags = tables.common[ids]
        report.common_pairs = int(np.count_nonzero(flags[:-1] & flags[1:]))
        report.unseen_pairs = report.common_pairs - int(np.count_nonzero(tables.both_common[at]))
    if not (coded & (_SINGLE | _MULTI_FIRST)).any():
        return toks, []
    multi = _phrase_index(path).multi
    pairs = [i for i in np.flatnonzero((coded[:-1] & _MULTI_FIRST).astype(bool)
                                       & (coded[1:] & _MULTI_SECOND).astype(bool)).tolist()
             if (toks[i], toks[i + 1]) in multi]
    return toks, np.union1d(np.flatnonzero(coded & _SINGLE), pairs).astype(int).tolist()


def _scan(paragraph: str, config: UnspinConfig, repairs: bool = True
          ) -> tuple[list[_Site], SpinReport]:
    """Find tells and improbable pairs in one paragraph, with the repair each suggests.

    Cheap on clean text: one tokenising pass (`_token_pass`: every token's bigram-model
    id and lexicon flags, the listed word pairs, where a lexicon phrase may start), and
    bigram scoring only where one stands.
    """
    report = SpinReport()
    sites: list[_Site] = []
    if any(hint in paragraph for hint in _TELL_HINTS):
        for pattern, repl, reason in _REGEX_TELLS:
            for m in pattern.finditer(paragraph):
                sites.append(_Site(m.start(), m.end(), m.group(0), m.expand(repl), True, 0.0,
                                   reason))
    lowered = paragraph.lower().replace("’", "'")
    compiled = _native_scan(config.lexicon_path) if _native is not None else None
    if compiled is not None:  # the same pass in C
        tables, lexicon, phrases = compiled
        n, pmi_sum, common_pairs, unseen_pairs, found = _native.scan_spin(  # type: ignore[union-attr]
            lowered, *tables, lexicon, config.margin,
            min(config.margin, config.repair_margin), repairs)
        report.words = n
        report.word_pairs = max(n - 1, 0)
        if n > 1:
            report.pmi_sum = pmi_sum
            report.common_pairs = common_pairs
            report.unseen_pairs = unseen_pairs
        for i, length, p, k, gain, evidence in found:
            phrase = phrases[p]
            entry = phrase.candidates[k][1]
            sites.append(_Site(-1, -1, " ".join(phrase.words), entry.original, entry.tell,
                               gain, entry.origin, (i, i + length), evidence))
    else:
        toks, starts = _token_pass(lowered, config.lexicon_path, report)
        if starts:
            _lexicon_sites(toks, starts, _phrase_index(config.lexicon_path), config, sites,
                           repairs)
    for st in sites:
        if st.tell:
            report.tells += 1
        elif st.evidence:
            report.pairs += 1
        else:
            continue
        report.hits.append(st.before)
    return sites, report


@lru_cache(maxsize=1 << 16)
def _gains(prev: str | None, phrase: _Phrase, right: str | None) -> tuple[float, ...]:
    """Bigram gain of each candidate of `phrase` over the spun phrase in one context."""
    here = _seq_lp(prev, phrase.words, right)
    return tuple(_seq_lp(prev, c[0], right) - here for c in phrase.candidates)


@lru_cache(maxsize=1 << 16)
def _best(prev: str | None, phrase: _Phrase, right: str | None) -> tuple[float, int]:
    """(bigram gain of the best candidate over the spun phrase, its index) in one context."""
    gains = _gains(prev, phrase, right)
    _, _, k = max((g, c[1].original, k)
                  for k, (g, c) in enumerate(zip(gains, phrase.candidates, strict=True)))
    return gains[k], k


def _matches(toks: list[str], starts: list[int], index: _Index
             ) -> Iterator[tuple[int, _Phrase]]:
    """(token index, phrase) of each lexicon phrase with candidates in `toks`, left to right
    and without overlaps (the longest phrase at a position wins); `starts`: where one may
    begin, in order."""
    single, multi = index.single, index.multi
    n_toks = len(toks)
    done = 0  # tokens before this are inside an earlier phrase
    for i in starts:
        if i < done:
            continue
        match = None
        for ph in multi.get((toks[i], toks[i + 1]), ()) if i + 1 < n_toks else ():
            if tuple(toks[i:i + len(ph.words)]) == ph.words:
                match = ph
                break
        if match is None:
            match = single.get(toks[i])
        if match is None or not match.candidates:
            continue
        yield i, match
        done = i + len(match.words)


def _context(toks: list[str], i: int, n: int, last: tuple[int, str]
             ) -> tuple[str | None, str | None]:
    """The words before and after tokens i:i+n (None at punctuation or the edge); the word
    before is the repaired one when the last repair (`last`: its final token, word) ends
    just before i."""
    prev = None
    if i > 0 and toks[i - 1][0].isalnum():
        prev = last[1] if last[0] == i - 1 else toks[i - 1]
    right = toks[i + n] if i + n < len(toks) and toks[i + n][0].isalnum() else None
    return prev, right


def _lexicon_sites(toks: list[str], starts: list[int], index: _Index, config: UnspinConfig,
                   sites: list[_Site], repairs: bool = True) -> None:
    """Lexicon phrases in a paragraph's tokens (`starts`: where one may begin, in order):
    tells, and candidates that fit far better. `repairs`: also the candidates that fit
    only well enough to be put back (`repair_margin`), which are no evidence of spinning;
    scoring alone leaves them out."""
    last: tuple[int, str] = (-1, "")  # (token index, original word) of the last repair
    for i, match in _matches(toks, starts, index):
        n = len(match.words)
        prev, right = _context(toks, i, n, last)
        gain, k = _best(prev, match, right)
        words, entry = match.candidates[k]
        if prev is None and right is None and not entry.tell:
            gain = 0.0  # no neighbour to judge by: unigram frequency alone is no evidence
        if entry.tell or gain >= min(config.margin, config.repair_margin):
            evidence = entry.tell or gain >= config.margin
            if repairs or evidence:
                sites.append(_Site(-1, -1, " ".join(match.words), entry.original, entry.tell,
                                   gain, entry.origin, (i, i + n), evidence))
            # the next phrase is judged next to the repaired words either way
            last = (i + n - 1, words[-1] if words else "")


def _document_sites(text: str, sites: list[_Site], config: UnspinConfig) -> list[_Site]:
    """The repairs for a flagged article (`text`: its paragraphs joined; `sites`: what
    `_scan` found in it), each lexicon candidate judged with the whole article's evidence.

    A spinner puts the same words for the same words all through an article, so at each
    occurrence of a spun phrase a candidate scores its bigram gain there plus
    `consistency` times its mean gain at the phrase's other occurrences in the article,
    Tells and regex tells are kept as `_scan` found them. Flagged articles only (it
    tokenises the text again).
    """
    toks = _TOKENS.findall(text.lower().replace("’", "'"))
    codes = _token_codes(config.lexicon_path)
    starts = [i for i, t in enumerate(toks) if codes.get(t, 0) & (_SINGLE | _MULTI_FIRST)]
    found = list(_matches(toks, starts, _phrase_index(config.lexicon_path)))
    first: list[tuple[float, ...] | None] = []  # gains in the text's own context
    totals: dict[int, tuple[list[float], list[int]]] = {}  # id(phrase) -> sums, count
    for i, match in found:
        prev, right = _context(toks, i, len(match.words), (-1, ""))
        gains = _gains(prev, match, right) if prev or right else None
        first.append(gains)
        if gains is not None:
            sums, count = totals.setdefault(id(match), ([0.0] * len(gains), [0]))
            for k, g in enumerate(gains):
                sums[k] += g
            count[0] += 1
    out = [st for st in sites if st.tokens[0] < 0]
    last: tuple[int, str] = (-1, "")
    for (i, match), own in zip(found, first, strict=True):
        n = len(match.words)
        prev, right = _context(toks, i, n, last)
        gains = _gains(prev, match, right) if prev or right else (0.0,) * len(match.candidates)
        sums, count = totals.get(id(match), ([], [0]))
        scored = []
        for k, (_, entry) in enumerate(match.candidates):
            score = gains[k]
            if own is not None and count[0] > 1:
                score += config.consistency * (sums[k] - own[k]) / (count[0] - 1)
            elif own is None and count[0]:
                score += config.consistency * sums[k] / count[0]
            scored.append((score, entry.original, k))
        score, _, k = max(scored)
        words, entry = match.candidates[k]
        if entry.tell or score >= config.repair_margin:
            out.append(_Site(-1, -1, " ".join(match.words), entry.original, entry.tell,
                             score, entry.origin, (i, i + n)))
            last = (i + n - 1, words[-1] if words else "")
    return out


def _recase(spun: str, original: str) -> str:
    """Carry the spun text's capitalisation (and apostrophe style) over to the original."""
    if "’" in spun:
        out = original.replace("'", "’")
    else:
        out = original.replace("’", "'") if "'" in spun else original
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
    mean_pmi = report.pmi_sum / max(report.word_pairs, 1)
    prior += config.pmi_weight * max(0.0, config.pmi_base - mean_pmi)
    report.score = 100.0 * (config.tell_weight * report.tells + report.pairs) / words + prior
    return report


# ------------------------------------------------------------------ public API

def score_paragraph(paragraph: str, config: UnspinConfig = DEFAULT_UNSPIN_CONFIG) -> SpinReport:
    """Spin evidence and score (points per 100 words) for one paragraph."""
    return _finish(_scan(paragraph, config, repairs=False)[1], config)


def spin_score(text: str, config: UnspinConfig = DEFAULT_UNSPIN_CONFIG) -> tuple[float, int]:
    """(spin score, number of tells + improbable pairs) for a text (one paragraph a line)."""
    report = _finish(_scan(_join(text.split("\n")), config, repairs=False)[1], config)
    return report.score, report.tells + report.pairs


# Paragraphs are scored in one pass, joined by a separator that is a token of its own (so
# no word pair, phrase or regex tell reaches across it).
_SEP = "\n\x00\n"


def _join(paragraphs: list[str]) -> str:
    return _SEP.join(p.replace("\x00", "") for p in paragraphs if p.strip())


def is_spun(report: SpinReport, config: UnspinConfig = DEFAULT_UNSPIN_CONFIG) -> bool:
    """The flag decision for an article-level report."""
    return report.score >= config.threshold and (
        report.tells + report.pairs >= config.min_evidence or report.words >= config.min_words)


def repair_paragraph(paragraph: str, config: UnspinConfig = DEFAULT_UNSPIN_CONFIG
                     ) -> tuple[str, list[Edit]]:
    """Restore original wording in one paragraph of a spun article; the edits made."""
    sites, _ = _scan(paragraph, config)
    return _apply(paragraph, sites)


# (a paragraph of an article's joined text starts after the separator's \x00)
_SENTENCE_START = re.compile(r"(?:^|\x00|[.!?][\"”’)]?)\s*[\"“‘(]?$")


def _resolve(paragraph: str, sites: list[_Site]) -> list[_Site]:
    """Give lexicon sites their character spans and the paragraph's own spelling."""
    if all(st.tokens[0] < 0 for st in sites):
        return sites
    spans = [m.span() for m in _TOKENS.finditer(paragraph)]
    out = []
    for st in sites:
        if st.tokens[0] < 0:
            out.append(st)
            continue
        if st.tokens[1] > len(spans):
            continue  # lower() changed the tokens (a rare non-ASCII capital): no repair
        start, end = spans[st.tokens[0]][0], spans[st.tokens[1] - 1][1]
        before = paragraph[start:end]
        if _words(before) != tuple(st.before.split()):
            continue
        if not st.tell and len(before) > 1 and before.isupper():
            continue  # an acronym ("TV"): a spinner swaps words, keeping only their first capital
        after = _recase(before, st.after)
        if not before[:1].isalpha() and _SENTENCE_START.search(paragraph, 0, start):
            after = after[:1].upper() + after[1:]  # "1000's of" opening a sentence
        out.append(_Site(start, end, before, after, st.tell, st.gain, st.origin))
    return out


def _apply(paragraph: str, sites: list[_Site]) -> tuple[str, list[Edit]]:
    edits: list[Edit] = []
    out: list[str] = []
    pos = 0
    for s in sorted(_resolve(paragraph, sites), key=lambda s: (s.start, -s.end)):
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
    """Score every article; flag spun ones and (if configured) repair them in place.

    Paragraph scores are `score_paragraph`'s; the article is scored in one pass, and a
    flagged article's paragraphs each once more (`Article.paragraph_spin_scores`).
    """
    for art in articles:
        text = _join(art.paragraphs)
        sites, report = _scan(text, config, repairs=False)  # repairs: `_document_sites`
        _finish(report, config)
        art.spin_score = round(report.score, 4)
        art.spun = is_spun(report, config)
        if art.spun:
            # where in a flagged article the spinning is (one more pass, flagged only)
            art.paragraph_spin_scores = [round(score_paragraph(p, config).score, 4)
                                         for p in art.paragraphs]
        if art.spun and config.repair:
            kept = [p for p in art.paragraphs if p.strip()]
            fixed, edits = _apply(text, _document_sites(text, sites, config))
            paras = fixed.split(_SEP)
            if len(paras) == len(kept):
                art.paragraphs = paras
                art.edits.extend(edits)
    return articles


# ------------------------------------------------------------------ restore from an original

# Words where two versions of one story legitimately differ (an update, a correction), so a
# spun copy's word is never "restored" to the original's there: numbers, days and months.
_VERSION_WORDS = frozenset("""
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight
january february march april may june july august september october november december
""".split())
_PARA = "\x00"  # paragraph boundary token (never a word of either text)


def _tokens_with_spans(paragraphs: list[str]) -> list[tuple[str, int, int, int]]:
    """(normalised token, paragraph, start, end) for every token; a paragraph boundary
    token between paragraphs."""
    out: list[tuple[str, int, int, int]] = []
    for k, para in enumerate(paragraphs):
        if out:
            out.append((_PARA, k, 0, 0))
        out.extend((_norm(m.group()), k, m.start(), m.end()) for m in _TOKENS.finditer(para))
    return out


def _restorable(before: list[str], after: list[str], config: RestoreConfig,
                anchored: bool) -> bool:
    """May `before` (the copy's tokens) be replaced by `after` (the original's)? A word or
    three the copy adds or lacks only between aligned words (`anchored`)."""
    if len(before) > config.max_span or len(after) > config.max_span:
        return False
    if not before or not after:
        if not anchored or len(before) + len(after) > 3:
            return False
    if _PARA in before or _PARA in after:
        return False
    return not any(any(c.isdigit() for c in w) or w in _VERSION_WORDS for w in after) and \
        not any(w in _VERSION_WORDS for w in before)


def _differences(ops: list[tuple[str, int, int, int, int]], a: list[str]
                 ) -> list[tuple[int, int, int, int]]:
    """The spans (i1, i2, j1, j2) where the copy's tokens `a` stand in place of the
    original's.

    A difflib `replace` is one. A spinner that reorders ("hundreds of thousands" -> "tons of
    of hundreds") shows as a short delete or insert (up to 3 tokens) next to one or two
    aligned tokens and another difference: those form one span, so that half of a
    reordering is never restored without the other half. Spans never cross paragraphs.
    """
    def short_gap(op: tuple[str, int, int, int, int]) -> bool:
        return op[2] - op[1] <= 2 and _PARA not in a[op[1]:op[2]]

    def reorder(op: tuple[str, int, int, int, int]) -> bool:
        return op[0] != "replace" and max(op[2] - op[1], op[4] - op[3]) <= 3

    out: list[tuple[int, int, int, int]] = []
    group: list[tuple[str, int, int, int, int]] = []
    for k, op in enumerate(ops):
        if op[0] == "equal":
            continue
        if group and not (short_gap(ops[k - 1]) and (reorder(op) or reorder(group[-1]))):
            out.append((group[0][1], group[-1][2], group[0][3], group[-1][4]))
            group = []
        group.append(op)
    if group:
        out.append((group[0][1], group[-1][2], group[0][3], group[-1][4]))
    return out


@dataclass(slots=True)
class _Alignment:
    """A spun copy aligned with an unspun copy of the same story (see `_align`)."""

    spun: list[tuple[str, int, int, int]]  # the copy's tokens (see _tokens_with_spans)
    orig: list[tuple[str, int, int, int]]
    orig_paras: list[str]
    ops: list[tuple[str, int, int, int, int]]  # difflib opcodes, copy -> original
    spans: list[tuple[int, int, int, int]]  # restorable differences, in order

    def anchored(self, i1: int, i2: int, j1: int, j2: int) -> bool:
        """Aligned tokens of the same paragraph before and after the span, in both texts."""
        a, b = self.spun, self.orig
        return 0 < i1 and i2 < len(a) and 0 < j1 and j2 < len(b) and \
            _PARA not in (a[i1 - 1][0], a[i2][0], b[j1 - 1][0], b[j2][0])


def _align(paragraphs: list[str], original: list[str], config: RestoreConfig
           ) -> _Alignment | None:
    """Align a spun copy with its original word by word; None if too little aligns."""
    spun = _tokens_with_spans(paragraphs)
    orig_paras = [p for p in original if p.strip()]
    orig = _tokens_with_spans(orig_paras)
    a, b = [t[0] for t in spun], [t[0] for t in orig]
    if not a or not b:
        return None
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    aligned = sum(m.size for m in sm.get_matching_blocks())
    if aligned < config.min_aligned * min(len(a), len(b)) or \
            aligned < config.min_aligned / 2 * max(len(a), len(b)):
        return None
    al = _Alignment(spun, orig, orig_paras, sm.get_opcodes(), [])
    for i1, i2, j1, j2 in _differences(al.ops, a):
        if _restorable(a[i1:i2], b[j1:j2], config, al.anchored(i1, i2, j1, j2)):
            al.spans.append((i1, i2, j1, j2))
        elif i2 - i1 == j2 - j1:  # word for word ("11 folks" for "12 people"): one at a time
            al.spans.extend((i, i + 1, j, j + 1) for i, j in zip(range(i1, i2), range(j1, j2),
                                                                 strict=True)
                            if a[i] != b[j] and _restorable(a[i:i + 1], b[j:j + 1], config,
                                                            True))
    return al


def restore_from_original(paragraphs: list[str], original: list[str], source: str,
                          config: RestoreConfig = DEFAULT_RESTORE_CONFIG
                          ) -> tuple[list[str], list[Edit]]:
    """Put an unspun copy's wording back into a spun copy of the same story.

    `paragraphs` is the spun copy's body, `original` the body of an unspun copy (e.g. the
    canonical of its cluster), `source` names it in the edits. The two are aligned word by
    word (difflib over word and punctuation tokens); where a short run of the copy's words
    stands in place of a short run of the original's between aligned words, the original's
    words come back, spelled and capitalised as the original has them. Left alone: text the
    original lacks or has more of (a truncated or updated version), numbers, days and
    months (where versions of a story differ), anything across a paragraph boundary, and
    the whole copy when less than `min_aligned` of it aligns. Deterministic.
    """
    al = _align(paragraphs, original, config)
    if al is None:
        return paragraphs, []
    spun, orig, orig_paras = al.spun, al.orig, al.orig_paras
    # per paragraph: (start, end, new text), applied right to left
    changes: dict[int, list[tuple[int, int, str]]] = {}
    edits: list[Edit] = []
    for i1, i2, j1, j2 in al.spans:
        if al.anchored(i1, i2, j1, j2):
            # from the end of the aligned token before: also right for a word added or lost
            k, (q, start) = spun[i1 - 1][1], (orig[j1 - 1][1], spun[i1 - 1][3])
            end = spun[i2 - 1][3] if i2 > i1 else start
            src = orig_paras[q]
            new = src[orig[j1 - 1][3]:orig[j2 - 1][3]] if j2 > j1 else ""
        else:
            k, q = spun[i1][1], orig[j1][1]
            if spun[i2 - 1][1] != k or orig[j2 - 1][1] != q:
                continue
            start, end = spun[i1][2], spun[i2 - 1][3]
            src = orig_paras[q]
            new = src[orig[j1][2]:orig[j2 - 1][3]]
        para = paragraphs[k]
        before = para[start:end]
        if before == new:
            continue
        changes.setdefault(k, []).append((start, end, new))
        edits.append(Edit(before.strip(), new.strip(), f"unspin (restored from {source})",
                          "repair"))
    out = list(paragraphs)
    for k, spans in changes.items():
        para = out[k]
        for start, end, new in sorted(spans, reverse=True):
            para = para[:start] + new + para[end:]
        out[k] = para
    return out, edits


# ------------------------------------------------------------------ learned from copies

@dataclass(slots=True)
class SpinnerTable:
    """What a spinner does, learned from spun copies aligned with their originals.

    `subs`: spun words -> original words -> how often the copy had the first where the
    original had the second (a word for a word, or 1-2 spun words for 1-3 original words;
    numbers, days and months never). `kept`: words (and word pairs) -> how often a spun
    copy had them where the original had them too. A content farm runs every story
    through the same spinner, so the copies whose originals are known teach how to repair
    those whose originals are not (`apply`). Saved as JSON; counts add up across runs (`merge`).
    """

    subs: dict[str, dict[str, int]] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def learn(self, paragraphs: list[str], original: list[str],
              config: RestoreConfig = DEFAULT_RESTORE_CONFIG) -> bool:
        """Count one spun copy against its original; False if they do not align."""
        al = _align(paragraphs, original, config)
        if al is None:
            return False
        a, b = [t[0] for t in al.spun], [t[0] for t in al.orig]
        for op, i1, i2, _, _ in al.ops:
            if op != "equal":
                continue
            for i in range(i1, i2):
                if a[i][0].isalpha():
                    self.kept[a[i]] = self.kept.get(a[i], 0) + 1
                    if i + 1 < i2 and a[i + 1][0].isalpha():
                        pair = a[i] + " " + a[i + 1]
                        self.kept[pair] = self.kept.get(pair, 0) + 1
        pairs: list[tuple[list[str], list[str]]] = []
        for i1, i2, j1, j2 in al.spans:
            if i2 - i1 == j2 - j1:  # word for word: each word on its own generalises best
                pairs.extend(([x], [y]) for x, y in zip(a[i1:i2], b[j1:j2], strict=True)
                             if x != y)
            elif 1 <= i2 - i1 <= 2 and 1 <= j2 - j1 <= 3:
                pairs.append((a[i1:i2], b[j1:j2]))
        for before, after in pairs:
            if all(w[0].isalpha() for w in before + after):
                row = self.subs.setdefault(" ".join(before), {})
                key = " ".join(after)
                row[key] = row.get(key, 0) + 1
        return True

    def merge(self, other: SpinnerTable) -> None:
        for spun, row in other.subs.items():
            mine = self.subs.setdefault(spun, {})
            for orig, n in row.items():
                mine[orig] = mine.get(orig, 0) + n
        for words, n in other.kept.items():
            self.kept[words] = self.kept.get(words, 0) + n

    def save(self, path: Path) -> None:
        """Write as JSON; `kept` only for the words `subs` knows (the rest is never asked)."""
        kept = {w: n for w, n in sorted(self.kept.items()) if w in self.subs}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps({"version": 1, "subs": dict(sorted(self.subs.items())),
                                   "kept": kept}, ensure_ascii=False), "utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> SpinnerTable:
        """Read a saved table; a missing file is an empty table."""
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text("utf-8"))
        if data.get("version") != 1:
            raise ValueError(f"{path}: unknown spinner table version {data.get('version')!r}")
        return cls({k: dict(v) for k, v in data["subs"].items()}, dict(data["kept"]))

    def apply(self, paragraphs: list[str]) -> tuple[list[str], list[Edit]]:
        """Repair a spun copy whose original is unknown with what was learned.

        Left to right, at each word the longest learned spun phrase (2 words, then 1)
        competes with its learned originals: each scores log(count + 0.5) plus its bigram fit
        between its neighbours (the word before as already repaired); staying as it is
        scores log(times kept + 0.5) plus its own fit. The best wins. Deterministic.
        """
        if not self.subs:
            return paragraphs, []
        out: list[str] = []
        edits: list[Edit] = []
        for para in paragraphs:
            toks = [(_norm(m.group()), m.start(), m.end()) for m in _TOKENS.finditer(para)]
            words = [t[0] for t in toks]
            repl: list[tuple[int, int, str, str, float]] = []  # start, end, key, orig, gain
            last = (-1, "")  # (token index after the last repair, its last word)
            i = 0
            while i < len(words):
                done = False
                for n in (2, 1):
                    key = " ".join(words[i:i + n])
                    row = self.subs.get(key) if i + n <= len(words) else None
                    if not row:
                        continue
                    prev = None
                    if i > 0 and words[i - 1][0].isalnum():
                        prev = last[1] if last[0] == i else words[i - 1]
                    nxt = words[i + n] if i + n < len(words) and words[i + n][0].isalnum() \
                        else None
                    stay = math.log(self.kept.get(key, 0) + 0.5) + \
                        _seq_lp(prev, tuple(words[i:i + n]), nxt)
                    best, orig = max((math.log(c + 0.5) + _seq_lp(prev, tuple(o.split()), nxt), o)
                                     for o, c in sorted(row.items()))
                    if best > stay:
                        start, end = toks[i][1], toks[i + n - 1][2]
                        repl.append((start, end, key, orig, best - stay))
                        last = (i + n, orig.split()[-1])
                        i += n
                        done = True
                    break
                if not done:
                    i += 1
            pieces: list[str] = []
            pos = 0
            for start, end, key, orig, gain in repl:
                before = para[start:end]
                after = _recase(before, orig)
                pieces += [para[pos:start], after]
                pos = end
                seen = self.subs[key][orig]
                edits.append(Edit(before, after, f"unspin (learned from {seen} aligned "
                                  f"cop{'y' if seen == 1 else 'ies'})", "repair",
                                  round(gain, 4)))
            out.append("".join(pieces) + para[pos:])
        return out, edits
