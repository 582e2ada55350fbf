"""`newsclean explain`: one article's raw lines, what was removed and why, what changed.

Rendered twice from the same list of `ExplainLine`s: ANSI colour for a terminal and an
HTML page under OUT/reports/.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.dataset as ds

from pipeline.read import decode_bytes


@dataclass(frozen=True, slots=True)
class ExplainLine:
    kind: str  # kept | removed | changed | title | other
    text: str
    note: str = ""


def find_article(out_dir: Path, article_id: str) -> dict | None:
    """The output row of one article, or None."""
    articles = Path(out_dir) / "articles"
    if not articles.is_dir() or not any(articles.glob("*.parquet")):
        return None
    table = ds.dataset(articles, format="parquet").to_table(
        filter=pc.field("article_id") == article_id)
    rows = table.to_pylist()
    return rows[0] if rows else None


def explain_lines(row: dict, raw_text: str | None) -> list[ExplainLine]:
    """Walk the raw file's lines that belong to this article and say what became of each.

    Without the raw file (deleted since), the article is shown from its own record: kept
    paragraphs and removed lines.
    """
    def norm(s: str) -> str:
        return " ".join(s.split())

    kept = {norm(p) for p in row["text"].split("\n\n") if p.strip()}
    removed: dict[str, str] = {}
    for r in row["removed"]:
        removed.setdefault(norm(r["line"]), f"{r['stage']}: {r['reason']}")
    changed: dict[str, dict] = {norm(e["before"]): e for e in row["edits"]}
    heads = {norm(x) for x in (row.get("title"), row.get("dek")) if x}
    if raw_text is None:
        out = [ExplainLine("title", row["title"] or "(no title)", "title")]
        out += [ExplainLine("kept", p) for p in row["text"].split("\n\n")]
        out += [ExplainLine("removed", r["line"], f"{r['stage']}: {r['reason']}")
                for r in row["removed"]]
        return out
    lines = raw_text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    marks: list[ExplainLine | None] = []
    for line in lines:
        n = norm(line)
        if not n:
            marks.append(None)
        elif n in changed:
            e = changed[n]
            marks.append(ExplainLine("changed", line, f"-> {e['after']}  ({e['reason']})"))
        elif n in heads:
            marks.append(ExplainLine("title", line, "title/dek"))
        elif n in kept or any(n in k for k in kept if len(n) > 30):
            marks.append(ExplainLine("kept", line))
        elif n in removed:
            marks.append(ExplainLine("removed", line, removed[n]))
        elif (phrased := _apply_phrase_edits(n, row["edits"])) and (
                phrased[0] in kept or phrased[0] in removed or phrased[0] in heads
                or any(phrased[0] in k for k in kept if len(phrased[0]) > 30)):
            kind = "removed" if phrased[0] in removed else "changed"
            note = "; ".join(phrased[1]) + ("" if kind == "changed" else
                                            f"; then {removed[phrased[0]]}")
            marks.append(ExplainLine(kind, line, note))
        else:
            marks.append(ExplainLine("other", line, "not part of this article"))
    # A line between two of the article's lines is the article's too: one whose edits
    # reach over a line break (a hard-wrapped spun copy) is shown as changed.
    hits = [i for i, m in enumerate(marks) if m is not None and m.kind in ("kept", "changed")]
    for i in range(hits[0] + 1, hits[-1]) if hits else ():
        m = marks[i]
        if m is not None and m.kind == "other":
            marks[i] = ExplainLine("changed", m.text, "reworded (see the article's edits)")
    if not hits:
        return [m for m in marks if m is not None]
    # the article's span: from a little before its first body line to its last removed line
    start, end = hits[0], hits[-1]
    while start > 0 and (marks[start - 1] is None or marks[start - 1].kind in (
            "removed", "title")):
        start -= 1
    while end + 1 < len(marks) and (marks[end + 1] is None or marks[end + 1].kind == "removed"):
        end += 1
    return [m for m in marks[start:end + 1] if m is not None]


def _apply_phrase_edits(line: str, edits: list[dict]) -> tuple[str, list[str]] | None:
    """The line with the article's phrase-level edits (unspin) applied, and what changed;
    None if no edit applies."""
    notes: list[str] = []
    for e in edits:
        if not e["before"]:
            continue
        pattern = r"(?<!\w)" + re.escape(e["before"]) + r"(?!\w)"  # whole words only
        new = re.sub(pattern, e["after"].replace("\\", "\\\\"), line)
        if new != line:
            line = new
            notes.append(f"'{e['before']}' -> '{e['after']}' ({e['reason']})")
    return (" ".join(line.split()), notes) if notes else None


_ANSI = {"kept": "", "removed": "\x1b[31m", "changed": "\x1b[33m", "title": "\x1b[1;36m",
         "other": "\x1b[2m"}
_SIGN = {"kept": " ", "removed": "-", "changed": "~", "title": "#", "other": "."}


def render_terminal(row: dict, lines: list[ExplainLine], colour: bool) -> str:
    reset = "\x1b[0m" if colour else ""
    head = [
        f"article {row['article_id']}  ({row['source_file']}, position {row.get('position')})",
        f"title: {row.get('title')}",
        f"cluster {row['cluster_id']}: "
        + ("canonical" if row["is_canonical"] else f"duplicate of {row['duplicate_of']}"),
        f"spun: {row['spun']} (score {row.get('spin_score')})  words: {row.get('word_count')}",
        "",
    ]
    body = []
    for ln in lines:
        start = _ANSI[ln.kind] if colour else ""
        note = f"   [{ln.note}]" if ln.note else ""
        body.append(f"{start}{_SIGN[ln.kind]} {ln.text}{note}{reset}")
    legend = ["", "legend: ' ' kept, '-' removed, '~' changed, '#' title/dek, '.' other article"]
    return "\n".join(head + body + legend)


def render_html(row: dict, lines: list[ExplainLine]) -> str:
    esc = html.escape
    items = "\n".join(
        f'<div class="{ln.kind}"><span class="sign">{_SIGN[ln.kind]}</span> {esc(ln.text)}'
        + (f' <span class="note">{esc(ln.note)}</span>' if ln.note else "") + "</div>"
        for ln in lines)
    status = "canonical" if row["is_canonical"] else f"duplicate of {esc(str(row['duplicate_of']))}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>newsclean explain {esc(row['article_id'])}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; }}
div {{ white-space: pre-wrap; padding: 2px 6px; font-family: ui-monospace, monospace; }}
.removed {{ background: #fde2e2; text-decoration: line-through; }}
.changed {{ background: #fff3c4; }}
.title {{ font-weight: bold; background: #dff3f7; }}
.other {{ color: #999; }}
.note {{ color: #555; font-style: italic; text-decoration: none; display: inline-block; }}
</style></head><body>
<h1>{esc(row.get('title') or '(no title)')}</h1>
<p>article <code>{esc(row['article_id'])}</code> from <code>{esc(row['source_file'])}</code>;
cluster <code>{esc(row['cluster_id'])}</code> ({status}); spun: {row['spun']}
(score {row.get('spin_score')}); {row.get('word_count')} words.</p>
<p>Legend: plain = kept, <span class="removed">struck = removed (reason)</span>,
<span class="changed">yellow = changed</span>, <span class="title">title/dek</span>,
<span class="other">grey = another article of the same file</span>.</p>
{items}
</body></html>
"""


def _jsonl_record_text(raw_text: str, record: int) -> str | None:
    lines = [ln for ln in raw_text.splitlines() if ln.strip()]
    try:
        value = json.loads(lines[record]).get("text")
    except (IndexError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def explain(out_dir: Path, article_id: str, raw_dir: Path | None, colour: bool
            ) -> tuple[str, Path] | None:
    """Terminal text and the path of the HTML page written, or None if no such article."""
    row = find_article(out_dir, article_id)
    if row is None:
        return None
    raw_text = None
    if raw_dir is not None:
        path = Path(raw_dir) / row["source_file"]
        try:
            decoded = decode_bytes(path.read_bytes())
            raw_text = decoded[0] if isinstance(decoded, tuple) else None
        except OSError:
            raw_text = None
        if raw_text is not None and path.suffix.lower() in (".jsonl", ".ndjson"):
            raw_text = _jsonl_record_text(raw_text, int(row.get("position") or 0) // 10_000)
        elif raw_text is not None and path.suffix.lower() not in (".txt", ".text"):
            raw_text = None  # HTML and other formats: show the article's own record
    lines = explain_lines(row, raw_text)
    page = Path(out_dir) / "reports" / f"explain-{article_id}.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(render_html(row, lines), "utf-8")
    return render_terminal(row, lines, colour), page
