"""Rebuild examples/pages.jsonl.zst from the shared evaluation data (run once; output is committed).

Pages: the first 300 pages of trafilatura's evaluation set (real HTML of news, blogs and shops in
many languages) turned into plain page text with resiliparse (all visible text, one block per
line), plus the 76 Icelandic UD-Modern treebank documents as plain texts.
"""

import json
import lzma
import sys
from pathlib import Path

import orjson
import zstandard

from sia.io.warc import html_to_text

SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
OUT = Path(__file__).resolve().parents[1] / "pages"
PARTS = 4


def main() -> None:
    rows = []
    with lzma.open(SHARED / "extraction/trafilatura_eval/items.jsonl.xz", "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if len(rows) >= 300:
                break
            item = json.loads(line)
            text, title = html_to_text(item["html"])
            if len(text.strip()) < 200:
                continue
            rows.append(
                {
                    "id": f"traf-{i:04d}",
                    "url": item["url"],
                    "text": text,
                    "lang_guess": item.get("lang_guess"),
                }
            )
    with lzma.open(
        SHARED / "icelandic/ud_icelandic_modern/sentences_by_doc.jsonl.xz", "rt", encoding="utf-8"
    ) as f:
        for line in f:
            doc = json.loads(line)
            sents = [s["text"] for s in doc["sentences"]]
            rows.append(
                {
                    "id": doc["doc_id"],
                    "url": None,
                    "text": " ".join(sents),
                    "source_corpus": "UD_Icelandic-Modern",
                }
            )
    OUT.mkdir(exist_ok=True)
    for k in range(PARTS):
        part = rows[k::PARTS]
        data = b"".join(orjson.dumps(r) + b"\n" for r in part)
        (OUT / f"pages-{k}.jsonl.zst").write_bytes(zstandard.ZstdCompressor(level=19).compress(data))
    print(f"{len(rows)} pages in {PARTS} files → {OUT}")


if __name__ == "__main__":
    main()
