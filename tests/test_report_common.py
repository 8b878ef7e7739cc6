"""Build run output folders like the executor writes them, and check they read back alike.

Other report/inspect/stats tests import `build_out` from here.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from sia.io.writers import PARQUET_SCHEMA  # noqa: F401  (the schema the executor writes)
from sia.record import Document, Span
from sia.report.parts import iter_errors, iter_records, read_run
from sia.report.stats import StatsAccumulator, write_stats

DATA = Path(__file__).parent / "data" / "report"
FORMATS = ("jsonl", "jsonl.zst", "parquet")
THRESHOLDS = {"n_words": 50, "mean_word_length": 3.0, "frac_upper_chars": 0.2}
ERRORS = [
    {"file": "in/crawl-0.jsonl", "record": 17, "reason": "bad_json", "message": "Expecting ',' delimiter"},
    {"file": "in/crawl-1.warc.gz", "record": 3, "reason": "decode", "message": "invalid start byte"},
]
EVIL = '<script>alert("pwned")</script><img src=x onerror="alert(1)">'


def fixture_docs() -> list[Document]:
    """The real documents of docs.jsonl plus one hostile page (markup in text, title, URL)."""
    docs = [Document.from_record(json.loads(line)) for line in (DATA / "docs.jsonl").open(encoding="utf-8")]
    body = (
        f"Injected heading {EVIL}\nA normal paragraph that stays in the output. "
        f"It mentions a tag </div></span> and ends here.\nFooter {EVIL} copyright line\n"
    )
    evil = Document(
        id="evil-1",
        text=body,
        url='https://evil.example.org/"><script>alert(2)</script>',
        source="synthetic",
        lang="en",
        lang_score=0.99,
        title=f"Title {EVIL}",
        authors=[f"Mallory {EVIL}"],
        signals={"n_words": 30.0, "mean_word_length": 4.2, "frac_upper_chars": 0.05},
    )
    first_nl = body.index("\n") + 1
    footer = body.index("Footer")
    evil.remove_many([Span(0, first_nl, "boilerplate"), Span(footer, len(body), "boilerplate")])
    docs.append(evil)
    return docs


def _parquet_row(rec: dict) -> dict:
    row = dict(rec)
    for k in ("metadata", "signals", "dup", "extras"):
        row[k] = json.dumps(rec[k], ensure_ascii=False) if rec[k] is not None else None
    row["removed"] = [{"repl": None, **s} for s in rec["removed"]]
    row.setdefault("input_text", None)
    return row


def write_part(path: Path, records: list[dict], fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        table = pa.Table.from_pylist([_parquet_row(r) for r in records], schema=PARQUET_SCHEMA)
        pq.write_table(table, path)
        return
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    if fmt == "jsonl.zst":
        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)


def build_out(
    root: Path,
    fmt: str = "jsonl",
    *,
    input_text: bool = True,
    n_parts: int = 2,
    docs: list[Document] | None = None,
) -> Path:
    """A complete output folder under `root` as the executor writes it."""
    docs = fixture_docs() if docs is None else docs
    out = Path(root)
    stats = StatsAccumulator()
    parts: dict[tuple[str, int], list[dict]] = {}
    for i, d in enumerate(docs):
        size = len(d.text.encode("utf-8"))
        stats.add_input(size)
        stats.add_doc(d, size)
        which = "kept" if d.kept else "rejected"
        parts.setdefault((which, i % n_parts), []).append(d.to_record(input_text=input_text))
    for (which, k), recs in sorted(parts.items()):
        write_part(out / which / f"part-{k:05d}.{fmt}", recs, fmt)
    err_lines = io.StringIO()
    for e in ERRORS:
        stats.add_input(100)
        stats.add_error(e["file"], e["record"], e["reason"])
        err_lines.write(json.dumps(e) + "\n")
    (out / "errors").mkdir(parents=True, exist_ok=True)
    (out / "errors" / "part-00000.jsonl").write_text(err_lines.getvalue(), encoding="utf-8")
    for stage, sec in (("normalize", 0.2), ("boilerplate", 1.5), ("quality", 0.4)):
        stats.add_stage_time(stage, sec, len(docs))
    write_stats(stats, out / "stats.json")
    run = {
        "config": {"format": fmt},
        "versions": {"sia": "test"},
        "inputs": ["in/"],
        "thresholds": THRESHOLDS,
    }
    (out / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_back_as_the_records_written(tmp_path: Path, fmt: str) -> None:
    docs = fixture_docs()
    out = build_out(tmp_path, fmt)
    got = {r["id"]: r for r in iter_records(out)}
    assert set(got) == {d.id for d in docs}
    for d in docs:
        assert got[d.id] == json.loads(json.dumps(d.to_record()))
        back = Document.from_record(got[d.id])
        assert back.clean_text == d.clean_text and back.removed == d.removed
    assert [e["reason"] for e in iter_errors(out)] == ["bad_json", "decode"]
    assert read_run(out)["thresholds"] == THRESHOLDS


def test_records_without_input_text_read_back_with_cleaned_text(tmp_path: Path) -> None:
    out = build_out(tmp_path, "parquet", input_text=False)
    recs = {r["id"]: r for r in iter_records(out)}
    assert "input_text" not in recs["seed-000"]
    assert recs["seed-000"]["text"].startswith("Vladimír Pútín Rússlandsforseti")


def test_index_then_fetch_returns_the_chosen_full_records_across_row_groups(tmp_path: Path) -> None:
    from sia.report.parts import fetch, iter_index

    docs = fixture_docs()
    recs = [d.to_record() for d in docs]
    table = pa.Table.from_pylist([_parquet_row(r) for r in recs], schema=PARQUET_SCHEMA)
    (tmp_path / "kept").mkdir()
    pq.write_table(table, tmp_path / "kept" / "part-00000.parquet", row_group_size=3)
    write_part(tmp_path / "kept" / "part-00001.jsonl", recs[:2], "jsonl")
    index = list(iter_index(tmp_path))
    assert [light["id"] for light, _ in index] == [r["id"] for r in recs] + [r["id"] for r in recs[:2]]
    light = dict(index[0][0])
    assert light["removed"] == [{"reason": r} for r in ("boilerplate", "metadata", "repeated")]
    pick = [index[i][1] for i in (10, 4, 0, 7, 12)]
    got = fetch(pick)
    assert [g["id"] for g in got] == [recs[i]["id"] for i in (10, 4, 0, 7)] + [recs[1]["id"]]
    assert got[2] == json.loads(json.dumps(recs[0]))
