"""Sentence-boundary F1 of sia's splitter against treebank gold and against Miðeind's tokenizer.

Gold: each treebank document's sentences joined with single spaces (a flattened page) and with
newlines; lingua dev sentences of five other languages joined into 20-sentence documents.
A boundary is the start offset of a sentence (the first one excluded). Also reports agreement of
sia with `tokenizer` on the Icelandic documents and both splitters' speed.

    .venv/bin/python bench/segment_eval.py
"""

from __future__ import annotations

import json
import lzma
import time
from pathlib import Path

import tokenizer

from sia.text.segment import segment

DATA = Path("/work/shared/data")
OUT = Path(__file__).parent / "results" / "segment.md"


def icelandic_docs() -> list[list[str]]:
    docs = []
    for tb in ("ud_icelandic_modern", "ud_icelandic_gc"):
        with lzma.open(DATA / "icelandic" / tb / "sentences_by_doc.jsonl.xz", "rt") as f:
            for line in f:
                d = json.loads(line)
                docs.append([s["text"].strip() for s in d["sentences"] if s["text"].strip()])
    return docs


def lingua_docs(langs=("en", "de", "fr", "es", "ru"), per_doc: int = 20) -> dict[str, list[list[str]]]:
    by: dict[str, list[str]] = {}
    with lzma.open(DATA / "langid" / "lingua_sentences_dev.tsv.xz", "rt") as f:
        for line in f:
            lang, _, text = line.rstrip("\n").partition("\t")
            if lang in langs and text.strip():
                by.setdefault(lang, []).append(text.strip())
    return {k: [v[i : i + per_doc] for i in range(0, len(v), per_doc)] for k, v in by.items()}


def join(sents: list[str], sep: str) -> tuple[str, set[int]]:
    text = ""
    gold: set[int] = set()
    for i, s in enumerate(sents):
        if i:
            text += sep
            gold.add(len(text))
        text += s
    return text, norm(text, gold)


def norm(text: str, bounds) -> set[int]:
    """Move each boundary to the next letter or digit, so quote placement does not count."""
    out = set()
    for b in bounds:
        while b < len(text) and not text[b].isalnum():
            b += 1
        out.add(b)
    return out - {0}


def sia_bounds(text: str, lang: str) -> set[int]:
    return norm(text, (s.start for s in segment(text, lang)))


def tok_bounds(text: str) -> set[int]:
    out = set()
    off = 0
    for t in tokenizer.tokenize(text):
        if t.kind == tokenizer.TOK.S_BEGIN:
            b = off
            while b < len(text) and text[b].isspace():
                b += 1
            out.add(b)
        off += len(t.original or "")
    return norm(text, out)


def prf(pred: set[int], gold: set[int]) -> tuple[int, int, int]:
    return len(pred & gold), len(pred - gold), len(gold - pred)


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / max(1, 2 * tp + fp + fn)


def main() -> None:
    rows = []
    docs = icelandic_docs()
    agree_tot = [0, 0]
    for sep_name, sep in (("spaces", " "), ("newlines", "\n")):
        acc = {"sia": [0, 0, 0], "tokenizer": [0, 0, 0]}
        t_sia = t_tok = 0.0
        nbytes = 0
        for sents in docs:
            text, gold = join(sents, sep)
            nbytes += len(text.encode())
            t0 = time.perf_counter()
            ps = sia_bounds(text, "is")
            t1 = time.perf_counter()
            pt = tok_bounds(text)
            t2 = time.perf_counter()
            t_sia += t1 - t0
            t_tok += t2 - t1
            for k, p in (("sia", ps), ("tokenizer", pt)):
                a = prf(p, gold)
                acc[k] = [x + y for x, y in zip(acc[k], a)]
            # agreement on the gold boundaries: both find it or both miss it
            if sep != " ":
                continue  # tokenizer treats a newline as a space, so compare on flattened text
            agree_tot[0] += sum((b in ps) == (b in pt) for b in gold)
            agree_tot[1] += len(gold)
        for k in acc:
            tp, fp, fn = acc[k]
            mbs = nbytes / 1e6 / (t_sia if k == "sia" else t_tok)
            rows.append(("is", f"treebank, {sep_name}", k, tp, fp, fn, f1(tp, fp, fn), mbs))
    agreement = agree_tot[0] / max(1, agree_tot[1])
    for lang, ldocs in lingua_docs().items():
        acc = [0, 0, 0]
        for sents in ldocs:
            text, gold = join(sents, " ")
            a = prf(sia_bounds(text, lang), gold)
            acc = [x + y for x, y in zip(acc, a)]
        rows.append((lang, "lingua, spaces", "sia", *acc, f1(*acc), float("nan")))
    lines = [
        "# Sentence segmentation",
        "",
        "Command: `.venv/bin/python bench/segment_eval.py`",
        "",
        "Boundary = start offset of every sentence but the first; F1 over all boundaries of the set.",
        "",
        "| lang | documents | splitter | TP | FP | FN | F1 | MB/s (1 core) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]:.4f} | {r[7]:.2f} |")
    lines += [
        "",
        f"Agreement of sia with `tokenizer` on the Icelandic gold boundaries of the flattened documents (both find or both miss): {agreement:.4f}",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
