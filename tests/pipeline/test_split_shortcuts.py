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


def _paragraphs_plain(lines: list[tuple[int, str]], classes: list) -> list[str]:
    """Paragraphs joined first and collapsed after, as split did before it reused the
    collapsed lines."""
    paras: list[str] = []
    prev_idx, prev_junk = -2, True
    for i, text in lines:
        text = text.strip()
        junk = classes[i] is not None
        joinable = (paras and not junk and not prev_junk and i == prev_idx + 1
                    and len(paras[-1]) >= 40 and split.WRAP_CONTINUES.search(paras[-1]) is not None
                    and (text[:1].islower() or text[:1].isdigit() and paras[-1][-1:].islower()))
        prev_junk = junk
        if joinable:
            paras[-1] = f"{paras[-1]} {text}"
        else:
            paras.append(text)
        prev_idx = i
    return [split._collapse(p) for p in paras]


def test_paragraphs_join_collapsed_lines_as_collapsing_joined_ones() -> None:
    rng = random.Random(9)
    words = ["word", "the", "1000's", "and", "  ", "\t", "\u00a0", "x,", "end.", "Capital"]
    for _ in range(2000):
        lines = [(k, " ".join(rng.choice(words) for _ in range(rng.randint(1, 14))))
                 for k in range(rng.randint(1, 8))]
        lines = [(k, t) for k, t in lines if t.strip()]
        classes = [("line", "rule:x") if rng.random() < 0.1 else None for _ in range(10)]
        assert split._paragraphs(lines, classes) == _paragraphs_plain(lines, classes), lines
