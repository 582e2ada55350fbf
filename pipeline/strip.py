"""Stage 3, strip: boilerplate out of each article, every removed line recorded.

The rules for what is junk on every site live in `pipeline/rules/boilerplate.toml`, each
with the place it was learned from. `classify_lines` is shared with split, which needs the
same judgement to find article boundaries.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipeline.model import Article, Removal
from pipeline.native import native as _native

BOUNDARY_START = "boundary-start"
BOUNDARY_END = "boundary-end"
LINE = "line"
BLOCK = "block"
KEEP = "keep"
KINDS = (BOUNDARY_START, BOUNDARY_END, LINE, BLOCK, KEEP)


@dataclass(frozen=True, slots=True)
class Rule:
    """One boilerplate rule from the rules file (see the file's header for the fields)."""

    name: str
    kind: str
    pattern: re.Pattern[str]
    origin: str
    max_chars: int = 200
    requires: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StripConfig:
    """How boilerplate is stripped.

    rules_path: the TOML rules file; None means the bundled `rules/boilerplate.toml`.
    block_max_lines: a "Related Articles"-style heading takes at most this many following
        paragraphs with it, and only when they run to the article's end; otherwise only
        the heading goes, so a mislabelled heading mid-article cannot swallow the body.
    caption_context: remove the caption text and credit around an NPR-style
        "hide caption / toggle caption" pair, not just the toggle words.
    block_cohesion: after a "Related" heading that follows the body, a line the line
        model kept counts as a teaser when under this share of its content words occur
        in the body above it; the heading takes the lines to the end when most of them are
        teasers or chrome (the article's own text goes on with its own words).
    """

    rules_path: Path | None = None
    block_max_lines: int = 12
    caption_context: bool = True
    block_cohesion: float = 0.35


DEFAULT_STRIP_CONFIG = StripConfig()
#: A rule never matches a (normalised) line longer than its `max_chars`, 200 unless the
#: rule says otherwise: boilerplate lines are short, and long body paragraphs then meet
#: only the few rules written for long junk (privacy notices, captions).
DEFAULT_MAX_CHARS = 200

def normalize_line(line: str) -> str:
    """The form rules are matched against: curly quotes straightened, whitespace collapsed.

    >>> normalize_line("  You’ve   been\u00a0granted ")
    "You've been granted"
    """
    if _native is not None:
        return _native.normalize_line(line)
    if line.isascii():
        return " ".join(line.split())
    # (str.replace is ~7x faster than str.translate here; split() takes \u00a0 as space)
    return " ".join(line.replace("’", "'").replace("‘", "'").replace("“", '"')
                    .replace("”", '"').split())


@lru_cache(maxsize=8)
def load_rules(path: Path | None = None) -> tuple[Rule, ...]:
    """Load and compile the rules file; errors name the rule that is wrong."""
    if path is None:
        raw = resources.files("pipeline").joinpath("rules/boilerplate.toml").read_bytes()
    else:
        raw = Path(path).read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    rules: list[Rule] = []
    for entry in data.get("rule", []):
        name = entry.get("name", "?")
        kind = entry.get("kind")
        if kind not in KINDS:
            raise ValueError(f"boilerplate rule {name!r}: kind {kind!r} is not one of {KINDS}")
        try:
            flags = 0 if entry.get("case") == "sensitive" else re.IGNORECASE
            pattern = re.compile(entry["pattern"], flags)
        except (KeyError, re.error) as err:
            raise ValueError(f"boilerplate rule {name!r}: bad pattern: {err}") from err
        max_chars = entry.get("max_chars", DEFAULT_MAX_CHARS)
        if not isinstance(max_chars, int) or max_chars < 1:
            raise ValueError(f"boilerplate rule {name!r}: max_chars must be a positive integer")
        requires = tuple(str(x).lower() for x in entry.get("requires", ()))
        rules.append(Rule(name, kind, pattern, entry.get("origin", ""), max_chars, requires))
    return tuple(rules)


def match_rule(line: str, rules: Sequence[Rule]) -> Rule | None:
    """The first rule whose pattern matches the (normalized) line, or None."""
    norm = normalize_line(line)
    if not norm:
        return None
    return _Matcher.of(tuple(rules)).first(norm)


class _Matcher:
    """Finds the first matching rule in file order with few regex calls: the rules
    anchored with `^` as one alternation tried once at the start of the line, the others
    (rules about how a line ends, which would be slow as `^.{0,400}...$`) one by one; for
    a line of a given length only the rules whose `max_chars` admit it; and of the
    anchored ones only those that can start with the line's first character (an
    alternation per first character, compiled when first needed)."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self.starts = [_first_chars(r.pattern) for r in rules]
        # answers for short lines, which recur (a site's chrome on every page)
        self._known: dict[str, Rule | None] = {}
        self.limits = sorted({r.max_chars for r in rules})
        self.tiers = [self._tier(limit) for limit in self.limits]
        self._by_limit = list(zip(self.limits, self.tiers, strict=True))

    def _tier(self, limit: int) -> tuple[dict[str | None, re.Pattern[str] | None],
                                         list[int], list[tuple[int, Rule]], _Needles]:
        anchored, loose = [], []
        for k, rule in enumerate(self.rules):
            if rule.max_chars < limit:
                continue
            if rule.requires or not _anchored(rule.pattern):
                loose.append((k, rule))
            else:
                anchored.append(k)
        return {}, anchored, loose, _Needles(tuple(rule.requires for _, rule in loose))

    def _head(self, tier: tuple, key: str | None) -> re.Pattern[str] | None:
        """The alternation of the tier's anchored rules that can start with `key` (a
        lower-case ASCII character; None: any line)."""
        heads, anchored = tier[0], tier[1]
        if key not in heads:
            parts = []
            for k in anchored:
                starts = self.starts[k]
                if key is not None and starts is not None and key not in starts:
                    continue
                body = self.rules[k].pattern.pattern
                if not self.rules[k].pattern.flags & re.IGNORECASE:
                    body = f"(?-i:{body})"
                parts.append(f"(?P<r{k}>{body})")
            heads[key] = re.compile("|".join(parts), re.IGNORECASE) if parts else None
        return heads[key]

    @staticmethod
    @lru_cache(maxsize=8)
    def of(rules: tuple[Rule, ...]) -> _Matcher:
        return _Matcher(rules)

    def first(self, norm: str) -> Rule | None:
        """The first rule in file order that matches the normalised line, or None."""
        if len(norm) > _REMEMBER_CHARS:
            return self._first(norm)
        rule = self._known.get(norm, _UNKNOWN)
        if rule is _UNKNOWN:
            if len(self._known) >= _REMEMBER_LINES:
                self._known.clear()
            rule = self._known[norm] = self._first(norm)
        return rule  # type: ignore[return-value]

    def _first(self, norm: str) -> Rule | None:
        n = len(norm)
        tier = None
        for limit, t in self._by_limit:
            if limit >= n:
                tier = t
                break
        if tier is None:
            return None
        c = norm[:1]
        key = c.lower() if c.isascii() else None
        head = tier[0][key] if key in tier[0] else self._head(tier, key)
        loose, requires = tier[2], tier[3]
        m = head.match(norm) if head is not None else None
        at = int(m.lastgroup[1:]) if m else len(self.rules)  # type: ignore[index]
        if loose and loose[0][0] < at:
            hits = requires.bits(norm)  # bit j: loose[j]'s pre-check holds
            for j, (k, rule) in enumerate(loose):
                if k >= at:
                    break
                if hits >> j & 1 and rule.pattern.search(norm):
                    return rule
        return self.rules[at] if m else None


def _first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The lower-case ASCII characters a line the pattern matches may start with, or None
    when that could be anything (or the pattern is not anchored with `^`). Generous: a
    character in the set need not start a match, but every match starts with one."""
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]

    def seq_first(seq: list) -> tuple[set[str] | None, bool]:
        """(first characters or None for any, can the sequence match nothing)"""
        chars: set[str] = set()
        for op, av in seq:
            first, empty = item_first(op, av)
            if first is None:
                return None, False
            chars |= first
            if not empty:
                return chars, False
        return chars, True

    def item_first(op: object, av: object) -> tuple[set[str] | None, bool]:
        if op is C.LITERAL:
            return {chr(av)}, False  # type: ignore[arg-type]
        if op is C.IN:
            out: set[str] = set()
            for iop, iav in av:  # type: ignore[attr-defined]
                if iop is C.LITERAL:
                    out.add(chr(iav))
                elif iop is C.RANGE and iav[1] - iav[0] <= 300:
                    out.update(chr(x) for x in range(iav[0], iav[1] + 1))
                else:
                    return None, False  # a category, a negation, a wide range
            return out, False
        if op is C.BRANCH:
            out, empty = set(), False
            for branch in av[1]:  # type: ignore[index]
                first, e = seq_first(list(branch))
                if first is None:
                    return None, False
                out |= first
                empty |= e
            return out, empty
        if op is C.SUBPATTERN:
            return seq_first(list(av[3]))  # type: ignore[index]
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            low, _, item = av  # type: ignore[misc]
            first, empty = seq_first(list(item))
            return first, low == 0 or empty
        if op is C.AT:
            return set(), True  # zero-width: ^, $, \b
        return None, False  # any character, a category, a look-around

    if not _anchored(pattern):
        return None
    try:
        first, empty = seq_first(list(P.parse(pattern.pattern, pattern.flags)))
    except Exception:  # noqa: BLE001 - unparseable here: try the rule on every line
        return None
    if first is None or empty:
        return None  # an empty match would fit any line
    keys: set[str] = set()
    for ch in first:  # every case form the regex may take for it, as ASCII keys
        for form in (ch, ch.lower(), ch.upper(), ch.casefold()):
            if len(form) == 1 and form.isascii():
                keys.add(form.lower())
    return frozenset(keys)


# The matcher remembers its answer for lines of up to this many characters, up to this
# many lines (then it starts afresh).
_REMEMBER_CHARS = 200
_REMEMBER_LINES = 100_000
_UNKNOWN = object()


@lru_cache(maxsize=8)
def _matcher(path: Path | None) -> _Matcher:
    """The matcher of a rules file (hashing the rules to find it costs 36 us a call)."""
    return _Matcher.of(load_rules(path))


class _Needles:
    """Rules' `requires` pre-checks: `bits(line)` has bit j set when the lower-cased line
    contains one of groups[j] (or groups[j] is empty: no pre-check). One C pass over the
    line for all groups when the extension is built."""

    def __init__(self, groups: tuple[tuple[str, ...], ...]) -> None:
        self.groups = groups
        self._c = None
        if (_native is not None and len(groups) < 64
                and all(x and x.isascii() and x == x.lower() for g in groups for x in g)):
            self._c = _native.make_needles(groups)

    def bits(self, norm: str) -> int:
        if self._c is not None:
            found = _native.needle_bits(norm, self._c)  # type: ignore[union-attr]
            if found is not NotImplemented:
                return found
        lower = norm.lower()
        return sum(1 << j for j, needles in enumerate(self.groups)
                   if not needles or any(x in lower for x in needles))


def _anchored(pattern: re.Pattern[str]) -> bool:
    """Does every top-level branch of the pattern start with `^`?"""
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]

    def first_is_begin(seq: list) -> bool:
        if not seq:
            return False
        op, av = seq[0]
        if op is C.AT:
            return av is C.AT_BEGINNING
        if op is C.BRANCH:
            return all(first_is_begin(list(b)) for b in av[1])
        if op is C.SUBPATTERN:
            return first_is_begin(list(av[3]))
        return False

    try:
        return first_is_begin(list(P.parse(pattern.pattern, pattern.flags)))
    except Exception:  # noqa: BLE001 - unparseable here: use the one-by-one path
        return False


def classify_lines(lines: Sequence[str], config: StripConfig = DEFAULT_STRIP_CONFIG,
                   known: dict[str, tuple[str, str] | None] | None = None,
                   keep: bool = False) -> list[tuple[str, str] | None]:
    """For each line: (kind, reason) if it is boilerplate, else None. Blank lines get None.

    Besides single-line rules, this recognises the photo-caption layout
    `caption text / credit / hide caption / toggle caption / credit`, whose caption text
    only shows as junk by its neighbours. A line a "keep" rule matches (body text that
    looks like chrome, such as "X contributed reporting") gets None, or `(KEEP, reason)`
    when `keep` is asked for (split protects such lines from the line model).
    """
    matcher = _matcher(config.rules_path)
    out: list[tuple[str, str] | None] = []
    protected: set[int] = set()
    for i, line in enumerate(lines):
        if known is not None and line in known:
            got = known[line]
            if got is not None and got[0] == KEEP:
                protected.add(i)
            out.append(got)
            continue
        norm = normalize_line(line)
        rule = matcher.first(norm) if norm else None
        if rule is not None and rule.kind == KEEP:
            protected.add(i)
            if not keep:
                rule = None
        out.append((rule.kind, f"rule:{rule.name}") if rule else None)
    if config.caption_context:
        _mark_captions(lines, out, protected)
    return out


def _mark_captions(lines: Sequence[str], out: list[tuple[str, str] | None],
                   protected: set[int] | frozenset[int] = frozenset()) -> None:
    """The caption layout (`caption / credit / hide caption / toggle caption / credit`):
    its caption text and credits are junk by their neighbours; a line a "keep" rule
    matched (`protected`) stays as it is."""
    if not any("aption" in line for line in lines):
        return  # no "toggle caption" line: nothing to look around
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    pos = {i: k for k, i in enumerate(nonblank)}
    for i in nonblank:
        if "aption" not in lines[i] or normalize_line(lines[i]).lower() != "toggle caption":
            continue
        k = pos[i]
        # i-1: "hide caption", i-2: credit, i-3: caption text; i+1: the credit again
        if k >= 2 and out[nonblank[k - 1]] is not None:
            credit_at = nonblank[k - 2]
            credit = normalize_line(lines[credit_at])
            if len(credit.split()) <= 10 and credit_at not in protected:
                out[credit_at] = (LINE, "rule:photo-credit (caption layout)")
                after = nonblank[k + 1] if k + 1 < len(nonblank) else -1
                if (after >= 0 and after not in protected
                        and normalize_line(lines[after]) == credit):
                    out[after] = (LINE, "rule:photo-credit (caption layout)")
                if k >= 3 and out[nonblank[k - 3]] is None and nonblank[k - 3] not in protected:
                    out[nonblank[k - 3]] = (LINE, "rule:photo-caption (caption layout)")


def strip_boilerplate(articles: list[Article], config: StripConfig = DEFAULT_STRIP_CONFIG
                      ) -> list[Article]:
    """Remove boilerplate paragraphs from each article in place; record each removal."""
    for article in articles:
        _strip_article(article, config)
    return articles


_WORDS = re.compile(r"[^\W\d_]{3,}")
_COMMON = frozenset("""the and for that with was were are has have had but not this from they
his her its their which who will would been said says also more than into after about
over when what there other some such only""".split())


def _content_words(text: str) -> set[str]:
    return {w for w in (x.lower() for x in _WORDS.findall(text)) if w not in _COMMON}


def cohesion_with(body: Sequence[str], line: str) -> float:
    """The share of `line`'s content words that occur in `body` (1.0 for a line with none).

    >>> cohesion_with(["The council voted to close the harbour bridge for repairs."],
    ...               "Floods hit farms in the north as rivers burst their banks.")
    0.0
    """
    words = _content_words(line)
    if not words:
        return 1.0
    seen: set[str] = set()
    for text in body:
        seen |= _content_words(text)
    return len(words & seen) / len(words)


def _strip_article(article: Article, config: StripConfig) -> None:
    paras = article.paragraphs
    classes = classify_lines(paras, config, article.line_classes)
    article.line_classes = None
    keep: list[str] = []
    i = 0
    while i < len(paras):
        cls = classes[i]
        if cls is None:
            keep.append(paras[i])
            i += 1
            continue
        kind, reason = cls
        article.removed.append(Removal(paras[i], reason, "strip"))
        i += 1
        # A "Related" heading takes the lines after it to the article's end (split has
        # already decided that for articles the line model judged: `split.related_block`).
        if kind == BLOCK and not article.judged:
            rest = len(paras) - i
            take = rest if rest <= config.block_max_lines else 0
            for j in range(i, i + take):
                article.removed.append(Removal(paras[j], f"{reason} (listed link)", "strip"))
            i += take
    article.paragraphs = keep
