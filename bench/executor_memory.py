"""Peak memory of the local executor at 1×, 10× and 100× the sample corpus.

The per-document stages must not grow with corpus size: the process tree's peak RSS at 100× should
match 1×. Runs `sia clean --no-dedup` (document stages + host templates) and the full default
pipeline, sampling the RSS of the whole process tree every 0.1 s.

    .venv/bin/python bench/executor_memory.py [--scales 1,10,100]

Writes bench/results/executor.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
import zstandard

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "examples" / "pages"
DOC_STAGES = ["normalize", "metadata", "repeats", "boilerplate", "langid", "pii", "quality"]


def load_pages() -> list[dict]:
    rows = []
    for part in sorted(PAGES.glob("*.jsonl.zst")):
        data = zstandard.ZstdDecompressor().stream_reader(part.open("rb")).read()
        rows += [orjson.loads(x) for x in data.splitlines() if x.strip()]
    return rows


def make_corpus(folder: Path, scale: int, shards: int = 16) -> tuple[int, int]:
    rows = load_pages()
    folder.mkdir(parents=True)
    outs = [open(folder / f"shard-{k:03d}.jsonl", "wb") for k in range(shards)]  # noqa: SIM115
    n = size = 0
    for c in range(scale):
        for r in rows:
            # a light, deterministic change per copy so copies are near, not exact, duplicates
            r2 = dict(r, id=f"{r['id']}#{c}", text=r["text"] + f"\n({c})")
            outs[n % shards].write(orjson.dumps(r2) + b"\n")
            n += 1
            size += len(r2["text"].encode())
    for f in outs:
        f.close()
    return n, size


def tree_rss(pid: int) -> int:
    """Sum of RSS (bytes) of `pid` and all its descendants."""
    total = 0
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(d))
        except (OSError, ValueError, IndexError):
            continue
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
        stack.extend(children.get(p, []))
    return total


def run(args: list[str]) -> tuple[float, int]:
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "sia", *args], stdout=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.1)
    if proc.returncode != 0:
        raise SystemExit(f"sia {' '.join(args)} failed with {proc.returncode}")
    return time.perf_counter() - t, peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,10,100")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    rows = []
    for scale in [int(x) for x in a.scales.split(",")]:
        tmp = Path(tempfile.mkdtemp(prefix="sia-mem-"))
        try:
            n, size = make_corpus(tmp / "in", scale)
            for label, extra in (
                ("document stages (--no-dedup)", ["--no-dedup"]),
                ("full default pipeline", []),
            ):
                secs, peak = run(
                    [
                        "clean",
                        str(tmp / "in"),
                        "-o",
                        str(tmp / "out"),
                        "--workers",
                        str(a.workers),
                        "-q",
                        "--no-report",
                        "--fresh",
                        *extra,
                    ]
                )
                rows.append((scale, n, size, label, secs, peak))
                print(
                    f"{scale:>4}× {n:>8,} docs {size / 1e6:8.1f} MB  {label:30s} {secs:7.1f} s  "
                    f"{n / secs:7.0f} docs/s  {size / 1e6 / secs:6.2f} MB/s  peak RSS {peak / 2**20:7.0f} MiB",
                    flush=True,
                )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    out = ROOT / "bench" / "results" / "executor.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "## Local executor: peak memory and throughput by corpus size",
        "",
        f"`{' '.join(['.venv/bin/python', 'bench/executor_memory.py', '--scales', a.scales])}` — "
        f"{a.workers} workers, 16 input shards, the sample pages (examples/pages) repeated with a small edit per copy.",
        "Peak RSS is the whole process tree (driver + workers), sampled every 0.1 s.",
        "",
        "| scale | documents | MB in | pipeline | wall s | docs/s | MB/s | peak RSS MiB |",
        "|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for scale, n, size, label, secs, peak in rows:
        lines.append(
            f"| {scale}× | {n:,} | {size / 1e6:.1f} | {label} | {secs:.1f} | {n / secs:,.0f} | "
            f"{size / 1e6 / secs:.2f} | {peak / 2**20:,.0f} |"
        )
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
