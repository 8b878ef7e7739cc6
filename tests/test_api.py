"""The Python API a notebook user reaches for: sia.clean_text and sia.Pipeline."""

import pytest

import sia
from conftest import EXAMPLES
from sia.config import ConfigError

SEED = (EXAMPLES / "000_fc034b1a7ebc7edf.txt").read_text(encoding="utf-8")
LEAD = "Vladimír Pútín Rússlandsforseti er væntanlegur í opinbera heimsókn til Norður-Kóreu í dag."


def test_clean_text_repairs_the_seed_page():
    doc = sia.clean_text(SEED)
    assert isinstance(doc, sia.Document)
    assert doc.clean_text.count(LEAD) == 1
    assert "Mest lesið" not in doc.clean_text and "Sjá meira" not in doc.clean_text
    assert doc.title == "Pútín heimsækir Kim" and doc.lang == "is"
    # every removal is a span of the input with a reason
    assert doc.removed and all(0 <= s.start < s.end <= len(SEED) for s in doc.removed)
    assert {"repeated", "boilerplate", "metadata"} <= {s.reason for s in doc.removed}


def test_clean_text_options_reach_their_stage():
    doc = sia.clean_text(SEED, title_in_text=True)
    assert doc.clean_text.lstrip().startswith("Pútín heimsækir Kim")
    english = sia.clean_text(
        "This is an ordinary English paragraph about the weather and the sea. " * 5, lang="is"
    )
    assert english.decision == "lang"
    with pytest.raises(ConfigError, match="no_such_option"):
        sia.clean_text(SEED, no_such_option=1)


def _ud_documents() -> list[str]:
    """Real Icelandic documents (UD_Icelandic-Modern) from the bundled sample pages."""
    import orjson
    import zstandard

    texts = []
    for part in sorted((EXAMPLES / "pages").glob("*.jsonl.zst")):
        data = zstandard.ZstdDecompressor().stream_reader(part.open("rb")).read()
        texts += [
            r["text"] for r in map(orjson.loads, data.splitlines()) if r["id"].startswith(("ALTHINGI", "RUV"))
        ]
    return sorted(texts, key=len, reverse=True)


def test_pipeline_streams_documents_through_corpus_stages():
    page, other = _ud_documents()[:2]
    docs = [{"id": "a", "text": page}, {"id": "b", "text": page}, {"id": "c", "text": other}]
    out = list(sia.Pipeline.default().run(docs))
    assert [d.id for d in out] == ["a", "b", "c"]
    assert out[0].kept and out[2].kept, [d.decision for d in out]
    assert out[1].decision == "exact_duplicate" and out[1].dup["of"] == "a"
