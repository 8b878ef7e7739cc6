"""Throughput of the Ray executor against the local one, and what each stage costs per core.

Same corpus, same default pipeline: local executor with 1 and 2 worker processes, Ray with a
1-CPU and a 2-CPU local cluster (cluster start-up timed apart, since a real cluster is already
up). Per-stage rates come from the 1-worker local run's stats.json "timings" (one core, no
contention); per-stage memory from one fresh process per stage (peak RSS over an interpreter
that has imported sia and read the shard). Writes bench/results/ray.md.

    .venv/bin/python bench/ray_throughput.py [--shards 8] [--copies 1] [--skip-memory]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).parent))

import ray  # noqa: E402

from ray_corpus import build  # noqa: E402
from sia.config import PipelineConfig, default_stage_names  # noqa: E402
from sia.run.local import run_pipeline  # noqa: E402
from sia.run.ray_executor import RayOptions, ray_runner_factory  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
RESULT = REPO / "bench" / "results" / "ray.md"
MB = 1e6


def _burn(n: int) -> float:
    t = time.process_time()
    x = 0
    for i in range(n):
        x += i * i
    return time.process_time() - t


def cores_available(n: int = 20_000_000) -> tuple[float, float]:
    """CPU cores that 1 and 2 busy processes of this session actually get (CPU s / wall s)."""
    import multiprocessing as mp

    t = time.perf_counter()
    one = _burn(n) / (time.perf_counter() - t)
    with mp.get_context("spawn").Pool(2) as pool:
        pool.map(_burn, [1000, 1000])
        t = time.perf_counter()
        two = sum(pool.map(_burn, [n, n])) / (time.perf_counter() - t)
    return one, two


def run_local(cfg: PipelineConfig, inputs: list[str], out: Path, workers: int) -> dict:
    cfg.run.workers = workers
    if workers == 1:  # in-process: this process's CPU time is the run's
        cpu = time.process_time()
        res = run_pipeline(cfg, inputs, out, resume=False)
        return {"seconds": res.seconds, "stats": res.stats, "cpu": time.process_time() - cpu}
    # keep the intermediate pass stores (deleted when a run completes) to measure their size
    real = shutil.rmtree

    def keep_passes(path: str | Path, *args: object, **kw: object) -> None:
        if not Path(path).name.startswith("pass"):
            real(path, *args, **kw)

    with mock.patch.object(shutil, "rmtree", keep_passes):
        res = run_pipeline(cfg, inputs, out, resume=False)
    disk = {
        p.name: sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) for p in (out / ".sia").iterdir()
    }
    disk["outputs"] = sum(f.stat().st_size for d in ("kept", "rejected") for f in (out / d).iterdir())
    return {"seconds": res.seconds, "stats": res.stats, "disk": disk}


def run_ray(cfg: PipelineConfig, inputs: list[str], out: Path, cpus: int) -> dict:
    t = time.perf_counter()
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False, configure_logging=False)
    startup = time.perf_counter() - t
    cfg.run.workers = 0
    try:
        factory = ray_runner_factory(cfg, RayOptions())
        res = run_pipeline(cfg, inputs, out, resume=False, runner_factory=factory)
        rss, cpu, tasks = factory.runner.peak_rss, factory.runner.cpu_seconds, factory.runner.tasks
    finally:
        ray.shutdown()
    return {
        "seconds": res.seconds,
        "stats": res.stats,
        "startup": startup,
        "peak_rss": rss,
        "cpu": cpu,
        "tasks": tasks,
    }


def makespan(tasks: list[tuple[int, int, float]], workers: int) -> float:
    """Wall time of the shard passes on `workers` idle cores: per pass, longest task first onto
    the least loaded worker (what Ray's queue does), passes one after another (the barrier)."""
    total = 0.0
    for p in sorted({t[0] for t in tasks}):
        load = [0.0] * workers
        for c in sorted((t[2] for t in tasks if t[0] == p), reverse=True):
            load[load.index(min(load))] += c
        total += max(load)
    return total


def run_ray_nodes(cfg: PipelineConfig, inputs: list[str], out: Path, nodes: int) -> dict:
    """Ray with `nodes` raylets of one CPU each on this machine: tasks cross node boundaries."""
    from ray.cluster_utils import Cluster

    t = time.perf_counter()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False})
    for _ in range(nodes):
        cluster.add_node(num_cpus=1)
    ray.init(address=cluster.address, log_to_driver=False, configure_logging=False)
    cluster.wait_for_nodes()
    startup = time.perf_counter() - t
    cfg.run.workers = 0
    try:
        factory = ray_runner_factory(cfg, RayOptions())
        res = run_pipeline(cfg, inputs, out, resume=False, runner_factory=factory)
        rss, cpu = factory.runner.peak_rss, factory.runner.cpu_seconds
    finally:
        ray.shutdown()
        cluster.shutdown()
    return {"seconds": res.seconds, "stats": res.stats, "startup": startup, "peak_rss": rss, "cpu": cpu}


MEM_SCRIPT = r"""
import json, sys
import sia.stages
from sia.config import PipelineConfig, build_stages
from sia.io.readers import ReadOptions, read_file
from sia.run.inline import run_inline

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024

docs = list(read_file(sys.argv[2], "jsonl", ReadOptions()))
stages = build_stages(PipelineConfig(stages=[{"name": sys.argv[1]}]))
base = status("VmRSS")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak (VmHWM) to the current RSS
run_inline(stages, [docs])
print(json.dumps({"base": base, "peak": status("VmHWM"), "docs": len(docs)}))
"""


CPU_SCRIPT = r"""
import json, sys, time
from sia.config import PipelineConfig, build_stages, default_stage_names
from sia.io.readers import ReadOptions, read_file
from sia.run.inline import run_inline
from sia.stage import is_corpus_stage

T = {}

def timed(name, fn):
    def run(*a, **k):
        t = time.process_time()
        out = fn(*a, **k)
        d = T.setdefault(name, [0.0, 0])
        d[0] += time.process_time() - t
        d[1] += len(a[0]) if a and isinstance(a[0], list) else 0
        return out
    return run

class Doc:
    def __init__(self, st):
        self.name = st.name
        self.process = timed(st.name, st.process)

class Corpus:
    def __init__(self, st):
        self.name = st.name
        self.observe = timed(st.name + ".observe", st.observe)
        self.finish_shard = timed(st.name + ".observe", st.finish_shard)
        self.combine = timed(st.name + ".combine", st.combine)
        self.apply = timed(st.name + ".apply", st.apply)

shards = [list(read_file(p, "jsonl", ReadOptions())) for p in sys.argv[1:]]
stages = build_stages(PipelineConfig(stages=[{"name": n} for n in default_stage_names()]))
t = time.process_time()
run_inline([Corpus(s) if is_corpus_stage(s) else Doc(s) for s in stages], shards)
T["all"] = [time.process_time() - t, sum(len(s) for s in shards)]
print(json.dumps(T))
"""


def _lines(path: Path) -> list[bytes]:
    import zstandard

    return zstandard.ZstdDecompressor().decompress(path.read_bytes()).splitlines()


def stage_cpu(paths: list[Path]) -> dict[str, list]:
    """CPU seconds and documents per stage, the default pipeline in one process (run_inline)."""
    p = subprocess.run([sys.executable, "-c", CPU_SCRIPT, *map(str, paths)], capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


def stage_memory(shard: Path) -> dict[str, dict]:
    out = {}
    for name in default_stage_names():
        p = subprocess.run(
            [sys.executable, "-c", MEM_SCRIPT, name, str(shard)], capture_output=True, text=True, check=True
        )
        out[name] = json.loads(p.stdout.strip().splitlines()[-1])
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--skip-memory", action="store_true")
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="sia-ray-bench-"))
    cores = cores_available()
    try:
        paths = build(tmp / "corpus", shards=a.shards, pages=376, copies=a.copies, balance=True)
        inputs = [str(p) for p in paths]
        names = default_stage_names()
        runs: list[tuple[str, int, dict]] = []
        for label, w, fn in (
            ("local", 1, run_local),
            ("local", 2, run_local),
            ("ray", 1, run_ray),
            ("ray", 2, run_ray),
            ("ray 2 nodes", 2, run_ray_nodes),
        ):
            cfg = PipelineConfig(stages=[{"name": n} for n in names])
            r = fn(cfg, inputs, tmp / f"out-{label}-{w}", w)
            r["load"] = os.getloadavg()[0]
            runs.append((label, w, r))
            print(f"{label} x{w}: {r['seconds']:.1f}s", file=sys.stderr)
        biggest = max(paths, key=lambda p: p.stat().st_size)  # holds the web pages
        mem = {} if a.skip_memory else stage_memory(biggest)
        cpu = stage_cpu(paths)
        pages = sorted(str(p) for p in (REPO / "examples" / "pages").glob("*.jsonl.zst"))
        cpu_pages = stage_cpu([Path(p) for p in pages])
        cpu_pages["bytes"] = sum(len(json.loads(x)["text"].encode()) for p in pages for x in _lines(Path(p)))
        write_report(a, runs, mem, names, cpu, cpu_pages, cores)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_report(
    a: argparse.Namespace,
    runs: list,
    mem: dict,
    names: list[str],
    cpu: dict,
    cpu_pages: dict,
    cores: tuple[float, float],
) -> None:
    st = runs[0][2]["stats"]
    docs, nbytes = st["docs"]["in"], st["bytes"]["in"]
    base = runs[0][2]["seconds"]
    lines = [
        "# Ray executor throughput",
        "",
        f"Command: `.venv/bin/python bench/ray_throughput.py --shards {a.shards} --copies {a.copies}`",
        "",
        f"Corpus: {docs:,} real documents, {nbytes / MB:.1f} MB of text in {a.shards} shards "
        f"(bench/ray_corpus.py: lingua sentences joined per language, UD_Icelandic-GC, the 376 "
        f"bundled web pages, ~5 % exact/near copies), mean {nbytes / docs / 1e3:.1f} KB/doc. "
        f"Default pipeline ({', '.join(names)}). Machine: 2 cores, 24 GB.",
        "",
        "The machine is shared with other jobs: the load average (1 min, at the end of each run) is "
        "given; wall-clock speed-ups are only as good as it is quiet. CPU seconds (this process for "
        "local x1, the sum over shard tasks for Ray) do not depend on the load. Before the runs, one "
        f"busy process got {cores[0]:.2f} of a core and two got {cores[1]:.2f} cores between them.",
        "",
        "| executor | workers | wall s | docs/s | MB/s | speed-up vs local x1 | CPU s | docs per CPU s "
        "| cluster start s | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, w, r in runs:
        s = r["seconds"]
        start = f"{r['startup']:.1f}" if "startup" in r else "–"
        c = r.get("cpu")
        cs = f"{c:.1f} | {docs / c:,.0f}" if c else "– | –"
        lines.append(
            f"| {label} | {w} | {s:.1f} | {docs / s:,.0f} | {nbytes / MB / s:.2f} | {base / s:.2f} | {cs} "
            f"| {start} | {r['load']:.1f} |"
        )
    lines += [
        "",
        "`ray 2 nodes`: a head without CPUs and two 1-CPU raylets on this machine "
        "(`ray.cluster_utils.Cluster`), so tasks, their results and the combine partitions cross "
        "node boundaries as on a real cluster. The outputs of the runs are byte-identical "
        "(tests/test_ray_executor.py checks local against Ray).",
        "",
    ]
    rss = {w: r["peak_rss"] for label, w, r in runs if label == "ray"}
    rss_nodes = next((r["peak_rss"] for label, w, r in runs if label == "ray 2 nodes"), {})
    if rss:
        lines += ["Peak RSS of a Ray worker process per pass (MB):", ""]
        lines += ["| pass | 1 CPU | 2 CPUs | 2 nodes |", "|---|---|---|---|"]
        for p in sorted(rss[1]):
            lines.append(
                f"| {p} | {rss[1][p] / MB:.0f} | {rss.get(2, {}).get(p, 0) / MB:.0f} "
                f"| {rss_nodes.get(p, 0) / MB:.0f} |"
            )
        lines.append("")
    mean_kb = nbytes / docs
    lines += [
        "Per-stage CPU cost (the default pipeline in one process over the whole corpus, "
        "`time.process_time`, so other load on the machine does not count):",
        "",
        "| stage | docs | CPU s | docs per CPU s | MB per CPU s | CPU ms/doc | share |",
        "|---|---|---|---|---|---|---|",
    ]
    total_cpu = cpu["all"][0]
    for k in sorted(cpu, key=lambda k: (k == "all", k)):
        c, n = cpu[k]
        n = n or docs
        rate = n / c if c else 0.0
        lines.append(
            f"| {k} | {n:,} | {c:.2f} | {rate:,.0f} | {rate * mean_kb / MB:.2f} | "
            f"{1e3 / rate if rate else 0:.2f} | {c / total_cpu * 100:.0f} % |"
        )
    lines += [
        "",
        f"Whole pipeline: {total_cpu / docs * 1e3:.1f} CPU ms per input document = {docs / total_cpu:,.0f} "
        f"docs and {nbytes / MB / total_cpu:.2f} MB of text per CPU second — "
        f"{nbytes / MB / total_cpu / 0.30:.1f}x the 0.30 MB/s of datatrove's four quality filters "
        "chained, one core (ANCHORS.md, measured on a similar machine, not in this run), for a "
        "pipeline that also repairs, labels and deduplicates.",
        "",
    ]
    pc, pn = cpu_pages["all"]
    pb = cpu_pages["bytes"]
    lines += [
        f"Web pages only (the {pn} pages of examples/pages: all visible text of real pages, like WET "
        f"records; mean {pb / pn / 1e3:.1f} KB): {pc:.1f} CPU s = {pc / pn * 1e3:.1f} CPU ms per page, "
        f"{pc / (pb / 1e3) * 1e3:.2f} CPU ms per KB, {pn / pc:,.1f} pages and {pb / MB / pc:.3f} MB per CPU "
        "second. docs/capacity.md builds on this profile:",
        "",
        "| stage | CPU s | CPU ms/page | share |",
        "|---|---|---|---|",
    ]
    for k in sorted(cpu_pages, key=lambda k: (k == "all", k)):
        if k in ("bytes",):
            continue
        c = cpu_pages[k][0]
        lines.append(f"| {k} | {c:.2f} | {c / pn * 1e3:.2f} | {c / pc * 100:.0f} % |")
    lines.append("")
    timings = st["timings"]
    lines += [
        "Per-stage wall time inside the local x1 run (stats.json `timings`; includes waiting for the "
        "CPU when the machine is loaded):",
        "",
        "| stage | docs | seconds | docs/s per core | MB/s per core | ms/doc |",
        "|---|---|---|---|---|---|",
    ]
    per_doc_total = 0.0
    for k in sorted(timings):
        t = timings[k]
        if not t["docs"] or not t["seconds"]:
            continue
        rate = t["docs"] / t["seconds"]
        per_doc_total += t["seconds"] / docs
        lines.append(
            f"| {k} | {t['docs']:,} | {t['seconds']:.2f} | {rate:,.0f} | {rate * mean_kb / MB:.2f} | "
            f"{1e3 / rate:.2f} |"
        )
    lines += [
        "",
        f"All stages: {per_doc_total * 1e3:.1f} ms wall per input document "
        f"({1 / per_doc_total:,.0f} docs/s, {nbytes / docs / per_doc_total / MB:.2f} MB/s per core); "
        f"the whole local x1 run (reading, writing, stats included): {base / docs * 1e3:.1f} ms/doc.",
        "",
    ]
    disk = runs[1][2].get("disk", {})
    if disk:
        lines += [
            "Disk while a run is in flight (local x2 run, intermediate stores kept), bytes per input "
            "document and per input text byte:",
            "",
            "| folder | what | MB | bytes/doc | per input byte |",
            "|---|---|---|---|---|",
        ]
        for k in sorted(disk):
            what = (
                "final parts (kept + rejected, zstd, input text kept)"
                if k == "outputs"
                else "document store between passes (zstd pickles)"
                if k.startswith("pass") and "-" not in k
                else f"{k.split('-', 1)[1]} partition and decision files"
                if "-" in k
                else "stats, state"
            )
            lines.append(
                f"| {k} | {what} | {disk[k] / MB:.2f} | {disk[k] / docs:,.0f} | {disk[k] / nbytes:.3f} |"
            )
        lines.append("")
    combine = sum(v["seconds"] for k, v in timings.items() if k.endswith(".combine"))
    r2 = runs[3][2]
    tasks = runs[2][2]["tasks"]
    one = makespan(tasks, 1) + combine
    lines += [
        "## Scaling on N nodes",
        "",
        "Wall-clock speed-ups cannot be measured on this machine while other jobs load it (the kernel "
        "shares the CPU per session, so a second worker process does not get a second core). From the "
        "measured CPU seconds of every shard task (Ray x1 run) and the combines, the wall time on idle "
        "cores, with each pass waiting for its slowest shard:",
        "",
        "| workers | shard passes s | + combines s | projected wall s | speed-up | efficiency |",
        "|---|---|---|---|---|---|",
    ]
    for w in (1, 2, 4, 8, 16):
        ms = makespan(tasks, w)
        lines.append(
            f"| {w} | {ms:.1f} | {combine:.2f} | {ms + combine:.1f} | {one / (ms + combine):.2f} "
            f"| {one / (ms + combine) / w * 100:.0f} % |"
        )
    lines += [
        "",
        f"With {len({t[1] for t in tasks})} shards, 8 workers already leave cores idle in every pass "
        "(one wave, and the waves are uneven); a real corpus has thousands of shards per pass.",
        "",
        f"Ray x2 vs Ray x1: {runs[2][2]['seconds'] / r2['seconds']:.2f}x on 2 cores (local: "
        f"{runs[0][2]['seconds'] / runs[1][2]['seconds']:.2f}x). Shard tasks share nothing but the "
        "files of the corpus stages, so the map passes scale with cores until the shared file system "
        f"or the object store saturates. The serial part is the driver's `combine` calls: {combine:.2f} s "
        f"here ({combine / base * 100:.1f} % of the x1 run); they fan out over partitions through "
        "`pmap`, so they shrink with nodes too, down to the largest partition. Expected: near-linear "
        "(≥ 0.9 efficiency) while each core has ≥ 2-3 shards per pass and shards take ≥ 30 s "
        "(task overhead ~ms, model load once per worker process); below that, per-task start-up and "
        "the pass barriers (every shard must finish a pass before the combine) dominate, so the "
        "slowest shard sets the pace — keep shards equal in size.",
        "",
    ]
    if mem:
        lines += [
            "Memory per stage (fresh process, the largest shard through `run_inline`; base = "
            "interpreter + sia + the shard in memory):",
            "",
            "| stage | base MB | peak MB | stage adds MB |",
            "|---|---|---|---|",
        ]
        for name, m in mem.items():
            lines.append(
                f"| {name} | {m['base'] / MB:.0f} | {m['peak'] / MB:.0f} | {(m['peak'] - m['base']) / MB:.0f} |"
            )
        lines.append("")
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text("\n".join(lines))
    print(f"→ {RESULT}", file=sys.stderr)


if __name__ == "__main__":
    main()
