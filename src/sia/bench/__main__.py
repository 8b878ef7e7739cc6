"""`python -m sia.bench NAME`: run a built-in benchmark (names: minhash)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("minhash",):
        print("usage: python -m sia.bench minhash [--docs N]", file=sys.stderr)
        return 2
    # one core for every library, so docs/s are per core (rensa's bulk calls use a thread pool)
    for var in ("RAYON_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    from sia.bench import minhash

    return minhash.main(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
