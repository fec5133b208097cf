"""Data-contract checks on the mirror, and the clear errors for broken copies."""

import os
import subprocess
import sys

import pytest

from conftest import rewrite_with_checksum
from mkbbook import mirror
from mkbbook.errors import DataError
from mkbbook.paths import REPO_ROOT


def test_real_mirror_is_valid():
    snapshot = mirror.validate()
    assert len(snapshot.checksums) >= 12
    assert len(snapshot.fingerprint) == 64
    # facts of the snapshot itself (pinned numbers, recomputations) are in tests/test_snapshot.py


def test_corrupted_file_is_named(mirror_copy):
    path = mirror_copy / "cbs" / "vestigingen_corop.csv"
    path.write_text(path.read_text() + "CR99,2030,1\n")
    with pytest.raises(DataError) as err:
        mirror.validate(mirror_copy)
    assert "vestigingen_corop.csv" in str(err.value) and "checksum" in str(err.value)


def test_missing_file_is_named(mirror_copy):
    (mirror_copy / "cbs" / "oprichtingen_corop.csv").unlink()
    with pytest.raises(DataError, match="oprichtingen_corop.csv.*missing"):
        mirror.validate(mirror_copy)


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("coropcode,jaar,vestigingen", "coropcode,jaar,aantal"), "missing column"),
    (lambda t: t.replace("CR01,2016,11325", "CR01,2016,veel"), "not a whole number"),
    (lambda t: t.replace("CR01,2016,11325", "CR01,2016,-5"), "negative"),
    (lambda t: t.replace("CR01,2016,11325", "CR01,2015,11325"), "duplicate key"),
])
def test_content_errors_name_file_and_line(mirror_copy, edit, message):
    name = "cbs/vestigingen_corop.csv"
    rewrite_with_checksum(mirror_copy, name, edit((mirror_copy / name).read_text()))
    with pytest.raises(DataError) as err:
        mirror.validate(mirror_copy)
    assert name in str(err.value) and message in str(err.value)
    assert "Fix:" in str(err.value)


def test_unknown_sector_group_is_refused(mirror_copy):
    name = "cbs/vestigingen_gemeente.csv"
    text = (mirror_copy / name).read_text().replace("GM0000,2015,B-E,0", "GM0000,2015,Z,0")
    rewrite_with_checksum(mirror_copy, name, text)
    with pytest.raises(DataError, match="unknown sector group 'Z'"):
        mirror.validate(mirror_copy)


def test_build_stops_before_any_notebook_on_a_corrupted_mirror(mirror_copy):
    path = mirror_copy / "cbs" / "vestigingen_gemeente.csv"
    path.write_bytes(path.read_bytes()[:-200])  # a truncated download
    edition = REPO_ROOT / "_build" / "editions" / "GM0307-2025"
    assert not edition.exists()
    result = subprocess.run([sys.executable, "-m", "mkbbook", "build", "--region", "GM0307", "--out", ""],
                            capture_output=True, text=True, env=os.environ.copy(), timeout=120)
    assert result.returncode == 2
    assert "cbs/vestigingen_gemeente.csv" in result.stderr and "checksum" in result.stderr
    assert "Nothing was built" in result.stderr and "Traceback" not in result.stderr
    assert not edition.exists()


# --- Issue 13: an empty file and a file cut at a line boundary fail the contract ---------------

def test_empty_csv_with_matching_checksum_is_a_clear_error(mirror_copy):
    name = "cbs/vestigingen_corop.csv"
    rewrite_with_checksum(mirror_copy, name, "")
    with pytest.raises(DataError) as err:
        mirror.validate(mirror_copy)
    assert name in str(err.value) and "is empty" in str(err.value) and "Fix:" in str(err.value)


def test_csv_with_only_a_header_is_refused(mirror_copy):
    name = "cbs/oprichtingen_corop.csv"
    rewrite_with_checksum(mirror_copy, name, "coropcode,jaar,oprichtingen\n")
    with pytest.raises(DataError, match="oprichtingen_corop.csv: has no rows"):
        mirror.validate(mirror_copy)


def _cut(text: str, lines: int) -> str:
    """The file cut at a line boundary: the last `lines` lines are gone, the rest is well-formed."""
    return "".join(text.splitlines(keepends=True)[:-lines])


@pytest.mark.parametrize("name, lines, message", [
    # the municipality file is sorted by code, year, group: a cut loses the last municipality's last rows
    ("cbs/vestigingen_gemeente.csv", 4, r"gemeentecode GM1992, 2025: sector group\(s\) .* missing"),
    ("cbs/vestigingen_gemeente.csv", 10, r"2025: 1 municipality of geo/gebieden_2025.csv missing \(GM1992\)"),
    ("cbs/vestigingen_gemeente.csv", 30, r"2025: 1 municipality of geo/gebieden_2025.csv missing \(GM1992\)"),
    ("cbs/vestigingen_corop.csv", 1, r"2025: COROP region\(s\) CR40 missing"),
    ("cbs/oprichtingen_corop.csv", 11, r"COROP region\(s\) CR40 missing"),
    ("cbs/oprichtingen_sector_corop_utrecht.csv", 10, r"ends in 2024, but cbs/oprichtingen_corop.csv .* ends in 2025"),
    ("cbs/oprichtingen_sector_corop_utrecht.csv", 3, r"coropcode CR17, 2025: sector group\(s\) .* missing"),
    ("cbs/banen_sector_corop_utrecht.csv", 2, r"coropcode CR17, 2024: sector group\(s\) O-Q, R-U missing"),
    ("geo/gebieden_2025.csv", 1, r"gebieden_2025.csv: 1 municipality missing \(GM1992\)"),
    ("cbs/kerncijfers_gemeente_2023.csv", 2, r"2 municipalities missing \(GM1991, GM1992\)"),
])
def test_csv_cut_at_a_line_boundary_fails_the_contract(mirror_copy, name, lines, message):
    rewrite_with_checksum(mirror_copy, name, _cut((mirror_copy / name).read_text(), lines))
    with pytest.raises(DataError, match=message) as err:
        mirror.validate(mirror_copy)
    assert name in str(err.value) and "incomplete" in str(err.value)


def test_a_missing_year_in_the_middle_fails_the_contract(mirror_copy):
    name = "cbs/vestigingen_corop.csv"
    text = "".join(line for line in (mirror_copy / name).read_text().splitlines(keepends=True) if ",2019," not in line)
    rewrite_with_checksum(mirror_copy, name, text)
    with pytest.raises(DataError, match=r"vestigingen_corop.csv: the file has no rows for 2019 \(between 2015 and 2025\)"):
        mirror.validate(mirror_copy)


def test_lost_rows_of_one_municipality_are_caught_by_the_corop_sums(mirror_copy):
    """A municipality's whole 2025 block lost from the middle: the sums per COROP region no longer agree."""
    name = "cbs/vestigingen_gemeente.csv"
    text = "".join(line for line in (mirror_copy / name).read_text().splitlines(keepends=True)
                   if not line.startswith("GM0344,2025,"))
    rewrite_with_checksum(mirror_copy, name, text)
    with pytest.raises(DataError, match=r"2025: 1 municipality of geo/gebieden_2025.csv missing \(GM0344\)"):
        mirror.validate(mirror_copy)


def test_a_revised_figure_beyond_the_corop_table_is_caught(mirror_copy):
    name = "cbs/vestigingen_gemeente.csv"
    text = (mirror_copy / name).read_text()
    line = next(l for l in text.splitlines() if l.startswith("GM0344,2025,totaal,"))
    value = int(line.split(",")[-1])
    rewrite_with_checksum(mirror_copy, name, text.replace(line, f"GM0344,2025,totaal,{value - 20000}"))
    with pytest.raises(DataError, match=r"2025: the municipalities of CR17 sum to .*more than 1% apart"):
        mirror.validate(mirror_copy)


def test_eurostat_file_without_dutch_rows_fails_the_contract(mirror_copy):
    name = "eurostat/isoc_eb_ai.csv"
    text = "".join(l for l in (mirror_copy / name).read_bytes().decode().splitlines(keepends=True)
                   if ",NL,Netherlands," not in l)
    rewrite_with_checksum(mirror_copy, name, text)
    with pytest.raises(DataError, match=r"isoc_eb_ai.csv: 2025: no rows for NL"):
        mirror.validate(mirror_copy)


def test_manifest_period_status_and_latest_year(tmp_path):
    import json

    root = tmp_path / "snap"
    (root / "cbs").mkdir(parents=True)
    (root / "cbs/vestigingen_gemeente.csv").write_text("gemeentecode,jaar,sectorgroep,vestigingen\n"
                                                      "GM0344,2026,totaal,1\nGM0344,2025,totaal,1\n")
    assert mirror.latest_year(root) == 2026
    assert mirror.manifest(root) == {} and mirror.period_status("83631NED", root) == {}
    (root / "manifest.json").write_text(json.dumps({"tables": {"83631NED": {"periods": {
        "2026": "Voorlopig", "2024": "Definitief", "2025": "Nader voorlopig", "2023": None}}}}))
    assert mirror.period_status("83631NED", root) == {2023: None, 2024: "Definitief", 2025: "Nader voorlopig",
                                                      2026: "Voorlopig"}
    assert mirror.provisional_years("83631NED", root) == [2025, 2026]
    (root / "manifest.json").write_text("{not json")
    with pytest.raises(DataError, match="manifest.json: is not valid JSON"):
        mirror.manifest(root)
