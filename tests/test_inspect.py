"""``sia inspect``: the spans and reasons a user sees in the terminal."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from sia.record import Document
from sia.report.inspect import document_text, excerpts, inspect, inspect_document, main_inspect
from sia.report.styles import reason_color
from test_report_common import build_out, fixture_docs


def _console(color: bool = True) -> Console:
    if color:
        return Console(
            file=io.StringIO(), width=120, force_terminal=True, color_system="truecolor", record=True
        )
    return Console(file=io.StringIO(), width=120, color_system=None, record=True)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_out(tmp_path_factory.mktemp("out"), "parquet")


def _rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"48;2;{r};{g};{b}"  # the ANSI background sequence rich emits for this colour


def test_id_shows_header_legend_and_every_span_in_its_reason_colour(out: Path) -> None:
    c = _console()
    assert inspect(out, id="seed-000", console=c) == 1
    text = c.export_text()
    for needle in ("seed-000", "keep", "is (0.93)", "Pútín heimsækir Kim", "Gunnar Reynir Valþórsson",
                   "2024-06-18T07:48", '"size": 2', "n_words=142",
                   "metadata  3 spans, 164 chars", "repeated  1 span, 3,014 chars", "input 6,282 chars → output 874 chars"):  # fmt: skip
        assert needle in text, needle
    ansi = c.file.getvalue()
    for reason in ("metadata", "boilerplate", "repeated"):
        assert _rgb(reason_color(reason)) in ansi


def test_document_text_styles_exactly_the_removed_spans() -> None:
    doc = fixture_docs()[0]
    t = document_text(doc)
    view = doc.clean_view()
    for start, n in zip(view.input_starts, view.lengths):  # every kept piece is there, unstyled
        assert doc.text[start : start + n] in t.plain
    styled = [(s.start, s.end, str(s.style)) for s in t.spans]
    metadata = [sp for sp in doc.removed if sp.reason == "metadata"]
    for sp in metadata:  # short spans are shown whole, at their input offsets
        assert (sp.start, sp.end, f"black on {reason_color('metadata')} strike") in styled
        assert t.plain[sp.start : sp.end] == doc.text[sp.start : sp.end]


def test_plain_output_brackets_spans_with_their_reason(out: Path) -> None:
    c = _console(color=False)
    inspect(out, id="seed-000", console=c)
    text = c.export_text()
    assert "[-metadata: Pútín heimsækir Kim -]" in text
    assert "[-repeated: \nÁður en hann" in text


def test_reason_sample_shows_only_that_reasons_spans_with_context(out: Path) -> None:
    c = _console()
    assert inspect(out, reason="repeated", sample=5, console=c) == 2  # the seed page and its copy
    text = c.export_text()
    assert "seed-000 " in text and "seed-000-copy" in text
    assert text.count("1 span of  repeated , 3,014 chars") == 2
    # the context before it is another reason's span: shown, but not in front (dim, no colour)
    assert "[-boilerplate: peningaverðlaunum og lausn" not in text  # colour mode: no brackets
    ansi = c.file.getvalue()
    assert "\x1b[2;9mpeningaverðlaunum" in ansi
    doc = fixture_docs()[0]
    ((s, e),) = excerpts(doc, "repeated")
    assert s == doc.removed[-1].start - 120 and e == len(doc.text)


def test_reason_sample_is_bounded_and_deterministic(out: Path) -> None:
    runs = []
    for _ in range(2):
        c = _console(color=False)
        assert inspect(out, reason="boilerplate", sample=3, seed=4, console=c) == 3
        runs.append(c.export_text())
    assert runs[0] == runs[1]
    assert len(re.findall(r"\d+ spans? of +boilerplate , [\d,]+ chars", runs[0])) == 3


def test_pii_replacement_is_shown_next_to_what_it_replaced(out: Path) -> None:
    c = _console(color=False)
    assert inspect(out, reason="pii", console=c) == 1
    assert "[-pii: thekian1@entermedia.co.kr-][<EMAIL>]" in c.export_text()


def test_reject_reason_shows_the_rejected_documents(out: Path) -> None:
    c = _console(color=False)
    assert inspect(out, reason="gopher_quality:min_words", console=c) == 1
    text = c.export_text()
    assert "aeb-031" in text and "gopher_quality:min_words" in text and "n_words=96" in text


def test_unknown_id_and_unknown_reason_say_so(out: Path) -> None:
    c = _console(color=False)
    assert inspect(out, id="nope", console=c) == 0
    assert inspect(out, reason="no_such_reason", console=c) == 0
    text = c.export_text()
    assert "no document with id 'nope'" in text and "'no_such_reason'" in text


def test_crawled_text_is_never_read_as_rich_markup() -> None:
    doc = Document(
        id="m1", text="[bold red]shout[/bold red] and [link=http://x]click[/link]", title="[blink]t[/blink]"
    )
    doc.remove(0, 26, "boilerplate")
    c = _console(color=False)
    inspect_document(doc, c)
    text = c.export_text()
    assert "[blink]t[/blink]" in text and "[link=http://x]click[/link]" in text
    assert "[-boilerplate: [bold red]shout[/bold red]-]" in text


def test_without_input_text_the_cleaned_text_is_shown(tmp_path: Path) -> None:
    o = build_out(tmp_path, "jsonl.zst", input_text=False)
    c = _console(color=False)
    assert inspect(o, id="seed-000", console=c) == 1
    text = c.export_text()
    assert "input text not stored" in text and "Vladimír Pútín Rússlandsforseti" in text


def test_main_inspect_cli(out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main_inspect([str(out), "--id", "aeb-013"]) == 0
    assert "sciencealert" in capsys.readouterr().out
    assert main_inspect([str(out), "--reason", "nothing"]) == 1
    assert main_inspect([str(tmp_path / "missing")]) == 2
    for argv in (["--help"], [str(out), "--id", "a", "--reason", "b"]):
        with pytest.raises(SystemExit) as e:
            main_inspect(argv)
        assert e.value.code == (0 if argv == ["--help"] else 2)


def test_plain_reason_view_shrinks_other_reasons_spans(out: Path) -> None:
    c = _console(color=False)
    inspect(out, reason="repeated", sample=1, console=c)
    text = c.export_text()
    assert "…[~boilerplate: 2,230 chars~][-repeated:" in text and "Áður en hann" in text
