"""`make data`: download the CBS and Eurostat tables into a new, validated data snapshot.

The tables the book uses are fetched from the CBS open-data API (OData v3
``ODataFeed``, JSON, paged with ``odata.nextLink``) and from the Eurostat
dissemination API (SDMX 3.0, SDMX-CSV 2.0 with labels, the raw format of the
mirror's ``eurostat/*.csv``). CBS rows are mapped to exactly the tidy format of
the mirror README (see ``TABLES``); the Eurostat files are kept as served.

A good snapshot is never damaged: everything is written into a temporary folder
``_data/snapshots/.tmp-*``, the whole folder is checked with
:func:`mkbbook.mirror.validate`, and only then is it renamed to
``_data/snapshots/<UTC time>/`` and the pointer ``_data/current`` switched.
Any failure (network error, HTTP 5xx after bounded retries, timeout, truncated
or invalid answer, a changed table layout) deletes the temporary folder, leaves
the pointer alone and raises :class:`DownloadError` naming file, table, URL and
reason. Files that are not downloaded (PDOK boundaries in ``geo/``,
kerncijfers, the size-class table) are copied from the snapshot in use, and
``manifest.json`` says for every file where it came from.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import http.client
import io
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import mirror, paths
from .errors import DataError
from .sectors import JOB_SECTOR_GROUPS, SECTOR_GROUPS, TOTAL

CBS_URL_ENV = "MKB_CBS_ODATA_URL"
EUROSTAT_URL_ENV = "MKB_EUROSTAT_URL"
DEFAULT_CBS_URL = "https://opendata.cbs.nl/ODataFeed/odata"
DEFAULT_EUROSTAT_URL = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/3.0"
USER_AGENT = "mkbbook-make-data/0.1 (reproducible book on mkb digitalisation)"
MANIFEST = "manifest.json"

# =============================================================================================
# CONFIGURATION: what is downloaded and how CBS codes map onto the mirror's tidy format.
# A researcher fixes a wrong key HERE, in one place. Status of every key (see the report / README):
#   VERIFIED in several public sources: the dimension keys RegioS, Perioden and
#     BedrijfstakkenBranchesSBI2008; the total key T001081 (= "A-U Alle economische
#     activiteiten"); padded region codes ("GM0344  ") and period codes ("2023JJ00").
#   FROM ONE PUBLIC SOURCE ONLY (UNVERIFIED against the live CBS metadata, which this machine
#     cannot reach): the measure keys Vestigingen_1 (81575NED, 81578NED),
#     OprichtingenVanVestigingen_1 (83631NED), BanenVanWerknemersInDecember_1 (83582NED), the
#     SBI section keys of CBS_SBI_SECTIONS and the aggregate keys of CBS_SBI_AGGREGATES.
#     Check them once online: <CBS_URL>/<table>/DataProperties and
#     <CBS_URL>/<table>/BedrijfstakkenBranchesSBI2008 (?$format=json).
#   Eurostat dimension and code names are taken from the mirror's raw files (as downloaded).
# =============================================================================================

# SBI 2008 sections in CBS's code list BedrijfstakkenBranchesSBI2008 (key -> section). UNVERIFIED.
CBS_SBI_SECTIONS = {
    "301000": "A", "305700": "B", "307500": "C", "346600": "D", "348000": "E", "350000": "F",
    "354200": "G", "383100": "H", "389100": "I", "391600": "J", "396300": "K", "402000": "L",
    "403300": "M", "410200": "N", "417400": "O", "419000": "P", "422400": "Q", "428100": "R",
    "435500": "S",  # T and U (households, extraterritorial bodies) are not part of the groups.
}
# Aggregates of sections in the same code list (key -> CBS label). UNVERIFIED.
CBS_SBI_AGGREGATES = {
    "301000": "A", "300002": "B-E", "350000": "F", "300006": "G-I", "391600": "J", "396300": "K",
    "402000": "L", "300010": "M-N", "300012": "O-Q", "300014": "R-U",
}
CBS_TOTAL = "T001081"  # A-U Alle economische activiteiten (verified)

# Section -> establishment sector group of the mirror README (A is folded into A+O-Q there).
SECTION_GROUP = {
    "A": "A+O-Q", "B": "B-E", "C": "B-E", "D": "B-E", "E": "B-E", "F": "F", "G": "G-I", "H": "G-I",
    "I": "G-I", "J": "J", "K": "K", "L": "L", "M": "M-N", "N": "M-N", "O": "A+O-Q", "P": "A+O-Q",
    "Q": "A+O-Q", "R": "R-S", "S": "R-S",
}
# CBS aggregate label -> establishment sector group (R-U is called R-S in the mirror; T-U ~ 0).
AGGREGATE_GROUP = {"A": "A+O-Q", "B-E": "B-E", "F": "F", "G-I": "G-I", "J": "J", "K": "K", "L": "L",
                   "M-N": "M-N", "O-Q": "A+O-Q", "R-U": "R-S"}
COROP = r"CR(0[1-9]|[1-3][0-9]|40)"  # the 40 COROP regions (CR98/CR99-like aggregates are left out)

TABLES: dict[str, dict] = {
    # ---- CBS (OData v3). Keys: table, measure (the CBS column), column (tidy value column),
    # kind int|float, region_column, region_prefix (server-side startswith filter on RegioS),
    # regions (regex of the codes kept), first_year, branches (CBS branch key -> sector group,
    # or None for a file without sectorgroep), total (add 'totaal' = sum of the groups, as the
    # mirror README defines it), sector_order, missing ('error': a missing cell of an existing
    # region fails the download; 'zero': counted as 0 and listed in the manifest).
    "cbs/vestigingen_gemeente.csv": dict(
        source="cbs", table="81575NED", measure="Vestigingen_1", column="vestigingen", kind="int",
        region_column="gemeentecode", region_prefix="GM", regions=r"GM\d{4}", first_year=2015,
        branches={key: SECTION_GROUP[section] for key, section in CBS_SBI_SECTIONS.items()},
        total=True, sector_order=tuple(sorted(SECTOR_GROUPS)) + (TOTAL,), missing="error"),
    "cbs/vestigingen_corop.csv": dict(
        source="cbs", table="81578NED", measure="Vestigingen_1", column="vestigingen", kind="int",
        region_column="coropcode", region_prefix="CR", regions=COROP, first_year=2015,
        branches={CBS_TOTAL: None}, total=False, missing="error"),
    "cbs/oprichtingen_corop.csv": dict(
        source="cbs", table="83631NED", measure="OprichtingenVanVestigingen_1", column="oprichtingen",
        kind="int", region_column="coropcode", region_prefix="CR", regions=COROP, first_year=2015,
        branches={CBS_TOTAL: None}, total=False, missing="error"),
    # Before 2015 CBS publishes no births for O-Q (the README's 2015 break): those cells are
    # empty and counted as 0, as in the mirror; the manifest lists them.
    "cbs/oprichtingen_sector_corop_utrecht.csv": dict(
        source="cbs", table="83631NED", measure="OprichtingenVanVestigingen_1", column="oprichtingen",
        kind="int", region_column="coropcode", region_prefix="CR17", regions=r"CR17", first_year=2007,
        branches={key: AGGREGATE_GROUP[label] for key, label in CBS_SBI_AGGREGATES.items()},
        total=True, sector_order=tuple(SECTOR_GROUPS) + (TOTAL,), missing="zero"),
    "cbs/banen_sector_corop_utrecht.csv": dict(
        source="cbs", table="83582NED", measure="BanenVanWerknemersInDecember_1", column="banen_x1000",
        kind="float", region_column="coropcode", region_prefix="CR17", regions=r"CR17", first_year=2010,
        branches={key: label for key, label in CBS_SBI_AGGREGATES.items()},
        total=False, sector_order=tuple(JOB_SECTOR_GROUPS), missing="error"),
    # ---- Eurostat (SDMX 3.0 data query, SDMX-CSV 2.0 with labels = the mirror's raw format).
    # filters: dimension -> codes requested (each must come back, nothing else may);
    # since: first TIME_PERIOD; geos: geo codes that must be present.
    "eurostat/isoc_e_dii.csv": dict(
        source="eurostat", dataset="isoc_e_dii", version="1.0", since=2021, geos=("NL", "EU27_2020"),
        filters={"freq": ["A"], "size_emp": ["10-49", "50-249", "10-249", "GE10", "GE250"],
                 "nace_r2": ["C10-S951_X_K"],
                 "indic_is": ["E_DI3_VLO", "E_DI3_LO", "E_DI3_HI", "E_DI3_VHI", "E_DI3_GELO", "E_DI4_GELO"],
                 "unit": ["PC_ENT"]}),
    "eurostat/isoc_eb_ai.csv": dict(
        source="eurostat", dataset="isoc_eb_ai", version="1.0", since=2025, geos=("NL", "EU27_2020"),
        filters={"freq": ["A"], "size_emp": ["GE10"], "nace_r2": ["C10-S951_X_K"],
                 "indic_is": ["E_AI_TANY", "E_AI_ADOWN", "E_AI_EC"], "unit": ["PC_ENT"]}),
}
# CBS empty-value conventions ("Verklaring van tekens"): null / '' / '.' (unknown or secret) /
# 'x' (secret) are missing; '-' is "nihil" (zero).
CBS_MISSING = {"", ".", "x", "?"}
CBS_NIHIL = {"-"}
PERIOD = re.compile(r"(\d{4})JJ00")


# --- Errors and retry policy ---------------------------------------------------------------

class DownloadError(Exception):
    """A download or a new snapshot failed; names file, table, URL and reason."""

    def __init__(self, reason: str, *, file: str | None = None, table: str | None = None,
                 url: str | None = None):
        self.reason, self.file, self.table, self.url = reason, file, table, url
        where = " ".join(p for p in (file, f"(table {table})" if table else None) if p)
        message = f"{where}: {reason}" if where else reason
        if url:
            message += f"\n  URL: {url}"
        super().__init__(message)


class _Retryable(Exception):
    """A truncated or unreadable answer: worth asking again."""


class _Layout(Exception):
    """The answer is well-formed but the table's layout is not the expected one: not retried."""


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds on one run: attempts per URL, socket timeout, backoff, and total time."""

    attempts: int = 4          # tries per URL (1 = no retry)
    timeout: float = 60.0      # seconds without an answer before a try fails
    backoff: float = 2.0       # first pause between tries; doubles every try
    max_backoff: float = 60.0  # longest pause
    max_seconds: float = 1800.0  # the whole download; past this nothing is retried


@dataclass
class Session:
    """HTTP GETs with bounded retries, exponential backoff and one deadline for the whole run."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    log: Callable[[str], None] = print
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self):
        self.deadline = time.monotonic() + self.policy.max_seconds

    def get(self, url: str, *, parse=None, accept: str = "*/*", file=None, table=None):
        """GET url; parse(body) may raise _Retryable/_Layout. Returns parse(body) or the bytes."""
        policy = self.policy
        for attempt in range(1, policy.attempts + 1):
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise DownloadError(f"the time budget of {policy.max_seconds:g} s for `make data` is used up",
                                    file=file, table=table, url=url)
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
            try:
                with urllib.request.urlopen(request, timeout=min(policy.timeout, remaining)) as response:
                    body = response.read()
                return parse(body) if parse else body
            except urllib.error.HTTPError as exc:
                if exc.code < 500 and exc.code != 429:
                    try:
                        detail = _snippet(exc.read())
                    except OSError:
                        detail = ""
                    raise DownloadError(f"HTTP {exc.code} {exc.reason}{': ' + detail if detail else ''} "
                                        "(not retried: the query itself was refused)",
                                        file=file, table=table, url=url) from None
                reason = f"HTTP {exc.code} {exc.reason}"
            except _Layout as exc:
                raise DownloadError(f"the table layout changed: {exc}", file=file, table=table, url=url) from None
            except _Retryable as exc:
                reason = str(exc)
            except (TimeoutError, socket.timeout):
                reason = f"timeout (no answer within {min(policy.timeout, remaining):g} s)"
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                    reason = f"timeout (no answer within {min(policy.timeout, remaining):g} s)"
                else:
                    reason = f"network error: {exc.reason}"
            except http.client.IncompleteRead as exc:
                reason = f"truncated response ({len(exc.partial)} bytes, more were announced)"
            except (http.client.HTTPException, OSError) as exc:
                reason = f"network error: {exc.__class__.__name__}: {exc}"
            if attempt == policy.attempts:
                raise DownloadError(f"{reason} (gave up after {attempt} attempt{'s' * (attempt > 1)})",
                                    file=file, table=table, url=url)
            pause = min(policy.backoff * 2 ** (attempt - 1), policy.max_backoff,
                        max(self.deadline - time.monotonic(), 0))
            self.log(f"[mkbbook] data: {reason}; try {attempt + 1} of {policy.attempts} in {pause:.1f} s ({url})")
            self.sleep(pause)
        raise AssertionError("unreachable")


def _snippet(body: bytes, limit: int = 200) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    return " ".join(text.split())[:limit]


# --- CBS OData ------------------------------------------------------------------------------

def _odata_json(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _Retryable("invalid response: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise _Retryable(f"invalid JSON ({exc.msg} at byte {exc.pos} of {len(body)}; truncated response?)") from None
    if not isinstance(data, dict) or not isinstance(data.get("value"), list):
        raise _Retryable("invalid response: JSON without a 'value' list (not an OData answer)")
    return data


def odata_url(base: str, table: str, resource: str, **query: str) -> str:
    """<base>/<table>/<resource>?$format=json&$filter=…, with OData's characters left readable."""
    params = {"$format": "json", **{f"${k}": v for k, v in query.items()}}
    keep = ",'()"  # readable OData; spaces become %20
    text = "&".join(f"{k}={urllib.parse.quote(v, safe=keep)}" for k, v in params.items())
    return f"{base}/{table}/{resource}?{text}"


def odata_rows(session: Session, url: str, *, file=None, table=None, max_pages: int = 500):
    """All rows of an OData query, following odata.nextLink (v3) / @odata.nextLink (v4).

    Returns (rows, urls of every page)."""
    rows, urls = [], []
    host = urllib.parse.urlsplit(url).netloc
    next_url = url
    while next_url:
        if next_url in urls or len(urls) >= max_pages:
            raise DownloadError(f"paging does not end (page {len(urls) + 1} repeats or exceeds {max_pages})",
                                file=file, table=table, url=next_url)
        data = session.get(next_url, parse=_odata_json, accept="application/json", file=file, table=table)
        urls.append(next_url)
        rows.extend(data["value"])
        link = data.get("odata.nextLink") or data.get("@odata.nextLink")
        next_url = urllib.parse.urljoin(next_url, link) if link else None
        if next_url and urllib.parse.urlsplit(next_url).netloc != host:
            raise DownloadError(f"the next page is on another host ({next_url})", file=file, table=table, url=url)
    return rows, urls


def cbs_value(raw, *, where: str):
    """A CBS cell as a number, None when missing (null, '', '.', 'x'), 0 for '-' (nihil)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise _Layout(f"{where}: unexpected value {raw!r}")
    if isinstance(raw, (int, float)):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if text in CBS_MISSING:
            return None
        if text in CBS_NIHIL:
            return 0
        try:
            return float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            pass
    raise _Layout(f"{where}: unexpected value {raw!r}")


@dataclass
class Result:
    """One file of the new snapshot: its bytes and what the manifest says about it."""

    name: str
    data: bytes
    info: dict


def _periods(session: Session, base: str, table: str, file: str, cache: dict) -> tuple[list, str]:
    if table not in cache:
        url = odata_url(base, table, "Perioden")
        rows, _ = odata_rows(session, url, file=file, table=table)
        periods = []
        for row in rows:
            key = str(row.get("Key", "")).strip()
            match = PERIOD.fullmatch(key)
            if match:
                periods.append((int(match.group(1)), key, str(row.get("Status") or "").strip()))
        if not periods:
            raise DownloadError("the period list has no years (keys like 2023JJ00)", file=file, table=table, url=url)
        cache[table] = (sorted(periods), url)
    return cache[table]


def fetch_cbs(name: str, spec: dict, session: Session, base: str, cache: dict | None = None) -> Result:
    """Download one tidy CBS file: one OData query per year, mapped to the mirror's format."""
    cache = {} if cache is None else cache
    table, measure = spec["table"], spec["measure"]
    branch_dim = "BedrijfstakkenBranchesSBI2008"
    periods, periods_url = _periods(session, base, table, name, cache)
    years = [(year, key, status) for year, key, status in periods if year >= spec["first_year"]]
    if not years:
        raise DownloadError(f"no year from {spec['first_year']} on in the period list", file=name, table=table,
                            url=periods_url)
    keep = re.compile(spec["regions"])
    branches = spec["branches"]
    branch_filter = " or ".join(f"startswith({branch_dim},'{key}')" for key in branches)
    select = ",".join(("RegioS", "Perioden", branch_dim, measure))
    out: dict[tuple, float] = {}
    urls, dropped, ignored, zeros, empty = [periods_url], {}, set(), [], []
    for year, period, _status in years:
        query = f"Perioden eq '{period}' and startswith(RegioS,'{spec['region_prefix']}') and ({branch_filter})"
        url = odata_url(base, table, "TypedDataSet", filter=query, select=select)
        rows, page_urls = odata_rows(session, url, file=name, table=table)
        urls += page_urls
        cells: dict[str, dict] = {}
        for number, row in enumerate(rows, start=1):
            where = f"{period}, row {number}"
            if not isinstance(row, dict):
                raise DownloadError(f"{where}: not an object", file=name, table=table, url=url)
            missing = [c for c in ("RegioS", "Perioden", branch_dim, measure) if c not in row]
            if missing:
                raise DownloadError(f"the table layout changed: column(s) {', '.join(missing)} missing in the "
                                    f"answer ({where}; found {', '.join(row) or 'nothing'})",
                                    file=name, table=table, url=url)
            if str(row["Perioden"]).strip() != period:
                raise DownloadError(f"{where}: period {row['Perioden']!r} was not asked for", file=name,
                                    table=table, url=url)
            region = str(row["RegioS"]).strip()
            if not keep.fullmatch(region):
                ignored.add(region)
                continue
            key = str(row[branch_dim]).strip()
            if key not in branches:
                raise DownloadError(f"the table layout changed: unknown sector key {key!r} ({where}, {region}); "
                                    "map it in download.TABLES", file=name, table=table, url=url)
            try:
                value = cbs_value(row[measure], where=f"{where}, {region}, {key}")
            except _Layout as exc:
                raise DownloadError(str(exc), file=name, table=table, url=url) from None
            if key in cells.setdefault(region, {}):
                raise DownloadError(f"{region} {period} {key} occurs twice", file=name, table=table, url=url)
            cells[region][key] = value
        if not cells:
            raise DownloadError(f"no rows for {period}", file=name, table=table, url=url)
        for region, values in sorted(cells.items()):
            absent = [k for k in branches if k not in values]
            if absent:
                raise DownloadError(f"the table layout changed: sector key(s) {', '.join(absent)} missing for "
                                    f"{region} in {period}", file=name, table=table, url=url)
            if all(v is None for v in values.values()):
                dropped.setdefault(str(year), []).append(region)  # the region did not exist that year
                continue
            groups: dict = {}
            for key, value in values.items():
                if value is None:
                    if spec["missing"] != "zero":
                        raise DownloadError(f"{region} {period} {key}: value missing (CBS '.' or null)",
                                            file=name, table=table, url=url)
                    zeros.append(f"{region} {year} {key}")
                    value = 0
                if spec["kind"] == "int" and float(value) % 1:
                    raise DownloadError(f"{region} {period} {key}: {value!r} is not a whole number",
                                        file=name, table=table, url=url)
                groups[branches[key]] = groups.get(branches[key], 0) + value
            if spec["total"]:
                groups[TOTAL] = sum(groups.values())  # totaal = sum of the groups (mirror README)
            out.update({(region, year, group): value for group, value in groups.items()})
        if not any(y == year for _, y, _ in out):  # listed, but no figures yet: left out, said in the manifest
            empty.append(year)
            dropped.pop(str(year), None)
    order = {group: i for i, group in enumerate(spec.get("sector_order") or (None,))}
    header = [spec["region_column"], "jaar"] + (["sectorgroep"] if None not in order else []) + [spec["column"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for region, year, group in sorted(out, key=lambda k: (k[0], k[1], order[k[2]])):
        value = _number(out[(region, year, group)], spec["kind"])
        writer.writerow([region, year] + ([group] if group is not None else []) + [value])
    info = {
        "origin": "downloaded", "source": "CBS open data, OData v3 (TypedDataSet, JSON)", "table": table,
        "measure": measure, "urls": urls, "downloaded_utc": _utc_now(), "rows": len(out),
        "years": sorted({y for _, y, _ in out}),
        "provisional_years": [y for y, _, s in years if s and s.lower() != "definitief" and y not in empty],
        "branches": {k: g for k, g in branches.items()},
        "dropped_region_years": dropped,  # all cells empty: the region did not exist in that year
    }
    if not out:
        raise DownloadError("no figures at all", file=name, table=table, url=urls[-1])
    if empty:
        info["years_without_figures"] = empty
    if ignored:
        info["ignored_regions"] = sorted(ignored)
    if zeros:
        info["missing_counted_as_zero"] = zeros
    return Result(name, buffer.getvalue().encode("utf-8"), info)


def _number(value, kind: str) -> str:
    if kind == "int":
        return str(int(round(value)))
    value = round(float(value), 6)
    return str(int(value)) if value.is_integer() else repr(value)


# --- Eurostat SDMX-CSV ----------------------------------------------------------------------

def eurostat_url(base: str, spec: dict) -> str:
    """SDMX 3.0 data query for SDMX-CSV 2.0 with labels, filtered with c[dimension]=codes."""
    query = {f"c[{dim}]": ",".join(codes) for dim, codes in spec["filters"].items()}
    query["c[TIME_PERIOD]"] = f"ge:{spec['since']}"
    query.update(compress="false", format="csvdata", formatVersion="2.0", lang="en", labels="name")
    return (f"{base}/data/dataflow/ESTAT/{spec['dataset']}/{spec['version']}/?"
            + urllib.parse.urlencode(query, safe=",:"))


def check_sdmx_csv(body: bytes, spec: dict) -> int:
    """Check a raw SDMX-CSV 2.0 answer (labels included); return its number of data rows."""
    from .eurostat import REQUIRED  # the columns the book's reader needs

    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Retryable("invalid response: not UTF-8 text") from None
    if not text.endswith("\n"):
        raise _Retryable("truncated response: the CSV does not end with a complete line")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or rows[0][:2] != ["STRUCTURE", "STRUCTURE_ID"]:
        raise _Retryable("invalid response: not SDMX-CSV 2.0 (first columns are not STRUCTURE, STRUCTURE_ID)")
    header, data = rows[0], [r for r in rows[1:] if r]
    contract = mirror.CONTRACTS[f"eurostat/{spec['dataset']}.csv"]
    needed = list(dict.fromkeys(list(REQUIRED) + list(contract.columns) + list(contract.key)))
    missing = [c for c in needed if c not in header]
    if missing:
        raise _Layout(f"column(s) {', '.join(missing)} missing (found {', '.join(header)})")
    for code in spec["filters"]:
        i = header.index(code) if code in header else -1
        if i < 0:
            raise _Layout(f"dimension {code} missing")
        if i + 1 >= len(header) or header[i + 1] in set(needed) | {"STRUCTURE_NAME", "CONF_STATUS"}:
            raise _Layout(f"no label column after {code}: ask with labels=name")
    for number, row in enumerate(data, start=2):
        if len(row) != len(header):
            raise _Retryable(f"truncated or broken CSV: line {number} has {len(row)} fields, the header {len(header)}")
    if not data:
        raise _Layout("no data rows")
    column = {c: header.index(c) for c in needed}
    for dim, codes in spec["filters"].items():
        i = header.index(dim)
        seen = {row[i] for row in data}
        unasked, absent = seen - set(codes), set(codes) - seen
        if unasked:
            raise _Layout(f"{dim} has code(s) {', '.join(sorted(unasked))} that were not asked for")
        if absent:
            raise _Layout(f"{dim} code(s) {', '.join(sorted(absent))} missing in the answer")
    geos = {row[column["geo"]] for row in data}
    if set(spec["geos"]) - geos:
        raise _Layout(f"geo {', '.join(sorted(set(spec['geos']) - geos))} missing")
    for number, row in enumerate(data, start=2):
        year, value = row[column["TIME_PERIOD"]], row[column["OBS_VALUE"]]
        if not year.isdigit() or int(year) < spec["since"]:
            raise _Layout(f"line {number}: TIME_PERIOD {year!r} is not a year from {spec['since']} on")
        try:
            float(value) if value else None
        except ValueError:
            raise _Layout(f"line {number}: OBS_VALUE {value!r} is not a number") from None
    return len(data)


def fetch_eurostat(name: str, spec: dict, session: Session, base: str) -> Result:
    url = eurostat_url(base, spec)
    counted = {}

    def parse(body: bytes) -> bytes:
        counted["rows"] = check_sdmx_csv(body, spec)
        return body

    body = session.get(url, parse=parse, accept="text/csv, */*", file=name, table=spec["dataset"])
    info = {"origin": "downloaded", "source": "Eurostat dissemination API, SDMX 3.0 (SDMX-CSV 2.0, labels)",
            "table": spec["dataset"], "urls": [url], "downloaded_utc": _utc_now(), "rows": counted["rows"]}
    return Result(name, body, info)


# --- Snapshot -------------------------------------------------------------------------------

def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_checksums(root: Path, names) -> None:
    """SHA256SUMS in the mirror's format: '<sha256>  <path>' per line, sorted by path."""
    lines = [f"{_sha256(root / name)}  {name}\n" for name in sorted(names)]
    (root / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def _years(path: Path) -> set:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        column = "jaar" if "jaar" in (reader.fieldnames or []) else "TIME_PERIOD"
        return {row[column] for row in reader if row.get(column)}


# Files of the snapshot in use that `make data` does not download, and why (manifest 'reason').
NOT_DOWNLOADED = {
    "geo/": "PDOK/CBS boundaries and region table: not re-downloaded by `make data`",
    "cbs/kerncijfers_gemeente_2023.csv": "Kerncijfers wijken en buurten 2023 (85618NED, via PDOK): "
                                         "not re-downloaded by `make data`",
    "cbs/bedrijven_grootteklasse_nl.csv": "81588NED (enterprises by size class): not re-downloaded by `make data`",
}


def _original_source(previous: Path, name: str, previous_manifest: dict) -> str:
    """Where a copied file first came from, following the manifests of earlier snapshots."""
    entry = previous_manifest.get(name) or {}
    if entry.get("origin") == "copied":
        return entry.get("original_source") or entry.get("copied_from", "")
    if entry.get("origin") == "downloaded":
        return f"downloaded {entry.get('downloaded_utc', '?')} from {(entry.get('urls') or ['?'])[0]}"
    return f"{(previous / name).resolve()} (a snapshot without manifest, e.g. the shared mirror; see its README)"


def write_snapshot(results: list[Result], previous: Path, home: Path) -> Path:
    """Write results + copies of the other files of ``previous`` as a new snapshot; switch the pointer.

    Works in a temporary folder that is deleted on any failure; the pointer
    ``home/current`` changes only after :func:`mkbbook.mirror.validate` passed.
    """
    previous = Path(previous)
    try:
        previous_sums = mirror.read_checksums(previous)
    except DataError as exc:
        raise DownloadError(f"the snapshot in use cannot be read, so its other files cannot be copied: {exc}") from None
    try:
        previous_manifest = json.loads((previous / MANIFEST).read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        previous_manifest = {}  # e.g. the shared mirror, which has no manifest
    snapshots = home / "snapshots"
    snapshots.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{stamp}-", dir=snapshots))
    final = None
    try:
        files = {}
        for result in results:
            target = tmp / result.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(result.data)
            files[result.name] = result.info
        for name in sorted(set(previous_sums) - set(files)):
            source = previous / name
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            info = {"origin": "copied", "copied_from": str(source.resolve()),
                    "reason": next((why for prefix, why in NOT_DOWNLOADED.items() if name.startswith(prefix)),
                                   "not downloaded by `make data`") + "; copied unchanged from the snapshot in use",
                    "original_source": _original_source(previous, name, previous_manifest)}
            if name.endswith(".csv"):
                with target.open(encoding="utf-8") as handle:
                    info["rows"] = max(sum(1 for _ in handle) - 1, 0)
            files[name] = info
        for name in files:
            files[name]["sha256"] = _sha256(tmp / name)
            # the new snapshot must cover at least the years of the one in use
            if name in previous_sums and name.endswith(".csv") and files[name]["origin"] == "downloaded":
                lost = _years(previous / name) - _years(tmp / name)
                if lost:
                    raise DownloadError(f"the download lacks year(s) {', '.join(sorted(lost))} that the snapshot "
                                        f"in use has", file=name, table=files[name].get("table"))
        write_checksums(tmp, files)
        manifest = {"created_utc": _utc_now(), "made_by": "mkbbook.download (make data)",
                    "previous_snapshot": str(previous.resolve()),
                    "note": "SHA256SUMS lists the data files; this manifest is not listed in it.",
                    "files": dict(sorted(files.items()))}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        try:
            mirror.validate(tmp)
        except DataError as exc:
            raise DownloadError(f"the new snapshot does not pass the data contract: {exc}") from None
        final = snapshots / stamp
        suffix = 1
        while final.exists():
            suffix += 1
            final = snapshots / f"{stamp}-{suffix}"
        os.rename(tmp, final)
        pointer = home / "current"
        staged = home / f".current-{os.getpid()}"
        staged.write_text(final.name + "\n", encoding="utf-8")
        os.replace(staged, pointer)  # atomic: readers see the old or the new pointer
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if final is not None and final.exists() and _pointer(home) != final.name:
            shutil.rmtree(final, ignore_errors=True)
        for staged in home.glob(".current-*"):
            staged.unlink(missing_ok=True)
        raise


def _pointer(home: Path) -> str | None:
    try:
        return (home / "current").read_text(encoding="utf-8").strip()
    except OSError:
        return None


def refresh(*, cbs_url: str | None = None, eurostat_url: str | None = None, home: Path | None = None,
            previous: Path | None = None, policy: RetryPolicy | None = None, tables: dict | None = None,
            log=print) -> Path:
    """Download every table of ``TABLES`` and make the result the snapshot in use; return its folder.

    ``cbs_url`` / ``eurostat_url`` default to $MKB_CBS_ODATA_URL / $MKB_EUROSTAT_URL, else the
    public APIs. ``home`` defaults to <repo>/_data, ``previous`` to the snapshot in use
    (:func:`mkbbook.paths.mirror_dir`). Raises DownloadError; then nothing has changed.
    """
    cbs = (cbs_url or os.environ.get(CBS_URL_ENV) or DEFAULT_CBS_URL).rstrip("/")
    estat = (eurostat_url or os.environ.get(EUROSTAT_URL_ENV) or DEFAULT_EUROSTAT_URL).rstrip("/")
    home = Path(home) if home else paths.SNAPSHOT_HOME
    if previous is None:
        try:
            previous = paths.mirror_dir()
        except DataError as exc:
            raise DownloadError(f"no snapshot in use to copy geo/ and kerncijfers from: {exc}") from None
    session = Session(policy or RetryPolicy(), log=log)
    cache: dict = {}
    results = []
    for name, spec in (tables or TABLES).items():
        log(f"[mkbbook] data: {name} ← {spec['source']} {spec.get('table') or spec.get('dataset')}")
        if spec["source"] == "cbs":
            results.append(fetch_cbs(name, spec, session, cbs, cache))
        elif spec["source"] == "eurostat":
            results.append(fetch_eurostat(name, spec, session, estat))
        else:
            raise DownloadError(f"unknown source {spec['source']!r} in download.TABLES", file=name)
    return write_snapshot(results, Path(previous), home)


# --- Command line (`python -m mkbbook data`, `make data`) -----------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = RetryPolicy()
    parser.add_argument("--attempts", type=int, default=defaults.attempts, help="tries per URL")
    parser.add_argument("--timeout", type=float, default=defaults.timeout, help="seconds per try")
    parser.add_argument("--max-time", type=float, default=defaults.max_seconds, help="seconds for everything")


def in_use() -> str:
    """Which snapshot the book reads now, in words."""
    try:
        return str(paths.mirror_dir())
    except DataError as exc:
        return f"none ({exc.problem})"


def run(args: argparse.Namespace) -> int:
    """`mkbbook data`: 0 when the new snapshot is in use, 1 (previous one kept) otherwise."""
    before = in_use()
    policy = RetryPolicy(attempts=max(args.attempts, 1), timeout=args.timeout, max_seconds=args.max_time)
    try:
        path = refresh(policy=policy)
    except DownloadError as exc:
        print(f"\nERROR: `make data` failed: {exc}\nNothing changed: the book keeps using {before}", file=sys.stderr)
        return 1
    print(f"[mkbbook] data: new snapshot {path} is in use (pointer {paths.SNAPSHOT_HOME / 'current'}); "
          f"see its manifest.json")
    if os.environ.get(paths.MIRROR_ENV):
        print(f"[mkbbook] note: {paths.MIRROR_ENV} is set and overrides the pointer; unset it to use the new "
              "snapshot", file=sys.stderr)
    return 0
