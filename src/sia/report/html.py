"""``sia report OUT``: one self-contained HTML file that opens offline.

Charts come from ``stats.json`` (bounded, whatever the corpus size); the document sample is
streamed from the part files with a seeded, order-free reservoir per reason (`sia.report.sample`),
so the report never holds more than the sample in memory. plotly.js is inlined once in the head
and every chart only carries its data.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from sia.report import charts
from sia.report.fmt import human_bytes, pct
from sia.report.parts import fetch, iter_index, read_run
from sia.report.render import doc_card, esc, filter_tokens, token_class
from sia.report.sample import priority, sample_by_key
from sia.report.stats import load_stats
from sia.report.styles import reason_class, reason_color

PER_REASON = 6
PLOT_CONFIG = {"displaylogo": False, "responsive": True}

CSS = """
:root{--fg:#1d2430;--mut:#5b6575;--bg:#f6f7f9;--card:#fff;--line:#dde1e7}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:18px 22px 60px}
h1{font-size:22px;margin:6px 0 2px} h2{font-size:18px;margin:30px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
.sub{color:var(--mut);margin:0 0 14px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card b{display:block;font-size:20px} .card span{color:var(--mut);font-size:12px}
.chart{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:10px 0;padding:4px}
.grid2{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:10px}
.grid2 .chart{margin:0}
table.t{border-collapse:collapse;background:var(--card);margin:8px 0}
table.t th,table.t td{border:1px solid var(--line);padding:3px 8px;text-align:left}
table.t td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:var(--mut);font-style:italic}
.toolbar{position:sticky;top:0;background:var(--bg);padding:8px 0;z-index:5;display:flex;gap:12px;align-items:center}
select{font:inherit;padding:3px 6px}
article.doc{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:12px 0;padding:10px 12px}
article.doc header{font-size:13px;margin-bottom:6px;word-break:break-all}
.status{font-weight:600;padding:1px 6px;border-radius:4px;color:#fff}
.status.ok{background:#59a14f}.status.bad{background:#e15759}
.url{color:var(--mut)}
table.meta{font-size:12px;border-collapse:collapse;margin:4px 0}
table.meta th{text-align:left;color:var(--mut);font-weight:500;padding:1px 8px 1px 0;vertical-align:top}
table.meta td{word-break:break-word}
.legend{margin:4px 0}
.chip{display:inline-block;font-size:12px;border-radius:10px;padding:1px 8px;margin:2px 4px 2px 0}
pre.txt{white-space:pre-wrap;word-wrap:break-word;font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;
 max-height:420px;overflow:auto;background:#fbfbfc;border:1px solid var(--line);border-radius:6px;padding:8px;margin:6px 0}
mark.rm{color:inherit;border-radius:2px;text-decoration:line-through;text-decoration-color:rgba(0,0,0,.35);cursor:help}
mark.rm.dim{opacity:.35;text-decoration:none}
ins.repl{text-decoration:none;font-weight:600;background:#fff;border:1px solid #999;border-radius:3px;margin-left:2px}
.cut{color:var(--mut);font-style:italic}
"""


def _reason_css(reasons: set[str]) -> str:
    # colours come from our palette and class names are [a-z0-9_-] only: safe to emit as CSS
    rules = []
    for r in sorted(reasons):
        c = reason_color(r)
        rules.append(f".{reason_class(r)}{{background:{c}55}} .chip.{reason_class(r)}{{background:{c}88}}")
    return "\n".join(rules)


def _card(value: str, label: str) -> str:
    return f'<div class="card"><b>{esc(value)}</b><span>{esc(label)}</span></div>'


def _cards(s: dict[str, Any]) -> str:
    d, b = s["docs"], s["bytes"]
    return (
        '<div class="cards">'
        + "".join(
            [
                _card(f"{d['in']:,}", "documents in"),
                _card(f"{d['kept']:,}", f"documents kept ({pct(d['kept'], d['in'])})"),
                _card(f"{d['rejected']:,}", "documents rejected"),
                _card(f"{d['errors']:,}", "input records unreadable"),
                _card(human_bytes(b["in"]), "bytes in"),
                _card(human_bytes(b["out"]), f"bytes out ({pct(b['out'], b['in'])})"),
                _card(human_bytes(b["removed_from_kept"]), "removed from kept documents"),
                _card(human_bytes(b["in_rejected"]), "in rejected documents"),
            ]
        )
        + "</div>"
    )


class _Charts:
    """Numbered plot divs (stable ids, so the same run gives the same file)."""

    def __init__(self) -> None:
        self.n = 0

    def html(self, fig: go.Figure) -> str:
        self.n += 1
        div = fig.to_html(
            full_html=False, include_plotlyjs=False, config=PLOT_CONFIG, div_id=f"chart-{self.n}"
        )
        return f'<div class="chart">{div}</div>'


def _table(head: list[str], rows: list[list[Any]]) -> str:
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{esc(c)}</td>' if i else f"<td>{esc(c)}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f'<table class="t"><tr>{th}</tr>{body}</table>'


def _charts_section(s: dict[str, Any], thresholds: dict[str, Any]) -> str:
    ch = _Charts()
    parts = ["<h2>Overview</h2>", _cards(s), ch.html(charts.flow_figure(s))]
    parts.append('<div class="grid2">')
    if s["rejected"]:
        parts.append(
            ch.html(
                charts.reasons_figure(
                    s["rejected"],
                    "docs",
                    "Documents rejected, by reason",
                    "documents",
                    charts.reject_colors(s["rejected"]),
                )
            )
        )
    if s["removed"]:
        parts.append(
            ch.html(
                charts.reasons_figure(s["removed"], "bytes", "Bytes removed from kept documents", "bytes")
            )
        )
    parts.append("</div>")
    parts += ["<h2>Languages</h2>", ch.html(charts.langs_figure(s))]
    parts += ["<h2>Document length</h2>", ch.html(charts.length_figure(s))]
    if s["signals"]:
        parts += ["<h2>Quality signals</h2>", '<p class="sub">Every document that has the signal; the dashed line is the '
                  "threshold from run.json where the run recorded one.</p>", '<div class="grid2">']  # fmt: skip
        for name, sig in s["signals"].items():
            if sig["count"]:
                thr = thresholds.get(name)
                thr = float(thr) if isinstance(thr, int | float) and not isinstance(thr, bool) else None
                parts.append(ch.html(charts.signal_figure(name, sig, thr)))
        parts.append("</div>")
    parts.append("<h2>Duplicates</h2>")
    if s["dup"]["clusters"]:
        parts.append(ch.html(charts.clusters_figure(s)))
    else:
        parts.append('<p class="note">no duplicate clusters recorded</p>')
    parts.append(
        f'<p class="sub">{s["dup"]["duplicates"]:,} documents point to a cluster representative.</p>'
    )
    if any(r["bytes_in"] > r["bytes_out"] for r in s["hosts"]["hosts"].values()):
        parts += ["<h2>Hosts</h2>", ch.html(charts.hosts_figure(s))]
    return "\n".join(parts)


def _errors_section(s: dict[str, Any]) -> str:
    e = s["errors"]
    if not e["by_reason"]:
        return ""
    rows = [[r, f"{n:,}"] for r, n in e["by_reason"].items()]
    ex = [[x["file"], x["record"], x["reason"]] for x in e["examples"]]
    return (
        "<h2>Input errors</h2>" + _table(["reason", "records"], rows)
        + "<p class=\"sub\">First examples (details in OUT/errors/):</p>" + _table(["file", "record", "reason"], ex)
    )  # fmt: skip


def _timings_section(s: dict[str, Any]) -> str:
    rows = []
    for stage, r in (s.get("timings") or {}).items():
        if isinstance(r, dict):
            rate = f"{r['docs'] / r['seconds']:,.0f}" if r["seconds"] and r["docs"] else "–"
            rows.append([stage, f"{r['seconds']:.2f}", f"{r['docs']:,}" if r["docs"] else "–", rate])
    if not rows:
        return ""
    return "<h2>Stage time</h2>" + _table(["stage", "seconds (all workers)", "documents", "docs/s"], rows)


def sample_records(out_dir: Path, per_reason: int = PER_REASON, seed: int = 0) -> list[dict[str, Any]]:
    """Up to `per_reason` documents for every removal reason and every decision, deduplicated."""
    pools = sample_by_key(iter_index(out_dir), lambda item: filter_tokens(item[0]), per_reason, seed)
    chosen: dict[str, Any] = {}
    for items in pools.values():
        for light, loc in items:
            chosen.setdefault(str(light["id"]), loc)
    ids = sorted(chosen, key=lambda i: (priority(i, seed), i))
    return fetch([chosen[i] for i in ids])


def _samples_section(recs: list[dict[str, Any]]) -> tuple[str, set[str]]:
    tokens: dict[str, int] = {}
    reasons: set[str] = set()
    for r in recs:
        for t in filter_tokens(r):
            tokens[t] = tokens.get(t, 0) + 1
        reasons.update(sp["reason"] for sp in r.get("removed") or [])
    opts = ['<option value="">all sampled documents</option>']
    for t in sorted(tokens, key=lambda t: (not t.startswith("removed:"), t)):
        kind, _, reason = t.partition(":")
        label = (
            f"removed: {reason}"
            if kind == "removed"
            else ("kept" if reason == "keep" else f"rejected: {reason}")
        )
        mark = f' data-mark="{reason_class(reason)}"' if kind == "removed" else ""
        opts.append(f'<option value="{token_class(t)}"{mark}>{esc(label)} ({tokens[t]})</option>')
    head = (
        "<h2>Sample of documents</h2>"
        '<p class="sub">Removed text is highlighted in its reason\'s colour (hover for the reason); '
        "choose a reason to see only the documents it touched, with its spans in front.</p>"
        f'<div class="toolbar"><label>Filter <select id="doc-filter">{"".join(opts)}</select></label>'
        '<span id="doc-count"></span></div>'
    )
    return head + "\n".join(doc_card(r) for r in recs), reasons


def build_html(out_dir: Path, per_reason: int = PER_REASON, seed: int = 0) -> str:
    out_dir = Path(out_dir)
    s = load_stats(out_dir)
    run = read_run(out_dir)
    thresholds = run.get("thresholds") if isinstance(run.get("thresholds"), dict) else {}
    samples, reasons = _samples_section(sample_records(out_dir, per_reason, seed))
    reasons |= set(s["removed"]) | set(s["rejected"])
    js = resources.files("sia.report").joinpath("assets/report.js").read_text(encoding="utf-8")
    run_json = esc(json.dumps(run, indent=1, ensure_ascii=False, sort_keys=True, default=str))
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:">
<title>sia report — {esc(out_dir.resolve().name)}</title>
<style>{CSS}
{_reason_css(reasons)}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head><body><main>
<h1>sia report</h1>
<p class="sub">{esc(str(out_dir.resolve()))} · made {esc(made)} · stats schema {esc(s["schema"])}</p>
{_charts_section(s, thresholds)}
{_errors_section(s)}
{_timings_section(s)}
<details><summary>run.json</summary><pre class="txt">{run_json}</pre></details>
{samples}
</main>
<script>{js}</script>
</body></html>
"""


def write_report(
    out_dir: Path, output: Path | None = None, per_reason: int = PER_REASON, seed: int = 0
) -> Path:
    """Write ``OUT/report.html`` (or `output`) atomically; returns its path."""
    out_dir = Path(out_dir)
    path = Path(output) if output is not None else out_dir / "report.html"
    text = build_html(out_dir, per_reason, seed)
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def main_report(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="sia report",
        description="Write OUT/report.html: one offline HTML file with the run's charts and a sample of documents.",
    )
    p.add_argument("out", type=Path, help="output folder of a run (holds stats.json, kept/, rejected/)")
    p.add_argument("-o", "--output", type=Path, help="where to write the report (default OUT/report.html)")
    p.add_argument(
        "--per-reason",
        type=int,
        default=PER_REASON,
        help="sampled documents per reason (default %(default)s)",
    )
    p.add_argument("--seed", type=int, default=0, help="sample seed (default %(default)s)")
    a = p.parse_args(argv)
    try:
        path = write_report(a.out, a.output, a.per_reason, a.seed)
    except (OSError, ValueError) as e:
        print(f"sia report: {e}")
        return 2
    print(path)
    return 0
