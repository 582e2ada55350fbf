"""Stage 2, split: one raw document (a dump) into its articles, each with title and dek.

Boundaries are paywall/promo/comment-form runs (rules of kind boundary-start/-end). A
title is the short headline line at an article's head, or the headline line just before a
page-start paywall line, or a page title that leaked into the body
(`<Title> – The New York Times`), which is then taken out of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.model import Article, Edit, RawDocument, Removal
from pipeline.strip import (
    BOUNDARY_END,
    BOUNDARY_START,
    DEFAULT_STRIP_CONFIG,
    StripConfig,
    classify_lines,
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


DEFAULT_SPLIT_CONFIG = SplitConfig()

_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{2,60}\s?(—|–|--|-)\s")
_END_PUNCT = re.compile(r"[.!?…]['\"’”)]*$")
_BAD_TITLE_END = re.compile(r"[,;:]$")
_CONTINUES = re.compile(r"[a-z0-9,;(\-–—]$")


def looks_like_title(line: str, config: SplitConfig = DEFAULT_SPLIT_CONFIG) -> bool:
    """Could this line be a headline? Short, not a dateline, not a quote, not mid-sentence.

    >>> looks_like_title("With Cease-Fire Shaky, Israel and Hamas Weigh Diplomatic Options")
    True
    >>> looks_like_title("LONDON — Ukrainian President Volodymyr Zelenskyy has accused Russia")
    False
    """
    text = normalize_line(line)
    words = text.split()
    if not (2 <= len(words) <= config.title_max_words) or len(text) > config.title_max_chars:
        return False
    if _DATELINE.match(text) or text[0] in "(-–—•*" or _BAD_TITLE_END.search(text):
        return False
    # A quoted headline ("'Strong dollar' call halts slide") is fine; a quoted sentence
    # with its attribution ("“It tore my arm off,” recounted ...") is body.
    if text[0] in "\"'" and (text.endswith(".") or re.search(r"[,.!?]['\"]", text)):
        return False
    if text.endswith(".") and len(words) >= config.title_period_max_words:
        return False
    # A headline does not run over two sentences.
    return len(re.findall(r"[.!?]\s+[A-Z“\"]", text)) == 0


def _is_heading(line: str) -> bool:
    text = normalize_line(line)
    return 0 < len(text.split()) <= 8 and not _END_PUNCT.search(text)


@dataclass(slots=True)
class _Segment:
    lines: list[tuple[int, str]] = field(default_factory=list)  # (doc line index, text)
    forced_title: tuple[int, str] | None = None
    removed: list[Removal] = field(default_factory=list)


def split_documents(docs: list[RawDocument], config: SplitConfig = DEFAULT_SPLIT_CONFIG
                    ) -> list[Article]:
    """Split each document into its articles (in document order)."""
    articles: list[Article] = []
    for doc in docs:
        articles.extend(split_document(doc, config))
    return articles


def split_document(doc: RawDocument, config: SplitConfig = DEFAULT_SPLIT_CONFIG) -> list[Article]:
    """Split one document. A document with no body text left gives no article."""
    classes = classify_lines(doc.lines, config.strip)
    segments = _segments(doc, classes)
    publishers = config.publishers + ((doc.source,) if doc.source else ())
    leaked = _leaked_title_pattern(publishers)
    articles: list[Article] = []
    for seg in segments:
        art = _build_article(doc, seg, classes, leaked, config)
        if art is not None:
            art.ordinal = doc.ordinal * 10_000 + len(articles) if doc.ordinal else len(articles)
            articles.append(art)
        elif articles:
            articles[-1].removed.extend(seg.removed)
    if articles and doc.removed:
        articles[0].removed[:0] = doc.removed
    return articles


def _segments(doc: RawDocument, classes: list[tuple[str, str] | None]) -> list[_Segment]:
    """Cut the document at runs of boilerplate that contain a boundary line."""
    segments: list[_Segment] = [_Segment()]
    run: list[int] = []

    def flush_run() -> None:
        if not run:
            return
        kinds = [classes[i][0] for i in run]  # type: ignore[index]
        if BOUNDARY_START not in kinds and BOUNDARY_END not in kinds:
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
            content = [(i, t) for i, t in prev.lines if classes[i] is None]
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


def _leaked_title_pattern(publishers: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(re.escape(p) for p in sorted(set(publishers), key=len, reverse=True))
    return re.compile(rf"^(?P<title>.{{8,200}}?)\s+[-–—|:]\s+(?:{names})\s*$", re.IGNORECASE)


def _build_article(doc: RawDocument, seg: _Segment, classes: list[tuple[str, str] | None],
                   leaked: re.Pattern[str], config: SplitConfig) -> Article | None:
    removed = list(seg.removed)
    title: str | None = None
    lines = list(seg.lines)
    if seg.forced_title is not None:
        title = _collapse(seg.forced_title[1])
    # A page title that leaked into the body is the title, not text.
    leaked_title: str | None = None
    for entry in list(lines):
        m = leaked.match(normalize_line(entry[1]))
        if m and classes[entry[0]] is None:
            leaked_title = leaked_title or _collapse(entry[1])[: len(m.group("title"))].strip()
            removed.append(Removal(entry[1], "leaked page title", "split"))
            lines.remove(entry)
    content = [(i, t) for i, t in lines if classes[i] is None]
    if not content:
        return None
    dek: str | None = None
    if title is None and doc.title:
        title = doc.title
        if normalize_line(content[0][1]) == normalize_line(doc.title):
            removed.append(Removal(content[0][1], "title repeated in body", "split"))
            lines.remove(content[0])
            content = content[1:]
    elif title is None and len(content) > 1 and looks_like_title(content[0][1], config):
        title = _collapse(content[0][1])
        lines.remove(content[0])
        content = content[1:]
    if title is None and leaked_title:
        title = leaked_title
    if title is not None and len(content) > 1:
        dek = _find_dek(lines, content, classes, config)
        if dek is not None:
            lines = [e for e in lines if e[1] != dek]
            content = [e for e in content if e[1] != dek]
            dek = _collapse(dek)
    if not content:
        return None
    art = Article(
        source_file=doc.source_file,
        ordinal=0,
        encoding=doc.encoding,
        paragraphs=_paragraphs(lines, classes),
        source=doc.source,
        fetched_at=doc.fetched_at,
        url=doc.url,
        title=title,
        dek=dek,
        removed=removed,
    )
    art.edits.extend(_edits_for(doc, seg))
    return art


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


def _paragraphs(lines: list[tuple[int, str]], classes: list[tuple[str, str] | None]
                ) -> list[str]:
    """Each line is a paragraph, except that a hard-wrapped body line (40+ characters, no
    sentence end, the next line of the same block starting in lower case) is joined to the
    next. Boilerplate lines are never joined: strip must see them whole."""
    paras: list[str] = []
    prev_idx = -2
    prev_junk = True
    for i, text in lines:
        text = text.strip()
        junk = classes[i] is not None
        joinable = (
            paras and not junk and not prev_junk and i == prev_idx + 1
            and len(paras[-1]) >= 40 and _CONTINUES.search(paras[-1]) is not None
            and text[:1].islower()
        )
        prev_junk = junk
        if joinable:
            paras[-1] = f"{paras[-1]} {text}"
        else:
            paras.append(text)
        prev_idx = i
    return [_collapse(p) for p in paras]


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def _edits_for(doc: RawDocument, seg: _Segment) -> list[Edit]:
    if not doc.line_edits:
        return []
    indices = {i for i, _ in seg.lines}
    if seg.forced_title is not None:
        indices.add(seg.forced_title[0])
    return [e for i in sorted(indices) for e in doc.line_edits.get(i, [])]
