"""What users look at after a run: statistics, the HTML report and ``sia inspect``.

* `sia.report.stats`  — `StatsAccumulator` (builds and merges ``stats.json``, schema
  ``sia.stats/1``), `print_stats`, `main_stats`.
* `sia.report.html`   — `write_report` (``OUT/report.html``), `main_report`.
* `sia.report.inspect` — `inspect`, `inspect_document`, `main_inspect`.
* `sia.report.parts`  — stream the records of a run's output folder.

Nothing is imported here, so ``import sia.report.stats`` in an executor does not pull in plotly.
"""
