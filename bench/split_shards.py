"""One big uncompressed JSONL file: wall time with and without byte-range shards, same output.

Before byte-range shards, one input file was one shard, so a single large file kept one core busy
however many workers there were. Builds one JSONL file of the sample pages repeated (`--scale`,
each copy lightly edited so copies are near, not exact, duplicates), then runs the default
pipeline with 2 workers twice: `shard_bytes = 0` (one shard) and `shard_bytes = 4 MiB` (ranges),
and checks that both keep and reject the same documents in the same order.

    .venv/bin/python bench/split_shards.py [--scale 10]

Writes bench/results/split.md. Wall-clock on a 2-core machine: other jobs on it shift the times.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
import zstandard

sys.path.insert(0, str(Path(__file__).parent))
from executor_memory import load_pages  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SIA = [sys.executable, "-m", "sia"]
OUT = ROOT / "bench" / "results" / "split.md"


def records(folder: Path) -> list[bytes]:
    """Every output record of a run, part by part in name order (the documents' order)."""
    rows: list[bytes] = []
    for sub in ("kept", "rejected"):
        for part in sorted((folder / sub).glob("part-*.jsonl.zst")):
            data = zstandard.ZstdDecompressor().stream_reader(part.open("rb")).read()
            rows += [x for x in data.splitlines() if x.strip()]
    return rows


def run(big: Path, out: Path, shard_bytes: int, tmp: Path) -> float:
    cfg = subprocess.run([*SIA, "config", "--default"], capture_output=True, text=True, check=True).stdout
    toml = tmp / f"pipeline-{shard_bytes}.toml"
    toml.write_text(cfg.replace("shard_bytes = 268435456", f"shard_bytes = {shard_bytes}"))
    t0 = time.perf_counter()
    subprocess.run(
        [*SIA, "run", str(toml), str(big), "-o", str(out), "--workers", "2", "-q", "--no-report"], check=True
    )
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=10)
    args = ap.parse_args()
    rows = load_pages()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        big = tmp / "big.jsonl"
        n = 0
        with open(big, "wb") as f:
            for c in range(args.scale):
                for r in rows:
                    f.write(orjson.dumps(dict(r, id=f"{r['id']}#{c}", text=r["text"] + f"\n({c})")) + b"\n")
                    n += 1
        size = big.stat().st_size
        results = []
        for label, sb in (
            ("one shard (shard_bytes = 0)", 0),
            ("byte ranges (shard_bytes = 4 MiB)", 4 * 2**20),
        ):
            out = tmp / f"out-{sb}"
            wall = run(big, out, sb, tmp)
            results.append((label, -(-size // sb) if sb else 1, wall, records(out)))
        same = results[0][3] == results[1][3]
    lines = [
        "## One big input file: byte-range shards",
        "",
        "Command: `.venv/bin/python bench/split_shards.py` — one uncompressed JSONL file of "
        f"{n:,} documents ({size / 1e6:.1f} MB), the default pipeline, `--workers 2`, wall clock.",
        "",
        "| input split | shards | wall s | docs/s |",
        "|---|---|---|---|",
    ]
    for label, shards, wall, _ in results:
        lines.append(f"| {label} | {shards} | {wall:.1f} | {n / wall:.0f} |")
    lines += [
        "",
        f"Speed-up {results[0][2] / results[1][2]:.2f}× on 2 cores; output records identical "
        f"(same documents, decisions and order): {same}.",
    ]
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
