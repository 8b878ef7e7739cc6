"""Per-language quality thresholds: one TOML file per language, merged over ``default.toml``.

Why files and not code: thresholds and stop words are language knowledge, and a user calibrating
a new language (``sia calibrate``) should only have to drop a file in a folder. A file may say
``extends = "nb"`` to start from another language's file (``no`` extends ``nb``).

`thresholds(lang)` returns a fresh dict: top-level keys (``stop_words``) plus one table per filter
family (``gopher_quality``, ``gopher_repetition``, ``c4``, ``fineweb``, ``lang_score``). Tables
merge key by key; lists replace. Codes are matched case-insensitively; ``is-IS`` / ``isl_Latn``
fall back to their first part, then to three-letter aliases in ``_ALIASES``.
"""

from __future__ import annotations

import copy
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent

# ISO 639-3 / macro codes some language identifiers emit, mapped to the file that serves them
_ALIASES = {
    "isl": "is",
    "eng": "en",
    "deu": "de",
    "dan": "da",
    "swe": "sv",
    "nob": "nb",
    "nor": "no",
    "fra": "fr",
    "spa": "es",
    "por": "pt",
    "rus": "ru",
}


def available() -> list[str]:
    """Language codes shipped with sia (file stems, ``default`` excluded)."""
    return sorted(p.stem for p in HERE.glob("*.toml") if p.stem != "default")


def resolve(lang: str | None, extra_dirs: tuple[str, ...] = ()) -> Path | None:
    """The file serving `lang`, or None (then only the defaults apply)."""
    if not lang:
        return None
    code = lang.strip().lower().replace("-", "_")
    candidates = [code, code.split("_")[0]]
    candidates += [_ALIASES[c] for c in candidates if c in _ALIASES]
    dirs = [Path(d) for d in extra_dirs] + [HERE]
    for c in candidates:
        for d in dirs:
            p = d / f"{c}.toml"
            if c != "default" and p.is_file():
                return p
    return None


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` merged into a copy of `base`: tables recursively, everything else replaced."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


@lru_cache(maxsize=256)
def _load(path: str) -> dict[str, Any]:
    with open(path, "rb") as f:
        return tomllib.load(f)


def _chain(path: Path, extra_dirs: tuple[str, ...], depth: int = 0) -> dict[str, Any]:
    data = dict(_load(str(path)))
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if depth > 8:
        raise ValueError(f"{path}: 'extends' chain too deep")
    ppath = resolve(parent, extra_dirs)
    if ppath is None:
        raise ValueError(f"{path}: extends unknown language {parent!r}")
    return merge(_chain(ppath, extra_dirs, depth + 1), data)


@lru_cache(maxsize=256)
def _thresholds(lang: str, extra_dirs: tuple[str, ...]) -> dict[str, Any]:
    cfg = dict(_load(str(HERE / "default.toml")))
    path = resolve(lang, extra_dirs)
    if path is not None:
        cfg = merge(cfg, _chain(path, extra_dirs))
    cfg["lang"] = path.stem if path is not None else "default"
    return cfg


def thresholds(lang: str | None, extra_dirs: tuple[str, ...] | list[str] = ()) -> dict[str, Any]:
    """Thresholds for `lang` (language file over ``default.toml``); a fresh copy the caller may edit.

    `extra_dirs` are folders searched before the shipped files (calibrated languages)."""
    return copy.deepcopy(_thresholds(lang or "", tuple(str(d) for d in extra_dirs)))


def thresholds_shared(lang: str | None, extra_dirs: tuple[str, ...] = ()) -> dict[str, Any]:
    """Like `thresholds`, but the cached dict itself: callers must not modify it (hot paths)."""
    return _thresholds(lang or "", extra_dirs)


def load_file(path: str | Path) -> dict[str, Any]:
    """One language file merged over the defaults (used for files written by calibrate)."""
    base = dict(_load(str(HERE / "default.toml")))
    return merge(base, _load(str(path)))
