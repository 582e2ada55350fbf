"""Multi-article scrape dumps built from BBC articles, with known truth (a test instrument).

Each dump is one publisher's scrape: several BBC articles (their real headlines and
paragraphs, read from ../shared/corpora at run time) wrapped in that publisher's page
chrome, in one of several layouts and encodings. The truth records, per article, its title,
its body paragraphs and every junk line put around it, so that `bench/eval_strip.py` can
measure what the split and strip stages keep and remove.

The publishers below imitate sites the seeds never show (Reuters, The Guardian, CNN, AP,
Al Jazeera, Fox News, a WordPress blog, a local paper, ...). Their chrome is written from
what those pages carry; much of it is each site's own wording, which no general rule can
know and only the learned chrome (lines recurring across a publisher's pages) removes.
"X contributed to this report." sentences are left out: the seeds' expectations keep such
credits as body text, so they are neither junk nor body here.

Layouts: `plain` (blank line between paragraphs), `tight` (no blank lines), `wrapped`
(paragraphs hard-wrapped at 78 columns), `leaked` (each page opens with its page title
`<Title> | <Site>`, as browsers' "save as text" leaves it), `untitled` (no headline at
all), `separated` (a rule of dashes between pages). Encodings: UTF-8, Windows-1252, and UTF-8 mojibake (UTF-8 bytes decoded as
Windows-1252 and saved again as UTF-8).
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, field

from bench.bbc import Story

LAYOUTS = ("plain", "tight", "wrapped", "leaked", "untitled", "separated")
ENCODINGS = ("utf-8", "cp1252", "mojibake")


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
    title: str | None
    dek: str | None
    paragraphs: list[str]
    junk: list[str] = field(default_factory=list)


@dataclass
class Dump:
    name: str
    publisher: str
    layout: str
    encoding: str
    data: bytes
    articles: list[TruthArticle]


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


def make_dump(stories: list[Story], publisher: Publisher, layout: str, encoding: str,
              rng: random.Random, name: str, headlines: list[str]) -> Dump:
    """One dump of `stories` in `publisher`'s chrome (truth kept in cp1252-safe text)."""
    lines: list[str] = []
    truth: list[TruthArticle] = []
    header = layout != "untitled" and rng.random() < 0.5
    if header:
        lines.append(f"{publisher.name} 2025-03-{rng.randint(1, 28):02d} "
                     f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00")
    for story in stories:
        t = TruthArticle(title=None if layout == "untitled" else story.title, dek=None,
                         paragraphs=list(story.paragraphs))
        page: list[str] = []

        def junk(line: str, page: list[str] = page, t: TruthArticle = t) -> None:
            for part in line.split("\n"):
                page.append(part)
                t.junk.append(part)

        for line in publisher.top:
            junk(_fill(line, rng))
        if layout == "leaked":
            junk(f"{story.title} | {publisher.name}")
        if layout != "untitled":
            page.append(story.title)
        body = list(story.paragraphs)
        if publisher.dek and layout != "untitled" and len(body) > 3:
            t.dek = body[0]
            t.paragraphs = body[1:]
            page.append(body[0])
            body = body[1:]
        for line in publisher.after_title:
            junk(_fill(line, rng))
        if publisher.caption and rng.random() < 0.7:
            junk(_fill(rng.choice(publisher.caption), rng))
        slots = sorted(rng.sample(range(1, len(body)), k=min(len(body) - 1, 2))) if len(body) > 2 else []
        inline = [_fill(x, rng) for x in publisher.inline]
        for k, para in enumerate(body):
            if k in slots and inline:
                junk(inline[slots.index(k) % len(inline)] if len(inline) < 3
                     else "\n".join(inline[: 3] if slots.index(k) == 0 else inline[3:]))
            page.append(para)
        if publisher.related_heading:
            junk(publisher.related_heading)
            for h in rng.sample(headlines, 3):
                junk(h)
        for line in publisher.bottom:
            junk(_fill(line, rng))
        if layout == "separated" and truth:
            lines.append("-" * 40)
            truth[-1].junk.append("-" * 40)
        lines.extend(page)
        truth.append(t)
    if layout == "tight":
        text = "\n".join(lines)
    elif layout == "wrapped":
        text = "\n\n".join("\n".join(textwrap.wrap(ln, 78)) for ln in lines)
    else:
        text = "\n\n".join(lines)
    data = _encode(text + "\n", encoding)
    for t in truth:  # the truth is what the text says once decoded and repaired
        t.paragraphs = [_cp(p) for p in t.paragraphs]
        t.junk = [_cp(j) for j in t.junk]
        t.title = _cp(t.title) if t.title else None
        t.dek = _cp(t.dek) if t.dek else None
    return Dump(name, publisher.name, layout, encoding, data, truth)


def _cp(text: str) -> str:
    return text.encode("cp1252", errors="replace").decode("cp1252")


def make_dumps(stories: list[Story], n_dumps: int, seed: int = 7,
               per_dump: tuple[int, int] = (3, 9)) -> list[Dump]:
    """`n_dumps` dumps, publishers and layouts in rotation, encodings at random."""
    rng = random.Random(seed)
    pool = list(stories)
    rng.shuffle(pool)
    headlines = [s.title for s in stories]
    dumps = []
    pos = 0
    for d in range(n_dumps):
        k = rng.randint(*per_dump)
        if pos + k > len(pool):
            pos = 0
        chosen = pool[pos: pos + k]
        pos += k
        pub = PUBLISHERS[d % len(PUBLISHERS)]
        layout = LAYOUTS[(d // len(PUBLISHERS)) % len(LAYOUTS)]
        enc = rng.choice(ENCODINGS)
        slug = pub.name.lower().replace(" ", "-")
        dumps.append(make_dump(chosen, pub, layout, enc, rng, f"{d:03d}_{slug}_{layout}.txt",
                               headlines))
    return dumps
