"""The compiled inner loops (`pipeline._native`) fail safely: on a failed allocation, on
arguments that do not fit together, on sizes beyond their tables' limits.

Their callers build the arguments right, so these paths are not reached in a normal run;
when they are (a worker short of memory, a lexicon file far larger than the bundled one)
the extension must raise, not crash, corrupt memory or leak."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

native = pytest.importorskip("pipeline._native")
if os.environ.get("NEWSCLEAN_PURE_PYTHON"):
    pytest.skip("NEWSCLEAN_PURE_PYTHON: the extension is off", allow_module_level=True)

# Every C function with small arguments of the right shape, for the allocation sweep.
_CALLS = textwrap.dedent("""
    import numpy as np
    from pipeline import _native as N

    words = N.make_word_table({"the": 1 << 3 | 1, "white": 2 << 3 | 2, "home": 3 << 3 | 4}, 2,
                              (("white", "home"),))
    codes = np.array([1 * 4 + 2, 2 * 4 + 3], dtype=np.int64).tobytes()
    pmi = np.array([0.5, 1.5], dtype=np.float64).tobytes()
    pairs = N.make_pair_table(codes, codes[:8], pmi, bytes([1, 0]))

    def lexicon():
        return N.make_lexicon(
            words, [(("the",), [(("a", "an"), "a an", False), (("one",), "one", True)]),
                    (("white", "home"), [(("white", "house"), "White House", False)])],
            {"the": 0}, {("white", "home"): (1,)}, {"the": 9, "white": 4, "house": 3},
            {"the white": 2, "white house": 2}, 100.0, -2.0, 0.5)

    lex = lexicon()
    text = "the white home, the white home é😀 " * 20
    needles = N.make_needles((("photo", "(ap"), (), ("getty images",)))
    texts = ["Some words here and there é中 " * 30 + "\\n\\n" + "second para words " * 10] * 2
    spans = np.array([[0, 200, 202, 300]] * 2, dtype=np.int64).tobytes()
    probes = np.zeros((8, 32), dtype=np.int64).tobytes()
    perms = np.arange(1, 9, dtype=np.uint32).tobytes()
    lines = ["a – b", "x\\u2028 y", "plain", "£“", "a\\x00 - b"] * 50
    calls = {
        "make_word_table": lambda: N.make_word_table({"the": 9, "white": 17}, 1,
                                                     (("the", "white"),)),
        "make_pair_table": lambda: N.make_pair_table(codes, codes[:8], pmi, bytes([1, 0])),
        "make_lexicon": lexicon,
        "scan_spin": lambda: N.scan_spin(text, words, pairs, 4, bytes([0, 1, 1, 0]), lex, 1.0,
                                         0.1, True),
        "line_key": lambda: N.line_key("Word, 123 £ x " * 200, 10**6),
        "normalize_line": lambda: N.normalize_line("  a ’ b  " * 100),
        "collapse_spaces": lambda: N.collapse_spaces(" a \\t b \\xa0 " * 100),
        "count_words": lambda: N.count_words(lines),
        "unplain_lines": lambda: N.unplain_lines(lines),
        "leak_hints": lambda: N.leak_hints(lines, True),
        "make_needles": lambda: N.make_needles((("photo credit", "(ap photo)"), (),
                                                ("getty images",))),
        "needle_bits": lambda: N.needle_bits("PHOTO (AP) " * 300, needles),
        "fingerprint": lambda: N.fingerprint(texts, spans, probes, perms, perms, 8, 8, 4, 40,
                                             3, 1),
        "collapse_utf8": lambda: N.collapse_utf8(" é  中 😀 " * 100),
        "xxh64_ascii": lambda: N.xxh64_ascii("abc" * 100),
    }
""")


def _run(script: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _CALLS + textwrap.dedent(script)],
                          capture_output=True, text=True, timeout=timeout)


def test_a_failed_allocation_raises_memory_error_without_crash_or_leak() -> None:
    """Each C function, with its k-th allocation failing (each k up to 60 in turn), raises
    MemoryError or answers: it does not crash (make_lexicon freed its phrases' candidates
    through a NULL array when the phrase array or a candidate array could not be had),
    does not return with an exception set (SystemError), and frees what it had taken
    (make_needles kept the needles copied before the failure)."""
    _testcapi = pytest.importorskip("_testcapi")
    if not hasattr(_testcapi, "set_nomemory"):
        pytest.skip("this Python's _testcapi cannot fail allocations")
    done = _run("""
        import tracemalloc
        import _testcapi

        def attempt(fn, k):
            _testcapi.set_nomemory(k, k + 1)
            try:
                fn()
            except MemoryError:
                pass
            except SystemError as e:
                print("SystemError", name, k, e)
            finally:
                _testcapi.remove_mem_hooks()

        tracemalloc.start()
        for name, fn in calls.items():
            fn()
            for k in range(1, 60):
                for _ in range(5):
                    attempt(fn, k)
                before = tracemalloc.get_traced_memory()[0]
                for _ in range(50):
                    attempt(fn, k)
                grown = tracemalloc.get_traced_memory()[0] - before
                if grown > 200:
                    print("leak", name, k, grown)
        print("swept")
    """)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["swept"]


def _fingerprint(num_perm: int = 8, lead_perm: int = 8, second_perm: int = 4,
                 lead_tokens: int = 40, probe: int = 0) -> object:
    texts = ["some words here and there " * 10]
    probes = np.full((num_perm if num_perm > 0 else 1, 32), probe, dtype=np.int64)
    perms = np.arange(1, 9, dtype=np.uint32).tobytes()
    return native.fingerprint(texts, np.array([[0, 50, 60, 100]], dtype=np.int64).tobytes(),
                              probes[:max(num_perm, 0)].tobytes(), perms, perms, num_perm,
                              lead_perm, second_perm, lead_tokens, 3, 1)


def test_fingerprint_refuses_arguments_that_do_not_fit() -> None:
    """The signature layout comes from the arguments: negative permutation counts made the
    signature row narrower than the bins written into it (a heap overflow), and a probe
    outside the bins read past them."""
    _fingerprint()  # the right shape works
    for bad in ({"lead_perm": -2, "second_perm": -2}, {"second_perm": -1},
                {"lead_tokens": -1}, {"probe": 8}, {"probe": -1}):
        with pytest.raises(ValueError, match="fingerprint"):
            _fingerprint(**bad)  # type: ignore[arg-type]


class _Meddler:
    """An int-like object whose __index__ adds entries to the dict the C code is reading."""

    def __init__(self, target: dict) -> None:
        self.target = target

    def __index__(self) -> int:
        for k in range(100):
            self.target[f"x{k}"] = 8
        return 8


def test_tables_take_ints_and_bools_only() -> None:
    """The table builders read dicts and lists with borrowed references and sizes taken
    first: a value that runs Python code when converted (__index__, __bool__) could grow
    the dict under them (make_word_table wrote past its word array), so only ints and
    bools are taken."""
    mapping: dict = {"the": 9, "white": 17}
    mapping["home"] = _Meddler(mapping)
    with pytest.raises(TypeError, match="int"):
        native.make_word_table(mapping, 2, ())
    words = native.make_word_table({"the": 9, "white": 17, "home": 25}, 2, ())
    phrase = (("the",), [(("a",), "a", True)])

    def lexicon(phrases: list, single: dict, multi: dict, uni: dict) -> object:
        return native.make_lexicon(words, phrases, single, multi, uni, {}, 10.0, -1.0, 0.5)

    assert lexicon([phrase], {"the": 0}, {("white", "home"): (0,)}, {"a": 3})
    counts: dict = {"a": 3}
    counts["b"] = _Meddler(counts)
    with pytest.raises(TypeError, match="int"):
        lexicon([phrase], {"the": 0}, {}, counts)
    with pytest.raises(TypeError, match="int"):
        lexicon([phrase], {"the": 0}, {("white", "home"): (_Meddler({}),)}, {})
    with pytest.raises(TypeError, match="int"):
        lexicon([phrase], {"the": _Meddler({})}, {}, {})
    with pytest.raises(TypeError, match="bool"):
        lexicon([(("the",), [(("a",), "a", 1)])], {"the": 0}, {}, {})


def test_sizes_beyond_the_tables_limits_are_refused() -> None:
    """Positions in the phrase index are packed in 20 bits: 2^20 of them would have run
    into the pair codes (wrong phrases, reads past the list). A negative `hot` size made
    the table sizing loop forever; an enormous pair base overflowed id * base + id."""
    words = native.make_word_table({"the": 9, "white": 17, "home": 25}, 2, ())
    with pytest.raises(ValueError, match="2\\^20"):
        native.make_lexicon(words, [(("the",), [(("a",), "a", True)])], {},
                            {("white", "home"): (0,) * (1 << 20)}, {}, {}, 10.0, -1.0, 0.5)
    hangs = _run("""
        try:
            N.make_word_table({"the": 9}, -1, ())
        except ValueError:
            print("refused")
    """, timeout=30)
    assert hangs.stdout.strip() == "refused", hangs.stderr[-2000:]
    pairs = native.make_pair_table(np.array([6], dtype=np.int64).tobytes(), b"",
                                   np.zeros(1).tobytes(), b"\x00")
    lexicon = native.make_lexicon(words, [], {}, {}, {}, {}, 10.0, -1.0, 0.5)
    with pytest.raises(ValueError, match="base"):
        native.scan_spin("the white", words, pairs, 1 << 40, b"\x00" * 4, lexicon, 1.0, 0.1,
                         True)
