r"""MinHash signature speed: sia vs rensa vs datasketch on the same documents, in one process.

Documents: 20,000 Icelandic documents of ~2 KB, each a seeded random sequence of real sentences
(UD Icelandic treebanks, Icelandic sentences of the lingua test set, Miðeind tokenizer test
sentences), read from the shared evaluation data (``$SIA_DATA``, default /work/shared/data).
Shingles: word 5-grams of sia's words (`sia.text.words`), lower-cased; 128 values per signature.

Timed from text to signature for every library, one core: sia's vectorised batch hashing
(`sia.dedup.hashing` + one-permutation MinHash, 256 documents per call); rensa and datasketch get
shingle strings made with the usual ``\w+`` regex and joins (timed once and added to theirs, as
in the anchors' measurement), then their fastest bulk call (rensa
`RMinHash.digest_matrix_from_token_sets`, datasketch `MinHash.bulk`). Their rates without the
shingling are printed too. The last line printed is one JSON object with the results.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import random
import re
import sys
import time
from pathlib import Path

from sia.dedup.hashing import text_shingles
from sia.dedup.minhash import signatures

NUM_PERM = 128


def data_dir() -> Path:
    """$SIA_DATA, else /work/shared/data, else shared/data next to the repository checkout."""
    if os.environ.get("SIA_DATA"):
        return Path(os.environ["SIA_DATA"])
    for cand in (Path("/work/shared/data"), Path(__file__).resolve().parents[3].parent / "shared" / "data"):
        if cand.exists():
            return cand
    return Path("/work/shared/data")


def sentences() -> list[str]:
    root = data_dir()
    files = [
        root / "icelandic/ud_icelandic_modern/sentences_by_doc.jsonl.xz",
        root / "icelandic/ud_icelandic_gc/sentences_by_doc.jsonl.xz",
        root / "langid/lingua_sentences_dev.tsv.xz",
    ]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        sys.exit(f"sia.bench minhash needs the evaluation data; missing: {', '.join(missing)} (set SIA_DATA)")
    out: list[str] = []
    for f in files[:2]:
        with lzma.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                out += [s["text"] for s in json.loads(line)["sentences"]]
    with lzma.open(files[2], "rt", encoding="utf-8") as fh:
        out += [line.split("\t", 1)[1].strip() for line in fh if line.startswith("is\t")]
    tok = root / "icelandic/mideind_tokenizer_tests/toktest_sentences.txt"
    if tok.exists():
        out += [s.strip() for s in tok.read_text(encoding="utf-8").splitlines() if len(s.split()) >= 4]
    return out


def make_docs(n: int, size: int = 2000, seed: int = 0) -> list[str]:
    sents = sentences()
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        parts, length = [], 0
        while length < size:
            s = rng.choice(sents)
            parts.append(s)
            length += len(s) + 1
        docs.append(" ".join(parts))
    return docs


_WORD = re.compile(r"\w+")


def shingle_strings(text: str, n: int = 5) -> list[str]:
    """Word 5-gram strings the way the anchors are usually fed (stdlib regex, lower-cased); on
    this Icelandic text the words equal sia's except at hyphens and apostrophes."""
    w = _WORD.findall(text.lower())
    if len(w) < n:
        return [" ".join(w)] if w else []
    return [" ".join(w[i : i + n]) for i in range(len(w) - n + 1)]


def best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m sia.bench minhash")
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    docs = make_docs(args.docs)
    mb = sum(len(d.encode()) for d in docs) / 1e6
    print(f"{len(docs)} documents, {mb:.1f} MB, mean {mb * 1e6 / len(docs):.0f} bytes", file=sys.stderr)

    def sia_run():
        for b in range(0, len(docs), 256):
            sh, counts = text_shingles(docs[b : b + 256])
            signatures(sh, counts, NUM_PERM)

    t_sia = best_of(sia_run, args.repeat)
    hashed = [text_shingles(docs[b : b + 256]) for b in range(0, len(docs), 256)]
    t_sig = best_of(lambda: [signatures(sh, c, NUM_PERM) for sh, c in hashed], args.repeat)
    t0 = time.perf_counter()
    shingles = [shingle_strings(d) for d in docs]
    t_shingle = time.perf_counter() - t0
    res = {
        "docs": len(docs),
        "sia_docs_per_s": round(len(docs) / t_sia),
        "sia_signature_only_docs_per_s": round(len(docs) / t_sig),
    }
    try:
        from rensa import RMinHash

        t_rensa = best_of(lambda: RMinHash.digest_matrix_from_token_sets(shingles, NUM_PERM, 42), args.repeat)
        res["rensa_docs_per_s"] = round(len(docs) / (t_rensa + t_shingle))
        res["rensa_signature_only_docs_per_s"] = round(len(docs) / t_rensa)
    except ImportError:
        print("rensa not installed (pip install rensa)", file=sys.stderr)
    try:
        from datasketch import MinHash

        enc = [[s.encode("utf-8") for s in sh] for sh in shingles]
        t_enc = time.perf_counter()
        _ = [[s.encode("utf-8") for s in sh] for sh in shingles]
        t_enc = time.perf_counter() - t_enc
        t_ds = best_of(lambda: MinHash.bulk(enc, num_perm=NUM_PERM), 1)
        res["datasketch_docs_per_s"] = round(len(docs) / (t_ds + t_shingle + t_enc))
        res["datasketch_signature_only_docs_per_s"] = round(len(docs) / t_ds)
    except ImportError:
        print("datasketch not installed (pip install datasketch)", file=sys.stderr)
    res["shingling_only_docs_per_s"] = round(len(docs) / t_shingle)
    if "rensa_docs_per_s" in res:
        res["sia_vs_rensa"] = round(res["sia_docs_per_s"] / res["rensa_docs_per_s"], 2)
    print(json.dumps(res))
    return 0
