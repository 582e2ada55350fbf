"""The boilerplate matcher's shortcuts never change which rule a line gets: a rule's
`requires` is only a pre-check (every line its pattern matches contains one of the listed
strings), and the matcher finds, for every line, the first rule in file order whose
pattern matches it within its `max_chars`, as trying them all one by one would."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.strip import load_rules, match_rule, normalize_line

ROOT = Path(__file__).resolve().parents[2]
BBC = ROOT.parent / "shared" / "corpora" / "bbc"

# Lines each of the rules with `requires` is written for (one per branch of its pattern).
EXAMPLES = [
    "Sign up for our free daily newsletter and get the news delivered to your inbox.",
    "Get our briefing, sent straight to your inbox every weekday.",
    "The scene at the port on Monday. Photograph: Jane Doe/Getty Images",
    "Crowds gather outside (AP Photo/John Smith)",
    "Rescue workers search the rubble [File: Ali Hassan/Reuters]",
    "A view of the city. REUTERS/Jane Doe/File Photo Purchase Licensing Rights",
    "Protesters march | Jane Doe/EPA-EFE",
    "The president speaks (Getty Images)",
    "Troops on patrol. Pics: Defence Ministry",
    "Story tips can be sent to tips@example.com.",
    "Jane Doe is a staff writer for The Example Times.",
]


def _lines() -> list[str]:
    lines = list(EXAMPLES)
    for path in sorted((ROOT / "raw").glob("*.txt")):
        lines += path.read_text("utf-8").splitlines()
    for case in json.loads((ROOT / "tests/golden/strip_cases.json").read_text("utf-8")):
        lines += case["lines"]
    if BBC.is_dir():
        for path in sorted(BBC.rglob("*.txt"))[:600]:
            lines += path.read_bytes().decode("utf-8", "replace").splitlines()
    return [n for n in (normalize_line(line) for line in lines) if n]


def test_every_match_of_a_rule_holds_one_of_its_required_strings() -> None:
    rules = [r for r in load_rules() if r.requires]
    for example in EXAMPLES:  # each example is one a rule with `requires` is written for
        assert any(r.pattern.search(normalize_line(example)) for r in rules), example
    for line in _lines():
        for rule in rules:
            if rule.pattern.search(line):
                assert any(x in line.lower() for x in rule.requires), (rule.name, line)


def test_the_matcher_finds_the_first_rule_in_file_order_that_matches() -> None:
    rules = load_rules()
    lines = _lines()
    # every rule's own kind of line, in upper and lower case, and lines opening with
    # characters the rules dispatch on (digits, punctuation, non-ASCII)
    lines += [x for r in rules for x in (r.origin, r.origin.upper(), r.origin.lower())]
    lines += ["12-month Special Offer", "3 Comments", "© 2025 Example", "(c) Example",
              "Ÿou have been granted access", "ſign up for our newsletter", "Kelvin",
              "\u212aelvin", "阅读简体中文版", "— Share this article", "— ", "*** ", "___"]
    for line in lines:
        norm = normalize_line(line)
        expected = next((r for r in rules if norm and len(norm) <= r.max_chars
                         and r.pattern.search(norm)), None)
        assert match_rule(line, rules) == expected, line
