"""Multi-article scrape dumps built from BBC articles, with known truth (a test instrument).

Each dump is one publisher's scrape: several BBC articles (their real headlines and
paragraphs, read from ../shared/corpora at run time) wrapped in that publisher's page
chrome, in one of several layouts and encodings. The truth records, per article, its title,
its dek, its body paragraphs, every junk line put around it (and which of those are teasers:
lines carrying another story's headline), and the line where its page starts, so that
`bench/eval_strip.py` can measure what the split and strip stages keep and remove and a
line model (body / title / dek / chrome) can be trained on the same text.

Publishers. `PUBLISHERS` are the ten first imitations (Reuters, The Guardian, CNN, AP, Al
Jazeera, Fox News, a WordPress blog, a local paper, Politico Europe, the Sydney Morning
Herald), kept unchanged so that old figures stay comparable. `FAMILIES` holds those ten
(adapted) and 26 more chrome families of many kinds: national papers, local papers in the
US and the UK, TV networks and stations, public radio, magazines, blogs (WordPress,
Blogger, a newsletter platform, a reading platform), wire re-publishers, financial news,
trade press, and sites from the UK, India, Australia, Kenya, South Africa and Canada.
Their chrome is written from what such pages put around an article as plain text (a
scraper that keeps no markup): skip links, cookie notices, menus, breadcrumbs, section
labels and kickers, bylines and datelines of many shapes, share bars, audio and video
players, photo captions and credits, paywall meters, newsletter and app pitches, "READ
MORE: <headline>" teasers, related and most-read lists, tags, author bios, wire credits,
corrections, comment forms and footers. Per-page values (dates, times, names, counts,
durations, sections, other stories' real headlines) fill `{slot}`s as templated chrome
does. "X contributed to this report." sentences are left out: the seeds' expectations keep
such credits as body text, so they are neither junk nor body here.

Layouts. The first six (`LAYOUTS`): `plain` (blank line between paragraphs), `tight` (no
blank lines), `wrapped` (paragraphs hard-wrapped at 78 columns), `leaked` (each page opens
with its page title `<Title> | <Site>`, as browsers' "save as text" leaves it), `untitled`
(no headline at all), `separated` (a rule of dashes between pages). `NEW_LAYOUTS`:
`markdown` (`# Title`, `**By X**`, links and images as markdown), `caps` (headline in
capitals), `paged` (a page counter, "Page 2 of 7", before each page), `rules` (another
separator between pages: "=====", "* * *", "###", a form feed ...), `crlf` (CRLF line
ends), `htmltext` (a whole page as html-text writes it: `<Headline> | <Section> | <Site>`,
then the site's menu one item a line, then the article), `chromegap` (no blank lines
between paragraphs, blank lines around chrome), `narrow` (wrapped at 60 to 72 columns),
`indented` (paragraphs indented, no blank lines), `lynx` (a text browser's dump: lines
indented and wrapped, links numbered `[12]`). The truth is what the text says once decoded:
a wrapped paragraph is its lines joined by spaces, an indented one has no indentation, a
capitals headline is in capitals, a markdown headline has no `# `.

Leave-out split. Every family and every layout has a fixed group, "dev" or "report"
(`Family.group`, `LAYOUT_GROUPS`): tune and train on dev, report on report. The imitations
of NPR, Reuters, AP, the Washington Post and CBS News are in "report". Report dumps use
report families and report layouts only.

Encodings: UTF-8, Windows-1252, and UTF-8 mojibake (UTF-8 bytes decoded as Windows-1252 and
saved again as UTF-8). `Dump.text` is the text the bytes say once decoded and repaired.
"""

from __future__ import annotations

import datetime
import random
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.bbc import Story

LAYOUTS = ("plain", "tight", "wrapped", "leaked", "untitled", "separated")
NEW_LAYOUTS = ("markdown", "caps", "paged", "rules", "crlf", "htmltext", "chromegap", "narrow",
               "indented", "lynx")
ALL_LAYOUTS = LAYOUTS + NEW_LAYOUTS
LAYOUT_GROUPS: dict[str, str] = {
    "plain": "dev", "tight": "report", "wrapped": "dev", "leaked": "dev", "untitled": "dev",
    "separated": "dev", "markdown": "dev", "caps": "report", "paged": "dev", "rules": "report",
    "crlf": "dev", "htmltext": "report", "chromegap": "dev", "narrow": "report",
    "indented": "dev", "lynx": "dev",
}
ENCODINGS = ("utf-8", "cp1252", "mojibake")
SELECTIONS = ("legacy", "dev", "report", "all")


@dataclass(frozen=True)
class Publisher:
    """One site's chrome. Each list holds lines; `{n}`, `{h}`, `{m}`, `{name}` are filled."""

    name: str
    top: list[str]  # before the headline, on every page
    after_title: list[str]  # byline, date, share bar, reading time ...
    inline: list[str]  # inserted between paragraphs (ads, pitches)
    caption: list[str]  # photo caption blocks: lines joined by "\n" within one entry
    related_heading: str | None  # heading of a trailing link list (headlines follow)
    bottom: list[str]  # after the body, on every page
    dek: bool = False  # pages carry a standfirst under the headline
    separator: str = "\n\n"


PUBLISHERS: list[Publisher] = [
    Publisher(
        name="Reuters",
        top=["Skip to main content", "Exclusive news, data and analytics for financial market professionals"],
        after_title=["By {name}", "{m} minute read", "Updated {h} hours ago"],
        inline=["Get a look at the day ahead in U.S. and global markets with our Morning Bid U.S. newsletter. Sign up here.",
                "Advertisement · Scroll to continue"],
        caption=["A view shows the skyline in London, Britain, March {n}, 2025. REUTERS/Toby Melville/File Photo Purchase Licensing Rights, opens new tab"],
        related_heading=None,
        bottom=["Reporting by {name}; Editing by {name}", "Our Standards: The Thomson Reuters Trust Principles., opens new tab",
                "Suggested Topics:", "Acquire Licensing Rights, opens new tab"],
    ),
    Publisher(
        name="The Guardian",
        top=["The Guardian - Back to home", "Support the Guardian", "Fund independent journalism with £5 per month"],
        after_title=["{name}", "Tue {n} Mar 2025 06.00 GMT", "Share"],
        inline=["Sign up to First Edition, our free daily newsletter – every weekday morning at 7am GMT",
                "Privacy Notice: Newsletters may contain info about charities, online ads, and content funded by outside parties. For more information see our Privacy Policy. We use Google reCaptcha to protect our website and the Google Privacy Policy and Terms of Service apply.",
                "after newsletter promotion"],
        caption=["Protesters outside parliament on Monday. Photograph: Dan Kitwood/Getty Images"],
        related_heading="Most viewed",
        bottom=["Explore more on these topics", "Share", "Reuse this content"],
        dek=True,
    ),
    Publisher(
        name="CNN",
        top=["CNN —"],
        after_title=["By {name}, CNN", "{m} minute read", "Updated {h}:{m}0 AM EST, Tue March {n}, 2025", "Link Copied!"],
        inline=["Ad Feedback", "Sign up for CNN’s Wonder Theory science newsletter. Explore the universe with news on fascinating discoveries, scientific advancements and more."],
        caption=["Crowds gather in the square on Sunday.\nPeter Byrne/PA Images/Getty Images"],
        related_heading="Related article",
        bottom=["See all topics", "Facebook Tweet Email Link"],
    ),
    Publisher(
        name="AP News",
        top=["ADVERTISEMENT"],
        after_title=["By {name}", "Updated {h}:1{m} PM GMT, March {n}, 2025", "Share"],
        inline=["ADVERTISEMENT"],
        caption=["FILE - A man walks past the building in London, Jan. {n}, 2025. (AP Photo/Kirsty Wigglesworth, File)"],
        related_heading="Most read",
        bottom=["___",
                "Follow AP’s coverage of the economy at https://apnews.com/hub/economy",
                "Copyright 2025 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed."],
    ),
    Publisher(
        name="Al Jazeera",
        top=["Click here to share on social media", "share2"],
        after_title=["Published On {n} Mar 2025", "Save articles to read later and create your own reading list."],
        inline=["Sign up for Al Jazeera", "Week in the Middle East", "Catch up on our coverage of the region, all in one place.",
                "Please check your email to confirm your subscription", "By signing up, you agree to our Privacy Policy",
                "protected by reCAPTCHA"],
        caption=["People walk past the building in the capital [File: Hannah McKay/Reuters]"],
        related_heading=None,
        bottom=["Source: Al Jazeera and news agencies"],
        dek=True,
    ),
    Publisher(
        name="Fox News",
        top=["Fox News Flash top headlines are here. Check out what's clicking on Foxnews.com."],
        after_title=["By {name} Fox News", "Published March {n}, 2025 {h}:0{m}am EST"],
        inline=["CLICK HERE TO GET THE FOX NEWS APP", "LIKE WHAT YOU'RE READING? CLICK HERE FOR MORE ENTERTAINMENT NEWS"],
        caption=["Members of parliament arrive on Tuesday. (Getty Images)"],
        related_heading=None,
        bottom=[
                "{name} is a reporter for Fox News Digital. Story tips can be sent to tips@foxnews.com."],
    ),
    Publisher(
        name="The Daily Ledger",
        top=["Home | News | Sport | Business | Opinion | Contact"],
        after_title=["Posted by {name} on March {n}, 2025", "{m} Comments"],
        inline=["The Daily Ledger is supported by readers like you. Become a member today.",
                "Story continues below"],
        caption=["Image via Wikimedia Commons"],
        related_heading="You May Also Like",
        bottom=["Filed Under: World News", "Tagged With: politics, economy, uk",
                "About the Author", "{name} covers politics and business for The Daily Ledger.",
                "Previous article", "Next article"],
    ),
    Publisher(
        name="Northfield Gazette",
        top=["Northfield Gazette e-Edition", "Today's weather: 12°C, cloudy"],
        after_title=["{name}, Staff Reporter", "Share on Facebook", "Share on X"],
        inline=["Get the best of the Gazette delivered to you every morning. Sign up now for our free newsletter!",
                "Report an ad"],
        caption=["Council leader Jane Hobbs at the meeting. Picture: Gazette photographer"],
        related_heading="More local news",
        bottom=["Got a story? Email newsdesk@northfieldgazette.co.uk or call 01234 567890.",
                "Northfield Gazette, part of the Heartland Media Group."],
    ),
    Publisher(
        name="Politico Europe",
        top=["POLITICO Europe", "Press play to listen to this article", "Voiced by artificial intelligence."],
        after_title=["March {n}, 2025 {h}:30 pm CET", "{m} minutes read"],
        inline=["This article is part of POLITICO Pro", "The one-stop-shop solution for policy professionals fusing the depth of POLITICO journalism with the power of technology"],
        caption=["European Commission President Ursula von der Leyen. | Olivier Hoslet/EPA-EFE"],
        related_heading="Read this next",
        bottom=["This article has been updated.", "Related Tags"],
    ),
    Publisher(
        name="Sydney Morning Herald",
        top=["Normal text size Larger text size Very large text size"],
        after_title=["By {name}", "March {n}, 2025 — {h}.0{m}pm", "Save", "Log in, register or subscribe to save articles for later."],
        inline=["Loading", "Start the day with a summary of the day’s most important and interesting stories, analysis and insights. Sign up for our Morning Edition newsletter."],
        caption=["The scene on Tuesday morning.Credit: Nick Moir"],
        related_heading="Most Viewed in World",
        bottom=["License this article", "{name} is a Europe correspondent."],
    ),
]

NAMES = ["Jane Doe", "Ali Hassan", "Maria Lopez", "Tom Baker", "Priya Shah", "Oliver Grant",
         "Chen Wei", "Sarah Klein", "David Moore", "Amina Yusuf"]



@dataclass
class TruthArticle:
    """One article of a dump as the text says it.

    `junk` is every chrome line put around the article (in page order); `teasers` is the
    subset of `junk` that carries another story's real headline (related lists, "READ
    MORE: ..." lines, video teasers). `start_line` is the index, in `Dump.lines()`, of the
    first line of the article's page (its first chrome line, or its headline); articles
    follow each other in the order of the dump.
    """

    title: str | None
    dek: str | None
    paragraphs: list[str]
    junk: list[str] = field(default_factory=list)
    teasers: list[str] = field(default_factory=list)
    start_line: int = 0


@dataclass
class Dump:
    """One scrape file. `labels` has one `(article, kind, role)` per line of `lines()`:
    kind is title, dek, body, chrome, teaser or blank; role says which part of the page a
    chrome line is (nav, caption, related, footer ...)."""

    name: str
    publisher: str
    layout: str
    encoding: str
    data: bytes
    articles: list[TruthArticle]
    group: str = "legacy"
    text: str = ""
    labels: list[tuple[int, str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The decoded text's lines (CRLF read as a line end; a form feed stays a line)."""
        return self.text.replace("\r\n", "\n").split("\n")[:-1]


def _fill(line: str, rng: random.Random) -> str:
    return line.format(n=rng.randint(1, 28), h=rng.randint(1, 11), m=rng.randint(2, 9),
                       name=rng.choice(NAMES))


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8":
        return text.encode("utf-8")
    safe = text.encode("cp1252", errors="replace").decode("cp1252")
    if encoding == "cp1252":
        return safe.encode("cp1252")
    # mojibake: UTF-8 bytes read as Windows-1252, saved as UTF-8
    return safe.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")


def _starts(labels: list[tuple[int, str, str]], truth: list[TruthArticle]) -> None:
    for a, t in enumerate(truth):
        t.start_line = next((i for i, (art, kind, _) in enumerate(labels)
                             if art == a and kind != "blank"), 0)


def make_dump(stories: list[Story], publisher: Publisher, layout: str, encoding: str,
              rng: random.Random, name: str, headlines: list[str]) -> Dump:
    """One dump of `stories` in `publisher`'s chrome, a legacy layout (truth in cp1252-safe
    text). The bytes are those of the first version of this generator, seed for seed."""
    lines: list[str] = []
    marks: list[tuple[int, str, str]] = []  # (article, kind, role) of each of `lines`
    truth: list[TruthArticle] = []
    header = layout != "untitled" and rng.random() < 0.5
    if header:  # not in the junk truth (it never was): the old figures stay as they were
        lines.append(f"{publisher.name} 2025-03-{rng.randint(1, 28):02d} "
                     f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00")
        marks.append((0, "chrome", "header"))
    for story in stories:
        a = len(truth)
        t = TruthArticle(title=None if layout == "untitled" else story.title, dek=None,
                         paragraphs=list(story.paragraphs))
        page: list[str] = []
        pmarks: list[tuple[int, str, str]] = []

        def junk(line: str, role: str, teaser: bool = False, page: list[str] = page,
                 pmarks: list[tuple[int, str, str]] = pmarks, t: TruthArticle = t,
                 a: int = a) -> None:
            for part in line.split("\n"):
                page.append(part)
                pmarks.append((a, "teaser" if teaser else "chrome", role))
                t.junk.append(part)
                if teaser:
                    t.teasers.append(part)

        for line in publisher.top:
            junk(_fill(line, rng), "top")
        if layout == "leaked":
            junk(f"{story.title} | {publisher.name}", "page_title")
        if layout != "untitled":
            page.append(story.title)
            pmarks.append((a, "title", "title"))
        body = list(story.paragraphs)
        if publisher.dek and layout != "untitled" and len(body) > 3:
            t.dek = body[0]
            t.paragraphs = body[1:]
            page.append(body[0])
            pmarks.append((a, "dek", "dek"))
            body = body[1:]
        for line in publisher.after_title:
            junk(_fill(line, rng), "below")
        if publisher.caption and rng.random() < 0.7:
            junk(_fill(rng.choice(publisher.caption), rng), "caption")
        slots = sorted(rng.sample(range(1, len(body)), k=min(len(body) - 1, 2))) if len(body) > 2 else []
        inline = [_fill(x, rng) for x in publisher.inline]
        for k, para in enumerate(body):
            if k in slots and inline:
                junk(inline[slots.index(k) % len(inline)] if len(inline) < 3
                     else "\n".join(inline[: 3] if slots.index(k) == 0 else inline[3:]), "inline")
            page.append(para)
            pmarks.append((a, "body", "body"))
        if publisher.related_heading:
            junk(publisher.related_heading, "related")
            for h in rng.sample(headlines, 3):
                junk(h, "related", teaser=True)
        for line in publisher.bottom:
            junk(_fill(line, rng), "end")
        if layout == "separated" and truth:
            lines.append("-" * 40)
            marks.append((a - 1, "chrome", "separator"))
            truth[-1].junk.append("-" * 40)
        lines.extend(page)
        marks.extend(pmarks)
        truth.append(t)
    if layout == "wrapped":
        phys = [textwrap.wrap(ln, 78) or [""] for ln in lines]
    else:
        phys = [[ln] for ln in lines]
    gap = layout != "tight"
    text = ("\n\n" if gap else "\n").join("\n".join(p) for p in phys)
    labels: list[tuple[int, str, str]] = []
    for i, (p, mark) in enumerate(zip(phys, marks, strict=True)):
        if gap and i:
            labels.append((marks[i - 1][0], "blank", ""))
        labels.extend([mark] * len(p))
    _starts(labels, truth)
    data = _encode(text + "\n", encoding)
    for t in truth:  # the truth is what the text says once decoded and repaired
        t.paragraphs = [_cp(p) for p in t.paragraphs]
        t.junk = [_cp(j) for j in t.junk]
        t.teasers = [_cp(j) for j in t.teasers]
        t.title = _cp(t.title) if t.title else None
        t.dek = _cp(t.dek) if t.dek else None
    decoded = text + "\n" if encoding == "utf-8" else _cp(text + "\n")
    return Dump(name, publisher.name, layout, encoding, data, truth, "legacy", decoded, labels)


def _cp(text: str) -> str:
    return text.encode("cp1252", errors="replace").decode("cp1252")


# --- chrome families ---------------------------------------------------------------------
#
# A family's chrome is a list of pieces per part of the page. A piece is a template line
# (str; "\n" inside makes a block of lines), `maybe(p, ...)` (its lines on a share p of
# pages) or `one_of(...)` (one of its options per page; "" is nothing). Slots filled per page
# (the same value on the whole page): {name} (the author) {name2} {name3} {NAME} {email}
# {year} {year2} (an earlier year) {month} {mon} (Mar) {apmon} (AP style: Nov., March)
# {day} {dd} {dayth} (5th) {weekday} {wkd} (Tue) {mm} {h12} {h12z} {hh} {mi} {ap} (am/pm)
# {AP} (AM/PM) {apd} (a.m./p.m.) {uh12} {uhh} {umi} (a later update time) {mins} (reading
# minutes) {section} {SECTION} {city} {City} {CITY} {site} {domain} {credit} (a photo
# credit: Name/Agency) {title} (this page's own headline). Slots filled afresh at each use:
# {n} (1-28) {h} (1-11) {m} (2-9) {k} (2-24) {c} (0-999) {big} (312, 4.1K) {dur} (2:31)
# {ago} (2 hours ago) {of} (3 of 12) {temp} {num7} {tag} {caption} {agency} {photo}
# {anyname}, and {headline}: another story's real headline (the line is then a teaser). In a
# `related` item, {i} is the item's number.


@dataclass(frozen=True)
class Maybe:
    p: float
    lines: tuple[str, ...]


@dataclass(frozen=True)
class OneOf:
    options: tuple[str, ...]


Piece = str | Maybe | OneOf


def maybe(p: float, *lines: str) -> Maybe:
    """Lines that a share `p` of a family's pages carry."""
    return Maybe(p, lines)


def one_of(*options: str) -> OneOf:
    """One of `options` on each page ("" for none)."""
    return OneOf(options)


@dataclass(frozen=True)
class Related:
    """A list of other stories: heading lines, then `count` items (`{i}` numbers them)."""

    heading: tuple[str, ...]
    item: str = "{headline}"
    count: tuple[int, int] = (3, 4)
    top: bool = False  # before the headline (a "most read" strip at the head of the page)
    p: float = 1.0


def related(*heading: str, item: str = "{headline}", count: tuple[int, int] = (3, 4),
            top: bool = False, p: float = 1.0) -> Related:
    return Related(heading, item, count, top, p)


@dataclass(frozen=True)
class Family:
    """One site's page template, from the top of the page to its footer."""

    name: str
    group: str  # "dev" or "report"
    kind: str
    domain: str
    top: tuple[Piece, ...] = ()  # skip links, consent notice, log-in bar, masthead
    nav: tuple[str, ...] = ()  # menu items
    nav_join: str | None = None  # None: one item a line; else the items on one line
    crumbs: tuple[Piece, ...] = ()
    above: tuple[Piece, ...] = ()  # section label, kicker or byline above the headline
    dek: bool = False  # a standfirst under the headline (the story's first paragraph)
    below: tuple[Piece, ...] = ()  # byline, dateline, share bar, audio player ...
    lead: tuple[str, ...] = ()  # lead photo or video blocks, one per page
    lead_p: float = 0.7
    inline: tuple[str, ...] = ()  # blocks put between paragraphs
    inline_n: tuple[int, int] = (1, 3)
    end: tuple[Piece, ...] = ()  # credits, corrections, tags, author bio
    related: tuple[Related, ...] = ()
    comments: tuple[Piece, ...] = ()
    footer: tuple[Piece, ...] = ()
    style: str = "uk"  # section names (see _SECTIONS)
    fresh_names: bool = False  # {name} is drawn afresh at each use (the first ten)


_SECTIONS: dict[str, dict[str, str]] = {
    "uk": {"business": "Business", "politics": "Politics", "tech": "Technology", "sport": "Sport",
           "entertainment": "Entertainment"},
    "us": {"business": "Business", "politics": "Politics", "tech": "Tech", "sport": "Sports",
           "entertainment": "Entertainment"},
    "mag": {"business": "Economy", "politics": "Politics", "tech": "Technology", "sport": "Sport",
            "entertainment": "Culture"},
    "in": {"business": "Business", "politics": "World", "tech": "Technology", "sport": "Sports",
           "entertainment": "Entertainment"},
    "trade": {"business": "Industry News", "politics": "Policy", "tech": "Technology",
              "sport": "Sponsorship", "entertainment": "Media"},
}

NAMES2 = ["Rachel Osei", "Daniel Okafor", "Emma Whitfield", "Rahul Mehta", "Sophie Laurent",
          "James McAllister", "Aisha Kamara", "Liam O'Connor", "Mei Lin Tan", "Grace Mwangi",
          "Thomas Reilly", "Ananya Iyer", "Kofi Mensah", "Hannah Schultz", "Patrick Nguyen",
          "Zanele Dlamini", "Oscar Fernandes", "Charlotte Hughes", "Vikram Rao", "Niamh Byrne",
          "Samuel Adeyemi", "Isabel Costa", "Kieran Walsh", "Fatima Al-Sayed", "Lucy Pemberton",
          "Arjun Kapoor", "Chloe Martin", "Brian Kiprono", "Megan Fraser", "Joseph Achieng",
          "Harriet Cole", "Deepa Nair", "Marcus Bell", "Yuki Tanaka", "Ruth Abernethy",
          "Sipho Nkosi", "Ellen Carver", "Nikhil Joshi", "Jack Thornton", "Olivia Reyes"]
CAPTIONS = ["A general view of the area earlier this year.", "People walk past the building in the city centre.",
            "Officials speak to reporters outside the meeting.", "Visitors queue at the entrance.",
            "Crowds gathered ahead of the announcement.", "File photo of the company's headquarters.",
            "Members of the public look on as the event gets under way.", "A sign outside the offices.",
            "Supporters wave flags before the start.", "Shoppers on a busy high street.",
            "A screen shows the latest prices.", "The minister arrives for talks.",
            "Campaigners hold placards outside the court.", "Fans arrive at the venue.",
            "A worker on the production line.", "The committee meets in a packed room.",
            "Delegates at the conference on the opening day.", "A man walks past a closed shop front.",
            "The stage is prepared before the show.", "Traffic moves slowly through the city."]
AGENCIES = ["Getty Images", "AFP", "Reuters", "AP", "PA Media", "EPA", "Shutterstock", "Bloomberg",
            "Alamy", "AFP via Getty Images", "NurPhoto", "SOPA Images", "Anadolu"]
TAGS = ["Economy", "Elections", "Technology", "Film", "Music", "Football", "Europe", "Parliament",
        "Markets", "Tennis", "Media", "Trade", "Energy", "Education", "Health", "Television",
        "Internet", "Labour", "Rugby", "Banking", "Cricket", "Gaming", "Retail", "Telecoms"]
CITIES = ["London", "Washington", "New York", "Brussels", "Paris", "Manchester", "Edinburgh",
          "Tokyo", "Berlin", "Dublin", "Cardiff", "Mumbai", "Sydney", "Nairobi", "Johannesburg",
          "Toronto", "Frankfurt", "Geneva", "Belfast", "Leeds"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
              "Nov.", "Dec."]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_SLOT = re.compile(r"\{(\w+)\}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


class _Page:
    """The slot values of one page, and the other stories' headlines its teasers use."""

    def __init__(self, rng: random.Random, fam: Family, story: Story, pool: list[str],
                 links: str) -> None:
        self.rng = rng
        self.fam = fam
        self.links = links  # "", "markdown" or "lynx"
        self.link_no = rng.randint(8, 40)
        self.pool = pool
        self.used: set[str] = set()
        names = rng.sample(NAMES2, 3)
        date = datetime.date(rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28))
        hh, mi = rng.randint(5, 21), rng.randint(0, 59)
        uhh, umi = min(23, hh + rng.randint(1, 3)), rng.randint(0, 59)
        city = rng.choice(CITIES)
        self.section = _SECTIONS[fam.style][story.topic]
        first, last = names[0].split()[0], names[0].split()[-1]
        self.fixed = {
            "name": names[0], "name2": names[1], "name3": names[2], "NAME": names[0].upper(),
            "email": f"{first[0].lower()}{re.sub('[^a-z]', '', last.lower())}@{fam.domain}",
            "year": str(date.year), "year2": str(date.year - rng.randint(3, 15)),
            "month": _MONTHS[date.month - 1], "mon": _MONTHS[date.month - 1][:3],
            "apmon": _AP_MONTHS[date.month - 1], "day": str(date.day), "dd": f"{date.day:02d}",
            "dayth": _ordinal(date.day), "weekday": _WEEKDAYS[date.weekday()],
            "wkd": _WEEKDAYS[date.weekday()][:3], "mm": f"{date.month:02d}",
            "h12": str((hh - 1) % 12 + 1), "h12z": f"{(hh - 1) % 12 + 1:02d}", "hh": f"{hh:02d}",
            "mi": f"{mi:02d}", "ap": "am" if hh < 12 else "pm", "AP": "AM" if hh < 12 else "PM",
            "apd": "a.m." if hh < 12 else "p.m.", "uh12": str((uhh - 1) % 12 + 1),
            "uhh": f"{uhh:02d}", "umi": f"{umi:02d}", "mins": str(rng.randint(2, 14)),
            "section": self.section, "SECTION": self.section.upper(), "city": city.lower(),
            "City": city, "CITY": city.upper(), "site": fam.name, "domain": fam.domain,
            "title": story.title, "credit": f"{rng.choice(NAMES2)}/{rng.choice(AGENCIES)}",
        }

    def _fresh(self, key: str) -> str:
        rng = self.rng
        if key == "n":
            return str(rng.randint(1, 28))
        if key == "h":
            return str(rng.randint(1, 11))
        if key == "m":
            return str(rng.randint(2, 9))
        if key == "k":
            return str(rng.randint(2, 24))
        if key == "c":
            return str(rng.randint(0, 999))
        if key == "big":
            return f"{rng.randint(1, 9)}.{rng.randint(0, 9)}K" if rng.random() < 0.5 else str(rng.randint(12, 999))
        if key == "dur":
            return f"{rng.randint(0, 12)}:{rng.randint(0, 59):02d}"
        if key == "ago":
            k = rng.randint(2, 23)
            return rng.choice([f"{k} hours ago", f"{k} mins ago", f"{k} minutes ago", "1 hour ago",
                               "1 day ago", f"{k}h ago"])
        if key == "of":
            total = rng.randint(2, 15)
            return f"{rng.randint(1, total)} of {total}"
        if key == "temp":
            return str(rng.randint(28, 95))
        if key == "num7":
            return str(rng.randint(1000000, 9999999))
        if key == "tag":
            return rng.choice(TAGS)
        if key == "caption":
            return rng.choice(CAPTIONS)
        if key == "agency":
            return rng.choice(AGENCIES)
        if key in ("photo", "anyname") or (key == "name" and self.fam.fresh_names):
            return rng.choice(NAMES if self.fam.fresh_names else NAMES2)
        raise KeyError(f"unknown slot {{{key}}} in {self.fam.name}'s chrome")

    def link(self, text: str, path: str) -> str:
        if self.links == "markdown":
            return f"[{text}](https://www.{self.fam.domain}/{path})"
        if self.links == "lynx":
            self.link_no += 1
            return f"[{self.link_no}]{text}"
        return text

    def headline(self) -> str:
        for _ in range(50):
            h = self.rng.choice(self.pool)
            if h not in self.used:
                break
        self.used.add(h)
        return self.link(h, f"{_slug(self.section)}/{_slug(h)}-{self.rng.randint(10000, 99999)}")

    def fill(self, template: str) -> tuple[str, bool]:
        """`template` with its slots filled, and whether it names another story."""
        teaser = False

        def repl(m: re.Match[str]) -> str:
            nonlocal teaser
            key = m.group(1)
            if key == "headline":
                teaser = True
                return self.headline()
            if key in self.fixed and not (key == "name" and self.fam.fresh_names):
                return self.fixed[key]
            return self._fresh(key)

        return _SLOT.sub(repl, template).strip(), teaser


Item = tuple[int, str, str, str]  # article, kind (title dek body chrome teaser space), role, text


def _expand(pieces: Sequence[Piece], rng: random.Random) -> list[str]:
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif isinstance(piece, Maybe):
            if rng.random() < piece.p:
                out.extend(piece.lines)
        else:
            out.append(rng.choice(piece.options))
    return out


def _build_page(fam: Family, layout: str, story: Story, a: int, ctx: _Page,
                rng: random.Random) -> list[Item]:
    """The logical lines of one article's page, in order."""
    items: list[Item] = []

    def add(template: str, role: str) -> None:
        for part in template.split("\n"):
            text, teaser = ctx.fill(part)
            if text:
                items.append((a, "teaser" if teaser else "chrome", role, text))

    def pieces(ps: Sequence[Piece], role: str) -> None:
        for line in _expand(ps, rng):
            add(line, role)

    def lists(top: bool) -> None:
        for r in fam.related:
            if r.top != top or rng.random() >= r.p:
                continue
            for line in r.heading:
                add(line, "related")
            for i in range(rng.randint(*r.count)):
                add(r.item.replace("{i}", str(i + 1)), "related")

    titled = layout != "untitled"
    if layout == "htmltext":
        items.append((a, "chrome", "page_title", f"{story.title} | {ctx.section} | {fam.name}"))
    elif layout == "leaked":
        items.append((a, "chrome", "page_title", f"{story.title} | {fam.name}"))
    pieces(fam.top, "top")
    if fam.nav:
        nav = [ctx.link(x, _slug(x) + "/") for x in fam.nav]
        if fam.nav_join is None or layout == "htmltext":
            bullet = "* " if layout in ("markdown", "lynx") else ""
            for x in nav:
                items.append((a, "chrome", "nav", bullet + x))
        else:
            items.append((a, "chrome", "nav", fam.nav_join.join(nav)))
    pieces(fam.crumbs, "crumbs")
    lists(top=True)
    pieces(fam.above, "above")
    body = list(story.paragraphs)
    if titled:
        title = story.title.upper() if layout == "caps" else story.title
        items.append((a, "title", "title", "# " + title if layout == "markdown" else title))
        if fam.dek and len(body) > 3:
            items.append((a, "dek", "dek", body.pop(0)))
    for line in _expand(fam.below, rng):
        if layout == "markdown" and line.startswith("By "):
            line = f"**{line}**"
        add(line, "below")
    if fam.lead and rng.random() < fam.lead_p:
        block = rng.choice(fam.lead)
        if layout == "markdown" and "{caption}" in block:
            block = block.replace("{caption}", "![{caption}](https://www.{domain}/images/{num7}.jpg)", 1)
        add(block, "caption")
    n_inline = min(max(len(body) - 1, 0), rng.randint(*fam.inline_n)) if fam.inline else 0
    slots = sorted(rng.sample(range(1, len(body)), k=n_inline)) if n_inline else []
    blocks = rng.sample(fam.inline, k=min(len(fam.inline), n_inline)) if n_inline else []
    for k, para in enumerate(body):
        if k in slots:
            add(blocks[slots.index(k) % len(blocks)], "inline")
        items.append((a, "body", "body", para))
    pieces(fam.end, "end")
    lists(top=False)
    pieces(fam.comments, "comments")
    pieces(fam.footer, "footer")
    return items


@dataclass(frozen=True)
class _Options:
    """Per-dump choices a layout makes."""

    gaps: str = "blank"  # blank | none | chrome (blank lines around chrome only) | html
    separator: str | None = None  # a line between pages
    counter: str | None = None  # a line before each page: "Page {i} of {n}"
    width: int = 0  # hard wrap
    indent: str = ""  # before each body paragraph
    newline: str = "\n"


def _options(layout: str, rng: random.Random) -> _Options:
    gaps = rng.choice(("blank", "none"))
    if layout in ("plain", "leaked", "untitled", "caps"):
        return _Options()
    if layout == "tight":
        return _Options(gaps="none")
    if layout == "wrapped":
        return _Options(width=78)
    if layout == "separated":
        return _Options(separator="-" * 40)
    if layout == "markdown":
        return _Options(separator=rng.choice(("---", "* * *", None)))
    if layout == "paged":
        return _Options(gaps=gaps, counter=rng.choice(("Page {i} of {n}", "Article {i}/{n}", "[{i}/{n}]",
                                                       "— {i} of {n} —", "Story {i} of {n}")))
    if layout == "rules":
        return _Options(gaps=gaps, separator=rng.choice(("=====", "=" * 72, "* * *", "###", "\f",
                                                         "~" * 30, "+++", "* * * * *")))
    if layout == "crlf":
        return _Options(gaps=gaps, newline="\r\n")
    if layout == "htmltext":
        return _Options(gaps="html")
    if layout == "chromegap":
        return _Options(gaps="chrome")
    if layout == "narrow":
        return _Options(width=rng.choice((60, 64, 66, 70, 72)))
    if layout == "indented":
        return _Options(gaps="none", indent=rng.choice(("    ", "\t", "  ", "     ")))
    if layout == "lynx":
        return _Options(width=76)
    raise ValueError(f"unknown layout {layout!r}")


_TIGHT_ROLES = {"nav", "related", "crumbs", "footer", "comments", "top", "below"}


def _gap(prev: Item, item: Item, gaps: str) -> bool:
    if gaps == "blank":
        return True
    if gaps == "none":
        return False
    if gaps == "chrome":
        return (prev[1] == "body") != (item[1] == "body")
    return not (prev[2] == item[2] and item[2] in _TIGHT_ROLES)


def _physical(item: Item, layout: str, opts: _Options) -> list[str]:
    _, kind, _, text = item
    if kind == "space":
        return [text]
    if layout == "lynx":
        indent = "" if kind == "title" else "   "
        return textwrap.wrap(text, opts.width, initial_indent=indent, subsequent_indent=indent,
                             break_on_hyphens=False, break_long_words=False)
    if opts.width:
        return textwrap.wrap(text, opts.width, break_on_hyphens=False, break_long_words=False)
    if kind == "body" and opts.indent:
        return [opts.indent + text]
    return [text]


def render_dump(stories: list[Story], fam: Family, layout: str, encoding: str,
                rng: random.Random, name: str, headlines: list[str]) -> Dump:
    """One dump of `stories` in `fam`'s chrome and `layout` (any of `ALL_LAYOUTS`)."""
    opts = _options(layout, rng)
    own = {s.title for s in stories}
    pool = [h for h in headlines if h not in own]
    items: list[Item] = []
    if rng.random() < 0.35:
        stamp = f"{rng.randint(2016, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        items.append((0, "chrome", "header", rng.choice((
            f"{fam.name} {stamp} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00",
            f"Source: https://{fam.domain}/ (fetched {stamp})",
            f"=== {fam.domain} ===", f"Scraped {stamp} from {fam.domain}"))))
    links = layout if layout in ("markdown", "lynx") else ""
    for a, story in enumerate(stories):
        if a and opts.separator:
            items.append((a - 1, "space" if opts.separator == "\f" else "chrome", "separator",
                          opts.separator))
        if opts.counter:
            items.append((a, "chrome", "counter", opts.counter.format(i=a + 1, n=len(stories))))
        ctx = _Page(rng, fam, story, pool, links)
        items.extend(_build_page(fam, layout, story, a, ctx, rng))
    conv: Callable[[str], str] = (lambda s: s) if encoding == "utf-8" else _cp
    wraps = bool(opts.width)
    items = [(a, kind, role, re.sub(r"[ \t]+", " ", conv(text)).strip() if wraps and kind != "space"
              else conv(text)) for a, kind, role, text in items]
    truth = [TruthArticle(title=None, dek=None, paragraphs=[]) for _ in stories]
    for a, kind, _, text in items:
        t = truth[a]
        if kind == "title":
            t.title = text[2:] if layout == "markdown" else text
        elif kind == "dek":
            t.dek = text
        elif kind == "body":
            t.paragraphs.append(text)
        elif kind in ("chrome", "teaser"):
            t.junk.append(text)
            if kind == "teaser":
                t.teasers.append(text)
    lines: list[str] = []
    labels: list[tuple[int, str, str]] = []
    for i, item in enumerate(items):
        if i and _gap(items[i - 1], item, opts.gaps):
            lines.append("")
            labels.append((items[i - 1][0], "blank", ""))
        for line in _physical(item, layout, opts):
            lines.append(line)
            labels.append((item[0], "blank" if item[1] == "space" else item[1], item[2]))
    _starts(labels, truth)
    text = opts.newline.join(lines) + opts.newline
    group = "report" if fam.group == "report" and LAYOUT_GROUPS[layout] == "report" else (
        "dev" if fam.group == "dev" and LAYOUT_GROUPS[layout] == "dev" else "mixed")
    return Dump(name, fam.name, layout, encoding, _encode(text, encoding), truth, group, text, labels)


def _adapt(p: Publisher, group: str, kind: str, domain: str, style: str = "uk") -> Family:
    """One of the first ten publishers as a family (its chrome unchanged)."""
    if len(p.inline) < 3:
        inline = tuple(p.inline)
    else:
        inline = tuple(x for x in ("\n".join(p.inline[:3]), "\n".join(p.inline[3:])) if x)
    return Family(name=p.name, group=group, kind=kind, domain=domain, top=tuple(p.top),
                  dek=p.dek, below=tuple(p.after_title), lead=tuple(p.caption), lead_p=0.7,
                  inline=inline, inline_n=(2, 2), end=tuple(p.bottom),
                  related=(related(p.related_heading, count=(3, 3)),) if p.related_heading else (),
                  style=style, fresh_names=True)


_CONSENT = ("We and our partners use cookies and similar technologies to store and access information on your device, to measure traffic and to personalise content and ads.\nAccept all\nReject all\nManage preferences")
_WP_FORM = ("Leave a Reply Cancel reply\nYour email address will not be published. Required fields are marked *\n"
            "Comment *\nName *\nEmail *\nWebsite\nSave my name, email, and website in this browser for the next time I comment.\nPost Comment\nΔ")

NEW_FAMILIES: list[Family] = [
    # ---- report -------------------------------------------------------------------------
    Family(
        name="NPR", group="report", kind="public radio (US)", domain="npr.org", style="us",
        top=("Accessibility links", "Skip to main content", "Keyboard shortcuts for audio player",
             maybe(0.5, "Open Navigation Menu", "Close Navigation Menu")),
        nav=("Home", "News", "Culture", "Music", "Podcasts & Shows", "Search", "Newsletters", "Shop", "Donate"),
        above=("{section}",),
        below=(maybe(0.6, "Listen · {dur}", "{dur}", "Toggle more options", "Download", "Embed", "Transcript"),
               one_of("Heard on Morning Edition", "Heard on All Things Considered", "", ""),
               "{month} {day}, {year} {h12}:{mi} {AP} ET", "By", "{name}", maybe(0.4, "{name2}")),
        lead=("{caption}\n{credit}\nhide caption\ntoggle caption\n{credit}",),
        inline=("Sponsor Message\nBecome a sponsor", "{caption}\n{photo}/{agency}\nhide caption\ntoggle caption",
                "Related Story: {headline}"),
        inline_n=(1, 3),
        end=(maybe(0.25, "Correction", "{apmon} {day}, {year}",
                   "An earlier version of this story gave the wrong date for the vote."),
             "{tag}", "{tag}", "Facebook", "Flipboard", "Email"),
        related=(related("More Stories From NPR", item="{tag}\n{headline}", count=(3, 4)),),
        footer=("Read & Listen", "Home", "News", "Culture", "Music", "Podcasts & Shows", "Connect",
                "Newsletters", "Facebook", "Instagram", "Press", "Public Editor", "Corrections",
                "Contact & Help", "About NPR", "Accessibility", "Ethics", "Finances", "Get Involved",
                "Support Public Radio", "Careers", "terms of use", "privacy", "your privacy choices",
                "text only", "© {year} npr"),
    ),
    Family(
        name="The Washington Post", group="report", kind="national paper (US)", domain="washingtonpost.com",
        style="us",
        top=("Accessibility statement", "Skip to main content", "Sign in", "Subscribe",
             maybe(0.4, "Today’s Paper")),
        nav=("Politics", "Opinions", "Style", "Investigations", "Climate", "Well+Being", "Business",
             "Tech", "World", "D.C., Md. & Va.", "Sports"), nav_join="  ",
        above=(one_of("Analysis", "Perspective", "Opinion", "", "", ""),),
        dek=True,
        below=(one_of("By {name}", "By {name} and {name2}", "By {name}, {name2} and {name3}"),
               "{month} {day}, {year} at {h12}:{mi} {apd} EDT",
               maybe(0.4, "Updated {month} {day}, {year} at {uh12}:{umi} {apd} EDT"),
               "Listen", "{mins} min", "Comment on this story", "Comment", "Gift Article", "Share"),
        lead=("{caption} ({photo}/{site})", "{caption} ({photo}/{agency})", "{caption} ({agency})"),
        inline=("Advertisement\nStory continues below advertisement", "Advertisement",
                "Get the most important stories of the day in your inbox each morning. Sign up for our free newsletter.",
                "Read more: {headline}", "[{headline}]"),
        inline_n=(2, 3),
        end=(maybe(0.3, "{name} is a reporter on the {section} desk. {name} joined {site} in {year2}."),
             maybe(0.2, "Correction: An earlier version of this article misstated the date of a meeting. It was on a {weekday}."),
             "Share", "{c} Comments", "Gift Article"),
        related=(related("More from {section}", item="{headline}", count=(3, 4)),
                 related("Popular", item="{headline}", count=(3, 5), p=0.5)),
        footer=("Company", "About The Post", "Newsroom Policies & Standards", "Diversity & Inclusion",
                "Careers", "Media & Community Relations", "Get The Post", "Become a Subscriber",
                "Contact Us", "Terms of Use", "Privacy Policy", "Cookie Settings", "© 1996-{year} {site}"),
    ),
    Family(
        name="CBS News", group="report", kind="TV network (US)", domain="cbsnews.com", style="us",
        top=("Watch CBS News", maybe(0.4, _CONSENT)),
        nav=("U.S.", "World", "Politics", "Entertainment", "Health", "Money", "Crime", "Sports",
             "Local News", "Live"), nav_join=" ",
        above=("{section}",),
        below=(one_of("By {name}", "By {name}, {name2}", "By {name}\nEdited By {name2}"),
               "Updated on: {month} {day}, {year} / {h12}:{mi} {AP} EST / CBS News",
               "Add CBS News on Google", "Share", "Facebook", "X", "Reddit", "Flipboard", "Email"),
        lead=("{caption}\n{agency}", "Watch: {headline}\n{dur}", "Watch CBS News\n{headline}\n{dur}"),
        inline=("Watch: {headline}\n{dur}", "Advertisement", "Related: {headline}",
                "Be the first to know\nGet browser notifications for breaking news, live events, and exclusive reporting."),
        end=("In: {tag}", "{tag}", maybe(0.4, "{name} is a reporter for CBS News Digital covering {section}.")),
        related=(related("More from CBS News", item="{headline}", count=(3, 4)),),
        footer=("© {year} CBS Interactive Inc. All Rights Reserved.", "Terms of Use", "Privacy Policy",
                "Your Privacy Choices", "Closed Captioning", "CBS News Store", "Site Map", "Contact Us"),
    ),
    Family(
        name="KVRN News 9", group="report", kind="local TV station (US)", domain="kvrn9.com", style="us",
        top=(maybe(0.3, "WEATHER ALERT: Frost advisory in effect until 9 AM"), "Watch Live",
             "{temp}°", "Closings & Delays"),
        nav=("News", "Weather", "Traffic", "Sports", "Watch", "9 Investigates", "Community", "Contests"),
        below=("By: {name}", "Posted at {h12}:{mi} {AP}, {month} {day}, {year}",
               maybe(0.6, "and last updated {uh12}:{umi} {AP}, {month} {day}, {year}")),
        lead=("Now Playing\n{headline}\n{dur}\nPrev\nNext", "{caption}\nKVRN", "{caption}"),
        lead_p=0.8,
        inline=("Watch: {headline}", "Download the KVRN News 9 app for breaking news alerts.",
                "Advertisement", "RELATED: {headline}"),
        end=("Copyright {year} KVRN News 9. All rights reserved.", "Report a typo"),
        related=(related("Trending Now", item="{headline}", count=(3, 5)),),
        footer=("KVRN News 9", "1500 Broadcast Way", "Contact Us", "FCC Public File",
                "FCC Applications", "EEO Report", "Closed Captioning", "Privacy Policy", "Terms of Use"),
    ),
    Family(
        name="Fenland Field Notes", group="report", kind="blog (Blogger)", domain="fenlandfieldnotes.blogspot.com",
        top=("Fenland Field Notes", "Occasional writing on news, money and the things in between.",
             maybe(0.5, "Search This Blog")),
        above=("{weekday}, {month} {day}, {year}",),
        lead=("{caption}",), lead_p=0.2,
        end=("Posted by {name} at {h12}:{mi} {AP}", "Email This", "BlogThis!", "Share to X",
             "Share to Facebook", "Share to Pinterest", "Labels: {tag}, {tag}"),
        comments=(one_of("No comments:", "{k} comments:"), "Post a Comment", maybe(0.6, "Newer Post\nOlder Post\nHome"),
                  "Subscribe to: Post Comments (Atom)"),
        related=(related("Popular Posts", item="{headline}", count=(3, 5), p=0.8),),
        footer=("Blog Archive", "▼ {year} ({k})", "► {month} ({k})", "► {year2} ({k})", "About Me",
                "{name}", "View my complete profile", "Powered by Blogger."),
    ),
    Family(
        name="Threadline", group="report", kind="reading platform (Medium-like)", domain="threadline.pub",
        top=("Open in app", "Sign up", "Sign in", "Write", maybe(0.4, "Member-only story")),
        dek=True,
        below=("{name}", "Follow", "{mins} min read", "·", "{mon} {day}, {year}", "--", "{big}", "{k}",
               "Listen", "Share"),
        lead=("Photo by {photo} on Unsplash", "Image: {photo}", "{caption}"), lead_p=0.6,
        inline=("Photo by {photo} on Unsplash", "Image by author", "{caption} Photo: {agency}"),
        inline_n=(0, 2),
        end=("{big}", "{k}", "--", "Written by {name}", "{big} Followers", "Follow"),
        related=(related("More from {name}", item="{headline}\n{mins} min read", count=(2, 4)),
                 related("Recommended from Threadline", item="{anyname}\n{headline}\n{mon} {day}\n{big}\n{k}", count=(2, 3))),
        footer=("Help", "Status", "About", "Careers", "Press", "Blog", "Privacy", "Terms",
                "Text to speech", "Teams"),
    ),
    Family(
        name="BioPharm Insider", group="report", kind="trade press", domain="biopharminsider.com",
        style="trade",
        top=(maybe(0.5, _CONSENT), "Register for free", "Log in", "Request a demo"),
        nav=("News", "Deals", "Regulatory", "Clinical Trials", "Manufacturing", "Events", "Webinars",
             "Jobs"), nav_join=" | ",
        crumbs=("Home / {section}",),
        below=("{name}", "{mon} {day}, {year}", "{mins} min read", "Share this article",
               "LinkedIn\nX\nEmail\nPrint"),
        lead=("{caption} Credit: {agency}",), lead_p=0.5,
        inline=("Sponsored: The {year} industry outlook report. Download now.",
                "Sign up to receive our daily newsletter, delivered every weekday morning.",
                "You have {k} free articles remaining this month. Register for unlimited access.",
                "Related: {headline}"),
        end=("Topics: {tag}, {tag}", maybe(0.5, "About the author", "{name} is a senior reporter at {site}, covering {tag}.")),
        related=(related("Most Popular", item="{i}\n{headline}", count=(4, 5)),),
        footer=("Copyright © {year} Insider Media Ltd. All rights reserved.", "Terms and Conditions",
                "Privacy Policy", "Cookie Settings", "Advertise", "Contact"),
    ),
    Family(
        name="The Indus Herald", group="report", kind="national paper (India)", domain="indusherald.in",
        style="in",
        top=("e-Paper", "Subscribe", "Sign In", "Trending: {headline}"),
        nav=("India", "World", "Business", "Sport", "Entertainment", "Opinion", "Cities", "Tech",
             "Videos"), nav_join=" | ",
        crumbs=("Home > {section}",),
        dek=True,
        below=(one_of("{name}", "By {name}", "Herald News Service"),
               "Updated - {month} {dd}, {year} {h12z}:{mi} {ap} IST",
               "READ LATER", "PRINT", "SHARE"),
        lead=("{caption} | Photo Credit: {agency}", "{caption} File | Photo Credit: {photo}"),
        inline=("ALSO READ | {headline}", "READ: {headline}", "Advertisement",
                "Get the latest news on WhatsApp. Join our channel for updates."),
        end=("(With inputs from agencies)", "Published - {month} {dd}, {year} {h12z}:{mi} {ap} IST",
             "{tag} / {tag} / {tag}", "COMMENTS", "SHARE", "Copy link", "Email", "Facebook",
             "Telegram", "LinkedIn", "WhatsApp", "Reddit"),
        related=(related("Top Picks For You", item="{headline}", count=(3, 5)),),
        footer=("Copyright© {year}, The Indus Herald", "Download the app", "Android", "iOS"),
    ),
    Family(
        name="The Savanna Standard", group="report", kind="national paper (Kenya)", domain="savannastandard.co.ke",
        top=("Home", "Join our WhatsApp Channel"),
        nav=("News", "Business", "Counties", "Politics", "Sports", "Opinion", "Lifestyle", "Videos", "ePaper"),
        above=("By {name} | {mon} {dayth}, {year} | {mins} min read",),
        lead=("{caption} [{agency}]", "{caption} [File, Standard]"),
        inline=("Read Also: {headline}", "Join our WhatsApp channel for the latest news and updates.",
                "ADVERTISEMENT", "Read Also: {headline}\nRead Also: {headline}"),
        end=("Related Topics", "{tag}", "{tag}", "{tag}"),
        related=(related("You May Also Like", item="{headline}\n{ago}", count=(3, 4)),
                 related("Latest Stories", item="{headline}", count=(3, 5), top=True, p=0.5)),
        footer=("© The Savanna Standard {year}", "Privacy Policy", "Terms of Use", "Advertise With Us",
                "Contact Us"),
    ),
    Family(
        name="Newsroll", group="report", kind="wire re-publisher (aggregator)", domain="newsroll.com",
        style="us",
        top=("News", "Finance", "Sports", "More", "Mail", "Sign in"),
        below=(one_of("Associated Press", "Reuters", "AFP", "The Canadian Press"),
               "{wkd}, {mon} {day}, {year}, {h12}:{mi} {AP}", "{mins} min read"),
        lead=("{caption} (AP Photo/{photo})", "{caption} REUTERS/{photo}"),
        inline=("Story continues", "Advertisement"), inline_n=(1, 1),
        end=("In this article:", "Terms and Privacy Policy", "Privacy Dashboard", "More Info"),
        related=(related("Trending", item="{i}. {headline}", count=(4, 6)),),
        footer=("About our ads", "Help", "Feedback", "© {year} Newsroll. All rights reserved."),
    ),
    # ---- dev ----------------------------------------------------------------------------
    Family(
        name="The Morning Record", group="dev", kind="national paper (US)", domain="morningrecord.com",
        style="us",
        top=("Skip to content", "Skip to site index", one_of("Subscribe for $1 a week", "Subscribe"),
             "Log in", "{weekday}, {month} {day}, {year}", "Today’s Paper"),
        nav=("U.S.", "World", "Business", "Arts", "Lifestyle", "Opinion", "Audio", "Games", "Cooking"),
        above=("{section}",),
        dek=True,
        below=("Share full article", "{c}", one_of("By {name}", "By {name} and {name2}"),
               maybe(0.5, "Reporting from {City}"), "{month} {day}, {year}",
               maybe(0.3, "Updated {uh12}:{umi} {apd} ET")),
        lead=("{caption}Credit...{photo} for {site}", "{caption}\nCredit...{agency}"),
        inline=("Advertisement\nSKIP ADVERTISEMENT", "You have {k} free articles remaining. Subscribe to continue reading.",
                "Listen to this article · {dur} min Learn more", "Related: {headline}"),
        end=(maybe(0.25, "A correction was made on {month} {day}, {year}: An earlier version of this article misstated a company’s name.",
                   "If you spot an error in our reporting, please let us know."),
             "{name} is a correspondent for {site}, based in {City}.",
             "A version of this article appears in print on {month} {day}, {year}, Section B, Page {k} of the City edition with the headline: {title}.",
             "Order Reprints | Today’s Paper | Subscribe"),
        related=(related("Related Content", item="{headline}", count=(2, 3), p=0.5),
                 related("Editors’ Picks", item="{headline}", count=(3, 4))),
        footer=("Site Index", "Site Information Navigation", "© {year} The Morning Record Company",
                "Contact Us", "Accessibility", "Work with us", "Advertise", "Privacy Policy",
                "Terms of Service"),
    ),
    Family(
        name="Riverside Tribune", group="dev", kind="local paper (US)", domain="riversidetribune.com",
        style="us",
        top=("Subscribe for $1", "Sign In", one_of("Weather: {temp}°F", "")),
        nav=("News", "Sports", "Entertainment", "Opinion", "Obituaries", "e-Edition", "Legals"),
        nav_join=" | ",
        above=("{SECTION}",),
        below=("{name}", "Riverside Tribune", "Published {h12}:{mi} {apd} ET {apmon} {day}, {year}",
               maybe(0.5, "Updated {uh12}:{umi} {apd} ET {apmon} {day}, {year}")),
        lead=("{caption} {photo}/Riverside Tribune", "{caption} {photo}/USA TODAY NETWORK"),
        inline=("Get the latest news sent to your inbox with our newsletters.", "More: {headline}",
                "Advertisement", "Read more: {headline}"),
        end=("Contact {name} at {email}.",),
        related=(related("Most Popular", item="{headline}", count=(3, 5)),),
        comments=("Comments", "Join the conversation"),
        footer=("Help", "Terms of Service", "Subscription Terms & Conditions", "Privacy Policy",
                "Site Map", "Accessibility", "Our Ethical Principles",
                "© {year} www.{domain}. All rights reserved."),
    ),
    Family(
        name="Harbour Town Echo", group="dev", kind="local paper (UK)", domain="harbourtownecho.co.uk",
        top=(maybe(0.6, _CONSENT), "Our newsletters"),
        nav=("News", "Sport", "What's On", "Property", "Jobs", "Family Notices"), nav_join="  ",
        crumbs=(one_of("News\nLocal News", "News > {section}"),),
        below=(one_of("{name} Senior Reporter", "{name}, Local Democracy Reporter", "{name} Reporter"),
               "{hh}:{mi}, {day} {mon} {year}", maybe(0.5, "Updated {uhh}:{umi}, {day} {mon} {year}")),
        lead=("{caption} (Image: {agency})", "{caption}(Image: {photo})"),
        inline=("READ MORE: {headline}", "READ MORE: {headline}\nREAD MORE: {headline}",
                "Get the latest news from across the region straight to your inbox by signing up to our free newsletter.",
                "Don't miss the biggest stories - join our WhatsApp community."),
        inline_n=(2, 3),
        end=("Follow {site}", "Facebook", "X"),
        related=(related("Most Read", item="{i}\n{headline}", count=(4, 5)),
                 related("Most Recent", item="{headline}", count=(3, 4))),
        footer=("{site} is part of Coastline Media. © {year}", "Contact Us", "How to complain",
                "Corrections and clarifications", "Privacy notice", "Cookie notice",
                "Terms and conditions", "Advertise with us"),
    ),
    Family(
        name="Channel 12 Metro", group="dev", kind="local TV station (US)", domain="metro12.tv",
        style="us",
        top=(maybe(0.4, "BREAKING: {headline}"), "Watch Live", "{temp}°"),
        nav=("Local News", "Weather", "Traffic", "Video", "Sports", "12 Investigates", "Community"),
        below=("Author: {name}", "Published: {h12}:{mi} {AP} EST {month} {day}, {year}",
               "Updated: {uh12}:{umi} {AP} EST {month} {day}, {year}"),
        lead=("Video: {headline}\n{dur}", "{caption}\nCredit: {agency}"), lead_p=0.8,
        inline=("Watch: {headline}", "Sign up for the Channel 12 Metro morning newsletter.",
                "Download the free Channel 12 app for the latest news and weather."),
        related=(related("Related Articles", item="{headline}", count=(2, 3)),
                 related("In Other News", item="{headline}\n{dur}", count=(2, 4))),
        footer=("Channel 12 Metro Public File", "FCC Applications", "EEO Report", "Closed Captioning",
                "Terms of Service", "Privacy Policy", "© {year} Channel 12 Metro"),
    ),
    Family(
        name="The Atlas Review", group="dev", kind="magazine (long-form)", domain="atlasreview.com",
        style="mag",
        top=("Subscribe", "Sign In", "Menu", maybe(0.4, "You have {k} free articles left this month.")),
        above=(one_of("Ideas", "Politics", "Culture", "Science", "Economy", "Dispatches"), "By {name}"),
        dek=True,
        below=("{month} {day}, {year}", "Share", "Save",
               maybe(0.4, "Listen to this article", "{dur}", "Narrated with an AI voice.")),
        lead=("{caption} Illustration by {photo}", "Illustration by {photo}. Sources: {agency}."),
        inline=("Read: {headline}", "Explore the {month} {year} issue",
                "Check out more from this issue and find your next story to read."),
        end=("This article appears in the {month} {year} print edition with the headline “{title}.”",
             "About the Author", "{name} is a staff writer at {site}.",
             maybe(0.3, "When you buy a book using a link on this page, we receive a commission. Thank you for supporting {site}.")),
        related=(related("Explore More Topics", item="{tag}", count=(3, 4)),
                 related("Most Popular", item="{headline}", count=(3, 4), p=0.6)),
        footer=("About", "Our History", "Careers", "Contact", "Help Center", "Subscription",
                "Give a Gift", "Newsletters", "Podcasts", "Privacy Policy", "Your Privacy Choices",
                "Terms and Conditions", "{site} © {year}"),
    ),
    Family(
        name="Circuit Weekly", group="dev", kind="magazine (technology)", domain="circuitweekly.com",
        style="us",
        top=("Skip to main content", "Sign In", "Subscribe"),
        nav=("Gadgets", "Security", "Science", "Culture", "Business", "Reviews", "Deals", "Podcasts"),
        nav_join="  ",
        above=("{SECTION}",),
        dek=True,
        below=("{name}", "{month} {day}, {year} {h12}:{mi} {AP}", "Save this story", "Save", "Comment"),
        lead=("Photo-Illustration: {site} Staff; {agency}", "{caption} Photograph: {photo}; {agency}"),
        inline=("If you buy something using links in our stories, we may earn a commission. Learn more.",
                "Related Stories\n{headline}\n{headline}\n{headline}",
                "Sign up for our weekly newsletter on the future of technology."),
        end=("Topics", "{tag}", "{tag}", "{tag}"),
        related=(related("More From Circuit Weekly", item="{headline}\n{anyname}", count=(3, 4)),),
        footer=("© {year} Circuit Media LLC. All rights reserved.", "Your Privacy Choices", "Ad Choices"),
    ),
    Family(
        name="Notes from the Valley", group="dev", kind="blog (WordPress)", domain="notesfromthevalley.net",
        top=("Skip to content", "Notes from the Valley", "Thoughts on news, money and the world", "Menu"),
        nav=("Home", "About", "Archive", "Contact"),
        below=(one_of("Posted on {month} {day}, {year} by {name}", "{month} {day}, {year} / {name} / {k} Comments",
                      "Published by {name} on {month} {day}, {year}"),),
        lead=("{caption} Photo: {agency}",), lead_p=0.4,
        inline=("Advertisements\nReport this ad", "Advertisements"), inline_n=(0, 2),
        end=("Share this:", "Click to share on X (Opens in new window)", "Click to share on Facebook (Opens in new window)",
             "Like this:", "Like Loading...", one_of("Posted in {tag}", "Categories: {tag}, {tag}"),
             maybe(0.6, "Tagged {tag}, {tag}"), "Post navigation", "Previous post\n{headline}",
             maybe(0.6, "Next post\n{headline}")),
        related=(related("Related", item="{headline}\n{month} {day}, {year}\nIn \"{tag}\"", count=(3, 3), p=0.7),),
        comments=(_WP_FORM,),
        footer=("Search for:", "Search", "Recent Posts", "{headline}", "{headline}", "{headline}",
                "Archives", "{month} {year}", "Categories", one_of("Blog at WordPress.com.", "Proudly powered by WordPress")),
    ),
    Family(
        name="The Margin Memo", group="dev", kind="newsletter (Substack-like)", domain="marginmemo.pub",
        top=("The Margin Memo", "Subscribe", "Sign in"),
        dek=True,
        below=("{name}", "{mon} {day}, {year}", "{k}", "{k}", "Share"),
        lead=("{caption}",), lead_p=0.3,
        inline=("Thanks for reading The Margin Memo! Subscribe for free to receive new posts and support my work.\nSubscribe",
                "Share", "Leave a comment", "Type your email...\nSubscribe"),
        inline_n=(1, 2),
        end=("{k}", "Share", "Discussion about this post", "Comments", "Restacks", "Ready for more?",
             "Type your email...", "Subscribe"),
        related=(related("Recent posts", item="{headline}\n{mon} {day} • {name}", count=(2, 3), p=0.5),),
        footer=("© {year} {name}", "Privacy ∙ Terms ∙ Collection notice", "Start writing", "Get the app"),
    ),
    Family(
        name="MarketScreen", group="dev", kind="wire re-publisher (finance)", domain="marketscreen.com",
        style="us",
        top=("MarketScreen", "Quotes", "Markets", "News", "Sign in"),
        above=("{wkd}, {mon} {day}, {year} at {hh}:{mi}",),
        below=("Share", "{CITY}, {month} {day} (Reuters) -"),
        inline=("Stocks mentioned in the article",), inline_n=(0, 1),
        end=("(Reporting by {name} in {City}; Additional reporting by {name2}; Editing by {name3})",
             "© Reuters {year}"),
        related=(related("Latest news about {tag}", item="{hh}:{mi}\n{headline}", count=(3, 5)),),
        footer=("All news", "Quotes", "Contact", "Terms", "Privacy policy"),
    ),
    Family(
        name="Ledger Business", group="dev", kind="financial news (wire)", domain="ledgerbusiness.com",
        style="us",
        related=(related("Most Read from Ledger Business", item="{headline}", count=(4, 5), top=True),),
        above=(one_of("{section}", "{section}", "Markets", "Economics"),),
        below=(one_of("By {name}", "By {name} and {name2}"), "{month} {day}, {year} at {h12}:{mi} {AP} GMT",
               maybe(0.5, "Updated on {month} {day}, {year} at {uh12}:{umi} {AP} GMT"),
               "Save", "Translate", "Gift this article"),
        lead=("{caption} Photographer: {photo}/Ledger", "{caption}"),
        inline=("Listen\n{dur}", "Sign up for the Ledger Business morning briefing newsletter.",
                "Before it’s news, it’s on the Ledger terminal."),
        end=(one_of("— With assistance from {name2} and {name3}.", "— With assistance from {name2}."),
             maybe(0.4, "(Updates with analyst comment in fifth paragraph.)"),
             "©{year} Ledger Business L.P."),
    ),
    Family(
        name="Fleet & Freight Journal", group="dev", kind="trade press", domain="fleetfreightjournal.co.uk",
        style="trade",
        top=("Login", "Register", "Subscribe", "Advertise", "Events", "Jobs"),
        crumbs=("Home » {section} » {tag}",),
        below=("Written by {name}", "{day} {month} {year}", "Share this: LinkedIn | X | Email"),
        lead=("{caption} Image: {agency}",), lead_p=0.5,
        inline=("Sponsored: Download the {year} fleet technology report",
                "This article is for registered users only.\nRegister for free to continue reading.\nAlready registered? Log in",
                "Related: {headline}"),
        end=("Related topics", "{tag}", "{tag}", "About the author",
             "{name} is the news editor of {site}."),
        related=(related("Related articles", item="{headline}\n{day} {month} {year}", count=(3, 3)),),
        comments=("Comments", "You must be logged in to comment."),
        footer=("© {year} Freightline Media Ltd. Registered in England and Wales No. {num7}",
                "Privacy", "Cookies", "Terms", "Contact"),
    ),
    Family(
        name="The Daily Beacon", group="dev", kind="tabloid (UK)", domain="dailybeacon.co.uk",
        nav=("Home", "News", "Royals", "U.S.", "Sport", "TV", "Showbiz", "Lifestyle", "Money",
             "Travel", "Health", "Science", "Puzzles"), nav_join="  ",
        below=(one_of("By {NAME} FOR THE DAILY BEACON", "By {NAME}, POLITICAL EDITOR", "By {NAME}"),
               "Published: {hh}:{mi} GMT, {day} {month} {year} | Updated: {uhh}:{umi} GMT, {day} {month} {year}",
               "e-mail", "{big}", "View comments"),
        lead=("Pictured: {caption}", "{caption}\nCredit: {agency}"),
        inline=("RELATED ARTICLES\nPrevious\n1\nNext\n{headline}\n{headline}\nShare this article\nShare",
                "Advertisement", "READ MORE: {headline}", "Image {of}"),
        inline_n=(2, 3),
        end=("Share or comment on this article:", "e-mail", "{big}", "shares"),
        comments=("Comments {c}", "Share what you think",
                  "The comments below have not been moderated.",
                  "The views expressed in the contents above are those of our users and do not necessarily reflect the views of {site}."),
        related=(related("MOST READ NEWS", item="{headline}", count=(4, 6)),),
        footer=("Published by Beacon Newspapers Ltd", "Part of the Beacon Group", "© Beacon Newspapers Ltd",
                "Contact us", "How to complain", "Advertise with us", "Terms", "Privacy policy & cookies"),
    ),
    Family(
        name="NewsBharat Live", group="dev", kind="TV news site (India)", domain="newsbharatlive.com",
        style="in",
        top=("Trending", "Live TV", "Latest"),
        nav=("India", "World", "Cities", "Business", "Tech", "Entertainment", "Sports", "Videos"),
        nav_join=" | ",
        crumbs=("Home / {section} / News",),
        below=("{name}", "{section}", "Updated: {month} {day}, {year} {h12}:{mi} {ap} IST",
               "Read Time: {mins} mins", "Share", "{City}:"),
        lead=("{caption} (File)", "{caption} (Representational)"),
        inline=("Also Read | {headline}", "Get the latest updates on WhatsApp. Click to join.",
                "Advertisement"),
        end=("(This story has not been edited by {site} staff and is auto-generated from a syndicated feed.)",
             "Follow us for the latest news from India and around the world."),
        related=(related("Trending News", item="{headline}", count=(3, 4)),),
        footer=("Download the app", "Copyright © {site} Media Ltd, {year}. All rights reserved."),
    ),
    Family(
        name="Coastal Daily", group="dev", kind="national news site (Australia)", domain="coastaldaily.com.au",
        top=("Skip to main content", "Skip to navigation", "Coastal Daily"),
        nav=("Just In", "Australia", "World", "Business", "Sport", "Analysis", "Fact Check", "Your Local"),
        below=("By {name}", "Posted {wkd} {day} {mon} {year} at {h12}:{mi}{ap}",
               maybe(0.5, "Updated {ago}"), "Share"),
        lead=("{caption} ({site}: {photo})", "{caption} ({agency})"),
        inline=("Loading...", "Loading form...",
                "Get our breaking news alert\nDownload the Coastal Daily app to be the first to know.",
                "Related: {headline}"),
        end=("Topics: {tag}, {tag}, {tag}",),
        related=(related("Top Stories", item="{headline}", count=(3, 5)),),
        footer=("Coastal Daily acknowledges the Traditional Custodians of the lands where we live, work and report.",
                "© {year} Coastal Daily", "Terms of Use", "Privacy Policy", "Contact"),
    ),
    Family(
        name="Cape Courier", group="dev", kind="national news site (South Africa)", domain="capecourier.co.za",
        top=("Subscribe for R75 per month", "Sign In", "Search"),
        nav=("News", "Politics", "Business", "Sport", "Opinion", "Lifestyle", "Travel"),
        above=("{section}",),
        below=("{name}", "Published {day} {month} {year} at {hh}:{mi}",
               maybe(0.5, "Listen to this article", "{dur}")),
        lead=("{caption} (Photo: {agency})", "{caption}\n{photo}/Gallo Images"),
        inline=("ADVERTISEMENT\nCONTINUE READING BELOW", "Get the biggest daily stories by email",
                "READ | {headline}"),
        end=("Disclaimer: {site} welcomes comments, but reserves the right to remove those that break our rules.",
             one_of("Show comments", "{k} comments")),
        related=(related("Related Links", item="{headline}", count=(2, 3)),
                 related("Trending", item="{headline}", count=(3, 4), p=0.6)),
        footer=("© {year} Cape Courier (Pty) Ltd. All rights reserved.", "Terms & Conditions",
                "Privacy Policy", "Contact Us"),
    ),
    Family(
        name="Maple Dispatch", group="dev", kind="public broadcaster (Canada)", domain="mapledispatch.ca",
        top=("Content Skip to Main Content", "Accessibility Help", "Menu", "Search", "Sign In"),
        nav=("News", "Sports", "Radio", "Music", "Listen Live", "TV", "Watch"), nav_join=" ",
        dek=True,
        below=("Social Sharing",
               "{name} · {site} · Posted: {mon} {dd}, {year} {h12}:{mi} {AP} EST | Last Updated: {ago}",
               maybe(0.5, "Listen to this article", "Estimated {mins} minutes",
                     "This audio version is generated with text-to-speech technology.")),
        lead=("{caption} ({photo}/{agency})", "{caption}"),
        inline=("ADVERTISEMENT", "WATCH | {headline}:\n{dur}", "WATCH | {headline}\n{dur}"),
        end=("ABOUT THE AUTHOR", "{name}", "{name} is a journalist based in {City}.",
             "Our Journalistic Standards and Practices", "|", "About {site}", "Corrections and clarifications",
             "|", "Submit a news tip", "|", "Report error"),
        related=(related("Related Stories", item="{headline}", count=(2, 4)),),
        footer=("©{year} Maple Dispatch", "Terms of Use", "Privacy", "Accessibility", "Contact"),
    ),
]

FAMILIES: list[Family] = [
    _adapt(PUBLISHERS[0], "report", "wire agency", "reuters.com", "us"),
    _adapt(PUBLISHERS[1], "dev", "national paper (UK)", "theguardian.com"),
    _adapt(PUBLISHERS[2], "dev", "TV network (US)", "cnn.com", "us"),
    _adapt(PUBLISHERS[3], "report", "wire agency", "apnews.com", "us"),
    _adapt(PUBLISHERS[4], "dev", "international broadcaster", "aljazeera.com"),
    _adapt(PUBLISHERS[5], "dev", "TV network (US)", "foxnews.com", "us"),
    _adapt(PUBLISHERS[6], "dev", "blog (WordPress theme)", "thedailyledger.com"),
    _adapt(PUBLISHERS[7], "dev", "local paper (UK)", "northfieldgazette.co.uk"),
    _adapt(PUBLISHERS[8], "dev", "political news (EU)", "politico.eu"),
    _adapt(PUBLISHERS[9], "dev", "national paper (Australia)", "smh.com.au"),
    *NEW_FAMILIES,
]


def families_in(selection: str) -> list[Family]:
    """The families of `selection`: "dev", "report" or "all" (every family)."""
    if selection == "all":
        return list(FAMILIES)
    if selection in ("dev", "report"):
        return [f for f in FAMILIES if f.group == selection]
    raise ValueError(f"families must be one of dev, report, all (not {selection!r})")


def layouts_in(selection: str) -> list[str]:
    """The layouts of `selection`: "dev", "report", "all" or "legacy" (the first six)."""
    if selection == "legacy":
        return list(LAYOUTS)
    if selection == "all":
        return list(ALL_LAYOUTS)
    if selection in ("dev", "report"):
        return [x for x in ALL_LAYOUTS if LAYOUT_GROUPS[x] == selection]
    raise ValueError(f"layouts must be one of {', '.join(SELECTIONS)} (not {selection!r})")


def make_dumps(stories: list[Story], n_dumps: int, seed: int = 7,
               per_dump: tuple[int, int] = (3, 9), families: str = "legacy") -> list[Dump]:
    """`n_dumps` dumps, publishers and layouts in rotation, encodings at random.

    `families` picks the set: "legacy" (the default, the first version's dumps byte for
    byte: the ten `PUBLISHERS` in the six `LAYOUTS`), "dev" or "report" (the families and
    layouts of that group only), "all" (every family in every layout).
    """
    if families not in SELECTIONS:
        raise ValueError(f"families must be one of {', '.join(SELECTIONS)} (not {families!r})")
    rng = random.Random(seed)
    pool = list(stories)
    rng.shuffle(pool)
    headlines = [s.title for s in stories]
    fams = families_in(families) if families != "legacy" else []
    layouts = layouts_in(families)
    dumps = []
    pos = 0
    for d in range(n_dumps):
        k = rng.randint(*per_dump)
        if pos + k > len(pool):
            pos = 0
        chosen = pool[pos: pos + k]
        pos += k
        if families == "legacy":
            pub = PUBLISHERS[d % len(PUBLISHERS)]
            layout = LAYOUTS[(d // len(PUBLISHERS)) % len(LAYOUTS)]
            enc = rng.choice(ENCODINGS)
            slug = pub.name.lower().replace(" ", "-")
            dumps.append(make_dump(chosen, pub, layout, enc, rng, f"{d:03d}_{slug}_{layout}.txt",
                                   headlines))
            continue
        fam = fams[d % len(fams)]
        layout = layouts[(d + d // len(fams)) % len(layouts)]
        enc = rng.choice(ENCODINGS)
        slug = re.sub(r"[^a-z0-9]+", "-", fam.name.lower()).strip("-")
        dumps.append(render_dump(chosen, fam, layout, enc, rng, f"{d:03d}_{slug}_{layout}.txt",
                                 headlines))
    return dumps
