"""Derive a language file (``sia/langs/<code>.toml``) from a reference corpus of that language.

``sia calibrate CORPUS... --lang xx -o xx.toml [--plots DIR]``

The reference corpus is assumed to be mostly good text of the language (news, books, Wikipedia,
treebanks). For every quality signal, calibration looks at its distribution there and moves the
anchor's threshold only where the anchor would throw away good text of this language:

* an upper bound (``max_*``) becomes ``max(anchor, P99.5)`` and a lower bound (``min_*``)
  ``min(anchor, P0.5)``: no single rule removes more than 0.5 % of the reference documents, and
  calibration relaxes thresholds, never tightens them (a clean reference corpus says little about
  how much junk the web holds, so it cannot justify a stricter rule than the anchors');
* the language score follows FineWeb-2: ``max(0.3, min(0.9, median - std))`` of the scores of the
  documents identified as the language;
* stop words are the 14 tokens (exact case, as the Gopher rule compares them) found in the most
  documents, the length of FineWeb-2's Icelandic list;
* C4's phrase rules need language knowledge, so they stay off (as FineWeb-2 has them).

Memory is bounded: signal values go into a reservoir sample of at most `sample` documents (uniform,
seeded, so runs repeat), with each document's byte size and language score; token document frequencies live in a
counter pruned to its `max_vocab` most frequent entries whenever it doubles. Memory is therefore
O(sample x signals + max_vocab), independent of corpus size; removal numbers are estimated from
the sample once the corpus exceeds it (the table says so). A second streaming pass counts what the
derived stop-word list removes (exact, constant memory).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import lzma
import math
import random
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sia.label.signals import TOP_NS, batch_signals, token_options, tokenize
from sia.langs import thresholds

N_STOP_WORDS = 14
LOW_Q, HIGH_Q = 0.5, 99.5

# (signal, language-file table, key, kind): kind "max"/"min" bound, ("max", j) a list entry
RULES: list[tuple[str, str, str, Any]] = [
    ("gq_mean_word_len", "gopher_quality", "min_mean_word_len", "min"),
    ("gq_mean_word_len", "gopher_quality", "max_mean_word_len", "max"),
    ("gq_hash_ratio", "gopher_quality", "max_hash_ratio", "max"),
    ("gq_ellipsis_ratio", "gopher_quality", "max_ellipsis_ratio", "max"),
    ("gq_bullet_lines", "gopher_quality", "max_bullet_lines", "max"),
    ("gq_ellipsis_lines", "gopher_quality", "max_ellipsis_lines", "max"),
    ("gq_alpha_words", "gopher_quality", "min_alpha_words", "min"),
    ("gr_dup_para_frac", "gopher_repetition", "max_dup_para_frac", "max"),
    ("gr_dup_para_char_frac", "gopher_repetition", "max_dup_para_char_frac", "max"),
    ("gr_dup_line_frac", "gopher_repetition", "max_dup_line_frac", "max"),
    ("gr_dup_line_char_frac", "gopher_repetition", "max_dup_line_char_frac", "max"),
    *[(f"gr_top_{n}_gram", "gopher_repetition", "max_top_ngram", ("max", j)) for j, n in enumerate(TOP_NS)],
    *[
        (f"gr_dup_{n}_gram", "gopher_repetition", "max_dup_ngram", ("max", j))
        for j, n in enumerate(range(5, 11))
    ],
    ("fw_line_punct", "fineweb", "min_line_punct", "min"),
    ("fw_short_lines", "fineweb", "max_short_lines", "max"),
    ("fw_dup_chars", "fineweb", "max_dup_chars", "max"),
    ("fw_newline_ratio", "fineweb", "max_newline_ratio", "max"),
]
SIGNALS = sorted({r[0] for r in RULES} | {"gq_words", "gq_stop_words"})


@dataclass
class CalibrationResult:
    lang: str
    docs: int  # documents read
    bytes: int
    sampled: int  # documents whose signals were kept (== docs below the sample size)
    file: dict[str, Any]  # the language file written (tables and stop words)
    removal: list[dict[str, Any]]  # rule, signal, threshold, anchor, docs, bytes removed (estimates)
    out: Path
    plots: list[Path] = field(default_factory=list)


# -- reading ---------------------------------------------------------------------------------------
def _open_text(path: str) -> io.TextIOBase:
    if path.endswith(".zst"):
        import zstandard

        raw = zstandard.ZstdDecompressor().stream_reader(open(path, "rb"))  # noqa: SIM115
        return io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    if path.endswith(".xz"):
        return lzma.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")  # noqa: SIM115


def iter_texts(paths: list[str], text_field: str = "text") -> Iterator[str]:
    """Documents of JSONL(.zst/.gz/.xz) files (`text_field`), or .txt files (blank-line blocks)."""
    for path in paths:
        stem = path.removesuffix(".zst").removesuffix(".gz").removesuffix(".xz")
        with _open_text(path) as f:
            if stem.endswith((".jsonl", ".json", ".ndjson")):
                for line in f:
                    if line.strip():
                        text = json.loads(line).get(text_field)
                        if isinstance(text, str) and text.strip():
                            yield text
            else:
                block: list[str] = []
                for line in f:
                    if line.strip():
                        block.append(line.rstrip("\n"))
                    elif block:
                        yield "\n".join(block)
                        block = []
                if block:
                    yield "\n".join(block)


# -- accumulating ---------------------------------------------------------------------------------
class Reservoir:
    """Uniform sample of at most `cap` rows (Algorithm R, seeded)."""

    def __init__(self, cap: int, width: int, seed: int = 0) -> None:
        self.cap, self.seen = cap, 0
        self.rows = np.zeros((min(cap, 4096), width))
        self.rng = random.Random(seed)

    def add(self, row: list[float]) -> None:
        if self.seen < self.cap:
            if self.seen >= len(self.rows):
                self.rows = np.concatenate([self.rows, np.zeros_like(self.rows)])[: self.cap]
            self.rows[self.seen] = row
        else:
            j = self.rng.randrange(self.seen + 1)
            if j < self.cap:
                self.rows[j] = row
        self.seen += 1

    def values(self) -> np.ndarray:
        return self.rows[: min(self.seen, self.cap)]


class DocFreq:
    """Document frequency of tokens holding a letter, pruned to the `keep` most frequent."""

    def __init__(self, keep: int) -> None:
        self.keep, self.c = keep, Counter()

    def add(self, tokens: list[str]) -> None:
        self.c.update({t for t in tokens if t[0].isalpha()})
        if len(self.c) > 2 * self.keep:
            self.c = Counter(dict(self.c.most_common(self.keep)))


# -- rules -----------------------------------------------------------------------------------------
def _round(v: float, up: bool) -> float:
    """Three decimals, rounded away from the data (up for upper bounds, down for lower)."""
    return math.ceil(v * 1000 - 1e-9) / 1000 if up else math.floor(v * 1000 + 1e-9) / 1000


def derive_threshold(values: np.ndarray, anchor: float, kind: str) -> float:
    """The documented rule: relax the anchor to P99.5 (upper bounds) or P0.5 (lower bounds)."""
    if values.size == 0:
        return anchor
    if kind == "max":
        return max(anchor, _round(float(np.percentile(values, HIGH_Q)), up=True))
    return min(anchor, _round(float(np.percentile(values, LOW_Q)), up=False))


def lang_score_threshold(scores: np.ndarray) -> float | None:
    """FineWeb-2: max(0.3, min(0.9, median - std)) of the language's own scores."""
    if scores.size < 2:
        return None
    return round(max(0.3, min(0.9, float(np.median(scores) - np.std(scores)))), 3)


def calibrate(
    paths: list[str],
    lang: str,
    out: Path,
    plot_dir: Path | None = None,
    text_field: str = "text",
    *,
    sample: int = 1_000_000,
    max_vocab: int = 100_000,
    batch_size: int = 256,
    lang_scores: bool = True,
    console: Any = None,
) -> CalibrationResult:
    """Stream `paths`, derive the thresholds of `lang` by the module's rules, write `out` (TOML)."""
    base = thresholds(lang)
    base["stop_words"] = []
    res = Reservoir(sample, len(SIGNALS) + 2)  # signals, bytes, language score (NaN: not lang)
    df = DocFreq(max_vocab)
    det = _detector() if lang_scores else None
    n_docs = n_bytes = 0
    batch: list[str] = []

    def flush() -> None:
        toks = [tokenize(t, *token_options(base)) for t in batch]
        sigs = batch_signals(batch, [base] * len(batch), toks=toks)
        for t, tk, s in zip(batch, toks, sigs, strict=True):
            df.add(tk)
            score = float("nan")
            if det is not None:
                got, sc = det.classify(t)
                if got == lang.split("_")[0]:
                    score = sc
            res.add([s.get(k, 0.0) for k in SIGNALS] + [len(t.encode()), score])
        batch.clear()

    for text in iter_texts(paths, text_field):
        n_docs += 1
        n_bytes += len(text.encode())
        batch.append(text)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    vals = res.values()
    col = {k: vals[:, i] for i, k in enumerate(SIGNALS)}
    nbytes = vals[:, -2] if len(vals) else np.zeros(0)
    scores = vals[:, -1] if len(vals) else np.zeros(0)

    stop = [w for w, _ in df.c.most_common(N_STOP_WORDS)]
    file: dict[str, Any] = {"stop_words": stop, "gopher_quality": {}, "gopher_repetition": {}, "fineweb": {}}
    removal: list[dict[str, Any]] = []
    for sig, table, key, kind in RULES:
        k, j = (kind[0], kind[1]) if isinstance(kind, tuple) else (kind, None)
        anchor = base[table][key] if j is None else base[table][key][j]
        thr = derive_threshold(col[sig], float(anchor), k)
        if j is None:
            file[table][key] = thr
        else:
            file[table].setdefault(key, list(base[table][key]))[j] = thr
        removal.append(_removed(sig, f"{table}.{key}" + (f"[{j}]" if j is not None else ""), thr, anchor, k,
                                col[sig], nbytes))  # fmt: skip
    # stop-word rule: documents with fewer than min_stop_words of the derived list (second pass)
    min_stop = int(base["gopher_quality"].get("min_stop_words", 2))
    sd, sb = _stop_word_pass(paths, text_field, frozenset(stop), min_stop, token_options(base))
    removal.append({"rule": "stop_words (derived list)", "signal": "gq_stop_words", "threshold": float(min_stop),
                    "anchor": float(min_stop), "docs": sd, "docs_frac": sd / max(n_docs, 1), "bytes": float(sb),
                    "bytes_frac": sb / max(n_bytes, 1)})  # fmt: skip
    if det is not None:
        own = scores[~np.isnan(scores)]
        ls = lang_score_threshold(own)
        if ls is not None:
            file["lang_score"] = {"min": ls}
            bad = np.isnan(scores) | (np.nan_to_num(scores, nan=0.0) < ls)
            removal.append({"rule": "lang_score.min", "signal": "lang_score", "threshold": ls, "anchor":
                            float(base["lang_score"]["min"]), "docs": int(bad.sum()), "docs_frac":
                            float(bad.mean()) if bad.size else 0.0, "bytes": float(nbytes[bad].sum()),
                            "bytes_frac": float(nbytes[bad].sum()) / max(float(nbytes.sum()), 1.0)})  # fmt: skip
    scores = scores[~np.isnan(scores)]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(render_toml(file, lang, n_docs, n_bytes, len(vals), paths, min_stop, scores))
    tmp.replace(out)
    plots = plot_signals(col, file, base, plot_dir) if plot_dir is not None else []
    result = CalibrationResult(lang, n_docs, n_bytes, len(vals), file, removal, out, plots)
    print_table(result, console)
    return result


def _stop_word_pass(paths, text_field, stop, min_stop, opts) -> tuple[int, int]:
    """Documents (and their bytes) holding fewer than `min_stop` distinct words of `stop`."""
    docs = nbytes = 0
    for text in iter_texts(paths, text_field):
        if len(stop.intersection(tokenize(text, *opts))) < min_stop:
            docs += 1
            nbytes += len(text.encode())
    return docs, nbytes


def _removed(sig, rule, thr, anchor, kind, values, nbytes) -> dict[str, Any]:
    bad = values > thr if kind == "max" else values < thr
    n = max(len(values), 1)
    tb = max(float(nbytes.sum()), 1.0)
    return {
        "rule": rule,
        "signal": sig,
        "threshold": thr,
        "anchor": float(anchor),
        "docs": int(bad.sum()),
        "docs_frac": float(bad.sum()) / n,
        "bytes": float(nbytes[bad].sum()),
        "bytes_frac": float(nbytes[bad].sum()) / tb,
    }


def _detector():
    from sia.label.langid import detector

    return detector("sia")


# -- output ----------------------------------------------------------------------------------------
def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return repr(v)


def render_toml(file, lang, n_docs, n_bytes, sampled, paths, min_stop, scores) -> str:
    names = ", ".join(Path(p).name for p in paths[:5]) + (" ..." if len(paths) > 5 else "")
    head = [
        f"# {lang}: derived by `sia calibrate` from {n_docs:,} reference documents ({n_bytes / 1e6:.1f} MB;",
        f"# signals from {sampled:,} of them) in {names}.",
        "# Rules (sia.label.calibrate): upper bounds max(anchor, P99.5), lower bounds min(anchor, P0.5);",
        f"# language score max(0.3, min(0.9, median - std)) over {len(scores):,} documents identified as",
        f"# {lang}; stop words: the {N_STOP_WORDS} tokens in the most documents (rule: >= {min_stop} present).",
        "",
        f"stop_words = {_toml_value(file['stop_words'])}",
    ]
    for table in ("lang_score", "gopher_quality", "gopher_repetition", "fineweb"):
        if file.get(table):
            head += ["", f"[{table}]"] + [f"{k} = {_toml_value(v)}" for k, v in file[table].items()]
    return "\n".join(head) + "\n"


def print_table(result: CalibrationResult, console: Any = None) -> None:
    from rich.console import Console
    from rich.table import Table

    est = " (estimated from the sample)" if result.sampled < result.docs else ""
    t = Table(title=f"{result.lang}: what each threshold removes from the reference corpus{est}")
    for c in ("rule", "anchor", "calibrated", "docs removed", "bytes removed"):
        t.add_column(c, justify="left" if c == "rule" else "right", no_wrap=True)
    for r in result.removal:
        t.add_row(
            r["rule"],
            f"{r['anchor']:g}",
            f"{r['threshold']:g}",
            f"{r['docs']:,} ({100 * r['docs_frac']:.2f} %)",
            f"{r['bytes'] / 1e6:.2f} MB ({100 * r['bytes_frac']:.2f} %)",
        )
    (console or Console(width=140)).print(t)


def plot_signals(col: dict[str, np.ndarray], file: dict, base: dict, plot_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plot_dir = Path(plot_dir)
    plot_dir.mkdir(parents=True, exist_ok=True)
    lines: dict[str, list[tuple[str, float, float]]] = {}
    for sig, table, key, kind in RULES:
        j = kind[1] if isinstance(kind, tuple) else None
        thr = file[table][key] if j is None else file[table][key][j]
        anchor = base[table][key] if j is None else base[table][key][j]
        lines.setdefault(sig, []).append((key, float(thr), float(anchor)))
    out = []
    for sig in SIGNALS:
        v = col[sig]
        fig, ax = plt.subplots(figsize=(6, 3.5))
        if v.size:
            ax.hist(v, bins=60, color="#4c72b0")
        for key, thr, anchor in lines.get(sig, []):
            ax.axvline(thr, color="#c44e52", label=f"{key} = {thr:g}")
            if anchor != thr:
                ax.axvline(anchor, color="#999999", linestyle="--", label=f"anchor {anchor:g}")
        ax.set_title(sig)
        ax.set_xlabel("value")
        ax.set_ylabel("documents")
        if lines.get(sig):
            ax.legend(fontsize=7)
        fig.tight_layout()
        p = plot_dir / f"{sig}.png"
        fig.savefig(p, dpi=80)
        plt.close(fig)
        out.append(p)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="sia calibrate", description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="+", help="JSONL(.zst/.gz/.xz) or .txt files of the language")
    ap.add_argument("--lang", required=True, help="language code, e.g. is")
    ap.add_argument("-o", "--out", required=True, type=Path, help="language file to write (TOML)")
    ap.add_argument("--plots", type=Path, default=None, help="folder for one PNG per signal")
    ap.add_argument("--text-field", default="text")
    ap.add_argument("--sample", type=int, default=1_000_000, help="documents kept for the distributions")
    ap.add_argument("--no-lang-score", action="store_true", help="skip language identification")
    args = ap.parse_args(argv)
    missing = [p for p in args.corpus if not Path(p).is_file()]
    if missing:
        print(f"sia calibrate: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    calibrate(
        args.corpus,
        args.lang,
        args.out,
        args.plots,
        args.text_field,
        sample=args.sample,
        lang_scores=not args.no_lang_score,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
