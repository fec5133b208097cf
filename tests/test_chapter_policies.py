"""Chapter 3 "Beleidskaders vergeleken" computed on fixtures, without papermill (values checked by hand)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mkbbook import coverage, eurostat, funding, geography, policies, regions, settings
from mkbbook.chapters import policies as chapter
from mkbbook.publish import safe_markdown_table
from mkbbook.result import Figure, Md, Note, Table

FIXTURES = Path(__file__).parent / "fixtures" / "policies"
CODES = {"GM0344", "GM0307", "PV26", "NL", "EU"}


def _inputs(register_file="chapter_register.yml"):
    geo = geography.municipalities()
    return chapter.Inputs(
        register=policies.load_policies(FIXTURES / register_file, valid_codes=CODES),
        funding=funding.load_funding(),
        coverage=coverage.Coverage("policies", frozenset({"PV26"}), ("EU", "Rijk"), "de provincie Utrecht (test)",
                                   frozenset({"GM0344"})),
        province_of=dict(zip(geo["gemeentecode"], geo["provinciecode"])),
        municipality_name=dict(zip(geo["gemeentecode"], geo["gemeentenaam"])),
        dii_raw=eurostat.read_sdmx_csv(FIXTURES / "isoc_e_dii_sample.csv"),
        ai_raw=eurostat.read_sdmx_csv(FIXTURES / "isoc_eb_ai_sample.csv"),
        nl_monitoring=policies.load_nl_monitoring(),
        cbs=policies.load_cbs_size_class(FIXTURES / "cbs_size_class_sample.csv"),
        size_counts=pd.read_csv(FIXTURES / "bedrijven_grootteklasse_sample.csv", dtype={"grootteklasse": str}))


@pytest.fixture(scope="module")
def utrecht():
    return chapter.build(regions.resolve("GM0344"), 2025, settings.load(), _inputs())


@pytest.fixture(scope="module")
def twente():
    return chapter.build(regions.resolve("corop-twente"), 2025, settings.load(), _inputs())


def test_counts_use_policy_documents_only(utrecht):
    # EU: kompas, besluit; Rijk: sde; provincie: visie; gemeente: Utrecht = 5 (the report is not counted)
    assert utrecht["n_documenten"] == 5 and isinstance(utrecht["n_documenten"], int)
    assert utrecht["n_rapporten"] == 1
    assert utrecht["n_met_doel"] == 3  # kompas, besluit, sde
    assert utrecht.text("doelen_per_niveau") == "EU 2 van 2; Rijk 1 van 1; Provincie 0 van 1; Gemeente 0 van 1"
    heat = utrecht.exhibits["themas-per-niveau"]
    assert isinstance(heat, Figure)
    assert heat.data.groupby("level")["level_documents"].first().to_dict() == {
        "EU": 2, "Rijk": 1, "provincie": 1, "regio": 0, "gemeente": 1}


def test_sentences_for_a_researched_region(utrecht):
    assert utrecht["dekking"] == "volledig"
    assert utrecht.text("dekking_zin") == ("Voor de gemeente Utrecht is beleid van de EU, het Rijk, de provincie en "
                                           "de regionale samenwerkingen onderzocht. Het eigen programma van de "
                                           "gemeente is gelezen.")
    assert utrecht.text("zin_doelen") == ("Alleen **de EU en het Rijk** stellen cijfermatige doelen voor de "
                                          "digitalisering van het mkb; de provincie en de gemeenten doen dat niet.")
    # provincie: visie names mkb; gemeente: Utrecht does not -> 1 of 2
    assert utrecht.text("concl_lokaal") == ("1 van de 2 provinciale, regionale en gemeentelijke documenten voor de "
                                            "gemeente Utrecht (50%) noemt de digitalisering van het mkb als thema. "
                                            "Geen van die documenten heeft er een cijfermatig doel voor.")
    assert (utrecht["n_lokaal"], utrecht["n_lokaal_mkb"]) == (2, 1)
    assert isinstance(utrecht.exhibits["beleid-regio"], Table)


def test_not_researched_is_not_none(twente):
    assert twente["dekking"] == "niet"
    assert twente["n_documenten"] == 3  # EU and Rijk only
    assert twente["niveaus_niet_onderzocht"] == ["provincie", "regio", "gemeente"]
    assert twente.text("zin_doelen") == (
        "Van de onderzochte bestuursniveaus stellen **de EU en het Rijk** cijfermatige doelen voor de digitalisering "
        "van het mkb. Beleid van de provincie, de regionale samenwerkingen en de gemeenten is voor deze regio niet "
        "onderzocht.")
    for key, fact in twente.facts.items():
        assert "niet bij provincie" not in fact.text and "doen dat niet" not in fact.text, key
    assert "**niet onderzocht**" in twente.text("dekking_zin")
    assert twente["n_lokaal"] is None and twente.text("n_lokaal") == "niet onderzocht"
    assert twente.text("gemeenten_onderzocht") == "geen van de 14 gemeenten"
    assert isinstance(twente.exhibits["beleid-regio"], Note)
    assert set(twente.exhibits["themas-per-niveau"].data["level"]) == {"EU", "Rijk"}


def test_targets_and_gaps_come_from_the_register(utrecht):
    assert utrecht.text("doel_nl") == "95%" and utrecht.text("doel_eu") == "91%"  # latest adopted EU document
    assert utrecht["nl_mkb"] == pytest.approx(88.76) and isinstance(utrecht["nl_mkb"], float)
    assert utrecht["gap_nl"] == pytest.approx(95 - 88.76)
    assert utrecht["gap_eu"] == pytest.approx(91 - 71.39)
    assert utrecht.text("gap_nl") == "6,2 procentpunt"
    assert utrecht["dii_jaar"] == 2025
    gaps = utrecht.exhibits["doelen-en-meting"].data
    assert gaps.groupby(["indicator", "geo"]).size().max() == 1  # one target per indicator and area


def test_study_claim_and_stale_records(utrecht):
    value = utrecht["rijk_mkb_pijler"]
    assert value["pillar"] == "Versnellen digitalisering mkb" and value["target"] == "95%"
    assert "niet bevestigd" in utrecht.text("rijk_mkb_pijler")
    assert utrecht["n_verouderd"] == 1  # the provincial record was checked 2024-06-01, edition 2026-12-01
    status = utrecht.exhibits["documenten"].shown.set_index(utrecht.exhibits["documenten"].data["id"])["Status"]
    assert status["prov-visie"] == "geldend (gecontroleerd 1 juni 2024; mogelijk verouderd)"
    assert status["gem-utrecht"] == "afgelopen (gecontroleerd 27 november 2026)"


def test_register_text_is_escaped(utrecht):
    """A policy title with HTML and Markdown reaches the page only escaped."""
    for key, fact in utrecht.facts.items():
        if isinstance(fact.text, Md):
            assert "<script>" not in fact.text and "*x*" not in fact.text, key
    assert "&lt;script&gt;" in utrecht.text("verouderd_zin")
    for key, exhibit in utrecht.exhibits.items():
        if isinstance(exhibit, Table):
            text = safe_markdown_table(exhibit.shown) + exhibit.caption + exhibit.note
            assert "<script>" not in text and "*x*" not in text, key
        elif isinstance(exhibit, Note):
            assert "<script>" not in exhibit.text, key
    shown = safe_markdown_table(utrecht.exhibits["beleid-regio"].shown)
    assert r"Visie &lt;script&gt;alert\(1\)&lt;/script&gt; \*x\*" in shown


def test_funding_routes_in_the_chapter(utrecht):
    assert utrecht["n_routes"] == len(funding.load_funding())
    assert isinstance(utrecht.exhibits["financieringsroutes"], Table)
    assert utrecht.text("routes_zin").startswith(f"Het register noemt {utrecht['n_routes']} financieringsroutes")


@pytest.mark.parametrize("key", ["corop-twente", "provincie-gelderland"])
def test_real_regions_outside_coverage(key):
    """On the real registers: EU and Rijk only, said plainly (wording only, no snapshot numbers)."""
    ch = chapter.compute(key, 2025)
    assert ch["dekking"] == "niet"
    assert ch["niveaus_onderzocht"] == ["EU", "Rijk"]
    assert ch.text("zin_doelen").startswith("Van de onderzochte bestuursniveaus")
    assert "niet onderzocht" in ch.text("zin_doelen") and "niet onderzocht" in ch.text("kern_lokaal")
    assert "**niet onderzocht**" in ch.text("dekking_zin")
    docs = ch.exhibits["documenten"].data
    assert set(docs["level"]) <= {"EU", "Rijk"} and set(docs["kind"]) == {"beleid"}


def test_real_region_inside_coverage_counts_examined_municipalities():
    ch = chapter.compute("u16", 2025)
    assert ch["dekking"] == "volledig"
    assert ch["gemeenten_onderzocht"] == 1  # only Utrecht's programme of the 16 was read
    assert "onderzochte gemeenten (1 van de 16)" in ch.text("zin_doelen")
