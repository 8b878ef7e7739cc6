"""Number formatting shared by the terminal tables and the HTML report."""

from __future__ import annotations


def human_bytes(n: float) -> str:
    """``1536`` → ``"1.5 KB"`` (powers of 1000, as disk and corpus sizes are usually quoted)."""
    n = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def num(x: float | int | None) -> str:
    if x is None:
        return "–"
    if isinstance(x, int):
        return f"{x:,}"
    return f"{x:.4g}"
