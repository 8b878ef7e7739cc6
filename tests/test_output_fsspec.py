"""Output to fsspec URLs: same bytes as a local folder, no work files on the URL, resume, fresh.

`memory://` runs in-process (it is per-process, so one worker); `file://` goes through the real
command line with two worker processes. Inputs are the real pages of examples/pages.
"""

from __future__ import annotations

import json

import fsspec
import pytest

from conftest import EXAMPLES
from sia.config import PipelineConfig, default_stage_names
from sia.io import outfs
from sia.io.writers import PartWriter
from sia.report.stats import deterministic_part
from sia.run.local import run_pipeline
from test_executor import make_corpus, outputs


def url_outputs(url: str) -> dict[str, bytes]:
    """`outputs()` of test_executor, read through fsspec."""
    fs, root = fsspec.core.url_to_fs(url)
    files = {}
    for sub in ("kept", "rejected", "errors"):
        for p in sorted(fs.ls(f"{root}/{sub}", detail=False)):
            files[f"{sub}/{p.rsplit('/', 1)[-1]}"] = fs.cat_file(p)
    stats = json.loads(fs.cat_file(f"{root}/stats.json"))
    files["stats.json"] = json.dumps(deterministic_part(stats), sort_keys=True).encode()
    return files


def cfg(workers: int = 1, fmt: str = "jsonl.zst") -> PipelineConfig:
    c = PipelineConfig(stages=[{"name": n} for n in default_stage_names()])
    c.run.workers = workers
    c.output.format = fmt
    return c


@pytest.fixture
def memfs():
    fs = fsspec.filesystem("memory")
    yield fs
    if fs.exists("/sia-test"):
        fs.rm("/sia-test", recursive=True)


def test_memory_url_same_bytes_as_local_folder_and_resumes(tmp_path, memfs):
    corpus = make_corpus(tmp_path / "in", shards=3)
    inputs = [str(corpus), str(EXAMPLES / "000_fc034b1a7ebc7edf.txt")]
    run_pipeline(cfg(), inputs, tmp_path / "local")
    url = "memory://sia-test/out"
    res = run_pipeline(cfg(), inputs, url, work_dir=tmp_path / "stage")
    assert res.out == url
    a, b = outputs(tmp_path / "local"), url_outputs(url)
    assert sorted(a) == sorted(b) and len([k for k in a if k.startswith("kept/")]) == 4
    for k in a:
        assert a[k] == b[k], k
    # the work folder (corpus-stage state, done markers) stayed in the staging folder
    names = memfs.find("/sia-test/out", withdirs=True)
    assert not [n for n in names if "/." in n], names
    assert memfs.exists("/sia-test/out/run.json")
    work = outfs.work_folder(url, tmp_path / "stage")
    assert sorted(p.name for p in (work / "stats").iterdir()) == [f"part-{i:05d}.json" for i in range(4)]

    # same command again: every shard is done, nothing is rewritten
    memfs.rm("/sia-test/out/kept/part-00000.jsonl.zst")
    run_pipeline(cfg(), inputs, url, work_dir=tmp_path / "stage")
    assert not memfs.exists("/sia-test/out/kept/part-00000.jsonl.zst")
    # a fresh run (or another configuration) clears the URL's old parts before writing
    memfs.pipe_file("/sia-test/out/kept/part-00099.jsonl.zst", b"stale")
    run_pipeline(cfg(fmt="jsonl"), inputs, url, work_dir=tmp_path / "stage")
    kept = sorted(memfs.ls("/sia-test/out/kept", detail=False))
    assert [k.rsplit("/", 1)[-1] for k in kept] == [f"part-{i:05d}.jsonl" for i in range(4)]


def test_file_url_through_the_cli_with_two_workers(tmp_path, sia_cli, monkeypatch):
    corpus = make_corpus(tmp_path / "in", shards=4)
    common = ["--workers", "2", "--format", "parquet", "-q", "--no-report"]
    sia_cli("clean", corpus, "-o", tmp_path / "local", *common, check=True)
    stage = tmp_path / "stage"
    monkeypatch.setenv("SIA_WORK_DIR", str(stage))
    url = f"file://{tmp_path}/url-out"
    sia_cli("clean", corpus, "-o", url, *common, check=True)
    a, b = outputs(tmp_path / "local"), outputs(tmp_path / "url-out")
    assert sorted(a) == sorted(b) and len([k for k in a if k.startswith("kept/")]) == 4
    for k in a:
        assert a[k] == b[k], k
    # no work folder and no temp file on the URL side; the work folder is in SIA_WORK_DIR
    assert sorted(p.name for p in (tmp_path / "url-out").iterdir()) == [
        "errors",
        "kept",
        "rejected",
        "run.json",
        "stats.json",
    ]
    assert not [p for p in (tmp_path / "url-out").rglob("*") if p.name.startswith(".")]
    assert (outfs.work_folder(url, stage) / "state.json").exists()
    assert not list(outfs.upload_tmp_dir(url).glob("*"))


def test_an_aborted_part_leaves_nothing_on_the_url(tmp_path, memfs):
    w = PartWriter("memory://sia-test/p/kept/part-00000.jsonl", "jsonl", tmp_dir=tmp_path)
    w.write({"id": "a", "text": "x"})
    assert not memfs.exists("/sia-test/p/kept/part-00000.jsonl")  # nothing visible before close
    w.abort()
    assert not memfs.exists("/sia-test/p/kept/part-00000.jsonl") and not list(tmp_path.iterdir())
    w = PartWriter("memory://sia-test/p/kept/part-00000.jsonl", "jsonl", tmp_dir=tmp_path)
    w.write({"id": "a", "text": "x"})
    w.close()
    assert memfs.cat_file("/sia-test/p/kept/part-00000.jsonl") == b'{"id":"a","text":"x"}\n'
    assert not list(tmp_path.iterdir())


def test_work_folder_defaults_to_the_temp_dir_named_by_the_url(tmp_path):
    a, b = outfs.work_folder("s3://bucket/out"), outfs.work_folder("s3://bucket/out/")
    assert a == b and a.name.startswith("sia-") and a != outfs.work_folder("s3://bucket/other")
    assert outfs.work_folder(tmp_path / "out") == tmp_path / "out" / ".sia"
    assert outfs.work_folder("gs://b/o", tmp_path).parent == tmp_path


def test_ray_tasks_upload_to_a_file_url(tmp_path, monkeypatch):
    """Shard tasks in Ray worker processes upload their parts; the work folder is SIA_WORK_DIR."""
    import ray

    from sia.run.ray_executor import RayOptions, run_pipeline_ray

    corpus = make_corpus(tmp_path / "in", shards=3)
    c = PipelineConfig(stages=[{"name": n} for n in ("normalize", "host_templates", "exact_dedup")])
    c.run.workers = 2
    run_pipeline(c, [str(corpus)], tmp_path / "local")
    monkeypatch.setenv("SIA_WORK_DIR", str(tmp_path / "stage"))
    url = f"file://{tmp_path}/url-out"
    opts = RayOptions(
        init_kwargs={"num_cpus": 2, "object_store_memory": 100 * 2**20, "configure_logging": False}
    )
    assert not ray.is_initialized()
    run_pipeline_ray(c, [str(corpus)], url, options=opts)
    a, b = outputs(tmp_path / "local"), outputs(tmp_path / "url-out")
    assert sorted(a) == sorted(b) and len(a) == 10
    for k in a:
        assert a[k] == b[k], k
    assert not (tmp_path / "url-out" / ".sia").exists()
    assert (outfs.work_folder(url, tmp_path / "stage") / "stats" / "part-00002.json").exists()


def test_memory_url_with_worker_processes_is_refused(tmp_path):
    from sia.io.errors import InputError

    corpus = make_corpus(tmp_path / "in", shards=2)
    with pytest.raises(InputError, match="per process"):
        run_pipeline(cfg(workers=2), [str(corpus)], "memory://sia-test/two", work_dir=tmp_path / "s")
