"""Train sia's tier-2 Nordic language model (reproducible, deterministic).

    .venv/bin/python bench/langid_train.py          # writes src/sia/label/data/langid_nordic.npz
    .venv/bin/python bench/langid_train.py --tune   # grid on an internal split of the train half

Data: the train half of /work/shared/data/langid/lingua_sentences_dev.tsv.xz (split by sentence
hash, see bench/langid_data.py); the held-out half is never read here. Classes: the Nordic group
the model decides among (is, nb, nn, da, sv; the set has no Faroese) plus de and en, so the model
can answer "not Nordic" for German/English text fastText was unsure about.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import xxhash

sys.path.insert(0, str(Path(__file__).parent))
from langid_data import load, split  # noqa: E402
from sia.label.langid import NB_PATH, CharNgramNB, ngram_buckets  # noqa: E402

CLASSES = ["is", "nb", "nn", "da", "sv", "de", "en"]
NMAX, BITS, ALPHA = 5, 18, 0.03  # chosen with --tune


def counts(rows: list[tuple[str, str]], nmax: int, bits: int) -> np.ndarray:
    c = np.zeros((len(CLASSES), 1 << bits), dtype=np.int64)
    for lang, text in rows:
        np.add.at(c[CLASSES.index(lang)], ngram_buckets(text, nmax, bits), 1)
    return c


def tune(train: list[tuple[str, str]]) -> None:
    """Grid on an internal split of the train half: model settings, then tier-2 trigger thresholds."""
    import sia.label.langid as lid

    half = [xxhash.xxh32_intdigest(t.encode()) % 2 for _, t in train]
    a = [r for r, h in zip(train, half) if h == 0]
    b = [r for r, h in zip(train, half) if h == 1]
    merge = {"nn": "nb"}
    for bits in (16, 18, 20):
        for nmax in (3, 4, 5):
            c = counts(a, nmax, bits)
            for alpha in (0.01, 0.03, 0.3):
                m = CharNgramNB.from_counts(CLASSES, c, nmax, bits, alpha)
                ok = [merge.get(m.predict(t)[0], m.predict(t)[0]) == merge.get(lang, lang) for lang, t in b]
                print(f"NB alone bits={bits} nmax={nmax} alpha={alpha}: {np.mean(ok):.4f}")
    model = CharNgramNB.from_counts(CLASSES, counts(a, NMAX, BITS), NMAX, BITS, ALPHA)
    lid._nordic = lambda: model  # the half-A model, for this process only
    six = {"nn": "no", "nb": "no"}
    for nordic_max, unsure, split_nbnn in [
        *((m, u, False) for m in (0.5, 0.7, 0.9, 1.01) for u in (0.0, 0.5)),
        (0.7, 0.5, True),
    ]:
        lid.NORDIC_MAX_P, lid.UNSURE_P, lid.NB_NN_SPLIT = nordic_max, unsure, split_nbnn
        det = lid.Detector("sia")
        acc: dict[str, list[bool]] = {}
        for lang, t in b:
            pred = det.classify(t)[0]
            acc.setdefault(six.get(lang, lang), []).append(six.get(pred, pred) == six.get(lang, lang))
            if lang in ("nb", "nn"):
                acc.setdefault("_" + lang, []).append(pred == lang)
        per = {k: float(np.mean(v)) for k, v in acc.items()}
        macro = np.mean([v for k, v in per.items() if not k.startswith("_")])
        print(
            f"two-tier NORDIC_MAX_P={nordic_max} UNSURE_P={unsure} NB_NN_SPLIT={split_nbnn}: "
            f"macro-6 {macro:.4f} is {per['is']:.3f} nb {per['_nb']:.3f} nn {per['_nn']:.3f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--out", type=Path, default=NB_PATH)
    args = ap.parse_args()
    train, _ = split(load())
    if args.tune:
        tune([r for r in train if r[0] in CLASSES])
        return
    train = [r for r in train if r[0] in CLASSES]
    c = counts(train, NMAX, BITS)
    if c.max() >= 1 << 16:
        raise SystemExit("counts overflow uint16")
    tmp = args.out.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp, classes=np.array(CLASSES), counts=c.astype(np.uint16), nmax=NMAX, bits=BITS, alpha=ALPHA
    )
    tmp.replace(args.out)
    per = {k: sum(1 for lang, _ in train if lang == k) for k in CLASSES}
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) from {per}")


if __name__ == "__main__":
    main()
