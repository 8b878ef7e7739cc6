"""Readers on real crawl files and on every kind of bad input the issue names."""

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
import zstandard

from sia.io.errors import InputError, ReadError
from sia.io.paths import detect_format, expand_inputs
from sia.io.readers import ReadOptions, read_file
from sia.record import Document

DATA = Path(__file__).parent / "data" / "io"
CRAWL = DATA / "crawl"


def read(path, fmt=None, **opts):
    fmt = fmt or detect_format(str(path))
    docs, errs = [], []
    for item in read_file(str(path), fmt, ReadOptions(**opts)):
        (errs if isinstance(item, ReadError) else docs).append(item)
    return docs, errs


def reasons(errs):
    return sorted({e.reason for e in errs})


def test_jsonl_bad_lines_are_reported_by_line_and_the_rest_is_read(tmp_path):
    p = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Fyrsta skjalið er hér."}).encode(),
        b'{"id": "b", "text": "no closing brace"',
        json.dumps({"id": "c", "body": "wrong field"}).encode(),
        json.dumps({"id": "d", "text": 42}).encode(),
        '{"id": "e", "text": "bad \xff byte"}'.encode("latin-1"),
        json.dumps({"id": "f", "text": "nul\u0000 inside"}).encode(),
        json.dumps(
            {"id": "g", "text": "Síðasta skjalið.", "url": "https://example.is/x", "extra": [1]}
        ).encode(),
    ]
    p.write_bytes(b"\n".join(lines) + b"\n")
    docs, errs = read(p)
    assert [d.id for d in docs] == ["a", "e", "f", "g"]
    by = {(e.record, e.reason) for e in errs}
    assert ("line 2", "malformed_json") in by
    assert ("line 3", "missing_text") in by
    assert ("line 4", "text_not_string") in by
    assert ("line 5", "invalid_utf8") in by
    assert ("line 6", "nul_bytes") in by
    assert all(str(p) in str(e) for e in errs)
    assert docs[1].text == "bad \ufffd byte"
    assert docs[2].text == "nul inside"
    assert docs[3].url == "https://example.is/x" and docs[3].metadata == {"extra": [1]}


def test_empty_and_truncated_compressed_files(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert reasons(read(empty)[1]) == ["empty_file"]
    rows = b"".join(
        json.dumps({"id": i, "text": f"skjal númer {i} " * 20}).encode() + b"\n" for i in range(3000)
    )
    for name, blob in (
        ("cut.jsonl.gz", gzip.compress(rows)),
        ("cut.jsonl.zst", zstandard.ZstdCompressor().compress(rows)),
    ):
        p = tmp_path / name
        p.write_bytes(blob[: len(blob) // 2])
        docs, errs = read(p)
        assert 0 < len(docs) < 3000, name
        assert reasons(errs) == ["truncated"], name
        assert errs[0].record.startswith("after line"), name
        whole = tmp_path / ("whole-" + name)
        whole.write_bytes(blob)
        docs, errs = read(whole)
        assert len(docs) == 3000 and errs == []


def test_a_50_mb_one_line_document_is_reported_not_loaded_into_the_output(tmp_path):
    p = tmp_path / "huge.jsonl"
    big = "orð " * (13 * 1024 * 1024)  # ~52 MB
    p.write_text(
        json.dumps({"id": "big", "text": big})
        + "\n"
        + json.dumps({"id": "ok", "text": "Lítið skjal."})
        + "\n"
    )
    docs, errs = read(p)
    assert [d.id for d in docs] == ["ok"]
    assert reasons(errs) == ["too_long"] and errs[0].record == "line 1"


def test_txt_whole_file_and_lines(tmp_path):
    docs, errs = read(DATA / "seed.txt")
    assert len(docs) == 1 and docs[0].id == "seed.txt" and errs == []
    docs, _ = read(DATA / "seed.txt", txt_lines=True)
    assert [d.id for d in docs] == ["seed.txt:1", "seed.txt:2", "seed.txt:3"]


def test_parquet_round_trip(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"doc_id": ["x", "y"], "content": ["Halló heimur.", "Annað skjal."]}), p)
    docs, errs = read(p, text_field="content", id_field="doc_id")
    assert [(d.id, d.text) for d in docs] == [("x", "Halló heimur."), ("y", "Annað skjal.")]
    docs, errs = read(p)
    assert docs == [] and reasons(errs) == ["missing_text"]


def test_warc_truncated_last_member_is_detected():
    docs, errs = read(CRAWL / "clipped.warc.gz")
    assert docs == []
    assert reasons(errs) == ["truncated"]
    assert "75,207" in errs[0].message or "74,970" in errs[0].message


def test_warc_gzip_content_encoding_revisits_and_status():
    docs, errs = read(CRAWL / "issue-493.warc")
    assert {d.url for d in docs} >= {"https://auer.netzliteratur.net/wendelin/wend3.htm"}
    assert all("\x1f\x8b" not in d.text for d in docs)
    assert any("melodie" in d.text for d in docs)
    r = reasons(errs)
    assert "revisit" in r and "http_status" in r


def test_warc_chunked_bodies_and_angle_bracket_uris():
    docs, errs = read(CRAWL / "sample-0001.warc.gz")
    assert len(docs) == 15
    assert all(d.url.startswith("http") and not d.url.startswith("<") for d in docs)
    # de-chunked: no page text starts with a raw chunk-size line such as "7d72"
    assert not any(re.match(r"[0-9a-f]{2,6}\s*$", d.text.lstrip().splitlines()[0]) for d in docs)
    assert reasons(errs) == ["not_a_page"]


def test_warc_dns_records_and_old_version():
    docs, errs = read(CRAWL / "example.warc.gz")
    r = reasons(errs)
    assert "dns_record" in r and "not_html" in r
    assert sum(e.reason == "dns_record" for e in errs) == 38
    assert len(docs) > 80


def test_warc_broken_header_resyncs_and_reports(tmp_path):
    data = (CRAWL / "issue-493.warc").read_bytes()
    starts = [i for i in range(len(data)) if data.startswith(b"WARC/1.0\r\n", i)]
    j = data.index(b"Content-Length: ", starts[3]) + len(b"Content-Length: ")
    bad = data[:j] + b"xyz" + data[j + 3 :]
    p = tmp_path / "broken.warc"
    p.write_bytes(bad)
    docs, errs = read(p)
    good_docs, _ = read(CRAWL / "issue-493.warc")
    assert [d.id for d in docs] == [d.id for d in good_docs]
    broken = [e for e in errs if e.reason == "broken_record"]
    assert len(broken) == 1 and "offset" in broken[0].record


def test_wet_conversion_record():
    docs, errs = read(CRAWL / "whirlwind.warc.wet")
    assert len(docs) == 1 and errs == []
    assert docs[0].url == "https://an.wikipedia.org/wiki/Escopete"
    assert docs[0].metadata["warc_language"] == "spa"


def test_common_crawl_warc_charsets():
    docs, errs = read(CRAWL / "warcfile.warc.gz")
    assert len(docs) == 16 and errs == []
    # gb2312, gbk, iso-8859-1, windows-1251 pages decode without replacement characters
    assert sum("\ufffd" in d.text for d in docs) <= 1


def test_expand_inputs_directories_globs_and_errors(tmp_path):
    (tmp_path / "a").mkdir()
    shutil.copy(DATA / "seed.txt", tmp_path / "a" / "2.txt")
    shutil.copy(DATA / "seed.txt", tmp_path / "a" / "1.txt")
    (tmp_path / "a" / "notes.md").write_text("x")
    got = expand_inputs([str(tmp_path / "a")])
    assert [Path(p).name for p, _ in got] == ["1.txt", "2.txt"]
    assert expand_inputs([str(tmp_path / "a" / "*.txt")]) == got
    assert expand_inputs(["file://" + str(tmp_path / "a" / "1.txt")])[0][1] == "txt"
    with pytest.raises(InputError, match="no such file"):
        expand_inputs([str(tmp_path / "missing.jsonl")])
    with pytest.raises(InputError, match="matches no file"):
        expand_inputs([str(tmp_path / "*.parquet")])


def test_documents_are_documents():
    docs, _ = read(DATA / "seed.txt")
    assert isinstance(docs[0], Document) and docs[0].source.endswith("seed.txt")


def test_html_main_mode_marks_documents_for_the_repair_stages():
    from sia.repair.boilerplate import Boilerplate

    docs, _ = read(CRAWL / "sample-0001.warc.gz")  # default: main content
    full, _ = read(CRAWL / "sample-0001.warc.gz", html="text")
    assert [d.id for d in docs] == [d.id for d in full]  # no page lost
    main = [d for d in docs if d.extras.get("html") == "main"]
    assert len(main) >= 0.8 * len(docs)
    assert sum(len(d.text) for d in docs) < sum(len(d.text) for d in full)
    assert not any(d.extras.get("html") for d in full)
    out = Boilerplate().process(docs)
    # main content is left alone; pages where no article was found get the boilerplate model
    assert all(not d.removed for d in out if d.extras.get("html") == "main")


def test_html_main_falls_back_to_all_text_when_no_article_is_found():
    from sia.io.warc import MIN_MAIN_WORDS, html_to_text

    listing = (
        "<html><body><ul>"
        + "".join(f"<li><a href=/{i}>Item {i}</a></li>" for i in range(40))
        + "</ul></body></html>"
    )
    text, _, main = html_to_text(listing)
    assert not main and "Item 39" in text
    words = " ".join(["word"] * (MIN_MAIN_WORDS + 5))
    article = f"<html><head><title>T</title></head><body><article><p>{words}.</p></article></body></html>"
    text, title, main = html_to_text(article)
    assert main and title == "T" and text.startswith("word")
