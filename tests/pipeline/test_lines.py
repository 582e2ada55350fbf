"""The line model on whole pages as a scraper that keeps no markup writes them: the article
is found in a site seen once (one article, its headline, its body), the chrome around it goes
with a reason, and a single page is never cut into several articles by repeated rows,
captions or time stamps. The page text is invented for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.batch import clean_batch
from pipeline.lines import FEATURES, load_line_model
from pipeline.split import looks_like_title

HEADLINE = "Harbour bridge to close for six weeks of repairs"
DEK = "Drivers face a twelve-mile detour while engineers replace the worn deck."
BODY = [
    "The Harbour Bridge will close to all traffic from Monday for six weeks while "
    "engineers replace sections of its deck, the county council said on Thursday.",
    "The council said inspections in the spring had found corrosion in the steel beams "
    "under the northern approach, and that the repairs could not wait until next year.",
    "Drivers will be sent along the coast road through Millbrook, a detour of about "
    "twelve miles that the council expects to add twenty minutes to most journeys.",
    "Buses will keep running on the same routes but will leave their first stops ten "
    "minutes earlier, the operator said, and school buses will be met by marshals.",
    "\u201cWe know this will be hard for people who cross the bridge every day,\u201d said "
    "the council\u2019s head of highways. \u201cThe alternative was a closure at short "
    "notice.\u201d",
    "Shops on the quay said they feared losing customers from the other side of the "
    "estuary during the weeks before the summer season begins.",
    "The harbour master said boats would still be able to pass under the bridge, "
    "although one of the two channels will be narrowed while scaffolding is in place.",
    "The work is expected to cost about four million pounds, most of it paid by a "
    "government grant for coastal roads awarded to the county last year.",
]
CHROME_TOP = [
    f"{HEADLINE} | Local News | Harbourview Daily",
    "Skip to content", "Harbourview Daily", "Home", "News", "Sport", "Business", "Opinion",
    "Weather", "Puzzles", "Obituaries", "Subscribe", "Sign in",
    "We use cookies to improve your experience. By continuing you accept our cookie policy.",
    "Accept all", "Local News",
]
CHROME_UNDER_TITLE = [
    "By Morgan Ellis, Transport Reporter", "Published 7:42 a.m. Thursday, 14 March 2024",
    "Share on Facebook", "Share on X", "Email this article",
    "Traffic queues on the bridge approach on Tuesday evening. Photo: Sam Reid/Harbourview Daily",
]
CHROME_BOTTOM = [
    "Share on Facebook", "Share on X", "Email this article", "More from Local News",
    "Lifeboat crew rescue two walkers cut off by the tide",
    "Council approves plans for new library on the old market site",
    "Ferry fares to rise by five per cent from April",
    "Comments (3)", "RiverRat77", "2 hours ago",
    "Six weeks? It took them a year last time. I'll believe it when I see it.",
    "Reply", "harbourmum", "1 hour ago",
    "My kids' bus already leaves at 7. Now it'll be 6.50. Great.",
    "Reply", "About us", "Contact", "Advertise", "Privacy policy", "Terms of use",
    "\u00a9 2024 Harbourview Daily. All rights reserved.",
]
INLINE = "READ MORE: Harbour wall repairs finished ahead of schedule"


def _page() -> str:
    lines = ["www.harbourviewdaily.example 2024-03-14 09:00:00", *CHROME_TOP, HEADLINE, DEK,
             *CHROME_UNDER_TITLE, *BODY[:3], INLINE, *BODY[3:], *CHROME_BOTTOM]
    return "\n\n".join(lines) + "\n"


def _clean(tmp_path: Path, name: str, text: str):
    (tmp_path / name).write_text(text, "utf-8")
    return clean_batch([tmp_path / name], tmp_path)


def test_a_page_of_a_site_seen_once_comes_out_as_its_article(tmp_path: Path) -> None:
    result = _clean(tmp_path, "page.txt", _page())
    assert len(result.articles) == 1
    art = result.articles[0]
    assert art.title == HEADLINE
    assert art.paragraphs == BODY
    removed = {r.line for r in art.removed}
    chrome = set(CHROME_TOP[1:] + CHROME_UNDER_TITLE + CHROME_BOTTOM + [INLINE])
    assert chrome <= removed | {DEK}
    assert all(r.reason for r in art.removed)
    model_reasons = [r.reason for r in art.removed if r.reason.startswith("model: chrome")]
    assert model_reasons and all(0.5 <= float(r.split()[2]) <= 1.0 for r in model_reasons)


def test_repeated_rows_captions_and_time_stamps_do_not_cut_a_page(tmp_path: Path) -> None:
    """A live page: time stamps before each update, a results table whose row labels
    repeat, the same caption twice. One file, one article."""
    lines = ["Storm updates: roads closed as river peaks", "Last updated 4:05 p.m."]
    for k, para in enumerate(BODY):
        lines += [f"{3 - k // 4}:{15 + k:02d} p.m.", para]
        if k in (2, 5):
            lines += ["Flood barriers on the quay. Photo: Sam Reid", "Gauge", "Level (m)",
                      "Millbrook", "2.4", "Quay", "3.1"]
    result = _clean(tmp_path, "live.txt", "\n\n".join(lines) + "\n")
    assert len(result.articles) == 1
    kept = set(result.articles[0].paragraphs)
    assert set(BODY[:-1]) <= kept  # (how much body the model keeps: bench/eval_strip.py)


def test_headlines_with_abbreviations_are_headlines() -> None:
    assert looks_like_title("U.S. Stocks Slide as Fed Signals a Pause")
    assert looks_like_title("Mr. Smith Goes to the U.K. for Talks")
    assert looks_like_title("£1.8m indecency fine for Viacom")  # a sum first
    assert not looks_like_title("Markets fell sharply. Investors fled to bonds.")


def test_a_us_headline_is_the_title_not_the_first_paragraph(tmp_path: Path) -> None:
    text = "\n\n".join(["U.S. Stocks Slide as Fed Signals a Pause", *BODY]) + "\n"
    art = _clean(tmp_path, "us.txt", text).articles[0]
    assert art.title == "U.S. Stocks Slide as Fed Signals a Pause"
    assert art.paragraphs == BODY


def test_a_markdown_page_s_heading_is_its_title(tmp_path: Path) -> None:
    """A scraper that writes Markdown marks the headline: the last heading above the body
    (not the site's name, higher up), whatever the line model makes of it."""
    lines = ["Source: https://www.harbourviewdaily.example/ (fetched 2024-03-14)",
             "# Harbourview Daily", "[Home](https://x.example/) [News](https://x.example/n)",
             "LOCAL NEWS", f"# {HEADLINE}", "By Morgan Ellis", "Share this story", *BODY,
             "## More from Local News", "[Ferry fares to rise](https://x.example/ferry)"]
    art = _clean(tmp_path, "page.md.txt", "\n\n".join(lines) + "\n").articles[0]
    assert art.title == HEADLINE
    assert art.paragraphs[:len(BODY) - 1] == BODY[:-1]
    # a subheading under the headline is not it
    lines = [f"# {HEADLINE}", "By Morgan Ellis", "## Bridge closure: what we know so far",
             *BODY]
    art = _clean(tmp_path, "sub.md.txt", "\n\n".join(lines) + "\n").articles[0]
    assert art.title == HEADLINE


def test_a_source_line_or_a_link_is_no_headline() -> None:
    assert not looks_like_title("Source: https://foxnews.com/ (fetched 2016-09-07)")
    assert not looks_like_title("Read it at www.example.com today")
    assert not looks_like_title("Home » Sponsorship » Technology")
    assert not looks_like_title("News > Local > Transport")
    assert not looks_like_title("© 2019 Fox News Network, LLC. All rights reserved.")
    assert not looks_like_title("Zach Parise heating up, scores twice as Wild…")  # cut short
    assert looks_like_title("Macron : « Nous ne céderons pas »")  # a quote, no trail
    assert looks_like_title("»Wir schaffen das«, sagt die Kanzlerin")
    assert looks_like_title("Harbour bridge to close for six weeks")


def test_a_reporting_credit_stays_in_the_text(tmp_path: Path) -> None:
    credit = "Morgan Ellis contributed reporting from Millbrook."
    text = "\n\n".join([HEADLINE, *BODY, credit]) + "\n"
    art = _clean(tmp_path, "credit.txt", text).articles[0]
    assert art.paragraphs[-1] == credit


def test_the_model_file_says_what_it_was_fitted_on() -> None:
    model = load_line_model()
    assert model.features == FEATURES
    assert "train_lines.py" in model.origin and model.version
    assert 0.0 < model.threshold < 1.0


def test_a_model_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    data = json.loads((Path(__file__).resolve().parents[2] / "pipeline/models/lines.json")
                      .read_text("utf-8"))
    data["features"] = data["features"][:-1]
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ValueError, match="refit it with bench/train_lines.py"):
        load_line_model(path)


def test_exported_trees_score_as_the_fitted_classifier() -> None:
    """bench/train_lines.py's export keeps what scikit-learn fitted, tree for tree."""
    pytest.importorskip("sklearn")
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.train_lines import export_trees, fit_trees
    from pipeline.lines import Trees

    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 5)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] * x[:, 2] > 0.2).astype(int)
    clf = fit_trees(x, y)
    trees = Trees(export_trees(clf))
    np.testing.assert_allclose(trees.score(x), clf.predict_proba(x)[:, 1], atol=1e-9)


def test_a_menu_at_top_and_bottom_with_teasers_above_is_one_page(tmp_path: Path) -> None:
    """The site's menu stands above the article and again at its foot, and above the top
    one a few teaser headlines: the menu looks like a page template of two pages, but the
    first "page" (headlines, no sentences) holds no article. One file, one article."""
    menu = ["GTA 5", "Resident Evil", "Pokemon", "Fortnite", "Guides"]
    teasers = ["Red Dead Redemption 2 guide, walkthrough & tips for PC, PS4 and Xbox One",
               "Release dates: every game confirmed for PC, PS4, Xbox One and Switch in 2019",
               "Ferry fares to rise by five per cent from April across the harbour routes",
               "The best Xbox One Black Friday deals 2019"]
    lines = [f"{HEADLINE} - Harbourview Daily", "Subscribe to the", "Harbourview newsletter!",
             *teasers, *menu, HEADLINE, "By Morgan Ellis, 14 March 2024", *BODY, *BODY[:2],
             *menu]
    result = _clean(tmp_path, "menu.txt", "\n\n".join(lines) + "\n")
    assert len(result.articles) == 1
    assert set(BODY) <= set(result.articles[0].paragraphs)


def test_a_list_the_text_announces_stays_with_it(tmp_path: Path) -> None:
    """"The roads closed ... are:" and then its bullet items: they are the article's,
    even with a teaser or an advertisement label between them; link items are not."""
    items = ["- Quay Road", "- Harbour Street", "- Station Hill", "- Market Square"]
    lines = [HEADLINE, *BODY[:4], "The roads closed to all traffic for six weeks are:",
             *items[:2], "Related: Ferry fares to rise by five per cent", *items[2:3],
             "ADVERTISEMENT", *items[3:], *BODY[4:],
             "More from us:", "- [Ferry fares to rise](https://x.example/ferry)"]
    art = _clean(tmp_path, "list.txt", "\n\n".join(lines) + "\n").articles[0]
    assert set(items) <= set(art.paragraphs)
    assert "- [Ferry fares to rise](https://x.example/ferry)" not in art.paragraphs
    # a footer menu after the list is no part of it: the list ends at the chrome before it
    menu = ["- Facebook", "- Twitter", "- Contact us", "- Privacy policy"]
    lines = [HEADLINE, *BODY, "The roads closed are:", *items[:2], "Follow us", *menu]
    art = _clean(tmp_path, "menu.txt", "\n\n".join(lines) + "\n").articles[0]
    assert set(items[:2]) <= set(art.paragraphs)
    assert not set(menu) & set(art.paragraphs)
    # numbered items with their links, a link on a line of its own between them
    offers = ["1) Harbour Ferry season ticket at half price", "2) Quay Road car park permit",
              "3) Millbrook bus pass for the detour weeks", "4) Station Hill cycle hire"]
    lines = [HEADLINE, *BODY, "The council's offers for the six weeks are:"]
    for k, offer in enumerate(offers):
        lines += [offer, f"http://x.example/offer-{k}"]
    art = _clean(tmp_path, "offers.txt", "\n\n".join(lines) + "\n").articles[0]
    assert set(offers) <= set(art.paragraphs)
    # unannounced, but inside the text: two items or more with text before and after
    lines = [HEADLINE, *BODY[:2], *items[:2], "Photo: Sam Reid", *items[2:], *BODY[2:]]
    art = _clean(tmp_path, "list2.txt", "\n\n".join(lines) + "\n").articles[0]
    assert set(items) <= set(art.paragraphs)


def test_a_headline_over_byline_date_share_bar_and_photo_is_the_title(tmp_path: Path) -> None:
    """A page that opens with its headline, then a byline, a date, a share bar and a photo
    with its credit before the text: the headline is the title, and the photo's caption
    (a sentence with a credit under it) is no standfirst."""
    from pipeline.split import DEFAULT_SPLIT_CONFIG, _model_dek

    caption = "The stage is prepared before the show."
    lines = [HEADLINE, "By Morgan Ellis", "Published 7:42 a.m. Thursday, 14 March 2024",
             "Share on Facebook", "Share on X", caption, "Credit: SOPA Images", *BODY]
    art = _clean(tmp_path, "opens.txt", "\n\n".join(lines) + "\n").articles[0]
    assert art.title == HEADLINE
    # a breadcrumb trail above the headline is no headline and does not hide it
    art = _clean(tmp_path, "crumbs.txt",
                 "\n\n".join(["Home » Transport » Roads", *lines]) + "\n").articles[0]
    assert art.title == HEADLINE
    # the line the model left out under the headline is the standfirst, unless a photo
    # credit stands under it
    model = ("line", "model: chrome 0.90 (before the main text)")
    seg = [(0, HEADLINE), (1, caption), (2, "Credit: SOPA Images"), (3, BODY[0])]
    classes = [model, model, ("line", "rule:photo-credit-labelled"), None]
    assert _model_dek(seg, [seg[3]], classes, 0, DEFAULT_SPLIT_CONFIG) is None
    seg, classes = [seg[0], seg[1], seg[3]], [model, model, None, None]
    assert _model_dek(seg, [seg[2]], classes, 0, DEFAULT_SPLIT_CONFIG) == caption


def test_a_page_s_title_line_gives_the_headline_when_nothing_else_does(tmp_path: Path) -> None:
    """html-text writes the page's <title> first: "<Headline> - <Site>" or "<Headline> |
    <Site>". Where the page shows no headline the model finds (a menu, then the text), the
    title line's headline part is the title, the site's name cut off."""
    menu = ["Home", "News", "Sport", "Business", "Opinion", "Weather", "Puzzles", "Sign in"]
    for sep in (" - ", " | "):
        lines = [f"{HEADLINE}{sep}Harbourview Daily", *menu, *BODY]
        art = _clean(tmp_path, "titled.txt", "\n\n".join(lines) + "\n").articles[0]
        assert art.title == HEADLINE
        assert art.paragraphs == BODY
    # the site after the last dash; a headline of two short sentences is one in a <title>
    for head in (f"{HEADLINE} - and a twelve-mile detour",
                 "Council: 'We had no choice.' Harbour bridge shuts for six weeks"):
        lines = [f"{head} - Harbourview Daily", *menu, *BODY]
        art = _clean(tmp_path, "titled2.txt", "\n\n".join(lines) + "\n").articles[0]
        assert art.title == head


def test_a_rights_line_ending_in_the_site_s_name_is_no_title(tmp_path: Path) -> None:
    """'... © 2024 ... All rights reserved. FAQ – <Site>' has a page title's shape (a text,
    a dash, the site's name): it goes, but it is not the article's title."""
    legal = ("This material may not be published. © 2024 Harbourview Media. All rights "
             "reserved. FAQ – Harbourview Daily")
    for lines in ([legal, *BODY], [*BODY, legal]):
        text = "\n\n".join(["Harbourview Daily 2024-03-14 09:00:00", *lines]) + "\n"
        art = _clean(tmp_path, "legal.txt", text).articles[0]
        assert art.title is None or "rights" not in art.title
        assert legal not in art.paragraphs
