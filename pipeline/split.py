"""Stage 2, split: one raw document (a dump) into its articles, each with title and dek.

Boundaries are paywall/promo/comment-form runs (rules of kind boundary-start/-end). A
title is the short headline line at an article's head, or the headline line just before a
page-start paywall line, or a page title that leaked into the body
(`<Title> – The New York Times`), which is then taken out of the text.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pipeline.chrome import (
    DEFAULT_CHROME_CONFIG,
    ChromeConfig,
    ChromeProfile,
    LineKeys,
    repeated_lines,
)
from pipeline.lines import (
    DEFAULT_LINE_MODEL_CONFIG,
    MODEL_PREFIX,
    WRAP_CONTINUES,
    LineModelConfig,
    judge_pages,
    sentence_breaks,
    template_keys,
)
from pipeline.model import Article, Edit, RawDocument, Removal
from pipeline.native import native as _native
from pipeline.strip import (
    BLOCK,
    BOUNDARY_END,
    BOUNDARY_START,
    DEFAULT_STRIP_CONFIG,
    KEEP,
    LINE,
    StripConfig,
    classify_lines,
    cohesion_with,
    normalize_line,
)


@dataclass(frozen=True, slots=True)
class SplitConfig:
    """How dumps are cut into articles and titles found.

    title_max_words / title_max_chars: a headline is at most this long.
    title_period_max_words: a headline that ends in a full stop must be shorter than this
        (many are sentences: "The war in Ukraine has changed — and it's deadlier than ever.").
    dek_min_words / dek_max_words: the standfirst under a title is one or two sentences.
    publishers: site names that appear after a leaked page title, "<Title> – <Site>";
        the document's own source is always added.
    strip: the rules shared with the strip stage.
    chrome: how site chrome is learned (`pipeline.chrome`); learned lines are removed here,
        with their reason, and mark page boundaries.
    unwrap: join hard-wrapped lines (a document whose long lines all end near one width)
        before anything else looks at them.
    pages: cut a dump into pages where its repeated page template starts again.
    lines: the line model that judges every line body or chrome (`pipeline.lines`).
    """

    title_max_words: int = 25
    title_max_chars: int = 200
    title_period_max_words: int = 16
    dek_min_words: int = 6
    dek_max_words: int = 60
    publishers: tuple[str, ...] = (
        "The New York Times", "NYTimes.com", "The Washington Post", "The Guardian", "BBC News",
        "Reuters", "AP News", "Associated Press", "NPR", "CNN", "Al Jazeera", "Politico",
        "Bloomberg", "Financial Times", "The Wall Street Journal", "WSJ", "Fox News",
        "NBC News", "CBS News", "ABC News", "The Independent", "The Telegraph", "Axios",
        "The Atlantic", "Le Monde", "Deutsche Welle", "DW", "Euronews", "The Economist",
        "The Hill", "USA Today", "Los Angeles Times", "The Times", "Sky News", "Kyiv Independent",
    )
    strip: StripConfig = field(default_factory=lambda: DEFAULT_STRIP_CONFIG)
    chrome: ChromeConfig = field(default_factory=lambda: DEFAULT_CHROME_CONFIG)
    unwrap: bool = True
    pages: bool = True
    lines: LineModelConfig = field(default_factory=lambda: DEFAULT_LINE_MODEL_CONFIG)


DEFAULT_SPLIT_CONFIG = SplitConfig()
LEAKED = "leaked page title"

_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{2,60}\s?(—|–|--|-)\s")
_END_PUNCT = re.compile(r"[.!?…]['\"’”)]*$")
_BAD_TITLE_END = re.compile(r"[,;:]$")


# a copyright or rights line is no page title ("... All rights reserved. FAQ - Privacy")
_LEGAL = re.compile(r"©|\(c\) \d{4}|all rights reserved", re.IGNORECASE)
# "Home » News » Local", "News > Local": two separators (a French « quote » has one), or
# one " > " between short parts
_BREADCRUMB = re.compile(r"(?:\s[»>›]\s.*){2}|^[^>]{1,40}\s>\s[^>]{1,40}$")
_TITLE_FIRST = "\"'‘“„«»¿¡[£$€¥"  # besides a letter or digit, what a headline opens with


def _headline_shaped(text: str, config: SplitConfig = DEFAULT_SPLIT_CONFIG) -> bool:
    """What every headline is (`text` normalised): of a headline's length, opening with a
    letter, a digit, a quote, a bracket or a sum (not a bullet, a dash, a rule of "=" or
    "#"), holding no address, breadcrumb trail or rights line, not cut short with "…"."""
    if not (2 <= len(text.split()) <= config.title_max_words
            and len(text) <= config.title_max_chars):
        return False
    if not (text[:1].isalnum() or text[:1] in _TITLE_FIRST):
        return False
    return not ("://" in text or "www." in text or _BREADCRUMB.search(text)
                or _LEGAL.search(text) or text.endswith("…"))


def looks_like_title(line: str, config: SplitConfig = DEFAULT_SPLIT_CONFIG) -> bool:
    """Could this line be a headline? Short, not a dateline, not a quote, not mid-sentence.

    >>> looks_like_title("With Cease-Fire Shaky, Israel and Hamas Weigh Diplomatic Options")
    True
    >>> looks_like_title("LONDON — Ukrainian President Volodymyr Zelenskyy has accused Russia")
    False
    >>> looks_like_title("## Ferry fares to rise"), looks_like_title("=== example.com ===")
    (True, False)
    """
    text = _EMPHASIS.sub("", _HEADING_MARK.sub("", normalize_line(line)))
    if not _headline_shaped(text, config):
        return False
    if _DATELINE.match(text) or _BAD_TITLE_END.search(text):
        return False
    words = text.split()
    # A quoted headline ("'Strong dollar' call halts slide") is fine; a quoted sentence
    # with its attribution ("“It tore my arm off,” recounted ...") is body.
    if text[0] in "\"'" and (text.endswith(".") or re.search(r"[,.!?]['\"]", text)):
        return False
    if text.endswith(".") and len(words) >= config.title_period_max_words:
        return False
    # A headline does not run over two sentences ("U.S. Stocks Fall" is one).
    return not sentence_breaks(text)




def _is_heading(line: str) -> bool:
    text = normalize_line(line)
    return 0 < len(text.split()) <= 8 and not _END_PUNCT.search(text)


@dataclass(slots=True)
class _Segment:
    lines: list[tuple[int, str]] = field(default_factory=list)  # (doc line index, text)
    forced_title: tuple[int, str] | None = None
    removed: list[Removal] = field(default_factory=list)


def publisher_of(doc: RawDocument | Article) -> str:
    """Whose chrome a document carries: its publisher (header, metadata), else the host of
    its URL, else its folder under the raw folder, else "" (unknown)."""
    if doc.source:
        return doc.source
    if doc.url:
        host = re.sub(r"^[a-z]+://", "", doc.url).split("/")[0].lower()
        if host:
            return host.removeprefix("www.")
    folder = os.path.dirname(doc.source_file)
    return f"folder:{folder}" if folder else ""


def split_documents(docs: list[RawDocument], config: SplitConfig = DEFAULT_SPLIT_CONFIG,
                    profiles: Sequence[ChromeProfile] = (), keys: LineKeys | None = None
                    ) -> list[Article]:
    """Split each document into its articles (in document order).

    `profiles` are the chrome profiles learned so far (the output folder's, this batch's):
    a line one of them knows as the document's publisher's chrome is removed. `keys`: the
    batch's shared `LineKeys` (see `batch_profile`).
    """
    articles: list[Article] = []
    for doc in docs:
        articles.extend(split_document(doc, config, profiles, keys))
    return articles


def batch_profile(docs: Sequence[RawDocument], config: ChromeConfig = DEFAULT_CHROME_CONFIG,
                  keys: LineKeys | None = None) -> ChromeProfile:
    """What a batch of documents says about its publishers' chrome (each file one story).
    `keys`: line keys shared with the batch's other stages (`LineKeys(config.max_words)`)."""
    prof = ChromeProfile(config)
    if config.enabled:
        for doc in docs:
            prof.observe(publisher_of(doc), doc.lines, keys=keys, document=True)
    return prof


@dataclass(slots=True)
class Prepared:
    """A document as the line model reads it: unwrapped, each line's rule or learned-chrome
    verdict (`classes`), its chrome key, the lines a "keep" rule protects, the pattern of
    leaked page titles, and where the page template starts pages 2..N."""

    doc: RawDocument
    classes: list[tuple[str, str] | None]
    keys: list[int | None]
    protect: set[int]
    leaked: _LeakedTitle
    starts: list[int]


def prepare_document(doc: RawDocument, config: SplitConfig = DEFAULT_SPLIT_CONFIG,
                     profiles: Sequence[ChromeProfile] = (), line_keys: LineKeys | None = None
                     ) -> Prepared:
    """Everything split knows of a document's lines before the line model judges them
    (bench/train_lines.py fits the model on the same)."""
    if config.unwrap:
        doc = _unwrapped(doc)
    classes = classify_lines(doc.lines, config.strip, keep=True)
    protect = {i for i, c in enumerate(classes) if c is not None and c[0] == KEEP}
    for i in protect:
        classes[i] = None
    keys: list[int | None] = []
    if config.chrome.enabled:
        if line_keys is None or line_keys.max_words != config.chrome.max_words:
            line_keys = LineKeys(config.chrome.max_words)
        keys = line_keys.of_document(doc.lines)
        _mark_learned(doc, classes, keys, profiles, config.chrome)
    publishers = config.publishers + ((doc.source,) if doc.source else ())
    maybe = _leak_hints(doc.lines)
    leaked = _leaked_title_pattern(
        publishers + _repeated_suffixes([doc.lines[i] for i in maybe]))
    for i in maybe:
        line = doc.lines[i]
        if classes[i] is None and leaked.match(normalize_line(line)):
            classes[i] = (LINE, LEAKED)  # junk where it stands; a title candidate later
            if keys:
                keys[i] = None
    starts = _page_starts(doc.lines, classes, keys) if config.pages and keys else []
    return Prepared(doc, classes, keys, protect, leaked, starts)


def split_document(doc: RawDocument, config: SplitConfig = DEFAULT_SPLIT_CONFIG,
                   profiles: Sequence[ChromeProfile] = (), line_keys: LineKeys | None = None
                   ) -> list[Article]:
    """Split one document. A document with no body text left gives no article.
    `line_keys`: the batch's shared `LineKeys`, if any."""
    prep = prepare_document(doc, config, profiles, line_keys)
    doc, classes, keys, protect, leaked, starts = (prep.doc, prep.classes, prep.keys,
                                                   prep.protect, prep.leaked, prep.starts)
    heads: list[float | None] | None = None
    if config.lines.enabled:
        verdicts = judge_pages(doc.lines, classes, keys, starts, doc.title, config.lines,
                               doc.url, doc.extracted, protect)
        if starts and not verdicts.pages_hold_body(doc.lines, classes, starts):
            # a repeated block (a menu at top and bottom, a table) looked like a page
            # template, but a "page" it makes holds no article: one page after all
            starts = []
            verdicts = judge_pages(doc.lines, classes, keys, starts, doc.title,
                                   config.lines, doc.url, doc.extracted, protect)
        verdicts.mark(classes)
        heads = verdicts.title
    articles: list[Article] = []
    tight = _is_tight(doc.lines)
    bounds = [0, *starts, len(doc.lines)]
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        page = doc if (lo, hi) == (0, len(doc.lines)) else _page(doc, lo, hi)
        page_classes = classes[lo:hi]
        page_heads = heads[lo:hi] if heads is not None else None
        for k, seg in enumerate(_segments(page, page_classes)):
            if k > 0 and heads is not None:
                _keep_if_emptied(seg, page_classes)
            art = _build_article(page, seg, page_classes, leaked, config, tight, page_heads,
                                 page_title=not starts and k == 0)
            if art is not None:
                art.ordinal = (doc.ordinal * 10_000 + len(articles) if doc.ordinal
                               else len(articles))
                articles.append(art)
            elif articles:
                articles[-1].removed.extend(seg.removed)
    _untitle_sentences(articles)
    if articles and doc.removed:
        articles[0].removed[:0] = doc.removed
    return articles


def _keep_if_emptied(seg: _Segment, classes: list[tuple[str, str] | None]) -> None:
    """A page that a paywall's page start opens is an article: when the line model took
    every line of it, it takes none (rules and learned chrome decide there), as it never
    empties a page of its own (`lines.judge_pages`)."""
    if any(classes[i] is None for i, _ in seg.lines):
        return
    for i, _ in seg.lines:
        cls = classes[i]
        if cls is not None and cls[1].startswith(MODEL_PREFIX):
            classes[i] = None


def _untitle_sentences(articles: list[Article]) -> None:
    """In a dump whose pages carry no headline, each page's first paragraph (a sentence)
    was taken for its title. When most titles (60%) of a dump of three or more articles
    are full sentences of six words or more, those are put back as first paragraphs."""
    titled = [a for a in articles if a.title]
    if len(articles) < 3 or not titled:
        return
    sentences = [a for a in titled
                 if len(a.title.split()) >= 6 and _END_PUNCT.search(a.title)]  # type: ignore[union-attr]
    if len(sentences) < 0.6 * len(titled):
        return
    for a in sentences:
        a.paragraphs[:0] = [a.title, a.dek] if a.dek else [a.title]  # type: ignore[list-item]
        a.title = a.dek = None


def _page(doc: RawDocument, lo: int, hi: int) -> RawDocument:
    edits = {i - lo: e for i, e in doc.line_edits.items() if lo <= i < hi}
    return replace(doc, lines=doc.lines[lo:hi], line_edits=edits, removed=[])


def _mark_learned(doc: RawDocument, classes: list[tuple[str, str] | None],
                  keys: list[int | None], profiles: Sequence[ChromeProfile],
                  config: ChromeConfig) -> None:
    """Mark the lines learned as chrome: repeated within this document, or known from the
    profiles as its publisher's. Rule matches keep their own reason."""
    known = [c is not None for c in classes]
    repeats = repeated_lines(doc.lines, keys, known, config)
    publisher = publisher_of(doc)
    for i, key in enumerate(keys):
        if key is None or classes[i] is not None:
            continue
        if i in repeats:
            classes[i] = (LINE, f"learned: repeats {repeats[i]} times in this file")
            continue
        for prof in profiles:
            reason = prof.chrome_reason(publisher, key)
            if reason:
                classes[i] = (LINE, reason)
                break


def _page_starts(lines: list[str], classes: list[tuple[str, str] | None],
                 keys: list[int | None], min_body_words: int = 12) -> list[int]:
    """Where a dump's page template starts again: the line indices that open pages 2..N.

    Each repeated junk line is tried as the anchor (with body text between its
    occurrences); the one whose pages put the most repeated lines exactly once on every
    page wins, as the page template does. When the anchor stands at the head of a page
    (before any body text of page 1), each page starts at its occurrence, moved up over
    junk of the kinds page 1 has above it (same line or same rule) and over as many head
    lines (headline, dek) as page 1 has before it; when
    it stands after body text (a footer), each page starts after the junk run that holds
    it, or at a headline standing alone just before it.
    Page-start rules (a paywall's) are not anchors: `_segments` cuts at them anyway.
    """
    occ: dict[int, list[int]] = defaultdict(list)
    cut: Counter[int] = Counter()
    for i, cls in enumerate(classes):
        if cls is None or keys[i] is None:
            continue
        # a page-start rule (a paywall's) cuts segments itself (`_segments`); a page-end
        # rule does not (what follows may be the same page), so it can be the anchor
        if cls[0] == BOUNDARY_START:
            cut[keys[i]] += 1  # type: ignore[index]
        elif not _INLINE_RULE.match(cls[1]):
            occ[keys[i]].append(i)  # type: ignore[index]
    # pages the rule boundaries already explain need no template
    least = max(2, max(cut.values(), default=0))
    candidates = sorted((k for k, v in occ.items() if len(v) >= least),
                        key=lambda k: occ[k][0])[:40]
    if not candidates:
        return []
    body = [cls is None and len(lines[i].split()) >= min_body_words
            for i, cls in enumerate(classes)]
    # the template's lines, compared with their names and numbers taken out ("By <name>",
    # "Published <date>"): where each one stands
    junk = [i for i, cls in enumerate(classes) if cls is not None and keys[i] is not None]
    shapes: dict[str, list[int]] = defaultdict(list)
    for i, tk in zip(junk, template_keys([lines[i] for i in junk]), strict=True):
        if tk is not None:
            shapes[tk].append(i)
    best: tuple[int, list[int]] | None = None
    heads = _Headlines(lines)
    for key in candidates:  # earliest first: it wins ties
        starts = _starts_from_anchor(lines, classes, keys, occ[key], body, heads)
        if not starts:
            continue
        # The true page template puts most repeated lines once on every page: score a
        # candidate by the repeated-line occurrences its pages explain that way.
        pages = len(starts) + 1
        template = sum(1 for v in shapes.values() if len(v) == pages
                       and len({bisect_right(starts, i) for i in v}) == pages)
        if template < (_MIN_TEMPLATE_LINES_FEW if pages > 2 else _MIN_TEMPLATE_LINES_TWO_PAGES):
            # one repeated widget (an ad slot, a table row) is not a page template, and
            # two pages need more: a page's menus and forms come in pairs too
            continue
        # ... and every page opens the way page 1 does (same junk line, or a headline)
        bounds = [0, *starts, len(lines)]
        opening = [_opening(lines, classes, keys, lo, hi, heads)
                   for lo, hi in zip(bounds, bounds[1:], strict=False)]
        alike = sum(o == opening[0] for o in opening)
        if pages > 2 and template < _MIN_TEMPLATE_LINES and alike < pages:
            continue  # two lines on every page, the pages opening unlike: teasers listed
        fits = pages * template + 2 * alike
        if best is None or fits > best[0]:
            best = (fits, starts)
    return best[1] if best else []


class _Headlines:
    """`looks_like_title` of a document's lines, each worked out once (the page-template
    search asks about the same lines for every candidate anchor)."""

    __slots__ = ("known", "lines")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.known: dict[int, bool] = {}

    def __call__(self, i: int) -> bool:
        got = self.known.get(i)
        if got is None:
            got = self.known[i] = looks_like_title(self.lines[i])
        return got


def _opening(lines: list[str], classes: list[tuple[str, str] | None],
             keys: list[int | None], lo: int, hi: int, heads: _Headlines | None = None
             ) -> object:
    """How a page opens: its first junk line's key, "headline" or "text"."""
    for i in range(lo, hi):
        if not lines[i].strip():
            continue
        if classes[i] is not None:
            return keys[i]
        head = heads(i) if heads is not None else looks_like_title(lines[i])
        return "headline" if head else "text"
    return None


# Junk that stands inside an article body (captions, credits, ad labels) repeats within one
# page and so cannot mark where pages start.
_INLINE_RULE = re.compile(r"rule:(photo|caption|image|advertisement)")


def _starts_from_anchor(lines: list[str], classes: list[tuple[str, str] | None],
                        keys: list[int | None], anchor: list[int], body: list[bool],
                        heads: _Headlines | None = None, min_pars: int = 2) -> list[int]:
    if any(not any(body[a:b]) for a, b in zip(anchor, anchor[1:], strict=False)):
        return []
    first = anchor[0]
    head = [i for i in range(first) if lines[i].strip()]
    # (a header line with an address, "Source: https://...", is no headline or dek)
    head_content = [i for i in head if classes[i] is None and "://" not in lines[i]]
    starts: list[int] = []
    if len(head_content) <= 2:
        # junk of the kinds page 1 has above the anchor (its top chrome, byline, date)
        head_junk = {keys[i] for i in head if classes[i] is not None} | {
            classes[i][1] for i in head if classes[i] is not None}  # type: ignore[index]
        for prev, at in zip(anchor, anchor[1:], strict=False):
            start, budget, k = at, len(head_content), at - 1
            while k > prev:
                if not lines[k].strip():
                    k -= 1
                    continue
                if classes[k] is not None and (keys[k] in head_junk
                                               or classes[k][1] in head_junk):  # type: ignore[index]
                    start = k
                elif budget > 0 and len(lines[k].split()) <= 60:
                    start, budget = k, budget - 1
                else:
                    break
                k -= 1
            starts.append(start)
    else:
        # a footer (or a separator between articles): the next page starts after it, unless
        # no body text follows (the last page's footer)
        last_body = next((i for i in range(len(body) - 1, -1, -1) if body[i]), -1)
        for prev, at in zip([-1, *anchor], anchor, strict=False):
            start = _start_near_footer(lines, classes, prev, at, heads)
            if start <= last_body:  # body text follows
                starts.append(start)
    # every page must hold body text: a few paragraphs at least
    bounds = [0, *starts, len(lines)]
    if len(set(bounds)) != len(bounds) or any(
            sum(body[lo:hi]) < min_pars for lo, hi in zip(bounds, bounds[1:], strict=False)):
        return []
    return starts


# A page template is at least this many distinct lines that stand once on every page (a
# dump's top bar, byline, footer ...); a single repeated line is a widget or a table row,
# two are often teasers a page lists twice or thrice (a sidebar and a footer; in
# bench/dumps.py's dev and first sets every true template of 3+ pages has 3 lines or
# more, the seeds' dump 4, the bench corpus's 4; two do when every page opens the same
# way). Two pages need more: a single page's menus and forms come in pairs (top and bottom,
# sign in and register). Every page must then hold an article (`Verdicts.pages_hold_body`).
_MIN_TEMPLATE_LINES = 3
_MIN_TEMPLATE_LINES_FEW = 2  # ... when every page opens the same way
_MIN_TEMPLATE_LINES_TWO_PAGES = 4


def _start_near_footer(lines: list[str], classes: list[tuple[str, str] | None], prev: int,
                       at: int, heads: _Headlines | None = None) -> int:
    """The start of the page after a footer line at `at`: a headline standing alone
    between junk just before it (`... junk / Headline / junk(at)`), else the first
    non-junk line after the junk run that holds `at`."""
    k = at - 1
    while k > prev and (not lines[k].strip() or classes[k] is not None):
        k -= 1
    if k > prev and classes[k] is None and (heads(k) if heads is not None
                                            else looks_like_title(lines[k])):
        j = k - 1
        while j > prev and not lines[j].strip():
            j -= 1
        if j > prev and classes[j] is not None:
            return k
    k = at + 1
    while k < len(lines) and (not lines[k].strip() or classes[k] is not None):
        k += 1
    return k


def _repeated_suffixes(lines: Sequence[str]) -> tuple[str, ...]:
    """Site names of leaked page titles: the `<Title> | <Site>` suffixes that recur."""
    found = Counter(m.group(1).strip() for line in lines
                    if _may_be_leaked(line) and (m := _suffix(normalize_line(line))))
    return tuple(name for name, n in found.items() if n >= 2)


def _suffix(norm: str) -> re.Match[str] | None:
    """`_SUFFIX.match(norm)`, skipping the lines it cannot match: a normalised line holds
    single spaces, so its separator stands within the last 62 characters (space, site name
    of at most 60) and at most 201 from the start (title of at most 200, space)."""
    if not 14 <= len(norm) <= 263 or not any(sep in norm[-62:] for sep in "|–—-"):
        return None
    return _SUFFIX.match(norm)


# a leaked page title needs one of these between title and site name (a cheap pre-check)
_SEPARATORS = ("|", "–", "—", " - ", ": ", "\t", "\u00a0")


def _may_be_leaked(line: str) -> bool:
    # any(sep in line for sep in _SEPARATORS), written out: called for every line
    return ("|" in line or "–" in line or "—" in line or " - " in line or ": " in line
            or "\t" in line or "\u00a0" in line)


def _leak_hints(lines: list[str], normalized: bool = False) -> list[int]:
    """Indices of the lines that are `_may_be_leaked` (normalized: whose
    `normalize_line` is), in one C pass when the extension is built."""
    if _native is not None:
        return _native.leak_hints(lines, normalized)
    if normalized:
        return [i for i, line in enumerate(lines) if _may_be_leaked(normalize_line(line))]
    return [i for i, line in enumerate(lines) if _may_be_leaked(line)]


_SUFFIX = re.compile(r"^.{8,200}?\s+[|–—-]\s+([A-Z][\w.&' -]{1,58}\w)$")


def _unwrapped(doc: RawDocument) -> RawDocument:
    """The document with hard-wrapped paragraphs joined, when it is hard-wrapped: most of
    its long lines end within a few columns of one width, and a line is joined to the next
    when the next line's first word would have fitted on it (so the break was the
    wrapper's, not the author's)."""
    lens = [len(t.rstrip()) for t in doc.lines if len(t.strip()) >= 30]
    if len(lens) < 8:
        return doc
    width = sorted(lens)[int(len(lens) * 0.95)]
    if width > 120 or sum(width - 12 <= n <= width for n in lens) < 0.6 * len(lens):
        return doc
    lines: list[str] = []
    edits: dict[int, list[Edit]] = {}
    prev_len = -1
    for i, raw in enumerate(doc.lines):
        text = raw.strip()
        first = text.split(" ", 1)[0] if text else ""
        if lines and text and prev_len >= 0 and prev_len + 1 + len(first) > width:
            head = lines[-1].rstrip()
            # a break after a compound's hyphen ("semi-" / "final") keeps the hyphen only
            glue = "" if re.search(r"\w-$", head) else " "
            lines[-1] = f"{head}{glue}{text}"
        else:
            lines.append(raw)
        if doc.line_edits.get(i):
            edits.setdefault(len(lines) - 1, []).extend(doc.line_edits[i])
        prev_len = len(raw.rstrip()) if text else -1
    return replace(doc, lines=lines, line_edits=edits)


def _segments(doc: RawDocument, classes: list[tuple[str, str] | None]) -> list[_Segment]:
    """Cut the document at runs of boilerplate that contain a boundary line."""
    segments: list[_Segment] = [_Segment()]
    run: list[int] = []

    def flush_run() -> None:
        if not run:
            return
        kinds = [classes[i][0] for i in run]  # type: ignore[index]
        # A page ends at a paywall or comment form, but only a page start (or the page
        # template, `_page_starts`) says that another article follows: what follows an
        # end alone is the same page's chrome, comments or the rest of its text.
        if BOUNDARY_START not in kinds:
            segments[-1].lines.extend((i, doc.lines[i]) for i in run)
            run.clear()
            return
        first_start = next((k for k, kind in enumerate(kinds) if kind == BOUNDARY_START), None)
        # What comes before the page-start line closes the previous article; the rest opens
        # the next one.
        split_at = first_start if first_start is not None else len(run)
        prev, nxt = segments[-1], _Segment()
        for k, i in enumerate(run):
            target = prev if k < split_at else nxt
            if classes[i][0] in (BOUNDARY_START, BOUNDARY_END):  # type: ignore[index]
                target.removed.append(Removal(doc.lines[i], classes[i][1], "split"))  # type: ignore[index]
            else:
                nxt.lines.append((i, doc.lines[i]))
        if first_start == 0 and prev.lines:
            # A headline just before the page-start line belongs to the page it starts.
            content = [(i, t) for i, t in prev.lines
                       if classes[i] is None or classes[i][1].startswith(MODEL_PREFIX)]  # type: ignore[index]
            if content and looks_like_title(content[-1][1]) and len(content) > 1:
                nxt.forced_title = content[-1]
                prev.lines.remove(content[-1])
        segments.append(nxt)
        run.clear()

    for i, line in enumerate(doc.lines):
        if not line.strip():
            continue
        if classes[i] is not None:
            run.append(i)
            continue
        if run:
            flush_run()
        segments[-1].lines.append((i, line))
    flush_run()
    # A segment that is only a headline (between a page's end and the next page's start)
    # is the title of the next segment.
    merged: list[_Segment] = []
    carry: _Segment | None = None
    for seg in segments:
        if carry is not None:
            if seg.forced_title is None:
                seg.forced_title = carry.forced_title or next(
                    ((i, t) for i, t in carry.lines if classes[i] is None), None)
            seg.removed[:0] = carry.removed
            carry = None
        content = [(i, t) for i, t in seg.lines if classes[i] is None]
        if len(content) == 1 and seg.forced_title is None and looks_like_title(content[0][1]):
            carry = seg
            continue
        merged.append(seg)
    if carry is not None:
        merged.append(carry)
    return merged


class _LeakedTitle:
    """`<Title> – <Site>` for the given site names: `match(norm)` on a normalised line, as
    the pattern's `match`. An ASCII line that does not end with one of the (ASCII) site
    names is passed over without the pattern (its lazy title part makes it slow on long
    lines)."""

    def __init__(self, publishers: tuple[str, ...]) -> None:
        names = sorted(set(publishers), key=len, reverse=True)
        alternation = "|".join(re.escape(p) for p in names)
        self.pattern = re.compile(
            rf"^(?P<title>.{{8,200}}?)\s+[-–—|:]\s+(?:{alternation})\s*$", re.IGNORECASE)
        # (ASCII names only: the pattern's case-blind match pairs a few other letters
        # with ASCII ones, "ſ" with "s")
        ascii_names = all(p.isascii() for p in names)
        self._ends = tuple(p.lower() for p in names) if ascii_names else None

    def match(self, norm: str) -> re.Match[str] | None:
        if self._ends is not None and norm.isascii() and not norm.lower().endswith(self._ends):
            return None  # (the pattern ends with a site name; a normalised line, stripped)
        return self.pattern.match(norm)


def _leaked_title_pattern(publishers: tuple[str, ...]) -> _LeakedTitle:
    return _LeakedTitle(publishers)


def _build_article(doc: RawDocument, seg: _Segment, classes: list[tuple[str, str] | None],
                   leaked: _LeakedTitle, config: SplitConfig, tight: bool = False,
                   heads: Sequence[float | None] | None = None, page_title: bool = False
                   ) -> Article | None:
    """One article of a segment. `page_title`: the segment opens a single page, whose
    first line may be the page's `<title>` (html-text writes it first)."""
    removed = list(seg.removed)
    title: str | None = None
    title_at = -1
    headline = None
    if seg.forced_title is None and not doc.title and heads is not None:
        headline = (_markdown_headline(seg, classes) or _model_headline(seg, classes, heads)
                    or _leading_headline(seg, classes))
    lines = []
    title_norm = normalize_line(doc.title) if doc.title else None
    for entry in seg.lines:
        if headline is not None and entry[0] == headline[0]:
            title, title_at = _headline_text(entry[1], leaked), entry[0]
            continue
        if title_norm is not None and classes[entry[0]] is not None and classes[entry[0]][
                1].startswith(MODEL_PREFIX) and normalize_line(entry[1]) == title_norm:
            removed.append(Removal(entry[1], "title repeated in body", "split"))
            continue
        cls = classes[entry[0]]
        if cls is not None and cls[1].startswith(("learned", MODEL_PREFIX)):
            removed.append(Removal(entry[1], cls[1], "strip"))
        else:
            lines.append(entry)
    lines = _drop_listed_headlines(lines, classes, removed)
    if heads is not None:
        lines = related_block(seg.lines, lines, classes, removed, config.strip)
    if seg.forced_title is not None:
        title = _headline_text(seg.forced_title[1], leaked)
    # A page title that leaked into the body is the title, not text.
    leaked_title: str | None = None
    hinted = _leak_hints([text for _, text in lines], normalized=True)  # (a cheap pre-check)
    for entry in [lines[k] for k in hinted]:
        m = leaked.match(normalize_line(entry[1]))
        if m and classes[entry[0]] in (None, (LINE, LEAKED)):
            if not _LEGAL.search(entry[1]):  # (a rights line goes, but is no title)
                leaked_title = leaked_title or _headline_text(entry[1], leaked)
            removed.append(Removal(entry[1], LEAKED, "split"))
            lines.remove(entry)
    content = [(i, t) for i, t in lines if classes[i] is None]
    if not content:
        return None
    dek: str | None = None
    if title is not None:
        pass  # the model's headline
    elif doc.title:
        title = doc.title
        if normalize_line(content[0][1]) == normalize_line(doc.title):
            removed.append(Removal(content[0][1], "title repeated in body", "split"))
            lines.remove(content[0])
            content = content[1:]
    elif len(content) > 1 and looks_like_title(content[0][1], config) and (
            heads is None or content[0][0] == _first_line(seg, classes)):
        title = _headline_text(content[0][1], leaked)
        title_at = content[0][0]
        lines.remove(content[0])
        content = content[1:]
    if title is None and leaked_title:
        title = leaked_title
    if title is None and page_title and heads is not None:
        found = _title_line_headline(seg, classes)
        if found is not None:
            title = found[1]
            kept = next((t for i, t in lines if i == found[0]), None)
            if kept is not None and classes[found[0]] is None:  # kept as text: not now
                lines = [e for e in lines if e[0] != found[0]]
                content = [e for e in content if e[0] != found[0]]
                removed.append(Removal(kept, "the page's title line", "split"))
    if not content:
        return None
    if headline is not None:
        dek = _model_dek(seg.lines, content, classes, title_at, config)
        if dek is not None:
            lines = [e for e in lines if e[1] != dek]
            removed = [r for r in removed if r.line != dek]
            dek = _collapse(dek)
    if dek is None and title is not None and len(content) > 1 and not any(
            classes[i] is not None for i, _ in seg.lines if title_at < i < content[0][0]):
        dek = _find_dek(lines, content, classes, config)
        if dek is not None:
            lines = [e for e in lines if e[1] != dek]
            content = [e for e in content if e[1] != dek]
            dek = _collapse(dek)
    if not content:
        return None
    collapsed = [_collapse(text) for _, text in lines]
    art = Article(
        source_file=doc.source_file,
        ordinal=0,
        encoding=doc.encoding,
        paragraphs=_paragraphs(lines, classes, tight, collapsed),
        source=doc.source,
        fetched_at=doc.fetched_at,
        published_on=doc.published_on,
        url=doc.url,
        title=title,
        dek=dek,
        removed=removed,
    )
    art.edits.extend(_edits_for(doc, seg))
    # the model judged this page (a page too short for it was left to the rules, strip's
    # "Related" block rule among them)
    art.judged = heads is not None and any(heads[i] is not None for i, _ in seg.lines)
    # the rule verdicts strip would reach again (caption layout is decided in context there)
    art.line_classes = {
        col: cls for (i, _), col in zip(lines, collapsed, strict=True)
        if (cls := classes[i]) is None or (cls[1].startswith("rule:")
                                           and "(caption layout)" not in cls[1])}
    return art


#: The model's headline must score at least this.
TITLE_MIN_SCORE = 0.5


def _model_headline(seg: _Segment, classes: list[tuple[str, str] | None],
                    heads: Sequence[float | None]) -> tuple[int, str] | None:
    """The segment's headline by the model: of the lines before its first body line, the
    one the headline scorer likes best, if it likes it enough; never a rule's or a
    page-start line."""
    best: tuple[float, int, str] | None = None
    for i, text in seg.lines:
        cls = classes[i]
        if cls is None:
            break
        if not cls[1].startswith((MODEL_PREFIX, "learned", LEAKED)):
            continue
        score = heads[i]
        if score is not None and score >= TITLE_MIN_SCORE and (
                best is None or score > best[0]) and looks_like_title(text):
            best = (score, i, text)
    return (best[1], best[2]) if best else None


def _headline_text(line: str, leaked: _LeakedTitle) -> str:
    """A headline line as the title: without the site's name after it (`<Title> – <Site>`)
    and without a section after a bar (`<Title> | Sports`): headlines hold no bars.

    >>> _headline_text("Old Firm pair handed suspensions | Sports", _LeakedTitle(("BBC",)))
    'Old Firm pair handed suspensions'
    >>> _headline_text("## **Ferry fares to rise**", _LeakedTitle(("BBC",)))
    'Ferry fares to rise'
    """
    text = _EMPHASIS.sub("", _HEADING_MARK.sub("", _collapse(line))).strip()
    m = leaked.match(normalize_line(text))
    if m:
        text = text[: len(m.group("title"))].strip()
    head = text.split(" | ", 1)[0].strip()
    return head if len(head.split()) >= 2 else text


# a Markdown heading's marks and emphasis round a whole line ("# Title", "**Title**")
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_EMPHASIS = re.compile(r"^(\*\*|__)(?=\S)|(?<=\S)(\*\*|__)$")


def related_block(seg_lines: list[tuple[int, str]], lines: list[tuple[int, str]],
                  classes: list[tuple[str, str] | None], removed: list[Removal],
                  config: StripConfig) -> list[tuple[int, str]]:
    """A "Related" heading (a rule of kind block) after the body, with at most
    `block_max_lines` lines after it to the end: when most of those are chrome to the
    line model or tell of other stories (`strip.cohesion_with`), the ones the model kept
    go too, as the heading's listed links. `lines` are what is left of `seg_lines`."""
    body = [(i, t) for i, t in seg_lines if classes[i] is None]
    for k, (i, _) in enumerate(seg_lines):
        cls = classes[i]
        if cls is None or cls[0] != BLOCK:
            continue
        above = [t for j, t in body if j < i]
        after = [(j, t) for j, t in seg_lines[k + 1:] if t.strip()]
        if not above or not after or len(after) > config.block_max_lines:
            continue
        kept = [(j, t) for j, t in after if classes[j] is None]
        others = sum(1 for j, t in after if classes[j] is not None
                     or cohesion_with(above, t) < config.block_cohesion)
        if not kept or others * 2 < len(after):
            continue
        drop = {j for j, _ in kept}
        for _, t in kept:
            removed.append(Removal(t, f"{cls[1]} (listed link)", "strip"))
        return [e for e in lines if e[0] not in drop]
    return lines


def _markdown_headline(seg: _Segment, classes: list[tuple[str, str] | None]
                       ) -> tuple[int, str] | None:
    """A Markdown page's headline: of the headings before its first body line that no
    rule or learned chrome took and that read as headlines, the one of the highest level
    ("# " before "## ": a subheading under the headline is not it), the last of those (a
    site's name stands higher up)."""
    found: tuple[int, int, str] | None = None
    for i, text in seg.lines:
        cls = classes[i]
        m = _MD_HEADING.match(text)
        if m:
            level = len(m.group(1))
            if ((cls is None or cls[1].startswith(MODEL_PREFIX)) and looks_like_title(text)
                    and (found is None or level <= found[0])):
                found = (level, i, text)
            continue
        if cls is None:
            break
    return (found[1], found[2]) if found else None


_MD_HEADING = re.compile(r"^\s{0,3}(#{1,3})\s+\S")


# "<Headline> | <Site>", "<Headline> - <Site>": a page's <title>; the site is 1-5 words
_TITLE_SITE = re.compile(r"^(?P<head>.+)\s+(?:\||-|–|—|::)\s+(?P<site>[^|–—]{1,60})$")


def _title_line_headline(seg: _Segment, classes: list[tuple[str, str] | None]
                         ) -> tuple[int, str] | None:
    """The headline a page's title line gives, when nothing else did: the page's first
    line (no rule or learned chrome took it) as `<Headline> | <Site>` (or ` - `, ` – `),
    its headline part; or the whole line, when a later line of the page repeats it (the
    headline under the title bar)."""
    first = next(((i, t) for i, t in seg.lines if t.strip()), None)
    if first is None:
        return None
    i, text = first
    cls = classes[i]
    if cls is not None and not cls[1].startswith(MODEL_PREFIX):
        return None
    line = _collapse(text).strip()
    m = _TITLE_SITE.match(line)
    if m and 1 <= len(m.group("site").split()) <= 5:
        head = m.group("head").split(" | ", 1)[0].strip()  # "<Headline> | <Section> | <Site>"
        # (a <title> names the headline, so it need not read as one sentence: "South
        # Dakota doubles down on 'Meth. We're on it.' They just might be.")
        if looks_like_title(head) or _headline_shaped(normalize_line(head)):
            return i, head
    norm = normalize_line(line)
    if looks_like_title(line) and any(normalize_line(t) == norm for j, t in seg.lines if j > i):
        return i, line
    return None


def _leading_headline(seg: _Segment, classes: list[tuple[str, str] | None]
                      ) -> tuple[int, str] | None:
    """A page that opens with its headline: the segment's first line that no rule or
    learned chrome took (a breadcrumb trail above it aside), taken out by the model, is
    headline-shaped, and the body follows within eight lines: rules' and learned chrome
    (a byline, a date, a share bar) and short lines the model left out (a caption) may
    stand between."""
    at = next((k for k, (i, t) in enumerate(seg.lines)
               if (classes[i] is None or classes[i][1].startswith(MODEL_PREFIX))  # type: ignore[index]
               and t.strip() and not _BREADCRUMB.search(t)), None)
    if at is None:
        return None
    i, text = seg.lines[at]
    cls = classes[i]
    if cls is None or not looks_like_title(text):
        return None
    after = [(j, line) for j, line in seg.lines[at + 1:at + 40] if line.strip()][:8]
    for k, (j, line) in enumerate(after):
        if classes[j] is None:
            return i, text
        if k >= 3 and classes[j][1].startswith(MODEL_PREFIX) and (  # type: ignore[index]
                looks_like_title(line) and not _END_PUNCT.search(line.strip())
                or len(line.split()) > 20):
            return None  # another headline, or text the model left out, before the body
    return None


def _first_line(seg: _Segment, classes: list[tuple[str, str] | None]) -> int:
    """The segment's first line that no rule or learned chrome took (-1: none)."""
    for i, _ in seg.lines:
        cls = classes[i]
        if cls is None or cls[1].startswith(MODEL_PREFIX):
            return i
    return -1


def _model_dek(lines: list[tuple[int, str]], content: list[tuple[int, str]],
               classes: list[tuple[str, str] | None], title_at: int,
               config: SplitConfig) -> str | None:
    """The standfirst under a model headline: the first line after it, before the body,
    that the model did not keep and that reads as one or two sentences (not a byline,
    date or caption: no rule took it, and no photo credit stands right after it)."""
    if not content:
        return None
    for k, (i, text) in enumerate(lines):
        if i <= title_at:
            continue
        if i >= content[0][0]:
            return None
        cls = classes[i]
        if cls is None or not cls[1].startswith(MODEL_PREFIX):
            continue
        norm = normalize_line(text)
        words = len(norm.split())
        nxt = next((classes[j] for j, t in lines[k + 1:] if t.strip()), None)
        if nxt is not None and _CAPTION_RULE.match(nxt[1]):
            return None  # a photo's caption, its credit under it
        if config.dek_min_words <= words <= config.dek_max_words and _END_PUNCT.search(norm) \
                and not norm.lower().startswith("by "):
            return text
        return None
    return None


_CAPTION_RULE = re.compile(r"rule:(photo|caption|image)")


def _drop_listed_headlines(lines: list[tuple[int, str]],
                           classes: list[tuple[str, str] | None], removed: list[Removal]
                           ) -> list[tuple[int, str]]:
    """Headlines listed at the end of a page under a junk line ("More local news",
    learned or not) are links, not body: two to eight short lines with no sentence end,
    after the last body paragraph, with nothing but junk after them."""
    end = len(lines)
    while end > 0 and classes[lines[end - 1][0]] is not None:
        end -= 1
    k = end
    while k > 0 and end - k < 8:
        i, text = lines[k - 1]
        norm = normalize_line(text)
        if classes[i] is not None or _END_PUNCT.search(norm) or not looks_like_title(norm):
            break
        k -= 1
    if end - k < 2 or k == 0 or classes[lines[k - 1][0]] is None:
        return lines
    why = classes[lines[k - 1][0]][1]  # type: ignore[index]
    for _, text in lines[k:end]:
        removed.append(Removal(text, f"{why} (listed headline)", "strip"))
    return lines[:k] + lines[end:]


def _find_dek(lines: list[tuple[int, str]], content: list[tuple[int, str]],
              classes: list[tuple[str, str] | None], config: SplitConfig) -> str | None:
    """The standfirst: one short paragraph under the title, set off from the body by a
    junk line or a heading, not followed straight away by more body."""
    first_idx, first = content[0]
    words = len(normalize_line(first).split())
    if not (config.dek_min_words <= words <= config.dek_max_words) or not _END_PUNCT.search(
            normalize_line(first)):
        return None
    pos = next(k for k, (i, _) in enumerate(lines) if i == first_idx)
    if pos + 1 >= len(lines):
        return None
    nxt_idx, nxt = lines[pos + 1]
    if classes[nxt_idx] is not None or _is_heading(nxt):
        return first
    return None


def _is_tight(lines: Sequence[str]) -> bool:
    """No blank lines between the text lines: one paragraph per line."""
    text = [i for i, t in enumerate(lines) if t.strip()]
    if len(text) < 3:
        return False
    blanks = (text[-1] - text[0] + 1) - len(text)
    return blanks <= 0.05 * len(text)


def _paragraphs(lines: list[tuple[int, str]], classes: list[tuple[str, str] | None],
                tight: bool = False, collapsed: list[str] | None = None) -> list[str]:
    """Each line is a paragraph, except that a hard-wrapped body line (40+ characters, no
    sentence end, the next line of the same block starting in lower case, or with a digit
    after a word) is joined to the next. Boilerplate lines are never joined: strip must
    see them whole. A page with no blank lines at all puts one paragraph on each line, so
    nothing is joined there. Paragraphs come out `_collapse`d (`collapsed`: the lines'
    own, if already made: a joined paragraph is its lines' joined with a space)."""
    if collapsed is None:
        collapsed = [_collapse(text) for _, text in lines]
    paras: list[str] = []  # as they stand, for the joining rules
    out: list[str] = []
    prev_idx = -2
    prev_junk = True
    for (i, text), col in zip(lines, collapsed, strict=True):
        text = text.strip()
        junk = classes[i] is not None
        joinable = (
            paras and not tight and not junk and not prev_junk and i == prev_idx + 1
            and len(paras[-1]) >= 40 and WRAP_CONTINUES.search(paras[-1]) is not None
            and (text[:1].islower()  # "... would defend" / "1000's of homes": a number too
                 or text[:1].isdigit() and paras[-1][-1:].islower())
        )
        prev_junk = junk
        if joinable:
            paras[-1] = f"{paras[-1]} {text}"
            out[-1] = f"{out[-1]} {col}"
        else:
            paras.append(text)
            out.append(col)
        prev_idx = i
    return out


def _collapse(text: str) -> str:
    """Runs of spaces, tabs and no-break spaces as one space; stripped."""
    if _native is not None:
        return _native.collapse_spaces(text)
    if "  " not in text and "\t" not in text and "\u00a0" not in text:
        return text.strip()
    return _SPACES.sub(" ", text).strip()


_SPACES = re.compile(r"[ \t\u00a0]+")


def _edits_for(doc: RawDocument, seg: _Segment) -> list[Edit]:
    if not doc.line_edits:
        return []
    indices = {i for i, _ in seg.lines}
    if seg.forced_title is not None:
        indices.add(seg.forced_title[0])
    return [e for i in sorted(indices) for e in doc.line_edits.get(i, [])]
