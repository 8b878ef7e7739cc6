"""Assemble BENCHMARKS.md from bench/results/*.md (each written by its benchmark).

    .venv/bin/python bench/collect.py

The summary at the top is maintained here by hand from those results; every section below it is
the benchmark's own output, with the command that reproduces it.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = [
    "executor",
    "split",
    "segment",
    "extraction",
    "repair_speed",
    "langid",
    "quality",
    "dedup",
    "ray",
    "report",
]

HEADER = """# Benchmarks

Every number here was measured on this project's machine kind (2 cores, 24 GB, x86_64, Python 3.11)
by a script in `bench/`, with the anchor tools run **in the same process or the same run** where a
ratio is given. The machine was shared with other jobs while these ran: most speed tables give CPU
time, which does not depend on the load; wall-clock rows say so. Install the anchors with
`make bench` (extra `bench`: trafilatura, jusText, datasketch, rensa, datatrove, lingua).

## Summary against the issues' goals

SUMMARY_TABLE
"""


def main() -> None:
    parts = [HEADER.replace("SUMMARY_TABLE", (ROOT / "bench" / "summary.md").read_text().strip())]
    results = ROOT / "bench" / "results"
    names = [n for n in ORDER if (results / f"{n}.md").exists()]
    names += sorted(p.stem for p in results.glob("*.md") if p.stem not in names)
    for name in names:
        text = (results / f"{name}.md").read_text().strip()
        # demote headings one level so each benchmark is a section of this file
        lines = [("#" + line) if line.startswith("#") else line for line in text.splitlines()]
        if not lines[0].startswith("## "):
            lines.insert(0, f"## {name}")
        parts.append("\n".join(lines))
    (ROOT / "BENCHMARKS.md").write_text("\n\n".join(parts) + "\n")
    print(f"wrote {ROOT / 'BENCHMARKS.md'} from {len(names)} result files")


if __name__ == "__main__":
    main()
