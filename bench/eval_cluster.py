"""Measure clustering (issue 5) on labelled copies of BBC articles (bench/copies.py).

The copies are written as raw files to a temporary folder and go through what a run does:
files in shards of 64 (`flows.tasks.shard_files`), each shard through
`flows.work.clean_shard_fn` (read, split, strip, repair, unspin, fingerprint), then
`flows.tasks.cluster_fn` over all shards (no Prefect server: the task functions are called
directly). It reports

  - pairwise precision / recall / F1 over all pairs of articles (a pair is right when both
    tell the same story; a follow-up tells its own);
  - recall per copy kind: copies in their original's cluster / copies;
  - follow-ups merged with the story they borrow paragraphs from / follow-ups;
  - canonical of each story's cluster, by kind (target: the original, complete and
    unspun; spun or truncated canonicals are errors);
  - the evidence verification sees (estimated body Jaccard, containment and lead Jaccard
    per kind; candidate pairs per article);
  - baselines on the same raw files: ftfy + datasketch MinHash (128 permutations) of word
    n-grams of the whole file + MinHashLSH(threshold), every query hit taken as a copy:
    5-grams at 0.8 and 3-grams at 0.3;
  - signature throughput on ~600-word BBC texts, one process (numpy runs these kernels
    on one core): `pipeline.fingerprint.signatures` (shingling included), and
    `fingerprint_articles` (plus the content hash).

Articles come from the `--half` of the corpus (dev: tuning, test: reported figures).
`--set cluster.min_lead=0.3` overrides a config field; `--sweep cluster.min_lead=0.2,0.3`
re-clusters the same cleaned shards once per value; `--exact` adds the exact shingle-set
similarities (word 1- to 5-grams, leads) the shingling choice rests on.

Usage: .venv/bin/python bench/eval_cluster.py [--half test] [--originals 300] [--seed 5]
       [--skip-baseline] [--skip-throughput] [--set SECTION.FIELD=VALUE ...]
       [--sweep SECTION.FIELD=V1,V2,...] [--show N] [--exact]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, fields, replace
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from bench.bbc import BBC, read_stories  # noqa: E402
from bench.copies import KINDS, Item, make_copies, write_items  # noqa: E402
from pipeline.cluster import candidate_evidence  # noqa: E402
from pipeline.config import DEFAULT_CONFIG, PipelineConfig  # noqa: E402


@dataclass(frozen=True)
class Unit:
    """One clustered thing: an article (newsclean) or a raw file (baselines)."""

    item: str  # raw file name
    cluster: str
    canonical: bool = False


# --------------------------------------------------------------------------- scoring

def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def score(units: list[Unit], items: dict[str, Item]) -> dict:
    """The issue-5 figures for one clustering of the items' units."""
    story_of = {u: items[u.item].story for u in units}
    by_cluster: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        by_cluster[u.cluster].append(u)
    tp = sum(_pairs(c) for members in by_cluster.values()
             for c in Counter(story_of[u] for u in members).values())
    predicted = sum(_pairs(len(m)) for m in by_cluster.values())
    actual = sum(_pairs(c) for c in Counter(story_of.values()).values())
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    res: dict = {"units": len(units), "clusters": len(by_cluster), "precision": precision,
                 "recall": recall,
                 "f1": 2 * precision * recall / (precision + recall) if tp else 0.0}
    units_of: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        units_of[u.item].append(u)
    original = {it.story: name for name, it in items.items() if it.kind == "original"}
    home = {story: {u.cluster for u in units_of.get(name, [])} for story, name in original.items()}
    stories_in: dict[str, set[str]] = defaultdict(set)
    for u in units:
        stories_in[u.cluster].add(story_of[u])
    joined: Counter[str] = Counter()
    total: Counter[str] = Counter()
    merged_followups = []
    for name, it in items.items():
        mine = units_of.get(name, [])
        if it.kind in KINDS:
            total[it.kind] += 1
            target = home.get(it.story, set())
            joined[it.kind] += bool(mine) and all(u.cluster in target for u in mine)
        elif it.kind == "followup":
            total["followup"] += 1
            if any(it.borrows_from in stories_in[u.cluster] for u in mine):
                merged_followups.append(name)
    res["kind_recall"] = {k: (joined[k], total[k]) for k in KINDS if total[k]}
    res["followups_merged"] = (len(merged_followups), total["followup"])
    res["merged_followup_files"] = merged_followups
    if any(u.canonical for u in units):
        canon: Counter[str] = Counter()
        res["bad_canonical_clusters"] = []
        for clusters in home.values():
            for cid in clusters:
                heads = [u for u in by_cluster[cid] if u.canonical]
                kind = items[heads[0].item].kind if heads else "none"
                canon[kind] += 1
                if kind in ("spun", "truncated", "none"):
                    res["bad_canonical_clusters"].append(cid)
        res["canonical_kinds"] = dict(canon.most_common())
    # clusters holding two stories where no follow-up relation explains it
    res["other_merges"] = sum(
        1 for members in by_cluster.values()
        if len({story_of[u] for u in members}) > 1
        and not any(items[u.item].kind == "followup" for u in members))
    return res


def report(name: str, res: dict) -> None:
    print(f"\n{name}: {res['units']} units in {res['clusters']} clusters")
    print(f"  pairwise precision {res['precision']:.4f}  recall {res['recall']:.4f}  "
          f"F1 {res['f1']:.4f}")
    print("  recall by kind: " + ", ".join(
        f"{k} {j / t:.3f} ({j}/{t})" for k, (j, t) in res["kind_recall"].items()))
    m, t = res["followups_merged"]
    print(f"  follow-ups merged with the story they borrow from: {m} of {t}"
          f" ({80 * m / max(t, 1):.1f} in 80)")
    print(f"  clusters mixing stories with no follow-up in them: {res['other_merges']}")
    if "canonical_kinds" in res:
        print("  canonical of each story's cluster: " + ", ".join(
            f"{k} {v}" for k, v in res["canonical_kinds"].items()))


# --------------------------------------------------------------------------- newsclean

@dataclass
class Cleaned:
    shard_paths: list[str]
    table: pa.Table  # article_id, source_file and the clustering inputs of every article


def clean(items: list[Item], raw: Path, work: Path, config: PipelineConfig) -> Cleaned:
    """Every raw file through the per-shard path, shards as the flow makes them."""
    from flows.tasks import STATE_COLUMNS, shard_files
    from flows.work import clean_shard_fn

    write_items(items, raw)
    paths = sorted(raw.iterdir())
    shards = shard_files(paths, 64, 32 * 1024 * 1024)
    results = [clean_shard_fn([str(p) for p in shard], str(raw), str(work), k, "bench", config)
               for k, shard in enumerate(shards)]
    shard_paths = [r["articles"] for r in results]
    table = pa.concat_tables([pq.read_table(p, columns=STATE_COLUMNS) for p in shard_paths])
    return Cleaned(shard_paths, table)


def cluster(cleaned: Cleaned, work: Path, config: PipelineConfig) -> list[Unit]:
    """`cluster_fn` as a run calls it (no earlier output); one unit per article."""
    from flows.tasks import cluster_fn

    out = work / "out"
    path = cluster_fn(str(out / ".state"), str(out / "articles"), cleaned.shard_paths, [],
                      str(work), config)
    t = pq.read_table(path)
    assigned = dict(zip(t.column("article_id").to_pylist(),
                        zip(t.column("cluster_id").to_pylist(),
                            t.column("is_canonical").to_pylist(), strict=True), strict=True))
    ids = cleaned.table.column("article_id").to_pylist()
    files = cleaned.table.column("source_file").to_pylist()
    return [Unit(f, *assigned[a]) for a, f in zip(ids, files, strict=True)]


def show_canonicals(cleaned: Cleaned, cluster_ids: list[str], items: dict[str, Item],
                    work: Path, config: PipelineConfig) -> None:
    """Members of clusters whose canonical is a spun or truncated copy."""
    if not cluster_ids:
        return
    units = cluster(cleaned, work, config)
    t = cleaned.table
    info = {f: (w, s, a) for f, w, s, a in zip(
        t.column("source_file").to_pylist(), t.column("word_count").to_pylist(),
        t.column("spun").to_pylist(), t.column("fetched_at").to_pylist(), strict=True)}
    for cid in cluster_ids:
        print(f"    canonical is a copy in {cid}:")
        for u in sorted((u for u in units if u.cluster == cid), key=lambda u: u.item):
            words, spun, fetched = info[u.item]
            print(f"      {'*' if u.canonical else ' '} {items[u.item].kind:10s} {words:5d} words"
                  f"{' spun' if spun else '     '} fetched {fetched:%Y-%m-%d %H:%M}  {u.item}")


def evidence(cleaned: Cleaned, items: dict[str, Item], config: PipelineConfig) -> None:
    """What verification sees: estimates for each copy and its original, follow-ups and
    the story they borrow from, and every other candidate pair."""
    from flows.tasks import _items  # the same ClusterInputs cluster_fn builds

    inputs = _items(cleaned.table)
    files = cleaned.table.column("source_file").to_pylist()
    ev = candidate_evidence(inputs, config.cluster, config.fingerprint)
    found = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(ev.first, ev.second,
                                                               strict=True))}
    first_of: dict[str, int] = {}
    for k, f in enumerate(files):
        first_of.setdefault(f, k)
    original = {it.story: n for n, it in items.items() if it.kind == "original"}
    fp = config.fingerprint
    rows: dict[str, list[tuple[float, float, float, float, bool]]] = defaultdict(list)
    related: set[tuple[int, int]] = set()
    from pipeline.cluster import cross_lead_similarity, estimate_similarity, lead_similarity
    for name, it in items.items():
        if it.kind == "original" or name not in first_of:
            continue
        other = original[it.borrows_from if it.kind == "followup" else it.story]
        if other not in first_of:
            continue
        a, b = sorted((first_of[name], first_of[other]))
        related.add((a, b))
        j, c = estimate_similarity(inputs[a].signature, inputs[a].shingle_count,
                                   inputs[b].signature, inputs[b].shingle_count, fp)
        lead = lead_similarity(inputs[a].signature, inputs[b].signature, fp)
        cross = cross_lead_similarity(inputs[a].signature, inputs[a].shingle_count,
                                      inputs[b].signature, inputs[b].shingle_count,
                                      config.cluster, fp)
        rows[it.kind].append((j, c, lead, max(lead, cross), (a, b) in found))
    print(f"\nevidence (estimates from the signatures; {len(inputs)} articles, "
          f"{len(ev.first)} candidate pairs, {len(ev.first) / max(len(inputs), 1):.2f} "
          "per article):")
    print(f"  {'kind':11s} {'pairs':>5s} {'LSH found':>9s}   Jaccard p1/p50    "
          "containment p1   lead p1/p50   lead or cross p1")
    for kind in (*KINDS, "followup"):
        v = np.array([r[:4] for r in rows[kind]])
        if not len(v):
            continue
        hit = np.mean([r[4] for r in rows[kind]])
        if kind == "followup":
            print(f"  {kind:11s} {len(v):5d} {hit:9.3f}   max {v[:, 0].max():.2f}"
                  f"          max {v[:, 1].max():.2f}         max {v[:, 2].max():.2f}"
                  f"      max {v[:, 3].max():.2f}")
        else:
            p = np.percentile(v, [1, 50], axis=0)
            print(f"  {kind:11s} {len(v):5d} {hit:9.3f}   {p[0, 0]:.2f}/{p[1, 0]:.2f}"
                  f"          {p[0, 1]:.2f}            {p[0, 2]:.2f}/{p[1, 2]:.2f}"
                  f"     {p[0, 3]:.2f}")
    story = [items[f].story for f in files]
    other = np.array([(int(a), int(b)) not in related and story[a] != story[b]
                      for a, b in zip(ev.first, ev.second, strict=True)], dtype=bool)
    if other.any():
        print(f"  unrelated candidate pairs: {int(other.sum())}, max Jaccard "
              f"{ev.jaccard[other].max():.2f}, max containment {ev.containment[other].max():.2f}"
              f", max lead {ev.lead[other].max():.2f}, max cross {ev.cross[other].max():.2f}"
              f", verified as copies "
              f"{int(ev.copy[other].sum())}")


def exact_sets(cleaned: Cleaned, items: dict[str, Item], ngrams: tuple[int, ...] = (1, 2, 3, 4, 5),
               char_ngrams: tuple[int, ...] = (5, 7, 9)) -> None:
    """The exact similarities the shingling choice rests on (no sketch noise): word and
    character n-gram Jaccard and containment of each copy with its original, of each
    follow-up with the story it borrows from, and of unrelated pairs (originals and
    follow-ups against other originals), plus the lead's word-set Jaccard. Character
    n-grams are taken over the lower-cased words joined by single spaces."""
    from pipeline.fingerprint import FingerprintConfig, shingle_set

    text: dict[str, str] = {}
    for path in cleaned.shard_paths:
        t = pq.read_table(path, columns=["source_file", "text"])
        for f, x in zip(t.column("source_file").to_pylist(), t.column("text").to_pylist(),
                        strict=True):
            text.setdefault(f, x)
    original = {it.story: n for n, it in items.items() if it.kind == "original"}
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, it in items.items():
        if it.kind != "original" and name in text:
            other = original[it.borrows_from if it.kind == "followup" else it.story]
            if other in text:
                pairs[it.kind].append((name, other))
    heads = [n for n in original.values() if n in text]
    heads += [n for n, it in items.items() if it.kind == "followup" and n in text]
    unrelated = [(a, b) for i, a in enumerate(heads) for b in heads[:i]
                 if items[b].kind == "original" and items[a].story != items[b].story
                 and items[a].borrows_from != items[b].story]
    pairs["unrelated"] = unrelated

    def sims(sets: dict[str, set], kind: str) -> np.ndarray:
        out = []
        for a, b in pairs[kind]:
            x, y = sets[a], sets[b]
            inter = len(x & y)
            out.append((inter / max(len(x | y), 1), inter / max(min(len(x), len(y)), 1)))
        return np.array(out)

    def row(label: str, sets: dict[str, set]) -> str:
        cells = [f"  {label:11s}"]
        for kind in (*KINDS, "followup", "unrelated"):
            v = sims(sets, kind)
            if not len(v):
                continue
            if kind in KINDS:
                p1, p50 = np.percentile(v[:, 0], [1, 50])
                cells.append(f"{kind[:5]} {p1:.2f}/{p50:.2f} C{np.percentile(v[:, 1], 1):.2f}")
            elif kind == "followup":
                cells.append(f"follow {v[:, 0].max():.2f}")
            else:
                cells.append(f"unrel {np.percentile(v[:, 0], 99.9):.2f}/{v[:, 0].max():.2f}")
        return "  ".join(cells)

    print(f"\nexact similarities ({len(unrelated)} unrelated pairs): copies p1/p50 Jaccard and"
          " p1 containment; follow-ups: max Jaccard; unrelated: p99.9/max Jaccard")
    for n in ngrams:
        parts = {f: shingle_set(x, FingerprintConfig(ngram=n)) for f, x in text.items()}
        print(row(f"words n={n}", {f: p[0] for f, p in parts.items()}))
        if n == ngrams[0]:
            print(row("lead words", {f: p[1] for f, p in parts.items()}))
    for n in char_ngrams:
        sets = {}
        for f, x in text.items():
            flat = " ".join(re.findall(r"\w+", x.lower()))
            sets[f] = {flat[i:i + n] for i in range(max(1, len(flat) - n + 1))}
        print(row(f"chars n={n}", sets))


# --------------------------------------------------------------------------- baselines

def baseline(items: list[Item], raw: Path, ngram: int, threshold: float) -> list[Unit]:
    """ftfy + datasketch: MinHash of the word n-grams of each whole file, MinHashLSH at
    `threshold`; a file joins every indexed file its query returns."""
    import ftfy
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for it in sorted(items, key=lambda i: i.name):
        text = ftfy.fix_text((raw / it.name).read_bytes().decode("utf-8", errors="replace"))
        words = re.findall(r"\w+", text.lower())
        grams = {" ".join(words[i:i + ngram]) for i in range(max(1, len(words) - ngram + 1))}
        m = MinHash(num_perm=128)
        m.update_batch([g.encode("utf-8") for g in grams])
        parent[it.name] = it.name
        for other in lsh.query(m):
            ra, rb = find(it.name), find(other)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        lsh.insert(it.name, m)
    return [Unit(it.name, find(it.name)) for it in items]


# --------------------------------------------------------------------------- throughput

def throughput(corpus: Path, half: str, words: int = 600) -> dict[str, float]:
    """Articles per second (one process, best of three) on ~`words`-word BBC texts."""
    from datasketch import MinHash

    from pipeline.fingerprint import fingerprint_articles, signatures
    from pipeline.model import Article

    texts: list[str] = []
    cur: list[str] = []
    count = 0
    for st in read_stories(corpus, half):
        for para in st.paragraphs:
            cur.append(para)
            count += len(para.split())
            if count >= words:
                texts.append("\n\n".join(cur))
                cur, count = [], 0
    res = {"articles": len(texts), "mean_words": float(np.mean([len(t.split()) for t in texts]))}

    def best(fn) -> float:
        fn()
        times = []
        for _ in range(3):
            t = time.process_time()
            fn()
            times.append(time.process_time() - t)
        return len(texts) / min(times)

    res["signatures_per_s"] = best(lambda: signatures(texts))
    arts = [Article("bench", k, "utf-8", t.split("\n\n")) for k, t in enumerate(texts)]
    res["fingerprint_articles_per_s"] = best(lambda: fingerprint_articles(arts))

    def datasketch_5grams() -> None:
        for t in texts[:300]:
            w = re.findall(r"\w+", t.lower())
            m = MinHash(num_perm=128)
            m.update_batch([" ".join(w[i:i + 5]).encode() for i in range(len(w) - 4)])

    t = time.process_time()
    datasketch_5grams()
    res["baseline_datasketch_per_s"] = 300 / (time.process_time() - t)
    return res


# --------------------------------------------------------------------------- main

def with_setting(config: PipelineConfig, setting: str) -> PipelineConfig:
    """`section.field=value` applied to a config (the value parsed as the field's type)."""
    key, _, value = setting.partition("=")
    section, _, name = key.partition(".")
    part = getattr(config, section)
    kind = {f.name: f.type for f in fields(part)}[name]
    cast = {"int": int, "float": float, "bool": lambda v: v.lower() in ("1", "true", "yes")
            }.get(str(kind), str)
    return replace(config, **{section: replace(part, **{name: cast(value)})})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=BBC)
    ap.add_argument("--half", choices=("dev", "test", "all"), default="test")
    ap.add_argument("--originals", type=int, default=300)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--set", action="append", default=[], dest="settings")
    ap.add_argument("--sweep", default=None)
    ap.add_argument("--show", type=int, default=5, help="merged follow-ups to name")
    ap.add_argument("--exact", action="store_true",
                    help="also exact shingle-set similarities for word 1- to 5-grams")
    args = ap.parse_args(argv)
    config = DEFAULT_CONFIG
    for s in args.settings:
        config = with_setting(config, s)
    items = make_copies(read_stories(args.corpus, args.half), args.originals, args.seed)
    by_name = {it.name: it for it in items}
    kinds = Counter(it.kind for it in items)
    print(f"{len(items)} raw files from {args.half} half, seed {args.seed}: "
          + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    with tempfile.TemporaryDirectory() as tmp:
        raw, work = Path(tmp) / "raw", Path(tmp) / "work"
        work.mkdir()
        t = time.perf_counter()
        cleaned = clean(items, raw, work, config)
        print(f"cleaned in {time.perf_counter() - t:.1f} s: {cleaned.table.num_rows} articles")
        if args.sweep:
            key, _, values = args.sweep.partition("=")
            for v in values.split(","):
                cfg = with_setting(config, f"{key}={v}")
                report(f"newsclean {key}={v}", score(cluster(cleaned, work, cfg), by_name))
            return 0
        t = time.perf_counter()
        res = score(cluster(cleaned, work, config), by_name)
        print(f"clustered in {time.perf_counter() - t:.2f} s")
        report("newsclean", res)
        for name in res["merged_followup_files"][:args.show]:
            print(f"    merged follow-up: {name} (borrows from {by_name[name].borrows_from})")
        show_canonicals(cleaned, res.get("bad_canonical_clusters", [])[:args.show], by_name,
                        work, config)
        evidence(cleaned, by_name, config)
        if args.exact:
            exact_sets(cleaned, by_name)
        if not args.skip_baseline:
            for ngram, threshold in ((5, 0.8), (3, 0.3)):
                report(f"baseline ftfy + datasketch word {ngram}-grams, "
                       f"MinHashLSH(threshold={threshold})",
                       score(baseline(items, raw, ngram, threshold), by_name))
    if not args.skip_throughput:
        tp = throughput(args.corpus, args.half)
        print(f"\nthroughput, one process, {tp['articles']} BBC texts of "
              f"{tp['mean_words']:.0f} words: signatures {tp['signatures_per_s']:.0f}/s, "
              f"fingerprint_articles (with content hash) "
              f"{tp['fingerprint_articles_per_s']:.0f}/s; datasketch MinHash of word 5-grams "
              f"(baseline) {tp['baseline_datasketch_per_s']:.0f}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
