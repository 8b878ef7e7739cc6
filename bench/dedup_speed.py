"""MinHash signature speed table for bench/results/dedup.md: runs `python -m sia.bench minhash`.

.venv/bin/python bench/dedup_speed.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from dedup_quality import OUT, replace_section  # noqa: E402

ANCHOR_RENSA = 10_460  # ANCHORS.md, measured on the reference 2-core machine, one core
ANCHOR_DATASKETCH = 2_750


def main() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "sia.bench", "minhash"], capture_output=True, text=True, check=True
    )
    res = json.loads(r.stdout.strip().splitlines()[-1])
    lines = [
        "## Signature speed (python -m sia.bench minhash)",
        "",
        "`.venv/bin/python -m sia.bench minhash` (table: `.venv/bin/python bench/dedup_speed.py`) — 20,000",
        "Icelandic documents of ~2.3 KB built from real sentences, word 5-grams, 128 values, one core, all",
        "libraries in one process; from text to signature (anchors get `\\w+` 5-gram strings, whose making",
        "is timed once and added, as in the anchors' own measurement).",
        "",
        "| library | docs/s from text | docs/s signature only | vs sia |",
        "|---|---|---|---|",
        f"| sia (vectorised shingles + OPH) | {res['sia_docs_per_s']:,} | {res['sia_signature_only_docs_per_s']:,} | 1.00 |",
        f"| rensa RMinHash bulk | {res.get('rensa_docs_per_s', 0):,} | {res.get('rensa_signature_only_docs_per_s', 0):,} "
        f"| {res.get('rensa_docs_per_s', 1) / res['sia_docs_per_s']:.2f} |",
        f"| datasketch MinHash.bulk | {res.get('datasketch_docs_per_s', 0):,} | "
        f"{res.get('datasketch_signature_only_docs_per_s', 0):,} | {res.get('datasketch_docs_per_s', 1) / res['sia_docs_per_s']:.2f} |",
        f"| (shingle strings alone, `\\w+`) | {res['shingling_only_docs_per_s']:,} | | |",
        "",
        f"sia / rensa = {res.get('sia_vs_rensa')} (goal ≥ 2). Published anchors (ANCHORS.md, quiet machine): rensa",
        f"{ANCHOR_RENSA:,} docs/s, datasketch bulk {ANCHOR_DATASKETCH:,}; sia / rensa anchor ="
        f" {res['sia_docs_per_s'] / ANCHOR_RENSA:.2f}. The machine was shared with other jobs while measuring, so",
        "absolute numbers are low; the ratios come from one process and the same documents.",
        "",
        "```",
        json.dumps(res),
        "```",
        "",
    ]
    replace_section(OUT, "## Signature speed", "\n".join(lines))


if __name__ == "__main__":
    main()
