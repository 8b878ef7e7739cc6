"""Stage `repeats`: later copies of >= N-word spans are cut, the first kept, fast on 5 MB."""

import time
from pathlib import Path

import numpy as np

from sia.record import Document
from sia.repair.repeats import Repeats, find_repeats

SEED = Path(__file__).parent / "data" / "repair" / "seed_000_fc034b1a7ebc7edf.txt"


def test_substring_copy_inside_a_longer_line_is_found():
    text = SEED.read_text(encoding="utf-8")
    spans = find_repeats(text, 8)
    line2 = text.index("\n") + 1
    line3 = text.index("\n", line2) + 1
    # line 2 (a copy of the body inside line 1) and line 3 (a copy of line 1's tail) are cut whole
    assert any(s <= line2 and e >= line3 - 1 for s, e in spans)
    assert any(s <= line3 and e == len(text) for s, e in spans)
    # nothing of line 1's body is cut
    body = text.index("Áður en hann mætti")
    assert not any(s <= body < e for s, e in spans)


def test_short_repeats_are_kept_and_first_copy_wins():
    a = "the cat sat on the mat today"  # 7 words: below N = 8
    text = f"{a}. Other words here. {a}."
    assert find_repeats(text, 8) == []
    b = "one two three four five six seven eight nine"
    doc = Document(id="x", text=f"Start {b} middle {b} end")
    Repeats().process([doc])
    assert doc.clean_text == f"Start {b} middle end"
    assert doc.removed[0].reason == "repeated"


def test_periodic_text_keeps_one_copy():
    text = " ".join(["la"] * 50)
    spans = find_repeats(text, 8)
    kept = text[: spans[0][0]].split()
    assert len(kept) == 8


def test_five_megabytes_in_seconds():
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(50_000)]
    words = [vocab[i] for i in rng.integers(0, len(vocab), 600_000)]
    text = " ".join(words)
    copy = text[: len(text) // 4].rsplit(" ", 1)[0]
    text = text + " " + copy  # a big repeat at the end
    assert len(text) > 5_000_000
    t0 = time.perf_counter()
    spans = find_repeats(text, 8)
    dt = time.perf_counter() - t0
    assert dt < 20, dt  # ~1.5 s measured; generous for loaded CI machines
    total = sum(e - s for s, e in spans)
    assert abs(total - len(copy)) < 100
