"""Extraction on other sites and languages: trafilatura's own evaluation set (400 pages).

Each page has `with` snippets (must appear in the extracted text) and `without` snippets (must
not). As trafilatura's authors score it: a `with` snippet found is a true positive, missing a false
negative; a `without` snippet found a false positive, missing a true negative; precision, recall
and F over all snippets. None of these pages was used to fit sia's model (it saw only even
scrapinghub pages), so this is a held-out test across sites and languages.

    .venv/bin/python bench/extraction_trafilatura_eval.py
"""

from __future__ import annotations

import json
import lzma
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from extraction_eval import MAIN, TEXT, sia_light, sia_reader, sia_repair  # noqa: E402
from sia.repair.html import html_to_text  # noqa: E402

DATA = Path("/work/shared/data/extraction/trafilatura_eval/items.jsonl.xz")
OUT = Path(__file__).parent / "results" / "extraction.md"
MARK = "<!-- trafilatura-eval -->"


def norm(s: str) -> str:
    return " ".join(s.split())


def score(outputs: list[str], rows: list[dict]) -> tuple[float, float, float]:
    tp = fn = fp = tn = 0
    for out, r in zip(outputs, rows):
        o = norm(out)
        for s in r["with"]:
            if norm(s) in o:
                tp += 1
            else:
                fn += 1
        for s in r["without"]:
            if norm(s) in o:
                fp += 1
            else:
                tn += 1
    p = tp / max(1, tp + fp)
    rec = tp / max(1, tp + fn)
    return p, rec, 2 * p * rec / max(1e-9, p + rec)


def main() -> None:
    import trafilatura

    with lzma.open(DATA, "rt") as f:
        rows = [json.loads(line) for line in f]
    systems = {
        "all text (resiliparse, no cleaning)": lambda h: html_to_text(h),
        TEXT: lambda h: sia_repair(html_to_text(h)),
        "sia HTML path, main content without DOM pruning (+ metadata + repeats)": lambda h: sia_light(
            html_to_text(h, main_content=True, prune=False)
        ),
        MAIN: sia_reader,
        "sia on flattened text": lambda h: sia_repair(" ".join(html_to_text(h).split("\n"))),
        "trafilatura (HTML)": lambda h: trafilatura.extract(h) or "",
    }
    langs = Counter(r["lang_guess"] for r in rows)
    lines = [
        MARK,
        "",
        "## Other sites and languages: trafilatura's evaluation set (400 pages, none used in training)",
        "",
        "Command: `.venv/bin/python bench/extraction_trafilatura_eval.py`. Snippet precision / recall / F",
        f"as trafilatura's authors score it. Languages: {', '.join(f'{k} {v}' for k, v in langs.most_common(8))}.",
        "",
        "| system | P | R | F | pages per CPU-second |",
        "|---|---|---|---|---|",
    ]
    by_lang_rows = []
    for name, fn in systems.items():
        t0 = time.process_time()
        outs = [fn(r["html"]) for r in rows]
        dt = time.process_time() - t0
        p, rec, f = score(outs, rows)
        lines.append(f"| {name} | {p:.3f} | {rec:.3f} | {f:.3f} | {len(rows) / dt:.1f} |")
        if name.startswith("sia HTML") or name.startswith("trafilatura"):  # per language
            for lang, _ in langs.most_common(5):
                idx = [i for i, r in enumerate(rows) if r["lang_guess"] == lang]
                s = score([outs[i] for i in idx], [rows[i] for i in idx])
                by_lang_rows.append(
                    f"| {name} | {lang} | {len(idx)} | {s[0]:.3f} | {s[1]:.3f} | {s[2]:.3f} |"
                )
    lines += ["", "| system | lang | pages | P | R | F |", "|---|---|---|---|---|---|", *by_lang_rows, ""]
    text = OUT.read_text() if OUT.exists() else ""
    if MARK in text:
        text = text[: text.index(MARK)]
    OUT.write_text(text.rstrip() + "\n\n" + "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
