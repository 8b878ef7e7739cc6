"""HTML for one sampled document: its input with the removed spans marked.

All text that came from a crawl (document text, title, URL, authors, reasons, signal names) goes
through `html.escape` and nowhere else: it is never placed in a script, a style, or an unquoted
attribute, so markup in a page can only ever show as text.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any

from sia.report.styles import reason_class

MAX_CHARS = 20_000  # of input text shown per document; the rest is summarised


def esc(s: Any) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def marked_text(text: str, spans: Iterable[dict[str, Any]], limit: int = MAX_CHARS) -> str:
    """`text` with each removed span in a ``<mark>`` whose tooltip names its reason."""
    out: list[str] = []
    pos = 0
    n = min(len(text), limit)
    for sp in sorted(spans, key=lambda s: (s["start"], s["end"])):
        s, e = max(pos, int(sp["start"])), min(n, int(sp["end"]))
        if s >= n:
            break
        if e <= s:
            continue
        out.append(esc(text[pos:s]))
        reason = sp["reason"]
        repl = sp.get("repl")
        tip = f"removed: {reason} ({int(sp['end']) - int(sp['start']):,} chars)"
        if repl is not None:
            tip = f"replaced ({reason}) by {repl}"
        body = esc(text[s:e])
        if repl is not None:
            body = f'<s>{body}</s><ins class="repl">{esc(repl)}</ins>'
        out.append(
            f'<mark class="rm {reason_class(reason)}" data-reason="{esc(reason)}" title="{esc(tip)}">{body}</mark>'
        )
        pos = e
    out.append(esc(text[pos:n]))
    if len(text) > n:
        out.append(f'<span class="cut">… {len(text) - n:,} more characters not shown</span>')
    return "".join(out)


def filter_tokens(rec: dict[str, Any]) -> list[str]:
    """Filter keys of a record: ``removed:<reason>`` for each removal, ``decision:<decision>``."""
    reasons = sorted({sp["reason"] for sp in rec.get("removed") or []})
    return [f"removed:{r}" for r in reasons] + [f"decision:{rec.get('decision') or 'keep'}"]


def token_class(token: str) -> str:
    return "f-" + reason_class(token)[2:]


def _meta_rows(rec: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    lang = rec.get("lang")
    if lang:
        score = rec.get("lang_score")
        rows.append(("lang", f"{lang}" + (f" ({score:.2f})" if isinstance(score, int | float) else "")))
    for key in ("title", "published", "source"):
        if rec.get(key):
            rows.append((key, str(rec[key])))
    if rec.get("authors"):
        rows.append(("authors", "; ".join(map(str, rec["authors"]))))
    if rec.get("dup"):
        rows.append(("dup", json.dumps(rec["dup"], ensure_ascii=False, sort_keys=True)))
    return rows


def signals_text(sig: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in sorted(sig.items()))


def doc_card(rec: dict[str, Any]) -> str:
    """One ``<article>`` for the sample section."""
    tokens = filter_tokens(rec)
    decision = rec.get("decision") or "keep"
    spans = rec.get("removed") or []
    per: dict[str, int] = {}
    for sp in spans:
        per[sp["reason"]] = per.get(sp["reason"], 0) + int(sp["end"]) - int(sp["start"])
    legend = "".join(
        f'<span class="chip {reason_class(r)}" data-reason="{esc(r)}">{esc(r)} · {n:,} chars</span>'
        for r, n in sorted(per.items())
    )
    cls = " ".join(token_class(t) for t in tokens)
    status = "kept" if decision == "keep" else f"rejected: {decision}"
    meta = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in _meta_rows(rec))
    sig = rec.get("signals") or {}
    if sig:  # many signals fold away so the text stays in view
        text = esc(signals_text(sig))
        cell = text if len(sig) <= 6 else f"<details><summary>{len(sig)} signals</summary>{text}</details>"
        meta += f"<tr><th>signals</th><td>{cell}</td></tr>"
    if rec.get("input_text") is not None:
        body = marked_text(rec["input_text"], spans)
        clean = esc(rec.get("text", "")[:MAX_CHARS])
        extra = f'<details><summary>cleaned text</summary><pre class="txt">{clean}</pre></details>'
    else:
        body = esc((rec.get("text") or "")[:MAX_CHARS])
        extra = '<p class="note">input text not stored in this run: showing the cleaned text; removed spans cannot be shown</p>'
    return (
        f'<article class="doc {cls}">'
        f'<header><span class="status {"ok" if decision == "keep" else "bad"}">{esc(status)}</span> '
        f'<code>{esc(rec.get("id"))}</code> <span class="url">{esc(rec.get("url") or "")}</span></header>'
        f'<table class="meta">{meta}</table>'
        f'<div class="legend">{legend}</div>{extra}'
        f'<pre class="txt">{body}</pre></article>'
    )
