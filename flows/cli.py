"""`newsclean` command line: run the clean-news flow locally (Prefect ephemeral mode)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsclean",
        description="Turn scraped news text into clean, deduplicated Parquet.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="clean a raw folder into an output folder",
        description=(
            "Run the Prefect flow 'clean-news' locally (Prefect's ephemeral mode: no server "
            "needed). Reads every .txt/.jsonl file under RAW_DIR, writes OUT_DIR/articles "
            "(Parquet), OUT_DIR/rejects (files that could not be cleaned, with the reason) "
            "and OUT_DIR/reports (a JSON report per run). Exit status 0 when the run "
            "completed (rejected files included), 1 when it failed, 2 when it could not "
            "start (missing raw folder, unwritable output folder)."
        ),
    )
    run.add_argument("raw_dir", nargs="?", default="raw", metavar="RAW_DIR",
                     help="folder of raw scraped files, read recursively (default: raw)")
    run.add_argument("--out", dest="out_dir", default="clean", metavar="OUT_DIR",
                     help="output folder (default: clean)")
    run.add_argument("--shard-files", type=int, default=64, metavar="N",
                     help="at most N raw files per task (default: 64)")
    run.add_argument("--shard-mb", type=int, default=32, metavar="MB",
                     help="at most about MB megabytes of raw files per task (default: 32)")
    return parser


def _check_writable(out: Path) -> str | None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".probe-"):
            pass
    except OSError as err:
        return f"cannot write to output folder {str(out)!r}: {err.strerror or err}"
    return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return _run(args)
    return EXIT_USAGE  # pragma: no cover - argparse enforces a command


def _run(args: argparse.Namespace) -> int:
    raw, out = Path(args.raw_dir), Path(args.out_dir)
    if not raw.exists():
        print(f"newsclean: raw folder {str(raw)!r} does not exist", file=sys.stderr)
        return EXIT_USAGE
    if not raw.is_dir():
        print(f"newsclean: raw folder {str(raw)!r} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    if problem := _check_writable(out):
        print(f"newsclean: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.shard_files < 1 or args.shard_mb < 1:
        print("newsclean: --shard-files and --shard-mb must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.flow import clean_news  # imported late: Prefect's import is slow

    try:
        report = clean_news(raw_dir=str(raw), out_dir=str(out),
                            shard_max_files=args.shard_files, shard_max_mb=args.shard_mb)
    except Exception as err:  # the flow failed; Prefect has logged the traceback
        print(f"newsclean: run failed: {type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_FAILED
    c = report["counts"]
    print(
        f"newsclean: {c.get('articles', 0)} articles in {c.get('clusters', 0)} clusters "
        f"({c.get('duplicates', 0)} duplicates, {c.get('spun', 0)} spun), "
        f"{c.get('rejected_files', 0)} rejected files -> {out / 'articles'} "
        f"[run {report['run_id']}, {report['total_seconds']:.1f}s]"
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
