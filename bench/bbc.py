"""Read the BBC News corpus (../shared/corpora/bbc) at run time; its text is never stored here."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

BBC = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bbc"


@dataclass(frozen=True, slots=True)
class Story:
    """One BBC article: `rel` is `topic/NNN.txt`; the first line is the title."""

    rel: str
    topic: str
    title: str
    paragraphs: list[str]

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


def read_stories(root: Path = BBC, half: str = "all") -> list[Story]:
    """Every article with a title and at least two body lines, in path order.

    `half` = "dev" or "test" keeps the articles whose path's crc32 is even or odd, so that
    calibration (dev) and reported figures (test) use different articles. sport/199.txt is
    Latin-1; everything else is UTF-8.
    """
    out = []
    for path in sorted(root.glob("*/*.txt")):
        rel = f"{path.parent.name}/{path.name}"
        if half != "all" and (zlib.crc32(rel.encode()) % 2 == 0) != (half == "dev"):
            continue
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        if len(lines) > 2:
            out.append(Story(rel, path.parent.name, lines[0], lines[1:]))
    return out
