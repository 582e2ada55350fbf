"""Labelled copies of BBC articles: the ways one story reaches raw/ (a test instrument).

For each of N originals (BBC articles read from ../shared/corpora at run time, never stored
here) it makes one copy of each kind below, plus a follow-up story, every item a raw .txt
file (an optional `Publisher YYYY-MM-DD HH:MM:SS` header, the title, a blank line between
paragraphs) so that the whole pipeline runs on them:

- rescrape: another site's chrome around the text (bench/dumps.py publishers), curly
  quotes, doubled spaces and trailing blanks;
- truncated: the first 30-60% of the paragraphs (at least one, never all), often followed
  by a paywall line; fetched before the original 40% of the time;
- updated: one sentence edited (a number changed, a clause added or a few words cut) and
  a new paragraph (from a story used nowhere else) put above the lead, after it, or at
  the end (a third of the copies each);
- syndicated: a new headline, a wire dateline ("LONDON (Reuters) - ") before the first
  paragraph, the last paragraph dropped;
- misencoded: the curly-quoted text as UTF-8 bytes read as Windows-1252 and saved again
  (mojibake the pipeline repairs with ftfy);
- spun: bench/spinner.py over title and body; fetched before the original 40% of the time;
- followup: a NEW story (another BBC article of the same topic) into which two background
  paragraphs of the original (from those after its lead) are inserted. It is its own
  story; only originals with two or more paragraphs after the lead get one.

Originals are chosen so that no two share much text (the corpus holds a few stories
twice): a story is skipped when a quarter of its word 4-grams occur in one already taken.

Usage: .venv/bin/python bench/copies.py OUT_DIR [--half dev] [--originals 100] [--seed 5]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bbc import Story, read_stories  # noqa: E402
from bench.dumps import NAMES, PUBLISHERS  # noqa: E402
from bench.spinner import spin  # noqa: E402

KINDS = ("rescrape", "truncated", "updated", "syndicated", "misencoded", "spun")

PAYWALLS = [
    "Subscribe to continue reading.",
    "This article is for subscribers only. Log in or subscribe to read the rest.",
    "You have reached your limit of free articles this month. Subscribe for unlimited access.",
    "To read the full story, sign in or start your free trial today.",
]
DATELINES = ["LONDON (Reuters) - ", "NEW YORK (AP) — ", "PARIS (AFP) - ",
             "WASHINGTON (Reuters) - ", "BRUSSELS (AFP) — ", "MANCHESTER, England (AP) — "]
WIRES = {"Reuters": "Reuters", "AP": "AP News", "AFP": "AFP"}
CLAUSES = [", officials said", ", according to a statement", ", the company confirmed",
           ", sources told the BBC", ", it emerged on Monday"]
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_NUMBER = re.compile(r"\b\d[\d,]*(?:\.\d+)?\b")
_START = datetime(2025, 3, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    """One raw file and what it is: `story` is the id of the story it tells (the BBC path
    of its original; a follow-up's is its own base story's), `borrows_from` the story a
    follow-up reuses paragraphs of."""

    name: str
    story: str
    kind: str  # "original", one of KINDS, or "followup"
    fetched_at: datetime
    data: bytes
    borrows_from: str | None = None


def curly(text: str) -> str:
    """Typographic quotes, as another site's CMS would print them."""
    text = re.sub(r"(^|[\s(\[])\"", "\\1“", text)
    text = text.replace('"', "”")
    text = re.sub(r"(^|[\s(\[])'", "\\1‘", text)
    return text.replace("'", "’")


def mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows-1252 the way browsers decode it (WHATWG: the five bytes
    cp1252 leaves undefined become C1 controls), as ftfy's "sloppy-windows-1252"."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


def page(title: str | None, paragraphs: list[str], publisher: str | None = None,
         fetched: datetime | None = None, top: list[str] = (), after: list[str] = (),
         bottom: list[str] = ()) -> str:
    lines: list[str] = []
    if publisher and fetched:
        lines.append(f"{publisher} {fetched:%Y-%m-%d %H:%M:%S}")
    lines += list(top)
    if title:
        lines.append(title)
    lines += list(after)
    lines += paragraphs
    lines += list(bottom)
    return "\n\n".join(lines) + "\n"


def _fill(line: str, rng: random.Random) -> str:
    return line.format(n=rng.randint(1, 28), h=rng.randint(1, 11), m=rng.randint(2, 9),
                       name=rng.choice(NAMES))


def rescrape(st: Story, rng: random.Random, fetched: datetime) -> str:
    pub = rng.choice(PUBLISHERS)
    paras = [curly(p) for p in st.paragraphs]
    paras = [re.sub(r"\. ", lambda m: ".  " if rng.random() < 0.3 else ". ", p) for p in paras]
    paras = [p + " " * rng.randint(0, 2) for p in paras]
    if pub.inline and len(paras) > 2:
        paras.insert(rng.randint(1, len(paras) - 1), _fill(rng.choice(pub.inline), rng))
    bottom = [_fill(x, rng) for x in pub.bottom]
    return page(curly(st.title), paras, pub.name, fetched,
                top=[_fill(x, rng) for x in pub.top],
                after=[_fill(x, rng) for x in pub.after_title], bottom=bottom)


def truncated(st: Story, rng: random.Random) -> list[str]:
    n = len(st.paragraphs)
    keep = min(n - 1, max(1, round(n * rng.uniform(0.3, 0.6))))
    paras = list(st.paragraphs[:keep])
    if rng.random() < 0.7:
        paras.append(rng.choice(PAYWALLS))
    return paras


def edit_sentence(paragraph: str, rng: random.Random) -> str:
    """One sentence of the paragraph edited: a number changed, a clause added, or a few
    words cut."""
    sentences = _SENTENCE.split(paragraph)
    k = rng.randrange(len(sentences))
    s = sentences[k]
    numbers = list(_NUMBER.finditer(s))
    choice = rng.random()
    if numbers and choice < 0.4:
        m = rng.choice(numbers)
        digits = m.group().replace(",", "")
        try:
            value = float(digits)
        except ValueError:
            value = 1.0
        new = value + max(1, round(value * rng.uniform(0.05, 0.2)))
        text = f"{new:.{len(digits.split('.')[1]) if '.' in digits else 0}f}"
        s = s[:m.start()] + text + s[m.end():]
    elif choice < 0.7 or len(s.split()) < 10:
        stripped = s.rstrip()
        end = stripped[-1] if stripped and stripped[-1] in ".!?" else ""
        s = stripped[:len(stripped) - len(end)] + rng.choice(CLAUSES) + (end or ".")
    else:
        words = s.split()
        cut = rng.randint(2, 4)
        at = rng.randint(1, len(words) - cut - 1)
        s = " ".join(words[:at] + words[at + cut:])
    sentences[k] = s
    return " ".join(sentences)


def updated(st: Story, rng: random.Random, new_paragraph: str) -> list[str]:
    paras = list(st.paragraphs)
    k = rng.randrange(len(paras))
    paras[k] = edit_sentence(paras[k], rng)
    paras.insert(rng.choice((0, 1, len(paras))), new_paragraph)
    return paras


def new_headline(st: Story, rng: random.Random) -> str:
    words = re.sub(r"\s+", " ", _SENTENCE.split(st.paragraphs[0])[0]).split()
    head = " ".join(words[: rng.randint(7, 11)]).rstrip(",;:")
    return head[:1].upper() + head[1:]


def syndicated(st: Story, rng: random.Random) -> tuple[str, list[str], str]:
    dateline = rng.choice(DATELINES)
    paras = list(st.paragraphs[:-1]) if len(st.paragraphs) > 1 else list(st.paragraphs)
    paras[0] = dateline + paras[0]
    wire = next(v for k, v in WIRES.items() if f"({k})" in dateline)
    return new_headline(st, rng), paras, wire


def lede(st: Story) -> int:
    """Index of the story's lead: its first paragraph that ends a sentence (a match report
    opens with lines of venue, date and kick-off time, which do not)."""
    return next((k for k, p in enumerate(st.paragraphs) if p.rstrip()[-1:] in ".!?\"'’”"),
                0)


def followup(original: Story, base: Story, rng: random.Random) -> list[str]:
    """`base` with two background paragraphs of `original` (after its lead) inserted."""
    picks = sorted(rng.sample(range(lede(original) + 1, len(original.paragraphs)), 2))
    borrowed = [original.paragraphs[i] for i in picks]
    paras = list(base.paragraphs)
    at = rng.randint(1, len(paras))
    return paras[:at] + borrowed + paras[at:]


def _grams(st: Story) -> set[str]:
    words = re.findall(r"\w+", st.body.lower())
    return {" ".join(words[i:i + 4]) for i in range(len(words) - 3)}


def distinct_stories(stories: list[Story], max_shared: float = 0.25) -> list[Story]:
    """Stories in the given order, skipping any that shares `max_shared` of its word
    4-grams with one already kept."""
    owner: dict[str, int] = {}
    kept: list[Story] = []
    for st in stories:
        grams = _grams(st)
        counts: dict[int, int] = {}
        for g in grams:
            if g in owner:
                counts[owner[g]] = counts.get(owner[g], 0) + 1
        if grams and counts and max(counts.values()) >= max_shared * len(grams):
            continue
        for g in grams:
            owner.setdefault(g, len(kept))
        kept.append(st)
    return kept


def make_copies(stories: list[Story], originals: int, seed: int = 5,
                kinds: tuple[str, ...] = KINDS, followups: bool = True) -> list[Item]:
    """Items for `originals` stories: each original, one copy of every kind in `kinds` and
    (if it has 3+ paragraphs) a follow-up built on another story of the same topic."""
    rng = random.Random(seed)
    pool = list(stories)
    rng.shuffle(pool)
    pool = distinct_stories(pool)
    chosen = pool[:originals]
    rest = pool[originals:]
    n_spare = max(originals // 2, 4)  # stories that give the updates' new paragraphs
    if len(rest) < n_spare + originals:
        raise ValueError(f"{len(stories)} stories are too few for {originals} originals")
    by_topic: dict[str, list[Story]] = {}
    for st in rest[:-n_spare]:
        by_topic.setdefault(st.topic, []).append(st)
    spare = [p for st in rest[-n_spare:] for p in st.paragraphs if len(p.split()) >= 25]
    items: list[Item] = []
    for i, st in enumerate(chosen):
        t0 = _START + timedelta(hours=3 * i)

        def at(lo: float, hi: float, t0: datetime = t0) -> datetime:
            return t0 + timedelta(minutes=round(rng.uniform(lo, hi) * 60))

        story = st.rel

        def add(kind: str, text: str, when: datetime, story: str = story,
                borrows: str | None = None, i: int = i) -> None:
            # a hash first, so that sorted file names (and the pipeline's shards) mix stories
            tag = zlib.crc32(f"{seed}:{i}:{kind}".encode())
            items.append(Item(f"{tag:08x}-s{i:04d}-{kind}.txt", story, kind, when,
                              text.encode("utf-8"), borrows))

        add("original", page(st.title, st.paragraphs, "BBC News", t0), t0)
        for kind in kinds:
            early = rng.random() < 0.4
            when = at(-24, -1) if early and kind in ("truncated", "spun") else at(1, 72)
            if kind == "rescrape":
                add(kind, rescrape(st, rng, when), when)
            elif kind == "truncated":
                pub = rng.choice(PUBLISHERS).name
                add(kind, page(st.title, truncated(st, rng), pub, when), when)
            elif kind == "updated":
                extra = spare.pop()
                after = [f"Updated {when:%H:%M} GMT"] if rng.random() < 0.5 else []
                add(kind, page(st.title, updated(st, rng, extra), "BBC News", when,
                               after=after), when)
            elif kind == "syndicated":
                head, paras, wire = syndicated(st, rng)
                add(kind, page(head, paras, wire, when), when)
            elif kind == "misencoded":
                text = page(curly(st.title), [curly(p) for p in st.paragraphs],
                            rng.choice(PUBLISHERS).name, when)
                add(kind, mojibake(text), when)
            elif kind == "spun":
                s = rng.randrange(1 << 30)
                add(kind, page(spin(st.title, s), spin(st.body, s).split("\n"),
                               "Daily News Wire", when), when)
            else:
                raise ValueError(f"unknown kind {kind!r}")
        if followups and len(st.paragraphs) - lede(st) >= 3:
            same = by_topic.get(st.topic) or next(v for v in by_topic.values() if v)
            base = same.pop()
            paras = followup(st, base, rng)
            when = at(24, 96)
            add("followup", page(base.title, paras, "BBC News", when), when,
                story=base.rel, borrows=story)
    return items


def write_items(items: list[Item], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for it in items:
        (folder / it.name).write_bytes(it.data)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--half", choices=("dev", "test", "all"), default="dev")
    ap.add_argument("--originals", type=int, default=100)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    items = make_copies(read_stories(half=args.half), args.originals, args.seed)
    write_items(items, args.out)
    kinds: dict[str, int] = {}
    for it in items:
        kinds[it.kind] = kinds.get(it.kind, 0) + 1
    print(f"{len(items)} files in {args.out}: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))


if __name__ == "__main__":
    main()
