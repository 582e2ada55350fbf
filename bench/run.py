"""newsclean benchmark: per stage and end to end, against the hand-written baseline.

    python bench/run.py --articles 10000            # generate (once) and measure
    python bench/run.py --articles 100000 --skip-baseline

Prints the machine, then for a corpus of N articles (bench/make_corpus.py; cached under
bench/out/):
- per stage, in one process on a sample of files: articles/s, MB/s of raw input, and the
  process's peak RSS after the stage;
- the baseline a user would start from (per article ftfy.fix_text, datasketch MinHash over
  word 5-grams with update_batch, MinHashLSH(threshold=0.8), pyarrow write), one process;
- end to end: `newsclean run CORPUS --out TMP` as a subprocess, Prefect start-up included,
  wall time and peak RSS (largest process of the run).
Numbers are measurements of this machine at this moment; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from make_corpus import write_corpus  # noqa: E402


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cores = len(os.sched_getaffinity(0))
    return (f"{platform.node()}: {cpu}, {cores} cores, {mem:.0f} GiB, "
            f"Python {platform.python_version()}, {platform.platform()}")


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def corpus(n: int) -> Path:
    path = HERE / "out" / f"corpus-{n}"
    done = path / ".complete"
    if not done.exists():
        shutil.rmtree(path, ignore_errors=True)
        counts = write_corpus(n, path)
        done.write_text(str(counts))
    return path


def raw_files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*.txt"))


def stages(files: list[Path], root: Path) -> list[tuple[str, int, float, float, float]]:
    """(stage, articles, seconds, MB, peak RSS MB) per stage on `files`, in this process,
    set up as a worker process is (`_warm`); Python's defaults again afterwards, for the
    baseline."""
    import gc

    from flows.work import _warm
    from pipeline.batch import clean_batch
    from pipeline.cluster import ClusterInput, cluster_articles
    from pipeline.write import shard_table, write_table

    defaults = gc.get_threshold()
    _warm()  # tables a worker process loads once when it starts, not per shard
    mb = sum(p.stat().st_size for p in files) / 1e6
    t = time.perf_counter()
    result = clean_batch(files, root)
    total_clean = time.perf_counter() - t
    n = len(result.articles)
    rows = [(f"{name}", n, secs, mb, peak_rss_mb()) for name, secs in result.seconds.items()]
    items = [ClusterInput(a.article_id, a.content_hash, a.signature, a.shingle_count, a.spun,
                          a.word_count, a.fetched_at) for a in result.articles]
    t = time.perf_counter()
    cluster_articles(items)
    rows.append(("cluster", n, time.perf_counter() - t, mb, peak_rss_mb()))
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        write_table(shard_table(result.articles, "bench"), Path(tmp) / "part.parquet")
        rows.append(("write (shard)", n, time.perf_counter() - t, mb, peak_rss_mb()))
    rows.append(("all per-shard stages", n, total_clean, mb, peak_rss_mb()))
    gc.unfreeze()
    gc.set_threshold(*defaults)
    return rows


def baseline(files: list[Path], root: Path) -> tuple[int, float, float, float]:
    """The hand-written script a user would start from. (articles, seconds, MB, RSS MB).

    It splits dumps only at the paywall line, then per article: ftfy.fix_text, MinHash over
    word 5-grams (update_batch), insert into MinHashLSH(threshold=0.8), and writes Parquet.
    """
    import ftfy
    import pyarrow as pa
    import pyarrow.parquet as pq
    from datasketch import MinHash, MinHashLSH

    mb = sum(p.stat().st_size for p in files) / 1e6
    t = time.perf_counter()
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    ids, texts = [], []
    for path in files:
        raw = path.read_text("utf-8", errors="replace")
        for k, chunk in enumerate(re.split(r"You have been granted access[^\n]*\n", raw)):
            text = ftfy.fix_text(chunk)
            words = re.findall(r"\w+", text.lower())
            shingles = {" ".join(words[i:i + 5]).encode() for i in range(len(words) - 4)}
            m = MinHash(num_perm=128)
            m.update_batch(list(shingles))
            key = f"{path.name}:{k}"
            if not lsh.query(m):
                lsh.insert(key, m)
            ids.append(key)
            texts.append(text)
    with tempfile.TemporaryDirectory() as tmp:
        pq.write_table(pa.table({"id": ids, "text": texts}), Path(tmp) / "out.parquet")
    return len(ids), time.perf_counter() - t, mb, peak_rss_mb()


def end_to_end(path: Path, workers: int) -> tuple[float, float, str, float, dict]:
    """Wall seconds, peak RSS (MB, largest process), the CLI's summary line, CPU seconds
    of the run (all its processes) and the run report's seconds per step."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
        cli = Path(sys.executable).parent / "newsclean"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        proc = subprocess.run([str(cli), "run", str(path), "--out", str(Path(tmp) / "out"),
                               "--progress", "never", "--workers", str(workers)],
                              env=env, capture_output=True, text=True)
        secs = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        report = Path(tmp) / "out" / "reports" / "latest.json"
        steps = json.loads(report.read_text())["seconds"] if report.exists() else {}
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("newsclean:")),
                proc.stderr[-500:])
    return secs, peak_rss_mb(resource.RUSAGE_CHILDREN), line, cpu, steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="newsclean benchmark")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--sample-files", type=int, default=100,
                        help="files for the per-stage and baseline measurements")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-end-to-end", action="store_true")
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    path = corpus(args.articles)
    files = raw_files(path)
    total_mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"corpus: {args.articles} articles, {len(files)} files, {total_mb:.1f} MB ({path})")
    sample = files[: args.sample_files]
    print(f"\nper stage, one process, {len(sample)} files:")
    print(f"{'stage':24} {'articles/s':>11} {'MB/s':>8} {'peak RSS MB':>12}")
    for name, n, secs, mb, rss in stages(sample, path):
        print(f"{name:24} {n / secs:11.0f} {mb / secs:8.2f} {rss:12.0f}")
    if not args.skip_baseline:
        n, secs, mb, rss = baseline(sample, path)
        print(f"\nbaseline (ftfy + datasketch 5-grams + MinHashLSH(0.8) + pyarrow), one process: "
              f"{n / secs:.0f} articles/s, {mb / secs:.2f} MB/s, peak RSS {rss:.0f} MB")
    if not args.skip_end_to_end:
        secs, rss, line, cpu, steps = end_to_end(path, args.workers)
        print(f"\nend to end (newsclean run, Prefect start-up included): {secs:.1f} s, "
              f"{args.articles / secs:.0f} articles/s, {total_mb / secs:.2f} MB/s, "
              f"peak RSS {rss:.0f} MB, CPU {cpu:.0f} s (all processes)\n  {line}")
        print("  run report, seconds (per-shard stages summed over workers): "
              + ", ".join(f"{k} {v:.1f}" for k, v in steps.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
