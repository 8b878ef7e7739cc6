"""Article extraction on real pages: sia's repaired plain text against the human gold text.

Pages: the 181 scrapinghub article-extraction-benchmark pages. sia gets only text (resiliparse
`extract_plain_text`, all visible text, one block per line; and the same flattened onto one line)
and runs its `metadata`, `repeats` and `boilerplate` stages; jusText and trafilatura get the HTML.
The sia HTML path (what the WARC reader does: `sia.io.warc.html_to_text`, then the stages) is
timed against trafilatura on the same HTML; its main-content mode prunes page furniture by class/id
conventions (`sia.repair.dom`) before resiliparse's heuristic (the row without that pruning is
kept). Score: mean per-page token 4-gram shingle precision/recall/F1.
The boilerplate model was fitted on the even pages (bench/extraction_train.py): the "held-out"
columns use only the odd pages.

    .venv/bin/python bench/extraction_eval.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from extraction_common import is_dev, load_pages, prf  # noqa: E402
from sia.record import Document  # noqa: E402
from sia.repair.boilerplate import Boilerplate  # noqa: E402
from sia.repair.html import html_to_text  # noqa: E402
from sia.repair.metadata import Metadata  # noqa: E402
from sia.repair.repeats import Repeats  # noqa: E402

OUT = Path(__file__).parent / "results" / "extraction.md"
MAIN = "sia HTML path, WARC reader default (DOM-pruned main content + metadata + repeats; all text + repair when no article)"
TEXT = "sia HTML path, --html text (all visible text + repair)"
STAGES = [Metadata(), Repeats(), Boilerplate()]  # gold text has no title: defaults remove it


def sia_repair(text: str) -> str:
    d = Document(id="x", text=text)
    for st in STAGES:
        st.process([d])
    return d.clean_text


def sia_reader(html: str) -> str:
    """What `sia clean` does with a WARC page by default (`sia.io.warc.html_to_text`)."""
    from sia.io.warc import html_to_text as reader_text

    text, _, main = reader_text(html)
    return sia_light(text) if main else sia_repair(text)


def sia_light(text: str) -> str:
    """For text already reduced to main content: no boilerplate model (trained on whole pages)."""
    d = Document(id="x", text=text)
    for st in STAGES[:2]:
        st.process([d])
    return d.clean_text


def justext_text(paragraph_source: str, is_html: bool) -> str:
    import justext

    stop = justext.get_stoplist("English")
    if is_html:
        paras = justext.justext(paragraph_source.encode("utf-8", "replace"), stop)
    else:
        html = (
            "<html><body>"
            + "".join(f"<p>{_esc(x)}</p>" for x in paragraph_source.split("\n"))
            + "</body></html>"
        )
        paras = justext.justext(html.encode(), stop)
    return "\n".join(p.text for p in paras if not p.is_boilerplate)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main() -> None:
    import trafilatura
    from resiliparse.extract.html2text import extract_plain_text

    pages = load_pages()
    systems: dict[str, list[tuple[float, float, float]]] = {}
    times: dict[str, float] = {}

    def run(name: str, fn, key: str) -> None:
        t0 = time.process_time()
        outs = [fn(r[key]) for r in pages]
        times[name] = time.process_time() - t0
        systems[name] = [prf(o, r["gold_text"]) for o, r in zip(outs, pages)]

    run("all text, block lines (no cleaning)", lambda t: t, "text")
    run("sia repair, text with block lines", sia_repair, "text")
    run("sia repair, flattened text", sia_repair, "flat")
    run(TEXT, lambda h: sia_repair(html_to_text(h)), "html")
    run(
        "sia HTML path, main content without DOM pruning (prune=False + metadata + repeats)",
        lambda h: sia_light(html_to_text(h, main_content=True, prune=False)),
        "html",
    )
    run(MAIN, sia_reader, "html")
    run("resiliparse main-content (HTML)", lambda h: extract_plain_text(h, main_content=True), "html")
    run("jusText on text lines", lambda t: justext_text(t, False), "text")
    run("jusText (HTML)", lambda h: justext_text(h, True), "html")
    run("trafilatura (HTML)", lambda h: trafilatura.extract(h) or "", "html")

    held = [i for i in range(len(pages)) if not is_dev(i)]
    nbytes = sum(len(r["html"].encode()) for r in pages)
    lines = [
        "# Article extraction (scrapinghub article-extraction-benchmark, 181 pages)",
        "",
        "Command: `.venv/bin/python bench/extraction_eval.py` (boilerplate model fitted by",
        "`bench/extraction_train.py` on the even pages; *held-out* = the 90 odd pages only).",
        "Score: mean per-page token 4-gram shingle precision / recall / F1 against `gold_text`.",
        "sia gets plain text only (except the HTML-path row); jusText and trafilatura get HTML.",
        "",
        "| system | P | R | F1 | held-out P | held-out R | held-out F1 | pages per CPU-second |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, res in systems.items():
        a = np.array(res)
        h = a[held]
        lines.append(
            f"| {name} | {a[:, 0].mean():.3f} | {a[:, 1].mean():.3f} | {a[:, 2].mean():.3f} | "
            f"{h[:, 0].mean():.3f} | {h[:, 1].mean():.3f} | {h[:, 2].mean():.3f} | {len(pages) / times[name]:.1f} |"
        )
    tr = times["trafilatura (HTML)"]
    ftr = np.array(systems["trafilatura (HTML)"])[:, 2].mean()
    lines.append("")
    for name in (TEXT, MAIN):
        fsh = np.array(systems[name])[:, 2].mean()
        lines.append(
            f"{name}: F1 {fsh:.3f} vs trafilatura {ftr:.3f} (gap {ftr - fsh:+.3f}; goal <= 0.02), "
            f"speed {tr / times[name]:.1f}x trafilatura (goal >= 5x)."
        )
    lines += [
        f"({nbytes / 1e6:.1f} MB of HTML.)",
        "",
        "Goals: block lines F1 >= 0.85, flattened F1 >= 0.80, recall >= 0.95 in both.",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    old = OUT.read_text() if OUT.exists() else ""
    mark = "<!-- trafilatura-eval -->"  # keep the section bench/extraction_trafilatura_eval.py adds
    tail = old[old.index(mark) :] if mark in old else ""
    OUT.write_text("\n".join(lines) + "\n" + ("\n" + tail if tail else ""))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
