"""host_templates on real pages of one site (archive.org 2008 crawl) and small sites (dolma)."""

import gzip
import json
from collections import Counter
from pathlib import Path

from sia.record import Document
from sia.repair.host_templates import HostTemplates, host_of
from sia.run.inline import run_inline

DATA = Path(__file__).parent / "data" / "dedup"


def pages() -> list[Document]:
    with gzip.open(DATA / "pages.jsonl.gz", "rt", encoding="utf-8") as f:
        return [
            Document(id=p["id"], text=p["text"], url=p["url"], source=p["source"]) for p in map(json.loads, f)
        ]


def run(docs, n_shards=1, **params):
    k = -(-len(docs) // n_shards)
    out = run_inline(
        [HostTemplates(partitions=4, **params)], [docs[i : i + k] for i in range(0, len(docs), k)]
    )
    return [d for s in out for d in s]


def test_site_menu_removed_page_content_kept():
    out = {d.url: d for d in run(pages())}
    archive = [d for u, d in out.items() if host_of(u) == "archive.org"]
    assert len(archive) == 126
    menu = "Web | Moving Images | Texts | Audio | Software | Education | Patron Info | About IA"
    with_menu = [d for d in archive if menu in d.text]
    assert len(with_menu) > 100
    assert all(menu not in d.clean_text for d in with_menu)
    assert all(any(s.reason == "template" for s in d.removed) for d in with_menu)
    # what is particular to a page stays: the item's own description and reviews
    page = out["http://www.archive.org/details/DrinkingWithBob-MadonnaAdoptsAfricanBaby887"]
    assert "Madonna adopts African baby." in page.clean_text
    assert "Reviewer: _sprout" in page.clean_text
    # template removal is a small part of the site's text, not the content
    removed = sum(d.removed_chars for d in archive) / sum(len(d.text) for d in archive)
    assert 0.01 < removed < 0.3


def test_small_hosts_and_pages_without_url_untouched():
    docs = pages()
    for d in docs[:5]:
        d.url = None
    out = run(docs)
    assert all(not d.removed for d in out[:5])
    counts = Counter(host_of(d.url) for d in out)
    small = [d for d in out if d.url and counts[host_of(d.url)] < 5]
    assert small and all(not d.removed for d in small)  # fewer than min_docs = 5 pages each
    mid = [d for d in out if d.url and 5 <= counts[host_of(d.url)] < 100]
    assert mid and any(d.removed for d in mid)  # maria-antoniak.github.io ×6, commoncrawl.org ×5
    lowered = run(pages(), min_docs=3, min_count=3)
    assert any(d.removed for d in lowered if host_of(d.url) == "allenai.org")


def test_same_result_for_any_shard_count():
    a = [(d.id, d.clean_text) for d in run(pages(), 1)]
    assert (
        a
        == [(d.id, d.clean_text) for d in run(pages(), 3)]
        == [(d.id, d.clean_text) for d in run(pages(), 7)]
    )
