"""The command line as a user meets it: help, exit codes, one-line errors, config."""

import tomllib

from conftest import EXAMPLES
from sia.config import default_stage_names


def test_help_everywhere(sia_cli):
    r = sia_cli("--help")
    assert r.returncode == 0 and "clean" in r.stdout and "Exit codes" in r.stdout
    for cmd in ("clean", "run", "dedup", "config", "calibrate", "inspect", "report", "stats"):
        r = sia_cli(cmd, "--help")
        assert r.returncode == 0, (cmd, r.stderr)
        assert "usage" in r.stdout.lower(), cmd


def test_missing_input_unwritable_output_and_empty_glob_exit_2_with_one_line(tmp_path, sia_cli):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cases = [
        (["clean", tmp_path / "nope.jsonl", "-o", tmp_path / "o"], "no such file"),
        (["clean", EXAMPLES / "000_fc034b1a7ebc7edf.txt", "-o", blocker / "sub"], "not writable"),
        (["clean", str(tmp_path / "*.jsonl"), "-o", tmp_path / "o"], "matches no file"),
    ]
    for args, words in cases:
        r = sia_cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        lines = [x for x in r.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and words in lines[0], r.stderr


def test_default_config_round_trips_and_bad_keys_are_named(tmp_path, sia_cli):
    r = sia_cli("config", "--default")
    assert r.returncode == 0
    data = tomllib.loads(r.stdout)
    assert [s["name"] for s in data["stages"]] == default_stage_names()
    bad = tmp_path / "bad.toml"
    bad.write_text(r.stdout.replace("[run]", "[run]\nworkerz = 3", 1))
    r2 = sia_cli("run", bad, EXAMPLES / "000_fc034b1a7ebc7edf.txt", "-o", tmp_path / "o")
    assert r2.returncode == 2 and "run.workerz" in r2.stderr
    bad.write_text(r.stdout.replace("batch_size = 256", 'batch_size = "many"'))
    r3 = sia_cli("run", bad, EXAMPLES / "000_fc034b1a7ebc7edf.txt", "-o", tmp_path / "o")
    assert r3.returncode == 2 and "run.batch_size" in r3.stderr
    bad.write_text('[[stages]]\nname = "no_such_stage"\n')
    r4 = sia_cli("run", bad, EXAMPLES / "000_fc034b1a7ebc7edf.txt", "-o", tmp_path / "o")
    assert r4.returncode == 2 and "no_such_stage" in r4.stderr


def test_run_reads_inputs_and_output_from_the_toml(tmp_path, sia_cli):
    toml = tmp_path / "p.toml"
    toml.write_text(
        f'[input]\npaths = ["{EXAMPLES / "000_fc034b1a7ebc7edf.txt"}"]\n'
        f'[output]\npath = "{tmp_path / "o"}"\nformat = "jsonl"\nreport = false\n'
        '[[stages]]\nname = "normalize"\n'
    )
    r = sia_cli("run", toml, "-q")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "o" / "kept" / "part-00000.jsonl").exists()


def test_strict_stops_at_the_first_bad_record_with_exit_3(tmp_path, sia_cli):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": "a", "text": "Gott skjal hér."}\n{"id": "b", "text": \n')
    r = sia_cli("clean", p, "-o", tmp_path / "o", "--strict", "-q", "--no-report", "--workers", "1")
    assert r.returncode == 3 and "line 2" in r.stderr and "malformed_json" in r.stderr
    r = sia_cli("clean", p, "-o", tmp_path / "o2", "-q", "--no-report", "--workers", "1")
    assert r.returncode == 0
    err = (tmp_path / "o2" / "errors" / "part-00000.jsonl").read_text()
    assert '"record":"line 2"' in err and "malformed_json" in err


def test_python_dash_m_is_the_same_command(sia_cli):
    r = sia_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("sia ")
