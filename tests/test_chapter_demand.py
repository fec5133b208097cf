"""Chapter 4 (Vraag en aanbod) as a chapter result: facts, sentences, types and branches, without papermill.

Logic is checked on hand-made inputs and on copies of the data snapshot with one file added or removed;
numbers of the current snapshot are not pinned (only relations that hold for any snapshot).
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from mkbbook import demand as model
from mkbbook import population as pop
from mkbbook import settings as settings_module
from mkbbook.chapters import demand
from mkbbook.regions import resolve
from mkbbook.result import Figure, Md, Note, Table

FIXTURES = Path(__file__).parent / "fixtures" / "demand"
EDITIONS = ("provincie-utrecht", "u16", "GM0344", "corop-twente")


def test_phrasing_helpers_by_hand():
    assert demand.rounded(86946.9) == 87000 and demand.rounded(5603.7) == 5600 and demand.rounded(572.4) == 570
    assert demand.rounded(58.4) == 58
    assert demand.range_text(49085, 86947, 92153) == "49.000 tot 92.000 (middenschatting 87.000)"
    assert demand.years_text(0.4) == "minder dan 1 jaar" and demand.years_text(1.2) == "1 jaar"
    assert demand.years_text(3.6) == "4 jaar" and demand.years_text(float("inf")) == "nooit"
    assert demand.rule_text(3, 0.6, 7) == ("een sector wordt alleen aanbevolen als hij bij ten minste 60% van de 7 "
                                           "varianten van de gewichten (dus bij 5 of meer) in de top 3 staat")


def test_priorities_sentence_says_when_no_sector_stands_out():
    rule = demand.rule_text(3, 0.6, 7)
    none = demand.priorities_sentence([], 3, rule)
    assert isinstance(none, Md) and none.startswith("Geen enkele sector blijft")
    assert demand.priorities_text([]).startswith("geen enkele sector")
    one = demand.priorities_sentence(["M-N"], 3, rule)
    assert "blijft **zakelijke dienstverlening** in de top 3: dat is de aanbevolen sector" in one
    two = demand.priorities_sentence(["M-N", "F"], 3, rule)
    assert "blijven **zakelijke dienstverlening en bouw**" in two and "dat zijn de aanbevolen sectoren" in two


@pytest.fixture(scope="module")
def chapters():
    settings = settings_module.load()
    return {r: demand.compute.uncached(resolve(r), 2025, settings) for r in EDITIONS}


@pytest.mark.parametrize("region", EDITIONS)
def test_no_edition_recommends_a_non_market_group(chapters, region):
    ch = chapters[region]
    codes = ch["prioriteiten"]
    assert isinstance(codes, list) and ch["n_prioriteiten"] == len(codes) <= 9
    assert not set(codes) & model.NON_MARKET_GROUPS
    assert "A+O-Q" not in set(ch.exhibits["sectorscore"].data["sectorgroep"])
    robust = ch.exhibits["robuustheid"].data
    assert list(robust.loc[robust["robuust"], "sectorgroep"]) == codes


@pytest.mark.parametrize("region", EDITIONS)
def test_facts_types_and_relations(chapters, region):
    ch = chapters[region]
    area = resolve(region)
    assert ch["regio_naam"] == area.name and ch["heeft_schatting"] is True
    assert isinstance(ch["vestigingen"], int)
    mkb = ch["mkb_schatting"]
    assert mkb["laag"] <= mkb["midden"] <= mkb["hoog"] < ch["vestigingen"]
    assert ch.text("mkb_schatting").startswith("ongeveer ")
    lag = ch["achterblijvers"]
    assert lag["laag"] <= lag["midden"] <= lag["hoog"] < mkb["hoog"]
    # the laggards split into under 10 persons and 10-249 persons (the scope of the targets)
    for bound in ("laag", "midden", "hoog"):
        assert ch["achter_onder10"][bound] + ch["achter_10_249"][bound] == pytest.approx(lag[bound])
    assert 0 < ch["aandeel_klein_achter"] <= 100
    # the targets come from the policy register, with their scope of 10-249 persons
    assert ch["doel_nl"] == 95.0 and ch["doel_eu"] == 90.0 and ch["doel_jaar"] == 2030
    assert "10 tot 250 werkzame personen" in ch.text("tempo_zin")
    assert ch["nodig_per_jaar_trend"] <= ch["nodig_per_jaar"]
    assert ch["jaren_met_trend"] <= ch["jaren_zonder_trend"]
    # zzp and micro firms: laggards, but no need derived from a target
    assert "geen doel" in ch.text("onder10_zin") and "nodig" not in ch.text("onder10_zin")
    assert ch["ambitie_aandeel"]["hoog"] <= ch["ambitie_aandeel"]["laag"]
    for key in ("populatie_zin", "tempo_zin", "onder10_zin", "prioriteiten_zin", "aanbod_zin"):
        assert ch.facts[key].is_markdown, key
    assert ch.text("tempo_kort").startswith("zonder trend zijn tot 2030 ongeveer")


def test_exhibits_carry_exact_data(chapters):
    ch = chapters["provincie-utrecht"]
    for key in ("populatie", "scenarios", "sectorfactor", "achterblijvers-aantal", "doel-tempo", "trend", "aanbod-per-groep",
                "sectorscore", "robuustheid"):
        assert isinstance(ch.exhibits[key], Table), key
    for key in ("grootte-per-sector", "achterblijvers-aandeel", "achterblijvers-sector-grootte", "gevoeligheid"):
        assert isinstance(ch.exhibits[key], Figure), key
    steps = ch.exhibits["populatie"].data.set_index("stap")
    assert steps.loc["mkb", "midden"] == pytest.approx(ch["mkb_schatting"]["midden"])  # full precision, not rounded
    assert steps.loc["vestigingen", "midden"] == ch["vestigingen"]
    assert ch.exhibits["geen-schatting"] is None
    # the population split: public administration is removed, education and care are non-market parts
    cells = ch.exhibits["grootte-per-sector"].data
    assert "O" not in set(cells["deel"]) and {"A", "P", "Q"} <= set(cells["deel"])


def test_the_page_says_which_sector_figures_were_used(mirror_copy):
    settings = settings_module.load()
    area = resolve("GM0344")
    eu = demand.compute.uncached(area, 2025, settings)
    assert eu["sectorfactor_bron"] == "EU27_2020" and "hele EU" in eu.text("sectorfactor_bron")
    shutil.copy(FIXTURES / "isoc_e_diin2.csv", mirror_copy / "eurostat" / "isoc_e_diin2.csv")
    nl = demand.compute.uncached(area, 2025, settings)
    assert nl["sectorfactor_bron"] == "NL" and "Nederlandse cijfers" in nl.text("sectorfactor_bron")
    factors = nl.exhibits["sectorfactor"].data.set_index("sectorgroep")["factor"]
    assert factors["F"] == pytest.approx(30 / 20)  # the fixture: F 70 %, all activities 80 %


def test_without_national_size_classes_the_chapter_says_so(mirror_copy):
    (mirror_copy / model.SIZE_FILE).unlink()
    ch = demand.compute.uncached(resolve("GM0344"), 2025, settings_module.load())
    assert ch["heeft_schatting"] is False and ch.text("mkb_schatting") == "niet te schatten"
    assert isinstance(ch.exhibits["geen-schatting"], Note) and ch.exhibits["populatie"] is None
    assert "kan dit hoofdstuk het mkb" in ch.text("tempo_zin")
    assert not set(ch["prioriteiten"]) & model.NON_MARKET_GROUPS


def test_settings_change_the_focus_rule():
    base = settings_module.load()
    raw = {**base.raw, "sector_score": {**base.raw["sector_score"], "min_share": 1.0, "top_group": 1}}
    strict = settings_module.Settings(raw, base.path)
    ch = demand.compute.uncached(resolve("GM0344"), 2025, strict)
    robust = ch.exhibits["robuustheid"].data
    assert list(robust.loc[robust["in_top"] == robust["varianten"], "sectorgroep"]) == ch["prioriteiten"]
    assert "in de top 1 staat" in ch.text("robuust_regel")
