"""The `sia` command line. Exit codes: 0 done; 1 unexpected error; 2 bad command, input path,
output folder or configuration (one line says why); 3 stopped by ``--strict`` at a bad record."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_STRICT = 0, 1, 2, 3


def _add_run_options(p: argparse.ArgumentParser, with_inputs: bool = True) -> None:
    if with_inputs:
        p.add_argument("inputs", nargs="*", metavar="INPUT", help="files, directories, globs or fsspec URLs")
    p.add_argument("-o", "--out", help="output folder")
    p.add_argument(
        "--format", choices=["jsonl", "jsonl.zst", "parquet"], help="output format (default jsonl.zst)"
    )
    p.add_argument(
        "--input-format",
        choices=["auto", "jsonl", "parquet", "txt", "warc", "wet"],
        help="override detection by extension",
    )
    p.add_argument("--text-field", help="JSONL/Parquet field holding the text (default: text)")
    p.add_argument("--id-field", help="field holding the document id (default: id)")
    p.add_argument("--url-field", help="field holding the URL (default: url)")
    p.add_argument("--txt-lines", action="store_true", default=None, help=".txt: one document per line")
    p.add_argument(
        "--html",
        choices=["main", "text"],
        help="WARC HTML: main content (default; all visible text when no article is found) or all visible text",
    )
    p.add_argument("--workers", type=int, help="worker processes (default: number of cores)")
    p.add_argument("--batch-size", type=int, help="documents per batch (default 256)")
    p.add_argument("--lang", help="keep only these languages (comma separated ISO codes), e.g. --lang is")
    p.add_argument(
        "--strict", action="store_true", default=None, help="stop at the first bad record (exit 3)"
    )
    p.add_argument("--no-input-text", action="store_true", help="do not keep the original text in records")
    p.add_argument("--no-report", action="store_true", help="do not write report.html")
    p.add_argument("--no-dedup", action="store_true", help="skip exact and near deduplication")
    p.add_argument("--title-in-text", action="store_true", help="keep an extracted title in the text")
    p.add_argument("--fresh", action="store_true", help="ignore finished work in OUT and start over")
    p.add_argument(
        "--executor", choices=["local", "ray"], default="local", help="where to run (default local)"
    )
    p.add_argument("--address", help="Ray cluster address (with --executor ray), e.g. auto")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")


def _apply_options(cfg: Any, args: argparse.Namespace) -> Any:
    from sia.config import ConfigError

    if args.format:
        cfg.output.format = args.format
    if args.input_format:
        cfg.input.format = args.input_format
    for name in ("text_field", "id_field", "url_field", "html"):
        v = getattr(args, name, None)
        if v is not None:
            setattr(cfg.input, name, v)
    if args.txt_lines:
        cfg.input.txt_lines = True
    if args.workers is not None:
        if args.workers < 0:
            raise ConfigError("--workers: must be >= 0")
        cfg.run.workers = args.workers
    if args.batch_size is not None:
        if args.batch_size < 1:
            raise ConfigError("--batch-size: must be >= 1")
        cfg.run.batch_size = args.batch_size
    if args.strict:
        cfg.run.strict = True
    if args.no_input_text:
        cfg.output.input_text = False
    if args.no_report:
        cfg.output.report = False
    if args.no_dedup:
        cfg.stages = [s for s in cfg.stages if s.get("name") not in ("exact_dedup", "near_dedup")]
    if args.lang:
        langs = [x.strip() for x in args.lang.split(",") if x.strip()]
        cfg.run.lang = ",".join(langs)
        for s in cfg.stages:
            if s.get("name") == "langid":
                s["keep_langs"] = langs
    if args.title_in_text:
        for s in cfg.stages:
            if s.get("name") == "metadata":
                s["title_in_text"] = True
    return cfg


def _execute(cfg: Any, inputs: list[str], out: str | None, args: argparse.Namespace) -> int:
    from rich.console import Console

    from sia.config import parse_config
    from sia.io.errors import InputError

    console = Console(stderr=True)
    inputs = inputs or cfg.input.paths
    out = out or cfg.output.path
    if not inputs:
        raise InputError("no input given (name files, directories or globs)")
    if not out:
        raise InputError("no output folder given (-o OUT)")
    # re-validate after command-line changes, so a bad value names its key
    from dataclasses import asdict

    cfg = parse_config(asdict(cfg))
    from sia.run.progress import RichProgress

    if args.executor == "ray":
        from sia.run.ray_executor import run_pipeline_ray as runner
    else:
        from sia.run.local import run_pipeline as runner
    kwargs: dict[str, Any] = {"resume": not args.fresh}
    if args.executor == "ray":
        kwargs["address"] = args.address
    if args.quiet:
        result = runner(cfg, inputs, out, **kwargs)
    else:
        with RichProgress(console) as prog:
            result = runner(cfg, inputs, out, progress=prog, **kwargs)
    is_url = "://" in str(out) and not str(out).startswith("file://")
    report_path = None
    if cfg.output.report and not is_url:
        from sia.report.html import write_report

        report_path = write_report(Path(str(out).removeprefix("file://")))
    if not args.quiet:
        from sia.report.stats_table import print_tables

        print_tables(result.stats, console=Console())
        if report_path is not None:
            Console().print(f"report: {report_path}")
        elif cfg.output.report:
            Console().print("report: not written for a URL output; run `sia report` on a local copy of OUT")
    return EXIT_OK


def cmd_clean(args: argparse.Namespace) -> int:
    from sia.config import PipelineConfig, default_stage_names, load_config

    if args.config:
        cfg = load_config(args.config)
    else:
        cfg = PipelineConfig(stages=[{"name": n} for n in default_stage_names()])
    return _execute(_apply_options(cfg, args), args.inputs, args.out, args)


def cmd_run(args: argparse.Namespace) -> int:
    from sia.config import load_config
    from sia.io.errors import InputError

    if not Path(args.pipeline).exists():
        raise InputError(f"{args.pipeline}: no such file")
    cfg = load_config(args.pipeline)
    return _execute(_apply_options(cfg, args), args.inputs, args.out, args)


def cmd_dedup(args: argparse.Namespace) -> int:
    from sia.config import PipelineConfig

    stages: list[dict[str, Any]] = [{"name": "exact_dedup"}, {"name": "near_dedup"}]
    if args.index:
        for s in stages:
            s["index"] = args.index
    cfg = PipelineConfig(stages=stages)
    cfg.input.records = True
    return _execute(_apply_options(cfg, args), args.inputs, args.out, args)


def cmd_config(args: argparse.Namespace) -> int:
    from sia.config import default_toml

    if not args.default:
        print("use: sia config --default  (prints the default pipeline as TOML)", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(default_toml())
    return EXIT_OK


def _delegate(module: str, func: str) -> Any:
    def run(args: argparse.Namespace) -> int:
        import importlib

        fn = getattr(importlib.import_module(module), func)
        return int(fn(args.rest) or 0)

    return run


# commands whose own modules parse their arguments (each has --help)
DELEGATED = {
    "calibrate": ("sia.label.calibrate", "main", "derive a language's thresholds from a corpus"),
    "inspect": ("sia.report.inspect", "main_inspect", "show a document with its removed spans"),
    "report": ("sia.report.html", "main_report", "write OUT/report.html"),
    "stats": ("sia.report.stats", "main_stats", "print the stats table of OUT"),
}


def build_parser() -> argparse.ArgumentParser:
    from sia import __version__

    p = argparse.ArgumentParser(
        prog="sia",
        description="Sieve web-crawled text into clean, deduplicated, language-labelled corpora.",
        epilog="Exit codes: 0 done, 1 unexpected error, 2 bad command/input/output/config, 3 --strict stop.",
    )
    p.add_argument("--version", action="version", version=f"sia {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser(
        "clean",
        help="run the default pipeline",
        description="Repair, label, filter and deduplicate INPUTs into OUT.",
    )
    _add_run_options(c)
    c.add_argument("--config", help="start from this pipeline TOML instead of the default")
    c.set_defaults(func=cmd_clean)

    r = sub.add_parser(
        "run", help="run a pipeline from TOML", description="Run the stages named in PIPELINE.toml."
    )
    r.add_argument("pipeline", metavar="PIPELINE.toml")
    _add_run_options(r)
    r.set_defaults(func=cmd_run)

    d = sub.add_parser(
        "dedup",
        help="deduplicate already cleaned records",
        description="Exact and near dedup of sia records.",
    )
    _add_run_options(d)
    d.add_argument("--index", help="persistent dedup index folder: dedup against it, then append")
    d.set_defaults(func=cmd_dedup)

    g = sub.add_parser("config", help="print configuration", description="Print the default pipeline TOML.")
    g.add_argument("--default", action="store_true", help="print the default pipeline")
    g.set_defaults(func=cmd_config)

    for name, (module, func, helptext) in DELEGATED.items():
        s = sub.add_parser(name, help=helptext, add_help=False)
        s.add_argument("rest", nargs=argparse.REMAINDER)
        s.set_defaults(func=_delegate(module, func))
    return p


def main(argv: list[str] | None = None) -> int:
    from sia.config import ConfigError
    from sia.io.errors import InputError
    from sia.run.local import StrictError

    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    try:
        if argv and argv[0] in DELEGATED:
            module, func, _ = DELEGATED[argv[0]]
            import importlib

            return int(getattr(importlib.import_module(module), func)(argv[1:]) or 0)
        args = parser.parse_args(argv)
        return args.func(args)
    except (InputError, ConfigError) as e:
        print(f"sia: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except StrictError as e:
        print(f"sia: stopped (--strict): {e}", file=sys.stderr)
        return EXIT_STRICT
    except KeyboardInterrupt:
        print("sia: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
