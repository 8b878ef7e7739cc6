"""Silver-labelled pages for the boilerplate model, from the HTML pages of the crawl samples.

For each HTML response in the WARC files of /work/shared/data/crawl (none of them is an evaluation
page: the scrapinghub pages and trafilatura's 400 are kept apart), the DOM path
(`sia.io.warc.html_to_text`: DOM pruning + resiliparse main content) gives the silver "gold" text
when it finds an article (main content of at least MIN_WORDS words, after `metadata` and
`repeats`). The page's all-visible-text view (`sia.repair.html.html_to_text`, block lines, and the
same flattened) is what the text model learns to clean. Pages whose silver text is nearly the whole
page (nothing to learn) are dropped too. Cached as /tmp/sia-bench-cache/silver_pages_<min words>_<max share>.pkl.

    .venv/bin/python bench/silver_pages.py      # builds the cache and prints a summary

153 HTML pages; 57 kept with the defaults (24 dolma, 7 Common Crawl, 26 archive.org of 2008), 103
with max_share > 1. Used by `bench/extraction_train.py --silver W`; it did not help (see there),
so the shipped model is gold-only.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from extraction_common import CACHE  # noqa: E402

CRAWL = Path("/work/shared/data/crawl")
FILES = [
    "dolma/sample-0000.warc.gz",
    "dolma/sample-0001.warc.gz",
    "resiliparse/warcfile.warc.gz",
    "resiliparse/clipped.warc.gz",
    "whirlwind/whirlwind.warc.gz",
    "aut/example.warc.gz",
    "aut/issue-493.warc",
]
MIN_WORDS = 80
MAX_SHARE = 0.9  # silver words / all-text words above this: the page is (almost) all article


def _html_responses(path: Path):
    """(uri, html) of the 2xx HTML responses; records FastWARC cannot read are skipped."""
    from fastwarc import ArchiveIterator, WarcRecordType

    from sia.io.warc import _body_to_str, dechunk, decode_content

    with open(path, "rb") as f:
        try:
            for rec in ArchiveIterator(
                f, record_types=WarcRecordType.response, parse_http=True, strict_mode=False
            ):
                if not rec.is_http or not 200 <= rec.http_headers.status_code < 300:
                    continue
                ctype = (rec.http_content_type or "").lower()
                if not ctype.startswith(("text/html", "application/xhtml+xml")):
                    continue
                body = rec.reader.read()
                try:
                    if "chunked" in (rec.http_headers.get("Transfer-Encoding") or "").lower():
                        body = dechunk(body)
                    body = decode_content(body, rec.http_headers.get("Content-Encoding") or "")
                except (ValueError, zlib.error, OSError):
                    continue
                if body.strip():
                    yield rec.headers.get("WARC-Target-URI"), _body_to_str(body, rec.http_charset)
        except Exception as e:  # a cut-off file: keep what was read
            print(f"{path.name}: stopped reading ({type(e).__name__}: {e})", file=sys.stderr)


def _prepared(text: str) -> str:
    from sia.record import Document
    from sia.repair.metadata import Metadata
    from sia.repair.repeats import Repeats

    d = Document(id="x", text=text)
    Metadata().process([d])
    Repeats().process([d])
    return d.clean_text


def build(min_words: int = MIN_WORDS, max_share: float = MAX_SHARE) -> list[dict]:
    from sia.io.warc import html_to_text as dom_text
    from sia.repair.html import html_to_text as all_text

    rows = []
    seen = set()
    stats = {"html": 0, "no_article": 0, "short": 0, "all_article": 0, "dup": 0}
    for name in FILES:
        for uri, html in _html_responses(CRAWL / name):
            stats["html"] += 1
            try:
                silver, _, is_main = dom_text(html)
                text = all_text(html)
            except Exception:
                continue
            if not is_main:
                stats["no_article"] += 1
                continue
            gold = _prepared(silver)
            nw = len(gold.split())
            if nw < min_words:
                stats["short"] += 1
                continue
            if nw > max_share * len(text.split()):
                stats["all_article"] += 1
                continue
            key = hashlib.sha1(text.encode()).hexdigest()
            if key in seen:
                stats["dup"] += 1
                continue
            seen.add(key)
            rows.append(
                {
                    "source": name,
                    "url": uri,
                    "text": text,
                    "flat": " ".join(text.split("\n")),
                    "gold_text": gold,
                }
            )
    print("silver pages:", len(rows), stats, file=sys.stderr)
    return rows


def load_silver(min_words: int = MIN_WORDS, max_share: float = MAX_SHARE) -> list[dict]:
    CACHE.mkdir(exist_ok=True)
    p = CACHE / f"silver_pages_{min_words}_{max_share:g}.pkl"
    if p.exists():
        return pickle.loads(p.read_bytes())
    rows = build(min_words, max_share)
    p.write_bytes(pickle.dumps(rows))
    return rows


if __name__ == "__main__":
    from collections import Counter

    rows = load_silver()
    print(len(rows), "pages;", dict(Counter(r["source"] for r in rows)))
    for r in rows:
        print(f"{len(r['gold_text'].split()):6d} / {len(r['text'].split()):6d}  {r['url']}")
