"""Benchmark corpus generator: N articles of about 750 words as raw newsclean input.

    python bench/make_corpus.py 100000 bench/out/corpus-100k

Text comes from the BBC corpus in ../shared/corpora/bbc when it is present (read at run
time, never copied into the repository): a word-trigram Markov chain per topic, trained on
the topic's stories, writes new sentences (every word pair is one the BBC wrote, so the
text scores like news, but sentences and articles are new, and two articles share no more
word 3-grams than two news stories do: a corpus of a million is not a hundred thousand
repeated). `--text sentences` instead recombines whole BBC sentences (the generator before
2026-11-25: at a million articles every sentence recurs ~800 times). Without the corpus,
random English words (wordsegment's unigram list). About 10% of articles are followed by a
near-copy (truncated, re-scraped with other chrome and curly quotes, or with an edited
sentence), so deduplication has work to do.

Files: dumps of 20 articles with NYT-style paywall blocks between them (70% of files) and
single-article pages (30%), 1,000 files per folder. Deterministic for a given N and seed.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bbc import BBC, read_stories  # noqa: E402

PAYWALL_START = "You have been granted access, use your keyboard to continue reading."
PAYWALL_END = ["Enjoy unlimited access to all of The Times.", "6-month Welcome Offer",
               "original price:   $3sale price:   $0.50/week", "Learn more"]
CHROME = ["Share this article", "Advertisement", "Sign up for the Morning Briefing newsletter, "
          "delivered to your inbox."]


def _bbc_stories(root: Path) -> list[tuple[str, str, list[str]]]:
    return [(st.topic, st.title, st.paragraphs) for st in read_stories(root)]


def _synthetic_stories(rng: random.Random, n: int = 3000) -> list[tuple[str, str, list[str]]]:
    from wordsegment import UNIGRAMS, load

    load()
    vocab = sorted(UNIGRAMS, key=UNIGRAMS.get, reverse=True)[:20000]
    weights = [UNIGRAMS[w] ** 0.5 for w in vocab]
    stories = []
    for k in range(n):
        def sentence() -> str:
            words = rng.choices(vocab, weights, k=rng.randint(12, 28))
            return " ".join(words).capitalize() + "."
        paras = [" ".join(sentence() for _ in range(rng.randint(2, 4))) for _ in range(8)]
        title = " ".join(rng.choices(vocab, weights, k=6)).title()
        stories.append((f"topic{k % 5}", title, paras))
    return stories


class _Chain:
    """A word-trigram Markov chain: (w1, w2) -> the words that followed them."""

    def __init__(self, paragraphs: list[str]) -> None:
        self.next: dict[tuple[str, str], list[str]] = {}
        self.starts: list[tuple[str, str]] = []
        for para in paragraphs:
            words = para.split()
            for i, w in enumerate(words):
                if i == 0 or words[i - 1].endswith((".", "?", "!")):
                    if i + 1 < len(words):
                        self.starts.append((w, words[i + 1]))
                if i + 2 < len(words):
                    self.next.setdefault((w, words[i + 1]), []).append(words[i + 2])

    def sentence(self, rng: random.Random, max_words: int = 45) -> str:
        w1, w2 = self.starts[rng.randrange(len(self.starts))]
        out = [w1, w2]
        while not out[-1].endswith((".", "?", "!")) and len(out) < max_words:
            options = self.next.get((out[-2], out[-1]))
            if not options:
                break
            out.append(options[rng.randrange(len(options))])
        text = " ".join(out)
        return text if text.endswith((".", "?", "!")) else text + "."


def _headline(chain: _Chain, rng: random.Random) -> str:
    """The opening words of a new sentence (capitalised, no quotes), as a headline."""
    while True:
        words = chain.sentence(rng).split()[:rng.randint(5, 9)]
        if words[0][:1].isupper() and not any(c in w for w in words for c in "\"“”'‘’()"):
            return " ".join(words).rstrip(".,;:?!-")


def articles(n: int, seed: int = 1, text: str = "markov") -> Iterator[tuple[str, list[str]]]:
    """(title, paragraphs) for n articles, near-copies included."""
    rng = random.Random(seed)
    stories = _bbc_stories(BBC) if BBC.is_dir() else _synthetic_stories(rng)
    by_topic: dict[str, list[str]] = {}
    for topic, _, paras in stories:
        by_topic.setdefault(topic, []).extend(paras)
    if text == "markov":
        chains = {topic: _Chain(paras) for topic, paras in by_topic.items()}

        def body(topic: str) -> list[str]:
            picked = [chains[topic].sentence(rng) for _ in range(36)]
            return [" ".join(picked[i:i + 3]) for i in range(0, 36, 3)]
    else:
        sentences = {topic: [s.strip() + "." for p in paras for s in p.split(". ")
                             if len(s.split()) > 3] for topic, paras in by_topic.items()}

        def body(topic: str) -> list[str]:
            picked = rng.sample(sentences[topic], 36)
            return [" ".join(picked[i:i + 3]).replace("..", ".") for i in range(0, 36, 3)]
    made = 0
    while made < n:
        topic, title, _ = stories[rng.randrange(len(stories))]
        paras = body(topic)
        if text == "markov":  # a new headline too: the opening words of a new sentence
            title = _headline(chains[topic], rng)
        yield title, paras
        made += 1
        if made < n and rng.random() < 0.10:
            kind = rng.choice(("truncated", "rescraped", "edited"))
            if kind == "truncated":
                copy = paras[: max(2, int(len(paras) * rng.uniform(0.4, 0.7)))]
            elif kind == "rescraped":
                copy = [p.replace("'", "’").replace('"', "“") for p in paras]
                copy.insert(1, rng.choice(CHROME))
            else:
                copy = list(paras)
                copy[0] = copy[0] + " Officials later confirmed the figures."
            yield title, copy
            made += 1


def write_corpus(n: int, out: Path, seed: int = 1, text: str = "markov") -> dict[str, int]:
    """Write n articles under `out`; returns counts (files, articles, bytes)."""
    rng = random.Random(seed + 1)
    out.mkdir(parents=True, exist_ok=True)
    files = size = 0
    batch: list[tuple[str, list[str]]] = []

    def flush() -> None:
        nonlocal files, size, batch
        if not batch:
            return
        folder = out / f"{files // 1000:04d}"
        folder.mkdir(exist_ok=True)
        if len(batch) == 1:
            title, paras = batch[0]
            text = title + "\n\n" + "\n\n".join(paras) + "\n"
        else:
            parts = ["The Daily Bench 2025-03-04 12:00:00", ""]
            for title, paras in batch:
                parts += [title, "", PAYWALL_START, ""] + [x for p in paras for x in (p, "")]
                parts += PAYWALL_END + [""]
            text = "\n".join(parts)
        data = text.encode("utf-8")
        (folder / f"{files:07d}.txt").write_bytes(data)
        files += 1
        size += len(data)
        batch = []

    target = 1
    count = 0
    for article in articles(n, seed, text):
        if not batch:
            target = 20 if rng.random() < 0.7 else 1
        batch.append(article)
        count += 1
        if len(batch) >= target:
            flush()
    flush()
    return {"files": files, "articles": count, "bytes": size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=int, help="number of articles (10000, 100000, ...)")
    parser.add_argument("out", type=Path, help="folder to write the raw files into")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--text", choices=("markov", "sentences"), default="markov",
                        help="new sentences from a Markov chain (default) or whole BBC "
                             "sentences recombined")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        print(f"{args.out} is not empty", file=sys.stderr)
        return 2
    counts = write_corpus(args.articles, args.out, args.seed, args.text)
    source = "BBC corpus" if BBC.is_dir() else "synthetic words"
    print(f"{counts['articles']} articles in {counts['files']} files, "
          f"{counts['bytes'] / 1e6:.1f} MB ({source}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
