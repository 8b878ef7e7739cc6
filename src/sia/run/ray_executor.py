"""The Ray executor: the local executor's plan, run as Ray tasks on a cluster.

Only *where* a shard job runs changes. `run_pipeline` (sia.run.local) still plans the passes,
skips finished work, runs each corpus stage's `combine`, merges stats and writes run.json; this
module hands it a `RayRunner` whose `run_jobs` submits `run_shard` as Ray tasks and whose `pmap`
fans a combine's partitions out as tasks. So both executors write the same bytes: a shard's
outputs depend only on the shard and the corpus-stage state, and partitioning is deterministic.

Faults: a task whose worker dies (SIGKILL, OOM kill, lost node) is resubmitted by Ray up to
``max_retries`` times; since every file is written under a temp name and renamed, a killed
attempt leaves no visible partial output and the retry overwrites its temp file. A shard whose
final stats file exists is never submitted again, so rerunning a finished pipeline submits
nothing and a stopped run resumes with the shards it had not finished.

OUT (and its ``.sia`` work folder) must be one POSIX path every node sees — a shared file
system, or a bucket mounted with a FUSE driver that supports rename; see docs/ray.md.
"""

from __future__ import annotations

import resource
import time
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sia.config import PipelineConfig
from sia.io.errors import InputError
from sia.run import local
from sia.run.local import RunResult, ShardJob, run_pipeline, run_shard


@dataclass
class RayOptions:
    """How tasks are placed and retried (see docs/ray.md for sizing)."""

    address: str | None = None  # "auto": an existing cluster; None: RAY_ADDRESS or a new local one
    max_retries: int = 3  # resubmissions after a worker dies (and after an OSError, e.g. NFS hiccup)
    num_cpus: float = 1.0  # CPUs a shard or partition task reserves
    memory: int | None = None  # bytes a task reserves (Ray's scheduler; not a hard limit)
    max_in_flight: int | None = None  # tasks submitted at once; None: 2 per cluster CPU
    runtime_env: dict[str, Any] | None = None  # e.g. {"pip": ["sia[ray]"]} when workers lack sia
    init_kwargs: dict[str, Any] = field(default_factory=dict)  # extra ray.init arguments


def _ray() -> Any:
    try:
        import ray
    except ImportError as e:  # pragma: no cover - ray is installed for the tests
        raise InputError("--executor ray needs Ray: pip install 'sia[ray]'") from e
    return ray


# -- what runs in a worker ----------------------------------------------------------------------
def _register(classes: dict[str, type]) -> None:
    """Make the driver's stage classes known here (custom stages defined in a script included)."""
    from sia.stage import _REGISTRY, registry

    known = registry()
    for name, cls in classes.items():
        if name not in known:
            _REGISTRY[name] = cls


def _portable(cls: type) -> type:
    """Resolve a custom stage's string annotations here, where its module is importable.

    Ray ships a class from the driver's script or an uninstalled module by value; with
    ``from __future__ import annotations`` its field types are strings that the config loader
    could not resolve in a worker, where that module does not exist.
    """
    own = cls.__dict__.get("__annotations__", {})
    if cls.__module__.split(".")[0] != "sia" and any(isinstance(v, str) for v in own.values()):
        hints = typing.get_type_hints(cls)
        cls.__annotations__ = {k: hints.get(k, v) for k, v in own.items()}
    return cls


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


_RUN: list[str] = [""]  # the run whose stage objects this worker process caches


def _shard_task(job: ShardJob, classes: dict[str, type]) -> dict[str, Any]:
    _register(classes)
    if _RUN[0] != job.work:
        # Ray reuses worker processes across runs of one driver; stage objects keep per-shard
        # state (loaded combine results, apply cursors) keyed by shard number, not by run
        local._CACHE.clear()
        _RUN[0] = job.work
    cpu = time.process_time()
    try:
        res = run_shard(job)
    except BaseException:
        # Ray may retry this shard in this same process; stage objects cached here can hold the
        # failed attempt's per-shard state (an apply cursor, a half-filled buffer): drop them
        local._CACHE.clear()
        raise
    return {**res, "peak_rss": _peak_rss(), "cpu_seconds": time.process_time() - cpu}


def _call_task(fn: Callable[[Any], Any], item: Any, classes: dict[str, type]) -> Any:
    _register(classes)
    return fn(item)


def _finished(job: ShardJob) -> bool:
    """Whether `job` has nothing left to do, judged from the markers `run_shard` writes last.

    A shard with final stats is done in every pass (a completed run deletes the earlier passes'
    stores); an earlier pass is done once its store's stats file exists (named as `run_shard`
    names it: ``part-NNNNN.pkl.stats.json``).
    """
    work, name = Path(job.work), f"part-{job.shard:05d}"
    if (work / "stats" / f"{name}.json").exists():
        return True
    store = work / f"pass{job.pass_index:02d}" / f"{name}.pkl.zst"
    return store.with_suffix(".stats.json").exists()


class RayRunner:
    """Runs shard jobs and combine partitions as Ray tasks; `run_pipeline` drives it."""

    def __init__(self, workers: int, progress: Any, cfg: PipelineConfig, opts: RayOptions):
        from sia.stage import registry

        ray = _ray()
        self.ray = ray
        self.progress = progress
        reg = registry()
        self.classes = {s["name"]: _portable(reg[s["name"]]) for s in cfg.stages if s.get("name") in reg}
        self.classes_ref = ray.put(self.classes)
        task_opts: dict[str, Any] = {"num_cpus": opts.num_cpus, "max_retries": opts.max_retries}
        if opts.memory:
            task_opts["memory"] = opts.memory
        # a dead worker is always retried; exceptions only when they may be transient
        self.shard_fn = ray.remote(_shard_task).options(retry_exceptions=[OSError], **task_opts)
        self.call_fn = ray.remote(_call_task).options(retry_exceptions=[OSError], **task_opts)
        cap = opts.max_in_flight
        if cap is None:
            cap = 2 * max(1, int(ray.cluster_resources().get("CPU", 1)))
        if cfg.run.workers:  # an explicit --workers caps concurrency on the cluster too
            cap = min(cap, cfg.run.workers)
        self.max_in_flight = max(1, cap)
        self.submitted = 0  # tasks submitted (tests check that a finished run submits none)
        self.peak_rss: dict[int, int] = {}  # pass index -> largest worker RSS seen (bytes)
        self.cpu_seconds = 0.0  # CPU time of the shard tasks (immune to other load on the nodes)
        self.tasks: list[tuple[int, int, float]] = []  # (pass, shard, CPU s) of every finished task

    def run_jobs(self, jobs: list[ShardJob]) -> None:
        jobs = [j for j in jobs if not _finished(j)]
        ray = self.ray
        todo = list(reversed(jobs))
        running: dict[Any, ShardJob] = {}
        try:
            while todo or running:
                while todo and len(running) < self.max_in_flight:
                    job = todo.pop()
                    running[self.shard_fn.remote(job, self.classes_ref)] = job
                    self.submitted += 1
                done, _ = ray.wait(list(running), num_returns=1)
                for ref in done:
                    job = running.pop(ref)
                    res = ray.get(ref)  # raises the task's own exception type (RayTaskError subclass)
                    p = job.pass_index
                    self.peak_rss[p] = max(self.peak_rss.get(p, 0), res.get("peak_rss", 0))
                    self.cpu_seconds += res.get("cpu_seconds", 0.0)
                    self.tasks.append((p, job.shard, res.get("cpu_seconds", 0.0)))
                    if self.progress is not None:
                        self.progress.advance(res["docs"] if p == 0 else 0, 0)
                        self.progress.shard_done()
        except BaseException:
            for ref in running:
                ray.cancel(ref)
            raise

    def pmap(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        if len(items) < 2:
            return [fn(x) for x in items]
        ray = self.ray
        try:
            fn_ref = ray.put(fn)
        except Exception:  # not serialisable: run on the driver, as the local executor does
            return [fn(x) for x in items]
        refs = [self.call_fn.remote(fn_ref, x, self.classes_ref) for x in items]
        self.submitted += len(refs)
        return ray.get(refs)

    def close(self) -> None:
        """Nothing to release: the cluster outlives the run."""


def ray_runner_factory(
    cfg: PipelineConfig, opts: RayOptions | None = None
) -> Callable[[int, Any], RayRunner]:
    """A `runner_factory` for `run_pipeline`; the runner it made is kept as `factory.runner`."""
    opts = opts or RayOptions()

    def factory(workers: int, progress: Any) -> RayRunner:
        factory.runner = RayRunner(workers, progress, cfg, opts)  # type: ignore[attr-defined]
        return factory.runner  # type: ignore[attr-defined]

    return factory


def connect(opts: RayOptions) -> bool:
    """Connect to (or start) Ray unless already connected; True if this call connected."""
    ray = _ray()
    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"address": opts.address, "log_to_driver": False, **opts.init_kwargs}
    if opts.runtime_env:
        kwargs["runtime_env"] = opts.runtime_env
    if opts.address is None:
        kwargs.setdefault("include_dashboard", False)
    try:
        ray.init(**kwargs)
    except ConnectionError as e:
        raise InputError(f"--address {opts.address}: no Ray cluster there ({e})") from e
    return True


def run_pipeline_ray(
    cfg: PipelineConfig,
    inputs: list[str],
    out: str | Path,
    *,
    address: str | None = None,
    resume: bool = True,
    progress: Any = None,
    options: RayOptions | None = None,
) -> RunResult:
    """Run `cfg` over `inputs` into `out` on a Ray cluster (`address="auto"`: the one this node
    belongs to; None: RAY_ADDRESS, else a local one-machine cluster for this run)."""
    opts = options or RayOptions()
    if address is not None:
        opts.address = address
    started = connect(opts)
    try:
        return run_pipeline(
            cfg, inputs, out, resume=resume, progress=progress, runner_factory=ray_runner_factory(cfg, opts)
        )
    finally:
        if started:
            _ray().shutdown()
