"""Silver-labelled real pages for the line model: trafilatura's own evaluation pages.

trafilatura (github.com/adbar/trafilatura, Apache-2.0) keeps ~900 real web pages of many
sites and languages in `tests/eval/` and, in `tests/evaldata.json`, for each page a few
snippets its main text must hold ("with") and must not hold ("without"). Those pages have
no full ground truth, so their labels here are silver: a line of the page's plain text
(html-text, as a scraper that keeps no markup writes it) is body when trafilatura's own
extraction of the page holds its words; a line holding a "with" snippet is body and one
holding a "without" snippet is chrome whatever trafilatura kept. They teach the model many
more sites than the benchmark's 88 dev pages do; they weigh less than those gold labels
(bench/train_lines.py).

Nothing of these pages is kept in the repository: `--trafilatura DIR` is a checkout of the
repository (its tests/eval/ and tests/evaldata.json are read at fit time).
"""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse


@dataclass(frozen=True, slots=True)
class SilverPage:
    """One page: its plain text (with newsclean's header line), trafilatura's main text,
    and the evaluation's snippets."""

    name: str
    host: str
    text: str
    main: str
    with_: tuple[str, ...]
    without: tuple[str, ...]


def _decode(data: bytes) -> str:
    from pipeline.read import decode_html

    decoded = decode_html(data)
    return decoded[0] if not isinstance(decoded, str) else data.decode("utf-8", "replace")


def silver_pages(root: Path, cache: Path | None = None) -> list[SilverPage]:
    """The evaluation pages of a trafilatura checkout at `root` (cached in `cache`, a
    pickle, when given: html-text and trafilatura take a few minutes over all pages)."""
    if cache is not None and cache.is_file():
        return pickle.loads(cache.read_bytes())
    import html_text
    import trafilatura

    data = json.loads((root / "tests" / "evaldata.json").read_text("utf-8"))
    out: list[SilverPage] = []
    for url, entry in sorted(data.items()):
        path = root / "tests" / "eval" / entry["file"]
        if not path.is_file():
            continue
        html = _decode(path.read_bytes())
        try:
            plain = html_text.extract_text(html, guess_layout=True)
            main = trafilatura.extract(html, include_comments=False, include_tables=False)
        except Exception:  # noqa: BLE001 - a page either library cannot read is left out
            continue
        if not plain or not main:
            continue
        host = urlparse(url).netloc or "unknown.example"
        out.append(SilverPage(entry["file"], host, f"{host} 2020-01-01 00:00:00\n{plain}", main,
                              tuple(entry.get("with", ())), tuple(entry.get("without", ()))))
    if cache is not None:
        cache.write_bytes(pickle.dumps(out))
    return out
