"""`newsclean` command line.

    newsclean run [RAW_DIR] [--out OUT_DIR]      clean once (Prefect ephemeral mode)
    newsclean serve --cron "0 * * * *" ...       serve the flow on a schedule (Prefect server)
    newsclean report [--out OUT_DIR]             the latest run's summary
    newsclean explain ARTICLE_ID [--out OUT_DIR] one article: removed and changed lines
    newsclean clusters [--out OUT_DIR]           the largest clusters and their copies
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flows.ephemeral import EphemeralServer

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

_RUN_EPILOG = """exit status: 0 the run completed (rejected files included); 1 the run failed;
2 it could not start (missing raw folder, unwritable output folder, another run
is writing to the same output folder)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsclean",
        description="Turn scraped news text into clean, deduplicated Parquet.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run", help="clean a raw folder into an output folder", epilog=_RUN_EPILOG,
        description=(
            "Run the Prefect flow 'clean-news' locally, in Prefect's ephemeral mode (no "
            "server needed). Reads the new and changed .txt/.jsonl/.html files under RAW_DIR "
            "(files already cleaned are skipped), and writes OUT_DIR/articles (Parquet), "
            "OUT_DIR/rejects (files that could not be cleaned, with the reason) and "
            "OUT_DIR/reports (a JSON report per run)."),
    )
    _add_paths(run)
    run.add_argument("--shard-files", type=int, default=128, metavar="N",
                     help="at most N raw files per task (default: 128)")
    run.add_argument("--shard-mb", type=int, default=32, metavar="MB",
                     help="at most about MB megabytes of raw files per task (default: 32)")
    run.add_argument("--workers", type=int, default=0, metavar="N",
                     help="processes for the cleaning work (default 0: one per core)")
    run.add_argument("--dask", metavar="ADDRESS", default=None,
                     help="run the shard tasks on an existing dask.distributed cluster, e.g. "
                          "tcp://10.0.0.5:8786 (needs the 'dask' extra; raw and output folders "
                          "must be on a file system the workers share)")
    run.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                     help="progress bar on stderr: auto = when stderr is a terminal")

    serve = sub.add_parser(
        "serve", help="serve the flow on a cron schedule (needs a Prefect server)",
        description=(
            "Serve the 'clean-news' flow with Prefect (flow.serve): a deployment with a cron "
            "schedule, run by this process until it is stopped. Needs a running Prefect "
            "server ('prefect server start') and PREFECT_API_URL pointing at it, e.g. "
            "http://127.0.0.1:4200/api."),
    )
    _add_paths(serve)
    serve.add_argument("--cron", required=True, metavar="EXPR",
                       help='cron expression, e.g. "0 * * * *" for every hour')
    serve.add_argument("--name", default="newsclean-scheduled", metavar="NAME",
                       help="deployment name (default: newsclean-scheduled)")
    serve.add_argument("--timezone", default="UTC", metavar="TZ",
                       help="time zone of the cron expression (default: UTC)")

    report = sub.add_parser("report", help="print the latest run's summary",
                            description="Print the summary of the latest run in OUT_DIR.")
    report.add_argument("--out", dest="out_dir", default="clean", metavar="OUT_DIR",
                        help="output folder (default: clean)")
    report.add_argument("--json", action="store_true", help="print the JSON report instead")

    clusters = sub.add_parser(
        "clusters", help="list the largest clusters and how each copy differs",
        description=("List the largest clusters (stories with copies) in OUT_DIR: the "
                     "canonical article's title, and for each copy how it differs from the "
                     "canonical (words, estimated Jaccard and containment, truncated, spun, "
                     "title)."))
    clusters.add_argument("--out", dest="out_dir", default="clean", metavar="OUT_DIR",
                          help="output folder (default: clean)")
    clusters.add_argument("--top", type=int, default=10, metavar="N",
                          help="how many clusters (default: 10)")

    explain = sub.add_parser(
        "explain", help="show one article's raw lines, what was removed and changed",
        description=(
            "Show an article's raw lines with what was removed (and why) and what was changed, "
            "in colour on a terminal, and write the same as an HTML page under "
            "OUT_DIR/reports/."),
    )
    explain.add_argument("article_id", metavar="ARTICLE_ID")
    explain.add_argument("--out", dest="out_dir", default="clean", metavar="OUT_DIR",
                         help="output folder (default: clean)")
    explain.add_argument("--raw", dest="raw_dir", default=None, metavar="RAW_DIR",
                         help="raw folder (default: the one the latest run read)")
    explain.add_argument("--colour", "--color", dest="colour",
                         choices=("auto", "always", "never"), default="auto",
                         help="ANSI colour: auto = when stdout is a terminal")
    return parser


def _add_paths(p: argparse.ArgumentParser) -> None:
    p.add_argument("raw_dir", nargs="?", default="raw", metavar="RAW_DIR",
                   help="folder of raw scraped files, read recursively (default: raw)")
    p.add_argument("--out", dest="out_dir", default="clean", metavar="OUT_DIR",
                   help="output folder (default: clean)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    handler = {"run": _run, "serve": _serve, "report": _report, "explain": _explain,
               "clusters": _clusters}
    return handler[args.command](args)


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"newsclean: {message}", file=sys.stderr)
    return code


def _check_paths(raw: Path, out: Path) -> str | None:
    if not raw.exists():
        return f"raw folder {str(raw)!r} does not exist"
    if not raw.is_dir():
        return f"raw folder {str(raw)!r} is not a folder"
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".probe-"):
            pass
    except OSError as err:
        return f"cannot write to output folder {str(out)!r}: {err.strerror or err}"
    return None


def _run(args: argparse.Namespace) -> int:
    from pipeline.store import IndexMismatch, OutputLocked, OutputStore

    raw, out = Path(args.raw_dir), Path(args.out_dir)
    if problem := _check_paths(raw, out):
        return _fail(problem)
    if args.shard_files < 1 or args.shard_mb < 1 or args.workers < 0:
        return _fail("--shard-files and --shard-mb must be at least 1, --workers at least 0")
    try:  # refuse early, before Prefect's start-up; the flow holds the lock for real
        with OutputStore(out).locked():
            pass
    except OutputLocked as err:
        return _fail(str(err))
    from flows.work import GC_THRESHOLDS

    gc.set_threshold(*GC_THRESHOLDS)  # this process clusters and writes a run's output
    progress = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    server = _start_server()  # Prefect's API server starts while the rest starts
    try:
        if not args.dask:
            _start_workers(raw, out, args)
        from flows.flow import clean_news  # imported late: importing Prefect is slow

        flow = clean_news
        workers = args.workers
        if args.dask:
            try:
                from flows.flow import with_dask
            except ImportError as err:
                return _fail(f"--dask needs prefect-dask: pip install 'newsclean[dask]' ({err})")
            flow, workers = with_dask(args.dask), 1
        with _prefect_api(server):
            report = flow(raw_dir=str(raw.resolve()), out_dir=str(out.resolve()),
                          shard_max_files=args.shard_files, shard_max_mb=args.shard_mb,
                          progress=progress, workers=workers)
    except (OutputLocked, IndexMismatch) as err:
        return _fail(str(err))
    except Exception as err:  # the flow failed; Prefect has logged the traceback
        return _fail(f"run failed: {type(err).__name__}: {err}", EXIT_FAILED)
    finally:
        from flows.work import abandon_head_start, shutdown_pool

        abandon_head_start()  # begun shards no flow took over (it failed before)
        shutdown_pool()  # the workers started early, if the flow did not use them
        if server is not None:
            server.stop()
    c = report["counts"]
    what = "nothing new; " if report.get("nothing_new") else ""
    print(
        f"newsclean: {what}{c.get('articles', 0)} articles in {c.get('clusters', 0)} clusters "
        f"({c.get('duplicates', 0)} duplicates, {c.get('spun', 0)} spun), "
        f"{c.get('rejected_files', 0)} rejected files -> {out / 'articles'} "
        f"[run {report['run_id']}, {report['total_seconds']:.1f}s]"
    )
    return EXIT_OK


def _start_server() -> EphemeralServer | None:
    """Start the API server Prefect's ephemeral mode would start for the flow run (see
    `flows.ephemeral`), if this run needs one; None if it does not or it cannot."""
    from flows.ephemeral import EphemeralServer

    try:
        return EphemeralServer.start_if_needed()
    except Exception:  # noqa: BLE001 - only a head start: Prefect then starts its own
        return None


@contextmanager
def _prefect_api(server: EphemeralServer | None) -> Iterator[None]:
    """The flow run talks to `server` (once it answers; else Prefect starts its own), and
    what Prefect still has to send (logs, events) is sent before it stops."""
    if server is None or not server.wait():
        yield
        return
    from flows.ephemeral import api_url

    with api_url(server.api_url):
        try:
            yield
        finally:
            _drain_prefect()


def _drain_prefect() -> None:
    """Send the logs and events Prefect's background workers still hold (Prefect does it
    at exit, when its own ephemeral server would still be up)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=10)
        except Exception:  # noqa: BLE001 - a worker that never started
            pass


def _start_workers(raw: Path, out: Path, args: argparse.Namespace) -> None:
    """Start the worker processes the run will use before Prefect starts: they start and
    load their tables while Prefect starts its server (about 3 s); then begin the run's
    shards in them, or in a thread of this process if the run uses none
    (`flows.work.HeadStart`), which the flow takes over."""
    from flows.work import begin_head_start, expected_workers, start_workers

    max_bytes = args.shard_mb * 1024 * 1024
    try:
        n = expected_workers(raw, out, args.shard_files, max_bytes, args.workers)
    except Exception:  # noqa: BLE001 - only a head start: the flow reports real problems
        return
    if n < 1:
        return  # nothing new, as far as sizes and mtimes tell
    if n > 1:
        start_workers(n)
    try:  # one process (one shard, one core, --workers 1): begun in a thread of this one
        begin_head_start(raw, out, args.shard_files, max_bytes, args.workers)
    except Exception:  # noqa: BLE001 - as above
        pass


def _serve(args: argparse.Namespace) -> int:
    raw, out = Path(args.raw_dir), Path(args.out_dir)
    if problem := _check_paths(raw, out):
        return _fail(problem)
    if not os.environ.get("PREFECT_API_URL"):
        from prefect.settings import PREFECT_API_URL

        if not PREFECT_API_URL.value():
            return _fail("serve needs a Prefect server: start one with 'prefect server start' "
                         "and set PREFECT_API_URL=http://127.0.0.1:4200/api")
    from flows.deploy import check_cron, serve

    if problem := check_cron(args.cron):
        return _fail(problem)
    serve(str(raw.resolve()), str(out.resolve()), args.cron, args.name, args.timezone)
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    latest = Path(args.out_dir) / "reports" / "latest.json"
    if not latest.exists():
        return _fail(f"no run report in {str(Path(args.out_dir))!r}: run 'newsclean run' first")
    report = json.loads(latest.read_text("utf-8"))
    if args.json:
        print(json.dumps(report, indent=2))
        return EXIT_OK
    from flows.flow import summary_markdown

    print(summary_markdown(report))
    return EXIT_OK


def _clusters(args: argparse.Namespace) -> int:
    from flows.clusters import cluster_listing

    if not (Path(args.out_dir) / "articles").is_dir():
        return _fail(f"no articles in {str(Path(args.out_dir))!r}: run 'newsclean run' first")
    print(cluster_listing(Path(args.out_dir), args.top))
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    from flows.explain import explain

    out = Path(args.out_dir)
    raw = Path(args.raw_dir) if args.raw_dir else None
    if raw is None:
        latest = out / "reports" / "latest.json"
        if latest.exists():
            raw = Path(json.loads(latest.read_text("utf-8"))["raw_dir"])
    colour = args.colour == "always" or (args.colour == "auto" and sys.stdout.isatty())
    result = explain(out, args.article_id, raw, colour)
    if result is None:
        return _fail(f"no article {args.article_id!r} in {str(out / 'articles')!r}")
    text, page = result
    print(text)
    print(f"\nHTML: {page}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
