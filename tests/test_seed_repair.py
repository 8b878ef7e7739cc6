"""The seed page, repaired by the default repair stages through the reference executor."""

from pathlib import Path

from sia.record import Document
from sia.repair.boilerplate import Boilerplate
from sia.repair.metadata import Metadata
from sia.repair.repeats import Repeats
from sia.run.inline import run_inline

SEED = Path(__file__).parent / "data" / "repair" / "seed_000_fc034b1a7ebc7edf.txt"
LEAD = "Vladimír Pútín Rússlandsforseti er væntanlegur í opinbera heimsókn til Norður-Kóreu í dag."
BODY = [
    "Áður en hann mætti til landsins þakkaði hann stjórnvöldum þar í landi fyrir að standa heilshugar á bak við Rússa í stríðsrekstri þeirra í Úkraínu.",
    "Þetta er fyrsta heimsókn pútíns til Norður-Kóreu í 24 ár en hann hitti leiðtoga landsins Kim Jong-un í fyrra í Rússlandi.",
    "Bandarísk stjórnvöld hafa þegar tjáð sig um málið og segja að vaxandi samstarf Rússa og Norður-Kóreu á hernaðarsviðinu valdi þeim áhyggjum.",
]


def repaired() -> Document:
    doc = Document(id="seed", text=SEED.read_text(encoding="utf-8"))
    (out,) = run_inline([Metadata(), Repeats(), Boilerplate()], [[doc]])
    return out[0]


def test_seed_text_holds_article_once_and_no_furniture():
    doc = repaired()
    text = doc.clean_text
    assert doc.kept
    assert text.startswith(LEAD)
    for s in [LEAD, *BODY]:
        assert text.count(s) == 1, s
    for junk in ("Sjá meira", "Mest lesið", "Innlent", "Fleiri fréttir", "Rússland Kína", "Erlent"):
        assert junk not in text, junk
    assert text.rstrip().endswith("valdi þeim áhyggjum.")


def test_seed_metadata():
    doc = repaired()
    assert doc.title == "Pútín heimsækir Kim"
    assert doc.authors == ["Gunnar Reynir Valþórsson"]
    assert doc.published == "2024-06-18T07:48"
    assert doc.extras["caption"] == "Pútín millilendir í Jakútseu í morgun."
    assert doc.extras["credit"] == "Sergei Karpukhin/Sputnik, Kremlin Pool Photo via AP"
    assert "Pútín heimsækir Kim" not in doc.clean_text
    assert "skrifar" not in doc.clean_text


def test_seed_removals_are_explained():
    doc = repaired()
    reasons = {s.reason for s in doc.removed}
    assert {"metadata", "repeated", "boilerplate"} <= reasons
    rep = [doc.text[s.start : s.end] for s in doc.removed if s.reason == "repeated"]
    # the second copy of the body (line 2) is recorded as repeated, not its first occurrence
    assert any(BODY[0] in r for r in rep)
    line2 = doc.text.index("\n") + 1
    assert all(s.start >= 1000 for s in doc.removed if s.reason == "repeated")
    assert any(s.start <= line2 < s.end or s.start == line2 for s in doc.removed if s.reason == "repeated")
    bp = " ".join(doc.text[s.start : s.end] for s in doc.removed if s.reason == "boilerplate")
    assert "Mest lesið" in bp and "Sjá meira" in bp


def test_seed_title_kept_in_text_on_request():
    doc = Document(id="seed", text=SEED.read_text(encoding="utf-8"))
    (out,) = run_inline([Metadata(title_in_text=True)], [[doc]])
    assert out[0].title == "Pútín heimsækir Kim"
    assert out[0].clean_text.startswith("Pútín heimsækir Kim")
