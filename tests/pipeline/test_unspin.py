"""unspin: scoring is deterministic and cheap; repair restores spinner phrases in context."""

from __future__ import annotations

from dataclasses import replace

from pipeline.model import Article
from pipeline.unspin import (
    DEFAULT_UNSPIN_CONFIG,
    SpinnerTable,
    load_lexicon,
    repair_paragraph,
    restore_from_original,
    score_paragraph,
    spin_score,
    unspin_articles,
)

SPUN = [
    "Trump returned to the White Home final month, weeks after the election.",
    "Whereas Trump was a candidate in final 12 months's presidential election, Zelenskyy "
    "approached him with a plan for continued navy support.",
    "French President Emmanuel Macron and U.Ok. Prime Minister Keir Starmer are floating "
    "the concept of sending peacekeeping troops.",
    "Economists level to spiraling rates of interest and inflation as indicators {that a} "
    "reckoning is coming.",
    "A rescue crew gathers in entrance of a broken residential constructing, and tons of of "
    "hundreds have been killed or injured within the final three years, officers mentioned.",
]

CLEAN = [
    "Trump returned to the White House last month, weeks after the election.",
    "The firm said profits rose 8% to $1.2bn in the three months to December, helped by "
    "strong sales of broadband services and a one-off gain from the sale of its stake.",
    "However, the minister told MPs the plans would be published next year, after talks "
    "with unions and business leaders had finished.",
]


def _fixed(text: str) -> str:
    return repair_paragraph(text)[0]


def test_repairs_named_phrases() -> None:
    assert "White House last month" in _fixed(SPUN[0])
    out = _fixed(SPUN[1])
    assert "last year's presidential election" in out and "military aid" in out
    assert out.startswith("While Trump")
    assert "U.K. Prime Minister" in _fixed(SPUN[2])
    out = _fixed(SPUN[3])
    assert "{" not in out and "interest rates" in out
    out = _fixed(SPUN[4])
    assert "in front of a damaged residential building" in out or "front of" in out
    assert "hundreds of thousands" in out and "in the last three years" in out


def test_edits_record_before_after_reason_and_score() -> None:
    out, edits = repair_paragraph(SPUN[0])
    by_before = {e.before: e for e in edits}
    e = by_before["White Home"]
    assert e.after == "White House" and e.stage == "repair" and "unspin" in e.reason
    assert e.score is not None
    for e in edits:  # every edit's before text is what stood in the input
        assert e.before in SPUN[0]


def test_clean_text_scores_low_and_is_left_alone() -> None:
    for text in CLEAN:
        report = score_paragraph(text)
        assert report.tells == 0 and report.pairs <= 1
    arts = [Article("clean.txt", 0, "utf-8", list(CLEAN))]
    unspin_articles(arts)
    assert not arts[0].spun and arts[0].edits == [] and arts[0].paragraphs == CLEAN


def test_spun_article_is_flagged_and_repaired_deterministically() -> None:
    runs = []
    for _ in range(2):
        art = Article("spun.txt", 0, "utf-8", list(SPUN))
        unspin_articles([art])
        runs.append((art.spun, art.spin_score, art.paragraphs,
                     [(e.before, e.after, e.reason, e.score) for e in art.edits]))
    assert runs[0] == runs[1]
    spun, score, paras, edits = runs[0]
    assert spun and score >= DEFAULT_UNSPIN_CONFIG.threshold
    assert len(paras) == len(SPUN) and edits
    assert round(spin_score("\n".join(SPUN))[0], 4) == score


def test_repair_keeps_punctuation_and_case_around_edits() -> None:
    out = _fixed("“Mentioned the White Home,” he mentioned. Final 12 months, it rose.")
    assert "White House,”" in out
    assert "Last year, it rose." in out


def test_an_acronym_is_never_taken_for_a_spun_word() -> None:
    """"TV" is a lexicon word ("tv" -> "television"), but a spinner keeps only a word's
    first capital: a word in capitals is an acronym the spinner left alone (seed 001)."""
    out = _fixed("He was turning off the TV to go to mattress when the blast came.")
    assert "the TV to go to bed" in out
    assert "television" in _fixed("He was turning off the tv set.").lower()


def test_a_spun_word_is_repaired_the_same_way_through_the_article() -> None:
    """A spinner puts the same word for a word all through an article: where the
    neighbours alone slightly prefer the spun word ("the chief said"), the word's other
    occurrences in the article ("opposition chief") decide."""
    paras = ["The opposition chief criticised the White Home plan final 12 months.",
             "Later the chief said the navy support would continue."]
    art = Article("spun.txt", 0, "utf-8", list(paras))
    unspin_articles([art])
    assert art.spun
    assert art.paragraphs[0].startswith("The opposition leader criticised the White House")
    assert art.paragraphs[1] == "Later the leader said the military aid would continue."
    alone = Article("spun.txt", 0, "utf-8", list(paras))
    unspin_articles([alone], replace(DEFAULT_UNSPIN_CONFIG, consistency=0.0))
    assert alone.paragraphs[1].startswith("Later the chief said")


def test_a_paragraph_opening_with_a_repaired_number_phrase_starts_with_a_capital() -> None:
    art = Article("spun.txt", 0, "utf-8", [
        "The White Home mentioned final 12 months that navy support would proceed.",
        "1000’s of civilians have been killed, officers mentioned."])
    unspin_articles([art])
    assert art.paragraphs[1].startswith("Thousands of civilians")


def test_seed_001_phrases_are_repaired() -> None:
    """Spinner output quoted from seed 001 (raw/001_*.txt) and the lexicon rows it gave."""
    out = _fixed("A Russian drone ripped into the condominium constructing the place "
                 "Silvanovskyi lives.")
    assert "the apartment building where Silvanovskyi lives" in out
    out = _fixed("Europeans worry the Trump administration will bypass them in negotiating a "
                 "cope with Russia to finish the battle.")
    assert "negotiating a deal with Russia" in out
    out = _fixed("Flowers on a bench in reminiscence of these killed in a Russian drone strike.")
    assert "in memory of" in out
    out = _fixed("Nonetheless, the image for Europe turns into extra sophisticated if Ukraine "
                 "is pressured to just accept a ceasefire.")
    assert "becomes more complicated" in out and "forced to accept" in out


def test_every_lexicon_row_says_where_it_came_from() -> None:
    rows = load_lexicon()
    assert len(rows) > 300
    assert all(r.origin.strip() for r in rows)


# ----------------------------------------------------------- restore from an unspun original

ORIGINAL = [
    "Officials said the White House would send military aid to the region last year, "
    "after talks in Paris on Monday.",
    "Hundreds of thousands of people have fled their homes in the city since the war began.",
]
SPUN_COPY = [
    "Officers mentioned the White Home would ship navy support to the area final 12 months, "
    "after talks in Paris on Monday.",
    "Tons of of hundreds of folks have fled their houses within the metropolis because the "
    "battle started.",
]


def test_restore_brings_back_the_originals_wording_and_records_each_edit() -> None:
    paras, edits = restore_from_original(SPUN_COPY, ORIGINAL, "article abc")
    assert paras == ORIGINAL
    assert {(e.before, e.after) for e in edits} >= {
        ("Home", "House"), ("ship navy support", "send military aid"),
        ("area final 12 months", "region last year"),
        ("Tons of of hundreds of folks", "Hundreds of thousands of people"),
        ("metropolis because", "city since")}
    assert all(e.stage == "repair" and e.reason == "unspin (restored from article abc)"
               for e in edits)
    # deterministic, and a second pass finds nothing left to restore
    assert restore_from_original(SPUN_COPY, ORIGINAL, "article abc") == (paras, edits)
    assert restore_from_original(paras, ORIGINAL, "article abc") == (ORIGINAL, [])


def test_restore_leaves_numbers_dates_and_what_the_original_lacks() -> None:
    copy = [
        "Officers mentioned the White Home would ship navy support to the area final 12 months, "
        "after talks in Paris on Tuesday.",  # an update's day, not spinning
        "Tons of of hundreds of folks have fled their houses within the metropolis because the "
        "battle started. Not less than 12 have died.",  # text the original does not have
        "A paragraph the original never had stays as it is.",
    ]
    paras, _ = restore_from_original(copy, ORIGINAL, "x")
    assert paras[0].endswith("on Tuesday.") and paras[0].startswith("Officials said")
    assert paras[1] == ORIGINAL[1] + " Not less than 12 have died."
    assert paras[2] == copy[2]
    numbers = ["The fire killed 11 folks in 2023."]
    assert restore_from_original(numbers, ["The fire killed 12 people in 2024."], "x")[0] == \
        ["The fire killed 11 people in 2023."]


def test_restore_needs_the_copy_to_align_with_the_original() -> None:
    other = ["Shares in the bank fell sharply after it warned that profits would be lower "
             "than expected, analysts said."]
    assert restore_from_original(SPUN_COPY, other, "x") == (SPUN_COPY, [])
    # nothing to work with: no change, no crash
    assert restore_from_original([], ORIGINAL, "x") == ([], [])
    assert restore_from_original(SPUN_COPY, [], "x") == (SPUN_COPY, [])


def test_spinner_table_learns_from_an_aligned_copy_and_repairs_another(tmp_path) -> None:
    table = SpinnerTable()
    assert table.learn(SPUN_COPY, ORIGINAL)
    assert table.subs["metropolis"] == {"city": 1} and table.subs["navy"] == {"military": 1}
    assert "12" not in " ".join(table.subs) and "tuesday" not in table.subs
    assert table.kept["the"] >= 3 and table.kept["have fled"] == 1
    # a copy of another story by the same spinner, its original unknown
    other = ["The navy support reached the metropolis on Friday, officers mentioned.",
             "Nothing here was spun."]
    fixed, edits = table.apply(other)
    assert fixed == ["The military aid reached the city on Friday, officials said.",
                     "Nothing here was spun."]
    assert all(e.reason == "unspin (learned from 1 aligned copy)" for e in edits)
    assert table.apply(fixed) == (fixed, [])  # nothing left to do
    # saved and loaded, merged: counts add up
    table.save(tmp_path / "s.json")
    again = SpinnerTable.load(tmp_path / "s.json")
    assert again.subs == table.subs and again.apply(other) == (fixed, edits)
    again.merge(table)
    assert again.subs["metropolis"] == {"city": 2}
    assert SpinnerTable.load(tmp_path / "missing.json").subs == {}
    # a copy of another story altogether teaches nothing
    assert not SpinnerTable().learn(SPUN_COPY, ["Shares fell sharply on Monday."])


def test_spinner_table_keeps_a_word_the_copies_mostly_kept() -> None:
    table = SpinnerTable(subs={"area": {"region": 1}}, kept={"area": 40})
    assert table.apply(["Officials cordoned off the area."]) == (
        ["Officials cordoned off the area."], [])


def test_a_lexicon_of_ones_own_with_long_words_still_works(tmp_path) -> None:
    """A lexicon's words need not fit the compiled pass (at most 24 characters): a phrase
    of longer words is found and repaired all the same (by the Python pass)."""
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("\t".join(["counterrevolutionariesness", "revolt", "1", "test"]) + "\n"
                       + "\t".join(["final 12 months", "last year", "1", "test"]) + "\n",
                       "utf-8")
    config = replace(DEFAULT_UNSPIN_CONFIG, lexicon_path=lexicon)
    text = "The counterrevolutionariesness began final 12 months on Monday."
    fixed, edits = repair_paragraph(text, config)
    assert fixed == "The revolt began last year on Monday."
    assert [e.after for e in edits] == ["revolt", "last year"]
