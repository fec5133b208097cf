"""`make data`: download the CBS and Eurostat tables into a new, validated data snapshot.

The tables the book uses are fetched from the CBS open-data API and from the
Eurostat dissemination API (SDMX 3.0, SDMX-CSV 2.0 with labels, the raw format
of the mirror's ``eurostat/*.csv``). CBS has two APIs, chosen with ONE setting
(``CBS_API`` below, or ``$MKB_CBS_API``, or ``make data CBS_API=v4``):

- ``v3`` (default): the OData v3 feed ``opendata.cbs.nl/ODataFeed/odata``, wide
  ``TypedDataSet`` rows, paged by the server with ``odata.nextLink``;
- ``v4``: ``datasets.cbs.nl/odata/v1/CBS``, long ``Observations`` (one cell per
  row, ``Measure`` codes), paged with ``@odata.nextLink``.

Before the data, each CBS table's own metadata is read and the configured keys
are checked against it (measure titles, SBI section titles), and the status of
every period ("Definitief", "Voorlopig") goes into the manifest. CBS rows are
mapped to exactly the tidy format of the mirror README (see ``TABLES``); the
Eurostat files are kept as served.

A good snapshot is never damaged: everything is written into a temporary folder
``snapshots/.tmp-*``, the whole folder is checked with
:func:`mkbbook.mirror.validate`, and only then is it renamed to
``snapshots/<UTC time>/`` and the pointer ``snapshots/current`` switched.
A report of what changed against the previous snapshot (new years, revised
figures, per file) is printed and written to the new snapshot's ``CHANGES.md``.
Any failure (network error, HTTP 5xx after bounded retries, timeout, truncated
or invalid answer, a changed table layout) deletes the temporary folder, leaves
the pointer alone and raises :class:`DownloadError` naming file, table, URL and
reason. Files that are not downloaded (PDOK boundaries in ``geo/``,
kerncijfers, the size-class table, the tidy EU27 transcription) are copied from
the snapshot in use, and ``manifest.json`` says for every file where it came from.
"""

from __future__ import annotations

import argparse
import csv
import email.utils
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
CBS_API_ENV = "MKB_CBS_API"
# THE SETTING that chooses the CBS API: "v3" (OData v3 feed) or "v4" (datasets.cbs.nl/odata/v1).
# CBS will switch v3 off once all tables are on v4; then set this to "v4" (or $MKB_CBS_API=v4).
CBS_API = "v3"
DEFAULT_CBS_URL = "https://opendata.cbs.nl/ODataFeed/odata"
DEFAULT_CBS_V4_URL = "https://datasets.cbs.nl/odata/v1/CBS"
DEFAULT_EUROSTAT_URL = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/3.0"
USER_AGENT = "mkbbook-make-data/0.1 (reproducible book on mkb digitalisation)"
MANIFEST = "manifest.json"
CHANGES = "CHANGES.md"
# Files of a snapshot that are not data (not in SHA256SUMS) and travel with every new snapshot.
DOCUMENTS = ("README.md", "LICENCES.md")

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
#     <CBS_URL>/<table>/BedrijfstakkenBranchesSBI2008 (?$format=json). Every run now does this
#     itself: the measure's title must start with measure_title and every SBI key's title with its
#     section letter(s), else the download stops naming the key (measure_title values are UNVERIFIED
#     too; a mismatch on the first online run is reported, not mapped silently).
#   OData v4 (CBS_API = "v4"): the measure code is looked up by measure_title in MeasureCodes; the
#     SBI codes are assumed to equal the v3 keys and are checked against <dimension>Codes titles;
#     the ValueAttribute names of special cells ('Nil' = zero) are UNVERIFIED.
#   Eurostat dimension and code names are taken from the mirror's raw files (as downloaded).
# =============================================================================================

# SBI 2008 sections in CBS's code list BedrijfstakkenBranchesSBI2008 (key -> section). UNVERIFIED.
CBS_SBI_SECTIONS = {
    "301000": "A", "305700": "B", "307500": "C", "346600": "D", "348000": "E", "350000": "F",
    "354200": "G", "383100": "H", "389100": "I", "391600": "J", "396300": "K", "402000": "L",
    "403300": "M", "410200": "N", "417400": "O", "419000": "P", "422400": "Q", "428100": "R",
    "435500": "S",  # T and U (households, extraterritorial bodies) are not part of the groups.
}
# The keys are checked at download time against the code list's titles, which start with the
# section letter(s): "A Landbouw, bosbouw en visserij", "M-N Zakelijke dienstverlening", … (see
# check_branch_titles): a renamed or shifted key fails with a message instead of mapping silently.
# Aggregates of sections in the same code list (key -> CBS label). UNVERIFIED.
CBS_SBI_AGGREGATES = {
    "301000": "A", "300002": "B-E", "350000": "F", "300006": "G-I", "391600": "J", "396300": "K",
    "402000": "L", "300010": "M-N", "300012": "O-Q", "300014": "R-U",
}
CBS_TOTAL = "T001081"  # A-U Alle economische activiteiten (verified)
CBS_TOTAL_LABEL = "A-U"

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
    # region fails the download; 'zero': counted as 0 and listed in the manifest),
    # measure_title (the start of the measure's title in the table's metadata, checked at download
    # time; with CBS_API v4 the measure code is found by this title), lag (the newest period is
    # expected to be at least <this year> - lag; older gives a warning: the table may be replaced).
    "cbs/vestigingen_gemeente.csv": dict(
        source="cbs", table="81575NED", measure="Vestigingen_1", measure_title="Vestigingen", lag=1,
        column="vestigingen", kind="int",
        region_column="gemeentecode", region_prefix="GM", regions=r"GM\d{4}", first_year=2015,
        branches={key: SECTION_GROUP[section] for key, section in CBS_SBI_SECTIONS.items()},
        total=True, sector_order=tuple(sorted(SECTOR_GROUPS)) + (TOTAL,), missing="error"),
    "cbs/vestigingen_corop.csv": dict(
        source="cbs", table="81578NED", measure="Vestigingen_1", measure_title="Vestigingen", lag=1,
        column="vestigingen", kind="int",
        region_column="coropcode", region_prefix="CR", regions=COROP, first_year=2015,
        branches={CBS_TOTAL: None}, total=False, missing="error"),
    "cbs/oprichtingen_corop.csv": dict(
        source="cbs", table="83631NED", measure="OprichtingenVanVestigingen_1", column="oprichtingen",
        measure_title="Oprichtingen van vestigingen", lag=2,
        kind="int", region_column="coropcode", region_prefix="CR", regions=COROP, first_year=2015,
        branches={CBS_TOTAL: None}, total=False, missing="error"),
    # Before 2015 CBS publishes no births for O-Q (the README's 2015 break): those cells are
    # empty and counted as 0, as in the mirror; the manifest lists them.
    "cbs/oprichtingen_sector_corop_utrecht.csv": dict(
        source="cbs", table="83631NED", measure="OprichtingenVanVestigingen_1", column="oprichtingen",
        measure_title="Oprichtingen van vestigingen", lag=2,
        kind="int", region_column="coropcode", region_prefix="CR17", regions=r"CR17", first_year=2007,
        aggregates=True, branches={key: AGGREGATE_GROUP[label] for key, label in CBS_SBI_AGGREGATES.items()},
        total=True, sector_order=tuple(SECTOR_GROUPS) + (TOTAL,), missing="zero"),
    "cbs/banen_sector_corop_utrecht.csv": dict(
        source="cbs", table="83582NED", measure="BanenVanWerknemersInDecember_1", column="banen_x1000",
        measure_title="Banen van werknemers in december", lag=2,
        kind="float", region_column="coropcode", region_prefix="CR17", regions=r"CR17", first_year=2010,
        aggregates=True, branches={key: label for key, label in CBS_SBI_AGGREGATES.items()},
        total=False, sector_order=tuple(JOB_SECTOR_GROUPS), missing="error"),
    # ---- Eurostat (SDMX 3.0 data query, SDMX-CSV 2.0 with labels = the mirror's raw format).
    # filters: dimension -> codes requested (each must come back, nothing else may);
    # since: first TIME_PERIOD; geos: geo codes that must be present.
    "eurostat/isoc_e_dii.csv": dict(
        source="eurostat", dataset="isoc_e_dii", version="1.0", since=2021, geos=("NL", "EU27_2020"), lag=2,
        filters={"freq": ["A"], "size_emp": ["10-49", "50-249", "10-249", "GE10", "GE250"],
                 "nace_r2": ["C10-S951_X_K"],
                 "indic_is": ["E_DI3_VLO", "E_DI3_LO", "E_DI3_HI", "E_DI3_VHI", "E_DI3_GELO", "E_DI4_GELO"],
                 "unit": ["PC_ENT"]}),
    "eurostat/isoc_eb_ai.csv": dict(
        source="eurostat", dataset="isoc_eb_ai", version="1.0", since=2025, geos=("NL", "EU27_2020"), lag=2,
        filters={"freq": ["A"], "size_emp": ["GE10"], "nace_r2": ["C10-S951_X_K"],
                 "indic_is": ["E_AI_TANY", "E_AI_ADOWN", "E_AI_EC"], "unit": ["PC_ENT"]}),
    # Digital intensity by NACE activity (all activities of the dataset), the Netherlands and the EU:
    # the demand chapter prefers these Dutch figures to the EU-only transcription isoc_e_diin2_eu27.csv.
    # DII v3 indicators in odd years, v4 in even years (as isoc_e_dii).
    "eurostat/isoc_e_diin2.csv": dict(
        source="eurostat", dataset="isoc_e_diin2", version="1.0", since=2021, geos=("NL", "EU27_2020"), lag=2,
        filters={"freq": ["A"], "size_emp": ["GE10"],
                 "indic_is": ["E_DI3_GELO", "E_DI3_HI", "E_DI3_VHI", "E_DI4_GELO", "E_DI4_HI", "E_DI4_VHI"],
                 "unit": ["PC_ENT"], "geo": ["NL", "EU27_2020"]}),
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
                 url: str | None = None, status: int | None = None):
        self.reason, self.file, self.table, self.url, self.status = reason, file, table, url, status
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
    max_retry_after: float = 600.0  # longest Retry-After (HTTP 429/503) that is waited for


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
                                        file=file, table=table, url=url, status=exc.code) from None
                reason = f"HTTP {exc.code} {exc.reason}"
                wait = retry_after(exc.headers.get("Retry-After") if exc.headers else None)
                if wait is not None:  # the server says when to come back (429 Too Many Requests, 503)
                    left = self.deadline - time.monotonic()
                    if attempt == policy.attempts:
                        pass
                    elif wait > min(policy.max_retry_after, left):
                        raise DownloadError(f"{reason}: the server asks to wait {wait:g} s (Retry-After), longer "
                                            f"than {'the time left' if wait > left else 'the longest wait'} "
                                            f"({min(policy.max_retry_after, left):.0f} s); try again later",
                                            file=file, table=table, url=url, status=exc.code) from None
                    else:
                        self.log(f"[mkbbook] data: {reason}; the server asks to wait {wait:g} s (Retry-After); "
                                 f"try {attempt + 1} of {policy.attempts} then ({url})")
                        self.sleep(wait)
                        continue
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
                                    file=file, table=table, url=url,
                                    status=int(reason.split()[1]) if reason.startswith("HTTP ") else None)
            pause = min(policy.backoff * 2 ** (attempt - 1), policy.max_backoff,
                        max(self.deadline - time.monotonic(), 0))
            self.log(f"[mkbbook] data: {reason}; try {attempt + 1} of {policy.attempts} in {pause:.1f} s ({url})")
            self.sleep(pause)
        raise AssertionError("unreachable")


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent or unreadable."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(when.timestamp() - now, 0.0)


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


def odata_url(base: str, table: str, resource: str, *, fmt: bool = True, **query: str) -> str:
    """<base>/<table>/<resource>?$format=json&$filter=…, with OData's characters left readable."""
    params = ({"$format": "json"} if fmt else {}) | {f"${k}": v for k, v in query.items()}
    keep = ",'()"  # readable OData; spaces become %20
    text = "&".join(f"{k}={urllib.parse.quote(v, safe=keep)}" for k, v in params.items())
    return f"{base}/{table}/{resource}" + (f"?{text}" if text else "")


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


BRANCH_DIM = "BedrijfstakkenBranchesSBI2008"
IGNORED = "\0ignored"  # pseudo-region: regions of the answer outside spec['regions']
RETIRED_V3 = ("CBS answered HTTP {status} for its OData v3 feed. CBS has announced that OData v3 will be "
              "switched off once all tables are on OData v4 (datasets.cbs.nl/odata/v1); if that has happened, "
              "switch to v4 with `make data CBS_API=v4` (or {env}=v4, or CBS_API = \"v4\" in "
              "src/mkbbook/download.py). If the table itself was replaced (CBS is moving to SBI 2025), configure "
              "the new table in download.TABLES.")


def _norm(text) -> str:
    return " ".join(str(text or "").split()).casefold()


def _title_code(title) -> str:
    """The section code a CBS branch title starts with: 'M-N Zakelijke dienstverlening' -> 'M-N'."""
    words = str(title or "").split()
    return words[0] if words else ""


def expected_branch_codes(spec: dict) -> dict:
    """Configured branch key -> the section code its title must start with."""
    out = {}
    for key in spec["branches"]:
        if key == CBS_TOTAL:
            out[key] = CBS_TOTAL_LABEL
        elif spec.get("aggregates"):
            out[key] = CBS_SBI_AGGREGATES[key]
        else:
            out[key] = CBS_SBI_SECTIONS[key]
    return out


def check_branch_titles(titles: dict, spec: dict, *, file: str, url: str) -> None:
    """Every configured SBI key exists in the table's code list and its title starts with the expected code."""
    problems = []
    by_code = {}
    for key, title in titles.items():
        by_code.setdefault(_title_code(title), key)
    for key, code in expected_branch_codes(spec).items():
        if key not in titles:
            problems.append(f"key {key} (section {code}) is not in the code list"
                            + (f"; section {code} has key {by_code[code]}" if code in by_code else ""))
        elif _title_code(titles[key]) != code:
            problems.append(f"key {key} is titled {titles[key]!r}, expected section {code}"
                            + (f" (section {code} has key {by_code[code]})" if code in by_code else ""))
    if problems:
        raise DownloadError("the configured SBI keys do not match the table's code list: " + "; ".join(problems)
                            + ". Fix CBS_SBI_SECTIONS / CBS_SBI_AGGREGATES in src/mkbbook/download.py",
                            file=file, table=spec["table"], url=url)


def check_measure_title(title, spec: dict, *, key: str, file: str, url: str) -> None:
    if not _norm(title).startswith(_norm(spec["measure_title"])):
        raise DownloadError(f"the measure {key} is titled {title!r} in the table's metadata, expected a title "
                            f"starting with {spec['measure_title']!r}: a renamed or reused key? Fix TABLES in "
                            "src/mkbbook/download.py", file=file, table=spec["table"], url=url)


@dataclass
class TableMeta:
    """What a CBS table says about itself: periods (year, code, status), measure code and title, branch titles."""

    periods: list
    measure: str
    measure_title: str
    branches: dict
    urls: list


def _parse_periods(rows, key_field: str) -> list:
    periods = []
    for row in rows:
        key = str(row.get(key_field, "")).strip()
        match = PERIOD.fullmatch(key)
        if match:
            periods.append((int(match.group(1)), key, str(row.get("Status") or "").strip() or None))
    return sorted(periods)


def _meta_v3(session: Session, base: str, spec: dict, file: str) -> TableMeta:
    table = spec["table"]
    urls = [odata_url(base, table, r) for r in ("Perioden", "DataProperties", BRANCH_DIM)]
    periods_rows, _ = odata_rows(session, urls[0], file=file, table=table)
    props, _ = odata_rows(session, urls[1], file=file, table=table)
    branch_rows, _ = odata_rows(session, urls[2], file=file, table=table)
    periods = _parse_periods(periods_rows, "Key")
    if not periods:
        raise DownloadError("the period list has no years (keys like 2023JJ00)", file=file, table=table, url=urls[0])
    titles = {str(p.get("Key", "")).strip(): p.get("Title") for p in props}
    if spec["measure"] not in titles:
        raise DownloadError(f"the measure {spec['measure']} is not in the table's DataProperties (found: "
                            f"{', '.join(k for k in titles if k)[:300]}): fix TABLES in src/mkbbook/download.py",
                            file=file, table=table, url=urls[1])
    check_measure_title(titles[spec["measure"]], spec, key=spec["measure"], file=file, url=urls[1])
    branches = {str(r.get("Key", "")).strip(): r.get("Title") for r in branch_rows}
    check_branch_titles(branches, spec, file=file, url=urls[2])
    return TableMeta(periods, spec["measure"], titles[spec["measure"]], branches, urls)


def _meta_v4(session: Session, base: str, spec: dict, file: str) -> TableMeta:
    table = spec["table"]
    urls = [odata_url(base, table, r, fmt=False) for r in ("PeriodenCodes", "MeasureCodes", f"{BRANCH_DIM}Codes")]
    periods_rows, _ = odata_rows(session, urls[0], file=file, table=table)
    measures, _ = odata_rows(session, urls[1], file=file, table=table)
    branch_rows, _ = odata_rows(session, urls[2], file=file, table=table)
    periods = _parse_periods(periods_rows, "Identifier")
    if not periods:
        raise DownloadError("the period list has no years (codes like 2023JJ00)", file=file, table=table, url=urls[0])
    wanted = _norm(spec["measure_title"])
    found = [m for m in measures if _norm(m.get("Title")) == wanted] or \
        [m for m in measures if _norm(m.get("Title")).startswith(wanted)]
    if len(found) != 1:
        titles = "; ".join(f"{m.get('Identifier')} {m.get('Title')!r}" for m in measures)[:400]
        raise DownloadError(f"{'no' if not found else len(found)} measure(s) titled {spec['measure_title']!r} in "
                            f"MeasureCodes (found: {titles}): fix measure_title in TABLES in src/mkbbook/download.py",
                            file=file, table=table, url=urls[1])
    branches = {str(r.get("Identifier", "")).strip(): r.get("Title") for r in branch_rows}
    check_branch_titles(branches, spec, file=file, url=urls[2])
    return TableMeta(periods, str(found[0]["Identifier"]).strip(), found[0].get("Title"), branches, urls)


def table_meta(session: Session, base: str, spec: dict, file: str, cache: dict, api: str) -> TableMeta:
    key = (spec["table"], spec["measure_title"], tuple(spec["branches"]))
    if key not in cache:
        cache[key] = (_meta_v4 if api == "v4" else _meta_v3)(session, base, spec, file)
    return cache[key]


def _cells_v3(session, base, spec, meta: TableMeta, period: str, file: str):
    """{region: {branch key: value}} of one period from the v3 TypedDataSet (wide rows), and the page URLs."""
    table, measure = spec["table"], meta.measure
    branch_filter = " or ".join(f"startswith({BRANCH_DIM},'{key}')" for key in spec["branches"])
    query = f"Perioden eq '{period}' and startswith(RegioS,'{spec['region_prefix']}') and ({branch_filter})"
    url = odata_url(base, table, "TypedDataSet", filter=query, select=",".join(("RegioS", "Perioden", BRANCH_DIM,
                                                                                    measure)))
    rows, urls = odata_rows(session, url, file=file, table=table)
    cells: dict[str, dict] = {}
    for number, row in enumerate(rows, start=1):
        where = f"{period}, row {number}"
        if not isinstance(row, dict):
            raise DownloadError(f"{where}: not an object", file=file, table=table, url=url)
        missing = [c for c in ("RegioS", "Perioden", BRANCH_DIM, measure) if c not in row]
        if missing:
            raise DownloadError(f"the table layout changed: column(s) {', '.join(missing)} missing in the "
                                f"answer ({where}; found {', '.join(row) or 'nothing'})", file=file, table=table, url=url)
        _put(cells, row, row[measure], spec, period, where, file, url)
    for region, values in cells.items():  # the wide rows have every asked branch: a missing one is a change
        absent = [k for k in spec["branches"] if k not in values]
        if absent and region != IGNORED:
            raise DownloadError(f"the table layout changed: sector key(s) {', '.join(absent)} missing for "
                                f"{region} in {period}", file=file, table=table, url=url)
    return cells, url, urls


def _cells_v4(session, base, spec, meta: TableMeta, period: str, file: str):
    """{region: {branch key: value}} of one period from the v4 Observations (one cell per row)."""
    table = spec["table"]
    branch_filter = " or ".join(f"{BRANCH_DIM} eq '{key}'" for key in spec["branches"])
    query = (f"Measure eq '{meta.measure}' and Perioden eq '{period}' and "
             f"startswith(RegioS,'{spec['region_prefix']}') and ({branch_filter})")
    url = odata_url(base, table, "Observations", fmt=False, filter=query)
    rows, urls = odata_rows(session, url, file=file, table=table)
    cells: dict[str, dict] = {}
    for number, row in enumerate(rows, start=1):
        where = f"{period}, observation {number}"
        if not isinstance(row, dict):
            raise DownloadError(f"{where}: not an object", file=file, table=table, url=url)
        missing = [c for c in ("Measure", "RegioS", "Perioden", BRANCH_DIM, "Value") if c not in row]
        if missing:
            raise DownloadError(f"the table layout changed: field(s) {', '.join(missing)} missing in the "
                                f"observations ({where}; found {', '.join(row) or 'nothing'})",
                                file=file, table=table, url=url)
        if str(row["Measure"]).strip() != meta.measure:
            raise DownloadError(f"{where}: measure {row['Measure']!r} was not asked for", file=file, table=table,
                                url=url)
        # ValueAttribute other than 'None' marks a special cell: 'Nil'/'Nihil' (UNVERIFIED spelling) is
        # zero, as '-' in v3; anything else ('Impossible', 'Confidential', …) is missing, as '.' in v3.
        attribute = str(row.get("ValueAttribute") or "None").strip()
        value = row["Value"] if attribute in ("None", "") else 0 if attribute.casefold() in ("nil", "nihil") else None
        _put(cells, row, value, spec, period, where, file, url)
    for values in cells.values():  # v4 leaves empty cells out: absent = missing
        for key in spec["branches"]:
            values.setdefault(key, None)
    return cells, url, urls


def _put(cells, row, raw, spec, period, where, file, url) -> None:
    table = spec["table"]
    if str(row["Perioden"]).strip() != period:
        raise DownloadError(f"{where}: period {row['Perioden']!r} was not asked for", file=file, table=table, url=url)
    region = str(row["RegioS"]).strip()
    if not re.fullmatch(spec["regions"], region):
        cells.setdefault(IGNORED, {})[region] = None
        return
    key = str(row[BRANCH_DIM]).strip()
    if key not in spec["branches"]:
        raise DownloadError(f"the table layout changed: unknown sector key {key!r} ({where}, {region}); "
                            "map it in download.TABLES", file=file, table=table, url=url)
    try:
        value = cbs_value(raw, where=f"{where}, {region}, {key}")
    except _Layout as exc:
        raise DownloadError(str(exc), file=file, table=table, url=url) from None
    if key in cells.setdefault(region, {}):
        raise DownloadError(f"{region} {period} {key} occurs twice", file=file, table=table, url=url)
    cells[region][key] = value


def fetch_cbs(name: str, spec: dict, session: Session, base: str, cache: dict | None = None,
              api: str = "v3") -> Result:
    """Download one tidy CBS file: metadata checks, then one query per year, mapped to the mirror's format."""
    cache = {} if cache is None else cache
    try:
        return _fetch_cbs(name, spec, session, base, cache, api)
    except DownloadError as exc:
        if api == "v3" and exc.status in (404, 410):
            raise DownloadError(f"{exc.reason}\n  {RETIRED_V3.format(status=exc.status, env=CBS_API_ENV)}",
                                file=exc.file, table=exc.table, url=exc.url, status=exc.status) from None
        raise


def _fetch_cbs(name: str, spec: dict, session: Session, base: str, cache: dict, api: str) -> Result:
    table = spec["table"]
    meta = table_meta(session, base, spec, name, cache, api)
    years = [(year, key, status) for year, key, status in meta.periods if year >= spec["first_year"]]
    if not years:
        raise DownloadError(f"no year from {spec['first_year']} on in the period list", file=name, table=table,
                            url=meta.urls[0])
    branches = spec["branches"]
    out: dict[tuple, float] = {}
    urls, dropped, ignored, zeros, empty = list(meta.urls), {}, set(), [], []
    for year, period, _status in years:
        cells, url, page_urls = (_cells_v4 if api == "v4" else _cells_v3)(session, base, spec, meta, period, name)
        urls += page_urls
        ignored |= set(cells.pop(IGNORED, {}))
        if not cells and api == "v3":
            raise DownloadError(f"no rows for {period}", file=name, table=table, url=url)
        for region, values in sorted(cells.items()):
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
    if not out:
        raise DownloadError("no figures at all", file=name, table=table, url=urls[-1])
    with_figures = sorted({y for _, y, _ in out})
    status = {year: st for year, _, st in years}
    info = {
        "origin": "downloaded",
        "source": ("CBS open data, OData v4 (Observations, JSON)" if api == "v4"
                   else "CBS open data, OData v3 (TypedDataSet, JSON)"),
        "api": api, "table": table, "measure": meta.measure, "measure_title": meta.measure_title,
        "urls": urls, "downloaded_utc": _utc_now(), "rows": len(out), "years": with_figures,
        "periods": {str(y): status[y] for y in with_figures},
        "provisional_years": [y for y in with_figures if status[y] and status[y].lower() != "definitief"],
        "branches": {k: g for k, g in branches.items()},
        "branch_titles": {k: meta.branches.get(k) for k in branches},
        "dropped_region_years": dropped,  # all cells empty: the region did not exist in that year
    }
    if empty:
        info["years_without_figures"] = empty
    if ignored:
        info["ignored_regions"] = sorted(ignored)
    if zeros:
        info["missing_counted_as_zero"] = zeros
    stale = staleness(with_figures[-1], spec)
    if stale:
        info["warnings"] = [stale]
    return Result(name, buffer.getvalue().encode("utf-8"), info)


def staleness(newest: int, spec: dict, today: datetime | None = None) -> str | None:
    """A warning when a table's newest period is older than expected (this year - spec['lag'])."""
    today = today or datetime.now(timezone.utc)
    expected = today.year - spec.get("lag", 1)
    if newest < expected:
        table = spec.get("table") or spec.get("dataset")
        return (f"{table}: the newest period is {newest}, older than expected ({expected} or later by "
                f"{today:%Y-%m-%d}): the table may have stopped or been replaced (CBS is moving to SBI 2025) "
                "- check the source and configure its successor in download.TABLES")
    return None


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
    years = sorted(int(y) for y in _years_of(body.decode("utf-8-sig")))
    info = {"origin": "downloaded", "source": "Eurostat dissemination API, SDMX 3.0 (SDMX-CSV 2.0, labels)",
            "table": spec["dataset"], "urls": [url], "downloaded_utc": _utc_now(), "rows": counted["rows"],
            "years": years}
    stale = staleness(years[-1], spec) if years else None
    if stale:
        info["warnings"] = [stale]
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


def _years_of(text: str) -> set:
    reader = csv.DictReader(io.StringIO(text))
    column = "jaar" if "jaar" in (reader.fieldnames or []) else "TIME_PERIOD"
    return {row[column] for row in reader if row.get(column)}


def _years(path: Path) -> set:
    return _years_of(path.read_text(encoding="utf-8-sig"))


# Files of the snapshot in use that `make data` does not download, and why (manifest 'reason').
NOT_DOWNLOADED = {
    "geo/": "PDOK/CBS boundaries and region table: not re-downloaded by `make data`",
    "cbs/kerncijfers_gemeente_2023.csv": "Kerncijfers wijken en buurten 2023 (85618NED, via PDOK): "
                                         "not re-downloaded by `make data`",
    "cbs/bedrijven_grootteklasse_nl.csv": "81588NED (enterprises by size class): not re-downloaded by `make data`",
    "eurostat/isoc_e_diin2_eu27.csv": "a tidy transcription of isoc_e_diin2 (EU27 only, see README): "
                                      "not re-downloaded by `make data` (it downloads the raw isoc_e_diin2.csv)",
}
# The source table of every file of a snapshot (manifest 'tables').
FILE_TABLES = {name: spec.get("table") or spec.get("dataset") for name, spec in TABLES.items()} | {
    "cbs/kerncijfers_gemeente_2023.csv": "85618NED", "cbs/bedrijven_grootteklasse_nl.csv": "81588NED",
    "eurostat/isoc_e_diin2_eu27.csv": "isoc_e_diin2"}


def _original_source(previous: Path, name: str, previous_manifest: dict) -> str:
    """Where a copied file first came from, following the manifests of earlier snapshots."""
    entry = previous_manifest.get(name) or {}
    if entry.get("origin") == "copied":
        return entry.get("original_source") or entry.get("copied_from", "")
    if entry.get("origin") == "downloaded":
        return f"downloaded {entry.get('downloaded_utc', '?')} from {(entry.get('urls') or ['?'])[0]}"
    if entry.get("origin") == "seed":
        return entry.get("source", "the seed snapshot (see its README)")
    return f"{previous.name}/{name} (a snapshot without manifest, e.g. the shared mirror; see its README)"


def _rel(path: Path) -> str:
    """A path as the manifest records it: relative to the repository when inside it, else absolute."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(paths.REPO_ROOT))
    except ValueError:
        return str(path)


def tables_section(files: dict, previous_tables: dict | None = None) -> dict:
    """Manifest 'tables': per source table its files and the status of every period it has figures for.

    Format (documented in the snapshot README, section "manifest.json"):
    {"81575NED": {"files": [...], "periods": {"2024": "Definitief", "2025": "Voorlopig"}}, ...};
    a period's status is null when it is not recorded (e.g. in the seed snapshot).
    """
    previous_tables = previous_tables or {}
    out: dict = {}
    for name, info in sorted(files.items()):
        table = info.get("table") or FILE_TABLES.get(name)
        if not table:
            continue
        entry = out.setdefault(table, {"files": [], "periods": {}})
        entry["files"].append(name)
        if info.get("origin") == "downloaded":
            for year, status in (info.get("periods") or {str(y): None for y in info.get("years", [])}).items():
                if entry["periods"].get(year) is None:
                    entry["periods"][year] = status
        else:  # a copied file keeps what the previous snapshot said about its table
            for year, status in ((previous_tables.get(table) or {}).get("periods") or {}).items():
                entry["periods"].setdefault(year, status)
    for entry in out.values():
        entry["periods"] = dict(sorted(entry["periods"].items()))
    return out


def write_snapshot(results: list[Result], previous: Path, home: Path, *, log=print) -> Path:
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
        previous_full = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))
        previous_manifest = previous_full.get("files", {})
    except (OSError, ValueError, AttributeError):
        previous_full, previous_manifest = {}, {}  # e.g. the shared mirror, which has no manifest
    home.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{stamp}-", dir=home))
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
            info = {"origin": "copied", "copied_from": _rel(source),
                    "reason": next((why for prefix, why in NOT_DOWNLOADED.items() if name.startswith(prefix)),
                                   "not downloaded by `make data`") + "; copied unchanged from the snapshot in use",
                    "original_source": _original_source(previous, name, previous_manifest)}
            if name in FILE_TABLES:
                info["table"] = FILE_TABLES[name]
            if name.endswith(".csv"):
                with target.open(encoding="utf-8") as handle:
                    info["rows"] = max(sum(1 for _ in handle) - 1, 0)
            files[name] = info
        for document in DOCUMENTS:  # the contract and the licences travel with the data
            if (previous / document).is_file():
                shutil.copyfile(previous / document, tmp / document)
        for name in files:
            files[name]["sha256"] = _sha256(tmp / name)
            # the new snapshot must cover at least the years of the one in use
            if name in previous_sums and name.endswith(".csv") and files[name]["origin"] == "downloaded":
                lost = _years(previous / name) - _years(tmp / name)
                if lost:
                    raise DownloadError(f"the download lacks year(s) {', '.join(sorted(lost))} that the snapshot "
                                        f"in use has", file=name, table=files[name].get("table"))
        write_checksums(tmp, files)
        warnings = [w for info in files.values() for w in info.get("warnings", [])]
        changes = compare_snapshots(previous, tmp)
        manifest = {"format": 2, "created_utc": _utc_now(), "made_by": "mkbbook.download (make data)",
                    "previous_snapshot": previous.name if previous.parent.resolve() == home.resolve()
                    else _rel(previous),
                    "note": "SHA256SUMS lists the data files; README.md, LICENCES.md, CHANGES.md and this "
                            "manifest are not listed in it.",
                    "tables": tables_section(files, previous_full.get("tables")),
                    "warnings": warnings,
                    "changes": changes,
                    "files": dict(sorted(files.items()))}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        try:
            mirror.validate(tmp)
        except DataError as exc:
            raise DownloadError(f"the new snapshot does not pass the data contract: {exc}") from None
        final = home / stamp
        suffix = 1
        while final.exists():
            suffix += 1
            final = home / f"{stamp}-{suffix}"
        (tmp / CHANGES).write_text(changes_markdown(changes, previous.name, final.name, warnings), encoding="utf-8")
        os.rename(tmp, final)
        pointer = home / paths.POINTER
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
        return (home / paths.POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None


# --- What changed between two snapshots -----------------------------------------------------

VALUE_COLUMNS = {"eurostat/": "OBS_VALUE"}
EXAMPLES = 10  # revised figures listed per file


def _table(path: Path, key: list, value: str) -> dict:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return {tuple(row.get(k, "") for k in key): row.get(value, "") for row in reader}


def _key_and_value(name: str) -> tuple[list, str] | None:
    contract = mirror.CONTRACTS.get(name)
    if contract is None or not name.endswith(".csv"):
        return None
    value = VALUE_COLUMNS.get(name.split("/")[0] + "/") or next(
        (c for c in contract.columns if c not in contract.key and c in contract.counts), None)
    return (list(contract.key), value) if value else None


def compare_snapshots(old: Path, new: Path) -> dict:
    """Per file: added, removed or changed; for contract CSVs new/removed years, added/removed rows, revisions."""
    old_sums, new_sums = mirror.read_checksums(old), mirror.read_checksums(new)
    out: dict = {}
    for name in sorted(set(old_sums) | set(new_sums)):
        if name not in old_sums:
            out[name] = {"status": "added", "years": sorted(_years(new / name)) if name.endswith(".csv") else []}
            continue
        if name not in new_sums:
            out[name] = {"status": "removed"}
            continue
        if old_sums[name] == new_sums[name]:
            out[name] = {"status": "unchanged"}
            continue
        entry: dict = {"status": "changed"}
        shape = _key_and_value(name)
        if shape:
            key, value = shape
            before, after = _table(old / name, key, value), _table(new / name, key, value)
            year_at = key.index("jaar") if "jaar" in key else key.index("TIME_PERIOD")
            years_before = {k[year_at] for k in before}
            years_after = {k[year_at] for k in after}
            revised = [(k, before[k], after[k]) for k in sorted(set(before) & set(after))
                       if _differs(before[k], after[k])]
            entry.update({
                "new_years": sorted(years_after - years_before), "dropped_years": sorted(years_before - years_after),
                "rows_added": len(set(after) - set(before)), "rows_removed": len(set(before) - set(after)),
                "revised": len(revised),
                "revised_examples": [{"key": dict(zip(key, k)), "old": o, "new": n} for k, o, n in revised[:EXAMPLES]],
            })
        out[name] = entry
    return out


def _differs(a: str, b: str) -> bool:
    try:
        return float(a) != float(b)
    except ValueError:
        return a != b


def changes_markdown(changes: dict, old: str, new: str, warnings=()) -> str:
    """The change report (CHANGES.md of a new snapshot, and what `make data` prints)."""
    lines = [f"# Changes from snapshot {old} to {new}", ""]
    changed = {n: c for n, c in changes.items() if c["status"] != "unchanged"}
    if not changed:
        lines.append("No file changed.")
    for name, c in changed.items():
        if c["status"] != "changed" or "revised" not in c:
            extra = f" (years {', '.join(c['years'])})" if c.get("years") else ""
            lines.append(f"- `{name}`: {c['status']}{extra}")
            continue
        parts = []
        if c["new_years"]:
            parts.append(f"new year(s) {', '.join(c['new_years'])}")
        if c["dropped_years"]:
            parts.append(f"year(s) no longer present {', '.join(c['dropped_years'])}")
        parts.append(f"{c['rows_added']} row(s) added, {c['rows_removed']} removed, {c['revised']} figure(s) revised")
        lines.append(f"- `{name}`: " + "; ".join(parts))
        for example in c["revised_examples"]:
            key = ", ".join(f"{k}={v}" for k, v in example["key"].items())
            lines.append(f"    - {key}: {example['old']} → {example['new']}")
        if c["revised"] > len(c["revised_examples"]):
            lines.append(f"    - … and {c['revised'] - len(c['revised_examples'])} more (manifest.json, 'changes')")
    unchanged = [n for n, c in changes.items() if c["status"] == "unchanged"]
    if unchanged:
        lines += ["", f"Unchanged: {len(unchanged)} file(s)."]
    if warnings:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in warnings]
    return "\n".join(lines) + "\n"


def cbs_api(choice: str | None = None) -> str:
    """The CBS API in use: the argument, else $MKB_CBS_API, else CBS_API."""
    api = (choice or os.environ.get(CBS_API_ENV) or CBS_API).strip().lower()
    if api not in ("v3", "v4"):
        raise DownloadError(f"unknown CBS API {api!r} (choose v3 or v4: CBS_API in src/mkbbook/download.py, "
                            f"${CBS_API_ENV} or --cbs-api)")
    return api


def refresh(*, cbs_url: str | None = None, eurostat_url: str | None = None, home: Path | None = None,
            previous: Path | None = None, policy: RetryPolicy | None = None, tables: dict | None = None,
            api: str | None = None, log=print) -> Path:
    """Download every table of ``TABLES`` and make the result the snapshot in use; return its folder.

    ``cbs_url`` / ``eurostat_url`` default to $MKB_CBS_ODATA_URL / $MKB_EUROSTAT_URL, else the
    public APIs (the v3 or v4 address, after ``api`` = :func:`cbs_api`). ``home`` defaults to
    <repo>/snapshots, ``previous`` to the snapshot in use (:func:`mkbbook.paths.mirror_dir`).
    Raises DownloadError; then nothing has changed.
    """
    api = cbs_api(api)
    default_cbs = DEFAULT_CBS_V4_URL if api == "v4" else DEFAULT_CBS_URL
    cbs = (cbs_url or os.environ.get(CBS_URL_ENV) or default_cbs).rstrip("/")
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
        log(f"[mkbbook] data: {name} ← {spec['source']} {spec.get('table') or spec.get('dataset')}"
            + (f" (OData {api})" if spec["source"] == "cbs" else ""))
        if spec["source"] == "cbs":
            results.append(fetch_cbs(name, spec, session, cbs, cache, api=api))
        elif spec["source"] == "eurostat":
            results.append(fetch_eurostat(name, spec, session, estat))
        else:
            raise DownloadError(f"unknown source {spec['source']!r} in download.TABLES", file=name)
        for warning in results[-1].info.get("warnings", []):
            log(f"[mkbbook] WARNING: {warning}")
    return write_snapshot(results, Path(previous), home, log=log)


# --- Command line (`python -m mkbbook data`, `make data`) -----------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = RetryPolicy()
    parser.add_argument("--attempts", type=int, default=defaults.attempts, help="tries per URL")
    parser.add_argument("--timeout", type=float, default=defaults.timeout, help="seconds per try")
    parser.add_argument("--max-time", type=float, default=defaults.max_seconds, help="seconds for everything")
    parser.add_argument("--cbs-api", choices=("v3", "v4"), default=None,
                        help=f"CBS OData API (default: ${CBS_API_ENV}, else {CBS_API})")
    parser.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), default=None,
                        help="only print what changed between two snapshot folders")


def in_use() -> str:
    """Which snapshot the book reads now, in words."""
    try:
        return str(paths.mirror_dir())
    except DataError as exc:
        return f"none ({exc.problem})"


def run(args: argparse.Namespace) -> int:
    """`mkbbook data`: 0 when the new snapshot is in use, 1 (previous one kept) otherwise."""
    if getattr(args, "compare", None):
        old, new = (Path(p) for p in args.compare)
        try:
            print(changes_markdown(compare_snapshots(old, new), old.name, new.name), end="")
        except DataError as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
            return 1
        return 0
    before = in_use()
    policy = RetryPolicy(attempts=max(args.attempts, 1), timeout=args.timeout, max_seconds=args.max_time)
    try:
        path = refresh(policy=policy, api=getattr(args, "cbs_api", None))
    except DownloadError as exc:
        print(f"\nERROR: `make data` failed: {exc}\nNothing changed: the book keeps using {before}", file=sys.stderr)
        return 1
    print((path / CHANGES).read_text(encoding="utf-8"))
    print(f"[mkbbook] data: new snapshot {path} is in use (pointer {path.parent / paths.POINTER}); "
          f"see its manifest.json and CHANGES.md")
    if path.parent.resolve() == paths.SNAPSHOT_HOME.resolve():
        print("[mkbbook] data: review with `git status snapshots/` and the report above, build and test "
              "(`make book`, `make test`), then publish the refresh: "
              f"`git add snapshots/{path.name} snapshots/{paths.POINTER} && git commit` "
              "(remove the previous snapshot folder with `git rm -r` once it is no longer needed)")
    if os.environ.get(paths.MIRROR_ENV):
        print(f"[mkbbook] note: {paths.MIRROR_ENV} is set and overrides the pointer; unset it to use the new "
              "snapshot", file=sys.stderr)
    return 0


# --- The seed snapshot (the repository's first, copied from the shared data mirror) --------

SEED_SOURCE = ("the shared data mirror (assembled from public copies of the official CBS OData, Eurostat "
               "and PDOK downloads; see README.md, 'Provenance'), copied whole into the repository")


def seed_manifest(root: Path, *, created_utc: str, source: str = SEED_SOURCE) -> dict:
    """The manifest of a snapshot that was not written by `make data` (the embedded seed).

    Period statuses are not recorded in the seed (null): the mirror README's rule applies (the latest
    birth years are provisional unless a download says they are final).
    """
    root = Path(root)
    files = {}
    for name, digest in sorted(mirror.read_checksums(root).items()):
        info = {"origin": "seed", "source": source, "sha256": digest}
        if name in FILE_TABLES:
            info["table"] = FILE_TABLES[name]
        if name.endswith(".csv"):
            text = (root / name).read_text(encoding="utf-8-sig")
            info["rows"] = max(text.count("\n") - 1, 0)
            try:
                info["years"] = sorted(int(y) for y in _years_of(text) if str(y).isdigit())
            except (KeyError, ValueError):
                pass
        files[name] = info
    return {"format": 2, "created_utc": created_utc, "made_by": "seed (copy of the shared data mirror)",
            "previous_snapshot": None,
            "note": "SHA256SUMS lists the data files; README.md, LICENCES.md and this manifest are not listed in "
                    "it. Period statuses are null: not recorded in the seed.",
            "tables": tables_section({n: dict(i, origin="downloaded", periods=None) if i.get("years") else i
                                      for n, i in files.items()}),
            "warnings": [], "changes": {}, "files": files}
