"""`make data` against a local fake of the CBS OData and Eurostat APIs (127.0.0.1, random port).

The fake serves recorded-style answers from tests/fixtures/download/: CBS TypedDataSet
rows (padded region and branch codes, period codes, null / '.' / '-' cells) filtered
with the query's $filter and $select and paged with odata.nextLink, and raw Eurostat
SDMX-CSV 2.0 files with labels. The expected tidy files in expected/ were written and
summed by hand. No test reaches the internet.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mkbbook import cli, download, mirror, paths
from mkbbook.download import DownloadError, RetryPolicy
from mkbbook.errors import DataError

FIXTURES = Path(__file__).parent / "fixtures" / "download"
PREVIOUS = FIXTURES / "previous"  # the snapshot in use before `make data`
EXPECTED = FIXTURES / "expected"
OLD = "20250101T000000Z"
FAST = RetryPolicy(attempts=3, timeout=0.5, backoff=0.01, max_backoff=0.05, max_seconds=30)
CBS_FILES = [name for name, spec in download.TABLES.items() if spec["source"] == "cbs"]
EUROSTAT_FILES = [name for name, spec in download.TABLES.items() if spec["source"] == "eurostat"]


class FakeApis:
    """CBS OData v3 (/cbs/<table>/Perioden, /cbs/<table>/TypedDataSet) and Eurostat SDMX 3.0 (/eurostat/…)."""

    page_size = 50

    def __init__(self):
        self.requests: list[str] = []
        self.faults: dict[str, str] = {}  # substring of the request path -> fault
        self.stop = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.requests.append(self.path)
                fake.answer(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.cbs_url, self.eurostat_url = f"{self.base}/cbs", f"{self.base}/eurostat"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def answer(self, handler):
        path, _, query = handler.path.partition("?")
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        fault = next((kind for where, kind in self.faults.items() if where in path), None)
        if fault == "500":
            return self.send(handler, 500, b"Internal Server Error", "text/plain")
        if fault == "timeout":
            self.stop.wait(3)  # answer far too late (the client gives up after FAST.timeout)
            return
        parts = path.strip("/").split("/")
        if parts[0] == "cbs" and len(parts) == 3 and parts[2] == "Perioden":
            body, kind = (FIXTURES / "cbs" / parts[1] / "Perioden.json").read_bytes(), "application/json"
        elif parts[0] == "cbs" and len(parts) == 3 and parts[2] == "TypedDataSet":
            body, kind = self.typed_dataset(parts[1], path, params, fault), "application/json"
        elif parts[:4] == ["eurostat", "data", "dataflow", "ESTAT"] and len(parts) == 6:
            body, kind = (FIXTURES / "eurostat" / f"{parts[4]}.csv").read_bytes(), "text/csv"
        else:
            return self.send(handler, 404, b"not found", "text/plain")
        if fault == "truncate":
            body = body[: len(body) // 2]
        self.send(handler, 200, body, kind)

    def typed_dataset(self, table, path, params, fault) -> bytes:
        recorded = json.loads((FIXTURES / "cbs" / table / "TypedDataSet.json").read_text())
        conditions: dict[str, list] = {}
        text = params.get("$filter", "")
        for field, value in re.findall(r"(\w+) eq '([^']*)'", text):
            conditions.setdefault(field, []).append(lambda v, value=value: v == value)
        for field, value in re.findall(r"startswith\((\w+),'([^']*)'\)", text):
            conditions.setdefault(field, []).append(lambda v, value=value: v.startswith(value))
        rows = [r for r in recorded["value"] if all(any(c(r[f]) for c in cs) for f, cs in conditions.items())]
        if "$select" in params:
            rows = [{k: r[k] for k in params["$select"].split(",") if k in r} for r in rows]
        if fault and fault.startswith("drop:"):
            rows = [{k: v for k, v in r.items() if k != fault[5:]} for r in rows]
        if fault == "unknown_key" and rows:
            rows[0]["BedrijfstakkenBranchesSBI2008"] = "999999 "
        start = int(params.get("$skiptoken", 0))
        page = {"odata.metadata": recorded["odata.metadata"], "value": rows[start:start + self.page_size]}
        if start + self.page_size < len(rows):
            rest = {k: v for k, v in params.items() if k != "$skiptoken"}
            page["odata.nextLink"] = (f"{self.base}{path}?{urllib.parse.urlencode(rest, quote_via=urllib.parse.quote)}"
                                      f"&$skiptoken={start + self.page_size}")
        return json.dumps(page).encode()

    @staticmethod
    def send(handler, status, body, kind):
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


@pytest.fixture
def fake():
    with FakeApis() as apis:
        yield apis


@pytest.fixture
def home(tmp_path, monkeypatch):
    """<tmp>/_data with the previous snapshot in use (pointer written), as after an earlier `make data`."""
    home = tmp_path / "_data"
    shutil.copytree(PREVIOUS, home / "snapshots" / OLD)
    (home / "current").write_text(OLD + "\n")
    monkeypatch.setattr(paths, "SNAPSHOT_HOME", home)
    monkeypatch.delenv(paths.MIRROR_ENV, raising=False)
    return home


def refresh(fake, home):
    return download.refresh(cbs_url=fake.cbs_url, eurostat_url=fake.eurostat_url, home=home, policy=FAST,
                            log=lambda *args: None)


def snapshot_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} - {"SHA256SUMS", "manifest.json"}


def test_refresh_writes_the_hand_checked_snapshot_and_switches_the_pointer(fake, home):
    new = refresh(fake, home)

    assert new.parent == home / "snapshots" and re.fullmatch(r"\d{8}T\d{6}Z", new.name)
    assert (home / "current").read_text().strip() == new.name
    assert paths.mirror_dir() == new.resolve()
    assert sorted(p.name for p in (home / "snapshots").iterdir()) == sorted([OLD, new.name])  # no temp folder
    assert mirror.validate(new).checksums.keys() == snapshot_files(new)
    assert mirror.validate(home / "snapshots" / OLD)  # the old snapshot is untouched

    for name in CBS_FILES:  # tidy files equal the hand-written ones, byte for byte
        assert (new / name).read_text() == (EXPECTED / name).read_text(), name
    for name in EUROSTAT_FILES:  # raw SDMX-CSV kept as served (CRLF and all)
        assert (new / name).read_bytes() == (FIXTURES / name).read_bytes(), name
    copied = snapshot_files(PREVIOUS) - set(download.TABLES)
    assert copied == {"cbs/kerncijfers_gemeente_2023.csv", "geo/gebieden_2025.csv", "geo/gemeenten_2023.geojson",
                      "geo/gemeenten_2025.geojson", "geo/provincies_2023.geojson"}
    for name in copied:
        assert (new / name).read_bytes() == (PREVIOUS / name).read_bytes(), name

    # SHA256SUMS: the mirror's format, sorted, every data file, right digests
    lines = (new / "SHA256SUMS").read_text().splitlines()
    assert lines == sorted(lines, key=lambda line: line.split("  ")[1])
    sums = dict(reversed(line.split("  ")) for line in lines)
    assert set(sums) == snapshot_files(new) == set(download.TABLES) | copied
    assert all(hashlib.sha256((new / n).read_bytes()).hexdigest() == d for n, d in sums.items())

    manifest = json.loads((new / "manifest.json").read_text())
    assert set(manifest["files"]) == set(sums)
    assert manifest["previous_snapshot"] == str((home / "snapshots" / OLD).resolve())
    for name, spec in download.TABLES.items():
        info = manifest["files"][name]
        assert info["origin"] == "downloaded"
        assert info["table"] == spec.get("table", spec.get("dataset"))
        assert info["urls"] and all(u.startswith(fake.base) for u in info["urls"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", info["downloaded_utc"])
        assert info["rows"] == len((new / name).read_text().splitlines()) - 1
        assert info["sha256"] == sums[name]
    for name in copied:
        info = manifest["files"][name]
        assert info["origin"] == "copied" and info["copied_from"] == str((home / "snapshots" / OLD / name).resolve())
        assert "not re-downloaded" in info["reason"] and "without manifest" in info["original_source"]
    gemeente = manifest["files"]["cbs/vestigingen_gemeente.csv"]
    assert gemeente["dropped_region_years"] == {"2018": ["GM1961"], "2019": ["GM0620"]}  # all cells null / '.'
    assert gemeente["years"] == [2018, 2019] and gemeente["provisional_years"] == [2019]
    assert manifest["files"]["cbs/oprichtingen_sector_corop_utrecht.csv"]["years"] == [2014, 2018, 2019]
    banen = manifest["files"]["cbs/banen_sector_corop_utrecht.csv"]  # 2020 is listed but has no figures yet
    assert banen["years"] == [2018, 2019] and banen["years_without_figures"] == [2020]
    assert banen["provisional_years"] == [2019] and banen["dropped_region_years"] == {}
    assert manifest["files"]["cbs/oprichtingen_sector_corop_utrecht.csv"]["missing_counted_as_zero"] == \
        ["CR17 2014 300012"]

    # the queries: JSON, one per year from first_year on, paged with nextLink (81575NED: 76 rows a year)
    typed = [urllib.parse.unquote(r) for r in fake.requests if "/TypedDataSet" in r]
    assert all("$format=json" in r and "Perioden eq '20" in r for r in typed)
    gemeente_queries = [r for r in typed if "/81575NED/" in r]
    assert len(gemeente_queries) == 4 and sum("$skiptoken=" in r for r in gemeente_queries) == 2
    assert not any("2014JJ00" in r for r in gemeente_queries)  # before first_year 2015
    assert sum("2014JJ00" in r for r in typed if "/83631NED/" in r) == 1  # the CR17 sector file starts in 2007
    estat = [urllib.parse.unquote(r) for r in fake.requests if r.startswith("/eurostat/")]
    assert all("format=csvdata" in r and "formatVersion=2.0" in r and "labels=name" in r for r in estat)
    assert any("c[indic_is]=E_DI3_VLO,E_DI3_LO" in r and "c[TIME_PERIOD]=ge:2021" in r for r in estat)


FAILURES = [
    # where, fault, what the message says, file named
    ("/83631NED/TypedDataSet", "500", "HTTP 500 Internal Server Error (gave up after 3 attempts)",
     "cbs/oprichtingen_corop.csv"),
    ("/81578NED/TypedDataSet", "timeout", "timeout (no answer within 0.5 s) (gave up after 3 attempts)",
     "cbs/vestigingen_corop.csv"),
    ("/81575NED/TypedDataSet", "truncate", "invalid JSON", "cbs/vestigingen_gemeente.csv"),
    ("/83582NED/TypedDataSet", "drop:BanenVanWerknemersInDecember_1",
     "the table layout changed: column(s) BanenVanWerknemersInDecember_1 missing", "cbs/banen_sector_corop_utrecht.csv"),
    ("/81575NED/TypedDataSet", "unknown_key", "the table layout changed: unknown sector key '999999'",
     "cbs/vestigingen_gemeente.csv"),
    ("/isoc_eb_ai/", "truncate", "truncated", "eurostat/isoc_eb_ai.csv"),
]


@pytest.mark.parametrize("where, fault, reason, name", FAILURES, ids=[f[1].split(":")[0] for f in FAILURES])
def test_a_failure_keeps_the_previous_snapshot(fake, home, where, fault, reason, name):
    fake.faults[where] = fault
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}

    with pytest.raises(DownloadError) as err:
        refresh(fake, home)

    message = str(err.value)
    spec = download.TABLES[name]
    assert reason in message and name in message
    assert f"(table {spec.get('table') or spec.get('dataset')})" in message
    assert f"URL: {fake.base}/" in message and where in message
    assert {p: p.read_bytes() for p in home.rglob("*") if p.is_file()} == before  # pointer and old snapshot
    assert [p.name for p in (home / "snapshots").iterdir()] == [OLD]  # temporary folder removed
    assert paths.mirror_dir() == (home / "snapshots" / OLD).resolve()
    if fault in ("500", "timeout", "truncate"):  # bounded retries: exactly FAST.attempts tries of that URL
        failing = [r for r in fake.requests if where in r]
        assert len(failing) == FAST.attempts and len(set(failing)) == 1
    else:  # a changed layout is not retried
        url = message.split("URL: ")[1].strip()
        assert [fake.base + r for r in fake.requests].count(url) == 1


def test_lost_years_are_refused(fake, home):
    """A download that covers fewer years than the snapshot in use does not replace it."""
    old = home / "snapshots" / OLD
    name = "cbs/vestigingen_corop.csv"
    (old / name).write_text((old / name).read_text() + "CR17,2016,101000\n")
    sums = {line.split("  ")[1]: line for line in (old / "SHA256SUMS").read_text().splitlines()}
    sums[name] = f"{hashlib.sha256((old / name).read_bytes()).hexdigest()}  {name}"
    (old / "SHA256SUMS").write_text("\n".join(sums[k] for k in sorted(sums)) + "\n")
    with pytest.raises(DownloadError, match=r"vestigingen_corop.csv \(table 81578NED\): the download lacks year\(s\) 2016"):
        refresh(fake, home)
    assert (home / "current").read_text().strip() == OLD
    assert [p.name for p in (home / "snapshots").iterdir()] == [OLD]


def test_cli_data_exit_codes(fake, home, monkeypatch, capsys):
    monkeypatch.setenv(download.CBS_URL_ENV, fake.cbs_url)
    monkeypatch.setenv(download.EUROSTAT_URL_ENV, fake.eurostat_url)
    fake.faults["/81578NED/TypedDataSet"] = "unknown_key"  # not retried, so no backoff pauses
    assert cli.main(["data", "--attempts", "2", "--timeout", "2"]) == 1
    err = capsys.readouterr().err
    assert "`make data` failed" in err and "81578NED" in err and "unknown sector key" in err
    assert f"Nothing changed: the book keeps using {(home / 'snapshots' / OLD).resolve()}" in err
    assert (home / "current").read_text().strip() == OLD

    fake.faults.clear()
    assert cli.main(["data", "--attempts", "2", "--timeout", "2"]) == 0
    new = (home / "current").read_text().strip()
    assert new != OLD and f"new snapshot {home / 'snapshots' / new} is in use" in capsys.readouterr().out

    # a second run copies geo/ from the first download's snapshot and keeps the original source
    assert cli.main(["data"]) == 0
    newer = (home / "current").read_text().strip()
    assert newer not in (OLD, new) and len(list((home / "snapshots").iterdir())) == 3
    geo = json.loads((home / "snapshots" / newer / "manifest.json").read_text())["files"]["geo/gebieden_2025.csv"]
    assert geo["copied_from"] == str((home / "snapshots" / new / "geo/gebieden_2025.csv").resolve())
    assert geo["original_source"].startswith(str((home / "snapshots" / OLD / "geo/gebieden_2025.csv").resolve()))


def test_mirror_dir_pointer_and_fallbacks(tmp_path, monkeypatch):
    home = tmp_path / "_data"
    monkeypatch.setattr(paths, "SNAPSHOT_HOME", home)
    monkeypatch.delenv(paths.MIRROR_ENV, raising=False)
    shared = paths.REPO_ROOT.parent / "shared" / "data"
    assert paths.current_snapshot() is None
    if (shared / "SHA256SUMS").exists():
        assert paths.mirror_dir() == shared.resolve()  # no snapshot yet: ../shared/data
    shutil.copytree(PREVIOUS, home / "snapshots" / OLD)
    (home / "current").write_text(OLD + "\n")
    assert paths.mirror_dir() == (home / "snapshots" / OLD).resolve()
    monkeypatch.setenv(paths.MIRROR_ENV, str(PREVIOUS))  # the environment variable wins
    assert paths.mirror_dir() == PREVIOUS.resolve()
    monkeypatch.delenv(paths.MIRROR_ENV)
    (home / "current").write_text("20990101T000000Z\n")  # a dangling pointer is an error, not a silent fallback
    with pytest.raises(DataError, match="20990101T000000Z"):
        paths.mirror_dir()


def test_cbs_empty_value_conventions():
    assert download.cbs_value(None, where="x") is None
    assert download.cbs_value("       .", where="x") is None  # unknown / secret
    assert download.cbs_value("x", where="x") is None
    assert download.cbs_value(" - ", where="x") == 0  # nihil
    assert download.cbs_value(1035, where="x") == 1035
    assert download.cbs_value("  12.5", where="x") == 12.5
    with pytest.raises(download._Layout):
        download.cbs_value("veel", where="x")


def test_tables_cover_the_mirror_contract():
    """Every downloaded file is a file of the data contract, with its columns."""
    for name, spec in download.TABLES.items():
        contract = mirror.CONTRACTS[name]
        if spec["source"] == "cbs":
            header = (EXPECTED / name).read_text().splitlines()[0].split(",")
            assert header == list(contract.columns), name
            groups = set(spec["branches"].values()) | ({"totaal"} if spec["total"] else set())
            assert groups == {None} or groups <= contract.sectors, name
