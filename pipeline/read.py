"""Stage 1, read: bytes to text, one `RawDocument` per text file, JSON-lines record or HTML
page (main text found by trafilatura).

Files that cannot be read as text become `Reject`s with a reason a person understands;
nothing is dropped silently.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pipeline.model import RawDocument, Reject


@dataclass(frozen=True, slots=True)
class ReadConfig:
    """How raw files are found and decoded.

    suffixes: file endings that are read as plain text (one dump or page per file).
    jsonl_suffixes: file endings read as JSON lines, one article per line with `text` and
        optionally `title`, `url`, `source`, `fetched_at`.
    html_suffixes: file endings read as HTML pages: trafilatura finds the article text
        (navigation, banners, related links, footers and comments left out) and the page's
        title, site name, URL and publication date. One document per page.
    legacy_encodings: tried in order when a file is not valid UTF-8. Windows-1252 first:
        it is what most mis-declared Western scrapes really are; Latin-1 last because it
        decodes any byte string and so always succeeds.
    max_control_ratio: a file whose share of control characters (other than tab, CR, LF,
        form feed) is higher than this is binary, not text.
    max_bytes: larger files are rejected instead of read (bounded memory per file).
    """

    suffixes: tuple[str, ...] = (".txt", ".text")
    jsonl_suffixes: tuple[str, ...] = (".jsonl", ".ndjson")
    html_suffixes: tuple[str, ...] = (".html", ".htm")
    legacy_encodings: tuple[str, ...] = ("cp1252", "latin-1")
    max_control_ratio: float = 0.01
    max_bytes: int = 64 * 1024 * 1024


DEFAULT_READ_CONFIG = ReadConfig()

# "The New York Times 2025-03-04 12:11:56": a publisher, then a fetch time.
_HEADER = re.compile(
    r"^(?P<source>\S.{0,98}?)\s+(?P<ts>\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?)"
    r"(?:\s*(?:Z|UTC|[+-]\d{2}:?\d{2}))?\s*$"
)
# "Source: https://example.com/ (fetched 2025-03-04)", "Scraped 2025-03-04 from example.com":
# a scraper's note of where and when, the site's address for the publisher.
_NOTE_HEADER = re.compile(
    r"^(?:source|scraped|fetched|retrieved|crawled|saved|downloaded|url)\b.{0,160}$",
    re.IGNORECASE)
_NOTE_HOST = re.compile(
    r"(?:https?://)?(?:www\.)?(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?=[/\s),.;:]|$)",
    re.IGNORECASE)
_NOTE_TS = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# <meta charset="..."> or <meta http-equiv="Content-Type" content="text/html; charset=...">
_META_CHARSET = re.compile(
    rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE
)
_NO_HTML_TEXT = "HTML page with no article text (trafilatura found none)"


def list_raw_files(raw_dir: Path, config: ReadConfig = DEFAULT_READ_CONFIG) -> list[Path]:
    """Every file under `raw_dir` (recursively, sorted), hidden files and folders excepted.

    Links are not followed out of the raw folder: a link whose target lies outside is
    listed anyway, so that `read_files` can reject it with a reason.
    """
    raw_dir = raw_dir.resolve()
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(raw_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                found.append(Path(dirpath) / name)
    return found


def parse_header(line: str) -> tuple[str, datetime] | None:
    """Parse a first-line header into (publisher, fetch time in UTC), or None.

    >>> parse_header("The New York Times 2025-03-04 12:11:56")
    ('The New York Times', datetime.datetime(2025, 3, 4, 12, 11, 56, tzinfo=datetime.timezone.utc))
    >>> parse_header("LONDON — Ukrainian President Volodymyr Zelenskyy has accused") is None
    True
    """
    line = line.strip()
    note = _note_header(line)
    if note is not None:
        return note
    m = _HEADER.match(line)
    if not m:
        return None
    source = m.group("source").strip(" -|–—:")
    if not source or len(source.split()) > 8:
        return None
    ts = parse_timestamp(m.group("ts"))
    if ts is None:
        return None
    return source, ts


def _note_header(line: str) -> tuple[str, datetime] | None:
    """A scraper's note header: "Source: https://example.com/ (fetched 2025-03-04)" or
    "Scraped 2025-03-04 from example.com" gives ("example.com", that time).

    >>> _note_header("Scraped 2024-06-12 from cnn.com")[0]
    'cnn.com'
    >>> _note_header("Source: Al Jazeera and news agencies") is None
    True
    """
    if len(line.split()) > 8 or not _NOTE_HEADER.match(line):
        return None
    ts_m = _NOTE_TS.search(line)
    host_m = _NOTE_HOST.search(line[: ts_m.start()] + " " + line[ts_m.end():]) if ts_m else None
    if ts_m is None or host_m is None or not re.search(r"[a-z]", host_m.group("host"), re.I):
        return None
    ts = parse_timestamp(ts_m.group(0))
    return (host_m.group("host").lower(), ts) if ts is not None else None


def parse_timestamp(value: object) -> datetime | None:
    """An ISO-8601-ish timestamp (naive ones are taken as UTC) or None if unparseable."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip().replace("Z", "+00:00")
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def decode_bytes(data: bytes, config: ReadConfig = DEFAULT_READ_CONFIG) -> tuple[str, str] | str:
    """Decode raw bytes to (text, encoding), or return a reason string when it is not text."""
    if not data.strip():
        return "empty file: no text in it"
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary file: contains NUL bytes, not text"
    for bom, enc in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                return "damaged UTF-16 file: cannot be decoded"
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as err:
        text = ""
        encoding = ""
        # A file that is UTF-8 except for a character cut at the very end keeps its text.
        if err.start >= len(data) - 3 and err.reason in ("unexpected end of data",):
            text, encoding = data[: err.start].decode("utf-8-sig"), "utf-8 (truncated)"
        else:
            for enc in config.legacy_encodings:
                try:
                    text, encoding = data.decode(enc), enc
                    break
                except UnicodeDecodeError:
                    continue
    if not encoding:
        return "undecodable: neither UTF-8 nor a known legacy encoding"
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) / len(sample) > config.max_control_ratio:
        return "binary file: too many control characters to be text"
    return text, encoding


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a `<meta>` tag (first 4 KB), as a Python codec
    name, or None if it declares none, or one Python does not know or that is not
    ASCII-compatible. As in browsers, Latin-1 and ASCII labels mean Windows-1252.

    >>> declared_charset(b'<html><head><meta charset="ISO-8859-1">')
    'cp1252'
    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">')
    'koi8-r'
    """
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
        if "<meta".encode(name) != b"<meta":
            return None
    except (LookupError, UnicodeError):
        return None
    return "cp1252" if name in ("iso8859-1", "latin-1", "ascii") else name


def decode_html(data: bytes, config: ReadConfig = DEFAULT_READ_CONFIG) -> tuple[str, str] | str:
    """Decode an HTML page to (text, encoding), or return a reason string when it is not text.

    As `decode_bytes` (BOM, then UTF-8), except that a page that is not UTF-8 is decoded
    with the charset its `<meta>` tag declares before the legacy guesses. Valid UTF-8 wins
    over the tag: scrapers often save a page re-encoded as UTF-8 and keep its old tag.
    """
    decoded = decode_bytes(data, config)
    if isinstance(decoded, str) or decoded[1] not in config.legacy_encodings:
        return decoded
    charset = declared_charset(data)
    if charset is None or charset.startswith("utf") or charset == decoded[1]:
        return decoded
    try:
        return data.decode(charset), charset
    except UnicodeDecodeError:
        return decoded


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_file(path: Path, raw_dir: Path, config: ReadConfig = DEFAULT_READ_CONFIG
              ) -> tuple[list[RawDocument], list[Reject]]:
    """Read one raw file into documents, or rejects that say why it could not be read."""
    raw_root = raw_dir.resolve()
    rel = _relative(path, raw_root)
    suffix = path.suffix.lower()
    try:
        real = path.resolve()
        if path.is_symlink() and not real.is_relative_to(raw_root):
            return [], [Reject(rel, "link to a file outside the raw folder: not followed")]
        if not real.is_file():
            return [], [Reject(rel, "not a regular file")]
        size = real.stat().st_size
        if size > config.max_bytes:
            return [], [Reject(rel, f"file too large: {size} bytes > {config.max_bytes}")]
        data = real.read_bytes()
    except OSError as err:
        return [], [Reject(rel, f"unreadable: {err.strerror or err}")]
    is_html = suffix in config.html_suffixes
    if suffix not in config.suffixes and suffix not in config.jsonl_suffixes and not is_html:
        return [], [Reject(rel, f"unsupported file type {suffix or '(no extension)'!r}")]
    decoded = decode_html(data, config) if is_html else decode_bytes(data, config)
    if isinstance(decoded, str):
        return [], [Reject(rel, decoded)]
    text, encoding = decoded
    if suffix in config.jsonl_suffixes:
        return _read_jsonl(text, rel, encoding)
    if is_html:
        return _read_html(text, rel, encoding)
    return [_text_document(text, rel, encoding)], []


def read_files(paths: Iterable[Path], raw_dir: Path, config: ReadConfig = DEFAULT_READ_CONFIG
               ) -> tuple[list[RawDocument], list[Reject]]:
    """Read a batch of raw files: all their documents and all their rejects."""
    docs: list[RawDocument] = []
    rejects: list[Reject] = []
    for path in paths:
        d, r = read_file(Path(path), raw_dir, config)
        docs.extend(d)
        rejects.extend(r)
    return docs, rejects


def _relative(path: Path, raw_root: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(raw_root).as_posix()
    except ValueError:
        return absolute.as_posix()


def _text_document(text: str, rel: str, encoding: str) -> RawDocument:
    lines = _split_lines(text)
    doc = RawDocument(source_file=rel, ordinal=0, lines=lines, encoding=encoding)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        header = parse_header(lines[first])
        if header is not None:
            doc.source, doc.fetched_at = header
            lines[first] = ""
    return doc


def _read_jsonl(text: str, rel: str, encoding: str) -> tuple[list[RawDocument], list[Reject]]:
    docs: list[RawDocument] = []
    problems: list[str] = []
    for lineno, line in enumerate(_iter_nonblank(text), start=1):
        try:
            record = json.loads(line[1])
        except json.JSONDecodeError as err:
            problems.append(f"line {line[0]}: invalid JSON ({err.msg})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            problems.append(f"line {line[0]}: no 'text' string field")
            continue
        body = record["text"]
        doc = RawDocument(
            source_file=rel,
            ordinal=lineno - 1,
            lines=_split_lines(body),
            encoding=encoding,
            source=_str_or_none(record.get("source")),
            fetched_at=parse_timestamp(record.get("fetched_at")),
            url=_str_or_none(record.get("url")),
            title=_str_or_none(record.get("title")),
        )
        docs.append(doc)
    rejects: list[Reject] = []
    if problems:
        shown = "; ".join(problems[:5]) + ("; ..." if len(problems) > 5 else "")
        rejects.append(Reject(rel, f"{len(problems)} unusable JSON line(s): {shown}"))
    if not docs and not problems:
        rejects.append(Reject(rel, "JSON lines file with no records"))
    return docs, rejects


def _read_html(text: str, rel: str, encoding: str) -> tuple[list[RawDocument], list[Reject]]:
    """One HTML page to one document: trafilatura's main text, one paragraph a line."""
    import trafilatura  # here, not at the top: text-only runs do not pay for importing it

    try:
        # Precision over recall: a news page's nav, teasers and comments must stay out.
        # Tables are mostly layout or widgets on news pages and come out as cell soup.
        found = trafilatura.bare_extraction(
            text,
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
        )
    except Exception as err:  # a parser fault in one page must not end the batch
        return [], [Reject(rel, f"HTML page could not be parsed: {type(err).__name__}: {err}")]
    body = getattr(found, "text", None)
    lines = [line.strip() for line in _split_lines(body or "") if line.strip()]
    if found is None or not lines:
        return [], [Reject(rel, _NO_HTML_TEXT)]
    doc = RawDocument(
        source_file=rel,
        ordinal=0,
        lines=lines,
        encoding=encoding,
        source=_str_or_none(found.sitename) or _str_or_none(found.hostname),
        fetched_at=None,
        url=_str_or_none(found.url),
        title=_str_or_none(found.title),
        published_on=_parse_date(found.date),
        extracted=True,
    )
    return [doc], []


def _parse_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _iter_nonblank(text: str) -> Iterator[tuple[int, str]]:
    for i, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield i, line


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
