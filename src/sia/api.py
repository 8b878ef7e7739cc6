"""Python entry points: clean one text, or run a pipeline over a stream — no CLI needed."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sia.config import ConfigError, PipelineConfig, build_stage, default_stage_names, load_config
from sia.record import Document
from sia.run.plan import plan_passes
from sia.run.store import read_batches, write_batches
from sia.stage import ShardContext, is_corpus_stage, run_doc_stages

CORPUS_ONLY = ("host_templates", "exact_dedup", "near_dedup", "corpus_lines")


def _as_document(item: Document | str | dict[str, Any], n: int) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(id=str(n), text=item)
    if isinstance(item, dict):
        meta = {k: v for k, v in item.items() if k not in ("id", "text", "url")}
        return Document(id=str(item.get("id", n)), text=item["text"], url=item.get("url"), metadata=meta)
    raise TypeError(f"expected Document, str or dict, got {type(item).__name__}")


class Pipeline:
    """A sequence of stages run over a stream of documents in this process.

    Document stages stream batch by batch. Corpus stages (dedup, host templates) need the whole
    stream first: documents are then spooled to a temporary folder on disk, never held in memory.
    """

    def __init__(
        self,
        stages: list[Any] | None = None,
        *,
        config: PipelineConfig | str | Path | None = None,
        batch_size: int = 256,
    ):
        if stages is None:
            if config is None:
                specs = [{"name": n} for n in default_stage_names()]
            else:
                cfg = config if isinstance(config, PipelineConfig) else load_config(config)
                specs = cfg.stages
            stages = [build_stage(s, f"stages[{i}]") for i, s in enumerate(specs)]
        self.stages = stages
        self.batch_size = batch_size

    @classmethod
    def default(cls, **params: Any) -> Pipeline:
        """The default pipeline; `params` set stage parameters by name (see `clean_text`)."""
        return cls(
            [build_stage(s, f"stages[{i}]") for i, s in enumerate(_specs_with(default_stage_names(), params))]
        )

    def _batches(self, docs: Iterable[Any]) -> Iterator[list[Document]]:
        batch: list[Document] = []
        for n, item in enumerate(docs):
            batch.append(_as_document(item, n))
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def run(self, docs: Iterable[Document | str | dict[str, Any]]) -> Iterator[Document]:
        """Yield every document (kept and rejected; check `doc.kept` / `doc.decision`) in order."""
        passes = plan_passes(self.stages)
        if len(passes) == 1:
            for batch in self._batches(docs):
                yield from run_doc_stages(passes[0].doc_stages, batch)
            return
        with tempfile.TemporaryDirectory(prefix="sia-pipeline-") as tmp:
            work = Path(tmp)
            source: Iterable[list[Document]] = self._batches(docs)
            for p in passes:
                apply_ctx = ShardContext(0, 1, work / f"stage{p.index - 1}") if p.apply else None
                obs_ctx = ShardContext(0, 1, work / f"stage{p.index}") if p.observe else None
                if obs_ctx:
                    obs_ctx.work.mkdir(parents=True, exist_ok=True)

                def step(src: Iterable[list[Document]], p=p, apply_ctx=apply_ctx, obs_ctx=obs_ctx):
                    for batch in src:
                        if p.apply is not None:
                            idx = [i for i, d in enumerate(batch) if d.kept]
                            out = p.apply.apply([batch[i] for i in idx], apply_ctx) if idx else []
                            for i, d in zip(idx, out, strict=True):
                                batch[i] = d
                        batch = run_doc_stages(p.doc_stages, batch)
                        if p.observe is not None:
                            live = [d for d in batch if d.kept]
                            if live:
                                p.observe.observe(live, obs_ctx)
                        yield batch

                if p.observe is None:
                    for batch in step(source):
                        yield from batch
                    return
                store = work / f"pass{p.index}.pkl.zst"
                write_batches(store, step(source))
                p.observe.finish_shard(obs_ctx)
                p.observe.combine(obs_ctx.work, 1, lambda fn, items: [fn(x) for x in items])
                source = read_batches(store)


def _specs_with(names: list[str], params: dict[str, Any]) -> list[dict[str, Any]]:
    """Stage specs with `params` routed to every stage that has a parameter of that name."""
    from sia.stage import registry

    reg = registry()
    specs = [{"name": n} for n in names]
    used: set[str] = set()
    for spec in specs:
        fields = {f.name for f in dataclasses.fields(reg[spec["name"]])}
        for k, v in params.items():
            if k in fields:
                spec[k] = v
                used.add(k)
    unknown = set(params) - used
    if unknown:
        raise ConfigError(f"unknown option(s) {', '.join(sorted(unknown))}: no stage has such a parameter")
    return specs


def clean_text(text: str, *, lang: str | None = None, url: str | None = None, **options: Any) -> Document:
    """Repair, label and judge one text with the default document stages; returns its record.

    `lang` keeps only that language (like ``--lang``); other `options` set stage parameters by
    name, e.g. ``title_in_text=True``. Corpus stages (dedup, host templates) need a corpus and
    are not run here. Read the result from `doc.clean_text`, `doc.removed`, `doc.decision`, ...
    """
    if lang:
        options.setdefault("keep_langs", [x.strip() for x in lang.split(",")])
    names = [n for n in default_stage_names() if n not in CORPUS_ONLY]
    stages = [build_stage(s, f"stages[{i}]") for i, s in enumerate(_specs_with(names, options))]
    stages = [s for s in stages if not is_corpus_stage(s)]
    doc = Document(id="text", text=text, url=url)
    return run_doc_stages(stages, [doc])[0]
