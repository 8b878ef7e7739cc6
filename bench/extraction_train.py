"""Fit the boilerplate model (src/sia/repair/data/boilerplate_model.json) on the dev split.

Pages: scrapinghub article-extraction-benchmark, even indices (odd ones are held out for
bench/extraction_eval.py). Each page is used twice, as resiliparse block lines and flattened onto
one line, after the `metadata` and `repeats` stages (what `boilerplate` sees in the pipeline).
A segment's label is 1 when at least half of its word 3-grams occur in the human gold text;
samples are weighted by word count, since the score counts words. Two small L2-regularised
one-hidden-layer networks (8 units, numpy, Adam): pass 1 on the segment's features, pass 2 adding its neighbours'
pass-1 probabilities. The thresholds (a high one that keeps a unit, a low one that keeps units
joined to a kept one: `boilerplate.keep_mask`) are the pair with the best mean dev F1 whose mean
recall stays >= RECALL_FLOOR (0.96) on both views.

    .venv/bin/python bench/extraction_train.py     # the shipped model (gold only)

Experiment, not shipped: `--silver W` adds the silver-labelled crawl pages of
bench/silver_pages.py (their units labelled as above against the DOM path's article text), with
sample weights W x words, a page counting at most `--silver-cap` words; `--silver-max-share` and
`--silver-exclude` choose the pages; `--out` writes the model elsewhere. The thresholds are still
chosen on the gold dev pages. Held-out F1 (lines / flat) and text-path F on trafilatura's 400
pages (lines / flat), against gold only 0.875 / 0.821 and 0.837 / 0.781:

    --silver 0.2                                         0.870 / 0.824   0.837 / 0.785
    --silver 0.3                                         0.866 / 0.821   0.838 / 0.785
    --silver 0.5                                         0.866 / 0.823   0.837 / 0.782
    --silver 1.0                                         0.864 / 0.819   0.835 / 0.784
    --silver 0.5 --silver-cap 5000                       0.865 / 0.817   0.835 / 0.783
    --silver 0.5 --silver-max-share 1.01   (103 pages)   0.862 / 0.806   0.837 / 0.778
    --silver 1.0 --silver-max-share 1.01 --silver-cap 5000
                                                         0.857 / 0.808   0.830 / 0.770
    --silver 0.3 --silver-exclude aut/     (31 pages)    0.867 / 0.816   0.836 / 0.778
    --silver 0.5 --silver-exclude aut/                   0.876 / 0.812   0.838 / 0.784
    --silver 1.0 --silver-exclude aut/                   0.865 / 0.809   0.830 / 0.776
    SIA_HIDDEN=16 --silver 0.5 --silver-max-share 1.01   0.858 / 0.815   0.834 / 0.780

None gains the +0.01 F asked for on the 400 pages; silver costs held-out precision.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
from extraction_common import is_dev, load_pages, prf  # noqa: E402
from sia.record import Document  # noqa: E402
from sia.repair import boilerplate as bp  # noqa: E402
from sia.repair.features import context_features, page_units  # noqa: E402
from sia.repair.langdata import doc_lang  # noqa: E402
from sia.repair.metadata import Metadata  # noqa: E402
from sia.repair.repeats import Repeats  # noqa: E402
from sia.text.words import split_words  # noqa: E402


def prepared(text: str) -> tuple[str, str | None]:
    d = Document(id="x", text=text)
    Metadata().process([d])
    Repeats().process([d])
    clean = d.clean_text
    return clean, doc_lang(None, clean)


def labels(pu, gold: str) -> np.ndarray:
    g = [w.lower() for w in split_words(gold)]
    g3 = {tuple(g[i : i + 3]) for i in range(len(g) - 2)}
    gset = set(g)
    y = np.zeros(len(pu.units))
    for i, u in enumerate(pu.units):
        w = [x.lower() for x in split_words(pu.text[u.start : u.end])]
        if len(w) >= 3:
            tri = [tuple(w[j : j + 3]) for j in range(len(w) - 2)]
            y[i] = float(sum(t in g3 for t in tri) / len(tri) >= 0.5)
        elif w:
            y[i] = float(all(x in gset for x in w) and " ".join(w) in " ".join(g))
    return y


def fit_logistic(X: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1.0, iters: int = 30) -> np.ndarray:
    beta = np.zeros(X.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(X @ beta, -30, 30)))
        g = X.T @ (w * (p - y)) + l2 * beta
        H = (X * (w * p * (1 - p))[:, None]).T @ X + l2 * np.eye(X.shape[1])
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return beta


def fit_mlp(
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    hidden: int = 16,
    epochs: int = 400,
    l2: float = 1e-4,
    seed: int = 0,
) -> dict:
    """One hidden layer, weighted cross-entropy, full-batch Adam; deterministic (fixed seed)."""
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    P = {
        "W": rng.normal(0, np.sqrt(2 / d), (d, hidden)),
        "b": np.zeros(hidden),
        "v": rng.normal(0, np.sqrt(1 / hidden), hidden),
        "c": np.zeros(()),
    }
    m = {k: np.zeros_like(v) for k, v in P.items()}
    s2 = {k: np.zeros_like(v) for k, v in P.items()}
    wn = w / w.sum()
    lr, b1, b2 = 0.01, 0.9, 0.999
    for t in range(1, epochs + 1):
        pre = X @ P["W"] + P["b"]
        h = np.maximum(pre, 0)
        z = h @ P["v"] + P["c"]
        p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
        gz = wn * (p - y)
        g = {"v": h.T @ gz + l2 * P["v"], "c": gz.sum()}
        gh = np.outer(gz, P["v"]) * (pre > 0)
        g["W"] = X.T @ gh + l2 * P["W"]
        g["b"] = gh.sum(0)
        for k in P:
            m[k] = b1 * m[k] + (1 - b1) * g[k]
            s2[k] = b2 * s2[k] + (1 - b2) * g[k] ** 2
            P[k] = P[k] - lr * (m[k] / (1 - b1**t)) / (np.sqrt(s2[k] / (1 - b2**t)) + 1e-8)
    return P


def kept_text(pu, keep: np.ndarray) -> str:
    return "\n".join(pu.text[u.start : u.end] for u, k in zip(pu.units, keep.tolist()) if k)


def stage_keep(pu, p: np.ndarray, high: float, low: float, lang: str | None) -> np.ndarray:
    """What the stage keeps: the hysteresis, then no comment section."""
    (keep,) = bp.batch_keep([pu], [p], high, low)
    head = bp.comment_section_start(pu, keep, lang)
    if head is not None:
        keep[head:] = False
    return keep


# dev recall floor for the thresholds: the goal (0.95) plus a margin for unseen pages
RECALL_FLOOR = float(os.environ.get("SIA_RECALL_FLOOR", "0.96"))


def page_samples(rows: list[dict], first: int = 0) -> list[tuple]:
    """(view, page index, PageUnits, y, gold, lang) for both views of each page."""
    out = []
    for i, r in enumerate(rows, first):
        for view in ("text", "flat"):
            clean, lang = prepared(r[view])
            pu = page_units(clean, lang)
            out.append((view, i, pu, labels(pu, r["gold_text"]), r["gold_text"], lang))
    return out


def parse_args(argv: list[str] | None = None):
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--silver",
        type=float,
        default=0.0,
        help="weight of silver-labelled pages (bench/silver_pages.py) relative to gold; 0: gold only",
    )
    ap.add_argument(
        "--silver-cap",
        type=float,
        default=2000.0,
        help="a silver page counts at most this many words (its unit weights are scaled down)",
    )
    ap.add_argument(
        "--silver-max-share",
        type=float,
        default=0.9,
        help="drop silver pages whose article holds more than this share of the page's words",
    )
    ap.add_argument(
        "--silver-exclude",
        default="",
        help="comma-separated WARC paths (under the crawl folder) whose pages are left out, e.g. aut/",
    )
    ap.add_argument("--out", default=None, help="write the model here instead of the package data")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    pages = load_pages()
    samples = page_samples(pages)
    dev = [s for s in samples if is_dev(s[1])]
    train = list(dev)
    weights = [np.maximum(s[2].words, 1).astype(float) for s in dev]
    if args.silver > 0:
        from silver_pages import load_silver

        skip = tuple(x for x in args.silver_exclude.split(",") if x)
        rows = [
            r
            for r in load_silver(max_share=args.silver_max_share)
            if not (skip and r["source"].startswith(skip))
        ]
        silver = page_samples(rows, first=len(pages))
        for s in silver:
            ws = np.maximum(s[2].words, 1).astype(float)
            ws *= args.silver * min(1.0, args.silver_cap / ws.sum())
            train.append(s)
            weights.append(ws)
        print(f"silver: {len(silver) // 2} pages, weight {args.silver}, cap {args.silver_cap:g} words")
    X = np.concatenate([s[2].X for s in train])
    y = np.concatenate([s[3] for s in train])
    w = np.concatenate(weights)
    mu = X.mean(0)
    sd = X.std(0) + 1e-6
    mu[0], sd[0] = 0.0, 1.0
    Z = (X - mu) / sd
    H = int(os.environ.get("SIA_HIDDEN", "8"))
    L2 = float(os.environ.get("SIA_L2", "1e-2"))
    w1 = fit_mlp(Z, y, w, hidden=H, l2=L2)
    Z2s = []
    for s in train:
        Zs = (s[2].X - mu) / sd
        Zs[:, 0] = 1.0
        p1 = 1 / (1 + np.exp(-np.clip(bp.apply_net(w1, Zs), -30, 30)))
        Z2s.append(np.concatenate([Zs, context_features(p1, s[2].words)], axis=1))
    w2 = fit_mlp(np.concatenate(Z2s), y, w, hidden=H, l2=L2, seed=1)
    model = bp.Model(mu, sd, w1, w2, 0.5, 0.5)
    # thresholds (high, low of the hysteresis): best mean dev F1 with mean recall >= RECALL_FLOOR
    # on both views
    probs = [(s, model.predict(s[2], 20)) for s in dev]  # the stage's default rules
    grid = [(h, lo) for h in np.arange(0.1, 0.61, 0.05) for lo in np.arange(0.04, 0.21, 0.02) if lo <= h]
    best = (0.0, 0.5, 0.5)
    fallback = (0.0, 0.5, 0.5)
    for h, lo in grid:
        res = {"text": [], "flat": []}
        for s, p in probs:
            res[s[0]].append(prf(kept_text(s[2], stage_keep(s[2], p, h, lo, s[5])), s[4]))
        f = np.mean([np.mean([x[2] for x in v]) for v in res.values()])
        r = min(np.mean([x[1] for x in v]) for v in res.values())
        per = " ".join(
            f"{k}: P={np.mean([x[0] for x in v]):.3f} R={np.mean([x[1] for x in v]):.3f} F={np.mean([x[2] for x in v]):.3f}"
            for k, v in res.items()
        )
        print(f"high={h:.2f} low={lo:.2f} F1={f:.4f} minR={r:.4f}  {per}")
        if r >= RECALL_FLOOR and f > best[0]:
            best = (f, float(h), float(lo))
        fallback = max(fallback, (f, float(h), float(lo)))
    if best[0] == 0.0:  # recall floor unreachable on dev: take the best F1 outright
        best = fallback
    model = bp.Model(mu, sd, w1, w2, round(best[1], 3), round(best[2], 3))
    out = args.out or str(bp.MODEL_PATH)
    __import__("pathlib").Path(out).parent.mkdir(exist_ok=True)
    with open(out, "w") as f:
        json.dump(model.to_json(), f, indent=1)
    print("threshold", best)


if __name__ == "__main__":
    main()
