import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sia.report.stats import deterministic_part

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def run_sia(*args, cwd=None, timeout=600, check=False):
    """Run the real command line in a subprocess (as a user would)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.run(
        [sys.executable, "-m", "sia", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env=env,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"sia {' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


@pytest.fixture
def sia_cli():
    return run_sia


def outputs(out: Path) -> dict[str, bytes]:
    """A finished run's parts and the deterministic part of its stats, for byte comparisons."""
    files = {}
    for sub in ("kept", "rejected", "errors"):
        for p in sorted((out / sub).glob("*")):
            files[f"{sub}/{p.name}"] = p.read_bytes()
    stats = json.loads((out / "stats.json").read_text())
    files["stats.json"] = json.dumps(deterministic_part(stats), sort_keys=True).encode()
    return files
