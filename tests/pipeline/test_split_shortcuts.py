"""Split's shortcuts give what the plain forms give: the leaked-title pre-check, the
suffix pre-check, and the compiled paragraph spacing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline import split
from pipeline.strip import normalize_line

ROOT = Path(__file__).resolve().parents[2]
BBC = ROOT.parent / "shared" / "corpora" / "bbc"


def _lines() -> list[str]:
    lines = [line for p in sorted((ROOT / "raw").glob("*.txt"))
             for line in p.read_text("utf-8").splitlines()]
    if BBC.is_dir():
        lines += [line for p in sorted(BBC.rglob("*.txt"))[:300]
                  for line in p.read_bytes().decode("utf-8", "replace").splitlines()]
    rng = random.Random(8)
    parts = ["Storm hits coast", " – ", " | ", " - ", ": ", "The New York Times", "npr",
             "BBC News ", "ſite", "Kyiv Independent", "x", "  ", "\t", "\u00a0", "é", " "]
    lines += ["".join(rng.choice(parts) for _ in range(rng.randint(0, 8))) for _ in range(5000)]
    return lines


@pytest.mark.parametrize("publishers", [
    split.DEFAULT_SPLIT_CONFIG.publishers,
    split.DEFAULT_SPLIT_CONFIG.publishers + ("Süddeutsche", "ſite"),
])
def test_leaked_title_shortcut_matches_the_pattern(publishers: tuple[str, ...]) -> None:
    leaked = split._leaked_title_pattern(publishers)
    for line in _lines():
        norm = normalize_line(line)
        fast, slow = leaked.match(norm), leaked.pattern.match(norm)
        assert (fast and fast.span(), fast and fast.group("title")) == (
            slow and slow.span(), slow and slow.group("title")), line


def test_suffix_shortcut_matches_the_pattern() -> None:
    for line in _lines():
        norm = normalize_line(line)
        fast, slow = split._suffix(norm), split._SUFFIX.match(norm)
        assert (fast and fast.group(1)) == (slow and slow.group(1)), line


def test_collapse_matches_python(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _lines() + [" \u2009a  b\t\tc\u00a0 d \u2009", "\u00a0", "", "a\u2028 b"]
    fast = [split._collapse(line) for line in lines]
    monkeypatch.setattr(split, "_native", None)
    assert fast == [split._collapse(line) for line in lines]
