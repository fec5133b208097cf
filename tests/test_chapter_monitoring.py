"""Chapter 6 (mkbbook.chapters.monitoring) computed without papermill.

The fixture register tests/fixtures/monitoring/chapter_run.yml holds made-up numbers for real
initiative ids and municipality codes; the expected values below are worked out by hand from it.
The sectors with priority are fixed here (J, M-N, F) so the test does not depend on the demand model
or the data snapshot.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mkbbook import monitoring as mon
from mkbbook import settings as settings_module
from mkbbook.chapters import monitoring as chapter
from mkbbook.publish import safe_markdown_table
from mkbbook.regions import resolve
from mkbbook.result import Figure, Note, Table

FIXTURE = Path(__file__).parent / "fixtures" / "monitoring" / "chapter_run.yml"
PRIORITIES = ["J", "M-N", "F"]
HELP_NOW = (7, 2)  # chapter 2: 7 initiatives help in the year, 2 of them with a reach figure per year
RESULT_KEYS = ["monitoring-geholpen-per-jaar", "monitoring-grootteklasse", "monitoring-sectoren",
               "monitoring-gemeenten", "monitoring-volledigheid", "monitoring-indicatoren-per-jaar"]


@pytest.fixture(scope="module")
def settings():
    return settings_module.load()


@pytest.fixture(scope="module")
def with_records(settings):
    """compute() itself, with the fixture register and fixed priorities (uncached: the inputs are patched)."""
    patch = pytest.MonkeyPatch()
    patch.setattr(mon, "MONITORING_FILE", FIXTURE)
    patch.setattr(chapter, "priority_sectors", lambda area, year, settings: PRIORITIES, HELP_NOW)
    patch.setattr(chapter, "help_now", lambda area, year, settings: HELP_NOW)
    try:
        result = chapter.compute.uncached(resolve("provincie-utrecht"), 2025, settings)
    finally:
        patch.undo()
    return result


def test_key_facts_with_records(with_records):
    ch = with_records
    # 2025: u-tech 90 + rom 40 + werkplaatsen 30 = 160 helped = 64 % of 250; in the province
    # u-tech 50 + 15 + 10 (GM0363 Amsterdam is outside) + werkplaatsen 20 + 10 = 105
    assert ch["geholpen"] == 160 and isinstance(ch["geholpen"], int)
    assert ch["pct_ambitie"] == pytest.approx(64.0) and ch.text("pct_ambitie") == "64%"
    assert ch["n_records"] == 4 and ch["laatste_jaar"] == 2025 and ch["ambitie"] == 250
    assert ch.text("kern_stand") == ("In 2025 hielpen de 3 initiatieven met een record samen 160 mkb'ers. Dat is 64% "
                                     "van de ambitie van 250 per jaar. Van hen zitten er 105 aantoonbaar in "
                                     "provincie Utrecht.")
    assert ch.text("stand_resultaten").startswith("Het monitoringbestand bevat 4 records van 3 initiatieven voor "
                                                  "het mkb in provincie Utrecht, over 2024–2025.")
    assert ch.text("noot_stand").endswith("4 records, laatste rapportdatum 01-03-2026.")
    assert ch["prioriteiten"] == PRIORITIES
    assert ch.text("prioriteiten") == ("informatie en communicatie (J), zakelijke dienstverlening (M-N) en "
                                       "bouw (F)")
    assert ch.text("kern_bereik") == ("Van 5 van de 7 initiatieven die in 2025 hulp bij digitalisering aan het mkb "
                                      "bieden, weten we niet hoeveel mkb'ers ze per jaar helpen.")
    assert ch.text("kern_prioriteiten") == ("De monitoring laat ook zien of de hulp de sectoren bereikt die voorrang "
                                            "krijgen: informatie en communicatie (J), zakelijke dienstverlening (M-N) "
                                            "en bouw (F).")
    assert not any(f.is_markdown for f in ch.facts.values())  # all plain text, glued literally


def test_running_initiatives_and_their_reports(with_records):
    ch = with_records
    table = ch.exhibits["monitoring-lopende-initiatieven"]
    assert isinstance(table, Table)
    data = table.data
    # the register decides which regional initiatives ran in 2025; the records decide who reported
    reported = {"u-tech-community", "rom-utrecht-region"}  # digitale-werkplaatsen is national
    assert list(data["record_2025"]) == [i in reported for i in data["id"]]
    n, k = len(data), int(data["record_2025"].sum())
    assert ch["n_lopend"] == n
    if n > 1:
        verb = "heeft" if k == 1 else "hebben"
        assert ch.text("kern_lopend") == (f"Van de {n} regionale initiatieven voor het mkb die in 2025 liepen, "
                                          f"{verb} er {k} cijfers over 2025 aangeleverd.")
    assert data["start_year"].dtype == "Int64"


def test_results_exhibits_and_their_exact_data(with_records):
    ch = with_records
    figures = [k for k, e in ch.exhibits.items() if isinstance(e, Figure)]
    assert figures == RESULT_KEYS[:5]
    assert ch.exhibits["monitoring-geen-gegevens"] is None
    per_year = ch.exhibits["monitoring-indicatoren-per-jaar"]
    text = safe_markdown_table(per_year.shown)
    # 2025 size: zzp 30 + micro 55 + klein 15 = 100 of 105 known -> 95 %;
    # sectors known 95 (u-tech 65, rom 30): J 40 + M-N 25 = 65 -> 68 %; J and M-N reached, F not;
    # municipalities reached: GM0344, GM0307, GM0355, GM0356 = 4 of 26
    assert "| 2025 | 3 | 160 | 105 | 64\\% | 95\\% | 68\\% | 2 van 3 | 4 van 26 |" in text
    # 2024 (u-tech only): 60 helped, 40 in the province; 45 known size all small; sectors J 20 + M-N 15 + F 5 = 40
    assert "| 2024 | 1 | 60 | 40 | 24\\% | 100\\% | 100\\% | 3 van 3 | 2 van 26 |" in text
    data = per_year.data
    assert data["helped"].tolist() == [60, 160] and str(data["helped"].dtype) == "int64"
    assert data.loc[1, "pct_priority"] == pytest.approx(65 / 95 * 100)  # full precision, not the rounded 68
    sizes = ch.exhibits["monitoring-grootteklasse"].data
    assert sizes["helped"].dtype == "int64"
    assert sizes.loc[(sizes["year"] == 2025) & (sizes["size_class"] == "onbekend"), "helped"].item() == 55
    fig = ch.exhibits["monitoring-sectoren"]
    assert fig.spec["description"] == ("In 2025 kwam 68% van de geholpen mkb'ers met bekende sector uit een sector "
                                       "met voorrang; 2 van de 3 sectoren met voorrang zijn bereikt.")


def test_without_records_nothing_is_filled_in(settings):
    empty = mon.load_monitoring()  # the real register is empty: never invented
    ch = chapter.build(resolve("u16"), 2025, settings, empty, PRIORITIES, HELP_NOW)
    assert ch["geholpen"] is None and ch.text("geholpen") == "onbekend"
    assert ch.text("kern_stand").startswith("Er zijn nog geen monitoringcijfers.")
    assert "250 per jaar" in ch.text("kern_stand")
    assert all(ch.exhibits[k] is None for k in RESULT_KEYS)
    assert isinstance(ch.exhibits["monitoring-geen-gegevens"], Note)


def test_ambition_comes_from_the_settings(settings):
    raw = {**settings.raw, "ambition": {**settings.raw["ambition"], "per_year": 1000}}
    other = settings_module.Settings(raw)
    records = mon.load_monitoring(FIXTURE)
    ch = chapter.build(resolve("provincie-utrecht"), 2025, other, records, PRIORITIES, HELP_NOW)
    assert ch.text("ambitie") == "1.000" and ch["pct_ambitie"] == pytest.approx(16.0)
    assert ch.exhibits["monitoring-indicatoren"].data.loc[0, "doel"].startswith("minstens 1.000 per jaar")
    assert ch.exhibits["monitoring-geholpen-per-jaar"].data["target"].tolist() == [1000, 1000]


def test_records_after_the_edition_year_are_left_out(settings):
    records = mon.load_monitoring(FIXTURE)
    ch = chapter.build(resolve("provincie-utrecht"), 2024, settings, records, PRIORITIES, HELP_NOW)
    assert ch["laatste_jaar"] == 2024 and ch["geholpen"] == 60 and ch["n_records"] == 1


def test_region_outside_the_researched_area(settings):
    ch = chapter.build(resolve("corop-twente"), 2025, settings, mon.load_monitoring(FIXTURE), PRIORITIES, HELP_NOW)
    assert ch["n_lopend"] is None and ch.text("n_lopend") == "niet onderzocht"
    assert "niet onderzocht" in ch.text("kern_lopend") and "niet onderzocht" in ch.text("lopend_zin")
    note = ch.exhibits["monitoring-lopende-initiatieven"]
    assert isinstance(note, Note) and "niet onderzocht" in note.text
    # the national werkplaatsen record reaches every region, but none of its firms is in Twente
    assert ch["geholpen"] == 30 and "Van hen zitten er 0 aantoonbaar" in ch.text("kern_stand")
    assert ch.exhibits["monitoring-indicatoren-per-jaar"].shown["Lopende regionale initiatieven met record"] \
        .tolist() == ["niet onderzocht"]


def test_region_names_are_escaped_in_markdown(settings):
    from dataclasses import replace

    area = replace(resolve("u16"), name="U16 <b>*x*</b>")
    ch = chapter.build(area, 2025, settings, mon.load_monitoring(FIXTURE), PRIORITIES, HELP_NOW)
    caption = ch.exhibits["monitoring-indicatoren-per-jaar"].caption
    assert "<b>" not in caption and "&lt;b&gt;" in caption and "\\*x\\*" in caption
    assert "<b>" not in ch.exhibits["monitoring-gemeenten"].caption


@pytest.mark.parametrize("args, expected", [
    ((2025, 1, 1, 0.4, 250, 1, "X"), "In 2025 hielp het enige initiatief met een record 1 mkb'er. Dat is 0% van de "
                                     "ambitie van 250 per jaar. Van hen zit er 1 aantoonbaar in X."),
    ((2025, 2, 0, 0.0, 250, 0, "X"), "In 2025 hielpen de 2 initiatieven met een record samen 0 mkb'ers. Dat is 0% "
                                     "van de ambitie van 250 per jaar."),
])
def test_helped_sentence(args, expected):
    assert chapter.helped_sentence(*args) == expected


def test_singular_and_plural_sentences():
    assert chapter.reach_sentence(0, 0, 2025).startswith("Volgens het register biedt in 2025 geen initiatief")
    assert chapter.reach_sentence(1, 1, 2025) == ("Van het enige initiatief dat in 2025 hulp bij digitalisering aan "
                                                  "het mkb biedt, weten we niet hoeveel mkb'ers het per jaar helpt.")
    assert chapter.reach_sentence(5, 0, 2025).startswith("Van alle 5 initiatieven die in 2025")
    assert chapter.reach_sentence(7, 7, 2025).startswith("Van geen van de 7 initiatieven die in 2025")
    assert chapter.sector_sentence(2025, 50.0, 1, 3).endswith("1 van de 3 sectoren met voorrang is bereikt.")
    assert chapter.sector_sentence(2025, 50.0, 0, 1).endswith("de sector met voorrang is niet bereikt.")
    assert chapter.sector_sentence(2025, None, 0, 2).startswith("In 2025 is van geen enkele geholpen mkb'er")
    assert chapter.place_sentence(2025, 1, 1, 1, "Utrecht") == ("Volgens de uitsplitsing per gemeente is in 2025 "
                                                                "1 mkb'er in Utrecht geholpen.")
    assert chapter.place_sentence(2025, 1, 4, 9, "X") == ("In 2025 was in 1 van de 4 gemeenten van X minstens één "
                                                          "mkb'er geholpen (25%).")
    assert chapter.reported_sentence(2025, 1, 0) == "Het enige regionale initiatief dat in 2025 liep, heeft geen record."
    assert chapter.reported_sentence(2025, 3, 1) == "1 van de 3 regionale initiatieven die in 2025 liepen, heeft een record."


def test_one_or_no_sector_with_priority(settings):
    records = mon.load_monitoring(FIXTURE)
    one = chapter.build(resolve("u16"), 2025, settings, records, ["J"], HELP_NOW)
    assert one.text("prioriteiten_zin").endswith("deze sector voor: informatie en communicatie (J).")
    assert "de sector bereikt die voorrang krijgt:" in one.text("kern_prioriteiten")
    assert one.exhibits["monitoring-sectoren"].spec["description"].endswith("de sector met voorrang is bereikt.")
    none = chapter.build(resolve("u16"), 2025, settings, records, [], HELP_NOW)
    assert none["prioriteiten"] == [] and none.text("prioriteiten") == "geen"
    assert none.text("kern_prioriteiten").startswith("Het hoofdstuk over vraag en aanbod wijst geen sector aan")
    assert none.exhibits["monitoring-prioritaire-sectoren"] is None
    assert "\\*" not in none.exhibits["monitoring-sectoren"].caption


def test_single_municipality_gets_a_note(settings):
    ch = chapter.build(resolve("GM0344"), 2025, settings, mon.load_monitoring(FIXTURE), PRIORITIES, HELP_NOW)
    note = ch.exhibits["monitoring-gemeenten"]
    assert isinstance(note, Note)
    # u-tech 50 + werkplaatsen 20 in Utrecht (GM0344) in 2025
    assert "70 mkb" in note.text and "Utrecht geholpen" in note.text


def test_csv_data_are_whole_numbers(with_records, tmp_path):
    from mkbbook.publish import write_csv

    for key, exhibit in with_records.exhibits.items():
        if isinstance(exhibit, (Figure, Table)):
            path = tmp_path / f"{key}.csv"
            write_csv(exhibit.data, path)
            text = path.read_text()
            assert "e+" not in text and "e-0" not in text, key
            frame = pd.read_csv(path)
            for col in ("helped", "records", "helped_in_region"):
                if col in frame:
                    assert frame[col].dtype == "int64", (key, col)
