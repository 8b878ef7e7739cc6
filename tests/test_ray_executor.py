"""The Ray executor on a real local Ray cluster: same bytes as the local executor, faults, resume.

The corpus (tests/data/ray, 2,552 real documents in five shards, see its README) runs through the
default pipeline on both executors; the fault tests use the cheap stages plus every registered
corpus stage, and a tripwire stage that kills its own Ray worker (SIGKILL) or raises mid-shard.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
import ray

from sia.cli import main as sia_main
from sia.config import PipelineConfig, default_stage_names
from sia.record import Document
from sia.run.local import run_pipeline
from sia.run.ray_executor import RayOptions, ray_runner_factory, run_pipeline_ray
from sia.stage import register, registry

DATA = Path(__file__).parent / "data" / "ray"
INPUTS = [str(p) for p in sorted(DATA.glob("shard-*.jsonl.zst"))]
CORPUS_STAGES = ("host_templates", "exact_dedup", "near_dedup")
TRIP_DOC = "lingua-sw-0020"  # in shard 4's second batch of 128


@register
@dataclass
class Tripwire:
    """Test stage: on seeing `doc_id` while `marker` exists, kill this process or raise."""

    name: ClassVar[str] = "test_tripwire"
    marker: str = ""
    doc_id: str = ""
    action: str = "kill"

    def process(self, batch: list[Document]) -> list[Document]:
        if self.marker and any(d.id == self.doc_id for d in batch) and os.path.exists(self.marker):
            if self.action == "kill":
                os.unlink(self.marker)  # first attempt only: the retry runs clean
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError("tripwire")
        return batch


@pytest.fixture(scope="module")
def cluster():
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        object_store_memory=200 * 2**20,
        configure_logging=False,
    )
    # the tripwire lives in this test module, which Ray workers cannot import: ship it by value
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield
    ray.cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    ray.shutdown()


def cheap_cfg(marker: Path | None = None, action: str = "kill", workers: int = 0) -> PipelineConfig:
    reg = registry()
    stages = [{"name": "normalize"}] + [{"name": n} for n in CORPUS_STAGES if n in reg]
    stages.append(
        {"name": "test_tripwire", "marker": str(marker or ""), "doc_id": TRIP_DOC, "action": action}
    )
    cfg = PipelineConfig(stages=stages)
    cfg.run.batch_size = 128
    cfg.run.workers = workers
    return cfg


def outputs(out: Path) -> dict[str, bytes]:
    """Every part file's bytes and stats.json without its timings."""
    files = {
        str(p.relative_to(out)): p.read_bytes()
        for sub in ("kept", "rejected", "errors")
        for p in sorted((out / sub).iterdir())
    }
    stats = json.loads((out / "stats.json").read_text())
    stats.pop("timings")
    files["stats.json"] = json.dumps(stats, sort_keys=True).encode()
    return files


def leftovers(out: Path) -> list[str]:
    return [str(p) for p in out.rglob("*") if ".tmp" in p.name]


@pytest.fixture(scope="module")
def clean_run(cluster, tmp_path_factory) -> Path:
    """The fault tests' reference: the cheap pipeline on Ray, no faults."""
    out = tmp_path_factory.mktemp("clean") / "out"
    run_pipeline_ray(cheap_cfg(), INPUTS, out)
    return out


def test_default_pipeline_same_bytes_as_local_executor(cluster, tmp_path):
    cfg = PipelineConfig(stages=[{"name": n} for n in default_stage_names()])
    cfg.run.workers = 2
    local = run_pipeline(cfg, INPUTS, tmp_path / "local")
    res = run_pipeline_ray(cfg, INPUTS, tmp_path / "ray")
    assert res.stats["docs"]["in"] == local.stats["docs"]["in"] == 2552
    a, b = outputs(tmp_path / "local"), outputs(tmp_path / "ray")
    assert sorted(a) == sorted(b) and len(a) == 16  # 5 shards x kept/rejected/errors + stats
    for name in a:
        assert a[name] == b[name], name
    if "exact_dedup" in registry():  # the corpus repeats documents across shards
        assert res.stats["dup"]["duplicates"] > 0


def test_worker_killed_mid_task_is_retried_without_partial_output(clean_run, tmp_path):
    marker = tmp_path / "kill-once"
    marker.touch()
    out = tmp_path / "out"
    cfg = cheap_cfg(marker, "kill")
    factory = ray_runner_factory(cfg, RayOptions(max_retries=2))
    run_pipeline(cfg, INPUTS, out, runner_factory=factory)
    assert not marker.exists()  # the tripwire fired: a worker died with the shard half written
    assert leftovers(out) == []
    assert outputs(out) == outputs(clean_run)
    # the corpus stages' combines fanned out over their partitions as Ray tasks too
    n_passes = 1 + sum(n in registry() for n in CORPUS_STAGES)
    assert factory.runner.submitted > n_passes * len(INPUTS)


def test_stopped_run_resumes_and_finished_run_submits_nothing(clean_run, tmp_path):
    marker = tmp_path / "fail"
    marker.touch()
    out = tmp_path / "out"
    cfg = cheap_cfg(marker, "raise", workers=1)  # one task at a time: shards 0-3 finish first
    with pytest.raises(RuntimeError, match="tripwire"):
        run_pipeline_ray(cfg, INPUTS, out)
    done = sorted(p.name for p in (out / ".sia" / "stats").glob("part-*.json"))
    assert done == [f"part-{i:05d}.json" for i in range(4)]
    assert not (out / "stats.json").exists()

    marker.unlink()
    factory = ray_runner_factory(cfg, RayOptions())
    run_pipeline(cfg, INPUTS, out, runner_factory=factory)
    assert factory.runner.submitted == 1  # only the unfinished shard's last pass
    assert outputs(out) == outputs(clean_run)

    before = {str(p): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    factory = ray_runner_factory(cfg, RayOptions())
    run_pipeline(cfg, INPUTS, out, runner_factory=factory)
    assert factory.runner.submitted == 0
    after = {str(p): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    changed = {p for p in after if before.get(p) != after[p]}
    assert changed <= {str(out / "stats.json"), str(out / "run.json")}


def test_cli_executor_ray_and_fsspec_inputs(clean_run, tmp_path):
    """`sia run PIPELINE --executor ray --address auto` joins the running cluster; inputs given as
    fsspec URLs are opened by the workers; `sia clean --executor ray` runs too."""
    toml = tmp_path / "pipeline.toml"
    lines = ["[run]", "batch_size = 128", ""]
    for st in cheap_cfg().stages:
        lines += ["[[stages]]"] + [f"{k} = {json.dumps(v)}" for k, v in st.items()] + [""]
    toml.write_text("\n".join(lines))
    urls = [f"local://{p}" for p in INPUTS]
    out = tmp_path / "out"
    rc = sia_main(
        [
            "run",
            str(toml),
            *urls,
            "-o",
            str(out),
            "--executor",
            "ray",
            "--address",
            "auto",
            "-q",
            "--no-report",
        ]
    )
    assert rc == 0
    run = json.loads((out / "run.json").read_text())
    assert [i["path"] for i in run["inputs"]] == urls
    got, want = outputs(out), outputs(clean_run)
    assert sorted(got) == sorted(want)
    for name in got:  # same records; only `source` (the input's name) differs
        if name.startswith(("kept", "rejected")):
            assert _records(out / name) == _records(clean_run / name), name

    # `sia clean --executor ray` (the default pipeline) on one shard
    out2 = tmp_path / "clean"
    rc = sia_main(["clean", INPUTS[0], "-o", str(out2), "--executor", "ray", "-q", "--no-report"])
    stats = json.loads((out2 / "stats.json").read_text())
    assert rc == 0 and stats["docs"]["in"] == 511 and (out2 / "kept" / "part-00000.jsonl.zst").exists()


def _records(path: Path) -> list[dict]:
    from sia.io.writers import read_records

    recs = read_records(path)
    for r in recs:
        r.pop("source", None)
    return recs
