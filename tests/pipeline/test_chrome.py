"""Learned site chrome: lines a publisher repeats on its pages are removed, with the reason;
the profile persists in the output folder and strips a later small batch as well."""

from __future__ import annotations

from pathlib import Path

import pyarrow.dataset as ds

from pipeline.batch import clean_batch
from pipeline.chrome import ChromeConfig, ChromeProfile, line_key, normalize_for_key

# Invented text: a site whose chrome no rule lists.
CHROME = ["Harbourtown Courier | Local news that matters",
          "Our reporters are on the quay every morning.",
          "Tap the anchor icon for harbour alerts"]
STORIES = [
    ("Ferry timetable changes for winter",
     ["The harbour ferry will run every forty minutes from next month, the operator said.",
      "Passengers who travel before seven will see one fewer early boat each weekday.",
      "The council said it would review the change after the Christmas holidays."]),
    ("Lighthouse keeper's cottage to become museum",
     ["The old keeper's cottage on the north pier will open as a small museum in spring.",
      "Volunteers have restored the lamp room and catalogued logbooks from a century ago.",
      "Entry will be free for residents during the first season, organisers said."]),
    ("Fish market opens earlier on Saturdays",
     ["Traders at the fish market voted to open an hour earlier on Saturdays from June.",
      "Several said weekend visitors arrived before the stalls were ready last summer.",
      "The market will still close at two in the afternoon, the traders' group said."]),
    ("Sailing club wins regional trophy",
     ["The town sailing club won the regional dinghy trophy for the first time in a decade.",
      "Its crews took three of the five races despite strong winds on the final day.",
      "The club will host next year's event on the estuary, its commodore announced."]),
]


def _page(title: str, body: list[str]) -> list[str]:
    return [CHROME[0], title, CHROME[1], *body, CHROME[2]]


def test_normal_form_ignores_case_digits_and_punctuation() -> None:
    assert normalize_for_key("Updated 3:15 PM") == normalize_for_key("updated 4:20 pm")
    assert line_key("Share — now!") == line_key("share now")
    assert line_key("word " * 80) is None  # too long to be chrome


def test_repeated_template_splits_a_dump_and_is_removed(tmp_path: Path) -> None:
    lines = [ln for title, body in STORIES for ln in _page(title, body)]
    (tmp_path / "dump.txt").write_text("\n\n".join(lines) + "\n", "utf-8")
    result = clean_batch([tmp_path / "dump.txt"], tmp_path)
    arts = result.articles
    assert [a.title for a in arts] == [t for t, _ in STORIES]
    assert [a.paragraphs for a in arts] == [b for _, b in STORIES]
    for a in arts:
        reasons = {r.line: r.reason for r in a.removed}
        assert set(CHROME) <= set(reasons)
        assert reasons[CHROME[1]].startswith("learned: repeats 4 times")


def _single(tmp_path: Path, name: str, title: str, body: list[str], chrome: bool = True) -> Path:
    lines = ["Harbourtown Courier 2025-03-04 08:00:00", title, *(CHROME[1:2] if chrome else []),
             *body]
    path = tmp_path / name
    path.write_text("\n\n".join(lines) + "\n", "utf-8")
    return path


def test_profile_from_earlier_files_strips_a_single_new_page(tmp_path: Path) -> None:
    old = [_single(tmp_path, f"{k}.txt", t, b) for k, (t, b) in enumerate(STORIES[:3])]
    first = clean_batch(old, tmp_path)
    assert all(CHROME[1] not in a.paragraphs for a in first.articles)  # learned in-batch
    saved = tmp_path / "chrome.json"
    first.chrome.save(saved)
    profile = ChromeProfile.load(saved)
    assert profile.stories("Harbourtown Courier") == 3

    new = _single(tmp_path, "new.txt", *STORIES[3])
    alone = clean_batch([new], tmp_path)
    assert CHROME[1] in alone.articles[0].paragraphs  # one page alone shows nothing
    known = clean_batch([new], tmp_path, profile=profile)
    art = known.articles[0]
    assert art.paragraphs == STORIES[3][1]
    reason = next(r.reason for r in art.removed if r.line == CHROME[1])
    assert reason == "learned: Harbourtown Courier chrome, in 3 of 3 stories"


def test_copies_of_one_story_do_not_make_its_body_chrome(tmp_path: Path) -> None:
    title, body = STORIES[0]
    copies = [_single(tmp_path, f"copy{k}.txt", title, body, chrome=False) for k in range(4)]
    result = clean_batch(copies, tmp_path)
    assert [a.paragraphs for a in result.articles] == [body] * 4
    assert result.chrome.stories("Harbourtown Courier") == 1


def test_profile_round_trip_and_merge() -> None:
    a, b = ChromeProfile(), ChromeProfile()
    for k in range(3):
        a.observe("Site", ["Shared footer line", f"story {k} " + "word " * 30], story=k)
    b.observe("Site", ["Shared footer line", "another " * 30], story=99)
    a.merge(b)
    again = ChromeProfile.from_json(a.to_json())
    assert again.stories("Site") == 4
    assert again.chrome_reason("Site", line_key("Shared footer line")) == (
        "learned: Site chrome, in 4 of 4 stories")
    assert again.chrome_reason("Other", line_key("Shared footer line")) is None


def test_flow_keeps_the_profile_in_the_output_folder(harness, tmp_path: Path) -> None:
    from flows.flow import clean_news

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for k, (t, b) in enumerate(STORIES[:3]):
        _single(raw, f"{k}.txt", t, b)
    clean_news(str(raw), str(out))
    assert (out / ".state" / "chrome.json").is_file()
    _single(raw, "later.txt", *STORIES[3])
    clean_news(str(raw), str(out))
    rows = ds.dataset(out / "articles", format="parquet").to_table().to_pylist()
    later = next(r for r in rows if r["source_file"] == "later.txt")
    assert CHROME[1] not in later["text"]
    assert any(CHROME[1] == r["line"] and r["reason"].startswith("learned: Harbourtown")
               for r in later["removed"])


def test_merging_many_profiles_keeps_memory_bounded() -> None:
    """A million articles' shards merged: lines seen once are forgotten beyond a bound
    (the most recent kept, as saving would keep them); chrome seen often survives."""
    config = ChromeConfig(max_singletons=50)
    merged = ChromeProfile(config)
    for shard in range(40):
        prof = ChromeProfile(config)
        for story in range(10):
            # line keys ignore digits: each story's own line in letters
            own = "".join(chr(97 + int(c)) for c in f"{shard:03d}{story}")
            prof.observe("Pub", ["Subscribe to our newsletter today",
                                 f"Unique body line {own} " + "word " * 8],
                         story=shard * 100 + story)
        merged.merge(prof)
        assert len(merged._pubs["Pub"].keys) <= 2 * 50 + 1
    chrome = line_key("Subscribe to our newsletter today")
    assert merged.chrome_reason("Pub", chrome) == "learned: Pub chrome, in 400 of 400 stories"
    kept = merged.to_json()["publishers"]["Pub"]["keys"]
    assert len(kept) == 51  # the chrome line and the 50 most recent lines seen once


def test_dump_and_read_give_back_the_same_profile(tmp_path: Path) -> None:
    """A shard's profile travels to the run's merge as a dump: read back, it is the same
    profile (same JSON), examples, seen stories and singletons included."""
    prof = ChromeProfile()
    prof.observe("Example Times", ["Share this article", "Sign up", "A body line here."], 11)
    prof.observe("Example Times", ["Share this article", "Other words, café 3:15",
                                   "A title\nover two lines"], 12)
    prof.observe("", ["Share this article"], None)
    prof.observe("Empty", [], 13)
    prof.dump(tmp_path / "p.pkl")
    back = ChromeProfile.read(tmp_path / "p.pkl")
    assert back.to_json() == prof.to_json()
    assert back.chrome_reason("Example Times", line_key("Share this article")) == \
        prof.chrome_reason("Example Times", line_key("Share this article"))
