"""`newsclean clusters`: the largest clusters, with how each copy differs from its canonical."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.dataset as ds

from pipeline.cluster import estimate_similarity

_COLUMNS = ["article_id", "cluster_id", "is_canonical", "title", "word_count", "spun",
            "source_file", "content_hash"]


def member_differences(canon: dict, member: dict, sigs: dict[str, tuple[np.ndarray, int]]
                       ) -> list[str]:
    """Short phrases saying how `member` differs from the canonical."""
    if member["content_hash"] == canon["content_hash"]:
        return ["exact copy"]
    notes = []
    delta = member["word_count"] - canon["word_count"]
    notes.append(f"{delta:+d} words")
    a, b = sigs.get(canon["article_id"]), sigs.get(member["article_id"])
    if a is not None and b is not None:
        j, c = estimate_similarity(a[0], a[1], b[0], b[1])
        notes.append(f"Jaccard {j:.2f}, containment {c:.2f}")
        if delta < -0.2 * canon["word_count"] and c >= 0.8:
            notes.append("truncated")
    if member["spun"]:
        notes.append("spun")
    if (member["title"] or "") != (canon["title"] or ""):
        notes.append(f"title: {member['title']!r}" if member["title"] else "no title")
    return notes


def cluster_listing(out_dir: Path, top: int = 10) -> str:
    """Text listing of the `top` largest clusters (of two or more articles)."""
    out_dir = Path(out_dir)
    if not any((out_dir / "articles").glob("*.parquet")):
        return "no articles yet"
    rows = ds.dataset(out_dir / "articles", format="parquet").to_table(
        columns=_COLUMNS).to_pylist()
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["cluster_id"], []).append(r)
    largest = sorted((g for g in groups.values() if len(g) > 1),
                     key=lambda g: (-len(g), g[0]["cluster_id"]))[:top]
    if not largest:
        return f"{len(rows)} articles, {len(groups)} clusters: every article is its own story"
    wanted = {r["article_id"] for g in largest for r in g}
    sigs: dict[str, tuple[np.ndarray, int]] = {}
    sig_dir = out_dir / ".state" / "signatures"
    if any(sig_dir.glob("*.parquet")):
        t = ds.dataset(sig_dir, format="parquet").to_table(
            columns=["article_id", "signature", "shingle_count"])
        for aid, sig, n in zip(t.column("article_id").to_pylist(),
                               t.column("signature").to_pylist(),
                               t.column("shingle_count").to_pylist(), strict=True):
            if aid in wanted:
                sigs[aid] = (np.asarray(sig, dtype=np.uint32), n)
    multi = sum(len(g) > 1 for g in groups.values())
    lines = [f"{len(rows)} articles in {len(groups)} clusters; {multi} with copies; "
             f"the {len(largest)} largest:"]
    for g in largest:
        canon = next(r for r in g if r["is_canonical"])
        lines += ["", f"cluster {canon['cluster_id']}: {len(g)} articles",
                  f"  * {canon['article_id']}  {canon['title'] or '(no title)'}  "
                  f"[{canon['source_file']}, {canon['word_count']} words, canonical]"]
        for m in sorted(g, key=lambda r: r["article_id"]):
            if m is canon:
                continue
            lines.append(f"    {m['article_id']}  [{m['source_file']}]  "
                         + "; ".join(member_differences(canon, m, sigs)))
    return "\n".join(lines)
