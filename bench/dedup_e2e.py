"""End-to-end dedup of 1 M documents on the local executor (2 workers): wall time and peak RSS.

Corpus (generated from real sentences, seed 0): documents of ~1 KB made of random Icelandic
sentences (UD treebanks + lingua, as in `sia.bench.minhash`); 5 % are exact copies (case and
spacing changed) of an earlier document, 10 % near copies (a few words replaced, a sentence
dropped). Written as 20 JSONL shards, then `exact_dedup` + `near_dedup` (defaults) run through
`sia.run.local.run_pipeline` with 2 workers, as `sia dedup` would.

    .venv/bin/python bench/dedup_e2e.py [--docs 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from sia.bench.minhash import sentences

OUT = Path(__file__).parent / "results" / "dedup.md"


PLANTED_NEAR: list[int] = []  # document numbers of the planted near copies (for checks)


def build(folder: Path, n_docs: int, n_files: int = 20) -> tuple[int, int]:
    sents = sentences()
    rng = random.Random(0)
    with ExitStack() as stack:
        files = [
            stack.enter_context(open(folder / f"part-{i:03d}.jsonl", "w", encoding="utf-8"))
            for i in range(n_files)
        ]
        exact, near = _write(files, n_docs, sents, rng)
    return exact, near


def _write(files, n_docs: int, sents: list[str], rng: random.Random) -> tuple[int, int]:
    docs: list[str] = []
    exact = near = 0
    per = -(-n_docs // len(files))
    for d in range(n_docs):
        r = rng.random()
        if docs and r < 0.05:
            text = "  " + rng.choice(docs).upper()
            exact += 1
        elif docs and r < 0.15:
            w = rng.choice(docs).split(" ")
            for _ in range(3):
                w[rng.randrange(len(w))] = rng.choice(w)
            text = " ".join(w[: len(w) - len(w) // 12])
            near += 1
            PLANTED_NEAR.append(d)
        else:
            parts, length = [], 0
            while length < 1000:
                s = rng.choice(sents)
                parts.append(s)
                length += len(s) + 1
            text = " ".join(parts)
            if len(docs) < 200_000:
                docs.append(text)
            else:
                docs[rng.randrange(len(docs))] = text
        files[d // per].write(json.dumps({"id": f"d{d:08d}", "text": text}, ensure_ascii=False) + "\n")
    return exact, near


def run(n_docs: int) -> dict:
    from sia.config import parse_config
    from sia.run.local import run_pipeline

    tmp = Path(tempfile.mkdtemp(prefix="sia-dedup-e2e-"))
    try:
        src = tmp / "in"
        src.mkdir()
        t = time.perf_counter()
        exact, near = build(src, n_docs)
        t_build = time.perf_counter() - t
        mb = sum(f.stat().st_size for f in src.iterdir()) / 1e6
        cfg = parse_config(
            {
                "run": {"workers": 2},
                "output": {"format": "jsonl", "input_text": False, "report": False},
                "stages": [{"name": "exact_dedup"}, {"name": "near_dedup"}],
            }
        )
        t = time.perf_counter()
        res = run_pipeline(cfg, [str(src)], tmp / "out")
        wall = time.perf_counter() - t
        rss = max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        stages = res.stats.get("stages", {}) if isinstance(res.stats, dict) else {}
        return {
            "docs": n_docs,
            "input_mb": round(mb),
            "build_s": round(t_build),
            "wall_s": round(wall, 1),
            "peak_rss_mb": round(rss / 1024),
            "planted_exact": exact,
            "planted_near": near,
            "exact_removed": stages.get("exact_dedup", {}).get("removed"),
            "near_removed": stages.get("near_dedup", {}).get("removed"),
            "timings": {k: round(v["seconds"], 1) for k, v in (res.stats.get("timings") or {}).items()},
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--one", action="store_true")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run(args.docs), default=str))
        return
    r = subprocess.run(
        [sys.executable, __file__, "--one", "--docs", str(args.docs)], capture_output=True, text=True
    )
    if r.returncode:
        sys.exit(r.stderr[-3000:])
    row = json.loads(r.stdout.strip().splitlines()[-1])
    print(row, file=sys.stderr)
    sys.path.insert(0, str(Path(__file__).parent))
    from dedup_quality import replace_section

    text = "\n".join(
        [
            "## End to end (bench/dedup_e2e.py)",
            "",
            f"`.venv/bin/python bench/dedup_e2e.py --docs {args.docs}` — {row['docs']:,} generated documents of ~1 KB",
            f"({row['input_mb']} MB JSONL in 20 shards) from real Icelandic sentences, with {row['planted_exact']:,}",
            f"exact and {row['planted_near']:,} near copies planted; `exact_dedup` + `near_dedup` (defaults,",
            "exact-Jaccard verification) on the local executor with 2 workers, as `sia dedup` runs them.",
            "",
            "| docs | wall s | docs/s | peak RSS MB (largest process) | exact removed | near removed |",
            "|---|---|---|---|---|---|",
            f"| {row['docs']:,} | {row['wall_s']} | {row['docs'] / row['wall_s']:,.0f} | {row['peak_rss_mb']:,} | "
            f"{row['exact_removed']} | {row['near_removed']} |",
            "",
            "CPU seconds by step (summed over workers): "
            + ", ".join(f"{k} {v}" for k, v in sorted(row.get("timings", {}).items())),
            "The rest of the wall time is the executor: reading JSONL, pickling documents between",
            "passes, writing output. Near removals above the planted copies: random documents that share",
            "sentences, joined by chains (a 100 k check found 111 such, similarity 0.29-0.49 to the survivor;",
            "`check_survivor = true` leaves 58, all >= 0.5) -- see docs/dedup.md.",
            "",
        ]
    )
    replace_section(OUT, "## End to end", text)


if __name__ == "__main__":
    main()
