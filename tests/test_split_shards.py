"""Large uncompressed JSONL / txt-lines inputs are read as several byte-range shards.

The ranges cover every line exactly once; ids and error line numbers stay those of the whole
file; the documents, their order and the stats equal an unsplit run's; the parts are the same
bytes for one and two workers; a resumed run redoes only the unfinished ranges.
"""

import json
import random
from pathlib import Path

import orjson
import pytest
import zstandard

from conftest import EXAMPLES, outputs
from sia.io import streams
from sia.io.readers import ReadOptions, read_file
from sia.io.streams import line_range, lines
from sia.io.writers import read_records
from sia.run.plan import number_lines, plan_shards, splittable

STAGES = ["normalize", "repeats", "host_templates", "quality", "exact_dedup", "near_dedup"]
BAD = {100: "malformed_json", 777: "invalid_utf8", 1501: "malformed_json"}  # 1-based lines


def _serial_pmap(fn, items):
    return [fn(x) for x in items]


def _config(path: Path, shard_bytes: int, stages=STAGES) -> Path:
    text = f"[run]\nshard_bytes = {shard_bytes}\n\n"
    text += "".join(f'[[stages]]\nname = "{s}"\n\n' for s in stages)
    path.write_text(text)
    return path


def make_big_jsonl(path: Path, copies: int = 6) -> Path:
    """Real pages (examples/pages), each copy a different stretch of its page; some records have
    no id (their id is then FILE:LINE); bad lines at known line numbers; no final newline."""
    rows = []
    for part in sorted((EXAMPLES / "pages").glob("*.jsonl.zst")):
        data = zstandard.ZstdDecompressor().stream_reader(part.open("rb")).read()
        rows += [orjson.loads(x) for x in data.splitlines() if x.strip()]
    out = []
    for c in range(copies):
        for j, r in enumerate(rows):
            text = r["text"]
            at = len(text) * c // (copies + 2)
            d = {"url": r.get("url"), "text": text[at : at + 900], "copy": c}
            if (j + c) % 3:
                d["id"] = f"{r['id']}#{c}"
            out.append(orjson.dumps(d))
    out[99] = b'{"text": "broken'
    out[776] = b'{"id": "bad-utf8", "text": "caf\xe9 au lait, and then a few more words of text"}'
    out[1500] = b"[1, 2]"
    out[1501] = b""  # a blank line: skipped silently, but it still counts as a line
    path.write_bytes(b"\n".join(out))
    return path


def records(out: Path, which: str) -> list[dict]:
    return [r for p in sorted((out / which).glob("part-*")) for r in read_records(p)]


def errors(out: Path) -> list[dict]:
    return [
        orjson.loads(x) for p in sorted((out / "errors").glob("part-*")) for x in p.read_bytes().splitlines()
    ]


# -- ranges --------------------------------------------------------------------------------------
def _ranges_cover(data: bytes, cuts: list[int], tmp: Path) -> None:
    p = tmp / "f.jsonl"
    p.write_bytes(data)
    whole = list(lines(str(p)))
    got = [x for a, b in zip(cuts, cuts[1:]) for x in line_range(str(p), a, b)]
    assert got == whole, (data, cuts)


def test_ranges_cover_every_line_once(tmp_path, monkeypatch):
    # the boundary cases by hand: a cut on a newline, just after one, at a line start, at 0/size
    data = b"ab\ncd\n\nef\ngh"  # no final newline
    for cuts in (
        [0, 2, 13],
        [0, 3, 13],
        [0, 6, 7, 13],
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
        [0, 13],
    ):
        _ranges_cover(data, cuts, tmp_path)
    p = tmp_path / "f.jsonl"
    assert list(line_range(str(p), 0, 3)) == [b"ab"]  # line 2 starts at 3: the next range's
    assert list(line_range(str(p), 3, 4)) == [b"cd"]  # a range starting on a line start owns it
    assert list(line_range(str(p), 2, 3)) == []  # a cut on the newline itself: nothing starts here
    assert list(line_range(str(p), 10, 13)) == [b"gh"]  # the last line without a newline
    # and at random, with tiny read chunks so lines straddle chunk edges
    rnd = random.Random(7)
    for trial in range(400):
        monkeypatch.setattr(streams, "CHUNK", rnd.choice([1, 2, 5, 64]))
        parts = [b"x" * rnd.randint(0, 5) for _ in range(rnd.randint(0, 10))]
        data = b"\n".join(parts) + (b"\n" if trial % 2 else b"")
        cuts = sorted({0, len(data), *(rnd.randint(0, len(data)) for _ in range(rnd.randint(0, 6)))})
        _ranges_cover(data, cuts, tmp_path)


def test_plan_splits_only_large_uncompressed_line_files(tmp_path):
    big = make_big_jsonl(tmp_path / "big.jsonl")
    small = tmp_path / "small.jsonl"
    small.write_bytes(b'{"text": "one"}\n')
    gz = tmp_path / "big.jsonl.gz"
    gz.write_bytes(b"")
    size = big.stat().st_size
    files = [(str(big), "jsonl"), (str(small), "jsonl"), (str(gz), "jsonl")]
    assert [s.span for s in plan_shards(files, 0, False)] == [None] * 3  # 0: never split
    assert [s.span for s in plan_shards(files, size, False)] == [None] * 3  # at the limit: one shard
    shards = plan_shards(files, size // 7, False)
    spans = [s.span for s in shards[:-2]]
    assert len(spans) == 8 and spans[0].start == 0 and spans[-1].end == size
    assert all(a.end == b.start for a, b in zip(spans, spans[1:]))
    assert [s.span for s in shards[-2:]] == [None, None]
    assert not splittable("x.txt", "txt", False) and splittable("x.txt", "txt", True)
    assert not splittable("x.jsonl.zst", "jsonl", False) and not splittable("x.parquet", "parquet", False)


def test_ranges_read_the_records_of_the_whole_file(tmp_path):
    """Reading range by range gives the same documents, ids and errors (global line numbers)."""
    big = make_big_jsonl(tmp_path / "big.jsonl")
    opts = ReadOptions()
    whole = list(read_file(str(big), "jsonl", opts))
    cache = tmp_path / "lines.json"
    shards = number_lines(plan_shards([(str(big), "jsonl")], 50_000, False), _serial_pmap, cache)
    assert len(shards) > 30
    ranged = [x for s in shards for x in read_file(s.path, s.fmt, opts, s.span)]
    assert ranged == whole
    errs = {int(e.record.split()[1]): e.reason for e in ranged if not hasattr(e, "text")}
    assert errs == BAD
    ids = [d.id for d in ranged if hasattr(d, "text")]
    # no id field: FILE:LINE with the line in the whole file (2254 is in the last range)
    assert len(ids) == len(set(ids)) and {"big.jsonl:1", "big.jsonl:4", "big.jsonl:2254"} <= set(ids)
    # the count is cached: a second planning reads the cache, not the file
    assert number_lines(plan_shards([(str(big), "jsonl")], 50_000, False), None, cache) == shards


# -- whole runs ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One corpus run three ways: unsplit, split with 1 worker, split with 2 workers."""
    from conftest import run_sia

    tmp = tmp_path_factory.mktemp("split")
    big = make_big_jsonl(tmp / "big.jsonl")
    shard_bytes = big.stat().st_size // 9 + 1  # 9 ranges, cuts wherever they fall
    outs = {}
    for name, sb, workers in (("whole", 0, 1), ("w1", shard_bytes, 1), ("w2", shard_bytes, 2)):
        cfg = _config(tmp / f"{name}.toml", sb)
        outs[name] = tmp / name
        run_sia(
            "clean", big, "--config", cfg, "-o", outs[name], "--workers", workers, "--format", "jsonl",
            "-q", "--no-report", check=True,
        )  # fmt: skip
    return big, outs


def test_split_run_equals_unsplit_run(runs):
    big, outs = runs
    whole, w1, w2 = outs["whole"], outs["w1"], outs["w2"]
    assert len(list((w1 / "kept").glob("part-*"))) == 9 and len(list((whole / "kept").glob("part-*"))) == 1
    # byte-identical for one and two workers
    assert outputs(w1) == outputs(w2)
    # the same documents, ids, decisions and order as without splitting; the same stats
    for which in ("kept", "rejected"):
        assert records(w1, which) == records(whole, which)
    kept, rejected = records(w1, "kept"), records(w1, "rejected")
    assert len(kept) > 100 and len(rejected) > 100
    assert len(kept) + len(rejected) == 2256 - 2 - 1  # 2 lines skipped, 1 blank
    assert outputs(w1)["stats.json"] == outputs(whole)["stats.json"]
    # errors name the file and the line of the whole file, as an unsplit run does
    assert errors(w1) == errors(whole)
    assert {int(e["record"].split()[1]): e["reason"] for e in errors(w1)} == BAD
    assert all(e["file"] == str(big) for e in errors(w1))
    # documents without an id are named by their line in the whole file
    ids = {r["id"] for r in kept + rejected}
    assert {"big.jsonl:1", "big.jsonl:4", "big.jsonl:2254"} <= ids
    run = json.loads((w1 / "run.json").read_text())
    assert run["shards"] == 9 and len(run["line_ranges"]) == 9


def test_resume_redoes_only_unfinished_ranges(runs, tmp_path, sia_cli):
    big, outs = runs
    out = tmp_path / "out"
    import shutil

    shutil.copytree(outs["w1"], out)
    cfg = _config(tmp_path / "c.toml", big.stat().st_size // 9 + 1)
    args = ["clean", big, "--config", cfg, "-o", out, "--workers", "1", "--format", "jsonl", "-q", "--no-report"]  # fmt: skip
    # as after kill -9: shards 4 and 7 unfinished (no done marker, no parts), a dead temp file
    for i in (4, 7):
        (out / ".sia" / "stats" / f"part-{i:05d}.json").unlink()
        for sub in ("kept", "rejected"):
            (out / sub / f"part-{i:05d}.jsonl").unlink()
    (out / "kept" / ".part-00004.jsonl.999.tmp").write_bytes(b"partial")
    (out / "stats.json").unlink()
    before = {p: p.stat().st_mtime_ns for p in (out / "kept").glob("part-*")}
    lines_json = (out / ".sia" / "line_ranges.json").stat().st_mtime_ns
    sia_cli(*args, check=True)
    after = {p: p.stat().st_mtime_ns for p in (out / "kept").glob("part-*")}
    assert {p.name for p in after if p not in before or after[p] != before[p]} == {
        "part-00004.jsonl",
        "part-00007.jsonl",
    }
    assert (out / ".sia" / "line_ranges.json").stat().st_mtime_ns == lines_json  # not recounted
    assert outputs(out) == outputs(outs["w1"])
    assert not list(out.rglob(".*.tmp"))
    # a finished run redoes nothing
    sia_cli(*args, check=True)
    assert {p: p.stat().st_mtime_ns for p in (out / "kept").glob("part-*")} == after
    # another shard_bytes is another configuration: the run starts over, no stale parts remain
    sia_cli(*args[:3], _config(tmp_path / "d.toml", big.stat().st_size // 4 + 1), *args[4:], check=True)
    assert len(list((out / "kept").glob("part-*"))) == 4
    assert records(out, "kept") == records(outs["w1"], "kept")


def test_txt_lines_split(tmp_path, sia_cli):
    rnd = random.Random(3)
    words = ["the", "of", "and", "a", "to", "in", "is", "you", "that", "it", "he", "was", "for", "on"]
    rows = [" ".join(rnd.choice(words) for _ in range(rnd.randint(3, 30))).encode() for _ in range(600)]
    rows[10] = b""  # blank: no document
    rows[41] = b"caf\xe9 " + rows[41]  # invalid UTF-8: repaired, named by its line
    rows[99] = rows[99] + b"\r"  # a CRLF ending
    txt = tmp_path / "lines.txt"
    txt.write_bytes(b"\n".join(rows))  # no final newline
    res = {}
    for name, sb in (("whole", 0), ("split", txt.stat().st_size // 5 + 1)):
        cfg = _config(tmp_path / f"{name}.toml", sb, stages=["normalize"])
        out = tmp_path / name
        sia_cli(
            "clean", txt, "--txt-lines", "--config", cfg, "-o", out, "--workers", "1", "--format", "jsonl",
            "-q", "--no-report", check=True,
        )  # fmt: skip
        res[name] = out
    assert len(list((res["split"] / "kept").glob("part-*"))) == 5
    kept = records(res["split"], "kept")
    assert kept == records(res["whole"], "kept")
    assert [r["id"] for r in kept] == [f"lines.txt:{n}" for n in range(1, 601) if n != 11]
    assert errors(res["split"]) == errors(res["whole"])
    assert [(e["record"], e["reason"]) for e in errors(res["split"])] == [("line 42", "invalid_utf8")]
