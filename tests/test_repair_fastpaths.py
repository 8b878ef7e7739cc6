"""The vectorised shortcuts of the repair stages give exactly what the plain patterns give."""

from __future__ import annotations

import random

import numpy as np
import regex

from sia.repair import features as F
from sia.repair.dates import _alternation, find_dates
from sia.repair.langdata import stopword_langs


def _cp(t: str) -> np.ndarray:
    return np.frombuffer(t.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)


def test_symbol_words_and_bullets_match_the_patterns():
    rng = random.Random(1)
    alpha = list("hHtTpPsSſ:wW.cCoOmM x-•*–·▪►1234)\n\u0301a_é٣") + ["\u00a0", "\x1c", "\u3000"]
    for _ in range(5000):
        t = "".join(rng.choice(alpha) for _ in range(rng.randint(0, 40)))
        cp = _cp(t)
        at = np.flatnonzero(F._SYM_CLASS[np.minimum(cp, 0xFFFF)])
        cls = F._SYM_CLASS[cp[at]]
        got = F._symbol_word_starts(t, cp, at[(cls & 2) != 0], at[(cls & 4) != 0])
        assert got.tolist() == F._match_starts(F._SYMBOL_WORDS_SPLIT, t).tolist(), t
        for i, c in enumerate(t):
            if F._BULLET_DIGIT.match(c):
                continue
            ws = i + 1 < len(t) and bool(F._RE_SPACE[min(ord(t[i + 1]), 0x3001)])
            assert (bool(F._BULLET_SYM[min(ord(c), 0xFFFF)]) and ws) == bool(F._BULLET.match(t, i)), t


def test_regex_space_table_is_regex_s():
    sp = regex.compile(r"\s")
    for c in range(0x3002):
        assert bool(F._RE_SPACE[c]) == (sp.match(chr(c)) is not None)


def test_stop_member_equals_binary_search():
    rng = np.random.default_rng(0)
    for lg in stopword_langs():
        keys = F._stop_keys(lg)
        vals = np.concatenate([keys, rng.integers(0, 2**63, 2000, dtype=np.uint64), keys[::3] + np.uint64(1)])
        assert (F._stop_member(vals, lg) == F._member(vals, keys)).all(), lg


def test_marker_buckets_equal_startswith():
    for lg in ("en", "de", "is", "ru"):
        pre = F._marker_prefixes(lg)
        b = F._marker_buckets(lg)
        for p in pre:
            for t in (p, p + " x", p[:-1], "x" + p, p.upper().lower()):
                assert t.startswith(b.get(t[:1], ())) == t.startswith(pre)


def test_factored_alternation_same_matches():
    words = sorted(["june", "jun", "july", "jul", "may", "mars", "mar", "march", "m"], key=len, reverse=True)
    plain = regex.compile(rf"(?:{'|'.join(map(regex.escape, words))})x?", regex.I)
    fact = regex.compile(rf"(?:{_alternation(words)})x?", regex.I)
    for t in ("June", "Julyx", "MARCHx", "marx", "mx", "jux", "Ma"):
        a, b = plain.match(t), fact.match(t)
        assert (a and a.group()) == (b and b.group())
    assert [d.iso for d in find_dates("Published 18 June 2024 and June 19, 2024.", "*")] == [
        "2024-06-18",
        "2024-06-19",
    ]


def test_end_spans_match_the_pattern():
    from sia.text import segment as S

    rng = random.Random(2)
    alpha = list("ab .!?…。！？।؟\"'”“’»)]」』› \n") + ["\uffff", "\U0001f600"]
    for _ in range(5000):
        t = "".join(rng.choice(alpha) for _ in range(rng.randint(0, 30)))
        s, e, r = S._end_spans(S._flags(t))
        assert list(zip(s.tolist(), e.tolist())) == [m.span() for m in S._END_RE.finditer(t)], t
        assert [t[a:b] for a, b in zip(s.tolist(), r.tolist())] == [
            t[a:b].rstrip(S._CLOSERS) for a, b in zip(s.tolist(), e.tolist())
        ]


def test_segment_arrays_equal_segment_with_blocks():
    """The batch splitter gives each page of a "\\n"-joined batch what the one-text loop gives."""
    from sia.text import segment as S

    rng = random.Random(3)
    toks = ["Home", "news", "Mr.", "J.", "18.", "júní", "Juni", "x", "A", "word", "|", "•", "·", "»", "/"]
    toks += ["\\", "›", ".", "!", "?", "…", "。", '"', "”", ")", " ", "  ", "\n", "\t", "\u00a0", "\x1c"]
    toks += ["e.g.", "1.", "Politics", "the", "2024", "U.S.", "„Hi", "(", "...", "ǅ", "ß", "Σ", "12.", "।"]
    toks += ["\u3000", "\U0001f600", "؟", "Dr.", "\r\n"]
    for _ in range(1500):
        pages = []
        for _ in range(rng.randint(1, 5)):
            k = rng.randint(0, 50) if rng.random() < 0.9 else rng.randint(100, 300)
            pages.append("".join(rng.choice(toks) + (" " if rng.random() < 0.5 else "") for _ in range(k)))
        langs = [rng.choice([None, "is", "en", "de"]) for _ in pages]
        starts = np.cumsum([0] + [len(t) + 1 for t in pages])[:-1]
        s, e, sent, bs, be, after = S.segment_arrays("\n".join(pages), langs, starts)
        want, want_b, want_after = [], [], []
        for t, lg, o in zip(pages, langs, starts.tolist()):
            segs, bl = S.segment_with_blocks(t, lg)
            want += [(a + o, b + o, k == S.SENTENCE) for a, b, k in segs]
            want_after += [b + o + len(t[b:]) - len(t[b:].lstrip()) for _, b, _ in segs]
            want_b += [(a + o, b + o) for a, b in bl]
            assert bl == S.blocks(t)
        assert list(zip(s.tolist(), e.tolist(), sent.tolist())) == want, pages
        assert list(zip(bs.tolist(), be.tolist())) == want_b, pages
        assert after.tolist() == want_after, pages


def test_guess_langs_equals_guess_lang():
    from sia.repair.langdata import guess_lang, guess_langs
    from sia.text.words import split_words

    texts = [
        "The council met on Tuesday and the mayor said that it was a good day for the city.",
        "Der Rat traf sich am Dienstag und der Bürgermeister sagte, dass es ein guter Tag war.",
        "Bæjarstjórnin kom saman á þriðjudag og bæjarstjórinn sagði að þetta væri góður dagur.",
        "Le conseil s'est réuni mardi et le maire a dit que c'était une bonne journée.",
        "de",
        "a",
        "Home News Sport",
        "",
    ]
    assert guess_langs(texts) == [guess_lang(split_words(t.lower()))[0] for t in texts]


def test_unit_cuts_equal_merge_gaps():
    from sia.repair.boilerplate import unit_cuts
    from sia.repair.spans import merge_gaps

    rng = random.Random(4)
    words = ["Home", "news.", "A", "b", "|", " | ", "•", "x.", "\n", "  ", "\n\n", "。", "Mr.", "\t"]
    texts = [
        "".join(rng.choice(words) + rng.choice(["", " "]) for _ in range(rng.randint(0, 80)))
        for _ in range(300)
    ]
    for pu in F.batch_units(texts, ["en"] * len(texts)):
        for _ in range(5):
            cut = np.array([rng.random() < 0.6 for _ in range(len(pu.starts))], dtype=bool)
            cut = cut[: rng.randint(0, len(cut))]
            want = merge_gaps(pu.text, [(u.start, u.end, "r") for u, c in zip(pu.units, cut.tolist()) if c])
            assert unit_cuts(pu, cut, "r") == want, pu.text


def test_prime_cut_equals_a_fresh_split():
    """Words derived for a cut text (`prime_cut`) are the words a full pass gives it."""
    from sia.record import Document, Span
    from sia.repair import pagewords as P

    rng = random.Random(5)
    toks = [
        "word",
        "Word",
        "ΑΣ",
        "Σ",
        "ΣΑ",
        "don't",
        "'",
        "-",
        "3.14",
        "1,0",
        "İ",
        "é",
        "\u0301",
        "中文",
        "ア",
    ]
    toks += ["\u200d", ".", ",", " ", " ", "\n", "\t", "  ", "\u00a0", "NEWS", "ß", "ǅ"]
    checked = 0
    for _ in range(400):
        docs = []
        for _ in range(rng.randint(1, 5)):
            d = Document(id="x", text="".join(rng.choice(toks) for _ in range(rng.randint(0, 60))))
            if d.text and rng.random() < 0.5:
                a = rng.randint(0, len(d.text))
                d.remove(a, a + rng.randint(0, 10), "metadata")
            if d.text and rng.random() < 0.2:
                a = rng.randint(0, len(d.text))
                d.remove_many([Span(a, a + rng.randint(0, 4), "pii", "<E>")])
            docs.append(d)
        P.clear()
        texts = [d.clean_text for d in docs]
        P.prime(texts)
        items = []
        for d, t in zip(docs, texts):
            if not t:
                continue
            cuts = sorted((a, min(len(t), a + rng.randint(0, 12)), "r") for a in rng.sample(range(len(t)), 1))
            before = d.clean_view()
            d.remove_clean_many(cuts)
            items.append((t, d.clean_text, P.kept_pieces(before, d.clean_view())))
        P.prime_cut(items)
        for _, new, _ in items:
            got, want = P._cache.get(new), P._compute([new])[0]
            if got is not None:
                checked += 1
                assert got.starts.tolist() == want.starts.tolist(), new
                assert got.ends.tolist() == want.ends.tolist(), new
                assert got.keys.tolist() == want.keys.tolist(), new
    P.clear()
    assert checked > 300


def test_comment_plan_finds_what_the_scan_finds(monkeypatch):
    """Phrases checked at their base phrase's occurrences give the same section start as
    scanning the page for every phrase."""
    from sia.repair import boilerplate as B

    rng = random.Random(6)
    bits = ["comment", "comments", "3 ", "Leave a comment", "view comments", "reader comments", "s", "x"]
    bits += ["The council met today and said it was fine. ", "\n", " ", "• ", "replies", "Add a comment"]
    texts = ["".join(rng.choice(bits) for _ in range(rng.randint(0, 120))) for _ in range(300)]
    langs = ["en"] * len(texts)
    pus = F.batch_units(texts, langs)
    keeps = [np.array([rng.random() < 0.8 for _ in range(len(pu.starts))], dtype=bool) for pu in pus]
    got = [B.comment_section_start(pu, k, "en", min_words_before=5) for pu, k in zip(pus, keeps)]
    plain = tuple((ph, c, -1, 0) for ph, c, _, _ in B._comment_plan("en"))
    monkeypatch.setattr(B, "_comment_plan", lambda lang: plain)
    want = [B.comment_section_start(pu, k, "en", min_words_before=5) for pu, k in zip(pus, keeps)]
    assert got == want
    assert sum(g is not None for g in got) > 20


def test_prefix_words_equal_a_fresh_split():
    """The language guess's words of a page's input prefix, derived from its clean text's words,
    are the words a full pass over the prefix gives; and the guesses are the same."""
    from sia.record import Document, Span
    from sia.repair import pagewords as P
    from sia.repair.boilerplate import _prefix_words
    from sia.repair.langdata import doc_langs

    rng = random.Random(7)
    toks = [
        "the",
        "and",
        "der",
        "und",
        "og",
        "að",
        "ΑΣ",
        "Σ",
        "don't",
        "-",
        "3.14",
        "İ",
        "é",
        "\u0301",
        "中文",
    ]
    toks += [".", " ", " ", "\n", "  ", "\u00a0", "NEWS", "ß", "Home"]
    checked = 0
    for _ in range(300):
        docs = []
        for _ in range(rng.randint(1, 5)):
            d = Document(id="x", text="".join(rng.choice(toks) for _ in range(rng.randint(0, 60))))
            for _ in range(rng.randint(0, 3)):
                a = rng.randint(0, len(d.text))
                d.remove(a, a + rng.randint(0, 10), "metadata")
            if d.text and rng.random() < 0.2:
                a = rng.randint(0, len(d.text))
                d.remove_many([Span(a, a + rng.randint(0, 4), "pii", "<E>")])
            docs.append(d)
        P.clear()
        P.prime([d.clean_text for d in docs])
        todo = list(range(len(docs)))
        mc = rng.choice([20, 40, 5000])
        words = _prefix_words(docs, todo, mc)
        for d, pw in zip(docs, words):
            if pw is not None:
                checked += 1
                want = P._compute([d.text[:mc]])[0]
                assert pw.starts.tolist() == want.starts.tolist(), d.text
                assert pw.keys.tolist() == want.keys.tolist(), d.text
        texts = [d.text for d in docs]
        assert doc_langs([None] * len(docs), texts, mc, words) == doc_langs([None] * len(docs), texts, mc)
    P.clear()
    assert checked > 300
