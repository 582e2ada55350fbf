"""The per-shard part of the path, composed: read, split, strip, repair, fingerprint.

Pure over a batch of files: paths in, articles, rejects and stage counts out. Clustering
and writing need every shard and happen afterwards (see `flows/`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.chrome import ChromeProfile, LineKeys, story_key
from pipeline.config import DEFAULT_CONFIG, PipelineConfig
from pipeline.fingerprint import fingerprint_articles
from pipeline.model import Article, Reject
from pipeline.read import read_files
from pipeline.repair import fix_document_encoding
from pipeline.split import batch_profile, publisher_of, split_documents
from pipeline.strip import strip_boilerplate
from pipeline.unspin import unspin_articles


@dataclass(slots=True)
class BatchResult:
    articles: list[Article]
    rejects: list[Reject]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    chrome: ChromeProfile | None = None  # what this batch adds to the publishers' profiles


def clean_batch(paths: Sequence[Path], raw_dir: Path, config: PipelineConfig = DEFAULT_CONFIG,
                profile: ChromeProfile | None = None) -> BatchResult:
    """Run read -> repair(encoding) -> split -> strip -> unspin -> fingerprint on a batch.

    `profile` is the site chrome learned on earlier runs (the output folder's
    `.state/chrome.json`); lines it knows as a publisher's chrome are removed, as are lines
    this batch itself shows to be chrome. The result's `chrome` holds what this batch's
    articles add to the profile.
    """
    seconds: dict[str, float] = {}
    t = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal t
        now = time.perf_counter()
        seconds[stage] = seconds.get(stage, 0.0) + now - t
        t = now

    docs, rejects = read_files(paths, raw_dir, config.read)
    lap("read")
    fix_document_encoding(docs, config.repair)
    lap("repair")
    chrome_cfg = config.split.chrome
    keys = LineKeys(chrome_cfg.max_words)  # each distinct line keyed once in the batch
    profiles = [p for p in (profile, batch_profile(docs, chrome_cfg, keys)) if p is not None]
    articles = split_documents(docs, config.split, profiles, keys)
    lap("split")
    read_ok = {d.source_file for d in docs}
    with_articles = {a.source_file for a in articles}
    for missing in sorted(read_ok - with_articles):
        rejects.append(Reject(missing, "no article text found (empty after removing boilerplate)"))
    strip_boilerplate(articles, config.strip)
    empty = [a for a in articles if not a.paragraphs]
    articles = [a for a in articles if a.paragraphs]
    for src in sorted({a.source_file for a in empty} - {a.source_file for a in articles}):
        rejects.append(Reject(src, "no article text found (empty after removing boilerplate)"))
    learned = ChromeProfile(chrome_cfg)
    if chrome_cfg.enabled:
        for a in articles:
            pub = publisher_of(a)
            lines = [*(x for x in (a.title, a.dek) if x), *(r.line for r in a.removed),
                     *a.paragraphs]
            learned.observe(pub, lines, story_key(a.paragraphs), keys)
    lap("strip")
    unspin_articles(articles, config.unspin)
    lap("unspin")
    fingerprint_articles(articles, config.fingerprint)
    lap("fingerprint")
    counts = {
        "files": len(paths),
        "documents": len(docs),
        "rejected_files": len({r.source_file for r in rejects}),
        "articles": len(articles),
        "lines_removed": sum(len(a.removed) for a in articles),
        "edits": sum(len(a.edits) for a in articles),
        "spun": sum(a.spun for a in articles),
        "repaired": sum(bool(a.edits) for a in articles),
    }
    return BatchResult(articles, rejects, counts, seconds, learned)
