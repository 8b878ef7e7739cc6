"""Language-ID accuracy and speed of sia's backends on held-out Leipzig sentences (lingua test set).

    .venv/bin/python bench/langid_eval.py [--no-lingua]

Reports, on the held-out half only (bench/langid_data.py): accuracy per language for fastText
lid.176 alone, sia's default two-tier detector and lingua, on single sentences and on documents
made by joining 5-10 held-out sentences of one language; a confusion table for is/fo/nb/nn/da/sv;
documents per second per core. Writes bench/results/langid.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from langid_data import load, split  # noqa: E402
from sia.filter.pii import Pii  # noqa: E402
from sia.label.langid import Detector, LangId  # noqa: E402
from sia.record import Document  # noqa: E402
from sia.text.normalize import Normalize, needs_ftfy  # noqa: E402
from sia.text.words import count_words  # noqa: E402

SIX = ["is", "no", "da", "sv", "de", "en"]
NORDIC = ["is", "fo", "nb", "nn", "da", "sv"]
OUT = Path(__file__).parent / "results" / "langid.md"
SEED = Path("/work/shared/seed/000_fc034b1a7ebc7edf.txt")


def six(lang: str) -> str:
    return "no" if lang in ("nb", "nn", "no") else lang


def make_docs(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Join 5-10 consecutive held-out sentences of one language (seeded, deterministic)."""
    rng = random.Random(20261128)
    by = defaultdict(list)
    for lang, t in rows:
        by[lang].append(t)
    docs = []
    for lang in sorted(by):
        sents = by[lang]
        i = 0
        while i + 5 <= len(sents):
            n = rng.randint(5, 10)
            docs.append((lang, "\n".join(sents[i : i + n])))
            i += n
    return docs


def run(det: Detector, rows: list[tuple[str, str]], repeat: int = 1) -> tuple[list[str], float]:
    """Predictions and the best wall time of `repeat` runs (the machine is shared)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        preds = [det.classify(t)[0] for _, t in rows]
        best = min(best, time.perf_counter() - t0)
    return preds, best


def acc_table(rows, preds) -> tuple[dict[str, float], dict[str, float], float, float]:
    per6, per75 = defaultdict(list), defaultdict(list)
    for (lang, _), p in zip(rows, preds):
        per75[lang].append(p == lang)
        if six(lang) in SIX:
            per6[six(lang)].append(six(p) == six(lang))
    a6 = {k: sum(v) / len(v) for k, v in per6.items()}
    a75 = {k: sum(v) / len(v) for k, v in per75.items()}
    return a6, a75, sum(a6.values()) / len(a6), sum(a75.values()) / len(a75)


def _mbps(fn, texts: list[str]) -> float:
    t0 = time.perf_counter()
    fn(texts)
    return sum(len(t.encode()) for t in texts) / (time.perf_counter() - t0) / 1e6


def stage_speed(docs: list[tuple[str, str]]) -> list[str]:
    """Throughput of the text stages on the joined held-out documents (all 75 languages)."""
    texts = [t for _, t in docs]

    def stage(st):
        return lambda ts: st.process([Document(str(i), t) for i, t in enumerate(ts)])

    broken = [t.encode("utf-8").decode("latin-1") for t in texts[:300] if not t.isascii()]
    rows = [
        ("langid stage (sia backend, foreign pieces on)", stage(LangId())),
        ("langid stage (foreign pieces off)", stage(LangId(foreign=False))),
        ("normalize stage (clean text: fast path)", stage(Normalize())),
        ("pii stage", stage(Pii())),
        ("count_words", lambda ts: [count_words(t) for t in ts]),
    ]
    out = [
        "## Text stages, one core (joined held-out documents, 75 languages)",
        "",
        "| stage | MB/s | docs/s |",
        "|---|---|---|",
    ]
    size = sum(len(t.encode()) for t in texts)
    for name, fn in rows:
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            fn(texts)
            best = min(best, time.perf_counter() - t0)
        out.append(f"| {name} | {size / best / 1e6:.1f} | {len(texts) / best:.0f} |")
    out.append(
        f"| normalize on mojibake (UTF-8 read as Latin-1), {len(broken)} docs | "
        f"{_mbps(stage(Normalize()), broken):.1f} | |"
    )
    hits = sum(needs_ftfy(t) for t in texts)
    out += [
        "",
        f"ftfy fast path: {hits} of {len(texts)} clean documents show a mojibake marker and go to ftfy.",
    ]
    return out


WEAK = {"lg", "mi", "sn", "st", "tn", "ts", "xh", "zu", "yo", "so", "bs", "ms"}  # lid.176 barely knows these


def foreign_eval(test: list[tuple[str, str]], docs: list[tuple[str, str]]) -> list[str]:
    """False cuts on monolingual documents; recall on one inserted sentence of another language."""
    st = LangId()
    ds = [Document(str(i), t) for i, (_, t) in enumerate(docs)]
    st.process(ds)
    false_docs = sum(any(s.reason == "foreign" for s in d.removed) for d in ds)
    cut_chars = sum(s.end - s.start for d in ds for s in d.removed if s.reason == "foreign")
    all_chars = sum(len(t) for _, t in docs)
    pool = [(lang, t) for lang, t in test if count_words(t) >= 8 and lang not in WEAK]
    norw = {"nb", "nn", "da"}
    out = ["## Foreign-piece removal (held-out documents)", ""]
    out.append(
        f"Monolingual documents with any piece cut: {false_docs}/{len(docs)} = {false_docs / len(docs):.3f} "
        f"({cut_chars / all_chars:.4f} of characters; an upper bound, the Leipzig documents hold some truly "
        "foreign sentences, e.g. Spanish in Catalan, English in Urdu)."
    )
    out += [
        "",
        "| inserted sentence | documents | inserted line cut | other lines cut |",
        "|---|---|---|---|",
    ]
    for kind in ("any other language", "English"):
        rng = random.Random(7)
        ins = []
        for lang, t in docs:
            if lang in WEAK or lang == "en":
                continue
            fl, ft = rng.choice(pool)
            while fl == lang or (fl in norw and lang in norw) or (kind == "English" and fl != "en"):
                fl, ft = rng.choice(pool)
            lines = t.split("\n")
            k = len(lines) // 2
            text = "\n".join([*lines[:k], ft, *lines[k:]])
            a = text.index(ft)
            ins.append((text, a, a + len(ft)))
        ds = [Document(str(i), t) for i, (t, _, _) in enumerate(ins)]
        st.process(ds)
        hit = other = 0
        for d, (_, a, b) in zip(ds, ins):
            cut = [(s.start, s.end) for s in d.removed if s.reason == "foreign"]
            hit += (a, b) in cut
            other += any(c != (a, b) for c in cut)
        out.append(f"| {kind} | {len(ins)} | {hit / len(ins):.3f} | {other / len(ins):.3f} |")
    out.append("")
    out.append("Documents in languages lid.176 barely knows (" + ", ".join(sorted(WEAK)) + ") are left out.")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-lingua", action="store_true")
    args = ap.parse_args()
    _, test = split(load())
    docs = make_docs(test)
    backends = ["fasttext", "sia"] + ([] if args.no_lingua else ["lingua"])
    res = {}
    for b in backends:
        det = Detector(b)
        det.classify("warm up the models")
        sp, st = run(det, test)
        dp, dt = run(det, docs, repeat=3)
        seed_text = SEED.read_text(encoding="utf-8")
        seed_dt = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            for _ in range(50):
                seed_lab = det.classify(seed_text)
            seed_dt = min(seed_dt, (time.perf_counter() - t0) / 50)
        res[b] = dict(sp=sp, st=st, dp=dp, dt=dt, seed=seed_lab, seed_dt=seed_dt)
        print(b, "done", f"{st:.1f}s {dt:.1f}s", file=sys.stderr)

    L = ["# Language identification (held-out Leipzig sentences)", ""]
    L.append(
        f"Command: `.venv/bin/python bench/langid_eval.py` — {platform.processor() or platform.machine()}, one core."
    )
    L.append(
        f"Load average at the end of the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(a shared machine: speeds vary several-fold between runs; accuracies do not)."
    )
    L.append(
        f"Held-out half of lingua_sentences_dev.tsv.xz: {len(test)} sentences, 75 languages; "
        f"{len(docs)} documents of 5–10 joined sentences. Six-way score: is, no (= nb + nn), da, sv, de, en."
    )
    L.append(
        "Issue target for sia default on sentences: is ≥ 0.99, six-way macro ≥ 0.962 (fastText alone: 0.970 / 0.952)."
    )
    L.append("")
    for kind, key in (("Single sentences", "sp"), ("Documents (5–10 sentences)", "dp")):
        rows = test if key == "sp" else docs
        tabs = {b: acc_table(rows, res[b][key]) for b in backends}
        L += [
            f"## {kind}: six-way accuracy",
            "",
            "| backend | " + " | ".join(SIX) + " | macro-6 | macro-75 |",
        ]
        L.append("|---" * (len(SIX) + 3) + "|")
        for b in backends:
            a6, _, m6, m75 = tabs[b]
            L.append(f"| {b} | " + " | ".join(f"{a6[k]:.3f}" for k in SIX) + f" | **{m6:.3f}** | {m75:.3f} |")
        L.append("")
        if key == "sp":
            L += ["### All 75 languages, single sentences", "", "| lang | " + " | ".join(backends) + " |"]
            L.append("|---" * (len(backends) + 1) + "|")
            for lang in sorted(tabs[backends[0]][1]):
                L.append(f"| {lang} | " + " | ".join(f"{tabs[b][1][lang]:.3f}" for b in backends) + " |")
            L.append("")
    for b in backends:
        conf = Counter()
        for (lang, _), p in zip(test, res[b]["sp"]):
            if lang in NORDIC:
                conf[(lang, p if p in NORDIC else "other")] += 1
        cols = NORDIC + ["other"]
        L += [
            f"## Confusion, single sentences, {b} (rows true, columns predicted; no Faroese in the data)",
            "",
        ]
        L.append("| true \\ pred | " + " | ".join(cols) + " |")
        L.append("|---" * (len(cols) + 1) + "|")
        for t in NORDIC[:1] + NORDIC[2:]:
            L.append(f"| {t} | " + " | ".join(str(conf[(t, c)]) for c in cols) + " |")
        L.append("")
    L += [
        "## Speed (one core; best of 3 runs for documents, the seed page and the stages)",
        "",
        "| backend | sentences/s | documents/s (5–10 sentences) | seed page/s | seed label |",
    ]
    L.append("|---|---|---|---|---|")
    for b in backends:
        r = res[b]
        L.append(
            f"| {b} | {len(test) / r['st']:.0f} | {len(docs) / r['dt']:.0f} | {1 / r['seed_dt']:.0f} | "
            f"{r['seed'][0]} {r['seed'][1]:.3f} |"
        )
    L += ["", *foreign_eval(test, docs), "", *stage_speed(docs), ""]
    if "lingua" in backends:
        L += [
            "",
            f"sia default vs lingua speed on documents: {res['lingua']['dt'] / res['sia']['dt']:.1f}× faster.",
        ]
    ratio = res["fasttext"]["dt"] / res["sia"]["dt"]
    L += ["", f"sia default vs fastText alone on documents: {ratio:.2f}× its speed."]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(L) + "\n", encoding="utf-8")
    print("\n".join(L))


if __name__ == "__main__":
    main()
