"""Learned site chrome: lines that recur across one publisher's pages are its boilerplate.

Rules (`rules/boilerplate.toml`) know what is junk on every site. Each site also has its
own wording ("The Daily Ledger is supported by readers like you.", "Reuse this content",
"Tap here for alerts") that no rule can list. Such lines recur on every page of the site
while body text does not, so they are learned, as CCNet does for web text: every line is
normalised (case folded, accents dropped, digits to 0, punctuation out) and hashed, and

- within one dump, a short line that recurs on several pages is chrome (a dump repeats the
  page template once per article);
- across files, a line that one publisher shows in at least `min_stories` different
  stories, and in at least `min_share` of that publisher's stories, is chrome.

"Different stories" matters: the same story scraped three times repeats its own body
lines, which are not chrome. A story is known by its first long line (`story_key`), so
copies of one story count once. Within a dump, a run of repeated long sentences is a
repeated story, not chrome (see `ChromeConfig.body_guard_words`).

The per-publisher counts are a `ChromeProfile`, kept in the output folder
(`.state/chrome.json`) and merged with each run's, so that a small batch from a known site
is stripped as well as a big one.
"""

from __future__ import annotations

import itertools
import json
import pickle
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xxhash

from pipeline.native import native as _native

PROFILE_VERSION = 1


@dataclass(frozen=True, slots=True)
class ChromeConfig:
    """How site chrome is learned.

    enabled: learn chrome at all (rules still apply when off).
    max_words: longer lines are never learned as chrome (page templates are short lines;
        the longest seen in practice are privacy notices of ~50 words).
    min_repeats: within one document, a line must occur this many times.
    body_guard_words: within one document, a repeated line of at least this many words
        that ends a sentence and sits next to another such repeated line is a repeated
        story's body, not chrome.
    min_stories / min_share: across files, a line is a publisher's chrome when it was seen
        in at least `min_stories` distinct stories of that publisher and in at least
        `min_share` of them (a common short sentence such as "The company declined to
        comment." recurs in a few stories, never in a large share).
    max_singletons: per publisher, how many lines seen once are remembered in the profile
        (the most recent); lines seen twice or more are always kept.
    """

    enabled: bool = True
    max_words: int = 60
    min_repeats: int = 2
    body_guard_words: int = 20
    min_stories: int = 3
    min_share: float = 0.1
    max_singletons: int = 20_000


DEFAULT_CHROME_CONFIG = ChromeConfig()

_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_DIGIT = re.compile(r"\d")
_WS = re.compile(r"\s+")
# ASCII fast path of the same normal form: punctuation out, digits to 0.
_ASCII_KEY = {c: None for c in range(128) if not chr(c).isalnum() and not chr(c).isspace()}
_ASCII_KEY.update({ord(d): "0" for d in "0123456789"})
_SENTENCE_END = re.compile(r"[.!?…]['\"’”)]*$")


def normalize_for_key(line: str) -> str:
    """CCNet-style normal form: lower case, no accents, digits as 0, no punctuation.

    >>> normalize_for_key("Updated 3:15 PM EST, March 4, 2025")
    'updated 000 pm est march 0 0000'
    >>> normalize_for_key("Sign up — it’s FREE!") == normalize_for_key("sign up: its free")
    True
    """
    if line.isascii():
        return " ".join(line.lower().translate(_ASCII_KEY).split())
    text = unicodedata.normalize("NFD", line.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DIGIT.sub("0", _PUNCT.sub("", text))
    return _WS.sub(" ", text).strip()


def _hash(norm: str) -> int:
    return xxhash.xxh64_intdigest(norm.encode())


def line_key(line: str, max_words: int = DEFAULT_CHROME_CONFIG.max_words) -> int | None:
    """The 64-bit key of a line's normal form, or None for blank and over-long lines."""
    if _native is not None:  # the same checks, normal form and hash in one C pass
        key = _native.line_key(line, max_words)
        if key is not NotImplemented:
            return key
    if not line or len(line) > max_words * 12 or len(line.split()) > max_words:
        return None
    norm = normalize_for_key(line)
    if not norm:
        return None
    return _hash(norm)


class LineKeys:
    """`line_key` of lines, each distinct line keyed once: the stages of one batch (the
    batch profile, split, the profile a batch leaves) share one, so that a line is
    normalised and hashed once, not up to three times; and a document's lines, asked for
    by the batch profile and again by split (`of_document`), are answered at once."""

    __slots__ = ("max_words", "_memo", "_docs")

    def __init__(self, max_words: int = DEFAULT_CHROME_CONFIG.max_words) -> None:
        self.max_words = max_words
        self._memo: dict[str, int | None] = {}
        # id of a document's list of lines -> (the list, its lines then, their keys)
        self._docs: dict[int, tuple[list[str], tuple[str, ...], list[int | None]]] = {}

    def __call__(self, lines: Iterable[str]) -> list[int | None]:
        memo, get, max_words = self._memo, self._memo.get, self.max_words
        out: list[int | None] = []
        for line in lines:
            key = get(line, _MISSING)
            if key is _MISSING:
                key = memo[line] = line_key(line, max_words)
            out.append(key)  # type: ignore[arg-type]
        return out

    def of_document(self, lines: list[str]) -> list[int | None]:
        """The keys of a document's lines, made once for the list while it holds the same
        lines."""
        seen = self._docs.get(id(lines))
        if seen is not None and seen[0] is lines and len(lines) == len(seen[1]) and all(
                a is b for a, b in zip(lines, seen[1], strict=True)):
            return list(seen[2])
        out = self(lines)
        self._docs[id(lines)] = (lines, tuple(lines), out)
        return list(out)


_MISSING = object()


def story_key(lines: Iterable[str], min_words: int = 25) -> int | None:
    """A story's identity: the key of its first line of at least `min_words` words, else
    of its longest line when that has eight words or more (short stories)."""
    lines = list(lines)
    for line in lines:
        if len(line.split(None, min_words - 1)) >= min_words:  # (stops at min_words)
            return _key_of(line)
    longest = max(lines, key=len, default="")
    if len(longest.split(None, 7)) >= 8:
        return _key_of(longest)
    return None


def _key_of(line: str) -> int:
    """The hash of a line's normal form, however long the line."""
    if _native is not None:
        key = _native.line_key(line, len(line) + 1)  # (no length or word limit)
        if key is not NotImplemented and key is not None:
            return key
    return _hash(normalize_for_key(line))


@dataclass(slots=True)
class _KeyStat:
    stories: int = 0
    seen: list[int] = field(default_factory=list)  # story keys, up to min_stories + 1
    example: str = ""


@dataclass(slots=True)
class _Publisher:
    stories: int = 0
    story_keys: set[int] = field(default_factory=set)
    keys: dict[int, _KeyStat] = field(default_factory=dict)


class ChromeProfile:
    """Per-publisher counts of the lines seen in how many distinct stories."""

    def __init__(self, config: ChromeConfig = DEFAULT_CHROME_CONFIG) -> None:
        self.config = config
        self._pubs: dict[str, _Publisher] = {}

    def __len__(self) -> int:
        return len(self._pubs)

    def publishers(self) -> list[str]:
        return sorted(self._pubs)

    def stories(self, publisher: str) -> int:
        pub = self._pubs.get(publisher)
        return pub.stories if pub else 0

    def observe(self, publisher: str, lines: Sequence[str], story: int | None = None,
                keys: LineKeys | None = None, document: bool = False) -> None:
        """Count one story (an article, or a whole single-page file) of `publisher`.

        A story already counted (same `story` key) is not counted again: re-scrapes of
        one story do not make its body look like chrome. `keys`: a batch's shared
        `LineKeys` (with this profile's `max_words`), so lines already keyed are not keyed
        again.
        """
        pub = self._pubs.setdefault(publisher, _Publisher())
        if story is None:
            story = story_key(lines)
        if story is not None:
            if story in pub.story_keys:
                return
            pub.story_keys.add(story)
        pub.stories += 1
        seen_here: set[int] = set()
        cap = self.config.min_stories + 1
        if keys is None or keys.max_words != self.config.max_words:
            keys = LineKeys(self.config.max_words)
        line_keys = keys.of_document(lines) if document and isinstance(lines, list) else \
            keys(lines)
        for line, key in zip(lines, line_keys, strict=True):
            if key is None or key in seen_here:
                continue
            seen_here.add(key)
            stat = pub.keys.get(key)
            if stat is None:
                stat = pub.keys[key] = _KeyStat(example=line.strip()[:200])
            stat.stories += 1
            if story is not None and len(stat.seen) < cap:
                stat.seen.append(story)

    def chrome_reason(self, publisher: str, key: int | None) -> str | None:
        """Why the line with `key` is this publisher's chrome, or None when it is not."""
        if key is None:
            return None
        pub = self._pubs.get(publisher)
        if pub is None:
            return None
        stat = pub.keys.get(key)
        if stat is None or stat.stories < self.config.min_stories:
            return None
        if stat.stories < self.config.min_share * pub.stories:
            return None
        return (f"learned: {publisher or 'unknown publisher'} chrome, in {stat.stories} of "
                f"{pub.stories} stories")

    def merge(self, other: ChromeProfile) -> None:
        """Add `other`'s counts to this profile (stories counted in both count twice
        unless their story keys are remembered here)."""
        for name, theirs in other._pubs.items():
            mine = self._pubs.setdefault(name, _Publisher())
            new_stories = theirs.story_keys - mine.story_keys
            dup = len(theirs.story_keys) - len(new_stories)
            mine.stories += theirs.stories - dup
            mine.story_keys |= theirs.story_keys
            cap = self.config.min_stories + 1
            for key, t in theirs.keys.items():
                m = mine.keys.get(key)
                if m is None:
                    mine.keys[key] = _KeyStat(t.stories, list(t.seen), t.example)
                    continue
                again = len(set(t.seen) & set(m.seen))
                m.stories += max(t.stories - again, 0)
                m.seen = (m.seen + [s for s in t.seen if s not in m.seen])[:cap]
            self._forget_singletons(mine, 2 * self.config.max_singletons)

    def _forget_singletons(self, pub: _Publisher, above: int) -> None:
        """Keep memory bounded while many profiles are merged (a million articles' shards):
        once a publisher has more than `above` lines seen once, only the most recent
        `max_singletons` of them are remembered, as `to_json` would keep."""
        single = [k for k, s in pub.keys.items() if s.stories < 2]
        if len(single) > above:
            for k in single[:len(single) - self.config.max_singletons]:
                del pub.keys[k]

    def to_json(self) -> dict:
        """A JSON-ready dict; lines seen once are capped at `max_singletons` per publisher."""
        pubs = {}
        for name, pub in sorted(self._pubs.items()):
            single = [k for k, s in pub.keys.items() if s.stories < 2]
            keep_single = set(single[-self.config.max_singletons:])
            keys = {
                f"{k:016x}": [s.stories, [f"{x:016x}" for x in s.seen], s.example]
                for k, s in pub.keys.items() if s.stories >= 2 or k in keep_single
            }
            pubs[name] = {"stories": pub.stories,
                          "story_keys": [f"{x:016x}" for x in sorted(pub.story_keys)],
                          "keys": keys}
        return {"version": PROFILE_VERSION, "normalisation": "ccnet-lower-nfd-digit0-nopunct",
                "hash": "xxh64", "publishers": pubs}

    @classmethod
    def from_json(cls, data: dict, config: ChromeConfig = DEFAULT_CHROME_CONFIG
                  ) -> ChromeProfile:
        if data.get("version") != PROFILE_VERSION or data.get("hash") != "xxh64":
            raise ValueError(f"chrome profile version {data.get('version')!r} / hash "
                             f"{data.get('hash')!r} is not the one this newsclean writes "
                             f"({PROFILE_VERSION}, xxh64)")
        prof = cls(config)
        for name, p in data.get("publishers", {}).items():
            pub = prof._pubs[name] = _Publisher(
                stories=int(p["stories"]), story_keys={int(x, 16) for x in p["story_keys"]})
            for k, (n, seen, example) in p["keys"].items():
                pub.keys[int(k, 16)] = _KeyStat(int(n), [int(x, 16) for x in seen], example)
        return prof

    def dump(self, path: Path) -> None:
        """Write the whole profile to `path` as arrays (pickle): a shard's profile on its way
        to the run's merge, 6 times faster to write than `save`'s JSON and faster to read.
        Not for `.state/chrome.json`, which stays JSON."""
        pubs = {}
        for name, pub in self._pubs.items():
            stats = list(pub.keys.values())
            m = len(stats)
            pubs[name] = (
                pub.stories, np.fromiter(pub.story_keys, np.uint64, len(pub.story_keys)),
                np.fromiter(pub.keys, np.uint64, m),
                np.fromiter((s.stories for s in stats), np.int64, m),
                np.fromiter((len(s.seen) for s in stats), np.int64, m),
                np.fromiter(itertools.chain.from_iterable(s.seen for s in stats), np.uint64),
                [s.example for s in stats])
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps((PROFILE_VERSION, pubs), protocol=5))
        tmp.replace(path)

    @classmethod
    def read(cls, path: Path, config: ChromeConfig = DEFAULT_CHROME_CONFIG) -> ChromeProfile:
        """A profile `dump` wrote (newsclean's own files: pickle)."""
        version, pubs = pickle.loads(Path(path).read_bytes())
        if version != PROFILE_VERSION:
            raise ValueError(f"chrome profile dump version {version!r} is not "
                             f"{PROFILE_VERSION}")
        prof = cls(config)
        for name, (stories, story_keys, keys, counts, seen_len, seen, examples) in pubs.items():
            pub = prof._pubs[name] = _Publisher(stories=stories,
                                                story_keys=set(story_keys.tolist()))
            seen_list = seen.tolist()
            ends = np.cumsum(seen_len).tolist()
            starts = [0, *ends[:-1]] if ends else []
            for key, n, a, b, text in zip(keys.tolist(), counts.tolist(), starts, ends,
                                          examples, strict=True):
                pub.keys[key] = _KeyStat(n, seen_list[a:b], text)
        return prof

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False), "utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, config: ChromeConfig = DEFAULT_CHROME_CONFIG) -> ChromeProfile:
        """The profile at `path`, or an empty one when there is none yet."""
        if not Path(path).is_file():
            return cls(config)
        return cls.from_json(json.loads(Path(path).read_text("utf-8")), config)


def repeated_lines(lines: Sequence[str], keys: Sequence[int | None],
                   ignore: Sequence[bool], config: ChromeConfig = DEFAULT_CHROME_CONFIG
                   ) -> dict[int, int]:
    """Within one document: {line index: times its line occurs} for lines that recur as
    chrome. `ignore[i]` marks lines already known as junk (they are not body neighbours).

    A repeated line is chrome when body text stands between some two of its copies, and,
    when it occurs only twice, it has the same neighbour (line before or after) both
    times. A run of repeated long sentences is a repeated story, not chrome.
    """
    counts = Counter(k for k in keys if k is not None)
    rep = {i: counts[k] for i, k in enumerate(keys)
           if k is not None and counts[k] >= config.min_repeats}
    if not rep:
        return rep
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    # body lines seen before each line (prefix sums), and each line's neighbours
    body_before = [0] * (len(lines) + 1)
    for i, line in enumerate(lines):
        # (twelve words or more: a split that stops at the twelfth word says so)
        body_before[i + 1] = body_before[i] + (
            not ignore[i] and i not in rep and len(line) >= 23
            and len(line.split(None, 11)) == 12)
    around: dict[int, tuple[int | None, int | None]] = {}
    for k, i in enumerate(nonblank):
        if i in rep:
            around[i] = (keys[nonblank[k - 1]] if k else None,
                         keys[nonblank[k + 1]] if k + 1 < len(nonblank) else None)
    occurrences: dict[int, list[int]] = {}
    for i in rep:
        occurrences.setdefault(keys[i], []).append(i)  # type: ignore[arg-type]
    for occ in occurrences.values():
        # A page template repeats with body text between its copies (a subheading
        # repeated inside one list does not) ...
        spread = any(body_before[b] > body_before[a + 1] for a, b in zip(occ, occ[1:],
                                                                           strict=False))
        # ... and a line seen only twice must stand among the same neighbours both times
        # (a headline that is also listed under "Most read" of another page does not).
        same_context = len(occ) >= 3 or any(
            x is not None and (x == y) for x, y in zip(around[occ[0]], around[occ[1]],
                                                       strict=True))
        if not (spread and same_context):
            for i in occ:
                del rep[i]

    def long_sentence(i: int) -> bool:
        text = lines[i].strip()
        return (i in rep and not ignore[i] and len(text.split()) >= config.body_guard_words
                and _SENTENCE_END.search(text) is not None)

    guard: set[int] = set()
    for a, b in zip(nonblank, nonblank[1:], strict=False):
        if a in rep and b in rep and long_sentence(a) and long_sentence(b):
            guard.update((a, b))
    return {i: n for i, n in rep.items() if i not in guard}
