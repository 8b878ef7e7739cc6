"""Output locations that are fsspec URLs (``s3://``, ``gs://``, ``memory://``, ``file://`` …).

A local path keeps the plain-file code (temp name + ``os.replace``). For a URL, a file is written
to the local disk first and then stored with one ``put``/``pipe`` to its final key: an S3/GCS
object only becomes visible once its upload is complete, so no reader ever sees half a part and
no rename (which object stores lack) is needed. For fsspec's local file system (``file://``),
where a copy is not atomic, the upload goes to a hidden temp name and is then renamed.

The work folder (pass stores, corpus-stage partitions, done markers) is not put on the URL: the
corpus stages write it with numpy/pyarrow/``os.replace`` on POSIX paths and read it back from
other tasks. For a URL output it lives in a staging folder (`work_dir`) that every worker shares.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import fsspec

_LOCAL_PROTOCOLS = {"file", "local"}


def is_url(out: str | Path) -> bool:
    """Whether `out` names an fsspec location rather than a local path."""
    return isinstance(out, str) and "://" in out


def join(out: str | Path, *parts: str) -> str | Path:
    """`out/parts…`; a Path for a local output (``Path`` would collapse ``s3://``), else a URL."""
    if not is_url(out):
        return Path(out).joinpath(*parts)
    return "/".join([str(out).rstrip("/"), *parts])


def digest(out: str | Path) -> str:
    return hashlib.sha1(str(out).rstrip("/").encode()).hexdigest()[:16]


def fs_path(url: str) -> tuple[Any, str]:
    """The fsspec file system of `url` and the path within it."""
    fs, path = fsspec.core.url_to_fs(url)
    return fs, path


def _is_local(fs: Any) -> bool:
    protos = fs.protocol if isinstance(fs.protocol, tuple | list) else (fs.protocol,)
    return bool(_LOCAL_PROTOCOLS & set(protos))


def _tmp_key(path: str) -> str:
    head, _, name = path.rpartition("/")
    return f"{head}/.{name}.{os.getpid()}.tmp"


def put_file(local: Path, url: str) -> None:
    """Store the local file `local` as `url` in one step (atomic for object stores)."""
    fs, path = fs_path(url)
    if _is_local(fs):
        fs.makedirs(fs._parent(path), exist_ok=True)
        tmp = _tmp_key(path)
        fs.put_file(str(local), tmp)
        os.replace(tmp, path)
        return
    fs.put_file(str(local), path)


def put_bytes(url: str, data: bytes) -> None:
    """Store `data` as `url` in one step (atomic for object stores)."""
    fs, path = fs_path(url)
    if _is_local(fs):
        fs.makedirs(fs._parent(path), exist_ok=True)
        tmp = _tmp_key(path)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return
    fs.pipe_file(path, data)


def read_bytes(url: str) -> bytes:
    fs, path = fs_path(url)
    return fs.cat_file(path)


def exists(url: str) -> bool:
    fs, path = fs_path(url)
    return fs.exists(path)


def remove(url: str) -> None:
    """Delete a file or a folder (recursively); missing is fine."""
    fs, path = fs_path(url)
    if fs.exists(path):
        fs.rm(path, recursive=True)


def check_writable(url: str) -> None:
    """Raise OSError unless an object can be stored (and deleted) under `url`."""
    probe = join(url, ".sia-write-test")
    put_bytes(probe, b"")
    remove(probe)


def sweep_url_tmp(url: str) -> int:
    """Delete the hidden temp files of killed uploads (only ``file://`` makes them)."""
    fs, path = fs_path(url)
    if not _is_local(fs) or not fs.exists(path):
        return 0
    n = 0
    for p in Path(path).rglob(".*.tmp"):
        p.unlink(missing_ok=True)
        n += 1
    return n


def upload_tmp_dir(out: str) -> Path:
    """Node-local folder where a URL output's parts are written before their upload."""
    return Path(tempfile.gettempdir()) / f"sia-upload-{digest(out)}"


def same_run(state: Path, fingerprint: dict[str, Any], resume: bool) -> bool:
    """True when `state` records this very command, so finished work may be reused."""
    if not resume or not state.exists():
        return False
    try:
        return json.loads(state.read_text()) == json.loads(json.dumps(fingerprint))
    except (OSError, ValueError):
        return False


def work_folder(out: str | Path, work_dir: str | Path | None = None) -> Path:
    """The run's work folder: ``OUT/.sia`` for a local OUT; for a URL, ``sia-<hash of OUT>`` in
    `work_dir` (default: the system temp dir, which only one machine sees)."""
    if not is_url(out):
        return Path(out) / ".sia"
    base = Path(work_dir) if work_dir else Path(tempfile.gettempdir())
    return base / f"sia-{digest(out)}"


def prepare_url_output(
    out: str, fingerprint: dict[str, Any], resume: bool, work_dir: str | Path | None, state_file: str
) -> Path:
    """`prepare_output` for a URL: check it takes writes; keep finished work (the done markers in
    the staging work folder and the parts on the URL) only if it came from the same command."""
    import shutil

    from sia.io.errors import InputError

    try:
        check_writable(out)
    except Exception as e:  # drivers raise their own types (PermissionError, ClientError …)
        raise InputError(f"{out}: output location is not writable ({e})") from e
    work = work_folder(out, work_dir)
    state = work / state_file
    if not same_run(state, fingerprint, resume):
        for sub in ("kept", "rejected", "errors", "stats.json", "run.json", "report.html"):
            remove(str(join(out, sub)))
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(upload_tmp_dir(out), ignore_errors=True)
        work.mkdir(parents=True)
        tmp = work / f".{state_file}.{os.getpid()}.tmp"
        tmp.write_bytes(json.dumps(fingerprint, indent=1).encode())
        os.replace(tmp, state)
    return work
