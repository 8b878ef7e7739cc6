"""Build a sharded corpus of real documents for the Ray tests and benchmark.

Documents: lingua's held-out sentences (75 languages) joined, in file order and per language,
into documents of 6-14 sentences; the UD_Icelandic-GC treebank documents; optionally the
bundled web pages (examples/pages). A few percent are copied into a later shard verbatim and a
few with their last sentence dropped, as crawls repeat pages, so the dedup stages have work
across shard boundaries. Deterministic: the same arguments give the same bytes.

    .venv/bin/python bench/ray_corpus.py OUT_DIR [--shards 6] [--docs N] [--pages N] [--copies K] [--balance]

`--copies K` repeats the whole corpus K times (documents renamed) for throughput runs.
"""

from __future__ import annotations

import argparse
import lzma
import sys
from pathlib import Path

import orjson
import zstandard

SHARED = Path("/work/shared/data")
REPO = Path(__file__).resolve().parents[1]


def lingua_docs(shared: Path) -> list[dict]:
    by_lang: dict[str, list[str]] = {}
    with lzma.open(shared / "langid/lingua_sentences_dev.tsv.xz", "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            lang, _, text = line.rstrip("\n").partition("\t")
            if text:
                by_lang.setdefault(lang, []).append(text)
    docs = []
    for lang in sorted(by_lang):
        sents = by_lang[lang]
        i = k = 0
        while i < len(sents):
            n = 6 + (k % 9)
            docs.append({"id": f"lingua-{lang}-{k:04d}", "text": " ".join(sents[i : i + n]), "src": "lingua"})
            i += n
            k += 1
    return docs


def treebank_docs(shared: Path) -> list[dict]:
    docs = []
    path = shared / "icelandic/ud_icelandic_gc/sentences_by_doc.jsonl.xz"
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = orjson.loads(line)
            text = "\n".join(s["text"] for s in d["sentences"])
            docs.append({"id": d["doc_id"], "text": text, "src": "UD_Icelandic-GC"})
    return docs


def page_docs() -> list[dict]:
    docs = []
    for p in sorted((REPO / "examples/pages").glob("*.jsonl.zst")):
        for line in zstandard.ZstdDecompressor().decompress(p.read_bytes()).splitlines():
            r = orjson.loads(line)
            docs.append({"id": r["id"], "url": r.get("url"), "text": r["text"], "src": "examples/pages"})
    return docs


def build(
    out: Path,
    shards: int = 6,
    docs: int = 0,
    pages: int = 0,
    copies: int = 1,
    shared: Path = SHARED,
    balance: bool = False,
) -> list[Path]:
    rows = lingua_docs(shared)
    # interleave languages so every shard holds many (a stride, not a shuffle: reproducible)
    stride = 7
    rows = [r for s in range(stride) for r in rows[s::stride]]
    rows += treebank_docs(shared)
    if docs:
        rows = rows[-docs:]  # the treebank documents and the last lingua ones
    if pages:
        rows += page_docs()[:pages]
    dup = []
    for i in range(0, len(rows), 37):  # ~3% exact copies
        dup.append({**rows[i], "id": rows[i]["id"] + "-copy"})
    for i in range(11, len(rows), 53):  # ~2% near copies: the last sentence dropped
        text = rows[i]["text"]
        cut = max(text.rfind(". ", 0, len(text) - 2), len(text) * 3 // 4)
        dup.append({**rows[i], "id": rows[i]["id"] + "-near", "text": text[: cut + 1]})
    base = rows + dup
    allrows = []
    for c in range(copies):
        allrows += base if c == 0 else [{**r, "id": f"{r['id']}-c{c}"} for r in base]
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    per = -(-len(allrows) // shards)
    for k in range(shards):
        # balance: round-robin, so costly web pages spread over all shards (equal work per task)
        part = allrows[k::shards] if balance else allrows[k * per : (k + 1) * per]
        data = b"".join(orjson.dumps(r) + b"\n" for r in part)
        p = out / f"shard-{k:02d}.jsonl.zst"
        p.write_bytes(zstandard.ZstdCompressor(level=19).compress(data))
        paths.append(p)
    return paths


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--shards", type=int, default=6)
    ap.add_argument("--docs", type=int, default=0, help="keep the last N lingua+treebank documents (0: all)")
    ap.add_argument("--pages", type=int, default=0, help="add the first N bundled web pages (max 376)")
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--balance", action="store_true", help="deal documents round-robin to shards")
    a = ap.parse_args(argv)
    paths = build(a.out, a.shards, a.docs, a.pages, a.copies, a.shared, a.balance)
    print(f"{len(paths)} shards → {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
