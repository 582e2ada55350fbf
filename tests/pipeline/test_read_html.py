"""read: .html/.htm pages through trafilatura (main text, title, site name); no text -> reject."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pipeline.batch import clean_batch
from pipeline.read import declared_charset, decode_html, read_file, read_files
from pipeline.split import split_document

TITLE = "Harbour Town Votes to Rebuild Its Sea Wall"
BODY = [
    "The council of Port Elsry voted seven to two on Thursday evening to rebuild the "
    "crumbling sea wall that has protected the old fishing quarter since the 1880s.",
    "Engineers told councillors that two sections of the wall had shifted by more than a "
    "hand's width during the winter storms, and that a third could give way within five years.",
    "The new wall will be built from recycled granite blocks and will rise half a metre higher "
    "than the old one, a change residents of the lower streets had asked for after repeated "
    "flooding.",
    "Work is due to begin in early autumn and should take about eighteen months, during which "
    "the harbour car park will close and the ferry will move to the north pier.",
    "\u201cWe could not keep patching it every spring,\u201d said the harbour master, Oren "
    "Talbeck, who has worked on the quay for thirty years.",
]
CHROME = [  # page furniture that must not reach the text
    "Weather and tides",
    "We use cookies to improve your experience",
    "Accept all cookies",
    "Related articles",
    "Ferry timetable changes announced for the summer season",
    "Lifeboat crew honoured for rescue off the northern headland",
    "All rights reserved",
    "Privacy policy",
]

NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{TITLE} | The Coastal Ledger</title>
<meta property="og:site_name" content="The Coastal Ledger">
<meta property="og:title" content="{TITLE}">
<meta property="article:published_time" content="2025-02-14T08:30:00Z">
<link rel="canonical" href="https://www.coastalledger.example/news/sea-wall-vote">
</head>
<body>
<nav><ul>
  <li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
  <li><a href="/weather">Weather and tides</a></li>
</ul></nav>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience on
  our site. <button>Accept all cookies</button></div>
<main>
<article>
  <h1>{TITLE}</h1>
  <p class="byline">By Mara Quellin</p>
  {"".join(f"<p>{p}</p>" for p in BODY)}
</article>
<aside class="related">
  <h2>Related articles</h2>
  <ul>
    <li><a href="/a">Ferry timetable changes announced for the summer season</a></li>
    <li><a href="/b">Lifeboat crew honoured for rescue off the northern headland</a></li>
    <li><a href="/c">Fish market reopens after six months of renovation works</a></li>
  </ul>
</aside>
</main>
<footer><p>&copy; 2025 The Coastal Ledger. All rights reserved.</p>
  <p><a href="/contact">Contact us</a> | <a href="/privacy">Privacy policy</a></p></footer>
</body>
</html>
"""


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    f = tmp_path / name
    f.write_bytes(data.encode() if isinstance(data, str) else data)
    return f


def test_news_page_gives_body_title_and_site_name(tmp_path: Path) -> None:
    f = _write(tmp_path, "sea-wall.html", NEWS_PAGE)
    (doc,), rejects = read_file(f, tmp_path)
    assert rejects == []
    for para in BODY:
        assert para in doc.lines
    text = "\n".join(doc.lines)
    for junk in CHROME:
        assert junk not in text
    assert doc.title == TITLE
    assert doc.source == "The Coastal Ledger"
    assert doc.url == "https://www.coastalledger.example/news/sea-wall-vote"
    assert doc.fetched_at is None
    assert doc.published_on == date(2025, 2, 14)
    assert doc.encoding == "utf-8"


def test_htm_suffix_and_hostname_when_no_site_name(tmp_path: Path) -> None:
    page = NEWS_PAGE.replace('<meta property="og:site_name" content="The Coastal Ledger">', "")
    page = page.replace(" | The Coastal Ledger</title>", "</title>")
    (doc,), _ = read_file(_write(tmp_path, "page.HTM", page), tmp_path)
    assert doc.source == "coastalledger.example"
    assert BODY[0] in doc.lines


def test_title_is_not_repeated_as_first_paragraph(tmp_path: Path) -> None:
    (doc,), _ = read_file(_write(tmp_path, "sea-wall.html", NEWS_PAGE), tmp_path)
    assert doc.lines[0] == TITLE  # trafilatura keeps the <h1>; split takes it out
    (article,) = split_document(doc)
    assert article.title == TITLE
    assert article.paragraphs[0] == BODY[0]
    assert TITLE not in article.paragraphs
    assert [r.reason for r in article.removed] == ["title repeated in body"]


def test_windows_1252_page_decodes(tmp_path: Path) -> None:
    body = ("The owners of the small caf\u00e9 on the corner said they were \u201ctired of "
            "waiting\u201d for the council to fix the pavement \u2013 again.")
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "<title>Caf\u00e9 owners say \u201cenough\u201d</title></head><body><article>"
        f"<h1>Caf\u00e9 owners say \u201cenough\u201d</h1><p>{body}</p>"
        "<p>A spokesperson for the council said the repairs were \u201cscheduled\u201d but "
        "would not give a date for the work.</p></article></body></html>"
    )
    (doc,), rejects = read_file(_write(tmp_path, "cafe.html", page.encode("cp1252")), tmp_path)
    assert rejects == []
    assert doc.encoding == "cp1252"
    assert doc.title == "Caf\u00e9 owners say \u201cenough\u201d"
    assert body in doc.lines


def test_declared_charset_used_for_non_utf8_only() -> None:
    greek = "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για τα νοικοκυριά."
    page = f'<html><head><meta charset="iso-8859-7"></head><body><p>{greek}</p></body></html>'
    assert decode_html(page.encode("iso-8859-7")) == (page, "iso8859-7")
    # Saved as UTF-8 with its old Latin-1 tag kept: the bytes win over the tag.
    latin = '<html><head><meta charset="iso-8859-1"></head><body><p>café</p></body></html>'
    assert decode_html(latin.encode()) == (latin, "utf-8")
    assert declared_charset(b'<meta charset="no-such-charset">') is None
    assert declared_charset(b"<p>no tag</p>") is None


def test_page_without_article_text_is_rejected(tmp_path: Path) -> None:
    page = ("<!DOCTYPE html><html><head><title>Loading</title>"
            "<script>window.app = {};</script></head>"
            '<body><div id="root"></div><script src="/bundle.js"></script></body></html>')
    docs, rejects = read_file(_write(tmp_path, "app.html", page), tmp_path)
    assert docs == []
    assert [r.reason for r in rejects] == [
        "HTML page with no article text (trafilatura found none)"]


def test_garbage_html_does_not_crash(tmp_path: Path) -> None:
    rng = random.Random(3)
    files = [
        _write(tmp_path, "random.html", bytes(rng.randrange(256) for _ in range(4000))),
        _write(tmp_path, "high.html", bytes(range(0x80, 0x100)) * 30 + b"<<<p>>"),
        _write(tmp_path, "soup.html", b"<<<div <p>>> </html <title <<"),
        _write(tmp_path, "unclosed.htm", "<html><body><div><p>Half a page, cut off"),
        _write(tmp_path, "deep.html", "<html><body>" + "<div>" * 5000 + "Lost words."),
        _write(tmp_path, "empty.html", b"   "),
    ]
    docs, rejects = read_files(files, tmp_path)
    accounted = {d.source_file for d in docs} | {r.source_file for r in rejects}
    assert accounted == {f.name for f in files}
    assert all(r.reason for r in rejects)


def test_parser_fault_becomes_a_reject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser fell over")

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    docs, rejects = read_file(_write(tmp_path, "a.html", NEWS_PAGE), tmp_path)
    assert docs == []
    assert rejects[0].reason.startswith("HTML page could not be parsed: RuntimeError")


def test_html_page_end_to_end(tmp_path: Path) -> None:
    f = _write(tmp_path, "sea-wall.html", NEWS_PAGE)
    result = clean_batch([f], tmp_path)
    assert result.rejects == []
    (article,) = result.articles
    assert article.title == TITLE
    assert article.source == "The Coastal Ledger"
    assert article.paragraphs == BODY
    assert "Related articles" not in article.text


def test_text_only_run_does_not_import_trafilatura(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A Title Here\n\nSome body text for the article.\n")
    code = (
        "import sys; from pathlib import Path; from pipeline.batch import clean_batch; "
        f"raw = Path({str(tmp_path)!r}); clean_batch(sorted(raw.iterdir()), raw); "
        "assert 'trafilatura' not in sys.modules, 'trafilatura imported'"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
