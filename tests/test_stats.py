"""stats.json: numbers a user checks, and the same bytes whatever the sharding."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from rich.console import Console

from sia.record import Document
from sia.report.hosts import HostSample, host_level
from sia.report.stats import (
    StatsAccumulator,
    deterministic_part,
    dumps,
    load_stats,
    main_stats,
    print_stats,
)
from test_report_common import build_out, fixture_docs


def _many_docs() -> list[Document]:
    """The fixture documents under many hosts, with float signals that do not add exactly."""
    base = fixture_docs()
    rng = random.Random(7)
    docs = []
    for i in range(300):
        d = Document.from_record(base[i % len(base)].to_record())
        d.id = f"{d.id}-{i}"
        d.url = f"https://h{rng.randrange(120)}.example.com/p/{i}"
        d.signals = {**d.signals, "noise": rng.random() * 10 ** rng.randrange(-3, 4)}
        docs.append(d)
    return docs


def _shard_stats(docs: list[Document], n_shards: int) -> list[StatsAccumulator]:
    size = -(-len(docs) // n_shards)
    out = []
    for k in range(n_shards):
        acc = StatsAccumulator()
        for d in docs[k * size : (k + 1) * size]:
            acc.add_input(len(d.text.encode()))
            acc.add_doc(d)
        acc.add_stage_time("quality", 0.1 * (k + 1), size)
        out.append(acc)
    return out


def _canon(acc: StatsAccumulator) -> str:
    return dumps(deterministic_part(acc.to_json()))


def test_merge_gives_identical_bytes_for_any_worker_count_and_merge_order() -> None:
    docs = _many_docs()
    reference = None
    for n in (1, 2, 3, 7, 300):
        shards = _shard_stats(docs, n)
        seq = StatsAccumulator()
        for s in shards:
            seq.merge(s)
        # a tree of merges in another order, through JSON as a worker would hand it back
        tree = [StatsAccumulator.from_json(json.loads(dumps(s.to_json()))) for s in reversed(shards)]
        while len(tree) > 1:
            tree = [
                tree[i].merge(tree[i + 1]) if i + 1 < len(tree) else tree[i] for i in range(0, len(tree), 2)
            ]
        assert _canon(seq) == _canon(tree[0])
        reference = reference or _canon(seq)
        assert _canon(seq) == reference, f"{n} shards differ from 1"


def test_timings_are_kept_apart_from_the_deterministic_part() -> None:
    shards = _shard_stats(_many_docs(), 3)
    acc = StatsAccumulator()
    for s in shards:
        acc.merge(s)
    d = acc.to_json()
    assert d["timings"]["quality"]["seconds"] == pytest.approx(0.6)
    assert "timings" not in deterministic_part(d)


def test_counts_and_bytes_match_the_documents() -> None:
    docs = fixture_docs()
    acc = StatsAccumulator()
    for d in docs:
        acc.add_doc(d)
    s = acc.to_json()
    kept = [d for d in docs if d.kept]
    assert s["docs"] == {"in": len(docs), "kept": len(kept), "rejected": len(docs) - len(kept), "errors": 0}
    assert s["bytes"]["in"] == sum(len(d.text.encode()) for d in docs)
    assert s["bytes"]["out"] == sum(len(d.clean_text.encode()) for d in kept)
    assert s["rejected"]["near_duplicate"]["docs"] == 1
    assert s["rejected"]["exact_duplicate"]["bytes"] == len(docs[0].text.encode())
    seed = docs[0]
    rep = [sp for sp in seed.removed if sp.reason == "repeated"]
    assert s["removed"]["repeated"]["chars"] == sum(sp.end - sp.start for sp in rep)
    # Icelandic letters take two bytes: bytes removed exceed chars removed
    assert s["removed"]["repeated"]["bytes"] > s["removed"]["repeated"]["chars"]
    assert s["langs"]["is"] == {
        "docs": 2, "kept": 1, "bytes_in": 2 * len(seed.text.encode()), "bytes_out": len(seed.clean_text.encode())
    }  # fmt: skip
    assert s["dup"]["clusters"] == [[2, 2, 2, 4]] and s["dup"]["duplicates"] == 2
    by_reason: dict[str, list[int]] = {}
    for d in kept:
        for sp in d.removed:
            row = by_reason.setdefault(sp.reason, [0, 0])
            row[0] += sp.end - sp.start
            row[1] += len(d.text[sp.start : sp.end].encode())
    assert {r: [v["chars"], v["bytes"]] for r, v in s["removed"].items()} == by_reason
    assert sum(s["length"]["in"]) == len(docs) and sum(s["length"]["out"]) == len(kept)
    nw = s["signals"]["n_words"]
    values = [d.signals["n_words"] for d in docs]
    assert (nw["count"], nw["min"], nw["max"]) == (len(values), min(values), max(values))
    assert nw["mean"] == pytest.approx(sum(values) / len(values))
    assert sum(k + r for _lo, _hi, k, r in nw["hist"]) == len(values)
    assert s["hosts"]["hosts"]["venturebeat.com"]["bytes_in"] == len(docs[1].text.encode())


def test_json_round_trip_is_exact() -> None:
    acc = _shard_stats(_many_docs(), 1)[0]
    acc.add_error("a.jsonl", 3, "bad_json")
    d = acc.to_json()
    assert StatsAccumulator.from_json(json.loads(dumps(d))).to_json() == d


def test_error_examples_are_bounded_and_order_free() -> None:
    a, b = StatsAccumulator(), StatsAccumulator()
    for i in range(50):
        (a if i % 2 else b).add_error(f"f{i % 3}.jsonl", i, "bad_json")
    ab = StatsAccumulator().merge(a).merge(b).to_json()["errors"]
    ba = StatsAccumulator().merge(b).merge(a).to_json()["errors"]
    assert ab == ba and ab["by_reason"] == {"bad_json": 50} and len(ab["examples"]) == 20


def test_host_sample_is_capped_exact_and_merge_order_free() -> None:
    rng = random.Random(1)
    events = [(f"host{rng.randrange(500)}.example", rng.randrange(1, 1000)) for _ in range(5000)]
    truth: dict[str, int] = {}
    for h, b in events:
        truth[h] = truth.get(h, 0) + b
    results = []
    for n_parts in (1, 4, 13):
        parts = [HostSample(cap=40) for _ in range(n_parts)]
        for i, (h, b) in enumerate(events):
            parts[i % n_parts].add(h, True, b, b // 2)
        rng.shuffle(parts)
        merged = HostSample(cap=40)
        for p in parts:
            merged.merge(p)
        results.append(merged.to_json())
    assert results[0] == results[1] == results[2]
    got = results[0]
    assert len(got["hosts"]) <= 40 and got["level"] > 0
    kept_truth = {h: v for h, v in truth.items() if host_level(h) >= got["level"]}
    assert {h: r["bytes_in"] for h, r in got["hosts"].items()} == kept_truth
    assert 250 < got["distinct_estimate"] < 1000  # 500 distinct hosts


def test_print_stats_shows_the_tables(tmp_path: Path) -> None:
    out = build_out(tmp_path)
    buf = io.StringIO()
    print_stats(out, Console(file=buf, width=140, color_system=None))
    text = buf.getvalue()
    for needle in ("Overview", "near_duplicate", "gopher_quality:min_words", "boilerplate", "repeated",
                   "venturebeat.com", "bad_json", "n_words", "Languages"):  # fmt: skip
        assert needle in text, needle
    assert load_stats(out)["docs"]["errors"] == 2


def test_main_stats_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = build_out(tmp_path)
    assert main_stats([str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["schema"] == "sia.stats/1"
    with pytest.raises(SystemExit) as e:
        main_stats(["--help"])
    assert e.value.code == 0
    assert main_stats([str(tmp_path / "missing")]) == 2
