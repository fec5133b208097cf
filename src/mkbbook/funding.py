"""The register of funding routes (data/funding.yml): regulations and funds from which mkb
digitalisation in the region can be (co-)financed, for recommendation 5.

Each record names the route, who provides it, what it funds, for whom, its status as of the date
it was checked, an amount where the sources give one, and its sources. :func:`table` gives the
table the book shows, :func:`facts` the numbers the recommendations compose.

Fact keys of :func:`facts` (raw values):
  n_routes          number of routes in the register
  routes            names of all routes, register order
  routes_usable     names of routes with status 'open' or 'loopt' (can be used now)
  routes_rejected   names of routes with status 'afgewezen'
  n_secondary       routes whose record still rests on secondary sources only
  n_stale           routes checked more than ``stale_after_days`` before ``as_of`` (when given)
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pandas as pd

from .dutch import fmt_date
from .errors import DataError
from .paths import DATA_DIR
from .result import Md, Table, link
from .schema import Field, load_register

FUNDING_FILE = DATA_DIR / "funding.yml"
LEVELS = ("EU", "Rijk", "provincie", "regio", "gemeente")
STATUSES = {"open": "open: aanvragen kan", "loopt": "loopt", "gesloten": "gesloten",
            "afgewezen": "afgewezen", "onbekend": "onbekend"}
USABLE = ("open", "loopt")

FIELDS = [
    Field("id", "str", True, help="a unique id of lower-case letters, digits and '-'"),
    Field("name", "str", True, help="the name of the regulation or fund"),
    Field("provider", "str", True, help="who provides or runs it"),
    Field("level", "str", True, frozenset(LEVELS), help="the government level it comes from"),
    Field("funds", "str", True, help="what it funds, in Dutch, as the sources say"),
    Field("for_whom", "str", True, help="who can use it"),
    Field("status", "str", True, frozenset(STATUSES), help="open, loopt, gesloten, afgewezen or onbekend"),
    Field("period", "str", help="when it runs or ran, e.g. '2021–2027'"),
    Field("amount", "str", help="the budget or amount the sources give, in words"),
    Field("relevance", "str", True, help="why it matters for mkb digitalisation (one or two sentences)"),
    Field("sources", "url_list", True, help="the https addresses of the sources, the primary one first"),
    Field("checked", "date", True, help="date the record was last checked, YYYY-MM-DD"),
    Field("certainty", "str", True, frozenset({"bevestigd", "onzeker"}),
          help="bevestigd, or onzeker when a fact is uncertain or inferred"),
    Field("source_quality", "str", True, frozenset({"primair", "secundair"}),
          help="primair when the official document or the organisation's own page is the first source"),
]


def _check_https(path, rid, record):
    for url in record["sources"]:
        if not url.startswith("https://") or not urlsplit(url).hostname:
            raise DataError(path, f"{url!r} is not an https address with a host", record=rid, field="sources",
                            fix="use the full https:// address of the source")


def load_funding(path=FUNDING_FILE) -> pd.DataFrame:
    """Read and validate the funding register; one row per route (register order).

    Raises DataError naming file, record and field for any problem, and for an empty register.
    ``checked`` becomes 'YYYY-MM-DD'; missing period and amount become ''.
    """
    records = load_register(path, FIELDS, checks=[_check_https])
    if not records:
        raise DataError(path, "the register holds no records", fix="restore data/funding.yml from git")
    df = pd.DataFrame(records, columns=[f.name for f in FIELDS])
    df["checked"] = df["checked"].astype(str)
    for column in ("period", "amount"):
        df[column] = [v if isinstance(v, str) else "" for v in df[column]]
    for column in ("funds", "for_whom", "relevance", "amount"):
        df[column] = df[column].map(lambda t: " ".join(str(t).split()))
    return df


def stale(df: pd.DataFrame, as_of: dt.date, days: int = 365) -> pd.Series:
    """True for routes checked more than ``days`` before ``as_of`` (their status may have changed)."""
    checked = pd.to_datetime(df["checked"]).dt.date
    return checked.map(lambda d: (as_of - d).days > days).astype(bool)


def facts(df: pd.DataFrame, as_of: dt.date | None = None, days: int = 365) -> dict:
    """The raw numbers the recommendations compose; keys in the module docstring."""
    out = {
        "n_routes": len(df),
        "routes": df["name"].tolist(),
        "routes_usable": df.loc[df["status"].isin(USABLE), "name"].tolist(),
        "routes_rejected": df.loc[df["status"] == "afgewezen", "name"].tolist(),
        "n_secondary": int((df["source_quality"] == "secundair").sum()),
    }
    if as_of is not None:
        out["n_stale"] = int(stale(df, as_of, days).sum())
    return out


def _sources(urls) -> Md:
    return Md(" ".join(link(str(i), u) for i, u in enumerate(urls, start=1)))


def table(df: pd.DataFrame | None = None, as_of: dt.date | None = None, days: int = 365) -> Table:
    """The funding routes as a table for the book (text escaped; links built by ``link``)."""
    df = load_funding() if df is None else df
    old = stale(df, as_of, days) if as_of is not None else pd.Series(False, index=df.index)
    status = [STATUSES[s] + (f" (gecontroleerd {fmt_date(c)}; mogelijk verouderd)" if o else f" (gecontroleerd {fmt_date(c)})")
              for s, c, o in zip(df["status"], df["checked"], old)]
    shown = pd.DataFrame({
        "Route": [n + (" (alleen secundaire bronnen)" if q == "secundair" else "")
                  for n, q in zip(df["name"], df["source_quality"])],
        "Wat wordt betaald": [f + (f" Bedrag: {a}." if a else "") for f, a in zip(df["funds"], df["amount"])],
        "Voor wie": df["for_whom"],
        "Status": status,
        "Bronnen": df["sources"].map(_sources),
    })
    data = df.assign(sources=df["sources"].map(" ; ".join), stale=old.to_numpy())
    n_secondary = int((df["source_quality"] == "secundair").sum())
    note = ("De status is die op de datum van controle. "
            + (f"{n_secondary} van de {len(df)} routes {'rust' if n_secondary == 1 else 'rusten'} nog alleen "
               "op secundaire bronnen "
               "(nieuws- of netwerkpagina's). " if n_secondary else "")
            + "Bedragen zoals de bronnen ze noemen; ze zijn niet opgeteld.")
    return Table(shown, data, caption="Financieringsroutes voor de digitalisering van het mkb",
                 source=f"register van financieringsroutes, `data/funding.yml` ({len(df)} routes; "
                        "de webadressen staan per route in de tabel en in de CSV).",
                 note=note)
