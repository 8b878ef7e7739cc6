"""``sia inspect OUT``: a document's input in the terminal with what sia removed, and why.

Removed spans are drawn in their reason's colour (struck through) and a legend says how much
each reason took. Without colour (output piped to a file) each span is bracketed instead,
``[-reason: text-]`` (in a ``--reason`` view, other reasons' spans shrink to
``[~reason: N chars~]``), so the reasons stay readable. ``--reason R`` shows only the spans of R with
some context around them, from a deterministic sample of the documents R touched.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sia.record import Document, Span
from sia.report.parts import fetch, iter_index
from sia.report.sample import Reservoir, priority
from sia.report.styles import rich_style

CONTEXT = 120  # characters of context shown on each side of a span in --reason views
MAX_EXCERPTS = 8  # per document
LONG_SPAN = 400  # a longer span is shown as its start and end with the middle elided
MAX_CHARS = 50_000  # of input shown by --id before eliding the rest


def _plain(console: Console) -> bool:
    return console.color_system is None


def _span_text(text: str, sp: Span, plain: bool, focus: bool = True, full: int | None = None) -> Text:
    """`sp` (clipped to the view) as styled text; `full` is the whole span's length."""
    body = text[sp.start : sp.end]
    if len(body) > LONG_SPAN:
        body = f"{body[: LONG_SPAN - 100]} … {len(body) - LONG_SPAN + 100:,} chars … {body[-100:]}"
    style = f"{rich_style(sp.reason)} strike" if focus else "dim strike"
    out = Text()
    if plain and not focus:  # another reason's span around the one in front: just say it is there
        out.append(f"[~{sp.reason}: {full or sp.end - sp.start:,} chars~]")
    elif plain:
        out.append(f"[-{sp.reason}: {body}-]")
    else:
        out.append(body, style=style)
    if sp.repl is not None:
        out.append(f"[{sp.repl}]" if plain else sp.repl, style="bold reverse")
    return out


def document_text(doc: Document, plain: bool = False, start: int = 0, end: int | None = None,
                  focus: str | None = None) -> Text:  # fmt: skip
    """``doc.text[start:end]`` with removed spans styled by reason (only `focus`'s, if given)."""
    text = doc.text
    end = len(text) if end is None else end
    out = Text()
    pos = start
    for sp in doc.removed:
        if sp.end <= start or sp.start >= end:
            continue
        s, e = max(sp.start, start), min(sp.end, end)
        out.append(text[pos:s])
        clipped = Span(s, e, sp.reason, sp.repl)
        out.append_text(_span_text(text, clipped, plain, focus in (None, sp.reason), sp.end - sp.start))
        pos = e
    out.append(text[pos:end])
    return out


def legend(doc: Document, plain: bool = False) -> Text:
    per: dict[str, list[int]] = {}
    for sp in doc.removed:
        row = per.setdefault(sp.reason, [0, 0])
        row[0] += 1
        row[1] += sp.end - sp.start
    out = Text("removed: " if per else "nothing removed")
    for i, (reason, (n, chars)) in enumerate(sorted(per.items())):
        if i:
            out.append("  ")
        out.append(f" {reason} " if not plain else reason, style=rich_style(reason))
        out.append(f" {n} span{'s' if n != 1 else ''}, {chars:,} chars")
    total = len(doc.text)
    out.append(f"\ninput {total:,} chars → output {len(doc.clean_text):,} chars")
    return out


def header(doc: Document) -> Table:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold cyan", no_wrap=True)
    t.add_column(overflow="fold")
    decision = Text(doc.decision, style="bold green" if doc.kept else "bold red")
    t.add_row("id", Text(doc.id))
    t.add_row("decision", decision)
    rows: list[tuple[str, Any]] = [
        ("url", doc.url),
        (
            "lang",
            f"{doc.lang} ({doc.lang_score:.2f})" if doc.lang and doc.lang_score is not None else doc.lang,
        ),
        ("title", doc.title),
        ("authors", "; ".join(doc.authors) if doc.authors else None),
        ("published", doc.published),
        ("source", doc.source or None),
        ("dup", json.dumps(doc.dup, ensure_ascii=False, sort_keys=True) if doc.dup else None),
    ]
    if doc.signals:
        sig = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in sorted(doc.signals.items())
        )
        rows.append(("signals", sig))
    for k, v in rows:
        if v:
            t.add_row(k, Text(str(v)))  # Text(): crawled strings are never parsed as rich markup
    return t


def inspect_document(doc: Document, console: Console | None = None, max_chars: int = MAX_CHARS) -> None:
    """Print one document: header, its input with removed spans marked, and a legend."""
    console = console or Console()
    plain = _plain(console)
    end = min(len(doc.text), max_chars)
    body = document_text(doc, plain, 0, end)
    if end < len(doc.text):
        body.append(f"\n… {len(doc.text) - end:,} more characters", style="italic")
    console.print(
        Panel(Group(header(doc), Text(""), legend(doc, plain)), title="document", title_align="left")
    )
    console.print(body)
    console.print()


def excerpts(doc: Document, reason: str, context: int = CONTEXT) -> list[tuple[int, int]]:
    """Input windows around the spans of `reason`, merged where they touch."""
    wins: list[list[int]] = []
    for sp in doc.removed:
        if sp.reason != reason:
            continue
        s, e = max(0, sp.start - context), min(len(doc.text), sp.end + context)
        if wins and s <= wins[-1][1]:
            wins[-1][1] = max(wins[-1][1], e)
        else:
            wins.append([s, e])
    return [(s, e) for s, e in wins]


def inspect_reason(doc: Document, reason: str, console: Console, context: int = CONTEXT) -> None:
    """Print the spans of `reason` in `doc` with `context` characters around each."""
    plain = _plain(console)
    wins = excerpts(doc, reason, context)
    n_spans = sum(sp.reason == reason for sp in doc.removed)
    chars = sum(sp.end - sp.start for sp in doc.removed if sp.reason == reason)
    title = Text()
    title.append(doc.id, style="bold")
    title.append(f"  {doc.decision}", style="green" if doc.kept else "red")
    if doc.url:
        title.append(f"  {doc.url}", style="dim")
    console.rule(title, align="left")
    count = Text()
    count.append(f"{n_spans} span{'s' if n_spans != 1 else ''} of ", style="dim")
    count.append(f" {reason} ", style=rich_style(reason))
    count.append(f", {chars:,} chars", style="dim")
    console.print(count)
    for s, e in wins[:MAX_EXCERPTS]:
        line = Text()  # (a style given to Text() would apply to the whole line)
        line.append("…" if s > 0 else "", style="dim")
        line.append_text(document_text(doc, plain, s, e, focus=reason))
        line.append("…" if e < len(doc.text) else "", style="dim")
        console.print(Panel(line, border_style="dim", padding=(0, 1)))
    if len(wins) > MAX_EXCERPTS:
        console.print(Text(f"… {len(wins) - MAX_EXCERPTS} more excerpts", style="dim italic"))


def find_document(out_dir: Path, doc_id: str) -> dict[str, Any] | None:
    for light, loc in iter_index(out_dir, columns=("id",)):
        if str(light.get("id")) == doc_id:
            return fetch([loc])[0]
    return None


def _sample(out_dir: Path, reason: str, k: int, seed: int) -> tuple[list[dict], list[dict]]:
    """Documents with removals of `reason`, and documents rejected for it (both sampled)."""
    removed: Reservoir[Any] = Reservoir(k)
    rejected: Reservoir[Any] = Reservoir(k)
    for light, loc in iter_index(out_dir):
        rid = str(light.get("id"))
        if any(sp["reason"] == reason for sp in light.get("removed") or []):
            removed.offer(priority(rid, seed), rid, loc)
        elif light.get("decision") == reason:
            rejected.offer(priority(rid, seed), rid, loc)
    return fetch(removed.items()), fetch(rejected.items())


def inspect(
    out_dir: Path,
    id: str | None = None,  # noqa: A002  (the CLI's --id)
    reason: str | None = None,
    sample: int = 5,
    seed: int = 0,
    console: Console | None = None,
) -> int:
    """Show document `id`, or a sample of documents touched by `reason`; returns how many."""
    console = console or Console()
    out_dir = Path(out_dir)
    if id is not None:
        rec = find_document(out_dir, id)
        if rec is None:
            console.print(Text(f"no document with id {id!r} in {out_dir}/kept or rejected", style="red"))
            return 0
        if rec.get("input_text") is None:
            console.print(
                Text("input text not stored in this run: showing the cleaned text only", style="yellow")
            )
        inspect_document(Document.from_record(rec), console)
        return 1
    if reason is not None:
        removed, rejected = _sample(out_dir, reason, sample, seed)
        if removed and any(r.get("input_text") is None for r in removed):
            console.print(
                Text("input text not stored in this run: removed spans cannot be shown", style="yellow")
            )
            removed = [r for r in removed if r.get("input_text") is not None]
        for rec in removed:
            inspect_reason(Document.from_record(rec), reason, console)
        for rec in rejected if not removed else []:
            inspect_document(Document.from_record(rec), console, max_chars=2_000)
        shown = len(removed) or len(rejected)
        if not shown:
            console.print(Text(f"no document removed text for, or was rejected as, {reason!r}", style="red"))
        return shown
    shown = 0
    for rec in _take_any(out_dir, sample, seed):
        inspect_document(Document.from_record(rec), console, max_chars=5_000)
        shown += 1
    return shown


def _take_any(out_dir: Path, k: int, seed: int) -> list[dict[str, Any]]:
    pool: Reservoir[Any] = Reservoir(k)
    for light, loc in iter_index(out_dir, columns=("id",)):
        rid = str(light.get("id"))
        pool.offer(priority(rid, seed), rid, loc)
    return fetch(pool.items())


def main_inspect(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="sia inspect",
        description="Show documents of a run with the text sia removed marked by reason.",
        epilog="Without --id or --reason, shows --sample documents chosen at random (seeded).",
    )
    p.add_argument("out", type=Path, help="output folder of a run (holds kept/ and rejected/)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--id", help="show this document (searched in kept/ and rejected/)")
    g.add_argument("--reason", help="show documents with removals of this reason (or rejected for it)")
    p.add_argument("--sample", type=int, default=5, help="how many documents (default %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="sample seed (default %(default)s)")
    a = p.parse_args(argv)
    if not (a.out / "kept").is_dir() and not (a.out / "rejected").is_dir():
        Console(stderr=True).print(
            Text(f"sia inspect: {a.out} has no kept/ or rejected/ folder", style="red")
        )
        return 2
    shown = inspect(a.out, id=a.id, reason=a.reason, sample=a.sample, seed=a.seed)
    return 0 if shown else 1
