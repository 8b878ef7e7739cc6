"""How the report, inspect and stats scale: time and memory on a synthetic large run output.

Documents are the real fixture documents (tests/data/report) repeated under new ids and many
hosts, so text, spans and reasons are realistic; only their number is made up.
Run: ``.venv/bin/python bench/report_scale.py [N_DOCS]`` (default 40,000). Writes
bench/results/report.md.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from sia.record import Document  # noqa: E402
from sia.report.stats import StatsAccumulator, dumps, write_stats  # noqa: E402
from test_report_common import fixture_docs, write_part  # noqa: E402

PER_PART = 5_000


def make_out(root: Path, n: int, fmt: str, n_hosts: int) -> tuple[Path, dict[str, float]]:
    base = fixture_docs()
    rng = random.Random(0)
    shards: list[StatsAccumulator] = []
    t_add = 0.0
    recs: dict[str, list[dict]] = {"kept": [], "rejected": []}
    part = 0

    def flush() -> None:
        for which, rs in recs.items():
            if rs:
                write_part(root / which / f"part-{part:05d}.{fmt}", rs, fmt)
            rs.clear()

    acc = StatsAccumulator()
    for i in range(n):
        d = Document.from_record(base[i % len(base)].to_record())
        d.id = f"{d.id}-{i}"
        d.url = f"https://h{rng.randrange(n_hosts)}.example.com/{i}"
        d.signals = {k: v * (0.5 + rng.random()) for k, v in d.signals.items()}
        t = time.perf_counter()
        acc.add_doc(d)
        t_add += time.perf_counter() - t
        recs["kept" if d.kept else "rejected"].append(d.to_record())
        if (i + 1) % PER_PART == 0:
            flush()
            part += 1
            shards.append(acc)
            acc = StatsAccumulator()
    flush()
    shards.append(acc)
    t = time.perf_counter()
    total = StatsAccumulator()
    for s in shards:
        total.merge(StatsAccumulator.from_json(json.loads(dumps(s.to_json()))))
    t_merge = time.perf_counter() - t
    write_stats(total, root / "stats.json")
    (root / "run.json").write_text(json.dumps({"thresholds": {"n_words": 50}}))
    return root, {"add_doc_per_s": n / t_add, "merge_s": t_merge, "shards": len(shards)}


def timed(code: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of `code` run in a fresh interpreter."""
    # VmHWM is the peak of this address space only (ru_maxrss would carry the parent's over exec)
    code += "\nprint([ln.split()[1] for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0])"
    t = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    sec = time.perf_counter() - t
    return sec, int(res.stdout.split()[-1]) / 1024


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40_000
    n_hosts = 50_000
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="sia-report-bench-"))
    try:
        for fmt in ("jsonl.zst", "parquet"):
            out, m = make_out(tmp / fmt.replace(".", "_"), n, fmt, n_hosts)
            size_in = sum(p.stat().st_size for p in out.rglob("part-*"))
            rep_s, rep_mb = timed(f"from sia.report.html import write_report; write_report({str(out)!r})")
            ins_s, _ = timed(
                "import io; from rich.console import Console; from sia.report.inspect import inspect; "
                f"inspect({str(out)!r}, reason='repeated', sample=5, console=Console(file=io.StringIO()))"
            )
            st_s, _ = timed(
                "import io; from rich.console import Console; from sia.report.stats import print_stats; "
                f"print_stats({str(out)!r}, console=Console(file=io.StringIO()))"
            )
            rows.append(
                [fmt, f"{n:,}", f"{size_in / 1e6:.0f} MB", f"{m['add_doc_per_s']:,.0f}", f"{m['merge_s']:.2f}",
                 f"{(out / 'stats.json').stat().st_size / 1e3:.0f} KB", f"{rep_s:.1f}", f"{rep_mb:.0f}",
                 f"{(out / 'report.html').stat().st_size / 1e6:.1f} MB", f"{ins_s:.1f}", f"{st_s:.1f}"]
            )  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    head = ["format", "documents", "parts on disk", "add_doc docs/s", "merge 8 shards (s)", "stats.json",
            "report (s)", "report peak RSS (MB)", "report.html", "inspect --reason (s)", "sia stats (s)"]  # fmt: skip
    buf = io.StringIO()
    buf.write("# report, inspect and stats at scale\n\n")
    buf.write(f"`.venv/bin/python bench/report_scale.py {n}` — {n_hosts:,} distinct hosts (host sample capped at "
              "10,000), fixture documents repeated; 2 cores. No anchor tool makes this report, so no ratios.\n\n")  # fmt: skip
    buf.write("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
    for r in rows:
        buf.write("| " + " | ".join(r) + " |\n")
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "report.md").write_text(buf.getvalue(), encoding="utf-8")
    print(buf.getvalue())


if __name__ == "__main__":
    main()
