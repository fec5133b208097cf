"""Eurostat SDMX-CSV 2.0 files (with labels) → tidy frames; DII and AI series; gaps to targets.

The mirror keeps the raw downloads (``eurostat/isoc_e_dii.csv``, ``eurostat/isoc_eb_ai.csv``).
In those files every code column (``indic_is``, ``size_emp``, ``geo`` …) is followed by a
column with its English label. The Digital Intensity Index (DII) changes its variable set
between survey years (version 3 in odd years, version 4 in even years), so values of
different versions are different series: they are kept apart by ``dii_version`` and
``series`` and must never be joined into one line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .errors import DataError

# Code columns the reader needs (OBS_FLAG may be empty but the column must be there).
REQUIRED = ("indic_is", "size_emp", "nace_r2", "unit", "geo", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG")
# Other id columns of the format: never mistaken for a label column.
_ID_COLUMNS = set(REQUIRED) | {"STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "freq", "CONF_STATUS"}

# Size classes (persons employed) and their Dutch labels, in display order.
SIZE_LABELS = {
    "10-49": "klein (10-49)",
    "50-249": "middelgroot (50-249)",
    "GE250": "groot (250+)",
    "10-249": "mkb (10-249)",
    "GE10": "alle bedrijven (10+)",
}
SME_SIZE_CLASSES = ("10-49", "50-249", "GE250", "10-249")
GEOS = ("NL", "EU27_2020")

# Indicator names as written in the targets of data/policies.yml (tests keep them in step).
IND_DII_BASIC = "mkb met ten minste basisniveau digitale intensiteit"
IND_CLOUD_AI_BIGDATA = "bedrijven die cloud, AI of big data gebruiken"
GAP_INDICATORS = (IND_DII_BASIC, IND_CLOUD_AI_BIGDATA)
# Area codes of the policy register → Eurostat geo codes.
GEO_OF_AREA = {"EU": "EU27_2020", "NL": "NL"}


def _source(df: pd.DataFrame) -> str:
    return df.attrs.get("path", "Eurostat data")


def read_sdmx_csv(path) -> pd.DataFrame:
    """Read a raw Eurostat SDMX-CSV 2.0 file (labels included) into a tidy frame.

    Columns: indicator, indicator_label, size_emp, size_emp_label, nace_r2, unit,
    geo, geo_label, year (int), value (float; missing when OBS_VALUE is empty),
    flag (Eurostat flag such as 'b' break, 'u' low reliability, 'd' definition
    differs; 'c' is added when CONF_STATUS marks the value confidential; missing
    when there is none). Label columns are missing values when the file has no labels.
    Raises DataError when the file is absent, a required column is missing, or a
    year or value is not a number.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(path, "file not found",
                        fix="check MKB_DATA_MIRROR or download the Eurostat table again")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(path, f"not a readable CSV file: {exc}",
                        fix="download the table again as SDMX-CSV 2.0") from None
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise DataError(path, f"required column(s) missing: {', '.join(missing)}",
                        field=missing[0],
                        fix="download the table as SDMX-CSV 2.0 (Eurostat API, format=csvdata) "
                            f"so that it has the columns {', '.join(REQUIRED)}")

    columns = list(raw.columns)

    def label_of(code: str) -> pd.Series:
        # In the labelled format the label column directly follows its code column.
        i = columns.index(code)
        if i + 1 < len(columns) and columns[i + 1] not in _ID_COLUMNS:
            return raw[columns[i + 1]].str.strip().replace("", pd.NA)
        return pd.Series(pd.NA, index=raw.index, dtype="object")

    def numbers(column: str, what: str) -> pd.Series:
        text = raw[column].str.strip()
        parsed = pd.to_numeric(text.where(text != "", None), errors="coerce")
        bad = (text != "") & parsed.isna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            line = row + 2  # header is line 1
            raise DataError(path, f"{column} {text.iloc[row]!r} on line {line} is not {what}",
                            record=f"line {line}", field=column,
                            fix="use a decimal point and leave missing values empty "
                                "(the raw Eurostat download does both)")
        return parsed

    value = numbers("OBS_VALUE", "a number")
    year = numbers("TIME_PERIOD", "a year")
    if year.isna().any() or (year % 1 != 0).any():
        row = int((year.isna() | (year % 1 != 0)).to_numpy().nonzero()[0][0])
        raise DataError(path, f"TIME_PERIOD {raw['TIME_PERIOD'].iloc[row]!r} on line {row + 2} "
                              "is not an annual period", record=f"line {row + 2}", field="TIME_PERIOD",
                        fix="the reader expects annual data (freq A)")

    flag = raw["OBS_FLAG"].str.strip()
    if "CONF_STATUS" in raw.columns:
        flag = flag + raw["CONF_STATUS"].str.strip().str.lower()
    out = pd.DataFrame({
        "indicator": raw["indic_is"].str.strip(),
        "indicator_label": label_of("indic_is"),
        "size_emp": raw["size_emp"].str.strip(),
        "size_emp_label": label_of("size_emp"),
        "nace_r2": raw["nace_r2"].str.strip(),
        "unit": raw["unit"].str.strip(),
        "geo": raw["geo"].str.strip(),
        "geo_label": label_of("geo"),
        "year": year.astype(int),
        "value": value.astype(float),
        "flag": flag.replace("", pd.NA),
    })
    out.attrs["path"] = str(path)
    return out


def dii_version(indicator: str, label, year: int, source="Eurostat data") -> int:
    """The DII version of one row: from the code (E_DI3_…) or label ('DII Version 4').

    Only when neither says it, fall back to the survey rule (2021 onwards: odd year
    v3, even year v4). Code and label that disagree raise DataError.
    """
    m = re.match(r"E_DI(\d+)_", indicator or "")
    from_code = int(m.group(1)) if m else None
    m = re.search(r"version\s*(\d+)", label if isinstance(label, str) else "", re.IGNORECASE)
    from_label = int(m.group(1)) if m else None
    if from_code and from_label and from_code != from_label:
        raise DataError(source, f"indicator {indicator} says DII v{from_code} but its label says "
                                f"v{from_label}", field="indic_is", fix="download the table again")
    version = from_code or from_label
    if version is None:
        if year < 2021:
            raise DataError(source, f"cannot tell the DII version of {indicator} in {year}",
                            field="indic_is", fix="use the E_DI<version>_ indicator codes")
        version = 3 if year % 2 else 4
    return version


def _select(df: pd.DataFrame, rows: pd.Series, geos, size_classes) -> pd.DataFrame:
    out = df[rows & df["geo"].isin(geos) & df["size_emp"].isin(size_classes)].copy()
    out["size_label"] = out["size_emp"].map(SIZE_LABELS).fillna(out["size_emp"])
    out["_geo_order"] = out["geo"].map({g: i for i, g in enumerate(geos)})
    out["_size_order"] = out["size_emp"].map({s: i for i, s in enumerate(size_classes)})
    return out


def digital_intensity(df: pd.DataFrame, geos=GEOS, size_classes=SME_SIZE_CLASSES) -> pd.DataFrame:
    """Share of enterprises with at least basic digital intensity, per geo, size class and year.

    ``df`` is :func:`read_sdmx_csv` of isoc_e_dii. Keeps the at-least-basic indicators
    (codes ending in _GELO) for ``geos`` and ``size_classes`` (default 10-49, 50-249,
    GE250 and 10-249 = SMEs). Columns: geo, geo_label, size_emp, size_label, year,
    dii_version, indicator, value, flag, series. ``series`` names size class and DII
    version, so a chart drawn per series never joins v3 and v4 values.
    """
    basic = df["indicator"].str.endswith("_GELO") | df["indicator_label"].fillna("").str.contains(
        "at least basic", case=False)
    out = _select(df, basic, geos, size_classes)
    source = _source(df)
    out["dii_version"] = [dii_version(i, lab, y, source) for i, lab, y in
                          zip(out["indicator"], out["indicator_label"], out["year"])]
    out["series"] = out["size_label"] + ", DII v" + out["dii_version"].astype(str)
    out = out.sort_values(["_geo_order", "_size_order", "year"])
    columns = ["geo", "geo_label", "size_emp", "size_label", "year", "dii_version",
               "indicator", "value", "flag", "series"]
    return out[columns].reset_index(drop=True)


def ai_use(df: pd.DataFrame, geos=GEOS, indicators=("E_AI_TANY",), size_classes=("GE10",)) -> pd.DataFrame:
    """AI use per geo and year from :func:`read_sdmx_csv` of isoc_eb_ai.

    Default indicator E_AI_TANY: enterprises using at least one AI technology; the
    mirror has only enterprises with 10 or more persons employed (GE10) for 2025.
    Columns: geo, geo_label, size_emp, size_label, year, indicator, indicator_label,
    value, flag.
    """
    out = _select(df, df["indicator"].isin(indicators), geos, size_classes)
    out = out.sort_values(["indicator", "_geo_order", "_size_order", "year"])
    columns = ["geo", "geo_label", "size_emp", "size_label", "year", "indicator",
               "indicator_label", "value", "flag"]
    return out[columns].reset_index(drop=True)


def latest_dii_basic(dii: pd.DataFrame, size_emp: str = "10-249", version: int | None = None) -> pd.DataFrame:
    """Latest non-missing at-least-basic DII value per geo, shaped for :func:`target_gaps`.

    ``dii`` is :func:`digital_intensity`. ``version`` (3 or 4) restricts to one DII
    version; by default the latest year of any version. Columns: indicator
    (= IND_DII_BASIC), geo, year, value, dii_version, source.
    """
    rows = dii[(dii["size_emp"] == size_emp) & dii["value"].notna()]
    if version is not None:
        rows = rows[rows["dii_version"] == version]
    latest = rows.sort_values("year").groupby("geo", sort=False).tail(1).copy()
    latest["indicator"] = IND_DII_BASIC
    latest["source"] = ("Eurostat isoc_e_dii, " + latest["size_emp"] + " werkzame personen, DII v"
                        + latest["dii_version"].astype(str))
    return latest[["indicator", "geo", "year", "value", "dii_version", "source"]].reset_index(drop=True)


def target_gaps(latest: pd.DataFrame, targets: pd.DataFrame, indicators=GAP_INDICATORS) -> pd.DataFrame:
    """Distance between each target and the latest measured value, in percentage points.

    ``targets`` is :func:`mkbbook.policies.targets_table` (target values come from
    data/policies.yml); only targets whose indicator is in ``indicators`` are kept,
    and their area (EU → EU27_2020, NL → NL) is matched to ``latest`` (columns
    indicator, geo, year, value, source; e.g. :func:`latest_dii_basic`). gap_pp =
    target − latest (positive: still to go); missing when there is no measurement.
    One target per indicator and area: when several documents set it (the Digital Compass
    and Decision (EU) 2022/2481), the most recently adopted one counts, as in
    :func:`mkbbook.policies.target`.
    Columns: policy_id, indicator, population, geo, target_value, target_year,
    latest_value, latest_year, source, gap_pp.
    """
    for name, frame, need in (("latest", latest, ("indicator", "geo", "year", "value", "source")),
                              ("targets", targets, ("policy_id", "indicator", "applies_to", "value",
                                                    "target_year", "population"))):
        missing = [c for c in need if c not in frame.columns]
        if missing:
            raise DataError(name, f"column(s) missing: {', '.join(missing)}",
                            fix=f"pass a frame with the columns {', '.join(need)}")
    if latest.duplicated(["indicator", "geo"]).any():
        raise DataError("latest", "more than one latest value for an indicator and geo",
                        fix="keep one row per indicator and geo (e.g. latest_dii_basic)")
    chosen = targets[targets["indicator"].isin(indicators)].copy()
    if "year_adopted" in chosen.columns:
        chosen = chosen.sort_values("year_adopted", kind="stable")
    chosen = chosen.drop_duplicates(["indicator", "applies_to"], keep="last")
    chosen = chosen.sort_index()
    chosen["geo"] = chosen["applies_to"].map(GEO_OF_AREA)
    chosen = chosen.rename(columns={"value": "target_value"})
    measured = latest[["indicator", "geo", "year", "value", "source"]].rename(
        columns={"value": "latest_value", "year": "latest_year"})
    out = chosen.merge(measured, on=["indicator", "geo"], how="left")
    out["latest_year"] = out["latest_year"].astype("Int64")
    out["gap_pp"] = (out["target_value"] - out["latest_value"]).round(2)
    columns = ["policy_id", "indicator", "population", "geo", "target_value", "target_year",
               "latest_value", "latest_year", "source", "gap_pp"]
    return out[columns].reset_index(drop=True)


# --- what the chapter "Beleidskaders vergeleken" shows ----------------------------------

GEO_NAMES = {"NL": "Nederland", "EU27_2020": "EU27"}
# The 27 member states since 2020 (Eurostat codes; Greece is EL).
EU27_MEMBERS = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
                "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")


def dii_series(dii: pd.DataFrame, size_emp: str = "10-249") -> pd.DataFrame:
    """One size class of :func:`digital_intensity` for a line chart: one series per geo and DII version.

    Columns: geo, geo_name (Dutch: Nederland, EU27), year, dii_version, year_label
    ('2021 (DII v3)'), value, flag and series ('Nederland, DII v3'). Rows without a value
    are dropped; geos in GEOS order, then version and year, so the series come out in a
    fixed order and a chart by year_label shows the versions as two separate groups.
    """
    rows = dii[(dii["size_emp"] == size_emp) & dii["value"].notna()].copy()
    rows["geo_name"] = rows["geo"].map(GEO_NAMES).fillna(rows["geo"])
    rows["series"] = rows["geo_name"] + ", DII v" + rows["dii_version"].astype(str)
    rows["year_label"] = rows["year"].astype(str) + " (DII v" + rows["dii_version"].astype(str) + ")"
    order = {g: i for i, g in enumerate(GEOS)}
    rows = rows.assign(_geo=rows["geo"].map(order).fillna(len(order)))
    rows = rows.sort_values(["_geo", "dii_version", "year"], kind="stable")
    columns = ["geo", "geo_name", "year", "dii_version", "year_label", "value", "flag", "series"]
    return rows[columns].reset_index(drop=True)


def dii_table(dii: pd.DataFrame) -> pd.DataFrame:
    """:func:`digital_intensity` as a wide table: one row per size class and geo, one column
    per survey year labelled with its DII version ('2021 (DII v3)'); the v3 years come
    first, then the v4 years, so the two versions stand apart. Values stay numbers
    (missing when Eurostat gives none). Columns: size_emp, size_label, geo, geo_name, then
    the year columns.
    """
    rows = dii.copy()
    rows["geo_name"] = rows["geo"].map(GEO_NAMES).fillna(rows["geo"])
    rows["year_label"] = rows["year"].astype(str) + " (DII v" + rows["dii_version"].astype(str) + ")"
    wide = rows.groupby(["size_emp", "size_label", "geo", "geo_name", "year_label"], sort=False)["value"] \
        .first().unstack("year_label")
    periods = rows.drop_duplicates("year_label").sort_values(["dii_version", "year"])["year_label"].tolist()
    wide = wide.reindex(columns=periods).reset_index()
    wide.columns.name = None
    sizes = {s: i for i, s in enumerate(SIZE_LABELS)}
    geos = {g: i for i, g in enumerate(GEOS)}
    wide = wide.assign(_s=wide["size_emp"].map(sizes).fillna(len(sizes)),
                       _g=wide["geo"].map(geos).fillna(len(geos)))
    return wide.sort_values(["_s", "_g"], kind="stable").drop(columns=["_s", "_g"]).reset_index(drop=True)


def eu_ranks(dii: pd.DataFrame, geo: str = "NL", size_emp: str = "10-249",
             members=EU27_MEMBERS) -> pd.DataFrame:
    """Rank of ``geo`` among the EU member states per year (1 = highest share).

    ``dii`` is :func:`digital_intensity` with (at least) the member states as geos. Only
    members with a value that year count; equal values share the best rank. Columns:
    year, dii_version, value, rank, members (how many were ranked). Years in which
    ``geo`` has no value are left out.
    """
    rows = dii[dii["geo"].isin(members) & (dii["size_emp"] == size_emp) & dii["value"].notna()]
    out = []
    for year, group in rows.groupby("year"):
        own = group[group["geo"] == geo]
        if own.empty:
            continue
        value = float(own["value"].iloc[0])
        out.append({"year": int(year), "dii_version": int(own["dii_version"].iloc[0]), "value": value,
                    "rank": int((group["value"] > value).sum()) + 1, "members": len(group)})
    return pd.DataFrame(out, columns=["year", "dii_version", "value", "rank", "members"])
