"""`sia dedup` on cleaned records, and a second batch against a persistent index."""

import orjson

from conftest import EXAMPLES
from sia.io.writers import read_records


def test_dedup_command_with_an_index_names_the_earlier_document(tmp_path, sia_cli):
    clean = tmp_path / "clean"
    sia_cli(
        "clean",
        EXAMPLES / "pages" / "pages-0.jsonl.zst",
        "-o",
        clean,
        "--format",
        "jsonl",
        "-q",
        "--no-report",
        "--no-dedup",
        "--workers",
        "1",
        check=True,
    )
    kept = read_records(clean / "kept" / "part-00000.jsonl")
    assert len(kept) > 40
    idx = tmp_path / "index"
    first = tmp_path / "d1"
    sia_cli(
        "dedup",
        clean / "kept",
        "-o",
        first,
        "--index",
        idx,
        "--format",
        "jsonl",
        "-q",
        "--no-report",
        "--workers",
        "1",
        check=True,
    )
    kept1 = read_records(first / "kept" / "part-00000.jsonl")
    assert {r["id"] for r in kept1} <= {r["id"] for r in kept}
    # a later batch: the same articles re-crawled under new ids, one with a light edit
    batch2 = tmp_path / "batch2.jsonl"
    with open(batch2, "wb") as f:
        for r in kept1[:10]:
            r2 = dict(r, id=r["id"] + "-recrawl", source="crawl-2")
            f.write(orjson.dumps(r2) + b"\n")
    second = tmp_path / "d2"
    sia_cli(
        "dedup",
        batch2,
        "-o",
        second,
        "--index",
        idx,
        "--format",
        "jsonl",
        "-q",
        "--no-report",
        "--workers",
        "1",
        check=True,
    )
    rejected = read_records(second / "rejected" / "part-00000.jsonl")
    assert len(rejected) == 10
    for r in rejected:
        assert r["decision"] in ("exact_duplicate", "near_duplicate")
        assert r["dup"]["of"] == r["id"].removesuffix("-recrawl")
        assert r["dup"]["of_source"]
