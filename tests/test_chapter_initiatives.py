"""Chapter 2 (mkbbook.chapters.initiatives) on a fixture register, without papermill.

Fixture: tests/fixtures/initiatives/chapter_register.yml (real area codes) and chapter_organisations.yml.
Expected values are worked out by hand from the rules in mkbbook.initiatives.status_in_year.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mkbbook import initiatives as ini
from mkbbook import settings as settings_module
from mkbbook.chapters import initiatives as chapter
from mkbbook.errors import DataError
from mkbbook.publish import safe_markdown_table
from mkbbook.regions import resolve
from mkbbook.result import Md

FIXTURES = Path(__file__).parent / "fixtures" / "initiatives"
EVIL = "X<script>alert(1)</script>*x*"


@pytest.fixture
def fixture_registers(monkeypatch):
    load_i, load_o = ini.load_initiatives, ini.load_organisations
    monkeypatch.setattr(ini, "load_initiatives", lambda *a, **k: load_i(FIXTURES / "chapter_register.yml"))
    monkeypatch.setattr(ini, "load_organisations",
                        lambda *a, **k: load_o(FIXTURES / "chapter_organisations.yml", k.get("initiative_ids")))


def compute(region, year):
    return chapter.compute.uncached(resolve(region), year, settings_module.load())


# ------------------------------------------------------------------ domain rules, by hand

def test_status_in_year_rules():
    reg = ini.load_initiatives(FIXTURES / "chapter_register.yml")
    s25 = ini.status_in_year(reg, 2025).set_index("id")
    assert s25.loc["x-nu", ["status_year", "status_basis", "stale"]].tolist() == ["lopend", "bron", False]
    assert s25.loc["y-breed", ["status_year", "status_basis", "stale"]].tolist() == ["lopend", "looptijd", False]
    # planned since 2022: still "gepland" in 2025, but marked stale (the source is from 2022)
    assert s25.loc["z-loket", ["status_year", "stale"]].tolist() == ["gepland", True]
    assert s25.loc["n-nationaal", ["status_year", "status_basis"]].tolist() == ["beeindigd", "looptijd"]
    assert s25.loc["e-digitaal", ["status_year", "stale"]].tolist() == ["lopend", True]
    assert s25.loc["b-burgers", "status_year"] == "onbekend"
    s21 = ini.status_in_year(reg, 2021).set_index("id")
    assert s21.loc["x-nu", ["status_year", "status_basis"]].tolist() == ["lopend", "startjaar"]
    assert s21.loc["n-nationaal", ["status_year", "stale"]].tolist() == ["lopend", False]
    assert s21.loc["e-digitaal", ["status_year", "status_basis"]].tolist() == ["gepland", "startjaar"]
    # a longer allowed age: the 2023 status is no longer stale in 2025
    assert not ini.status_in_year(reg, 2025, max_age_years=2).set_index("id").loc["e-digitaal", "stale"]


def test_supply_sets_one_set_each():
    reg = ini.load_initiatives(FIXTURES / "chapter_register.yml")
    sets = ini.supply_sets(reg, 2025).set_index("id")["supply_set"].to_dict()
    assert sets == {"x-nu": "hulp_nu", "y-breed": "ander_thema", "z-loket": "gepland", "n-nationaal": "beeindigd",
                    "e-digitaal": "hulp_nu", "b-burgers": "burgers"}
    assert ini.supply_sets(reg, 2021).set_index("id").loc["n-nationaal", "supply_set"] == "hulp_nu"


def test_cumulative_reach_is_never_divided():
    reg = ini.load_initiatives(FIXTURES / "chapter_register.yml")
    per_year = ini.reach_per_year(reg)
    assert per_year.isna().all()  # x-nu's 200 is cumulative 2021-2023
    row = reg.set_index("id").loc["x-nu"]
    assert ini.reach_text(row) == "200 betrokken ondernemers, opgeteld over 2021–2023"
    one = reg.assign(reach_kind=["per_jaar"] + [None] * (len(reg) - 1))
    assert ini.reach_per_year(one).tolist()[0] == 200


def test_benchmark_comparison_follows_the_numbers():
    comp = ini.compare_benchmarks(ini.load_benchmarks(FIXTURES / "benchmarks.yml"))
    assert comp["comparable"].tolist() == [True, False]
    assert comp.loc[1, "reason"] == "geen cijfer per jaar"
    text = chapter.benchmark_sentence(comp, 250)
    assert "meer dan **220**" in text and "minstens **88\\%**" in text and "zegt dit cijfer niet" in text
    assert "haalt" not in text and "bereiken" not in text  # 220 is never presented as reaching 250
    exact = comp.assign(bound="exact")
    assert "minder dan de ambitie" in chapter.benchmark_sentence(exact, 250)
    assert "tempo van de ambitie" in chapter.benchmark_sentence(exact, 200)
    assert "Geen enkel vergelijkingscijfer" in chapter.benchmark_sentence(comp.assign(comparable=False), 250)


def test_real_benchmarks_only_groningen_is_comparable():
    comp = ini.compare_benchmarks(ini.load_benchmarks())
    assert comp.loc[comp["comparable"], "id"].tolist() == ["werkplaats-online-ondernemen-groningen"]


# ------------------------------------------------------------------ organisations

def test_real_organisations_named_current_unique():
    orgs = ini.load_organisations()
    names = [n.lower() for n in orgs["name"]]
    assert len(names) == len(set(names))
    assert not set(names) & ini.CATEGORY_NAMES
    assert "syntens" not in " ".join(names)  # dissolved in 2014
    assert all(s for s in orgs["sources"])


@pytest.mark.parametrize("name, problem", [("gemeenten", "is a category"), ("Org B", "also used by")])
def test_organisation_errors(tmp_path, name, problem):
    text = (FIXTURES / "chapter_organisations.yml").read_text().replace('name: "Org <b>A</b>"', f"name: {name}")
    path = tmp_path / "organisations.yml"
    path.write_text(text)
    with pytest.raises(DataError) as info:
        ini.load_organisations(path, initiative_ids=["x-nu", "y-breed", "z-loket", "n-nationaal", "e-digitaal",
                                                     "b-burgers"])
    assert problem in str(info.value) and str(path) in str(info.value) and "field 'name'" in str(info.value)


def test_organisation_unknown_initiative():
    with pytest.raises(DataError, match="unknown initiative 'x-nu'"):
        ini.load_organisations(FIXTURES / "chapter_organisations.yml", initiative_ids=["y-breed"])


# ------------------------------------------------------------------ the chapter

def test_chapter_facts_on_fixture(fixture_registers):
    ch = compute("GM0344", 2025)
    counts = {k: ch[f"n_{k}"] for k in ini.SUPPLY_SETS}
    assert counts == {"hulp_nu": 2, "ander_thema": 1, "onbekend": 0, "gepland": 1, "beeindigd": 1, "burgers": 1}
    assert ch.text("n_hulp_nu") == "2 initiatieven" and ch.text("n_gepland") == "1 initiatief"
    assert ch["n_init"] == 6 and ch["n_mkb"] == 5 and ch["n_regionaal"] == 3 and ch["n_nat_eu"] == 3
    assert ch["onderzocht"] is True
    assert ch["n_verouderd"] == 2  # z-loket (2022) and e-digitaal (2023)
    assert (ch["aandeel_sectorfocus"], ch.text("aandeel_sectorfocus")) == (0.5, "50%")
    assert (ch["aandeel_klein"], ch["n_klein"], ch["n_grootte_onbekend"]) == (0.5, 1, 0)
    assert ch["n_bereik_bekend"] == 1 and ch["n_bereik_per_jaar"] == 0
    assert "niet over de jaren verdeeld" in ch.text("bereik_zin")
    assert ch["n_organisaties"] == 3 and ch["n_organisaties_regionaal"] == 2
    assert len(ch.exhibits["organisaties"].data) == ch["n_organisaties"]
    assert ch["ambitie"] == settings_module.load().ambition_per_year
    assert ch.text("aanbod_zin").startswith("In 2025 bieden **2** initiatieven hulp bij digitalisering")
    assert isinstance(ch.exhibits["overzicht"].data["start_year"].dtype, pd.Int64Dtype)
    assert ch["claim_burgers_oordeel"] == "niet te toetsen"


@pytest.mark.parametrize("region", ["corop-twente", "provincie-gelderland"])
def test_outside_coverage_only_national(fixture_registers, region):
    ch = compute(region, 2025)
    assert ch["onderzocht"] is False
    assert ch["n_regionaal"] is None and ch.text("n_regionaal") == "niet onderzocht"
    assert "niet onderzocht" in ch.text("dekking_zin") and "alleen landelijke en Europese" in ch.text("dekking_zin")
    assert set(ch.exhibits["overzicht"].data["level"]) <= {"nationaal", "europees"}
    assert ch["n_init"] == 3 and ch["n_hulp_nu"] == 1  # e-digitaal; n-nationaal ended, b-burgers for citizens
    assert ch.exhibits["dekking"] is not None and ch.exhibits["gemeenten"] is None


def test_register_text_is_escaped(fixture_registers):
    ch = compute("GM0344", 2025)
    texts = [f.text for f in ch.facts.values()]
    tables = [safe_markdown_table(t.shown) for t in ch.exhibits.values() if hasattr(t, "shown")]
    everything = "\n".join(texts + tables)
    assert "<script>" not in everything and "<b>" not in everything and "*x*" not in everything
    assert "&lt;script&gt;" in ch.text("bereik_zin") and isinstance(ch.facts["bereik_zin"].text, Md)
    overview = safe_markdown_table(ch.exhibits["overzicht"].shown)
    assert "X&lt;script&gt;alert\\(1\\)&lt;/script&gt;\\*x\\*" in overview
    assert "Org &lt;b&gt;A&lt;/b&gt;" in safe_markdown_table(ch.exhibits["organisaties"].shown)
    # the data (CSV) keeps the name as it is
    assert EVIL in set(ch.exhibits["overzicht"].data["name"])


def test_real_register_one_definition(monkeypatch):
    ch = compute("provincie-utrecht", 2025)
    parts = [ch[f"n_{k}"] for k in ini.SUPPLY_SETS]
    assert sum(parts) == ch["n_init"] and ch["n_mkb"] == ch["n_init"] - ch["n_burgers"]
    assert ch["n_organisaties"] == len(ch.exhibits["organisaties"].data)
    assert ch["aandeel_sectorfocus"] == pytest.approx(ch["n_sectorfocus"] / ch["n_hulp_nu"])
