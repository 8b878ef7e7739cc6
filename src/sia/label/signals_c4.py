"""C4 line rules and document rules, as datatrove's C4QualityFilter applies them.

C4 judges lines first: a line is dropped when it holds a word over `max_word_len` characters, lacks
terminal punctuation (optional), has fewer than `min_words_per_line` words, or mentions a
javascript or policy phrase. Only lines that survive those checks are looked at for the document
rules (lorem ipsum, a curly bracket), in the same order as the anchor, so a "{" on a line that was
dropped anyway does not reject the page. The page is then rejected if its kept lines hold fewer
than `min_sentences` sentences.

The phrases are language knowledge and come from the language file. Sentences are counted with
one regex (a run of Unicode sentence terminators, closing quotes/brackets allowed, followed by
whitespace or the line end; an unterminated tail is one more sentence); the anchor counts them
with spaCy's sentencizer, which likewise breaks after every terminator token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from operator import methodcaller
from typing import Any

import regex

CITATION_RE = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
END_PUNCT = (".", "?", "!", '"', "'")
_CLOSE = "\"'”’“‘»›)\\]"
SENT_END_RE = regex.compile(rf"\p{{Sentence_Terminal}}+[{_CLOSE}]*(?=\s|$)")
_SENT_END_INNER_RE = regex.compile(rf"\p{{Sentence_Terminal}}+[{_CLOSE}]*(?=[^\S\n])")
SENT_TAIL_RE = regex.compile(rf"\p{{Sentence_Terminal}}+[{_CLOSE}]*$")
SENT_TAIL_ML_RE = regex.compile(rf"\p{{Sentence_Terminal}}+[{_CLOSE}]*$", regex.MULTILINE)


@dataclass(slots=True)
class C4Result:
    reject: str | None = None  # "lorem_ipsum" | "curly_bracket" | "min_sentences"
    sentences: int = 0
    lines: int = 0
    dropped: list[tuple[int, int]] = field(default_factory=list)  # line spans (with terminator)


def count_sentences(line: str) -> int:
    n = len(SENT_END_RE.findall(line))
    return n if SENT_TAIL_RE.search(line) else n + 1


def count_sentences_lines(lines: list[str]) -> int:
    """Sum of `count_sentences` over `lines`, in two regex passes over the joined lines."""
    if not lines:
        return 0
    joined = "\n".join(lines)
    return len(SENT_END_RE.findall(joined)) + len(lines) - len(SENT_TAIL_ML_RE.findall(joined))


def nonbreaking_ends(
    joined: str,
    abbreviations: frozenset[str],
    attached_final: str = "",
    attached_script: str = "",
    initials: bool = False,
    attached_any: str = "",
) -> int:
    """Sentence ends `SENT_END_RE` finds inside a line that the anchor does not break after: the
    full stop of an abbreviation ("Nov. 5", a token of its own for spaCy, not a terminator token)
    and a mark kept on its word (Armenian "է։"). Ends at a line end count either way."""
    n = 0
    script = regex.compile(rf"\p{{{attached_script}}}") if attached_script else None
    # SENT_END_RE's matches that a space or tab follows (a run that cannot end there cannot end
    # anywhere inside it either, so these are exactly its matches not at a line end)
    for s in map(_match_start, _SENT_END_INNER_RE.finditer(joined)):
        if s == 0 or joined[s - 1].isspace():
            continue
        if joined[s] in attached_any:
            n += 1
            continue
        if attached_final and joined[s] in attached_final and (not script or script.match(joined[s - 1])):
            n += 1
            continue
        if joined[s] == "." and (abbreviations or initials):
            b = max(joined.rfind(" ", 0, s), joined.rfind("\n", 0, s)) + 1
            w = joined[b : s + 1].lstrip(_ABBR_OPEN)
            if w in abbreviations or (initials and _INITIALS_RE.fullmatch(w)):
                n += 1
    return n


_match_start = methodcaller("start")
_INITIALS_RE = regex.compile(r"(?:\p{Lu}\.)+")
_ABBR_OPEN = "\"'“‘„«(["


def c4_lines(
    text: str,
    cfg: dict[str, Any],
    abbreviations: frozenset[str] = frozenset(),
    attached_final: str = "",
    attached_script: str = "",
    initials: bool = False,
    attached_any: str = "",
) -> C4Result:
    """Apply the C4 rules of `cfg` (the language file's ``[c4]`` table) to `text`; `abbreviations`
    and `attached_final` (the language's token rules) mark full stops that end no sentence."""
    terminal = bool(cfg.get("terminal_punct", False))
    min_wpl = int(cfg.get("min_words_per_line", 0))
    max_wl = int(cfg.get("max_word_len", 0))
    min_sent = int(cfg.get("min_sentences", 0))
    lorem = tuple(cfg.get("lorem_phrases") or ()) if cfg.get("lorem_ipsum", True) else ()
    curly = bool(cfg.get("curly_bracket", False))
    cite = bool(cfg.get("remove_citations", True))
    js = tuple(cfg.get("javascript_phrases") or ())
    policy = tuple(cfg.get("policy_phrases") or ())
    res = C4Result()
    line_rules = terminal or min_wpl > 0 or js or policy or min_sent > 0
    # which phrases occur anywhere: lines are searched only for those
    low_text = text.lower() if (lorem or js or policy) else ""
    lorem = tuple(p for p in lorem if p in low_text)
    js = tuple(p for p in js if p in low_text)
    policy = tuple(p for p in policy if p in low_text)
    curly = curly and "{" in text
    if not line_rules and not cfg.get("remove_lines") and not lorem and not curly:
        res.lines = text.count("\n") + 1
        return res
    phrases = bool(lorem or js or policy)
    kept: list[str] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        start, pos = pos, pos + len(raw)
        res.lines += 1
        line = stripped = raw.strip()
        if max_wl > 0 and len(line) > max_wl and any(len(w) > max_wl for w in line.split()):
            res.dropped.append((start, pos))
            continue
        if cite and "[" in line:
            line = CITATION_RE.sub("", line)
        if terminal and (not line.endswith(END_PUNCT) or line.endswith("...")):
            res.dropped.append((start, pos))
            continue
        # enough words? (counted before citations go, as C4 does; split no further than needed)
        if min_wpl > 0 and len(stripped.split(None, min_wpl - 1)) < min_wpl:
            res.dropped.append((start, pos))
            continue
        if phrases:
            low = line.lower()
            if lorem and any(p in low for p in lorem):
                res.reject = "lorem_ipsum"
                return res
            if js and any(p in low for p in js):
                res.dropped.append((start, pos))
                continue
        if curly and "{" in line:
            res.reject = "curly_bracket"
            return res
        if policy and any(p in low for p in policy):
            res.dropped.append((start, pos))
            continue
        if line:
            kept.append(line)
    if min_sent > 0:
        res.sentences = count_sentences_lines(kept)
        if kept and (abbreviations or attached_final or initials or attached_any):
            joined = "\n".join(kept)
            res.sentences -= nonbreaking_ends(
                joined, abbreviations, attached_final, attached_script, initials, attached_any
            )
        if res.sentences < min_sent:
            res.reject = "min_sentences"
    return res
