"""Print each language's abbreviation list as spaCy's tokenizer (the anchor's) holds it.

The abbreviations are facts of the language (tokens ending in a full stop that stay whole: "Nov.",
"z.B.", "a."); sia keeps them in the language files' ``[tokens] abbreviations`` so its token
counts match the anchor's. Re-run after a spaCy upgrade:

    .venv/bin/python bench/quality_token_rules.py de en
"""

from __future__ import annotations

import sys


def abbreviations(lang: str) -> list[str]:
    import spacy

    nlp = spacy.blank(lang if lang != "default" else "xx")
    keys = nlp.tokenizer.rules or {}
    return sorted(k for k in keys if k.endswith(".") and len(k) >= 2 and " " not in k and k != "._.")


if __name__ == "__main__":
    for lang in sys.argv[1:]:
        print(lang, abbreviations(lang))
