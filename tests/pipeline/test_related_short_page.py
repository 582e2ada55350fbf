"""A page too short for the line model (fewer than `LineModelConfig.min_lines` free lines)
is left to the rules, strip's "Related" block rule among them: its teasers go as they go
with the model off."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.batch import clean_batch
from pipeline.config import DEFAULT_CONFIG
from pipeline.lines import LineModelConfig

TEXT = "\n\n".join([
    "Council closes harbour bridge for repairs",
    "The city council voted on Monday to close the harbour bridge for six weeks of repairs"
    " to its steel deck.",
    "Drivers will be sent along the coast road, adding about twenty minutes to the trip into"
    " the city centre.",
    "The council said the bridge repairs could not wait for the summer.",
    "Related Articles",
    "The harbour bridge repairs will cost the city council more than it planned, officials"
    " said on Monday.",
    "Drivers on the coast road faced long delays into the city centre after the bridge"
    " closed for repairs.",
]) + "\n"


def _paragraphs(tmp_path: Path, enabled: bool) -> list[str]:
    path = tmp_path / "short.txt"
    path.write_text(TEXT, "utf-8")
    cfg = replace(DEFAULT_CONFIG,
                  split=replace(DEFAULT_CONFIG.split, lines=LineModelConfig(enabled=enabled)))
    (art,) = clean_batch([path], tmp_path, cfg).articles
    return art.text.split("\n\n")


def test_a_page_too_short_for_the_model_loses_its_related_block(tmp_path: Path) -> None:
    assert len(_paragraphs(tmp_path, enabled=False)) == 3  # the rule's behaviour
    assert _paragraphs(tmp_path, enabled=True) == _paragraphs(tmp_path, enabled=False)
