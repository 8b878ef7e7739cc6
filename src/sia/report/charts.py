"""Plotly figures of a run, built from stats.json alone (never from the corpus).

Every categorical label (reason, language, host) comes from crawled or user data and plotly
renders a subset of HTML in labels, so labels are HTML-escaped before they reach a figure.
"""

from __future__ import annotations

import html
import math
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sia.report.fmt import human_bytes
from sia.report.styles import reason_color

TOP_LANGS = 20
TOP_HOSTS = 20
KEPT_COLOR = "#4e79a7"
REJECTED_COLOR = "#e15759"
OUT_COLOR = "#59a14f"
REJECT_PALETTE = (
    "#e15759", "#b07aa1", "#9c755f", "#ff9da7", "#d37295", "#8f2d56",
    "#f28e2b", "#7b4173", "#c44e52", "#a5678e", "#ce6dbd", "#843c39",
)  # fmt: skip


def _esc(s: str) -> str:
    return html.escape(str(s), quote=True)


def _layout(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
    fig.update_layout(
        title={"text": _esc(title), "x": 0.01, "font": {"size": 15}},
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.2},
        hoverlabel={"namelength": -1},
    )
    return fig


def flow_figure(s: dict[str, Any]) -> go.Figure:
    """Where the input went: one stacked bar for bytes, one for documents."""
    fig = make_subplots(rows=2, cols=1, subplot_titles=("bytes", "documents"), vertical_spacing=0.25)
    b, d = s["bytes"], s["docs"]
    rc = reject_colors(s["rejected"])
    segs_b = [("kept", b["out"], OUT_COLOR)]
    segs_b += [(f"removed: {r}", v["bytes"], reason_color(r)) for r, v in _by(s["removed"], "bytes")]
    segs_b += [(f"rejected: {r}", v["bytes"], rc[r]) for r, v in _by(s["rejected"], "bytes")]
    segs_d = [("kept", d["kept"], OUT_COLOR)]
    segs_d += [(f"rejected: {r}", v["docs"], rc[r]) for r, v in _by(s["rejected"], "docs")]
    for row, segs, fmt in ((1, segs_b, human_bytes), (2, segs_d, lambda x: f"{x:,}")):
        total = sum(v for _, v, _ in segs) or 1
        for name, v, color in segs:
            fig.add_trace(
                go.Bar(
                    y=[""], x=[v], orientation="h", name=_esc(name), marker_color=color,
                    legendgroup=_esc(name), showlegend=row == 1,
                    hovertemplate=f"{_esc(name)}: {fmt(v)} ({100 * v / total:.1f}%)<extra></extra>",
                ),
                row=row, col=1,
            )  # fmt: skip
    fig.update_layout(barmode="stack")
    return _layout(fig, "Where the input went", 330)


def reject_colors(rejected: dict[str, Any]) -> dict[str, str]:
    """Distinct warm colours for reject reasons, by name order (the same in every chart)."""
    return {r: REJECT_PALETTE[i % len(REJECT_PALETTE)] for i, r in enumerate(sorted(rejected))}


def _by(d: dict[str, dict[str, int]], key: str) -> list[tuple[str, dict[str, int]]]:
    return sorted(d.items(), key=lambda kv: (-kv[1][key], kv[0]))


def reasons_figure(
    rows: dict[str, dict[str, int]], key: str, title: str, unit: str, colors: dict[str, str] | None = None
) -> go.Figure:
    """Horizontal bars, one per reason, in the reason's colour."""
    items = _by(rows, key)[::-1]
    colors = colors or {r: reason_color(r) for r in rows}
    names = [_esc(r) for r, _ in items]
    vals = [v[key] for _, v in items]
    text = [human_bytes(x) if unit == "bytes" else f"{x:,}" for x in vals]
    fig = go.Figure(
        go.Bar(
            y=names, x=vals, orientation="h", text=text, textposition="auto",
            marker_color=[colors[r] for r, _ in items],
            customdata=[[v.get("docs", 0)] for _, v in items],
            hovertemplate="%{y}: %{text} in %{customdata[0]:,} documents<extra></extra>",
        )
    )  # fmt: skip
    fig.update_xaxes(title_text=unit)
    return _layout(fig, title, max(220, 70 + 32 * len(items)))


def langs_figure(s: dict[str, Any]) -> go.Figure:
    items = sorted(s["langs"].items(), key=lambda kv: (-kv[1]["bytes_in"], kv[0]))[:TOP_LANGS]
    langs = [_esc(k) for k, _ in items]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("documents", "bytes"), horizontal_spacing=0.12)
    kept = [v["kept"] for _, v in items]
    # group mode for the bytes pair; the documents pair is stacked by hand (`base`)
    fig.add_trace(
        go.Bar(x=langs, y=kept, name="kept", marker_color=KEPT_COLOR, offsetgroup="d"), row=1, col=1
    )
    rej = [v["docs"] - v["kept"] for _, v in items]
    fig.add_trace(
        go.Bar(x=langs, y=rej, base=kept, name="rejected", marker_color=REJECTED_COLOR, offsetgroup="d"),
        row=1, col=1,
    )  # fmt: skip
    for key, name, color in (("bytes_in", "bytes in", "#bab0ac"), ("bytes_out", "bytes out", OUT_COLOR)):
        fig.add_trace(
            go.Bar(x=langs, y=[v[key] for _, v in items], name=name, marker_color=color), row=1, col=2
        )
    fig.update_layout(barmode="group")
    title = "Languages" + (f" (top {TOP_LANGS} by bytes)" if len(s["langs"]) > TOP_LANGS else "")
    return _layout(fig, title, 380)


def _steps(edges_counts: list[tuple[float, float, float]]) -> tuple[list[float], list[float]]:
    """Points of a step line (shape 'hv') over sorted, possibly gapped bins (lo, hi, count)."""
    xs: list[float] = []
    ys: list[float] = []
    prev_hi = None
    for lo, hi, c in edges_counts:
        if prev_hi is not None and not math.isclose(prev_hi, lo):
            xs.append(prev_hi)
            ys.append(0)
        xs.append(lo)
        ys.append(c)
        prev_hi = hi
    if prev_hi is not None:
        xs.append(prev_hi)
        ys.append(0)
    return xs, ys


def length_figure(s: dict[str, Any]) -> go.Figure:
    """Document length in bytes before (all documents) and after cleaning (kept), log x axis."""
    L = s["length"]
    edges = L["edges"]
    fig = go.Figure()
    series = (("before: every document", L["in"], "#bab0ac"), ("before: kept documents", L["in_kept"], KEPT_COLOR),
              ("after: kept documents", L["out"], OUT_COLOR))  # fmt: skip
    for name, counts, color in series:
        bins = [(edges[i], edges[i + 1], c) for i, c in enumerate(counts) if c and i > 0]
        xs, ys = _steps(bins)
        fig.add_trace(go.Scatter(x=xs, y=ys, name=name, line_shape="hv", line_color=color, mode="lines"))
    empty = L["out"][0]
    fig.update_xaxes(type="log", title_text="bytes (log scale)")
    fig.update_yaxes(title_text="documents")
    note = f" — {empty:,} kept documents cleaned to nothing" if empty else ""
    return _layout(fig, "Document length before and after cleaning" + note, 380)


def signal_figure(name: str, sig: dict[str, Any], threshold: float | None) -> go.Figure:
    """One signal's distribution, kept and rejected documents stacked, with its threshold."""
    hist = sig["hist"]
    fig = go.Figure()
    for idx, label, color in ((2, "kept", KEPT_COLOR), (3, "rejected", REJECTED_COLOR)):
        xs, ys = _steps([(h[0], h[1], h[idx]) for h in hist])
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, name=label, line_shape="hv", mode="lines", stackgroup="one",
                line_color=color, legendgroup=label,
            )
        )  # fmt: skip
    lo, hi = sig["min"], sig["max"]
    if lo is not None and lo > 0 and hi / lo > 100:
        fig.update_xaxes(type="log")
    if threshold is not None:
        fig.add_vline(
            x=threshold, line_dash="dash", line_color="#333",
            annotation_text=f"threshold {threshold:g}", annotation_position="top",
        )  # fmt: skip
    fig.update_yaxes(title_text="documents")
    mean = sig["mean"]
    sub = f"n={sig['count']:,}" + (f", mean {mean:.4g}" if mean is not None else "")
    return _layout(fig, f"{name} ({sub})", 300)


def clusters_figure(s: dict[str, Any]) -> go.Figure:
    rows = s["dup"]["clusters"]
    labels = [str(lo) if lo == hi else f"{lo}–{hi}" for lo, hi, _n, _d in rows]
    fig = go.Figure(
        go.Bar(
            x=labels, y=[n for _lo, _hi, n, _d in rows], marker_color="#76b7b2",
            customdata=[[d] for *_, d in rows],
            hovertemplate="size %{x}: %{y:,} clusters, %{customdata[0]:,} documents<extra></extra>",
        )
    )  # fmt: skip
    fig.update_xaxes(type="category", title_text="cluster size (documents)")
    fig.update_yaxes(type="log", title_text="clusters (log scale)")
    return _layout(fig, "Duplicate cluster sizes", 340)


def hosts_figure(s: dict[str, Any]) -> go.Figure:
    h = s["hosts"]
    rows = sorted(h["hosts"].items(), key=lambda kv: (-(kv[1]["bytes_in"] - kv[1]["bytes_out"]), kv[0]))
    rows = [r for r in rows if r[1]["bytes_in"] > r[1]["bytes_out"]][:TOP_HOSTS][::-1]
    names = [_esc(k) for k, _ in rows]
    lost = [v["bytes_in"] - v["bytes_out"] for _, v in rows]
    out = [v["bytes_out"] for _, v in rows]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=names, x=lost, name="bytes lost", orientation="h", marker_color=REJECTED_COLOR,
                         customdata=[[human_bytes(x)] for x in lost], hovertemplate="%{y}: %{customdata[0]} lost<extra></extra>"))  # fmt: skip
    fig.add_trace(go.Bar(y=names, x=out, name="bytes kept", orientation="h", marker_color=OUT_COLOR,
                         customdata=[[human_bytes(x)] for x in out], hovertemplate="%{y}: %{customdata[0]} kept<extra></extra>"))  # fmt: skip
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="bytes")
    title = "Hosts that lose most bytes"
    if h["level"]:
        title += f" (sample of 1/{2 ** h['level']} of ~{h['distinct_estimate']:,} hosts)"
    return _layout(fig, title, max(240, 90 + 28 * len(rows)))
