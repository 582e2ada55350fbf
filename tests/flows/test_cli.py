"""The CLI refuses to start with a one-line reason when it cannot run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows.cli import EXIT_USAGE, build_parser, main


def test_missing_raw_folder_is_a_clear_error(tmp_path: Path, capsys) -> None:
    code = main(["run", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == EXIT_USAGE
    assert err.count("\n") == 0 and "does not exist" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_is_a_clear_error(tmp_path: Path, capsys) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code = main(["run", str(tmp_path), "--out", str(locked / "out")])
    assert code == EXIT_USAGE and "cannot write" in capsys.readouterr().err


def test_output_that_is_a_file_is_a_clear_error(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    code = main(["run", str(tmp_path), "--out", str(blocker)])
    assert code == EXIT_USAGE and "cannot write to output folder" in capsys.readouterr().err


def test_help_explains_every_option() -> None:
    text = build_parser()._subparsers._group_actions[0].choices["run"].format_help()
    for option in ("RAW_DIR", "--out", "--shard-files", "--shard-mb"):
        assert option in text
