"""Chapter 1 (mkbbook.chapters.business) without papermill: facts, sentences, types, exact downloads
and flagged breaks. Hand-checked arithmetic lives in test_dynamics, test_reorg and test_breaks; here
the chapter must agree with its own data and follow the text rules, for several kinds of region."""

import pandas as pd
import pytest

from mkbbook import business as business_domain
from mkbbook.chapters import business
from mkbbook.result import Figure, Note, Table

REGIONS = ["provincie-utrecht", "u16", "GM0344", "corop-twente"]
SUMMARY_KEYS = ["regio_naam", "jaar", "basisjaar", "n_vestigingen", "groei_sinds_basis", "nl_groei_sinds_basis",
                "grootste_sector", "grootste_sector_aandeel", "sterkste_lq_sector", "sterkste_lq"]


@pytest.fixture(scope="module", params=REGIONS)
def chapter(request):
    return request.param, business.compute(request.param, 2025)


def test_summary_facts_exist_with_types(chapter):
    _, ch = chapter
    for key in SUMMARY_KEYS:
        assert key in ch.facts, key
    assert isinstance(ch["n_vestigingen"], int)  # no split reaches these regions: an exact count
    assert isinstance(ch["groei_sinds_basis"], float) and isinstance(ch["sterkste_lq"], float)
    assert ch["grootste_sector"] in business_domain.SECTOR_GROUPS


def test_growth_is_like_for_like(chapter):
    region, ch = chapter
    idx = ch.exhibits["vestigingen-index"].data
    nl = idx[idx["eenheid"] == business_domain.NL_COMPARATOR].set_index("jaar")["vestigingen"]
    assert ch["nl_groei_sinds_basis"] == pytest.approx((nl[2025] / nl[ch["basisjaar"]] - 1) * 100)
    assert ch["nl_gemeenten_som"] == nl[2025]
    assert ch["nl_vestigingen"] == ch["nl_gemeenten_som"] + ch["nl_niet_toegewezen"]
    reg = idx[idx["eenheid"] != business_domain.NL_COMPARATOR].set_index("jaar")["vestigingen"]
    assert ch["n_vestigingen"] == reg[2025]
    assert "alle gemeenten van Nederland samen" in ch.text("vergelijking_uitleg")


def test_breaks_are_flagged_where_growth_spans_them(chapter):
    _, ch = chapter
    assert 2022 in ch["breuken_jaren"] and 2024 in ch["breuken_jaren"]
    assert "Trendbreuk 2022" in ch.exhibits["vestigingen-index"].note
    assert "trendbreuk van 2022" in ch.text("kern_groei")
    growth = ch.exhibits["groei-per-sector"].data.set_index("sectorgroep")["trendbreuken"]
    assert growth["K"] == "2022; 2024" and growth["B-E"] == "2022" and growth["totaal"] == "2022"
    assert "Trendbreuk 2024" in ch.exhibits["sectorstructuur"].note


def test_no_break_note_when_growth_does_not_span_one():
    ch = business.compute("u16", 2017)
    assert ch["breuken_jaren"] == []
    assert "geen trendbreuken" in ch.text("breuken_zin")
    assert "Trendbreuk" not in ch.exhibits["vestigingen-index"].note


def test_downloads_are_exact_data(chapter):
    _, ch = chapter
    for key, exhibit in ch.exhibits.items():
        if isinstance(exhibit, (Figure, Table)):
            for col in exhibit.data.columns:
                assert exhibit.data[col].dtype != object or not exhibit.data[col].map(
                    lambda v: isinstance(v, str) and v.endswith("%")).any(), (key, col)  # no display text
    m = ch.exhibits["vestigingen-gemeenten"].data
    assert m["vestigingen"].dtype == "int64" and "bevat_schatting_splitsing" in m.columns
    assert ch.exhibits["oprichtingen-per-100"].data["oprichtingen"].dtype == "int64"


def test_births_mark_provisional_years(chapter):
    _, ch = chapter
    births = ch.exhibits["oprichtingen-per-100"].data
    latest = births["jaar"].max()
    assert births.loc[births["jaar"] == latest, "voorlopig"].all()  # no manifest status: the latest years
    assert ch["oprichtingen_voorlopig"] is True and "voorlopig" in ch.text("kern_oprichtingen")


def test_dutch_text_rules(chapter):
    region, ch = chapter
    texts = [f.text for f in ch.facts.values()]
    for e in ch.exhibits.values():
        if isinstance(e, (Figure, Table)):
            texts += [e.caption, e.note]
        elif isinstance(e, Note):
            texts.append(e.text)
    text = " ".join(texts)
    assert "met +" not in text and "met \\+" not in text
    assert "de locatiequotiënt" not in text.lower()
    assert " data " not in text
    assert "Dezelfde gegevens als tabel" not in text
    if region == "provincie-utrecht":
        assert "in de provincie Utrecht" in ch.exhibits["vestigingen-index"].caption
        assert ch.text("gemeenten_zin") == "De provincie Utrecht bestaat uit 26 gemeenten."
    if region == "GM0344":
        assert ch.text("n_gemeenten") == "1 gemeente"
        assert isinstance(ch.exhibits["kaart-noot"], Note) and ch.exhibits["kaart-groei"] is None
    if region == "corop-twente":
        assert ch.text("regio_lidwoord") == "het COROP-gebied Twente"
        assert isinstance(ch.exhibits["banen-per-sector"], Note)


def test_fact_keys_are_documented():
    doc = business.__doc__
    ch = business.compute("u16", 2025)
    for key in ch.facts:
        assert key in doc, key
    for key in ch.exhibits:
        assert key in doc, key
