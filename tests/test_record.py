"""The cleaned-text rule and offset mapping, proved on random spans."""

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sia.record import Document, Span, build_view, merge_spans

SEED = (Path(__file__).parent / "data" / "io" / "seed.txt").read_text(encoding="utf-8")


def reference_clean(text: str, removed: list[Span]) -> str:
    """The rule in words: cut each maximal run of removed spans; where a plain cut sits between
    two kept pieces and neither side has whitespace at the cut, insert "\\n" if the run held a
    line break, else " "; a replaced span shows its replacement."""
    runs = []
    for sp in sorted(removed, key=lambda s: s.start):
        if runs and sp.repl is None and runs[-1][2] is None and sp.start <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], sp.end)
        else:
            runs.append([sp.start, sp.end, sp.repl])
    out = ""
    pos = 0
    owed = ""
    for s, e, repl in runs:
        piece = text[pos:s]
        if piece:
            if owed and out and not out[-1].isspace() and not piece[0].isspace():
                out += owed
            out += piece
            owed = ""
        if repl is not None:
            if owed and out and not out[-1].isspace():
                out += owed
            out += repl
            owed = ""
        else:
            owed = "\n" if "\n" in text[s:e] else " "
        pos = e
    piece = text[pos:]
    if piece:
        if owed and out and not out[-1].isspace() and not piece[0].isspace():
            out += owed
        out += piece
    return out


@st.composite
def text_and_spans(draw):
    text = draw(st.text(alphabet="ab \n.", min_size=0, max_size=60))
    n = draw(st.integers(0, 6))
    spans = []
    for _ in range(n):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        spans.append(Span(a, b, draw(st.sampled_from(["repeated", "boilerplate"]))))
    return text, spans


@settings(max_examples=400, deadline=None)
@given(text_and_spans())
def test_clean_text_follows_the_rule(case):
    text, spans = case
    doc = Document("d", text)
    doc.remove_many(spans)
    # removed spans are sorted, non-overlapping and cover exactly the union of what was asked
    for a, b in zip(doc.removed, doc.removed[1:]):
        assert a.end <= b.start
    covered = {i for s in spans for i in range(s.start, s.end)}
    assert {i for s in doc.removed for i in range(s.start, s.end)} == covered
    assert doc.clean_text == reference_clean(text, doc.removed)


@settings(max_examples=300, deadline=None)
@given(text_and_spans())
def test_kept_characters_map_back_to_themselves(case):
    text, spans = case
    doc = Document("d", text)
    doc.remove_many(spans)
    view = doc.clean_view()
    for piece_start, input_start, length in zip(view.clean_starts, view.input_starts, view.lengths):
        for k in range(length):
            assert view.to_input(piece_start + k) == input_start + k
            assert view.text[piece_start + k] == text[input_start + k]


def test_remove_clean_maps_to_input_offsets_on_a_real_page():
    doc = Document("seed", SEED)
    line2 = SEED.index("\n") + 1
    doc.remove(line2, len(SEED), "repeated")
    clean = doc.clean_text
    target = "Sjá meira"
    s = clean.index(target)
    doc.remove_clean(s, s + len(target), "boilerplate")
    assert doc.removed[0] == Span(SEED.index(target), SEED.index(target) + len(target), "boilerplate")
    assert target not in doc.clean_text


def test_later_stage_removals_over_earlier_cuts_keep_the_first_reason():
    rng = random.Random(7)
    text = SEED
    doc = Document("seed", text)
    for _ in range(30):
        a = rng.randrange(len(text))
        doc.remove(a, a + rng.randrange(1, 80), "repeated")
    clean = doc.clean_text
    doc.remove_clean(0, len(clean) // 2, "boilerplate")
    reasons = {s.reason for s in doc.removed}
    assert reasons == {"repeated", "boilerplate"}
    # the first half of the cleaned text is gone; at most a synthetic separator differs
    rest = clean[len(clean) // 2 :]
    assert rest.endswith(doc.clean_text) and len(rest) - len(doc.clean_text) <= 1


def test_placeholder_replaces_its_span():
    text = "Write to jon@example.is today."
    doc = Document("d", text)
    s = text.index("jon")
    doc.remove_many([Span(s, s + len("jon@example.is"), "pii", "<EMAIL>")])
    assert doc.clean_text == "Write to <EMAIL> today."
    rec = doc.to_record()
    assert rec["removed"] == [{"start": s, "end": s + 14, "reason": "pii", "repl": "<EMAIL>"}]
    back = Document.from_record(rec)
    assert back.clean_text == doc.clean_text


def test_record_round_trip_keeps_every_field():
    doc = Document("x", SEED, url="https://example.org/a", metadata={"k": [1, 2]})
    doc.remove(0, 20, "metadata")
    doc.title, doc.authors, doc.published = "T", ["A B"], "2024-06-18T07:48"
    doc.signals["w"] = 3.0
    rec = doc.to_record()
    back = Document.from_record(rec)
    assert back.to_record() == rec
    assert rec["text"] == doc.clean_text and rec["input_text"] == SEED


def test_merge_spans_is_order_independent_for_coverage():
    a = merge_spans([], [Span(0, 5, "x"), Span(3, 9, "y")])
    b = merge_spans([], [Span(3, 9, "y"), Span(0, 5, "x")])
    assert [(s.start, s.end) for s in a] == [(0, 5), (5, 9)]
    assert build_view("0123456789", a).text == build_view("0123456789", b).text == "9"
