"""The local executor: same bytes for any worker count, resumable after kill -9, formats."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import zstandard

from conftest import EXAMPLES, outputs
from sia.io.writers import read_records


def make_corpus(folder: Path, shards: int, copies: int = 1) -> Path:
    """Shard files of real pages (examples/pages), each page once per copy with its own id."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for part in sorted((EXAMPLES / "pages").glob("*.jsonl.zst")):
        data = zstandard.ZstdDecompressor().stream_reader(part.open("rb")).read()
        rows += [orjson.loads(x) for x in data.splitlines() if x.strip()]
    rows = [dict(r, id=f"{r['id']}#{c}") for c in range(copies) for r in rows]
    for k in range(shards):
        with open(folder / f"shard-{k:03d}.jsonl", "wb") as f:
            for r in rows[k::shards]:
                f.write(orjson.dumps(r) + b"\n")
    return folder


def test_same_bytes_for_one_and_two_workers(tmp_path, sia_cli):
    corpus = make_corpus(tmp_path / "in", shards=5)
    a, b = tmp_path / "w1", tmp_path / "w2"
    sia_cli(
        "clean",
        corpus,
        EXAMPLES / "000_fc034b1a7ebc7edf.txt",
        "-o",
        a,
        "--workers",
        "1",
        "--format",
        "jsonl",
        "-q",
        "--no-report",
        check=True,
    )
    sia_cli(
        "clean",
        corpus,
        EXAMPLES / "000_fc034b1a7ebc7edf.txt",
        "-o",
        b,
        "--workers",
        "2",
        "--format",
        "jsonl",
        "-q",
        "--no-report",
        check=True,
    )
    oa, ob = outputs(a), outputs(b)
    assert sorted(oa) == sorted(ob) and len([k for k in oa if k.startswith("kept/")]) == 6
    for k in oa:
        assert oa[k] == ob[k], k
    kept = [r for p in sorted((a / "kept").glob("*")) for r in read_records(p)]
    rejected = [r for p in sorted((a / "rejected").glob("*")) for r in read_records(p)]
    assert len(kept) + len(rejected) == 377
    stats = json.loads((a / "stats.json").read_text())
    assert stats["docs"]["in"] == 377 and stats["docs"]["kept"] == len(kept)


def test_kill_9_then_rerun_gives_the_uninterrupted_output(tmp_path, sia_cli):
    corpus = make_corpus(tmp_path / "in", shards=24, copies=3)
    ref, out = tmp_path / "ref", tmp_path / "out"
    args = ["clean", str(corpus), "--workers", "2", "--format", "jsonl.zst", "-q", "--no-report"]
    sia_cli(*args, "-o", ref, check=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sia", *args, "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # wait until some, not all, shards of some pass are finished, then kill the whole group
    deadline = time.time() + 300
    while time.time() < deadline:
        done = list((out / ".sia").rglob("part-*.json")) if (out / ".sia").exists() else []
        if len(done) >= 3:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = list((out / ".sia").rglob("part-*.json"))
    assert len(finished) >= 3, "the run never got going"
    assert not (out / "stats.json").exists(), "the run finished before it was killed"
    r = sia_cli(*args, "-o", out)
    assert r.returncode == 0, r.stderr
    assert outputs(out) == outputs(ref)
    assert not list(out.rglob(".*.tmp")), "a temp file was left behind"


def test_formats_hold_the_same_records(tmp_path, sia_cli):
    corpus = make_corpus(tmp_path / "in", shards=2)
    recs = {}
    for fmt in ("jsonl", "jsonl.zst", "parquet"):
        out = tmp_path / fmt.replace(".", "_")
        sia_cli(
            "clean", corpus, "-o", out, "--format", fmt, "-q", "--no-report", "--workers", "1", check=True
        )
        parts = sorted((out / "kept").glob(f"*.{fmt}"))
        assert [p.name for p in parts] == [f"part-0000{i}.{fmt}" for i in range(2)]
        recs[fmt] = [r for p in parts for r in read_records(p)]
    assert recs["jsonl"] == recs["jsonl.zst"] == recs["parquet"]
    assert recs["jsonl"] and {"id", "text", "removed", "decision", "lang", "signals", "dup"} <= set(
        recs["jsonl"][0]
    )


def test_rerun_of_a_finished_run_redoes_nothing(tmp_path, sia_cli):
    corpus = make_corpus(tmp_path / "in", shards=2)
    out = tmp_path / "out"
    sia_cli("clean", corpus, "-o", out, "-q", "--no-report", "--workers", "1", check=True)
    before = {p: p.stat().st_mtime_ns for p in (out / "kept").glob("*")}
    sia_cli("clean", corpus, "-o", out, "-q", "--no-report", "--workers", "1", check=True)
    assert {p: p.stat().st_mtime_ns for p in (out / "kept").glob("*")} == before
    # a different configuration starts over instead of mixing outputs
    sia_cli(
        "clean", corpus, "-o", out, "-q", "--no-report", "--workers", "1", "--format", "jsonl", check=True
    )
    assert not list((out / "kept").glob("*.jsonl.zst"))
