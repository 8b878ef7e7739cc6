"""sia.dedup: corpus-level exact and near-duplicate removal, corpus-wide repeated lines, and the
out-of-core key counter they share with `sia.repair.host_templates`."""

from sia.dedup import exact, lines, near  # noqa: F401  (register the stages)
