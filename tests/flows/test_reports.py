"""What a person sees: the run summary, `newsclean report`, `newsclean explain`, logs."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from flows.cli import main
from flows.flow import clean_news


def test_report_explain_and_stage_logs(harness, raw_seeds: Path, tmp_path: Path, capsys,
                                       caplog) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(raw_seeds, raw)
    with caplog.at_level(logging.INFO):
        report = clean_news(str(raw), str(out), progress=True)
    stage_lines = [r.getMessage() for r in caplog.records if r.name == "prefect.flow_runs"]
    for stage in ("scan:", "read:", "split+strip:", "repair:", "cluster:", "write:"):
        assert sum(m.startswith(stage) for m in stage_lines) == 1, stage
    assert len(stage_lines) < 15  # one line per stage, no per-article lines
    assert "cleaning [" in capsys.readouterr().err  # the progress bar

    latest = json.loads((out / "reports" / "latest.json").read_text())
    assert latest["run_id"] == report["run_id"] and latest["counts"]["articles"] == 11

    assert main(["report", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"newsclean run {report['run_id']}" in text and "11 in 11 clusters" in text

    # the NYT dump's second article: paywall lines removed, title from above the paywall
    import pyarrow.dataset as ds

    rows = ds.dataset(out / "articles").to_table().to_pylist()
    art = next(r for r in rows if r["title"] and r["title"].startswith("With Cease-Fire"))
    assert main(["explain", art["article_id"], "--out", str(out), "--colour", "always"]) == 0
    shown = capsys.readouterr().out
    assert "\x1b[31m- You have been granted access" in shown  # removed, in red
    assert "rule:paywall-granted-access" in shown
    assert "When the cease-fire agreement" in shown
    page = out / "reports" / f"explain-{art['article_id']}.html"
    html = page.read_text()
    assert '<div class="removed">' in html and "granted access" in html

    spun = next(r for r in rows if r["spun"])
    assert main(["explain", spun["article_id"], "--out", str(out), "--colour", "never"]) == 0
    shown = capsys.readouterr().out
    assert "~ " in shown and "\x1b[" not in shown  # a changed line, no colour codes


def test_report_and_explain_errors(tmp_path: Path, capsys) -> None:
    assert main(["report", "--out", str(tmp_path)]) == 2
    assert "no run report" in capsys.readouterr().err
    (tmp_path / "articles").mkdir()
    assert main(["explain", "nope", "--out", str(tmp_path)]) == 2
    assert "no article 'nope'" in capsys.readouterr().err


def test_clusters_lists_copies_and_how_they_differ(harness, raw_seeds: Path, tmp_path: Path,
                                                   capsys) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(raw_seeds, raw)
    story = (raw / "002_483f2f0007b8cfd7.txt").read_text("utf-8")
    lines = story.splitlines()
    (raw / "exact.txt").write_text(story, "utf-8")
    (raw / "cut.txt").write_text("\n".join(lines[: len(lines) * 3 // 5]), "utf-8")
    clean_news(str(raw), str(out))
    assert main(["clusters", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "13 articles in 11 clusters; 1 with copies" in text
    assert "cluster " in text and ": 3 articles" in text
    # the original and its exact copy tie on quality; either may be canonical
    members = [ln for ln in text.splitlines() if ln.startswith("    ")]
    assert len(members) == 2 and sum(ln.endswith("exact copy") for ln in members) == 1
    cut = next(ln for ln in members if "[cut.txt]" in ln)
    assert "truncated" in cut and "containment" in cut
