"""Pipeline configuration: TOML in, typed stages out, every bad key named.

A stage is a dataclass registered with `sia.stage.register`; its fields are its parameters.
The TOML names stages in order under ``[[stages]]`` with ``name = "..."`` plus parameters.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sia.stage import registry


class ConfigError(ValueError):
    """A configuration problem; the message names the offending key."""


@dataclass
class InputConfig:
    paths: list[str] = field(default_factory=list)  # used when the command line names none
    format: str = "auto"  # auto|jsonl|parquet|txt|warc|wet
    text_field: str = "text"
    id_field: str = "id"
    url_field: str = "url"
    txt_lines: bool = False
    html: str = "main"  # WARC HTML → text: "main" (DOM-pruned main content; all visible text
    # when it finds no article) or "text" (all visible text, one block per line, for `boilerplate`)
    records: bool = False  # inputs are sia output records (sia dedup): keep their fields and removals


@dataclass
class OutputConfig:
    path: str = ""  # used when the command line gives no -o
    format: str = "jsonl.zst"  # jsonl|jsonl.zst|parquet
    input_text: bool = True  # keep the original text in records (for inspect/report)
    report: bool = True


@dataclass
class RunConfig:
    workers: int = 0  # 0: number of cores
    batch_size: int = 256
    strict: bool = False
    lang: str = ""  # expected language(s), comma separated; "" accepts any
    max_doc_chars: int = 20_000_000
    work_dir: str = ""  # staging folder for an fsspec-URL output ("" → $SIA_WORK_DIR or the temp dir)
    shard_bytes: int = 256 * 2**20  # uncompressed JSONL / txt-lines files larger than this are
    # read as several shards (byte ranges cut at line starts); 0: one shard per file

    def validate(self) -> None:
        if self.shard_bytes < 0:
            raise ValueError(f"shard_bytes: must be >= 0, got {self.shard_bytes}")


@dataclass
class PipelineConfig:
    input: InputConfig = field(default_factory=InputConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    run: RunConfig = field(default_factory=RunConfig)
    stages: list[dict[str, Any]] = field(default_factory=list)


DEFAULT_STAGES: list[str] = [
    "normalize",
    "metadata",
    "repeats",
    "boilerplate",
    "host_templates",
    "langid",
    "pii",
    "quality",
    "exact_dedup",
    "near_dedup",
]


def default_stage_names() -> list[str]:
    reg = registry()
    return [n for n in DEFAULT_STAGES if n in reg]


def _check_type(key: str, value: Any, tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        for a in args:
            if a is type(None):
                continue
            try:
                return _check_type(key, value, a)
            except ConfigError:
                continue
        raise ConfigError(f"{key}: expected {tp}, got {value!r}")
    if origin in (list, tuple):
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        (inner,) = typing.get_args(tp)[:1] or (Any,)
        return [_check_type(f"{key}[{i}]", v, inner) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a table, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: expected an integer, got {value!r}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: expected true or false, got {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected a string, got {value!r}")
        return value
    return value


def build_dataclass(cls: type, values: dict[str, Any], where: str) -> Any:
    """Instantiate dataclass `cls` from `values`, naming unknown keys and bad values."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_")}
    kwargs = {}
    for k, v in values.items():
        if k not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise ConfigError(f"unknown key {where}.{k} (known: {known})")
        kwargs[k] = _check_type(f"{where}.{k}", v, hints[k])
    try:
        obj = cls(**kwargs)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}: {e}") from e
    validate = getattr(obj, "validate", None)
    if validate is not None:
        try:
            validate()
        except ValueError as e:
            raise ConfigError(f"{where}: {e}") from e
    return obj


def build_stage(spec: dict[str, Any], where: str) -> Any:
    if "name" not in spec:
        raise ConfigError(f"{where}: missing key 'name'")
    name = spec["name"]
    reg = registry()
    if name not in reg:
        raise ConfigError(f"{where}.name: unknown stage {name!r} (known: {', '.join(sorted(reg))})")
    params = {k: v for k, v in spec.items() if k != "name"}
    return build_dataclass(reg[name], params, f"{where}({name})")


def parse_config(data: dict[str, Any]) -> PipelineConfig:
    known = {"input", "output", "run", "stages"}
    for k in data:
        if k not in known:
            raise ConfigError(f"unknown key {k} (known: {', '.join(sorted(known))})")
    cfg = PipelineConfig(
        input=build_dataclass(InputConfig, data.get("input", {}), "input"),
        output=build_dataclass(OutputConfig, data.get("output", {}), "output"),
        run=build_dataclass(RunConfig, data.get("run", {}), "run"),
        stages=list(data.get("stages", [{"name": n} for n in default_stage_names()])),
    )
    if cfg.output.format not in ("jsonl", "jsonl.zst", "parquet"):
        raise ConfigError(f"output.format: expected jsonl, jsonl.zst or parquet, got {cfg.output.format!r}")
    for i, st in enumerate(cfg.stages):
        if not isinstance(st, dict):
            raise ConfigError(f"stages[{i}]: expected a table")
        build_stage(st, f"stages[{i}]")  # validate now, fail before any work
    return cfg


def load_config(path: str | Path) -> PipelineConfig:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: {e}") from e
    return parse_config(data)


def build_stages(cfg: PipelineConfig) -> list[Any]:
    return [build_stage(st, f"stages[{i}]") for i, st in enumerate(cfg.stages)]


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


def default_toml() -> str:
    """The default pipeline as TOML, every parameter spelled out with its default."""
    lines = ["# sia pipeline: `sia run THIS.toml INPUT... -o OUT`", ""]
    for section, obj in (("input", InputConfig()), ("output", OutputConfig()), ("run", RunConfig())):
        lines.append(f"[{section}]")
        for f in dataclasses.fields(obj):
            lines.append(f"{f.name} = {_toml_value(getattr(obj, f.name))}")
        lines.append("")
    reg = registry()
    for name in default_stage_names():
        lines.append("[[stages]]")
        lines.append(f'name = "{name}"')
        obj = reg[name]()
        for f in dataclasses.fields(obj):
            if not f.init or f.name.startswith("_"):
                continue
            v = getattr(obj, f.name)
            if v is None:
                continue
            lines.append(f"{f.name} = {_toml_value(v)}")
        lines.append("")
    return "\n".join(lines)
