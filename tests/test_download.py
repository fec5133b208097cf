"""`make data` against a local fake of the CBS OData and Eurostat APIs (127.0.0.1, random port).

The fake serves recorded-style answers from tests/fixtures/download/: CBS OData v3
metadata (Perioden with Status, DataProperties, the SBI code list) and TypedDataSet rows
(padded region and branch codes, period codes, null / '.' / '-' cells) filtered with the
query's $filter and $select and paged with odata.nextLink; the same table in the OData v4
format (PeriodenCodes, MeasureCodes, <dimension>Codes, long Observations with Measure codes,
paged with @odata.nextLink), converted from the v3 fixtures; and raw Eurostat SDMX-CSV 2.0
files with labels. The expected tidy files in expected/ were written and summed by hand.
No test reaches the internet.
"""

from __future__ import annotations

import csv
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


V4_MEASURE = {"Vestigingen_1": "M001001", "OprichtingenVanVestigingen_1": "M002002",
              "BanenVanWerknemersInDecember_1": "M003003"}  # invented measure codes of the fake v4 tables


def v4_resource(table: str, resource: str) -> list:
    """A v4 resource of the fake, converted from the v3 fixtures (the v4 shapes and field names)."""
    folder = FIXTURES / "cbs" / table
    if resource == "PeriodenCodes":
        rows = json.loads((folder / "Perioden.json").read_text())["value"]
        return [{"Identifier": r["Key"].strip(), "Index": i, "Title": r["Title"], "Description": r["Description"],
                 "DimensionGroupId": None, "Status": r["Status"]} for i, r in enumerate(rows, start=1)]
    if resource == "MeasureCodes":
        props = json.loads((folder / "DataProperties.json").read_text())["value"]
        return [{"Identifier": V4_MEASURE[p["Key"]], "Index": i, "Title": p["Title"], "Description": p["Description"],
                 "MeasureGroupId": None, "DataType": "Long", "Unit": "aantal", "Decimals": 0,
                 "PresentationType": "Absolute"} for i, p in enumerate(props, start=1) if p["Type"] == "Topic"]
    if resource == "BedrijfstakkenBranchesSBI2008Codes":
        rows = json.loads((folder / "BedrijfstakkenBranchesSBI2008.json").read_text())["value"]
        return [{"Identifier": r["Key"].strip(), "Index": i, "Title": r["Title"], "Description": r["Description"],
                 "DimensionGroupId": None} for i, r in enumerate(rows, start=1)]
    if resource == "Observations":  # long format: one row per non-empty cell
        recorded = json.loads((folder / "TypedDataSet.json").read_text())["value"]
        dims = ("BedrijfstakkenBranchesSBI2008", "RegioS", "Perioden")
        out = []
        for row in recorded:
            for key, code in V4_MEASURE.items():
                if key not in row or row[key] is None:
                    continue  # v4 leaves empty cells out
                value, attribute = row[key], "None"
                if isinstance(value, str) and value.strip() == ".":
                    value, attribute = None, "Confidential"
                elif isinstance(value, str) and value.strip() == "-":
                    value, attribute = None, "Nil"
                out.append({"Id": len(out), "Measure": code, "ValueAttribute": attribute, "Value": value,
                            **{d: str(row[d]).strip() for d in dims}})
        return out
    raise KeyError(resource)


class FakeApis:
    """CBS OData v3 (/cbs/<table>/…), CBS OData v4 (/cbs4/<table>/…) and Eurostat SDMX 3.0 (/eurostat/…)."""

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
        self.cbs4_url = f"{self.base}/cbs4"
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
        if fault in ("404", "410"):
            return self.send(handler, int(fault), b"Resource not found", "text/plain")
        if fault and fault.startswith("429:"):  # Too Many Requests with Retry-After, then normal answers
            self.faults.pop(next(w for w, k in self.faults.items() if k == fault))
            return self.send(handler, 429, b"slow down", "text/plain", {"Retry-After": fault[4:]})
        if fault == "timeout":
            self.stop.wait(3)  # answer far too late (the client gives up after FAST.timeout)
            return
        parts = path.strip("/").split("/")
        if parts[0] == "cbs" and len(parts) == 3 and parts[2] in ("Perioden", "DataProperties",
                                                                     "BedrijfstakkenBranchesSBI2008"):
            body, kind = (FIXTURES / "cbs" / parts[1] / f"{parts[2]}.json").read_bytes(), "application/json"
            if fault and fault.startswith("retitle:"):  # a key whose title changed ('key=new title')
                key, title = fault[8:].split("=", 1)
                data = json.loads(body)
                for row in data["value"]:
                    if row["Key"].strip() == key:
                        row["Title"] = title
                body = json.dumps(data).encode()
        elif parts[0] == "cbs4" and len(parts) == 3:
            try:
                rows = v4_resource(parts[1], parts[2])
            except (KeyError, FileNotFoundError):
                return self.send(handler, 404, b"not found", "text/plain")
            body, kind = self.page_v4(rows, path, params), "application/json"
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
        conditions = self.conditions(params)
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

    def page_v4(self, rows, path, params) -> bytes:
        rows = [r for r in rows if all(any(c(r[f]) for c in cs) for f, cs in self.conditions(params).items())]
        start = int(params.get("$skip", 0))
        page = {"@odata.context": f"{self.base}{path}/$metadata", "value": rows[start:start + self.page_size]}
        if start + self.page_size < len(rows):
            rest = {k: v for k, v in params.items() if k != "$skip"}
            page["@odata.nextLink"] = (f"{self.base}{path}?{urllib.parse.urlencode(rest, quote_via=urllib.parse.quote)}"
                                       f"&$skip={start + self.page_size}")
        return json.dumps(page).encode()

    @staticmethod
    def conditions(params) -> dict:
        conditions: dict[str, list] = {}
        text = params.get("$filter", "")
        for field, value in re.findall(r"(\w+) eq '([^']*)'", text):
            conditions.setdefault(field, []).append(lambda v, value=value: v == value)
        for field, value in re.findall(r"startswith\((\w+),'([^']*)'\)", text):
            conditions.setdefault(field, []).append(lambda v, value=value: v.startswith(value))
        return conditions

    @staticmethod
    def send(handler, status, body, kind, headers=None):
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
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
    """<tmp>/snapshots with the previous snapshot in use (pointer written), as in the repository."""
    home = tmp_path / "snapshots"
    shutil.copytree(PREVIOUS, home / OLD)
    (home / OLD / "README.md").write_text("# the contract\n")
    (home / "current").write_text(OLD + "\n")
    monkeypatch.setattr(paths, "SNAPSHOT_HOME", home)
    monkeypatch.delenv(paths.MIRROR_ENV, raising=False)
    monkeypatch.delenv(download.CBS_API_ENV, raising=False)
    return home


def refresh(fake, home, api="v3", **kwargs):
    return download.refresh(cbs_url=fake.cbs4_url if api == "v4" else fake.cbs_url, eurostat_url=fake.eurostat_url,
                            home=home, policy=FAST, api=api, log=lambda *args: None, **kwargs)


DOCUMENTS = {"SHA256SUMS", "manifest.json", "README.md", "CHANGES.md"}


def snapshot_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} - DOCUMENTS


def folders(home: Path) -> list[str]:
    return sorted(p.name for p in home.iterdir() if p.is_dir())


@pytest.mark.parametrize("api", ["v3", "v4"])
def test_refresh_writes_the_hand_checked_snapshot_and_switches_the_pointer(fake, home, api):
    new = refresh(fake, home, api)

    assert new.parent == home and re.fullmatch(r"\d{8}T\d{6}Z", new.name)
    assert (home / "current").read_text().strip() == new.name
    assert paths.mirror_dir() == new.resolve()
    assert folders(home) == sorted([OLD, new.name])  # no temporary folder
    assert mirror.validate(new).checksums.keys() == snapshot_files(new)
    assert mirror.validate(home / OLD)  # the old snapshot is untouched
    assert (new / "README.md").read_text() == "# the contract\n"  # the contract travels with the data

    for name in CBS_FILES:  # tidy files equal the hand-written ones, byte for byte (v3 and v4 alike)
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
    assert manifest["previous_snapshot"] == OLD
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
        assert info["origin"] == "copied" and info["copied_from"] == str((home / OLD / name).resolve())
        assert "not re-downloaded" in info["reason"] and "without manifest" in info["original_source"]
    gemeente = manifest["files"]["cbs/vestigingen_gemeente.csv"]
    assert gemeente["api"] == api and gemeente["measure_title"] == "Vestigingen"
    assert gemeente["measure"] == ("M001001" if api == "v4" else "Vestigingen_1")
    assert gemeente["branch_titles"]["391600"] == "J Informatie en communicatie"
    dropped = {"2018": ["GM1961"], "2019": ["GM0620"]}  # all cells null / '.' (v4 leaves null cells out)
    assert gemeente["dropped_region_years"] == (dropped if api == "v3" else {"2018": ["GM1961"]})
    assert gemeente["years"] == [2018, 2019] and gemeente["provisional_years"] == [2019]
    assert gemeente["periods"] == {"2018": "Definitief", "2019": "Voorlopig"}
    assert manifest["files"]["cbs/oprichtingen_sector_corop_utrecht.csv"]["years"] == [2017, 2018, 2019]
    banen = manifest["files"]["cbs/banen_sector_corop_utrecht.csv"]  # 2020 is listed but has no figures yet
    assert banen["years"] == [2018, 2019] and banen["years_without_figures"] == [2020]
    assert banen["provisional_years"] == [2019] and banen["dropped_region_years"] == {}
    assert manifest["files"]["cbs/oprichtingen_sector_corop_utrecht.csv"]["missing_counted_as_zero"] == \
        ["CR17 2017 300012"]
    # period status per table, in the format the chapters read (mirror.period_status)
    assert manifest["tables"]["83631NED"]["periods"] == {"2017": "Definitief", "2018": "Definitief",
                                                         "2019": "Voorlopig"}
    assert set(manifest["tables"]["83631NED"]["files"]) == {"cbs/oprichtingen_corop.csv",
                                                            "cbs/oprichtingen_sector_corop_utrecht.csv"}
    assert mirror.period_status("83631NED") == {2017: "Definitief", 2018: "Definitief", 2019: "Voorlopig"}
    assert mirror.provisional_years("83631NED") == [2019]
    # the fixtures end in 2019: every CBS table is older than expected, and the manifest says so
    assert sum("older than expected" in w for w in manifest["warnings"]) == len(CBS_FILES)
    changes = (new / "CHANGES.md").read_text()
    assert f"# Changes from snapshot {OLD} to {new.name}" in changes and "## Warnings" in changes
    assert manifest["changes"]["eurostat/isoc_e_diin2.csv"]["status"] == "added"

    estat = [urllib.parse.unquote(r) for r in fake.requests if r.startswith("/eurostat/")]
    assert all("format=csvdata" in r and "formatVersion=2.0" in r and "labels=name" in r for r in estat)
    assert any("c[indic_is]=E_DI3_VLO,E_DI3_LO" in r and "c[TIME_PERIOD]=ge:2021" in r for r in estat)
    assert any("/isoc_e_diin2/" in r and "c[geo]=NL,EU27_2020" in r for r in estat)
    if api == "v4":  # long Observations: one measure code, one period, eq on the branch codes
        observations = [urllib.parse.unquote(r) for r in fake.requests if "/Observations" in r]
        assert observations and all("Measure eq 'M00" in r and "Perioden eq '20" in r for r in observations)
        assert not any("/cbs/" in r for r in fake.requests)  # nothing asked of v3
        return
    # the queries: JSON, one per year from first_year on, paged with nextLink (81575NED: 76 rows a year)
    typed = [urllib.parse.unquote(r) for r in fake.requests if "/TypedDataSet" in r]
    assert all("$format=json" in r and "Perioden eq '20" in r for r in typed)
    gemeente_queries = [r for r in typed if "/81575NED/" in r]
    assert len(gemeente_queries) == 4 and sum("$skiptoken=" in r for r in gemeente_queries) == 2
    assert not any("2014JJ00" in r for r in gemeente_queries)  # before first_year 2015
    assert sum("2017JJ00" in r for r in typed if "/83631NED/" in r) == 2  # both files of 83631NED ask for 2017


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
    # a renamed measure or a shifted SBI key fails on the table's own metadata, before any data
    ("/81578NED/DataProperties", "retitle:Vestigingen_1=Banen",
     "the measure Vestigingen_1 is titled 'Banen' in the table's metadata", "cbs/vestigingen_corop.csv"),
    ("/81575NED/BedrijfstakkenBranchesSBI2008", "retitle:391600=K Financiële dienstverlening",
     "key 391600 is titled 'K Financiële dienstverlening', expected section J. Fix CBS_SBI_SECTIONS",
     "cbs/vestigingen_gemeente.csv"),
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
    assert folders(home) == [OLD]  # temporary folder removed
    assert paths.mirror_dir() == (home / OLD).resolve()
    if fault in ("500", "timeout", "truncate"):  # bounded retries: exactly FAST.attempts tries of that URL
        failing = [r for r in fake.requests if where in r]
        assert len(failing) == FAST.attempts and len(set(failing)) == 1
    else:  # a changed layout is not retried
        url = message.split("URL: ")[1].strip()
        assert [fake.base + r for r in fake.requests].count(url) == 1


@pytest.mark.parametrize("status", ["404", "410"])
def test_a_retired_v3_feed_says_how_to_switch_to_v4(fake, home, status):
    fake.faults["/cbs/"] = status
    with pytest.raises(DownloadError) as err:
        refresh(fake, home)
    message = str(err.value)
    assert f"HTTP {status}" in message and "OData v3 will be switched off" in message
    assert "make data CBS_API=v4" in message and "MKB_CBS_API=v4" in message
    assert folders(home) == [OLD]
    # and the switch works: the same files from the v4 server
    new = refresh(fake, home, "v4")
    assert (new / "cbs/vestigingen_gemeente.csv").read_text() == (EXPECTED / "cbs/vestigingen_gemeente.csv").read_text()


def test_v4_measure_is_found_by_its_title(fake, home):
    spec = dict(download.TABLES["cbs/vestigingen_corop.csv"], measure_title="Oprichtingen")
    with pytest.raises(DownloadError, match=r"no measure\(s\) titled 'Oprichtingen' in MeasureCodes \(found: M001001 "
                                            r"'Vestigingen'\)"):
        refresh(fake, home, "v4", tables={"cbs/vestigingen_corop.csv": spec})


def test_the_cbs_api_is_one_setting(monkeypatch):
    assert download.cbs_api() == download.CBS_API == "v3"
    monkeypatch.setenv(download.CBS_API_ENV, "V4")
    assert download.cbs_api() == "v4" and download.cbs_api("v3") == "v3"
    monkeypatch.setenv(download.CBS_API_ENV, "v5")
    with pytest.raises(DownloadError, match="unknown CBS API 'v5'"):
        download.cbs_api()


def test_retry_after_is_honoured(fake):
    fake.faults["/81575NED/Perioden"] = "429:7"
    waits, logged = [], []
    session = download.Session(FAST, log=logged.append, sleep=waits.append)
    body = session.get(f"{fake.cbs_url}/81575NED/Perioden?$format=json")
    assert json.loads(body)["value"] and waits == [7.0]  # waited what the server asked, not the backoff
    assert "Retry-After" in logged[0] and "429" in logged[0]
    fake.faults["/81575NED/Perioden"] = "429:3600"  # longer than the policy allows: stop with a message
    with pytest.raises(DownloadError, match=r"HTTP 429 .*asks to wait 3600 s \(Retry-After\)"):
        download.Session(FAST, log=logged.append, sleep=waits.append).get(f"{fake.cbs_url}/81575NED/Perioden")


def test_retry_after_values():
    assert download.retry_after("120") == 120.0
    assert download.retry_after(None) is None and download.retry_after("soon") is None
    assert download.retry_after("Wed, 21 Oct 2026 07:28:30 GMT", now=1792567700.0) == 10.0
    assert download.retry_after("Wed, 21 Oct 2026 07:28:00 GMT", now=1792567800.0) == 0.0  # in the past


def test_staleness_warning():
    from datetime import datetime, timezone

    spec = {"table": "83631NED", "lag": 2}
    today = datetime(2027, 6, 1, tzinfo=timezone.utc)
    assert download.staleness(2025, spec, today) is None
    warning = download.staleness(2024, spec, today)
    assert "83631NED: the newest period is 2024, older than expected (2025 or later by 2027-06-01)" in warning
    assert "SBI 2025" in warning


def test_lost_years_are_refused(fake, home):
    """A download that covers fewer years than the snapshot in use does not replace it."""
    old = home / OLD
    name = "cbs/vestigingen_corop.csv"
    text = (old / name).read_text()
    extra = "".join(line.replace(",2018,", ",2016,") + "\n" for line in text.splitlines() if ",2018," in line)
    (old / name).write_text(text + extra)  # every COROP region also in 2016
    sums = {line.split("  ")[1]: line for line in (old / "SHA256SUMS").read_text().splitlines()}
    sums[name] = f"{hashlib.sha256((old / name).read_bytes()).hexdigest()}  {name}"
    (old / "SHA256SUMS").write_text("\n".join(sums[k] for k in sorted(sums)) + "\n")
    with pytest.raises(DownloadError, match=r"vestigingen_corop.csv \(table 81578NED\): the download lacks year\(s\) 2016"):
        refresh(fake, home)
    assert (home / "current").read_text().strip() == OLD
    assert folders(home) == [OLD]


def test_cli_data_exit_codes(fake, home, monkeypatch, capsys):
    monkeypatch.setenv(download.CBS_URL_ENV, fake.cbs_url)
    monkeypatch.setenv(download.EUROSTAT_URL_ENV, fake.eurostat_url)
    fake.faults["/81578NED/TypedDataSet"] = "unknown_key"  # not retried, so no backoff pauses
    assert cli.main(["data", "--attempts", "2", "--timeout", "2"]) == 1
    err = capsys.readouterr().err
    assert "`make data` failed" in err and "81578NED" in err and "unknown sector key" in err
    assert f"Nothing changed: the book keeps using {(home / OLD).resolve()}" in err
    assert (home / "current").read_text().strip() == OLD

    fake.faults.clear()
    assert cli.main(["data", "--attempts", "2", "--timeout", "2"]) == 0
    new = (home / "current").read_text().strip()
    out = capsys.readouterr().out
    assert new != OLD and f"new snapshot {home / new} is in use" in out
    assert f"# Changes from snapshot {OLD} to {new}" in out  # the change report is printed

    # a second run copies geo/ from the first download's snapshot and keeps the original source
    assert cli.main(["data"]) == 0
    newer = (home / "current").read_text().strip()
    assert newer not in (OLD, new) and len(folders(home)) == 3
    manifest = json.loads((home / newer / "manifest.json").read_text())
    geo = manifest["files"]["geo/gebieden_2025.csv"]
    assert geo["copied_from"] == str((home / new / "geo/gebieden_2025.csv").resolve())
    assert geo["original_source"].startswith(f"{OLD}/geo/gebieden_2025.csv")
    assert "No file changed." in (home / newer / "CHANGES.md").read_text()  # same answers, nothing changed
    assert cli.main(["data", "--compare", str(home / OLD), str(home / new)]) == 0
    assert "cbs/vestigingen_gemeente.csv" in capsys.readouterr().out


def test_change_report_lists_new_years_and_revised_figures(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(PREVIOUS, old)
    shutil.copytree(PREVIOUS, new)
    name = "cbs/vestigingen_corop.csv"
    text = (new / name).read_text()
    first = text.splitlines()[1]  # e.g. CR01,2018,<n>
    region, year, value = first.split(",")
    text = text.replace(first, f"{region},{year},{int(value) + 5}")
    text += "".join(line.replace(",2018,", ",2019,") + "\n" for line in text.splitlines() if ",2018," in line)
    (new / name).write_text(text)
    download.write_checksums(new, mirror.read_checksums(new))
    changes = download.compare_snapshots(old, new)
    c = changes[name]
    assert (c["status"], c["new_years"], c["dropped_years"], c["revised"]) == ("changed", ["2019"], [], 1)
    assert c["rows_added"] == text.count(",2019,") and c["rows_removed"] == 0
    assert c["revised_examples"] == [{"key": {"coropcode": region, "jaar": year}, "old": value,
                                      "new": str(int(value) + 5)}]
    assert changes["geo/gebieden_2025.csv"] == {"status": "unchanged"}
    report = download.changes_markdown(changes, "old", "new")
    assert f"- `{name}`: new year(s) 2019; " in report
    assert f"coropcode={region}, jaar={year}: {value} → {int(value) + 5}" in report


def test_mirror_dir_pointer_and_override(tmp_path, monkeypatch):
    home = tmp_path / "snapshots"
    monkeypatch.setattr(paths, "SNAPSHOT_HOME", home)
    monkeypatch.delenv(paths.MIRROR_ENV, raising=False)
    assert paths.current_snapshot() is None
    with pytest.raises(DataError, match="no data snapshot is named"):  # never a folder beside the repository
        paths.mirror_dir()
    shutil.copytree(PREVIOUS, home / OLD)
    (home / "current").write_text(OLD + "\n")
    assert paths.mirror_dir() == (home / OLD).resolve()
    monkeypatch.setenv(paths.MIRROR_ENV, str(PREVIOUS))  # the environment variable wins
    assert paths.mirror_dir() == PREVIOUS.resolve()
    monkeypatch.delenv(paths.MIRROR_ENV)
    (home / "current").write_text("20990101T000000Z\n")  # a dangling pointer is an error, not a silent fallback
    with pytest.raises(DataError, match="20990101T000000Z"):
        paths.mirror_dir()


def test_the_repository_carries_its_snapshot(monkeypatch):
    """A fresh clone has data: snapshots/current names a valid snapshot with README, licences and manifest."""
    monkeypatch.delenv(paths.MIRROR_ENV, raising=False)
    root = paths.current_snapshot()
    assert root is not None and root.parent == paths.REPO_ROOT / "snapshots"
    for document in ("README.md", "LICENCES.md", "SHA256SUMS", "manifest.json"):
        assert (root / document).is_file(), document
    manifest = json.loads((root / "manifest.json").read_text())
    assert set(manifest["files"]) == set(mirror.read_checksums(root))
    assert mirror.validate(root)


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
            assert set(download.expected_branch_codes(spec)) == set(spec["branches"]), name


# --- A simulated refresh: the fakes serve the current snapshot plus one more year and a revision ------

NEW_YEAR = 2026
REVISED = ("cbs/vestigingen_corop.csv", "CR01", 2016)  # this figure is revised by +5 in the "new" data


class SnapshotApis(FakeApis):
    """The CBS v3 feed built from a snapshot's tidy files (each group's value on its first SBI section,
    the other sections '-'), plus NEW_YEAR (establishments +5 per group, births as the year before) and
    one revised figure; Eurostat serves the snapshot's raw files and the isoc_e_diin2 fixture."""

    page_size = 20000

    def __init__(self, root: Path):
        super().__init__()
        self.root = root
        self.tables: dict[str, dict] = {}  # table -> period -> rows
        self.periods: dict[str, set] = {}
        for name, spec in download.TABLES.items():
            if spec["source"] == "cbs":
                self._add(name, spec)

    def _rows_of(self, name, spec):
        with (self.root / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        latest = max(int(r["jaar"]) for r in rows)
        if name in ("cbs/vestigingen_gemeente.csv", "cbs/vestigingen_corop.csv"):
            for r in [r for r in rows if int(r["jaar"]) == latest]:
                step = 5 if r.get("sectorgroep", "totaal") != "totaal" else 45  # 9 groups, +5 each
                if name == "cbs/vestigingen_corop.csv":
                    step = 45 * sum(1 for g in self.gebieden if g == r["coropcode"])
                rows.append(dict(r, jaar=str(NEW_YEAR), **{spec["column"]: str(int(r[spec["column"]]) + step)}))
        elif spec["table"] == "83631NED":
            rows += [dict(r, jaar=str(NEW_YEAR)) for r in rows if int(r["jaar"]) == latest]
        for r in rows:
            if (name, r[spec["region_column"]], int(r["jaar"])) == REVISED:
                r[spec["column"]] = str(int(r[spec["column"]]) + 5)
        return rows

    @property
    def gebieden(self):
        with (self.root / "geo/gebieden_2025.csv").open(encoding="utf-8", newline="") as handle:
            return [r["coropcode"] for r in csv.DictReader(handle)]

    def _add(self, name, spec):
        table, measure = spec["table"], spec["measure"]
        first_key = {}  # group -> the key that carries its value; other keys of the group get '-'
        for key, group in spec["branches"].items():
            first_key.setdefault(group, key)
        by_period = self.tables.setdefault(table, {})
        for r in self._rows_of(name, spec):
            group = r.get("sectorgroep")
            if group == "totaal":
                continue
            period = f"{r['jaar']}JJ00"
            self.periods.setdefault(table, set()).add(period)
            value = float(r[spec["column"]]) if spec["kind"] == "float" else int(r[spec["column"]])
            for key, g in spec["branches"].items():
                if g == group:
                    by_period.setdefault(period, []).append(
                        {"BedrijfstakkenBranchesSBI2008": key, "RegioS": r[spec["region_column"]].ljust(8),
                         "Perioden": period, measure: value if key == first_key[group] else "-"})

    def answer(self, handler):
        path, _, query = handler.path.partition("?")
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        parts = path.strip("/").split("/")
        if parts[0] == "cbs" and parts[2] == "Perioden":
            value = [{"Key": p, "Title": p[:4], "Description": None,
                      "Status": "Voorlopig" if int(p[:4]) >= NEW_YEAR - 1 else "Definitief"}
                     for p in sorted(self.periods[parts[1]])]
            return self.send(handler, 200, json.dumps({"value": value}).encode(), "application/json")
        if parts[0] == "cbs" and parts[2] == "TypedDataSet":
            conditions = self.conditions(params)
            period = re.search(r"Perioden eq '([^']*)'", params["$filter"]).group(1)
            rows = [r for r in self.tables[parts[1]].get(period, [])
                    if all(any(c(r[f].strip()) for c in cs) for f, cs in conditions.items())]
            rows = [{k: r[k] for k in params["$select"].split(",") if k in r} for r in rows]
            return self.send(handler, 200, json.dumps({"value": rows}).encode(), "application/json")
        if parts[:4] == ["eurostat", "data", "dataflow", "ESTAT"] and (self.root / f"eurostat/{parts[4]}.csv").exists():
            return self.send(handler, 200, (self.root / f"eurostat/{parts[4]}.csv").read_bytes(), "text/csv")
        return super().answer(handler)


def test_simulated_refresh_with_a_new_year_and_a_revision(tmp_path, monkeypatch):
    """`make data` against fakes that serve today's snapshot + 2026 + one revision: the contract passes,
    nothing else changes, the change report says what changed, and the latest-year default follows."""
    current = paths.mirror_dir()
    home = tmp_path / "snapshots"
    shutil.copytree(current, home / current.name)
    (home / "current").write_text(current.name + "\n")
    monkeypatch.setattr(paths, "SNAPSHOT_HOME", home)
    monkeypatch.delenv(paths.MIRROR_ENV, raising=False)
    with SnapshotApis(current) as fake:
        new = refresh(fake, home)
    assert (home / "current").read_text().strip() == new.name and paths.mirror_dir() == new.resolve()
    mirror.validate(new)
    assert mirror.latest_year() == NEW_YEAR == mirror.latest_year(new) and mirror.latest_year(current) < NEW_YEAR

    for name, spec in download.TABLES.items():  # the downloader gives back exactly the snapshot's files
        if spec["source"] != "cbs":
            continue
        old_lines = (current / name).read_text().splitlines()
        new_lines = [line for line in (new / name).read_text().splitlines() if f",{NEW_YEAR}," not in line]
        if name == REVISED[0]:
            region, year = REVISED[1:]
            i = next(i for i, line in enumerate(old_lines) if line.startswith(f"{region},{year},"))
            old_lines[i] = f"{region},{year},{int(old_lines[i].split(',')[-1]) + 5}"
        assert new_lines == old_lines, name
    for name in ("eurostat/isoc_e_dii.csv", "eurostat/isoc_eb_ai.csv", "geo/gebieden_2025.csv"):
        assert (new / name).read_bytes() == (current / name).read_bytes()

    manifest = json.loads((new / "manifest.json").read_text())
    assert manifest["tables"]["83631NED"]["periods"][str(NEW_YEAR)] == "Voorlopig"
    assert mirror.provisional_years("83631NED") == [NEW_YEAR - 1, NEW_YEAR]
    changes = manifest["changes"]
    assert changes["cbs/vestigingen_gemeente.csv"]["new_years"] == [str(NEW_YEAR)]
    assert changes["cbs/vestigingen_gemeente.csv"]["revised"] == 0
    assert changes[REVISED[0]]["revised"] == 1 and changes[REVISED[0]]["new_years"] == [str(NEW_YEAR)]
    assert changes["cbs/banen_sector_corop_utrecht.csv"]["status"] == "unchanged"
    assert changes["eurostat/isoc_e_diin2.csv"]["status"] == "added"
    report = (new / "CHANGES.md").read_text()
    assert f"- `{REVISED[0]}`: new year(s) {NEW_YEAR}; " in report and "1 figure(s) revised" in report
    assert f"coropcode={REVISED[1]}, jaar={REVISED[2]}" in report

    # the book's computation for the new year equals a recomputation from the new snapshot's files
    from mkbbook import business
    from mkbbook.regions import resolve

    mirror.load.cache_clear()
    try:
        with (new / "cbs/vestigingen_gemeente.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        with (new / "geo/gebieden_2025.csv").open(encoding="utf-8") as handle:
            codes = {r["gemeentecode"] for r in csv.DictReader(handle) if r["provinciecode"] == "PV26"}
        expected = sum(int(r["vestigingen"]) for r in rows
                       if r["jaar"] == str(NEW_YEAR) and r["sectorgroep"] == "totaal" and r["gemeentecode"] in codes)
        assert business.profile(resolve("provincie-utrecht"), NEW_YEAR).establishments == expected
    finally:
        mirror.load.cache_clear()


@pytest.mark.skipif(not __import__("os").environ.get("MKB_REFRESH_BUILD"),
                    reason="builds a whole edition (about a minute): set MKB_REFRESH_BUILD=1")
def test_the_book_builds_the_new_year_after_a_simulated_refresh(tmp_path, monkeypatch):
    """After the simulated refresh the default edition of the new year builds and shows that year."""
    import os
    import subprocess
    import sys

    current = paths.mirror_dir()
    home = tmp_path / "snapshots"
    shutil.copytree(current, home / current.name)
    (home / "current").write_text(current.name + "\n")
    with SnapshotApis(current) as fake:
        new = download.refresh(cbs_url=fake.cbs_url, eurostat_url=fake.eurostat_url, home=home, policy=FAST,
                               log=lambda *args: None)
    env = dict(os.environ, **{paths.MIRROR_ENV: str(new)})
    edition = paths.REPO_ROOT / "_build" / "editions" / f"u16-{NEW_YEAR}"
    try:
        result = subprocess.run([sys.executable, "-m", "mkbbook", "build", "--region", "u16", "--year",
                                 str(NEW_YEAR), "--out", ""], capture_output=True, text=True, env=env, timeout=900)
        assert result.returncode == 0, result.stderr[-2000:]
        page = (edition / "_build/html/book/chapters/01_bedrijvigheid.html").read_text(encoding="utf-8")
        assert f"1 januari {NEW_YEAR}" in page
    finally:
        shutil.rmtree(edition, ignore_errors=True)
