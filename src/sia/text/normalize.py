"""The ``normalize`` stage: repair mojibake with ftfy, then compose to Unicode NFC.

It runs first, before any stage records a removal, and *replaces* ``doc.text``: every later
offset refers to the repaired text. If a document already carries removals (a pipeline that put
another stage first), rewriting the text would invalidate their offsets, so nothing is changed and
``signals["normalize_skipped"] = 1`` says so.

ftfy settings (`FTFY_CONFIG`) repair only what is damage, never style:

* on: encoding repair (UTF-8 read as Latin-1/cp1252, also in mixed and double-encoded text),
  C1 controls, surrogates, terminal escapes and other control characters (invisible junk).
* off: uncurling quotes (curly quotes are the author's, and ftfy would straighten every quote
  in the text, not only repaired ones), ligature and full-width folding (NFKC-like changes that
  alter CJK text), line-break rewriting, HTML unescaping (extraction's job; in plain text
  ``&amp;`` may be meant), and ftfy's own normalisation (done here, separately counted).

Fast path: ftfy costs ~1-3 MB/s; most text has nothing for it to fix. It is skipped unless the
text contains a *marker*: a UTF-8 lead byte as Latin-1 shows it (U+00C2-U+00F4) followed by as
many continuation bytes as it announces (U+0080-U+00BF, or their cp1252 forms such as ``€ š ž ™``),
``â€`` (a damaged quote or dash), ``Ã`` before a space (a lost U+00A0), a control/C1 character, a
lone surrogate, U+FEFF or U+FFFD. Counting the continuation bytes keeps Czech/Slovak ``áš``/``íž``
off the slow path. Pure-ASCII text without control characters never matches. Measured numbers are in
docs/language.md.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import ClassVar

import ftfy
import regex

from sia.record import Document
from sia.stage import register

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=True,
    normalization=None,
    explain=False,
)

# bytes 0x80-0xBF as Latin-1 show as U+0080-U+00BF, as cp1252 some show as these characters
_CP1252_CONT = "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_C = rf"[\u0080-\u00bf{_CP1252_CONT}]"
MARKER_RE = regex.compile(
    rf"[\u00c2-\u00df]{_C}|[\u00e0-\u00ef]{_C}{{2}}|[\u00f0-\u00f4]{_C}{{3}}|\u00e2\u20ac|\u00c3[ \u00a0]"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffd]"
)


def needs_ftfy(text: str) -> bool:
    """True if `text` shows any sign of damage ftfy could repair (see module docstring)."""
    return MARKER_RE.search(text) is not None


def normalize_text(text: str, repair: bool = True, nfc: bool = True) -> tuple[str, bool, bool]:
    """(normalised text, ftfy changed it, NFC changed it)."""
    ftfy_changed = nfc_changed = False
    if repair and needs_ftfy(text):
        fixed = ftfy.fix_text(text, FTFY_CONFIG)
        ftfy_changed, text = fixed != text, fixed
    if nfc and not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        nfc_changed = True
    return text, ftfy_changed, nfc_changed


@register
@dataclass
class Normalize:
    """Repair mojibake (ftfy) and compose to NFC; replaces ``doc.text`` (must run first)."""

    name: ClassVar[str] = "normalize"
    repair: bool = True  # ftfy mojibake repair
    nfc: bool = True

    def process(self, batch: list[Document]) -> list[Document]:
        for doc in batch:
            if doc.removed:
                doc.signals["normalize_skipped"] = 1.0
                continue
            text, ftfy_changed, nfc_changed = normalize_text(doc.text, self.repair, self.nfc)
            doc.signals["normalize_ftfy_changed"] = float(ftfy_changed)
            doc.signals["normalize_nfc_changed"] = float(nfc_changed)
            if ftfy_changed or nfc_changed:
                doc.text = text
                doc._view = None
        return batch
