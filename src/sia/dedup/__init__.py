"""sia.dedup: corpus-level exact and near-duplicate removal, and the shared key counter."""

from sia.dedup import exact, near  # noqa: F401  (register the stages)
