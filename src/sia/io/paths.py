"""Input expansion (directories, globs, fsspec URLs) and format detection by extension."""

from __future__ import annotations

import glob
import os

import fsspec

from sia.io.errors import InputError

# longest suffix first
FORMATS: list[tuple[str, str]] = [
    (".warc.wet.gz", "wet"),
    (".wet.gz", "wet"),
    (".warc.wet", "wet"),
    (".wet", "wet"),
    (".warc.gz", "warc"),
    (".warc.zst", "warc"),
    (".warc", "warc"),
    (".jsonl.gz", "jsonl"),
    (".jsonl.zst", "jsonl"),
    (".jsonl.zstd", "jsonl"),
    (".json.gz", "jsonl"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".parquet", "parquet"),
    (".txt", "txt"),
    (".txt.gz", "txt"),
]
KNOWN = {f for _, f in FORMATS}


def detect_format(path: str, override: str = "auto") -> str | None:
    if override != "auto":
        if override not in KNOWN:
            raise InputError(f"unknown input format {override!r} (known: {', '.join(sorted(KNOWN))})")
        return override
    low = path.lower()
    for suffix, fmt in FORMATS:
        if low.endswith(suffix):
            return fmt
    return None


def _is_url(p: str) -> bool:
    return "://" in p and not p.startswith("file://")


def expand_inputs(inputs: list[str], fmt: str = "auto") -> list[tuple[str, str]]:
    """Expand paths/dirs/globs/URLs into a sorted, de-duplicated list of (path, format).

    Order is deterministic (sorted per argument, arguments in given order), since shard numbers,
    and so output part names, follow it.
    """
    if not inputs:
        raise InputError("no input given")
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for arg in inputs:
        paths: list[str]
        if arg.startswith("file://"):
            arg = arg[len("file://") :]
        if _is_url(arg):
            fs, _, found = fsspec.get_fs_token_paths(arg)
            if glob.has_magic(arg):
                paths = sorted(fs.unstrip_protocol(p) for p in found)
                if not paths:
                    raise InputError(f"{arg}: the pattern matches no file")
            else:
                if not fs.exists(found[0]):
                    raise InputError(f"{arg}: no such file or directory")
                if fs.isdir(found[0]):
                    paths = sorted(fs.unstrip_protocol(p) for p in fs.find(found[0]))
                else:
                    paths = [arg]
        elif glob.has_magic(arg):
            paths = sorted(p for p in glob.glob(arg, recursive=True) if os.path.isfile(p))
            if not paths:
                raise InputError(f"{arg}: the pattern matches no file")
        elif os.path.isdir(arg):
            paths = sorted(
                os.path.join(root, f)
                for root, _, files in os.walk(arg)
                for f in files
                if not f.startswith(".")
            )
            paths = [p for p in paths if detect_format(p, fmt) is not None]
            if not paths:
                raise InputError(f"{arg}: the directory holds no file of a known format")
        elif os.path.exists(arg):
            paths = [arg]
        else:
            raise InputError(f"{arg}: no such file or directory")
        for p in paths:
            f = detect_format(p, fmt)
            if f is None:
                if glob.has_magic(arg) or os.path.isdir(arg):
                    continue
                raise InputError(f"{p}: unknown input format (use --input-format)")
            if p not in seen:
                seen.add(p)
                out.append((p, f))
    if not out:
        raise InputError("no input file of a known format")
    return out
