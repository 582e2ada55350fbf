"""The compiled inner loops (`pipeline._native`) give exactly what their Python twins give.

Each stage uses the C function when the extension is built and its own Python code when
it is not; these tests hold the two to the same answers on real text (the seeds, the BBC
corpus when present) and on random strings full of the characters where they could part
(non-ASCII letters, curly quotes, joiners, controls, separators)."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest
import xxhash
from ftfy.badness import is_bad

from pipeline import chrome, fingerprint, repair, unspin

native = pytest.importorskip("pipeline._native")
if unspin._native is None:
    pytest.skip("NEWSCLEAN_PURE_PYTHON: the extension is off", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
BBC = ROOT.parent / "shared" / "corpora" / "bbc"


def _real_texts(limit: int = 400) -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]
    if BBC.is_dir():
        texts += [p.read_bytes().decode("utf-8", "replace")
                  for p in sorted(BBC.rglob("*.txt"))[:limit]]
    return texts


def _random_strings(alphabet: str, count: int, max_len: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, max_len)))
            for _ in range(count)]


def test_xxh64_is_xxhash() -> None:
    rng = random.Random(0)
    for n in [*range(70), 100, 513, 4000]:  # every tail length, short and long inputs
        for _ in range(5):
            s = "".join(chr(rng.randrange(128)) for _ in range(n))
            assert native.xxh64_ascii(s) == xxhash.xxh64_intdigest(s.encode())


def _lines() -> list[str]:
    lines = [line for text in _real_texts(200) for line in text.splitlines()]
    lines += _random_strings("aZ09 .,-'’‘“”—£€é\u0301İ٣\xa0\u2009\t\x1c:;!?()\"", 5000, 40, 1)
    lines += ["word " * 30, "word " * 31, "x" * 601, "  ", "’", "a\u3000b"]
    return lines


def test_line_key_matches_the_python_normal_form_hashed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _lines()
    fast = [chrome.line_key(line) for line in lines]
    monkeypatch.setattr(chrome, "_native", None)
    assert fast == [chrome.line_key(line) for line in lines]
    # the lines of real news take the C path (ASCII, punctuation, £), not the fallback
    real = [line for text in _real_texts(200) for line in text.splitlines()]
    handled = [native.line_key(line, 30) is not NotImplemented for line in real]
    assert sum(handled) > 0.95 * len(real)


def test_normalize_line_matches_python(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import strip

    lines = _lines()
    fast = [strip.normalize_line(line) for line in lines]
    monkeypatch.setattr(strip, "_native", None)
    assert fast == [strip.normalize_line(line) for line in lines]


def _scan_both(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The C pass and the Python one give the same counts and the same sites (gains to the
    bit), for scoring and for repairs."""
    config = unspin.DEFAULT_UNSPIN_CONFIG
    assert unspin._native is native
    fast = [unspin._scan(t, config, repairs) for t in texts for repairs in (False, True)]
    monkeypatch.setattr(unspin, "_native", None)
    slow = [unspin._scan(t, config, repairs) for t in texts for repairs in (False, True)]
    for (sites_c, rep_c), (sites_py, rep_py), text in zip(fast, slow, [t for t in texts
                                                                       for _ in (0, 1)],
                                                          strict=True):
        assert sites_c == sites_py, text
        assert rep_c == rep_py, text  # words, pairs, PMI sum (numpy's order), hits


def test_unspin_scan_matches_python_on_real_text(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _real_texts()
    seed = (ROOT / "raw" / "001_3bb06f1c09a89936.txt").read_text("utf-8")
    texts += [seed, seed.replace("White Home", "White Home Home"), seed.lower()]
    _scan_both(texts, monkeypatch)


def test_unspin_scan_matches_python_on_odd_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    alphabet = "ab z0-'.’ \t\n\x00é“”—U{}|İ\u2028\x1c\xa0ﬁ"
    texts = _random_strings(alphabet, 4000, 40, 2)
    words = ["white", "home", "final", "12", "months", "navy", "support", "the", "tons", "of",
             "in", "entrance", "constructing", "folks", "firm", "tv", "'s", "’", ",", "é",
             "hundreds", "within", "a", "lot", "have", "been", "on"]
    rng = random.Random(12)
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
              for _ in range(3000)]
    _scan_both(texts, monkeypatch)


def test_spin_scores_do_not_depend_on_the_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    seed = (ROOT / "raw" / "001_3bb06f1c09a89936.txt").read_text("utf-8")
    with_c = unspin.spin_score(seed)
    monkeypatch.setattr(unspin, "_native", None)
    assert unspin.spin_score(seed) == with_c
    assert with_c[0] >= unspin.DEFAULT_UNSPIN_CONFIG.threshold  # seed 001 is spun


def test_unplain_lines_matches_plain_line() -> None:
    lines = [line for text in _real_texts() for line in text.splitlines()]
    lines += _random_strings("ab &;\t\x1b\x00\x7f\x80é’‘“”—–…£€Ã©\u2028\ufb01", 20000, 12, 3)
    assert native.unplain_lines(lines) == [
        i for i, line in enumerate(lines) if not repair.plain_line(line)]
    for line in lines:
        if repair.plain_line(line):
            assert not repair.needs_fixing(line), line


def test_no_plain_window_looks_like_mojibake_to_ftfy() -> None:
    """Why a plain line may skip ftfy: ftfy's badness check looks at runs of up to three
    characters; none made of printable ASCII and the plain characters, as `plain_line`
    admits them, is bad."""
    ascii_chars = [chr(c) for c in range(32, 127)] + ["\t"]
    extra = list(repair._PLAIN_PUNCTUATION)
    alphabet = ascii_chars + extra
    for n in (1, 2, 3):
        for k in range(n):  # windows holding at least one non-ASCII character, at k
            for ch in extra:
                for rest in itertools.product(alphabet, repeat=n - 1):
                    window = "".join(rest[:k]) + ch + "".join(rest[k:])
                    if repair.plain_line(window):
                        assert not is_bad(window), window


def test_requires_bits_say_which_groups_have_a_needle_in_the_lower_cased_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import strip

    groups = (("photo", "(ap"), (), ("/getty",), ("k", "i"), ("ph", "photograph"))
    texts = _random_strings("PhOTo(Ap/GETTY ikKİ\u212aé£—", 5000, 14, 4) + _lines()
    fast = [strip._Needles(groups).bits(text) for text in texts]
    for text, bits in zip(texts, fast, strict=True):
        lower = text.lower()
        assert bits == sum(1 << j for j, g in enumerate(groups)
                           if not g or any(x in lower for x in g)), text
    monkeypatch.setattr(strip, "_native", None)
    assert fast == [strip._Needles(groups).bits(text) for text in texts]
    # the only characters whose lower case is ASCII while they are not
    assert [c for c in range(128, 0x30000) if not 0xD800 <= c < 0xE000
            and any(ord(x) < 128 for x in chr(c).lower())] == [0x130, 0x212A]


def _paragraph_texts() -> list[str]:
    texts = ["\n\n".join(line for line in t.splitlines() if line.strip()) for t in _real_texts()]
    texts += _random_strings("ab cD9\n\n’“—é£€中 \u2009\u00a0\u0080X", 3000, 80, 5)
    texts += ["", "a", "a b", "a b c", "word " * 5, "\n\n".join(["x y z w v u t s"] * 3)]
    return texts


@pytest.mark.parametrize("config", [
    fingerprint.DEFAULT_FINGERPRINT_CONFIG,
    fingerprint.FingerprintConfig(ngram=1),
    fingerprint.FingerprintConfig(ngram=5, num_perm=64, lead_perm=32, second_perm=16,
                                  lead_tokens=10, seed=3),
])
def test_signatures_are_the_numpy_ones(config: fingerprint.FingerprintConfig) -> None:
    """Signatures are persisted (.state) and compared across runs: the C path must give
    the numpy path's values bit for bit, and the same distinct-shingle counts."""
    texts = _paragraph_texts()
    sig_c, count_c = fingerprint._signatures_native(texts, config)
    sig_py, count_py = fingerprint._signatures_numpy(texts, config)
    assert np.array_equal(sig_c, sig_py)
    assert np.array_equal(count_c, count_py)


def test_content_hash_collapses_whitespace_as_python(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _paragraph_texts() + ["a\ud800b"[:1] + "b", " \u3000x\u2028y\t "]
    fast = [fingerprint.content_hash(t) for t in texts]
    monkeypatch.setattr(fingerprint, "_native", None)
    assert fast == [fingerprint.content_hash(t) for t in texts]
    assert native.collapse_utf8("a\ud800b") is NotImplemented  # a lone surrogate


@pytest.mark.parametrize("normalized", [False, True])
def test_leak_hints_match_python(normalized: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import split

    lines = _lines() + _random_strings("a -:|–—\t\xa0\u2009 x", 5000, 10, 6)
    fast = split._leak_hints(lines, normalized)
    monkeypatch.setattr(split, "_native", None)
    assert fast == split._leak_hints(lines, normalized)


def test_story_key_matches_python(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [t.splitlines() for t in _real_texts(200)]
    texts += [[line] for line in _lines()]
    fast = [chrome.story_key(lines) for lines in texts]
    monkeypatch.setattr(chrome, "_native", None)
    assert fast == [chrome.story_key(lines) for lines in texts]


def test_word_count_is_str_split_s(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.model import Article

    texts = _lines() + _random_strings("a b\u00a0\u2009\u3000\t\n\x1cé中", 3000, 20, 9)
    articles = [Article("f", 0, "utf-8", texts[k:k + 7]) for k in range(0, len(texts), 7)]
    fast = [a.word_count for a in articles]
    assert fast == [sum(len(p.split()) for p in a.paragraphs) for a in articles]
    monkeypatch.setattr("pipeline.model._native", None)
    assert fast == [a.word_count for a in articles]
