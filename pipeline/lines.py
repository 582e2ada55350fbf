"""Line verdicts: every line of a document judged once, as body text or not, by a model.

Rules (`rules/boilerplate.toml`) know junk that every site shows; learned chrome knows
what one site repeats. Neither knows a site seen once. The line model does: it reads
features that need no knowledge of the site (see `FEATURES`):

- the line's own shape: length, words, sentence end, capitalisation, digits and times,
  function words, separators, quotes, links;
- its rule verdict, if a rule matched (the rules become evidence, weighed on real pages);
- repetition: the line, or its template with names and numbers taken out ("By <name>",
  "Updated <n> hours ago"), elsewhere in the document or in the publisher's profile;
- its place: position in the document, the lines around it (a run of short lines is a
  menu), and where it stands against the main block (the densest run of body lines);
- cross-references: overlap with the page title line or the document's known title.

Two stages, as a tagger does with its neighbours: stage 1 scores each line from those
features; stage 2 adds the stage-1 scores of the lines around it and the main block that
they form (the best-scoring contiguous run, weighted by words: Pasternack and Roth's
maximum subsequence) and scores again. The fitted trees ship as a small data file
(`models/lines.json`), rebuilt by `bench/train_lines.py` from labelled pages; they are
evaluated here with numpy (or in C when the extension is built).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from pipeline.native import lines_native as _native_lines

#: Function words of the languages the labelled pages are in (English first). A body
#: sentence is about half function words; menus, names and headlines far fewer.
_STOP = frozenset("""
a about after all also an and any are as at be because been but by can could did do
does for from had has have he her his how i if in into is it its just more most my no
not of on one only or our out over said she so some than that the their them then there
these they this those to up was we were what when which who will with would you your
el la los las de del y que en un una por con para es al lo se su sus como mas pero
le les des du et est pour dans qui sur pas par une au aux il elle ne ce cette
der die das und ist nicht ein eine zu den mit von im auf sich dem für auch es
il di che non per una sono della nel alla gli
o os da do dos das em um uma com não para se na no
dan yang di ini itu dengan untuk tidak dari dalam akan
""".split())

_CREDIT_WORDS = frozenset("""
photo photos photograph image images picture pictures credit credits getty reuters afp file
epa shutterstock istock courtesy illustration video watch listen subscribe subscriber
newsletter share advertisement cookie cookies copyright © related comments comment read sign
log follow""".split())
_MONTH_WORDS = frozenset("""january february march april may june july august september
october november december jan feb mar apr jun jul aug sep sept oct nov dec""".split())
#: A word's flags, by its key (`_word_key`): 1 function word, 2 credit or widget word,
#: 4 month name.
WORD_FLAGS: dict[str, int] = {}
for _w in _STOP:
    WORD_FLAGS[_w] = WORD_FLAGS.get(_w, 0) | 1
for _w in _CREDIT_WORDS:
    WORD_FLAGS[_w] = WORD_FLAGS.get(_w, 0) | 2
for _w in _MONTH_WORDS:
    WORD_FLAGS[_w] = WORD_FLAGS.get(_w, 0) | 4
_KEY_STRIP = ".,;:!?\"'“”‘’()"
_LEAD_STRIP = "\"'“‘(‚[¿¡"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    """ASCII letters lowered, every other character as it is (the C twin does the same)."""
    return text.translate(_ASCII_LOWER)


def _word_key(word: str) -> str:
    return _ascii_lower(word.strip(_KEY_STRIP))


_TIME = re.compile(r"\d:\d\d|\d ?[ap]\.?m(?!\w)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\w)(?:19|20)\d\d(?!\w)")
_URL_NEEDLES = ("http", "www.", ".com", "@")
_SEPS = frozenset("|•·»›◦▪►▶/>")
_SENT_END = re.compile(r"[.!?…。]['\"’”)\]]*$")
_SENT_BREAK = re.compile(r"[.!?][\"'’”)]?\s+[\"“‘(]?[A-Z]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TEMPLATE_SKIP = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)

# Rule groups: a rule's name (its reason `rule:<name>`) by the kind of junk it knows.
_RULE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("caption", ("caption", "photo", "image", "agency")),
    ("byline", ("byline", "posted-by", "timestamp", "date-line", "reading-time",
                "reporting", "author")),
    ("nav", ("nav", "share", "section", "topics", "prev-next", "link-copied",
             "language", "text-size", "save-articles")),
    ("promo", ("paywall", "promo", "newsletter", "support", "listen", "audio",
               "comment", "branded")),
    ("related", ("related",)),
    ("ad", ("advertisement", "ad-furniture")),
    ("legal", ("copyright", "licensing")),
)
RULE_GROUPS: tuple[str, ...] = tuple(g for g, _ in _RULE_GROUPS)

#: Stage-1 feature names, in column order.
SHAPE_FEATURES: tuple[str, ...] = (
    "chars_log", "words", "letters_share", "upper_share", "digit_share", "punct_share",
    "capital_words", "lower_words", "caps_words", "function_words", "avg_word_len",
    "commas", "sentence_breaks", "ends_sentence", "ends_colon", "starts_lower",
    "starts_digit", "starts_punct", "starts_quote", "has_quote", "separators", "has_time",
    "has_month_date", "has_year", "has_url", "credit_words", "parens", "bracketed",
    "name_like", "headline_shape", "blank_before", "blank_after",
)
RULE_FEATURES: tuple[str, ...] = (
    "rule_boundary", "rule_line", "rule_block", *(f"rule_{g}" for g in RULE_GROUPS),
    "learned_repeat", "learned_profile",
)
REPEAT_FEATURES: tuple[str, ...] = (
    "same_line_count", "template_count", "title_overlap", "title_equal", "known_title",
)
PLACE_FEATURES: tuple[str, ...] = (
    "position", "chars_before_share", "lines_total_log", "doc_short_share",
    "doc_median_words", "extracted",
    "short_run", "prev_words", "next_words", "prev2_words", "next2_words",
    "prev_ends_sentence", "next_ends_sentence", "window3_words", "window10_words",
    "window3_sentences", "window10_sentences", "texty_before_share", "texty_after_share",
    "in_text_block", "text_block_dist", "end_markers_above", "repeated_window",
    "rule_window", "cohesion", "cohesion_title", "byline_above", "byline_below",
    "headline_above",
)
FEATURES: tuple[str, ...] = SHAPE_FEATURES + RULE_FEATURES + REPEAT_FEATURES + PLACE_FEATURES
#: Stage 2 adds these, from the stage-1 scores.
CONTEXT_FEATURES: tuple[str, ...] = (
    "p1", "p1_prev", "p1_next", "p1_window3", "p1_window7", "p1_window15",
    "in_main_block", "main_block_dist", "main_block_share_before", "main_block_share_after",
    "p1_rank_in_doc", "doc_p1_mean", "body_words_before", "body_words_after",
    "run_words_log", "run_share_of_largest", "run_is_largest", "gap_before", "gap_after",
    "runs_total_log", "body_cohesion",
)
STAGE2_FEATURES: tuple[str, ...] = FEATURES + CONTEXT_FEATURES
#: The headline scorer reads the stage-1 features and these.
TITLE_EXTRA: tuple[str, ...] = (
    "p_body", "body_start_dist", "before_body", "lines_to_body", "first_line", "url_overlap",
    "body_start_chrome_between",
)
#: Letter case is a site's style (one sets its headlines in capitals, another its section
#: labels), so the headline scorer does not read it.
_CASE_FEATURES = ("upper_share", "capital_words", "lower_words", "caps_words", "starts_lower",
                  "name_like")
_TITLE_BASE = tuple(k for k, f in enumerate(FEATURES) if f not in _CASE_FEATURES)
TITLE_FEATURES: tuple[str, ...] = tuple(FEATURES[k] for k in _TITLE_BASE) + TITLE_EXTRA


@dataclass(frozen=True, slots=True)
class LineInput:
    """What the model is told about one document.

    lines: the document's non-blank lines, as they stand (not collapsed).
    blank_before / blank_after: whether a blank line stands before / after each line.
    rules: each line's rule verdict `(kind, reason)` or None (see `strip.classify_lines`).
    keys: each line's chrome key (`chrome.line_key`) or None.
    learned: each line's learned-chrome reason ("learned: ...") or None.
    title: the document's known title (JSON/HTML metadata), if any.
    url: the document's URL, if known (its slug often holds the headline's words).
    extracted: the lines are an extractor's main text (trafilatura on an HTML page), not
        a whole page's text.
    same_counts / template_counts: how often each line's key / template occurs in the
        whole file (a dump's page is judged alone, its repetition counted over the file);
        None: counted over `lines`.
    pages: where each page starts among `lines` (the first at 0), when the lines are
        several pages of a dump judged in one call (`join_pages`); every feature but the
        repetition counts is read within the page, as if it stood alone. None: one page.
    """

    lines: Sequence[str]
    blank_before: Sequence[bool]
    blank_after: Sequence[bool]
    rules: Sequence[tuple[str, str] | None]
    keys: Sequence[int | None]
    learned: Sequence[str | None]
    title: str | None = None
    url: str | None = None
    extracted: bool = False
    same_counts: Sequence[int] | None = None
    template_counts: Sequence[int] | None = None
    pages: Sequence[int] | None = None


def join_pages(inputs: Sequence[LineInput]) -> LineInput:
    """Several pages of one document (`page_inputs`: same title, URL and extraction, their
    repetition counted over the document) as one `LineInput` whose `pages` say where each
    starts: the features of the joined pages are those of each page alone."""
    if len(inputs) == 1:
        return inputs[0]
    if not inputs:
        raise ValueError("no pages to join")
    first = inputs[0]
    starts: list[int] = []
    at = 0
    for inp in inputs:
        if inp.pages is not None and len(inp.pages) > 1:
            raise ValueError("a page to join is itself several pages")
        if inp.same_counts is None or inp.template_counts is None:
            raise ValueError("pages to join carry their document's repetition counts")
        if not inp.lines:
            raise ValueError("a page to join holds no line")
        starts.append(at)
        at += len(inp.lines)

    def cat(name: str) -> list:
        return [v for inp in inputs for v in getattr(inp, name)]

    return LineInput(cat("lines"), cat("blank_before"), cat("blank_after"), cat("rules"),
                     cat("keys"), cat("learned"), first.title, first.url, first.extracted,
                     cat("same_counts"), cat("template_counts"), starts)


_BREAK = re.compile(r"(\S*?)[.!?]['\"’”]?\s+[A-Z“\"‘]")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr no vs gov sen rep gen lt col sgt inc co corp ltd prof rev "
    "jan feb mar apr jun jul aug sep sept oct nov dec ft mt".split())


def sentence_breaks(text: str) -> int:
    """How many sentence ends inside `text` are followed by another sentence; the full
    stop of an abbreviation ("U.S.", "Mr.", "Jan.") or an initial is not one.

    >>> sentence_breaks("U.S. Stocks Fall as Fed Signals Pause")
    0
    >>> sentence_breaks("Markets fell. Investors fled.")
    1
    """
    n = 0
    for m in _BREAK.finditer(text):
        word = m.group(1).lstrip("\"'“‘(")
        if "." in word or len(word) <= 1 or _ascii_lower(word) in _ABBREVIATIONS:
            continue
        n += 1
    return n


def headline_shape(line: str) -> bool:
    """Could the line be a headline by its shape: 2 to 25 words, one sentence at most, no
    bullet or dash in front, not ending in a comma, semicolon or colon, and a long one
    not ending in a full stop.

    >>> headline_shape("U.S. Stocks Fall as Fed Signals Pause")
    True
    >>> headline_shape("Share this:")
    False
    """
    text = " ".join(line.split())
    words = text.split()
    if not 2 <= len(words) <= 25 or len(text) > 200 or text[0] in "(-–—•*|>" or \
            text[-1] in ",;:":
        return False
    if text.endswith(".") and len(words) >= 16:
        return False
    return sentence_breaks(text) == 0


def template_keys(lines: Sequence[str]) -> list[str | None]:
    """`template_key` of each line (in C when built)."""
    if _native_lines is not None:
        return _native_lines.template_keys(lines if isinstance(lines, list) else list(lines))
    return [template_key(t) for t in lines]


def template_key(line: str) -> str | None:
    """The line with its slots taken out: numbers as 0, capitalised words after the first
    as one C per run (names, places, months), other words lower case, punctuation off
    each word's ends. None for lines of more than 25 words (templates are short).

    >>> template_key("By Jane Doe and Ali Hassan") == template_key("By Tom Baker and Li Wei")
    True
    >>> template_key("Updated 3 hours ago")
    'updated 0 hours ago'
    """
    words = line.split()
    if not words or len(words) > 25:
        return None
    out: list[str] = []
    for k, raw in enumerate(words):
        w = _TEMPLATE_SKIP.sub("", raw)
        if not w:
            continue
        if any(c.isdigit() for c in w):
            tok = "0"
        elif k > 0 and w[0].isupper():
            tok = "C"
        else:
            tok = _ascii_lower(w)
        if tok in ("C", "0") and out and out[-1] == tok:
            continue
        out.append(tok)
    return " ".join(out) if out else None


def _shape_row(line: str) -> list[float]:
    """The shape features of one line (the first 30 of `SHAPE_FEATURES`), as the C twin
    `_lines.line_shape` computes them."""
    text = line.strip()
    n = len(text)
    words = text.split()
    nw = len(words)
    letters = upper = digits = punct = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if ch.isupper():
                upper += 1
        elif ch.isdigit():
            digits += 1
        elif not ch.isspace():
            punct += 1
    cap = low = caps = func = credit = month = 0
    for w in words:
        c = w.lstrip(_LEAD_STRIP)[:1]
        if c.isupper():
            cap += 1
            if len(w) > 1 and w.isupper() and sum(ch.isalpha() for ch in w) >= 2:
                caps += 1
        elif c.islower():
            low += 1
        key = _word_key(w)
        f = WORD_FLAGS.get(key, 0) if len(key) <= 40 else 0
        func += f & 1 > 0
        credit += f & 2 > 0
        month |= f & 4 > 0
    first = text[:1]
    last = text[-1:]
    lower = _ascii_lower(text)
    inv = 1.0 / max(nw, 1)
    invn = 1.0 / max(n, 1)
    return [
        math.log1p(n), float(nw), letters * invn, upper / max(letters, 1), digits * invn,
        punct * invn, cap * inv, low * inv, caps * inv, func * inv, letters / max(nw, 1),
        float(text.count(",")), float(len(_SENT_BREAK.findall(text))),
        float(_SENT_END.search(text) is not None), float(last == ":"),
        float(first.islower()), float(first.isdigit()),
        float(bool(first) and not first.isalnum() and first not in "\"'“‘"),
        float(bool(first) and first in "\"'“‘"), float(any(q in text for q in "\"“”")),
        float(sum(1 for ch in text if ch in _SEPS)), float(_TIME.search(text) is not None),
        float(bool(month) and digits > 0), float(_YEAR.search(text) is not None),
        float(any(x in lower for x in _URL_NEEDLES)), float(credit), float(text.count("(")),
        float(bool(first) and first in "([" and last in ")]"),
        float(2 <= nw <= 4 and cap == nw and punct <= 1 and digits == 0),
        float(headline_shape(text)),
    ]


def shape_matrix(lines: Sequence[str]) -> np.ndarray:
    """`_shape_row` of each line, as an (n, 30) float64 array (in C when built)."""
    out = np.empty((len(lines), 30), dtype=np.float64)
    if _native_lines is not None and len(lines):
        _native_lines.line_shape(lines if isinstance(lines, list) else list(lines),
                                 WORD_FLAGS, out)
        return out
    for k, line in enumerate(lines):
        out[k] = _shape_row(line)
    return out


def _rule_row(rule: tuple[str, str] | None, learned: str | None) -> list[float]:
    kind = None if learned is None else int("profile" in learned or "chrome" in learned)
    return _rule_row_of(rule, kind)


@lru_cache(maxsize=1024)
def _rule_row_of(rule: tuple[str, str] | None, learned: int | None) -> list[float]:
    """The rule features of a rule verdict and a learned-chrome kind (0: repeats in the
    file, 1: the publisher's profile); a line's verdicts recur, so they are remembered.
    (Callers copy the row into an array and never change it.)"""
    row = [0.0] * (3 + len(RULE_GROUPS) + 2)
    if rule is not None:
        kind, reason = rule
        if kind.startswith("boundary"):
            row[0] = 1.0
        elif kind == "block":
            row[2] = 1.0
        else:
            row[1] = 1.0
        name = reason.removeprefix("rule:")
        for g, (_, parts) in enumerate(_RULE_GROUPS):
            if any(p in name for p in parts):
                row[3 + g] = 1.0
                break
    if learned is not None:
        row[3 + len(RULE_GROUPS) + learned] = 1.0
    return row


def _tokens(text: str) -> list[str]:
    return [_ascii_lower(w) for w in _WORD.findall(text)]


def _content(tokens: set[str]) -> set[str]:
    return {w for w in tokens if len(w) > 2 and not w.isdigit() and w not in _STOP}


_STOP_TUPLE = tuple(sorted(_STOP))


class Tokens:
    """A document's lines tokenised once for several `token_overlaps` calls (the C
    extension's tokens, or the Python twin's sets)."""

    __slots__ = ("lines", "native", "sets")

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines if isinstance(lines, list) else list(lines)
        self.native = None
        self.sets: list[set[str]] | None = None
        if _native_lines is not None:
            self.native = _native_lines.tokenize(self.lines, _STOP_TUPLE)
        else:
            self.sets = [set(_tokens(t)) for t in self.lines]


def token_overlaps(lines: Sequence[str] | Tokens, mask: np.ndarray, refs: Sequence[str]
                   ) -> np.ndarray:
    """Word overlaps of each line, an (n, 1 + 3 * len(refs)) array (in C when built).

    A line's tokens t are its runs of letters and digits (ASCII letters lowered), its
    content words c those of more than two characters that are not all digits nor a
    function word. Column 0: the share of c that occurs among the content words of the
    other lines `mask` marks (its cohesion with them); then per ref text, with tokens T
    and content words C: |t & T| / |t|, |t & T| / |T|, |c & C| / |c| (0 where a set is
    empty).

    >>> token_overlaps(["Council closes bridge", "Bridge repairs begin"],
    ...                np.array([True, True]), ["bridge"]).round(2).tolist()
    [[0.33, 0.33, 1.0, 0.33], [0.33, 0.33, 1.0, 0.33]]
    """
    tokens = lines if isinstance(lines, Tokens) else None
    n = len(tokens.lines) if tokens is not None else len(lines)
    out = np.zeros((n, 1 + 3 * len(refs)), dtype=np.float64)
    if n == 0:
        return out
    m = np.ascontiguousarray(mask, dtype=np.uint8)
    if _native_lines is not None:
        if tokens is not None and tokens.native is not None:
            src = tokens.native
        else:
            src = tokens.lines if tokens is not None else list(lines)  # type: ignore[arg-type]
        _native_lines.token_overlaps(src, m, list(refs), _STOP_TUPLE, out)
        return out
    if tokens is not None and tokens.sets is not None:
        toks = tokens.sets
    else:
        src_lines = tokens.lines if tokens is not None else lines
        toks = [set(_tokens(t)) for t in src_lines]  # type: ignore[union-attr]
    content = [_content(t) for t in toks]
    pool: Counter[str] = Counter()
    for c, keep in zip(content, m.tolist(), strict=True):
        if keep:
            pool.update(c)
    ref_t = [set(_tokens(r)) for r in refs]
    ref_c = [_content(t) for t in ref_t]
    for r in range(n):
        t, c, own = toks[r], content[r], 1 if m[r] else 0
        out[r, 0] = sum(1 for w in c if pool[w] - own > 0) / len(c) if c else 0.0
        for k, (tk, ck) in enumerate(zip(ref_t, ref_c, strict=True)):
            both = len(t & tk)
            out[r, 1 + 3 * k] = both / len(t) if t and tk else 0.0
            out[r, 2 + 3 * k] = both / len(tk) if t and tk else 0.0
            out[r, 3 + 3 * k] = len(c & ck) / len(c) if c and ck else 0.0
    return out


class _Pages:
    """The pages of a batch of lines (`starts`: each page's first line, the first 0; every
    page holds a line). The feature functions read each page of a batch as if it stood
    alone, so that one call judges a dump's pages together (numpy's cost is per call)."""

    __slots__ = ("count", "ends", "hi", "lo", "pid", "sizes", "starts", "within")

    def __init__(self, n: int, starts: Sequence[int] | None = None) -> None:
        s = np.asarray(starts if starts is not None and len(starts) else [0], dtype=np.int64)
        if n == 0:
            s = np.zeros(0, dtype=np.int64)
        elif s[0] != 0 or np.any(np.diff(s) <= 0) or s[-1] >= n:
            raise ValueError(f"page starts {s.tolist()} do not cut {n} lines into pages")
        self.starts = s
        self.count = len(s)
        self.ends = np.append(s[1:], n).astype(np.int64) if n else s.copy()
        self.sizes = self.ends - s
        self.pid = np.repeat(np.arange(len(s)), self.sizes)
        self.lo = s[self.pid]
        self.hi = self.ends[self.pid]
        self.within = np.arange(n) - self.lo  # a line's index in its page

    def slices(self) -> list[slice]:
        return [slice(a, b) for a, b in zip(self.starts.tolist(), self.ends.tolist(),
                                            strict=True)]

    def cumsum(self, values: np.ndarray, integral: bool = False) -> np.ndarray:
        """The running sum of `values` within each page (summed page by page, as alone;
        `integral`: the values are whole numbers, whose sums are exact in any order)."""
        if self.count <= 1:
            return np.cumsum(values, dtype=np.float64)
        if integral:
            c = np.cumsum(values, dtype=np.float64)
            return c - (c - values)[self.starts][self.pid]
        out = np.empty(len(values), dtype=np.float64)
        for sl in self.slices():
            np.cumsum(values[sl], out=out[sl])
        return out

    def total(self, cum: np.ndarray) -> np.ndarray:
        """Per line, its page's total, from the running sum `cum`."""
        return cum[self.ends - 1][self.pid]


def _pages_of(n: int, pages: _Pages | Sequence[int] | None) -> _Pages:
    return pages if isinstance(pages, _Pages) else _Pages(n, pages)


def _page_tokens(lines: Sequence[str], pg: _Pages,
                 tokens: Sequence[Tokens] | Tokens | None) -> list[Tokens]:
    if isinstance(tokens, Tokens):
        tokens = [tokens]
    if tokens is not None and len(tokens) == pg.count:
        return list(tokens)
    return [Tokens(list(lines[sl])) for sl in pg.slices()]


def _page_overlaps(tokens: list[Tokens], pg: _Pages, mask: np.ndarray,
                   refs: list[list[str]]) -> np.ndarray:
    """`token_overlaps` page by page (`refs[k]`: page k's ref texts)."""
    parts = [token_overlaps(t, mask[sl], r) for t, sl, r in
             zip(tokens, pg.slices(), refs, strict=True)]
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def document_features(inp: LineInput, tokens: Sequence[Tokens] | Tokens | None = None
                      ) -> np.ndarray:
    """Stage-1 features of one document's lines: an (n_lines, len(FEATURES)) array.
    `tokens`: the lines already tokenised, one `Tokens` per page (`inp.pages`), to share
    with stage 2. Each page is read as if alone, its repetition counts aside."""
    lines = inp.lines
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    pg = _Pages(n, inp.pages)
    shape = np.column_stack([shape_matrix(lines),
                             np.asarray(inp.blank_before, dtype=np.float64),
                             np.asarray(inp.blank_after, dtype=np.float64)])
    rules = np.array([_rule_row(r, lr) for r, lr in zip(inp.rules, inp.learned, strict=True)],
                     dtype=np.float64)
    # repetition in the document: the line itself, and its template
    if inp.same_counts is not None:
        same = np.asarray(inp.same_counts, dtype=np.float64)
    else:
        key_counts = Counter(k for k in inp.keys if k is not None)
        same = np.array([key_counts[k] if k is not None else 1 for k in inp.keys],
                        dtype=np.float64)
    if inp.template_counts is not None:
        tmpl = np.asarray(inp.template_counts, dtype=np.float64)
    else:
        templates = template_keys(lines)
        tcount = Counter(t for t in templates if t is not None)
        tmpl = np.array([tcount[t] if t is not None else 1 for t in templates],
                        dtype=np.float64)
    # cross-references with the page's title line (html-text writes <title> first) and
    # the known title; cohesion: how many of the line's content words the rest of the
    # text uses (a teaser of another story, an ad or a comment shares few of the
    # article's words)
    texty = (shape[:, _COL["words"]] >= 12) & (shape[:, _COL["ends_sentence"]] > 0)
    ov = _page_overlaps(_page_tokens(lines, pg, tokens), pg, texty,
                        [[lines[s], inp.title or ""] for s in pg.starts.tolist()])
    not_first = pg.within > 0
    title_overlap = np.where(not_first, ov[:, 1], 0.0)
    title_equal = (not_first & (ov[:, 1] == 1.0) & (ov[:, 2] >= 0.5)).astype(np.float64)
    known_title = ov[:, 4] * ov[:, 5]
    cohesion = ov[:, 0]
    coh_title = np.where(not_first, ov[:, 3], 0.0)
    repeat = np.column_stack([same, tmpl, title_overlap, title_equal, known_title])
    place = _place_features(shape, inp.extracted, pg)
    # end markers (comment headings, "Related" blocks, paywall ends): what follows one
    # is seldom the article
    end = np.array([1.0 if r is not None and (r[0] == "block" or r[0] == "boundary-end")
                    else 0.0 for r in inp.rules])
    end_above = np.log1p(pg.cumsum(end, integral=True) - end)
    repeated = ((same >= 2) | (tmpl >= 3)).astype(np.float64)
    ruled = np.array([float(r is not None or lr is not None)
                      for r, lr in zip(inp.rules, inp.learned, strict=True)])
    # a standfirst stands between the headline and the byline or date; the lead paragraph
    # after them
    byline = rules[:, 3 + RULE_GROUPS.index("byline")]
    heads = shape[:, _COL["headline_shape"]] * (shape[:, _COL["ends_sentence"]] == 0)
    extra = np.column_stack([end_above, _windowed(repeated, 4, pg, True),
                             _windowed(ruled, 3, pg, True),
                             cohesion, coh_title, _recent(byline, 6, True, pg),
                             _recent(byline, 6, False, pg), _recent(heads, 4, True, pg)])
    return np.column_stack([shape, rules, repeat, place, extra]).astype(np.float32)


def _windowed(values: np.ndarray, radius: int, pages: _Pages | None = None,
              integral: bool = False) -> np.ndarray:
    """Mean of `values` over [i - radius, i + radius], clipped at the ends of the page
    (`integral`: the values are whole numbers)."""
    pg = _pages_of(len(values), pages)
    c = pg.cumsum(values, integral)
    idx = np.arange(len(values))
    lo = np.maximum(idx - radius, pg.lo)
    hi = np.minimum(idx + radius + 1, pg.hi)
    upper = c[hi - 1]
    lower = np.where(lo > pg.lo, c[np.maximum(lo - 1, 0)], 0.0)
    return (upper - lower) / (hi - lo)


def _recent(flags: np.ndarray, within: int, above: bool, pages: _Pages | None = None
            ) -> np.ndarray:
    """1 where a flagged line stands within `within` lines above (or below) a line, in its
    page."""
    n = len(flags)
    pg = _pages_of(n, pages)
    out = np.zeros(n)
    for d in range(1, within + 1):
        if d >= n:
            break
        same = pg.pid[d:] == pg.pid[:-d]
        if above:
            out[d:] = np.maximum(out[d:], np.where(same, flags[:-d], 0.0))
        else:
            out[:-d] = np.maximum(out[:-d], np.where(same, flags[d:], 0.0))
    return out


def _shift(values: np.ndarray, by: int, fill: float, pages: _Pages | None = None
           ) -> np.ndarray:
    """`values` moved `by` lines down (up when negative), `fill` where that leaves the
    page."""
    out = np.full_like(values, fill)
    if by > 0:
        out[by:] = values[:-by]
    elif by < 0:
        out[:by] = values[-by:]
    if pages is not None and pages.count > 1 and by:
        src = np.arange(len(values)) - by
        out[(src < pages.lo) | (src >= pages.hi)] = fill
    return out


_COL = {name: k for k, name in enumerate(FEATURES)}


def _place_features(shape: np.ndarray, extracted: bool = False,
                    pages: _Pages | None = None) -> np.ndarray:
    n = len(shape)
    pg = _pages_of(n, pages)
    words = shape[:, _COL["words"]]
    ends = shape[:, _COL["ends_sentence"]]
    chars = np.expm1(shape[:, _COL["chars_log"]])
    size = pg.sizes[pg.pid]
    position = pg.within / np.maximum(size - 1, 1)
    cchars = pg.cumsum(chars)
    before = (cchars - chars) / np.maximum(pg.total(cchars), 1.0)
    short = words < 6
    run = _run_lengths(short, pg)  # the run of short lines each line stands in
    texty = ((words >= 12) & (ends > 0)).astype(np.float64)
    ctexty = pg.cumsum(texty, integral=True)
    texty_before = ctexty - texty
    total = np.maximum(pg.total(ctexty), 1.0)
    in_block, dist = _text_block(texty * words, pages=pg)
    lw = np.log1p(words)
    # each page's median of words (whole numbers: the middle one, or the mean of the two)
    ranked = words[np.lexsort((words, pg.pid))]
    median = ((ranked[pg.starts + (pg.sizes - 1) // 2] + ranked[pg.starts + pg.sizes // 2])
              / 2.0)[pg.pid]
    short_share = (np.bincount(pg.pid, weights=short, minlength=pg.count) / pg.sizes)[pg.pid]
    return np.column_stack([
        position, before, np.log1p(size), short_share,
        median, np.full(n, float(extracted)), np.log1p(run),
        _shift(lw, 1, 0.0, pg), _shift(lw, -1, 0.0, pg), _shift(lw, 2, 0.0, pg),
        _shift(lw, -2, 0.0, pg), _shift(ends, 1, 0.0, pg), _shift(ends, -1, 0.0, pg),
        _windowed(lw, 3, pg), _windowed(lw, 10, pg), _windowed(ends, 3, pg, True),
        _windowed(ends, 10, pg, True), texty_before / total, (total - texty_before - texty) / total,
        in_block, dist,
    ])


def _text_block(weights: np.ndarray, gap_cost: float = 8.0, pages: _Pages | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """The densest run of each page: the contiguous lines maximising sum(weight) -
    gap_cost per line of weight 0 (maximum subsequence). Returns (1 inside, 0 outside) and
    each line's distance in lines to the run, negative before it."""
    pg = _pages_of(len(weights), pages)
    score = np.where(weights > 0, weights, -gap_cost)
    return _around_run(score, pg)


def _around_run(score: np.ndarray, pg: _Pages) -> tuple[np.ndarray, np.ndarray]:
    """Per page, the run of largest sum of `score` (`_max_subarray`): 1 inside it, and
    each line's signed log distance to it."""
    lo = np.empty(pg.count, dtype=np.int32)
    hi = np.empty(pg.count, dtype=np.int32)
    if _native_lines is not None and pg.count and hasattr(_native_lines, "max_runs"):
        _native_lines.max_runs(np.ascontiguousarray(score, dtype=np.float64),
                               pg.starts.astype(np.int32), lo, hi)
    else:
        for k, sl in enumerate(pg.slices()):
            lo[k], hi[k] = _max_subarray(score[sl])
    idx = pg.within
    lo_, hi_ = lo[pg.pid], hi[pg.pid]
    inside = ((idx >= lo_) & (idx <= hi_)).astype(np.float64)
    dist = np.where(idx < lo_, idx - lo_, np.where(idx > hi_, idx - hi_, 0)).astype(np.float64)
    return inside, np.sign(dist) * np.log1p(np.abs(dist))


def _max_subarray(score: np.ndarray) -> tuple[int, int]:
    """The first run lo..hi (inclusive) of largest sum, its start the latest one that
    reaches it: Kadane's scan, done with prefix sums.

    >>> _max_subarray(np.array([-1.0, 2.0, 3.0, -9.0, 4.0]))
    (1, 2)
    """
    if len(score) == 0:
        return 0, -1
    prefix = np.concatenate([[0.0], np.cumsum(score)])
    low = np.minimum.accumulate(prefix[:-1])
    hi = int(np.argmax(prefix[1:] - low))
    # the start: the last place at or before hi where the prefix sum is at its minimum
    lo = int(hi - np.argmax(prefix[hi::-1] == low[hi]))
    return lo, hi


def _run_starts(flags: np.ndarray, pg: _Pages) -> tuple[np.ndarray, np.ndarray]:
    """Where the runs of True start and end (exclusive), a page start ending a run."""
    f = flags.astype(bool)
    prev = _shift(f, 1, False, pg)
    nxt = _shift(f, -1, False, pg)
    return np.flatnonzero(f & ~prev), np.flatnonzero(f & ~nxt) + 1


def _run_lengths(flags: np.ndarray, pages: _Pages | None = None) -> np.ndarray:
    """For each position, the length of the run of True it stands in within its page (0
    where False).

    >>> _run_lengths(np.array([True, True, False, True])).tolist()
    [2.0, 2.0, 0.0, 1.0]
    """
    n = len(flags)
    out = np.zeros(n)
    if n == 0 or not flags.any():
        return out
    pg = _pages_of(n, pages)
    starts, ends = _run_starts(flags, pg)
    lengths = (ends - starts).astype(np.float64)
    ids = np.cumsum(np.isin(np.arange(n), starts)) - 1
    f = flags.astype(bool)
    out[f] = lengths[ids[f]]
    return out


def context_features(base: np.ndarray, p1: np.ndarray,
                     lines: Sequence[str] | Sequence[Tokens] | Tokens | None = None,
                     pages: Sequence[int] | None = None) -> np.ndarray:
    """Stage-2 features: the stage-1 features and the stage-1 scores around each line.
    `lines` (the document's lines, or their `Tokens`, one per page) give the cohesion with
    the likely body; `pages` as `LineInput.pages`."""
    n = len(p1)
    if n == 0:
        return np.zeros((0, len(STAGE2_FEATURES)), dtype=np.float32)
    pg = _Pages(n, pages)
    words = base[:, _COL["words"]].astype(np.float64)
    p = p1.astype(np.float64)
    in_main, main_dist = _around_run((p - 0.5) * np.maximum(words, 1.0), pg)
    body_words = p * words
    cum = pg.cumsum(body_words)
    total = np.maximum(pg.total(cum), 1.0)
    main_words = words * in_main
    mcum = pg.cumsum(main_words)
    mtotal = np.maximum(pg.total(mcum), 1.0)
    rank = np.empty(n)
    mean = np.empty(n)
    for sl in pg.slices():
        q = p[sl]
        rank[sl] = np.argsort(np.argsort(-q, kind="stable")) / max(len(q) - 1, 1)
        mean[sl] = q.mean()
    runs = _runs(p >= 0.5, words, pg)
    body_coh = np.zeros(n)
    if lines is not None:
        if isinstance(lines, Tokens) or (len(lines) and isinstance(lines[0], Tokens)):
            given = 1 if isinstance(lines, Tokens) else len(lines)
            if given != pg.count:
                raise ValueError(f"context_features: {given} Tokens for {pg.count} pages "
                                 "(one per page, or the lines themselves)")
            toks = _page_tokens([], pg, lines)  # type: ignore[arg-type]
        else:
            toks = _page_tokens(lines, pg, None)  # type: ignore[arg-type]
        body_coh = _page_overlaps(toks, pg, p >= 0.5, [[] for _ in range(pg.count)])[:, 0]
    ctx = np.column_stack([
        p, _shift(p, 1, 0.0, pg), _shift(p, -1, 0.0, pg), _windowed(p, 3, pg),
        _windowed(p, 7, pg), _windowed(p, 15, pg), in_main, main_dist,
        (mcum - main_words) / mtotal, (mtotal - mcum) / mtotal, rank,
        mean, (cum - body_words) / total, (total - cum) / total, runs, body_coh,
    ])
    return np.column_stack([base, ctx]).astype(np.float32)


def _runs(body: np.ndarray, words: np.ndarray, pages: _Pages | None = None) -> np.ndarray:
    """Per line, about the run of likely-body lines it stands in within its page (or the
    one before it, for a line outside every run; the page's first run for lines before
    it): the run's words (log), its share of the page's largest run's, whether it is the
    largest, the lines before and after it to the runs next to it or the page's ends (log),
    and how many runs the page has (log). Zeros on a page with no such line."""
    n = len(body)
    out = np.zeros((n, 6))
    if n == 0 or not body.any():
        return out
    pg = _pages_of(n, pages)
    starts, ends = _run_starts(body, pg)
    page = pg.pid[starts]
    csum = np.concatenate([[0.0], np.cumsum(words)])
    sizes = csum[ends] - csum[starts]
    first = np.searchsorted(page, np.arange(pg.count))  # each page's first run
    count = np.bincount(page, minlength=pg.count)
    largest = np.zeros(pg.count)
    np.maximum.at(largest, page, sizes)
    largest[largest == 0] = 1.0
    # the page's largest run: the first of its largest
    order = np.lexsort((np.arange(len(sizes)), -sizes, page))
    big = np.zeros(len(sizes), dtype=bool)
    big[order[np.searchsorted(page[order], np.flatnonzero(count))]] = True
    same_prev = np.concatenate([[False], page[1:] == page[:-1]])
    same_next = np.concatenate([page[1:] == page[:-1], [False]])
    gap_before = starts - np.where(same_prev, np.concatenate([[0], ends[:-1]]), pg.starts[page])
    gap_after = np.where(same_next, np.concatenate([starts[1:], [0]]), pg.ends[page]) - ends
    stats = np.column_stack([np.log1p(sizes), sizes / largest[page], big.astype(np.float64),
                             np.log1p(gap_before), np.log1p(gap_after),
                             np.log1p(count[page].astype(np.float64))])
    # each line's run: the last to start at or before it in its page, else the page's first
    nearest = np.searchsorted(starts, np.arange(n), side="right") - 1
    has = count[pg.pid] > 0
    nearest = np.where((nearest < 0) | (page[np.maximum(nearest, 0)] != pg.pid),
                       first[pg.pid], nearest)
    out[has] = stats[nearest[has]]
    return out


def _first_body(p: np.ndarray, threshold: float, pg: _Pages) -> np.ndarray:
    """Per line, its page's first line scoring at least `threshold` (the page's end where
    none does)."""
    return np.minimum.reduceat(np.where(p >= threshold, np.arange(len(p)), pg.hi),
                               pg.starts)[pg.pid]


def title_features(base: np.ndarray, p: np.ndarray, inp: LineInput,
                   threshold: float = 0.5) -> np.ndarray:
    """The headline scorer's features: the stage-1 features, the line's body score, and
    where it stands against its page's first body line (a headline is the short line at
    the head of the main text) and against the URL's words."""
    n = len(p)
    if n == 0:
        return np.zeros((0, len(TITLE_FEATURES)), dtype=np.float32)
    pg = _Pages(n, inp.pages)
    idx = np.arange(n)
    start = _first_body(p, threshold, pg)
    dist = idx - start
    url_overlap = np.zeros(n)
    if inp.url:
        slug = re.sub(r"^[a-z]+://[^/]+", "", inp.url)
        url_overlap = token_overlaps(inp.lines, np.zeros(n, dtype=bool), [slug])[:, 1]
    ruled = np.array([r is not None or lr is not None for r, lr in
                      zip(inp.rules, inp.learned, strict=True)], dtype=np.float64)
    c = np.concatenate([[0.0], np.cumsum(ruled)])
    before = idx < start
    chrome_between = np.where(before, c[start] - c[np.minimum(idx + 1, n)], 0.0)
    extra = np.column_stack([
        p, np.sign(dist) * np.log1p(np.abs(dist)), before.astype(np.float64),
        np.log1p(np.maximum(start - idx, 0)), (pg.within == 0).astype(np.float64),
        url_overlap, np.log1p(chrome_between),
    ])
    return np.column_stack([base[:, _TITLE_BASE], extra]).astype(np.float32)


class Trees:
    """A fitted binary gradient-boosted tree ensemble (scikit-learn's histogram trees,
    exported by `bench/train_lines.py`): `score(X)` is the probability of class 1.

    Nodes are flat arrays over all trees: feature, threshold, left, right (-1 at a leaf),
    value; `roots` are each tree's first node. A row goes left when its feature is at
    most the threshold.
    """

    def __init__(self, data: dict) -> None:
        self.baseline = float(data["baseline"])
        self.feature = np.asarray(data["feature"], dtype=np.int32)
        self.threshold = np.asarray(data["threshold"], dtype=np.float64)
        self.left = np.asarray(data["left"], dtype=np.int32)
        self.right = np.asarray(data["right"], dtype=np.int32)
        self.value = np.asarray(data["value"], dtype=np.float64)
        self.roots = np.asarray(data["roots"], dtype=np.int32)
        self.depth = int(data["depth"])

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Each row's summed leaf values and the baseline (in C when built)."""
        n = x.shape[0]
        out = np.full(n, self.baseline)
        if n == 0:
            return out
        if _native_lines is not None:
            xs = np.ascontiguousarray(x, dtype=np.float64)
            _native_lines.tree_raw(xs, xs.shape[1], self.feature, self.threshold, self.left,
                                   self.right, self.value, self.roots, out)
            return out
        return self.raw_numpy(x, out)

    def raw_numpy(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """`raw` with numpy alone (the C twin's definition)."""
        n = x.shape[0]
        if out is None:
            out = np.full(n, self.baseline)
        rows = np.arange(n)
        x64 = x.astype(np.float64, copy=False)
        for root in self.roots.tolist():
            node = np.full(n, root, dtype=np.int32)
            for _ in range(self.depth):
                left = self.left[node]
                leaf = left < 0
                if leaf.all():
                    break
                go_left = x64[rows, self.feature[node]] <= self.threshold[node]
                node = np.where(leaf, node, np.where(go_left, left, self.right[node]))
            out += self.value[node]
        return out

    def score(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.raw(x)))


@dataclass(frozen=True, slots=True)
class LineModel:
    """The two fitted stages, the headline scorer, and what they were fitted on."""

    stage1: Trees
    stage2: Trees
    title: Trees
    version: str
    features: tuple[str, ...]
    threshold: float
    origin: str


@lru_cache(maxsize=4)
def load_line_model(path: Path | None = None) -> LineModel:
    """The fitted line model (the bundled `models/lines.json` when `path` is None)."""
    if path is None:
        raw = resources.files("pipeline").joinpath("models/lines.json").read_text("utf-8")
    else:
        raw = Path(path).read_text("utf-8")
    data = json.loads(raw)
    if (tuple(data["features"]) != FEATURES
            or tuple(data.get("stage2_features", ())) != STAGE2_FEATURES
            or tuple(data.get("title_features", ())) != TITLE_FEATURES):
        raise ValueError(
            f"line model {data.get('version')!r} was fitted on other features than this "
            "newsclean computes; refit it with bench/train_lines.py")
    return LineModel(Trees(data["stage1"]), Trees(data["stage2"]), Trees(data["title"]),
                     data["version"],
                     tuple(data["features"]), float(data["threshold"]), data.get("origin", ""))


@dataclass(frozen=True, slots=True)
class LineModelConfig:
    """How the line model judges lines.

    enabled: judge lines with the model at all (off: rules and learned chrome only).
    model_path: a fitted model file; None means the bundled `models/lines.json`.
    threshold: a line whose body probability is under this is chrome (None: the model
        file's own, chosen when it was fitted).
    extracted_threshold: the same for an extractor's main text (an HTML page read with
        trafilatura), which holds far less chrome: only a line the model is this sure of
        is taken out. Chosen on the benchmark's dev half (see README).
    dump_text_threshold: in a dump whose page template was found (its repeated chrome is
        known), a whole sentence of eight words or more that no rule or learned chrome
        took is body unless the model's body probability is under this. Chosen on the
        dev families of bench/dumps.py.
    next_text_threshold: elsewhere, the same for such a sentence right next to a line the
        model keeps (the last paragraph above a footer, the first under a byline).
    min_lines: a page with fewer lines that no rule or learned chrome took is not judged
        (a JSON record's few paragraphs, a two-line note): the model reads a line in its
        context, and there is too little of it.
    """

    enabled: bool = True
    model_path: Path | None = None
    threshold: float | None = None
    extracted_threshold: float = 0.1
    dump_text_threshold: float = 0.05
    next_text_threshold: float = 0.3
    min_lines: int = 8


DEFAULT_LINE_MODEL_CONFIG = LineModelConfig()
MODEL_PREFIX = "model: chrome"


@dataclass(slots=True)
class Verdicts:
    """What the model said of a document's lines (None on blank lines): the probability
    that each is body text, that each is the article's headline, and for the lines it
    takes for chrome the reason (`model: chrome 0.97 (why)`)."""

    body: list[float | None]
    title: list[float | None]
    chrome: list[str | None]
    no_body: set[int] = field(default_factory=set)  # lines of pages it found no body in

    def pages_hold_body(self, lines: Sequence[str], classes: list[tuple[str, str] | None],
                        starts: Sequence[int], min_body_lines: int = 2,
                        min_words: int = 80) -> bool:
        """Does every page (`starts`: where pages 2..N begin) hold an article: at least
        `min_body_lines` lines that no rule or learned chrome took and the model finds to be
        body, of `min_words` words in all? (A page too short for the model to judge needs
        twenty words and two sentences: a list of teasers is no article.)"""
        bounds = [0, *starts, len(lines)]
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            free = [i for i in range(lo, hi) if lines[i].strip() and classes[i] is None]
            if free and all(self.body[i] is None for i in free):
                if (sum(len(lines[i].split()) for i in free) < 20
                        or sum(sentence_breaks(lines[i].strip())
                               + (_SENT_END.search(lines[i].rstrip()) is not None)
                               for i in free) < 2):
                    return False
                continue
            if any(i in self.no_body for i in free):
                return False
            kept = [i for i in free if self.chrome[i] is None and self.body[i] is not None]
            if len(kept) < min_body_lines or sum(len(lines[i].split()) for i in kept) < min_words:
                return False
        return True

    def mark(self, classes: list[tuple[str, str] | None]) -> None:
        """Give the lines the model takes for chrome, and no rule or learned chrome has
        taken, their `(LINE, reason)` in `classes`."""
        for i, why in enumerate(self.chrome):
            if why is not None and classes[i] is None:
                classes[i] = ("line", why)


def page_inputs(lines: Sequence[str], classes: list[tuple[str, str] | None],
                keys: Sequence[int | None], starts: Sequence[int], title: str | None = None,
                url: str | None = None, extracted: bool = False, min_lines: int = 0
                ) -> list[tuple[list[list[int]], LineInput]]:
    """What the model reads of each page (`starts`: where pages 2..N begin) of a document:
    its paragraphs (groups of line indices: a hard-wrapped paragraph's lines together) and
    their `LineInput`, repetition counted over the whole document. Pages with fewer than
    `min_lines` paragraphs that no rule or learned chrome took are left out. `judge_pages`
    judges these; bench/train_lines.py fits the model on them."""
    blank = [not t.strip() for t in lines]
    key_counts = Counter(k for k in keys if k is not None) if keys else Counter()
    templates = template_keys(list(lines))
    templates = [None if b else t for t, b in zip(templates, blank, strict=True)]
    t_counts = Counter(t for t in templates if t is not None)
    bounds = [0, *starts, len(lines)]
    tight = _tight(blank)
    out: list[tuple[list[list[int]], LineInput]] = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        groups = _paragraph_groups(lines, blank, classes, lo, hi, tight)
        if not groups or sum(1 for g in groups if classes[g[0]] is None) < max(min_lines, 1):
            continue  # too few lines to read in context: rules and learned chrome decide
        at = [g[0] for g in groups]
        text = {g[0]: " ".join(lines[i].strip() for i in g) for g in groups if len(g) > 1}
        out.append((groups, LineInput(
            lines=[text.get(i, lines[i]) for i in at],
            blank_before=[i > 0 and blank[i - 1] for i in at],
            blank_after=[g[-1] + 1 < len(blank) and blank[g[-1] + 1] for g in groups],
            rules=[c if c is not None and c[1].startswith("rule:") else None
                   for c in (classes[i] for i in at)],
            keys=[keys[i] if keys else None for i in at],
            learned=[c[1] if c is not None and c[1].startswith("learned") else None
                     for c in (classes[i] for i in at)],
            title=title,
            url=url,
            extracted=extracted,
            same_counts=[key_counts[keys[i]] if keys and keys[i] is not None else 1
                         for i in at],
            template_counts=[t_counts[templates[i]] if templates[i] is not None else 1
                             for i in at],
        )))
    return out


def judge_pages(lines: Sequence[str], classes: list[tuple[str, str] | None],
                keys: Sequence[int | None], starts: Sequence[int], title: str | None,
                config: LineModelConfig = DEFAULT_LINE_MODEL_CONFIG,
                url: str | None = None, extracted: bool = False,
                protect: frozenset[int] | set[int] = frozenset()) -> Verdicts:
    """Judge every non-blank line of a document, page by page (`starts`: where pages 2..N
    begin): its body and headline probabilities, and for a line the model takes for
    chrome (no rule or learned chrome has taken it, and it is not in `protect`, a "keep"
    rule's) the reason, `model: chrome 0.97 (why)`. `classes` is read, not changed
    (`Verdicts.mark` does that).

    Repetition is counted over the whole document (a dump repeats its page template);
    everything else is read within the page. The model never empties a page: where it
    finds no body at all (a title and a line or two), it takes nothing out and rules and
    learned chrome decide.
    """
    model = load_line_model(config.model_path)
    threshold = model.threshold if config.threshold is None else config.threshold
    if extracted:
        threshold = config.extracted_threshold
    out: list[float | None] = [None] * len(lines)
    heads: list[float | None] = [None] * len(lines)
    chrome: list[str | None] = [None] * len(lines)
    no_body: set[int] = set()
    pages = page_inputs(lines, classes, keys, starts, title, url, extracted, config.min_lines)
    if not pages:
        return Verdicts(out, heads, chrome, no_body)
    # the pages are judged in one call (numpy's cost is per call, a dump has dozens)
    inp = join_pages([i for _, i in pages])
    groups = [g for gs, _ in pages for g in gs]
    n = len(groups)
    pg = _Pages(n, inp.pages)
    tokens = [Tokens(list(i.lines)) for _, i in pages]
    base = document_features(inp, tokens)
    p1 = model.stage1.score(base)
    p = model.stage2.score(context_features(base, p1, tokens, inp.pages))
    # the headline scorer reads only the lines that can be a headline: not body,
    # before the page's first body line
    h = np.zeros(n)
    cand = np.flatnonzero((np.arange(n) < _first_body(p1, 0.5, pg)) & (p1 < 0.5))
    if len(cand):
        h[cand] = model.title.score(title_features(base, p1, inp)[cand])
    texty = (base[:, _COL["words"]] >= 8) & (base[:, _COL["ends_sentence"]] > 0)
    if starts:  # a dump: its template explains its chrome
        floor_of = np.where(texty, min(threshold, config.dump_text_threshold), threshold)
    else:
        # a whole sentence right next to a line the model keeps goes on with it
        # unless the model is fairly sure of it
        kept = (p >= threshold).astype(np.float64)
        near = _shift(kept, 1, 0.0, pg) + _shift(kept, -1, 0.0, pg)
        floor_of = np.where(texty & (near > 0), min(threshold, config.next_text_threshold),
                            threshold)
    empty = (np.maximum.reduceat(p, pg.starts) < threshold)[pg.pid]
    floor_of = np.where(empty, 0.0, floor_of)  # nothing taken out: see above
    listed = _listed_items(inp.lines, p >= floor_of, pg, [classes[g[0]] for g in groups])
    for k, g in enumerate(groups):
        if empty[k]:
            no_body.update(g)
        why = None
        if (p[k] < floor_of[k] and classes[g[0]] is None and not protect.intersection(g)
                and k not in listed):
            why = f"{MODEL_PREFIX} {1 - p[k]:.2f} ({_why(base[k])})"
        for i in g:
            out[i] = float(p[k])
            heads[i] = float(h[k]) if i == g[0] else 0.0
            chrome[i] = why
    return Verdicts(out, heads, chrome, no_body)


#: A line that ends like this (no sentence end) may go on on the next line: a hard wrap.
#: Split's paragraphs (`split._paragraphs`) and the model's (`_paragraph_groups`) share it.
WRAP_CONTINUES = re.compile(r"[a-z0-9,;(\-–—]$")
_BULLET = re.compile(r"^\s*(?:[-•*–·▪]|\d{1,2}[.)])\s+\S")


_ADDRESS = re.compile(r"\S*://\S*")
_ANY_BULLET = re.compile(_BULLET.pattern, re.MULTILINE)


def _is_item(text: str) -> bool:
    """A list item ("- ...", "• ...", "1) ..."), not a link: no Markdown link, and three
    words at least besides any address ("1) Blade Runner (4K) http://..." is one)."""
    if _BULLET.match(text) is None or "](" in text:
        return False
    return "://" not in text or len(_ADDRESS.sub("", text).split()) >= 4  # (marker too)


def _listed_items(lines: Sequence[str], kept: np.ndarray, pg: _Pages,
                  classes: Sequence[tuple[str, str] | None]) -> set[int]:
    """The items of a list in the text: bullet lines ("- ...", "• ...", "1. ...") right
    after a kept line that ends with a colon ("The judge said she must:"); the items of
    such a list after a line the model takes for chrome (a teaser, a paywall note between
    items) when kept text follows them; and two or more items with kept text before and
    after them. A rule's line (an ad label, a share bar) between items is passed over; a
    block heading or a page boundary ("Related", a paywall) ends a list. Links
    ("[...](...)", addresses) are no such items. Items after the page's last kept text are
    not protected unless they follow the colon line directly (a footer menu is no list of
    the article's)."""
    out: set[int] = set()
    if not _ANY_BULLET.search("\n".join(lines)):
        return out  # (most pages have no list: one search instead of a walk)
    for sl in pg.slices():
        open_list = False  # the last kept text line announced a list
        direct = False  # ... and only items (and rules' lines) have followed it
        run: list[int] = []  # the items since the last kept line that is no item
        after_text = False  # kept text stands before the run
        for k in range(sl.start, sl.stop):
            cls = classes[k]
            if cls is not None:
                if cls[0] == "block" or cls[0].startswith("boundary"):
                    run, open_list, direct = [], False, False
                continue
            text = lines[k].strip()
            if _ADDRESS.fullmatch(text):
                continue  # an item's link on a line of its own
            if _is_item(text):
                if direct:
                    out.add(k)
                run.append(k)
            elif kept[k]:
                if (after_text and len(run) >= 2) or open_list:
                    out.update(run)  # a list inside the text, or the rest of one announced
                run = []
                after_text = True
                open_list = direct = text.endswith(":")
            else:
                direct = False  # chrome: what follows is the list's only if text follows
    return out


def _tight(blank: Sequence[bool]) -> bool:
    """No blank lines between a document's text lines: one paragraph per line."""
    text = [i for i, b in enumerate(blank) if not b]
    if len(text) < 3:
        return False
    return (text[-1] - text[0] + 1) - len(text) <= 0.05 * len(text)


def _paragraph_groups(lines: Sequence[str], blank: Sequence[bool],
                      classes: list[tuple[str, str] | None], lo: int, hi: int, tight: bool
                      ) -> list[list[int]]:
    """The non-blank lines of lines[lo:hi] as the paragraphs split makes of them
    (`split._paragraphs`): a hard-wrapped line (40+ characters, no sentence end) goes on
    on the next line of its block when that starts in lower case, or with a digit after a
    lower-case end; never in a tight document (one paragraph a line) or across a line a
    rule or learned chrome took. The model judges a paragraph once."""
    groups: list[list[int]] = []
    prev = -2
    for i in range(lo, hi):
        if blank[i]:
            continue
        text = lines[i].strip()
        if (groups and not tight and i == prev + 1 and classes[i] is None
                and classes[prev] is None):
            head = lines[prev].strip()
            if len(head) >= 40 and WRAP_CONTINUES.search(head) and (
                    text[:1].islower() or text[:1].isdigit() and head[-1:].islower()):
                groups[-1].append(i)
                prev = i
                continue
        groups.append([i])
        prev = i
    return groups


def _why(row: np.ndarray) -> str:
    """A few words on what the line looks like to the model (its telling features)."""
    c = _COL
    parts: list[str] = []
    words = int(row[c["words"]])
    if row[c["short_run"]] >= math.log1p(3):
        parts.append(f"in a run of {round(math.expm1(row[c['short_run']]))} short lines")
    elif words < 6:
        parts.append("short line")
    if row[c["same_line_count"]] > 1:
        parts.append(f"repeats {int(row[c['same_line_count']])} times")
    elif row[c["template_count"]] > 1:
        parts.append(f"its template repeats {int(row[c['template_count']])} times")
    if row[c["credit_words"]] > 0:
        parts.append("credit or widget words")
    if row[c["title_equal"]] > 0:
        parts.append("the page title's words")
    if not row[c["ends_sentence"]] and words >= 6:
        parts.append("no sentence end")
    dist = row[c["text_block_dist"]]
    if dist < 0:
        parts.append("before the main text")
    elif dist > 0:
        parts.append("after the main text")
    return ", ".join(parts) if parts else "unlike body text around it"
