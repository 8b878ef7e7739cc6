"""The ``pii`` stage: replace e-mail addresses, phone numbers and IP addresses by placeholders.

Replacements are spans with ``reason="pii"`` and ``repl`` set (``<EMAIL>``, ``<PHONE>``, ``<IP>``),
so the input text is untouched and ``sia inspect`` can show what was hidden. Matching runs on the
cleaned text; each match is mapped back to input offsets (a match that would straddle an earlier
cut is skipped: a placeholder replaces whole text only).

Phone formats and phone-context words are data (``data/pii_phones.json``): numbers written the
way people write phone numbers (international ``+CC``, NANP ``(555) 123-4567``, trunk-prefixed
national ``030 1234567``/``020 7946 0958``/``01 23 45 67 89``, Icelandic ``555 1234``) are replaced
anywhere; bare digit runs (``5551234``) only after a context word such as ``tel`` or ``sími``.
Guards keep years, dates, prices, ISBNs and version numbers: a match may not touch a letter,
digit, ``+``, ``.``-digit or ``-``-digit on either side, must hold the format's digit count, and may
not begin with a date (``01-01-2020 12``). IP addresses are validated with `ipaddress`.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar

import regex

from sia.record import Document, Span, kept_intervals_within
from sia.stage import register

DATA = Path(__file__).parent / "data" / "pii_patterns.json"

EMAIL_RE = regex.compile(
    r"(?<![\p{L}\p{N}._%+\-])[\p{L}\p{N}._%+\-]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?\.)+"
    r"(?:\p{Ll}{2,}|\p{Lu}{2,})"  # a mixed-case last label is the next sentence: "a@b.se.De kan"
    r"(?![\p{L}\p{N}\-]|\.[\p{Ll}\p{N}])"
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4_RE = regex.compile(rf"(?<![\w.]|[vV])(?:{_OCTET}\.){{3}}{_OCTET}(?![\w]|\.\d)")
IPV6_CAND_RE = regex.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
_DATE_START = regex.compile(r"\d{1,2}[./\-]\d{1,2}[./\-]\d{4}")
# a phone match may not touch these on either side
_LEFT_GUARD = r"(?<![\p{L}\p{N}+_]|[\-./]\d|\d[\-./])"
_RIGHT_GUARD = r"(?![\p{L}\p{N}_]|[\-./]\d)"
PLACEHOLDER = {"email": "<EMAIL>", "phone": "<PHONE>", "ip": "<IP>"}


@dataclass(frozen=True)
class PhoneFormat:
    name: str
    pattern: regex.Pattern
    min_digits: int
    max_digits: int
    context: bool


@cache
def _spec() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _words_before(words: list[str]) -> regex.Pattern:
    """Pattern matching one of `words` (whole word) at the end of a window, then separators."""
    alts = "|".join(sorted((regex.escape(w) for w in words), key=len, reverse=True))
    return regex.compile(r"(?i)(?<![\p{L}])(?:" + alts + r")(?![\p{L}])[\s:.\-/]*(?:nr\.?\s*)?$")


@cache
def _version_words() -> regex.Pattern:
    return _words_before(_spec()["version_words"])


@cache
def phone_formats() -> tuple[tuple[PhoneFormat, ...], regex.Pattern]:
    """Compiled formats and the context-word pattern from ``data/pii_patterns.json``."""
    spec = _spec()
    fmts = tuple(
        PhoneFormat(
            f["name"],
            regex.compile(_LEFT_GUARD + "(?:" + f["regex"] + ")" + _RIGHT_GUARD),
            f["min_digits"],
            f["max_digits"],
            f["context"],
        )
        for f in spec["formats"]
    )
    return fmts, _words_before(spec["context_words"])


def find_emails(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in EMAIL_RE.finditer(text)]


def find_ips(text: str) -> list[tuple[int, int]]:
    ver = _version_words()
    out = [
        m.span()
        for m in IPV4_RE.finditer(text)
        # all-single-digit quads are section or version numbers far more often than addresses
        # (and 1.1.1.1 / 8.8.8.8 are public resolvers, not personal data)
        if len(m.group()) > 7 and not ver.search(text[max(0, m.start() - 20) : m.start()])
    ]
    for m in IPV6_CAND_RE.finditer(text):
        cand = m.group()
        if cand.count(":") < 2 or sum(1 for g in cand.split(":") if g) < 2:
            continue  # "::1"-like scraps are scores and notation more often than addresses
        try:
            ipaddress.IPv6Address(cand)
        except ValueError:
            continue
        out.append(m.span())
    return sorted(out)


def find_phones(text: str) -> list[tuple[int, int]]:
    fmts, ctx = phone_formats()
    out: list[tuple[int, int, str]] = []
    for f in fmts:
        for m in f.pattern.finditer(text):
            s, e = m.span()
            nd = sum(c.isdigit() for c in m.group())
            if not f.min_digits <= nd <= f.max_digits or _DATE_START.match(text, s):
                continue
            if f.context and not ctx.search(text[max(0, s - 25) : s]):
                continue
            out.append((s, e, "phone"))
    return [(s, e) for s, e, _ in _resolve(out)]


def _resolve(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping matches: earliest start first, the longest at a start; ties by kind order."""
    order = {"email": 0, "ip": 1, "phone": 2}
    out: list[tuple[int, int, str]] = []
    for s, e, kind in sorted(found, key=lambda x: (x[0], -(x[1] - x[0]), order[x[2]])):
        if out and s < out[-1][1]:
            continue
        out.append((s, e, kind))
    return out


@register
@dataclass
class Pii:
    """Replace e-mails, phone numbers and IP addresses with placeholders; count them."""

    name: ClassVar[str] = "pii"
    email: bool = True
    phone: bool = True
    ip: bool = True

    def process(self, batch: list[Document]) -> list[Document]:
        for doc in batch:
            text = doc.clean_text
            found: list[tuple[int, int, str]] = []
            if self.email and "@" in text:
                found += [(s, e, "email") for s, e in find_emails(text)]
            if self.ip and ("." in text or ":" in text):
                found += [(s, e, "ip") for s, e in find_ips(text)]
            if self.phone:
                found += [(s, e, "phone") for s, e in find_phones(text)]
            spans = []
            counts = dict.fromkeys(PLACEHOLDER, 0)
            view = doc.clean_view()
            for s, e, kind in _resolve(found):
                a, b = view.to_input_span(s, e)
                if kept_intervals_within(doc.removed, a, b) != [(a, b)]:
                    continue  # straddles an earlier cut
                spans.append(Span(a, b, "pii", PLACEHOLDER[kind]))
                counts[kind] += 1
            if spans:
                doc.remove_many(spans)
            doc.signals["pii_count"] = float(len(spans))
            for kind, n in counts.items():
                doc.signals[f"pii_{kind}"] = float(n)
        return batch
