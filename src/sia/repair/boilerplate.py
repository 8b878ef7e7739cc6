"""Stage `boilerplate`: cut what surrounds an article in plain page text (no HTML needed).

Each segment of the clean text (`sia.repair.features`) gets a probability of being article prose
from a two-pass model (each pass a one-hidden-layer network, 8 units, numpy only): pass 1 reads the segment's own signals (sentence punctuation,
stop-word density, capitalisation, marker phrases, its line, its place relative to the page's
densest prose run), pass 2 adds its neighbours' pass-1 probabilities, because page furniture
comes in runs (a headline list, a menu, a footer) and prose does too. Segments below
`threshold` are removed with reason `boilerplate`.

The weights (data/boilerplate_model.json) were fitted by bench/extraction_train.py on a dev split
of real pages (scrapinghub article-extraction-benchmark, HTML turned into text by resiliparse,
both with line breaks and flattened) and are evaluated on the held-out split in
bench/extraction_eval.py. The model never sees a site name, a URL or a word: only the features.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from itertools import repeat
from typing import ClassVar

import numpy as np

from sia.record import Document
from sia.repair.features import FEATURES, PageUnits, batch_units, context_features
from sia.repair.langdata import doc_langs, markers
from sia.repair.pagewords import PageWords, derive_words, prime
from sia.stage import register

MODEL_PATH = resources.files("sia.repair") / "data" / "boilerplate_model.json"


Net = dict[str, np.ndarray]  # one hidden layer: relu(Z @ W + b) @ v + c


def apply_net(net: Net, Z: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """Logit of each row of Z. Rows go in chunks: a larger product makes OpenBLAS start its
    threads, which costs several times the CPU time of the single-threaded small products."""
    out = np.empty(len(Z))
    for i in range(0, len(Z), chunk):
        h = np.maximum(Z[i : i + chunk] @ net["W"] + net["b"], 0.0)
        out[i : i + chunk] = h @ net["v"] + net["c"]
    return out


@dataclass(frozen=True)
class Model:
    mu: np.ndarray
    sd: np.ndarray
    w1: Net  # pass 1, over the standardised features
    w2: Net  # pass 2, over [standardised features, context features]
    threshold: float  # a unit at or above it is kept
    low: float  # ... and so is one at or above this joined to a kept unit by such units

    def predict(
        self, pu: PageUnits, max_fragment_run: int = 0, menu_run: int = 3, list_max_p: float = 0.1
    ) -> np.ndarray:
        """Probability that each unit is article text, then structural rules: outside the main
        prose run, `menu_run` or more consecutive short non-sentences (<= 4 words each: a menu)
        get 0; with `max_fragment_run` > 0, so does a run of non-sentences of at least that many
        words after the main run whose mean probability is below `list_max_p` (a headline list
        or tags: its first items may look like prose, the run as a whole does not; an article
        that is itself a list -- a calendar, a deals list -- scores higher and stays)."""
        return self.predict_many([pu], max_fragment_run, menu_run, list_max_p)[0]

    def predict_many(
        self,
        pus: list[PageUnits],
        max_fragment_run: int = 0,
        menu_run: int = 3,
        list_max_p: float = 0.1,
    ) -> list[np.ndarray]:
        """`predict` for a batch of pages in one pass of matrix products (neighbourhoods and runs
        stop at page edges, so each page gets what it would get alone)."""
        nu = np.fromiter((len(pu.starts) for pu in pus), dtype=np.int64, count=len(pus))
        n = int(nu.sum())
        if n == 0:
            return [np.zeros(0) for _ in pus]
        X = np.concatenate([pu.X for pu in pus])
        words = np.concatenate([pu.words for pu in pus])
        ufirst = np.zeros(len(pus) + 1, dtype=np.int64)
        ufirst[1:] = np.cumsum(nu)
        udoc = np.repeat(np.arange(len(pus)), nu)
        lo, hi = ufirst[udoc], ufirst[udoc + 1]
        Z = (X - self.mu) / self.sd
        Z[:, 0] = 1.0
        p1 = _sigmoid(apply_net(self.w1, Z))
        Z2 = np.concatenate([Z, context_features(p1, words, lo, hi)], axis=1)
        p = _sigmoid(apply_net(self.w2, Z2))
        frag = X[:, FEATURES.index("sentence")] == 0
        cut = np.zeros(n, dtype=bool)
        if menu_run > 0:
            outside = X[:, FEATURES.index("in_main")] == 0
            cut |= _short_runs(frag & (words <= 4), menu_run, np.arange(n) == lo) & outside
        if max_fragment_run > 0:
            # runs of consecutive non-sentences within a page, their words and mean probability
            brk = (frag[1:] != frag[:-1]) | (udoc[1:] != udoc[:-1])
            rid = np.cumsum(np.concatenate(([0], brk.astype(np.int64))))
            w = np.maximum(words, 1)
            run_words = np.bincount(rid, weights=words)
            run_p = np.bincount(rid, weights=p * w) / np.bincount(rid, weights=w)
            after = X[:, FEATURES.index("after_main")] == 1
            cut |= frag & after & (run_words[rid] >= max_fragment_run - 0.5) & (run_p[rid] < list_max_p)
        p = np.where(cut, 0.0, p)
        return [p[ufirst[i] : ufirst[i + 1]] for i in range(len(pus))]

    def to_json(self) -> dict:
        return {
            "features": list(FEATURES),
            "mu": self.mu.tolist(),
            "sd": self.sd.tolist(),
            "w1": {k: np.asarray(v).tolist() for k, v in self.w1.items()},
            "w2": {k: np.asarray(v).tolist() for k, v in self.w2.items()},
            "threshold": self.threshold,
            "low": self.low,
        }


def _run_ids(mask: np.ndarray, first: np.ndarray | None = None) -> np.ndarray:
    """Id (1, 2, ...) of the run of consecutive True values each unit belongs to, 0 where False;
    `first` marks where a new page starts (a run never continues across it)."""
    new = mask & ~np.concatenate(([False], mask[:-1]))
    if first is not None:
        new |= mask & first
    return np.where(mask, np.cumsum(new), 0)


def _short_runs(mask: np.ndarray, k: int, first: np.ndarray | None = None) -> np.ndarray:
    """Members of runs of >= k consecutive True values (runs stop at `first`)."""
    if not len(mask):
        return mask
    rid = _run_ids(mask, first)
    return mask & (np.bincount(rid)[rid] >= k)


def keep_mask(
    p: np.ndarray,
    high: float,
    low: float,
    firm: np.ndarray | None = None,
    first: np.ndarray | None = None,
) -> np.ndarray:
    """Hysteresis: units >= `high` are kept, and so is every run of consecutive units >= `low`
    that holds one of them. An article's list, table or sub-heading scores lower than its prose
    but sits against it; furniture of the same low score stands apart. Units marked `firm`
    (they open with a marker phrase: "All rights reserved", "Read more") are kept only on their
    own score, never by extension. `first` marks where a new page starts when pages are
    stacked (a run never continues across it)."""
    keep = p >= high
    if low >= high or not len(p):
        return keep
    cand = p >= low
    if firm is not None:
        cand &= ~firm | keep
    rid = _run_ids(cand, first)
    has = np.bincount(rid, weights=keep, minlength=int(rid.max()) + 1) > 0
    has[0] = False
    return keep | has[rid]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def firm_units(X: np.ndarray) -> np.ndarray:
    """Units (rows of a feature matrix) whose own words mark them as furniture: a marker phrase
    at their start. (Symbols such as a URL or a pipe are not enough: article lists carry them;
    measured, -0.8 recall.)"""
    return X[:, FEATURES.index("marker")] > 0


@functools.cache
def _comment_phrases(lang: str) -> tuple[tuple[str, bool], ...]:
    """(phrase, needs a number before it) of the language's data file and English's."""
    out: dict[str, bool] = {}
    for code in dict.fromkeys((lang, "en")):
        m = markers(code)
        for ph in m.get("comment_counts", []):
            out.setdefault(ph.lower(), True)
        for ph in m.get("comment_headings", []):
            out[ph.lower()] = False
    return tuple(out.items())


def _border_free(p: str) -> bool:
    """No proper prefix of `p` is also its suffix: occurrences never overlap, so the scan from
    one occurrence's end finds every occurrence."""
    return all(p[:j] != p[-j:] for j in range(1, len(p)))


@functools.cache
def _comment_plan(lang: str) -> tuple[tuple[str, bool, int, int], ...]:
    """`_comment_phrases` as a search plan, shortest first: (phrase, counted, base, offset). A
    phrase that contains an earlier one (base >= 0, at `offset`; both border-free) occurs only
    where that one does, so it is checked there instead of scanning the page again ("comment"
    is part of a dozen English phrases)."""
    phrases = sorted(_comment_phrases(lang), key=lambda x: len(x[0]))
    out = []
    for n, (ph, counted) in enumerate(phrases):
        base, off = -1, 0
        if _border_free(ph):
            for m in range(n):
                q = phrases[m][0]
                if q in ph and _border_free(q) and (base < 0 or len(q) > len(phrases[base][0])):
                    base, off = m, ph.index(q)
        out.append((ph, counted, base, off))
    return tuple(out)


_HEAD_PREFIX_OK = frozenset(" \t([{#:0123456789")


def comment_section_start(
    pu: PageUnits, keep: np.ndarray, lang: str | None, min_words_before: int = 30, max_words: int = 8
) -> int | None:
    """Index of the unit that opens the readers' comment section ("34 Comments", "Leave a
    Reply"), or None. Comments are prose, so the model keeps them; their heading is the signal.
    It must be a short unit of its own (not a bullet of a share bar or menu: "• Comment"),
    come after at least `min_words_before` kept words (not a "Comments" link in the header),
    and a count word needs its number ("3 replies", not a sub-heading "Replies")."""
    if not len(pu.starts):
        return None
    low = pu.text.lower()
    if len(low) != len(pu.text):
        return None
    hits = []  # (position, counted) of every phrase ending at a word end
    plan = _comment_plan(lang or "en")
    occ: list[list[int]] = []  # each phrase's occurrences (what the scan below finds)
    for phrase, counted, base, off in plan:
        if base >= 0:
            found = [q - off for q in occ[base] if q >= off and low.startswith(phrase, q - off)]
        else:
            found = []
            pos = low.find(phrase)
            while pos >= 0:
                found.append(pos)
                pos = low.find(phrase, pos + len(phrase))
        occ.append(found)
        for pos in found:
            end = pos + len(phrase)
            if end == len(low) or not low[end].isalnum():
                hits.append((pos, counted))
    if not hits:  # the usual case: no arrays built
        return None
    starts = pu.starts
    before = np.concatenate(([0.0], np.cumsum(pu.words * keep)))
    best: int | None = None
    for pos, counted in hits:
        i = int(np.searchsorted(starts, pos, side="right")) - 1
        head = low[starts[i] : pos] if i >= 0 else "x"
        if (
            (best is None or i < best)
            and len(head) <= 8
            and set(head) <= _HEAD_PREFIX_OK
            and (not counted or any(c.isdigit() for c in head))
            and pu.words[i] <= max_words
            and before[i] >= min_words_before
            and not _bullet_before(low, int(starts[i]))
        ):
            best = i
    return best


def _bullet_before(low: str, start: int) -> bool:
    """A bullet or list marker just before the unit, on its line: an item of a bar or menu."""
    return any(c in "•·▪►*" for c in low[max(0, start - 3) : start])


@functools.cache
def load_model() -> Model:
    d = json.loads(MODEL_PATH.read_text())
    if d["features"] != list(FEATURES):
        raise ValueError(
            "boilerplate_model.json was trained on other features; rerun bench/extraction_train.py"
        )
    nets = [{k: np.array(v) for k, v in d[n].items()} for n in ("w1", "w2")]
    t = float(d["threshold"])
    return Model(np.array(d["mu"]), np.array(d["sd"]), nets[0], nets[1], t, float(d.get("low", t)))


def unit_cuts(pu: PageUnits, cut: np.ndarray, reason: str) -> list[tuple[int, int, str]]:
    """`merge_gaps(pu.text, [(start, end, reason) of each unit i < len(cut) with cut[i]])` by
    arrays. Units are sorted, disjoint and trimmed, so a cut extended over its white space ends
    at `pu.after`, at or before the next unit's start; two cuts join exactly when the second
    starts there (only white space between them)."""
    drop = np.flatnonzero(cut)
    if not len(drop):
        return []
    s, a = pu.starts[drop], pu.after[drop]
    new = np.ones(len(drop), dtype=bool)
    new[1:] = s[1:] != a[:-1]
    last = np.append(new[1:], True)
    return list(zip(s[new].tolist(), a[last].tolist(), repeat(reason)))


def batch_keep(pus: list[PageUnits], probs: list[np.ndarray], hi: float, lo: float) -> list[np.ndarray]:
    """`keep_mask` of every page of a batch in one pass (no numpy calls per page)."""
    if not pus:
        return []
    nu = np.fromiter((len(pu.starts) for pu in pus), dtype=np.int64, count=len(pus))
    bounds = np.concatenate(([0], np.cumsum(nu)))
    first = np.zeros(int(bounds[-1]), dtype=bool)
    first[bounds[:-1][nu > 0]] = True
    firm = firm_units(np.concatenate([pu.X for pu in pus]))
    keep = keep_mask(np.concatenate(probs), hi, lo, firm, first)
    return np.split(keep, bounds[1:-1])


def _prefix_words(batch: list[Document], todo: list[int], max_chars: int = 5_000) -> list[PageWords | None]:
    """Words of the input text's first `max_chars` characters (what the language guess reads) of
    each page without a language, derived from the words of its clean text (just computed):
    the two share every kept piece, so only the stretches around the cuts are split again."""
    items, where = [], []
    for k, i in enumerate(todo):
        doc = batch[i]
        if doc.lang:
            continue
        v = doc.clean_view()
        pieces = [
            (s, c, min(n, max_chars - s))
            for c, s, n in zip(v.clean_starts, v.input_starts, v.lengths)
            if n > 0 and s < max_chars
        ]
        items.append((v.text, doc.text[:max_chars], pieces))
        where.append(k)
    out: list[PageWords | None] = [None] * len(todo)
    for k, pw in zip(where, derive_words(items)):
        out[k] = pw
    return out


def _thresholds(model: Model, threshold: float | None, low: float | None) -> tuple[float, float]:
    hi = model.threshold if threshold is None else threshold
    lo = model.low if low is None and threshold is None else (hi if low is None else low)
    return hi, min(lo, hi)


@register
@dataclass
class Boilerplate:
    """Remove page furniture around the article (reason `boilerplate`)."""

    name: ClassVar[str] = "boilerplate"
    # None: the thresholds chosen at training time (best dev F1 with mean recall >= 0.96);
    # a unit >= threshold is kept, and so is a run of units >= low that touches one
    threshold: float | None = None
    low: float | None = None  # None: the trained value (or `threshold` when only that is set)
    # after the main prose run, a run of >= this many words with no sentence end whose mean
    # probability is below `list_max_p` is cut whole as a list (0: off; 20 words = two or three
    # headlines: sub-headings inside articles stay far below it)
    max_fragment_run: int = 20
    list_max_p: float = 0.1
    # outside the main run, this many consecutive short non-sentences are a menu (0: off)
    menu_run: int = 3
    # cut the readers' comment section, from its heading (data: `comment_headings`) to the end
    comments: bool = True
    comments_reason: str = "comments"
    reason: str = "boilerplate"

    def validate(self) -> None:
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise ValueError("threshold must be in [0, 1]")
        if self.low is not None and not 0.0 <= self.low <= 1.0:
            raise ValueError("low must be in [0, 1]")
        if self.max_fragment_run < 0:
            raise ValueError("max_fragment_run must be >= 0")
        if self.menu_run < 0:
            raise ValueError("menu_run must be >= 0")
        if not 0.0 <= self.list_max_p <= 1.0:
            raise ValueError("list_max_p must be in [0, 1]")

    def process(self, batch: list[Document]) -> list[Document]:
        texts = [doc.clean_text for doc in batch]
        # text already reduced to the main content by an HTML extractor (`--html main`) has no
        # page furniture left for this model, which was fitted on whole pages: leave it alone
        todo = [i for i, t in enumerate(texts) if t.strip() and batch[i].extras.get("html") != "main"]
        prime([texts[i] for i in todo])
        langs = doc_langs(
            [batch[i].lang for i in todo], [batch[i].text for i in todo], words=_prefix_words(batch, todo)
        )
        model = load_model()
        hi, lo = _thresholds(model, self.threshold, self.low)
        pus = batch_units([texts[i] for i in todo], langs)
        probs = model.predict_many(pus, self.max_fragment_run, self.menu_run, self.list_max_p)
        keeps = batch_keep(pus, probs, hi, lo)
        for i, lang, pu, keep in zip(todo, langs, pus, keeps):
            doc, text = batch[i], texts[i]
            head = comment_section_start(pu, keep, lang) if self.comments else None
            spans = unit_cuts(pu, ~keep if head is None else ~keep[:head], self.reason)
            if head is not None:
                spans.append((int(pu.starts[head]), len(text), self.comments_reason))
            if spans:
                doc.remove_clean_many(spans)
            doc.signals["boilerplate_frac"] = sum(e - s for s, e, _ in spans) / max(1, len(text))
        return batch
