"""Checks of the data snapshot in use (snapshots/current, or $MKB_DATA_MIRROR), apart from the logic tests.

Logic tests run on fixtures and never depend on the snapshot. The checks here are of two kinds:

- facts of ONE snapshot (the province's total in its latest year, Utrecht municipality in 2023, …):
  pinned numbers, asserted only when the snapshot in use is that snapshot (same fingerprint);
- for ANY snapshot (after `make data`, or another mirror): the book's computations equal an
  independent recomputation from the snapshot's own files (plain csv, no pandas, no mkbbook code),
  and the latest-year default follows the data.

So a data refresh with a new year or a revised figure keeps these tests green, and a wrong
computation still fails them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mkbbook import mirror
from mkbbook.paths import mirror_dir

from conftest import SEED_FINGERPRINT  # noqa: E402  (the seed snapshot's fingerprint)
SEED_FACTS = {
    "years": (2015, 2025),
    "province_total_latest": 217915,   # provincie Utrecht, 2025, on 2025 boundaries
    "province_total_2023": 202045,     # municipal sums, 2023 (cross-check in the mirror README)
    "utrecht_2023": 57815,             # GM0344 Utrecht, 2023 (81575NED = Kerncijfers 2023)
    "codes_2023": 343,                 # 342 municipalities + GM0000
    "gebieden": 342,
}
PROVINCE = "PV26"  # Utrecht


@pytest.fixture(scope="module")
def snapshot():
    return mirror.validate()


@pytest.fixture(scope="module")
def rows(snapshot):
    with (Path(snapshot.root) / "cbs/vestigingen_gemeente.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def utrecht_codes(snapshot):
    with (Path(snapshot.root) / "geo/gebieden_2025.csv").open(encoding="utf-8", newline="") as handle:
        return {r["gemeentecode"] for r in csv.DictReader(handle) if r["provinciecode"] == PROVINCE}


def _total(rows, year: int, codes) -> int:
    return sum(int(r["vestigingen"]) for r in rows
               if r["jaar"] == str(year) and r["sectorgroep"] == "totaal" and r["gemeentecode"] in codes)


def test_latest_year_follows_the_data(snapshot, rows):
    assert mirror.latest_year() == max(int(r["jaar"]) for r in rows)
    assert mirror.latest_year(snapshot.root) == mirror.latest_year()


def test_province_total_in_the_latest_year_equals_a_recomputation(rows, utrecht_codes):
    from mkbbook import business
    from mkbbook.regions import resolve

    latest = mirror.latest_year()
    profile = business.profile(resolve("provincie-utrecht"), latest)
    assert profile.establishments == _total(rows, latest, utrecht_codes)
    assert isinstance(profile.establishments, (int,)) or float(profile.establishments).is_integer()


def test_utrecht_municipality_equals_the_file(rows):
    est = mirror.load("cbs/vestigingen_gemeente.csv")
    for year in {int(r["jaar"]) for r in rows if r["gemeentecode"] == "GM0344"}:
        got = est[(est.gemeentecode == "GM0344") & (est.jaar == year) & (est.sectorgroep == "totaal")]
        assert int(got["vestigingen"].iloc[0]) == _total(rows, year, {"GM0344"}), year


def test_the_seed_snapshot_facts(snapshot, rows, utrecht_codes):
    """Pinned numbers of the seed snapshot, checked only when that snapshot is in use."""
    if snapshot.fingerprint != SEED_FINGERPRINT:
        pytest.skip(f"snapshot {Path(snapshot.root).name} is not the seed: its facts are checked against "
                    "a recomputation by the other tests")
    from mkbbook import business
    from mkbbook.regions import resolve

    years = sorted({int(r["jaar"]) for r in rows})
    assert (years[0], years[-1]) == SEED_FACTS["years"] and mirror.latest_year() == 2025
    assert business.profile(resolve("provincie-utrecht"), 2025).establishments == SEED_FACTS["province_total_latest"]
    assert business.profile(resolve("provincie-utrecht"), 2023).establishments == SEED_FACTS["province_total_2023"]
    assert _total(rows, 2023, utrecht_codes) == SEED_FACTS["province_total_2023"]
    assert _total(rows, 2023, {"GM0344"}) == SEED_FACTS["utrecht_2023"]
    assert len({r["gemeentecode"] for r in rows if r["jaar"] == "2023"}) == SEED_FACTS["codes_2023"]
    assert mirror.load("geo/gebieden_2025.csv").shape[0] == SEED_FACTS["gebieden"]
    # the seed records no CBS period status: the README's rule (latest years provisional) applies
    assert set(mirror.period_status("83631NED").values()) == {None}
    assert mirror.provisional_years("83631NED") == []


def test_the_snapshot_in_use_is_the_committed_one_unless_overridden(snapshot, monkeypatch):
    from mkbbook import paths

    if paths.MIRROR_ENV in __import__("os").environ:
        pytest.skip(f"{paths.MIRROR_ENV} overrides the repository's snapshot")
    assert Path(snapshot.root) == paths.current_snapshot().resolve() == mirror_dir()
