"""The `quality` stage: Gopher quality and repetition, C4, FineWeb and language-score filters.

Every signal lands in `doc.signals` (numbers, so `sia inspect` and calibration can read them) and
the first rule that fails sets `doc.decision` to ``family:rule``. Families run in FineWeb's order
(lang_score, gopher_repetition, gopher_quality, c4, fineweb); C4 may drop lines (recorded as
removed spans, reason ``c4_line``) and FineWeb then judges the text without them, as in the FineWeb
pipeline. The n-gram, Gopher quality and line signals are computed for every document (they are
batched); C4 and FineWeb skip documents already rejected unless `all_signals` is set.

Thresholds come from the language file of `lang` (or of `doc.lang`) merged over the defaults
(`sia.langs`). The stage judges `doc.clean_text`: a page is judged on what the repair stages kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from sia.label.signals import DUP_NS, TOP_NS, batch_signals, fineweb, token_options, tokenize
from sia.label.signals_c4 import c4_lines
from sia.langs import thresholds, thresholds_shared
from sia.record import Document
from sia.stage import register

FAMILIES = ("lang_score", "gopher_repetition", "gopher_quality", "c4", "fineweb")


def _on(v: Any) -> bool:
    """A threshold set to 0/None/false is off (the anchor's convention)."""
    return v is not None and v is not False and v != 0


def decide_gopher_quality(s: dict[str, float], c: dict[str, Any], stop_words: list[str]) -> str | None:
    if _on(c.get("min_words")) and s["gq_words"] < c["min_words"]:
        return "min_words"
    if _on(c.get("max_words")) and s["gq_words"] > c["max_words"]:
        return "max_words"
    if _on(c.get("min_mean_word_len")) and s["gq_mean_word_len"] < c["min_mean_word_len"]:
        return "min_mean_word_len"
    if _on(c.get("max_mean_word_len")) and s["gq_mean_word_len"] > c["max_mean_word_len"]:
        return "max_mean_word_len"
    if _on(c.get("max_hash_ratio")) and s["gq_hash_ratio"] > c["max_hash_ratio"]:
        return "hash_ratio"
    if _on(c.get("max_ellipsis_ratio")) and s["gq_ellipsis_ratio"] > c["max_ellipsis_ratio"]:
        return "ellipsis_ratio"
    if _on(c.get("max_bullet_lines")) and s["gq_bullet_lines"] > c["max_bullet_lines"]:
        return "bullet_lines"
    if _on(c.get("max_ellipsis_lines")) and s["gq_ellipsis_lines"] > c["max_ellipsis_lines"]:
        return "ellipsis_lines"
    if _on(c.get("min_alpha_words")) and s["gq_alpha_words"] < c["min_alpha_words"]:
        return "alpha_words"
    if stop_words and _on(c.get("min_stop_words")) and s["gq_stop_words"] < c["min_stop_words"]:
        return "stop_words"
    return None


def decide_gopher_repetition(s: dict[str, float], c: dict[str, Any]) -> str | None:
    for key, sig in (
        ("max_dup_para_frac", "dup_para_frac"),
        ("max_dup_para_char_frac", "dup_para_char_frac"),
        ("max_dup_line_frac", "dup_line_frac"),
        ("max_dup_line_char_frac", "dup_line_char_frac"),
    ):
        if _on(c.get(key)) and s[f"gr_{sig}"] > c[key]:
            return sig
    for n, thr in zip(TOP_NS, c.get("max_top_ngram") or (), strict=False):
        if _on(thr) and s[f"gr_top_{n}_gram"] > thr:
            return f"top_{n}_gram"
    for n, thr in zip(DUP_NS, c.get("max_dup_ngram") or (), strict=False):
        if _on(thr) and s[f"gr_dup_{n}_gram"] > thr:
            return f"dup_{n}_gram"
    return None


def decide_fineweb(s: dict[str, float], c: dict[str, Any]) -> str | None:
    if s["fw_lines"] == 0:
        return "empty"
    lp = s["fw_line_punct"]
    if lp < c.get("min_line_punct", 0) and not (lp == 0 and c.get("line_punct_exclude_zero")):
        return "line_punct_ratio"
    if _on(c.get("max_short_lines")) and s["fw_short_lines"] > c["max_short_lines"]:
        return "short_line_ratio"
    if _on(c.get("max_dup_chars")) and s["fw_dup_chars"] > c["max_dup_chars"]:
        return "char_dup_ratio"
    if _on(c.get("max_newline_ratio")) and s["fw_newline_ratio"] > c["max_newline_ratio"]:
        return "newline_ratio"
    return None


def _merge_adjacent(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Touching line spans as one span (one removal per block of dropped lines)."""
    out: list[list[int]] = []
    for s, e in spans:
        if out and out[-1][1] == s:
            out[-1][1] = e
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


@register
@dataclass
class Quality:
    """Signals and filters of four families plus the language score; each family can be switched
    off. `lang` forces one language's thresholds (default: each document's `lang`); `langs_dir`
    is a folder of extra ``<code>.toml`` files (e.g. written by ``sia calibrate``) tried first.
    `all_signals` computes C4 and FineWeb signals also for documents an earlier family rejected
    (for inspection and calibration; off, they are skipped as in the anchor's filter chain)."""

    name: ClassVar[str] = "quality"
    gopher_quality: bool = True
    gopher_repetition: bool = True
    c4: bool = True
    fineweb: bool = True
    lang_score: bool = True
    lang: str = ""
    langs_dir: str = ""
    all_signals: bool = False

    def validate(self) -> None:
        thresholds(self.lang or None, self._dirs())  # a broken language file fails at config time

    def _dirs(self) -> tuple[str, ...]:
        return (self.langs_dir,) if self.langs_dir else ()

    def thresholds(self) -> dict[str, float]:
        """The thresholds of `lang` (default: the defaults, as an unknown language gets them), keyed
        by the `doc.signals` name they judge, for the run report's signal plots. Only rules that are
        on (family switched on, threshold not 0/off) are listed. Two-bounded signals give the bound
        that rejects in practice: `gq_words` its minimum (documents of over 100,000 words are rare),
        `gq_mean_word_len` its minimum (short-token lists and tables fail it; the maximum mostly
        catches URL lists)."""
        cfg = thresholds(self.lang or None, self._dirs())
        out: dict[str, float] = {}

        def put(name: str, v: Any) -> None:
            if _on(v) and isinstance(v, int | float):
                out[name] = float(v)

        if self.gopher_quality:
            q = cfg["gopher_quality"]
            put("gq_words", q.get("min_words"))
            put("gq_mean_word_len", q.get("min_mean_word_len"))
            for sig, key in (
                ("gq_hash_ratio", "max_hash_ratio"),
                ("gq_ellipsis_ratio", "max_ellipsis_ratio"),
                ("gq_bullet_lines", "max_bullet_lines"),
                ("gq_ellipsis_lines", "max_ellipsis_lines"),
                ("gq_alpha_words", "min_alpha_words"),
            ):
                put(sig, q.get(key))
            if cfg.get("stop_words"):
                put("gq_stop_words", q.get("min_stop_words"))
        if self.gopher_repetition:
            r = cfg["gopher_repetition"]
            for sig in ("dup_para_frac", "dup_para_char_frac", "dup_line_frac", "dup_line_char_frac"):
                put(f"gr_{sig}", r.get(f"max_{sig}"))
            for n, v in zip(TOP_NS, r.get("max_top_ngram") or (), strict=False):
                put(f"gr_top_{n}_gram", v)
            for n, v in zip(DUP_NS, r.get("max_dup_ngram") or (), strict=False):
                put(f"gr_dup_{n}_gram", v)
        if self.c4:
            put("c4_sentences", cfg["c4"].get("min_sentences"))
        if self.fineweb:
            f = cfg["fineweb"]
            for sig, key in (
                ("fw_line_punct", "min_line_punct"),
                ("fw_short_lines", "max_short_lines"),
                ("fw_dup_chars", "max_dup_chars"),
                ("fw_newline_ratio", "max_newline_ratio"),
            ):
                put(sig, f.get(key))
        return out

    def process(self, batch: list[Document]) -> list[Document]:
        if not batch:
            return batch
        dirs = self._dirs()
        cfgs = [thresholds_shared(self.lang or d.lang, dirs) for d in batch]
        texts = [d.clean_text for d in batch]
        fams = frozenset(f for f in ("gopher_repetition", "gopher_quality") if getattr(self, f))
        toks = [tokenize(t, *token_options(c)) for t, c in zip(texts, cfgs, strict=True)]
        sigs = batch_signals(texts, cfgs, fams, toks)
        n_tok = [len(t) for t in toks]
        reasons: list[str | None] = [None] * len(batch)

        def fail(i: int, reason: str | None) -> None:
            if reason is not None and reasons[i] is None:
                reasons[i] = reason

        for i, d in enumerate(batch):
            cfg = cfgs[i]
            if self.lang_score:
                thr = cfg.get("lang_score", {}).get("min")
                if d.lang_score is not None and _on(thr) and d.lang_score < thr:
                    fail(i, "lang_score")
            if self.gopher_repetition:
                r = decide_gopher_repetition(sigs[i], cfg["gopher_repetition"]) if texts[i] else "empty"
                fail(i, r and f"gopher_repetition:{r}")
            if self.gopher_quality:
                r = decide_gopher_quality(sigs[i], cfg["gopher_quality"], cfg.get("stop_words") or [])
                fail(i, r and f"gopher_quality:{r}")
        if self.c4:
            for i, d in enumerate(batch):
                if reasons[i] is not None and not self.all_signals:
                    continue
                c = cfgs[i]["c4"]
                o = token_options(cfgs[i])
                # a mark kept on its word ends no sentence, unless the language's sentence splitter says so
                breaks = cfgs[i].get("tokens", {}).get("attached_breaks_sentence")
                res = c4_lines(texts[i], c, o[7], "" if breaks else o[4], o[5], o[2], "" if breaks else o[10])
                sigs[i]["c4_sentences"] = float(res.sentences)
                sigs[i]["c4_dropped_lines"] = len(res.dropped) / max(res.lines, 1)
                fail(i, res.reject and f"c4:{res.reject}")
                if res.reject is None and res.dropped and c.get("remove_lines") and reasons[i] is None:
                    spans = _merge_adjacent(res.dropped)
                    # tokens never cross a line break, so the kept text's count is a difference
                    n_tok[i] -= len(
                        tokenize("\n".join([texts[i][s:e] for s, e in spans]), *token_options(cfgs[i]))
                    )
                    d.remove_clean_many([(s, e, "c4_line") for s, e in spans])
                    texts[i] = d.clean_text
        if self.fineweb:
            for i, t in enumerate(texts):
                if reasons[i] is not None and not self.all_signals:
                    continue
                c = cfgs[i]["fineweb"]
                s = fineweb(t, n_tok[i], int(c.get("short_line_len", 30)))
                sigs[i].update(s)
                fail(i, (r := decide_fineweb(s, cfgs[i]["fineweb"])) and f"fineweb:{r}")
        for d, s, r in zip(batch, sigs, reasons, strict=True):
            d.signals.update(s)
            if r is not None:
                d.reject(r)
        return batch
