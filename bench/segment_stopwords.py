"""Derive stop-word lists for languages jusText has none for, from lingua's dev sentences.

A stop word here is one of the `TOP` most frequent words (sia's word rule: per character for
scripts written without spaces) that occurs in at least 3 % of a language's sentences. Written to
src/sia/text/data/stopwords/<lang>.txt with a header line naming the origin; jusText's lists are
never overwritten.

    .venv/bin/python bench/segment_stopwords.py
"""

from __future__ import annotations

import lzma
from collections import Counter
from pathlib import Path

from sia.text.words import split_words

SRC = Path("/work/shared/data/langid/lingua_sentences_dev.tsv.xz")
OUT = Path(__file__).parents[1] / "src" / "sia" / "text" / "data" / "stopwords"
TOP = 100


def main() -> None:
    sents: dict[str, list[str]] = {}
    with lzma.open(SRC, "rt") as f:
        for line in f:
            lang, _, text = line.rstrip("\n").partition("\t")
            if len(lang) in (2, 3) and lang.isalpha() and lang.islower() and text:
                sents.setdefault(lang, []).append(text)
    for lang, ss in sorted(sents.items()):
        p = OUT / f"{lang}.txt"
        if p.exists() and not p.read_text(encoding="utf-8").startswith("# derived"):
            continue
        if len(ss) < 200:
            continue
        df: Counter = Counter()
        tf: Counter = Counter()
        for s in ss:
            w = [x.lower() for x in split_words(s) if not x.isdigit()]
            tf.update(w)
            df.update(set(w))
        words = [w for w, _ in tf.most_common() if df[w] >= 0.03 * len(ss)][:TOP]
        p.write_text(
            "# derived by bench/segment_stopwords.py from lingua dev sentences (Apache-2.0)\n"
            + "\n".join(words)
            + "\n",
            encoding="utf-8",
        )
        print(lang, len(words), " ".join(words[:12]))


if __name__ == "__main__":
    main()
