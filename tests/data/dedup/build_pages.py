"""Build pages.jsonl.gz: plain text of the HTML pages of hosts with several pages in real crawls.

Run once from the repo root: `.venv/bin/python tests/data/dedup/build_pages.py`. Needs
/work/shared/data/crawl (see README.md here for origin and licence).
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from fastwarc.warc import ArchiveIterator, WarcRecordType
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding

CRAWL = Path("/work/shared/data/crawl")
FILES = ["aut/example.warc.gz", "dolma/sample-0000.warc.gz", "dolma/sample-0001.warc.gz"]
OUT = Path(__file__).with_name("pages.jsonl.gz")


def read_pages(fh, name: str) -> list[dict]:
    out = []
    for rec in ArchiveIterator(fh, record_types=WarcRecordType.response):
        ctype = rec.http_headers.get("Content-Type", "") if rec.http_headers else ""
        if "html" not in ctype.lower():
            continue
        url = rec.headers.get("WARC-Target-URI", "").strip("<>")
        body = rec.reader.read()
        html = bytes_to_str(body, detect_encoding(body))
        text = extract_plain_text(html, main_content=False)
        if len(text.strip()) >= 50:
            out.append({"id": rec.record_id, "url": url, "source": name, "text": text})
    return out


def main() -> None:
    pages = []
    for name in FILES:
        with open(CRAWL / name, "rb") as fh:
            pages.extend(read_pages(fh, name))
    hosts = Counter(urlsplit(p["url"]).hostname for p in pages)
    pages = [p for p in pages if hosts[urlsplit(p["url"]).hostname] >= 2]
    with gzip.open(OUT, "wt", encoding="utf-8") as f:
        for p in pages:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(len(pages), "pages", Counter(urlsplit(p["url"]).hostname for p in pages).most_common(12))


if __name__ == "__main__":
    main()
