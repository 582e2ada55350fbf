"""Property tests: each compiled inner loop (`pipeline._native`) gives what its Python twin
gives, on strings Hypothesis makes up where the two could part: empty strings, NUL and
other controls, every kind of whitespace, lone surrogates, characters of 1, 2 and 4 bytes,
U+0130 and U+212A (lower case ASCII from non-ASCII), very long lines and tokens (past the
C code's 24-, 192- and 1024-character buffers), texts of thousands of tokens.

tests/pipeline/test_native.py compares the two on real text and on fixed random strings;
these search for the inputs those miss. Derandomized, so that a run is repeatable."""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

pytest.importorskip("pipeline._native")
if os.environ.get("NEWSCLEAN_PURE_PYTHON"):
    pytest.skip("NEWSCLEAN_PURE_PYTHON: the extension is off", allow_module_level=True)
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline import _native as native  # noqa: E402
from pipeline import chrome, fingerprint, repair, split, strip, unspin  # noqa: E402

PROPERTY = settings(max_examples=150, deadline=None, database=None, derandomize=True)

# The characters where the C code and Python could part, and any character at all.
EDGE = (" \t\n\r\x00\x1c\x1f\x85\xa0\u2009\u2028\u3000-–—|:;.,'’‘“”\"£€&_é\u0301ßİ\u212a"
        "٣ﬁ™…·😀\ud800\udfffaZ09")
CHARS = st.one_of(st.sampled_from(EDGE), st.characters(exclude_categories=()))
SHORT = st.text(CHARS, max_size=30)
# a short piece many times over (long lines cheaply), and a long token inside text
REPEATED = st.builds(lambda piece, times: piece * times, st.text(CHARS, min_size=1, max_size=6),
                     st.integers(1, 500))
LONG_TOKEN = st.builds(lambda a, c, n, b: a + c * n + b, SHORT, st.sampled_from("x0-'.é😀"),
                       st.sampled_from([23, 24, 25, 188, 189, 192, 193, 1023, 1024, 1025]),
                       SHORT)
TEXTS = st.one_of(SHORT, SHORT, REPEATED, LONG_TOKEN,
                  st.builds(lambda a, b: a + b, REPEATED, LONG_TOKEN))


def _outcome(fn: Callable[..., Any], *args: Any) -> Any:
    """What fn returns, or the type of what it raises."""
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 - both paths must fail alike
        return type(e)


def _python(module: ModuleType, fn: Callable[..., Any], *args: Any) -> Any:
    """_outcome of fn with the module's extension turned off (its Python path)."""
    saved = module._native  # type: ignore[attr-defined]
    module._native = None  # type: ignore[attr-defined]
    try:
        return _outcome(fn, *args)
    finally:
        module._native = saved  # type: ignore[attr-defined]


@PROPERTY
@given(TEXTS, st.sampled_from([1, 2, 5, 60, 10**6]))
def test_line_key(line: str, max_words: int) -> None:
    assert _outcome(chrome.line_key, line, max_words) == _python(
        chrome, chrome.line_key, line, max_words)


@PROPERTY
@given(TEXTS)
def test_normalize_line_and_collapse(line: str) -> None:
    assert _outcome(strip.normalize_line, line) == _python(strip, strip.normalize_line, line)
    assert _outcome(split._collapse, line) == _python(split, split._collapse, line)


# lines made of the separators a leaked page title needs, and what stands around them
SEPARATED = st.text(st.sampled_from(" -:|–\t\xa0\u2009\x00\x1cax"), max_size=12)


@PROPERTY
@given(st.lists(st.one_of(TEXTS, SEPARATED), max_size=4))
def test_line_lists(lines: list[str]) -> None:
    """The functions over a document's lines: word count, repair's plain lines, split's
    leaked-title hints (as the line is and normalised)."""
    assert native.count_words(lines) == sum(len(line.split()) for line in lines)
    assert native.unplain_lines(lines) == [
        i for i, line in enumerate(lines) if not repair.plain_line(line)]
    for normalized in (False, True):
        assert split._leak_hints(lines, normalized) == _python(
            split, split._leak_hints, lines, normalized)


def test_leak_hints_after_a_nul() -> None:
    """A NUL character is a character of the normal form like any other: the space after
    it stays (the C pass once took a NUL for "nothing yet" and dropped that space)."""
    lines = ["\x00 - x", "a\x00 - b", "\x00 : x", " \x00  -  y"]
    assert native.leak_hints(lines, True) == [0, 1, 2, 3]
    assert [split._may_be_leaked(strip.normalize_line(line)) for line in lines] == [True] * 4


GROUPS = (("photo", "(ap"), (), ("/getty",), ("k", "i"), ("a b",), ("\x00",), ("x" * 30,),
          ("ph", "photograph"))


@PROPERTY
@given(TEXTS)
def test_needle_bits(text: str) -> None:
    lower = text.lower()
    assert strip._Needles(GROUPS).bits(text) == sum(
        1 << j for j, g in enumerate(GROUPS) if not g or any(x in lower for x in g))


@PROPERTY
@given(TEXTS)
def test_content_hash(text: str) -> None:
    assert _outcome(fingerprint.content_hash, text) == _python(
        fingerprint, fingerprint.content_hash, text)


PARAGRAPHS = st.lists(st.one_of(TEXTS, st.just(""), st.just("\n\n")), max_size=6).map("".join)


@PROPERTY
@given(st.lists(PARAGRAPHS, min_size=1, max_size=4),
       st.sampled_from([fingerprint.DEFAULT_FINGERPRINT_CONFIG,
                        fingerprint.FingerprintConfig(ngram=1, lead_min_tokens=2),
                        fingerprint.FingerprintConfig(ngram=7, num_perm=4, lead_perm=2,
                                                      second_perm=1, lead_tokens=3)]))
def test_signatures(texts: list[str], config: fingerprint.FingerprintConfig) -> None:
    fast = _outcome(fingerprint._signatures_native, texts, config)
    slow = _outcome(fingerprint._signatures_numpy, texts, config)
    if isinstance(fast, type) or isinstance(slow, type):
        assert fast == slow  # (a lone surrogate: UnicodeEncodeError both ways)
    else:
        assert np.array_equal(fast[0], slow[0]) and np.array_equal(fast[1], slow[1])


def _lexicon_words() -> list[str]:
    index = unspin._phrase_index(None)
    phrases = [*index.single.values(), *(p for v in index.multi.values() for p in v)]
    words = {w for ph in phrases for w in ph.words}
    words |= {w for ph in phrases for c in ph.candidates for w in c[0]}
    return sorted(words)


WORDS = st.one_of(st.sampled_from(_lexicon_words()), st.sampled_from(["the", "of", "a", "in"]),
                  TEXTS)
SPUN = st.lists(st.tuples(WORDS, st.sampled_from([" ", " ", " ", "", "\n", "-", "'", ".", "’",
                                                  ", ", "\x00", "😀"])),
                max_size=60).map(lambda parts: "".join(w + s for w, s in parts))


@PROPERTY
@given(st.one_of(SPUN, SPUN.map(str.upper)), st.booleans())
def test_scan_spin(paragraph: str, repairs: bool) -> None:
    """unspin's pass: token and pair counts, PMI sum, lexicon sites and their gains."""
    config = unspin.DEFAULT_UNSPIN_CONFIG
    assert _outcome(unspin._scan, paragraph, config, repairs) == _python(
        unspin, unspin._scan, paragraph, config, repairs)
