"""Tests for mkbbook.monitoring: schema checks, indicators and the real (empty) register.

Expected values for the fixture register (tests/fixtures/monitoring/monitoring.yml)
are computed by hand and written out literally.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml

from mkbbook import monitoring as mon
from mkbbook import initiatives as ini
from mkbbook.errors import DataError
from mkbbook.paths import DATA_DIR

FIXTURES = Path(__file__).parent / "fixtures"
REGISTER = FIXTURES / "monitoring" / "monitoring.yml"
INITIATIVES = FIXTURES / "initiatives" / "register.yml"

INITIATIVE_IDS = {"a-provincie", "b-gemeente", "c-nationaal", "d-buiten", "e-burgers"}
VALID = {"GM0001", "GM0002", "GM0003", "GM0009"}
REGION = {"GM0001", "GM0002", "GM0003"}
PRIORITIES = ["F", "J", "M-N"]


@pytest.fixture(scope="module")
def df():
    return mon.load_monitoring(REGISTER, initiative_ids=INITIATIVE_IDS, valid_codes=VALID)


def rows(table: pd.DataFrame) -> list[dict]:
    return table.to_dict("records")


# ------------------------------------------------------------------ loading

def test_load_fixture(df):
    assert list(df["id"]) == ["a-provincie-2022", "b-gemeente-2022", "b-gemeente-2023",
                              "c-nationaal-2023", "d-buiten-2023"]
    assert list(df.columns) == [f.name for f in mon.MONITORING_FIELDS]
    assert list(df["year"]) == [2022, 2022, 2023, 2023, 2023]
    assert list(df["helped"]) == [100, 30, 50, 200, 0]
    assert df.loc[0, "by_sector"] == {"B-E": 40, "F": 20, "J": 10}
    assert df.loc[2, "support_type"] == ["studentenprojecten", "netwerk"]
    assert df.loc[0, "date"] == pd.Timestamp("2023-02-01")
    # missing values stay missing, never filled in
    assert df.loc[1, "by_sector"] is None and df.loc[1, "support_type"] is None
    assert df.loc[4, "by_size_class"] is None and df.loc[4, "by_municipality"] is None


def test_for_initiatives(df):
    assert list(mon.for_initiatives(df, ["b-gemeente", "x"])["id"]) == ["b-gemeente-2022", "b-gemeente-2023"]


def test_empty_register_gives_empty_indicators(tmp_path):
    path = tmp_path / "monitoring.yml"
    path.write_text("# nothing yet\n[]\n")
    empty = mon.load_monitoring(path, initiative_ids=INITIATIVE_IDS, valid_codes=VALID)
    assert len(empty) == 0 and list(empty.columns) == [f.name for f in mon.MONITORING_FIELDS]
    assert mon.helped_per_year(empty, 250).empty
    assert mon.small_share(empty).empty
    assert mon.sector_coverage(empty, PRIORITIES).empty
    assert mon.municipality_coverage(empty, REGION).empty
    assert mon.detail_completeness(empty).empty
    assert mon.reporting_coverage(empty, ["a-provincie"], 2023) == {
        "n_running": 1, "n_reported": 0, "pct_reported": 0.0, "missing": ["a-provincie"]}


def test_real_register_loads():
    real = mon.load_monitoring()  # validated against data/initiatives.yml and the 2025 municipalities
    assert list(real.columns) == [f.name for f in mon.MONITORING_FIELDS]
    assert len(real) == 0  # no monitoring records exist yet; never invent them
    assert (DATA_DIR / "monitoring.yml").read_text().count("voorbeeld-initiatief") >= 2


def test_example_in_the_real_file_is_refused_as_is(tmp_path):
    """The commented example names an initiative that does not exist, so it can never slip in."""
    lines = (DATA_DIR / "monitoring.yml").read_text().splitlines()
    start = lines.index("# - id: voorbeeld-initiatief-2025")
    example = []
    for line in lines[start:]:
        if not line.startswith("# "):
            break
        example.append(line[2:])
    records = yaml.safe_load("\n".join(example))
    assert records[0]["initiative"] == "voorbeeld-initiatief"
    path = tmp_path / "monitoring.yml"
    path.write_text(yaml.safe_dump(records))
    with pytest.raises(DataError) as err:
        mon.load_monitoring(path)
    assert err.value.field == "initiative"
    # with the initiative made known the example itself is valid
    assert len(mon.load_monitoring(path, initiative_ids={"voorbeeld-initiatief"})) == 1


# ------------------------------------------------------------------ indicators

def test_helped_per_year(df):
    # 2022: 100 + 30; 2023: 50 + 200 + 0
    assert rows(mon.helped_per_year(df, 250)) == [
        {"year": 2022, "helped": 130, "records": 2, "target": 250, "pct_of_target": 52.0},
        {"year": 2023, "helped": 250, "records": 3, "target": 250, "pct_of_target": 100.0},
    ]
    assert list(mon.helped_per_year(df, target=100)["pct_of_target"]) == [130.0, 250.0]
    with pytest.raises(ValueError):
        mon.helped_per_year(df, target=0)


def test_split_counts_size_class(df):
    table = mon.split_counts(df, "by_size_class")
    # 2022: a 20/30/20/10 + onbekend 20; b micro 10, klein 5, rest 15 onbekend
    # 2023: b no split (50 onbekend); c zzp 100, middelgroot 50, rest 50 onbekend; d 0
    assert [tuple(r) for r in table.itertuples(index=False)] == [
        (2022, "zzp", 20), (2022, "micro", 40), (2022, "klein", 25), (2022, "middelgroot", 10),
        (2022, "onbekend", 35),
        (2023, "zzp", 100), (2023, "micro", 0), (2023, "klein", 0), (2023, "middelgroot", 50),
        (2023, "onbekend", 100),
    ]


def test_split_counts_municipality_in_region(df):
    table = mon.split_counts(df, "by_municipality", sorted(REGION))
    # GM0009 lies outside the region: left out, not onbekend
    assert [tuple(r) for r in table.itertuples(index=False)] == [
        (2022, "GM0001", 50), (2022, "GM0002", 60), (2022, "GM0003", 0), (2022, "onbekend", 20),
        (2023, "GM0001", 0), (2023, "GM0002", 20), (2023, "GM0003", 0), (2023, "onbekend", 220),
    ]
    with pytest.raises(ValueError):
        mon.split_counts(df, "by_colour")


def test_small_share(df):
    table = rows(mon.small_share(df))
    # 2022: known 20+40+25+10 = 95 of 130, small 20+40+25 = 85
    assert table[0] == {"year": 2022, "helped": 130, "helped_known_size": 95, "helped_small": 85,
                        "pct_known_size": pytest.approx(73.0769, abs=1e-4),
                        "pct_small": pytest.approx(89.4737, abs=1e-4)}
    # 2023: known 100+50 = 150 of 250, small 100
    assert table[1] == {"year": 2023, "helped": 250, "helped_known_size": 150, "helped_small": 100,
                        "pct_known_size": 60.0, "pct_small": pytest.approx(66.6667, abs=1e-4)}


def test_small_share_without_known_size(df):
    only_b = mon.for_initiatives(df[df["year"] == 2023], ["b-gemeente"])
    assert rows(mon.small_share(only_b)) == [{"year": 2023, "helped": 50, "helped_known_size": 0,
                                              "helped_small": 0, "pct_known_size": 0.0, "pct_small": None}]


def test_sector_coverage(df):
    table = rows(mon.sector_coverage(df, PRIORITIES))
    # 2022: known B-E 40, F 20, J 10 = 70; priority F + J = 30; reached F and J
    assert table[0] == {"year": 2022, "helped_known_sector": 70, "helped_priority": 30,
                        "pct_priority": pytest.approx(42.8571, abs=1e-4), "priorities_reached": 2,
                        "n_priorities": 3}
    # 2023: known F 25, G-I 15 = 40 (b's onbekend 10 and c's 200 are unknown); priority F = 25
    assert table[1] == {"year": 2023, "helped_known_sector": 40, "helped_priority": 25,
                        "pct_priority": 62.5, "priorities_reached": 1, "n_priorities": 3}
    with pytest.raises(ValueError, match="XYZ"):
        mon.sector_coverage(df, ["XYZ"])


def test_municipality_coverage(df):
    assert rows(mon.municipality_coverage(df, REGION)) == [
        {"year": 2022, "helped_in_region": 110, "reached": 2, "n_municipalities": 3,
         "pct_reached": pytest.approx(66.6667, abs=1e-4)},
        {"year": 2023, "helped_in_region": 20, "reached": 1, "n_municipalities": 3,
         "pct_reached": pytest.approx(33.3333, abs=1e-4)},
    ]
    assert mon.municipality_coverage(df, {"GM0009"})["reached"].tolist() == [0, 1]
    with pytest.raises(ValueError):
        mon.municipality_coverage(df, set())


def test_detail_completeness(df):
    table = mon.detail_completeness(df)
    got = {(r.year, r.field): (r.records, r.records_filled, round(r.pct_filled, 4))
           for r in table.itertuples()}
    assert got == {
        (2022, "by_size_class"): (2, 2, 100.0), (2022, "by_sector"): (2, 1, 50.0),
        (2022, "by_municipality"): (2, 2, 100.0), (2022, "support_type"): (2, 1, 50.0),
        (2023, "by_size_class"): (3, 1, 33.3333), (2023, "by_sector"): (3, 1, 33.3333),
        (2023, "by_municipality"): (3, 1, 33.3333), (2023, "support_type"): (3, 2, 66.6667),
    }
    assert list(table["field"].head(4)) == list(mon.OPTIONAL_DETAILS)


def test_reporting_coverage(df):
    running = ["a-provincie", "b-gemeente", "c-nationaal"]
    assert mon.reporting_coverage(df, running, 2022) == {
        "n_running": 3, "n_reported": 2, "pct_reported": pytest.approx(66.6667, abs=1e-4),
        "missing": ["c-nationaal"]}
    # d-buiten reported in 2023 but is not running: it does not count
    assert mon.reporting_coverage(df, running, 2023) == {
        "n_running": 3, "n_reported": 2, "pct_reported": pytest.approx(66.6667, abs=1e-4),
        "missing": ["a-provincie"]}
    assert mon.reporting_coverage(df, [], 2023)["pct_reported"] is None


def test_indicator_definitions():
    table = mon.indicators(1250)
    assert list(table.columns) == ["indicator", "definitie", "eenheid", "doel", "bronveld"]
    assert len(table) == 8 and table.notna().all().all()
    assert table.loc[0, "doel"] == "minstens 1.250 per jaar (aanbeveling 2 van de studie)"
    assert "gedeeld door 1.250" in table.loc[1, "definitie"]
    # every source field named is a field of the register
    names = {f.name for f in mon.MONITORING_FIELDS}
    for fields in table["bronveld"]:
        assert set(fields.split(", ")) <= names, fields


# ------------------------------------------------------------------ schema failures

def _records() -> list[dict]:
    return yaml.safe_load(REGISTER.read_text())


def _load(tmp_path, records):
    path = tmp_path / "monitoring.yml"
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False))
    return mon.load_monitoring(path, initiative_ids=INITIATIVE_IDS, valid_codes=VALID)


def _change(index: int, **changes) -> list[dict]:
    records = copy.deepcopy(_records())
    for key, value in changes.items():
        if value is None:
            records[index].pop(key)
        else:
            records[index][key] = value
    return records


@pytest.mark.parametrize("index, changes, field, words", [
    (0, {"initiative": "bestaat-niet"}, "initiative", "unknown initiative 'bestaat-niet'"),
    (0, {"by_size_class": {"zzp": 60, "micro": 50}}, "by_size_class", "add up to 110, more than helped (100)"),
    (1, {"by_municipality": {"GM0002": 31}}, "by_municipality", "more than helped (30)"),
    (2, {"by_sector": {"F": 40, "onbekend": 20}}, "by_sector", "add up to 60"),
    (0, {"by_size_class": {"groot": 5}}, "by_size_class", "'groot' is not allowed"),
    (0, {"by_sector": {"Q": 5}}, "by_sector", "'Q' is not allowed"),
    (0, {"by_municipality": {"GM9999": 5}}, "by_municipality", "unknown municipality code 'GM9999'"),
    (0, {"support_type": ["koffie"]}, "support_type", "'koffie' is not allowed"),
    (0, {"helped": "veel"}, "helped", "expected a whole number"),
    (0, {"helped": 12.5}, "helped", "expected a whole number"),
    (0, {"helped": -1}, "helped", "negative"),
    (0, {"year": "2022a"}, "year", "expected a whole number"),
    (0, {"year": 22}, "year", "outside"),
    (0, {"by_size_class": {"zzp": "tien"}}, "by_size_class", "whole number of 0 or more"),
    (0, {"by_size_class": {"zzp": -3}}, "by_size_class", "whole number of 0 or more"),
    (0, {"by_sector": ["F", "J"]}, "by_sector", "expected a mapping"),
    (0, {"source": None}, "source", "required field is missing"),
    (0, {"source": "  "}, "source", "expected text"),
    (0, {"source": "http://example.org/a"}, "source", "not a full https:// address"),
    (0, {"reported_by": None}, "reported_by", "required field is missing"),
    (0, {"date": "1-2-2023"}, "date", "expected a date"),
    (0, {"date": "2021-12-31"}, "date", "before the year 2022"),
    (0, {"helped": None}, "helped", "required field is missing"),
    (0, {"colour": "blue"}, "colour", "unknown field"),
    (0, {"id": "A Provincie"}, "id", "not a slug"),
])
def test_schema_failures_name_file_record_and_field(tmp_path, index, changes, field, words):
    records = _change(index, **changes)
    with pytest.raises(DataError) as err:
        _load(tmp_path, records)
    error = err.value
    assert error.file == str(tmp_path / "monitoring.yml")
    assert error.record == records[index]["id"]
    assert error.field == field
    assert words in error.problem
    assert error.fix  # always says what to do
    assert "monitoring.yml" in str(error) and repr(error.record) in str(error) and repr(field) in str(error)


def test_duplicate_initiative_and_year(tmp_path):
    records = _change(2, year=2022)  # b-gemeente already has a record for 2022
    with pytest.raises(DataError) as err:
        _load(tmp_path, records)
    assert err.value.record == "b-gemeente-2023" and err.value.field == "year"
    assert "'b-gemeente' already has a record for 2022: 'b-gemeente-2022'" in err.value.problem


def test_duplicate_id(tmp_path):
    records = _change(2, id="b-gemeente-2022")
    with pytest.raises(DataError) as err:
        _load(tmp_path, records)
    assert err.value.record == "b-gemeente-2022" and err.value.field == "id"
    assert "used twice" in err.value.problem


def test_split_may_add_up_to_less_but_not_more(tmp_path):
    ok = _load(tmp_path, _change(0, by_size_class={"zzp": 100}))
    assert ok.loc[0, "by_size_class"] == {"zzp": 100}


def test_default_initiative_ids_come_from_the_register(tmp_path):
    """Without initiative_ids, the fixture ids are unknown: the real register decides."""
    path = tmp_path / "monitoring.yml"
    path.write_text(yaml.safe_dump(_records()[:1]))
    with pytest.raises(DataError) as err:
        mon.load_monitoring(path, valid_codes=VALID)
    assert err.value.field == "initiative" and err.value.record == "a-provincie-2022"
