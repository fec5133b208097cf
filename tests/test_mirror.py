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


def test_contract_facts_from_the_readme():
    est = mirror.load("cbs/vestigingen_gemeente.csv")
    assert est["jaar"].min() == 2015 and est["jaar"].max() == 2025
    assert est[est["jaar"] == 2023]["gemeentecode"].nunique() == 343  # 342 municipalities + GM0000
    utrecht_2023 = est[(est.gemeentecode == "GM0344") & (est.jaar == 2023) & (est.sectorgroep == "totaal")]
    assert int(utrecht_2023["vestigingen"].iloc[0]) == 57815  # cross-check stated in the mirror README
    assert mirror.load("geo/gebieden_2025.csv").shape[0] == 342


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
