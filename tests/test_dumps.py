"""bench/dumps.py, the generator of multi-article dumps (BBC articles in imitated publisher
chrome): every family in every layout and encoding keeps its truth exact (what the text says
once decoded), the dev and report sets do not share a family or a layout, a seed gives the
same bytes, and the first version's dumps are unchanged. Skips when ../shared is absent."""

from __future__ import annotations

import functools
import hashlib
import random
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import dumps as D  # noqa: E402
from bench.bbc import Story, read_stories  # noqa: E402

WRAPS = {"wrapped", "narrow", "lynx"}  # layouts whose lines are hard-wrapped
# sha256 of the names and bytes of make_dumps(read_stories(bbc, "test"), 40, seed=3) as the
# first version of bench/dumps.py wrote them (the ten publishers in the six layouts)
LEGACY_SHA256 = "d4cb1e97a37267eff44c9bb02330066545bd55a60ba20c9998bc466ef08565ed"


@functools.cache
def _stories(root: str, half: str) -> list[Story]:
    return read_stories(Path(root), half)


@pytest.fixture
def stories(bbc_dir: Path) -> list[Story]:
    return _stories(str(bbc_dir), "dev")


def logical_lines(d: D.Dump) -> list[str]:
    """The dump's lines as the text says them: indentation and line ends gone, hard-wrapped
    blocks joined by spaces."""
    lines = d.lines()
    if d.layout not in WRAPS:
        return [ln.strip() for ln in lines if ln.strip()]
    out: list[str] = []
    block: list[str] = []
    for ln in [*lines, ""]:
        if ln.strip():
            block.append(ln.strip())
        elif block:
            out.append(" ".join(block))
            block = []
    return out


def _legacy_wrap(text: str) -> str:
    # the first version wrapped with textwrap's defaults: breaks after hyphens, drops spaces
    return re.sub(r"\s+", " ", re.sub(r"-\s+", "-", text))


def check_dump(d: D.Dump, headlines: set[str]) -> None:
    # the bytes are the text in its encoding; the text is what they say once decoded
    assert D._encode(d.text, d.encoding) == d.data
    if d.encoding in ("utf-8", "cp1252"):
        assert d.data.decode(d.encoding) == d.text
    else:
        assert d.text == D._cp(d.text)
    assert d.text.endswith("\r\n" if d.layout == "crlf" else "\n")
    lines = d.lines()
    assert len(d.labels) == len(lines), d.name
    legacy_wrapped = d.group == "legacy" and d.layout == "wrapped"
    said = set(logical_lines(d))
    if legacy_wrapped:
        said = {_legacy_wrap(x) for x in said}
    titles = {t.title for t in d.articles if t.title}
    for t in d.articles:
        assert t.paragraphs, d.name
        strings = [*t.paragraphs, *t.junk] + ([t.dek] if t.dek else [])
        if t.title:
            strings.append("# " + t.title if d.layout == "markdown" else t.title)
        for s in strings:
            if d.group == "legacy" and s == "":  # the first version's empty inline block
                continue
            assert s.strip() == s and s, (d.name, s)
            assert (_legacy_wrap(s) if legacy_wrapped else s) in said, (d.name, d.layout, s)
        assert (t.title is None) == (d.layout == "untitled"), d.name
        if d.layout == "caps" and t.title:
            assert t.title == t.title.upper()
        # teasers are junk lines naming another story's real headline
        for teaser in t.teasers:
            assert teaser in t.junk
            named = [h for h in headlines if h in teaser]
            assert named, (d.name, teaser)
            if d.group != "legacy":  # the first version drew them from every story
                assert not titles & set(named), (d.name, teaser)
    # labels: articles follow each other; each starts at its start_line
    arts = [a for a, _, _ in d.labels]
    assert arts == sorted(arts), d.name
    for a, t in enumerate(d.articles):
        assert d.labels[t.start_line][0] == a and d.labels[t.start_line][1] != "blank"
        assert all(x < a or k == "blank" for x, k, _ in d.labels[: t.start_line]), d.name
    if d.layout in WRAPS:
        return
    for line, (a, kind, role) in zip(lines, d.labels, strict=True):
        s, t = line.strip(), d.articles[a]
        if kind == "blank":
            assert s == "", (d.name, line)
        elif kind == "body":
            assert s in t.paragraphs, (d.name, s)
        elif kind == "title":
            assert s in (t.title, "# " + str(t.title)), (d.name, s)
        elif kind == "dek":
            assert s == t.dek, (d.name, s)
        elif kind == "teaser":
            assert s in t.teasers, (d.name, s)
        elif role != "header" or d.group != "legacy":  # the first version's header line
            assert kind == "chrome" and s in t.junk, (d.name, kind, s)


def test_every_family_in_every_layout_keeps_its_truth(stories: list[Story]) -> None:
    headlines = {s.title for s in stories}
    rng = random.Random(5)
    for i, fam in enumerate(D.FAMILIES):
        for j, layout in enumerate(D.ALL_LAYOUTS):
            chosen = rng.sample(stories, 3)
            enc = D.ENCODINGS[(i + j) % 3]
            d = D.render_dump(chosen, fam, layout, enc, rng, f"{fam.name}_{layout}.txt",
                              sorted(headlines))
            check_dump(d, headlines)
            assert [t.paragraphs for t in d.articles] != []
            for t, s in zip(d.articles, chosen, strict=True):
                body = s.paragraphs[1:] if t.dek else s.paragraphs
                if layout in WRAPS:
                    body = [re.sub(r"[ \t]+", " ", p).strip() for p in body]
                assert t.paragraphs == [D._cp(p) for p in body] or enc == "utf-8"
            assert any(t.junk for t in d.articles)


@pytest.mark.parametrize("families", ["legacy", "dev", "report", "all"])
def test_make_dumps_truth(stories: list[Story], families: str) -> None:
    headlines = {s.title for s in stories}
    dumps = D.make_dumps(stories, 40, seed=2, families=families)
    assert len(dumps) == 40
    for d in dumps:
        check_dump(d, headlines)
    if families in ("dev", "report"):
        names = {f.name for f in D.families_in(families)}
        assert {d.publisher for d in dumps} <= names
        assert {d.layout for d in dumps} == set(D.layouts_in(families))
        assert {d.group for d in dumps} == {families}
    assert sum(len(t.teasers) for d in dumps for t in d.articles) > 0


def test_dev_and_report_are_disjoint() -> None:
    dev, report = D.families_in("dev"), D.families_in("report")
    assert len(D.FAMILIES) >= 30 and len(set(f.name for f in D.FAMILIES)) == len(D.FAMILIES)
    assert not {f.name for f in dev} & {f.name for f in report}
    assert len(dev) + len(report) == len(D.FAMILIES)
    assert 0.25 <= len(report) / len(D.FAMILIES) <= 0.4
    for name in ("NPR", "Reuters", "AP News", "The Washington Post", "CBS News"):
        assert name in {f.name for f in report}
    assert {f.kind.split(" (")[0] for f in report} & {f.kind.split(" (")[0] for f in dev}
    ld, lr = D.layouts_in("dev"), D.layouts_in("report")
    assert not set(ld) & set(lr) and set(ld) | set(lr) == set(D.ALL_LAYOUTS)
    assert len(D.NEW_LAYOUTS) >= 6 and set(D.LAYOUTS) <= set(D.ALL_LAYOUTS)
    assert 0.25 <= len(lr) / len(D.ALL_LAYOUTS) <= 0.4
    # the first ten publishers are among the families, their chrome unchanged
    for p, f in zip(D.PUBLISHERS, D.FAMILIES, strict=False):
        assert (p.name, tuple(p.top), tuple(p.after_title), tuple(p.bottom)) == (
            f.name, f.top, f.below, f.end)


def test_same_seed_same_bytes(stories: list[Story]) -> None:
    for families in ("legacy", "all", "report"):
        a = D.make_dumps(stories, 20, seed=9, families=families)
        b = D.make_dumps(stories, 20, seed=9, families=families)
        assert [(d.name, d.data) for d in a] == [(d.name, d.data) for d in b]
        assert [d.articles for d in a] == [d.articles for d in b]
        c = D.make_dumps(stories, 20, seed=10, families=families)
        assert [d.data for d in a] != [d.data for d in c]


def test_legacy_dumps_unchanged(bbc_dir: Path) -> None:
    dumps = D.make_dumps(_stories(str(bbc_dir), "test"), 40, seed=3)
    h = hashlib.sha256()
    for d in dumps:
        h.update(d.name.encode())
        h.update(d.data)
    assert h.hexdigest() == LEGACY_SHA256
    assert [d.data for d in dumps] == [d.data for d in D.make_dumps(
        _stories(str(bbc_dir), "test"), 40, seed=3, families="legacy")]


def test_truth_scores_perfectly(stories: list[Story]) -> None:
    """The truth, taken as the cleaning's output, scores 100%: no junk line is also a body
    paragraph, a title or a dek, or (4+ words) inside a paragraph."""
    from bench.eval_strip import score
    from pipeline.model import Article

    for families in ("dev", "report"):
        dumps = D.make_dumps(stories, 40, seed=4, families=families)
        out = [Article(d.name, i, d.encoding, list(t.paragraphs), title=t.title, dek=t.dek)
               for d in dumps for i, t in enumerate(d.articles)]
        res = score(dumps, out)
        assert res["body_kept_pct"] == 100.0 and res["titles_right_pct"] == 100.0, res
        assert res["junk_left_pct"] == 0.0 and res["dumps_count_right_pct"] == 100.0, res
