"""``sia stats OUT``: the numbers of stats.json as terminal tables."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from sia.report.fmt import human_bytes, num, pct

TOP_LANGS = 15
TOP_HOSTS = 10


def _table(title: str, *columns: str) -> Table:
    t = Table(title=title, title_justify="left", title_style="bold")
    for i, c in enumerate(columns):
        t.add_column(c, justify="left" if i == 0 else "right")
    return t


def overview_table(s: dict[str, Any]) -> Table:
    d, b = s["docs"], s["bytes"]
    t = _table("Overview", "", "documents", "bytes", "share of bytes in")
    t.add_row("in", num(d["in"]), human_bytes(b["in"]), "100%")
    t.add_row("kept (input size)", num(d["kept"]), human_bytes(b["in_kept"]), pct(b["in_kept"], b["in"]))
    t.add_row("out (cleaned)", num(d["kept"]), human_bytes(b["out"]), pct(b["out"], b["in"]))
    t.add_row("rejected", num(d["rejected"]), human_bytes(b["in_rejected"]), pct(b["in_rejected"], b["in"]))
    t.add_row(
        "removed from kept", "", human_bytes(b["removed_from_kept"]), pct(b["removed_from_kept"], b["in"])
    )
    t.add_row("errors (unreadable)", num(d["errors"]), "", "")
    return t


def rejected_table(s: dict[str, Any]) -> Table:
    t = _table("Documents rejected, by reason", "reason", "documents", "bytes", "share of bytes in")
    rows = sorted(s["rejected"].items(), key=lambda kv: (-kv[1]["bytes"], kv[0]))
    for reason, r in rows:
        t.add_row(reason, num(r["docs"]), human_bytes(r["bytes"]), pct(r["bytes"], s["bytes"]["in"]))
    return t


def removed_table(s: dict[str, Any]) -> Table:
    t = _table(
        "Text removed from kept documents, by reason", "reason", "documents", "spans", "chars", "bytes"
    )
    rows = sorted(s["removed"].items(), key=lambda kv: (-kv[1]["bytes"], kv[0]))
    for reason, r in rows:
        t.add_row(reason, num(r["docs"]), num(r["spans"]), num(r["chars"]), human_bytes(r["bytes"]))
    return t


def langs_table(s: dict[str, Any]) -> Table:
    t = _table("Languages", "lang", "documents", "kept", "bytes in", "bytes out")
    rows = sorted(s["langs"].items(), key=lambda kv: (-kv[1]["bytes_in"], kv[0]))
    for lang, r in rows[:TOP_LANGS]:
        t.add_row(
            lang, num(r["docs"]), num(r["kept"]), human_bytes(r["bytes_in"]), human_bytes(r["bytes_out"])
        )
    if len(rows) > TOP_LANGS:
        t.caption = f"{len(rows) - TOP_LANGS} more languages in stats.json"
    return t


def signals_table(s: dict[str, Any]) -> Table:
    t = _table("Quality signals (all documents that have them)", "signal", "count", "min", "mean", "max")
    for name, r in s["signals"].items():
        t.add_row(name, num(r["count"]), num(r["min"]), num(r["mean"]), num(r["max"]))
    return t


def dup_table(s: dict[str, Any]) -> Table:
    t = _table("Duplicate clusters", "size", "clusters", "documents")
    for lo, hi, n, docs in s["dup"]["clusters"]:
        t.add_row(str(lo) if lo == hi else f"{lo}–{hi}", num(n), num(docs))
    t.caption = f"{s['dup']['duplicates']:,} documents point to a cluster representative"
    return t


def hosts_table(s: dict[str, Any]) -> Table:
    h = s["hosts"]
    t = _table("Hosts that lose most bytes", "host", "documents", "kept", "bytes in", "bytes out", "lost")
    rows = sorted(h["hosts"].items(), key=lambda kv: (-(kv[1]["bytes_in"] - kv[1]["bytes_out"]), kv[0]))
    for host, r in rows[:TOP_HOSTS]:
        lost = r["bytes_in"] - r["bytes_out"]
        t.add_row(
            host, num(r["docs"]), num(r["kept"]), human_bytes(r["bytes_in"]), human_bytes(r["bytes_out"]),
            pct(lost, r["bytes_in"]),
        )  # fmt: skip
    if h["level"]:
        t.caption = f"sample of 1/{2 ** h['level']} of ~{h['distinct_estimate']:,} hosts"
    return t


def errors_table(s: dict[str, Any]) -> Table:
    t = _table("Input errors", "reason", "records")
    for reason, n in s["errors"]["by_reason"].items():
        t.add_row(reason, num(n))
    return t


def timings_table(s: dict[str, Any]) -> Table:
    t = _table("Stage time (summed over workers)", "stage", "seconds", "documents", "docs/s")
    for stage, r in s.get("timings", {}).items():
        if not isinstance(r, dict):
            t.caption = f"{stage}: {r}" if not t.caption else f"{t.caption}; {stage}: {r}"
            continue
        rate = f"{r['docs'] / r['seconds']:,.0f}" if r["seconds"] and r["docs"] else "–"
        t.add_row(stage, f"{r['seconds']:.2f}", num(r["docs"]) if r["docs"] else "–", rate)
    return t


def print_stats(out_dir: Path, console: Console | None = None) -> None:
    """Print the tables of ``OUT/stats.json``."""
    from sia.report.stats import load_stats

    print_tables(load_stats(Path(out_dir)), console)


def print_tables(s: dict[str, Any], console: Console | None = None) -> None:
    """Print the tables of a stats dict (as `stats.json` holds it)."""
    console = console or Console()
    console.print(overview_table(s))
    parts = [
        (s["rejected"], rejected_table),
        (s["removed"], removed_table),
        (s["langs"], langs_table),
        (s["signals"], signals_table),
        (s["dup"]["clusters"], dup_table),
        (s["hosts"]["hosts"], hosts_table),
        (s["errors"]["by_reason"], errors_table),
        (s.get("timings"), timings_table),
    ]
    for present, make in parts:
        if present:
            console.print(make(s))


def main_stats(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="sia stats", description="Print the statistics of a sia run.")
    p.add_argument("out", type=Path, help="output folder of a run (holds stats.json)")
    p.add_argument("--json", action="store_true", help="print stats.json itself instead of tables")
    a = p.parse_args(argv)
    if a.json:
        from sia.report.stats import dumps, load_stats

        print(dumps(load_stats(a.out)), end="")
        return 0
    try:
        print_stats(a.out)
    except (OSError, ValueError, json.JSONDecodeError) as e:
        Console(stderr=True).print(f"[red]sia stats: {e}[/red]")
        return 2
    return 0
