"""The policy register (data/policies.yml) and the curated CBS / monitoring figures.

Each record of the register is one document, from EU to municipality, with its themes and any
numeric targets the sources state. Records without a numeric target say so in
``no_numeric_target_note``. ``kind`` separates policy documents ('beleid') from monitoring reports
('monitoring'): only policy documents are counted (:func:`policy_documents`). ``themes_basis`` says
whether a theme missing from a record is absent ('volledige tekst') or only not found in the part of
the source that was read ('uittreksel'). ``source_quality`` marks records that still rest on
secondary sources ('secundair'); the first source of a 'primair' record is the official document or
the organisation's own page. ``checked`` is the date of the last check; :func:`stale` flags records
older than a year at the edition date.

Targets come from one place, :func:`target`: value, year and the population the target is measured
on, with the document and source it comes from (never type 95 % or 2030 a second time).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from .dutch import join_nl  # noqa: F401  (used here and by the policy chapter)
from .errors import DataError
from .paths import DATA_DIR
from .schema import Field, load_register

LEVELS = ("EU", "Rijk", "provincie", "regio", "gemeente")
KINDS = {"beleid": "beleidsdocument", "monitoring": "voortgangsrapport"}
STATUSES = ("geldend", "afgelopen", "gepubliceerd", "monitoring")
THEMES_BASIS = ("uittreksel", "volledige tekst")
AREA_CODES = frozenset({"PV26", "NL", "EU"})  # valid besides the municipality codes

# Theme codes → Dutch label and definition (order = display order).
THEMES: dict[str, dict[str, str]] = {
    "mkb_digitalisering": {
        "label": "Digitalisering mkb",
        "definition": "Beleid dat midden- en kleinbedrijven helpt digitale technologie in te voeren en te benutten.",
    },
    "digitale_vaardigheden": {
        "label": "Digitale vaardigheden",
        "definition": "Beleid voor de digitale kennis en vaardigheden van burgers en werkenden.",
    },
    "cybersecurity": {
        "label": "Cyberveiligheid",
        "definition": "Beleid dat bedrijven, burgers en overheid weerbaarder maakt tegen digitale dreigingen.",
    },
    "data_ai": {
        "label": "Gegevens en AI",
        "definition": "Beleid over het gebruik van gegevens, algoritmen en kunstmatige intelligentie.",
    },
    "innovatie": {
        "label": "Innovatie",
        "definition": "Beleid dat onderzoek, vernieuwing en samenwerking tussen bedrijven en kennisinstellingen stimuleert.",
    },
    "arbeidsmarkt": {
        "label": "Arbeidsmarkt",
        "definition": "Beleid voor de aansluiting tussen onderwijs, scholing van werkenden en de vraag van werkgevers.",
    },
    "digitale_infrastructuur": {
        "label": "Digitale infrastructuur",
        "definition": "Beleid voor snelle en betrouwbare netwerken zoals glasvezel, gigabitinternet en 5G.",
    },
}

TARGET_KEYS = {"indicator": "text", "value": "a number", "unit": "text", "target_year": "a year",
               "population": "text", "measured_on": "text", "mkb_digitalisation": "'ja' or 'nee'",
               "note": "text"}
TARGET_REQUIRED = ("indicator", "value", "unit", "target_year", "population", "mkb_digitalisation")
MIN_YEAR, MAX_ADOPTED, MAX_TARGET = 1990, 2030, 2050

FIELDS = [
    Field("id", "str", True, help="a unique id of lower-case letters, digits and '-'"),
    Field("title", "str", True, help="the document's title"),
    Field("issuer", "str", True, help="who adopted or published it"),
    Field("level", "str", True, frozenset(LEVELS), help="the government level"),
    Field("kind", "str", True, frozenset(KINDS),
          help="beleid (a policy document) or monitoring (a progress report: measures, sets no policy)"),
    Field("applies_to", "code_list", True,
          help="GMxxxx municipality codes, PV26, NL or EU for the area the document covers"),
    Field("year_adopted", "int", True, help="year of adoption or publication, e.g. 2022"),
    Field("period", "str", help="the period it covers, e.g. '2021–2030'"),
    Field("status", "str", True, frozenset(STATUSES),
          help="geldend, afgelopen, gepubliceerd (a letter or communication without its own period) "
               "or monitoring (for progress reports)"),
    Field("themes", "code_list", choices=frozenset(THEMES),
          help=f"theme codes from: {', '.join(THEMES)}"),
    Field("themes_basis", "str", True, frozenset(THEMES_BASIS),
          help="uittreksel (only part of the source was read: a missing theme was not found) or "
               "volledige tekst (the whole source was read: a missing theme is absent)"),
    Field("mkb_pillar", "str", help="the document's own pillar or chapter on mkb digitalisation, as the source names it"),
    Field("targets", "dict_list", help="list of mappings with " + ", ".join(TARGET_KEYS)),
    Field("no_numeric_target_note", "str",
          help="say explicitly that the sources give no numeric target (and what they do give)"),
    Field("summary", "str", True, help="one or two Dutch sentences in your own words"),
    Field("sources", "url_list", True, help="the https addresses of the sources (research section 6)"),
    Field("checked", "date", True, help="date the record was last checked, YYYY-MM-DD"),
    Field("certainty", "str", True, frozenset({"bevestigd", "onzeker"}),
          help="bevestigd, or onzeker when a fact is uncertain or inferred"),
    Field("source_quality", "str", True, frozenset({"primair", "secundair"}),
          help="primair when the official document or the organisation's own page is the first source; "
               "secundair when the record still rests on news, blogs, consultancies or sharing sites"),
]


def _check_targets(path, rid, record):
    """Exactly one of targets / no_numeric_target_note; each target complete and typed."""
    targets = record.get("targets") or []
    note = record.get("no_numeric_target_note")
    if bool(targets) == bool(note):
        problem = ("both targets and no_numeric_target_note are given" if targets
                   else "neither targets nor no_numeric_target_note is given")
        raise DataError(path, problem, record=rid, field="targets",
                        fix="give the numeric targets the sources state, or else a "
                            "no_numeric_target_note saying none were found (not both)")
    adopted = record.get("year_adopted")
    for n, target in enumerate(targets, start=1):
        where = f"targets[{n}]"

        def fail(problem, fix):
            raise DataError(path, problem, record=rid, field=where, fix=fix)

        for key in target:
            if key not in TARGET_KEYS:
                fail(f"unknown key {key!r}", f"use only: {', '.join(TARGET_KEYS)}")
        for key in TARGET_REQUIRED:
            if target.get(key) in (None, ""):
                fail(f"{key} is missing", f"give {key} as {TARGET_KEYS[key]}")
        value, year = target["value"], target["target_year"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            fail(f"value must be a number, got {value!r}", "write the number without % or text")
        if isinstance(year, bool) or not isinstance(year, int):
            fail(f"target_year must be a whole year, got {year!r}", "e.g. target_year: 2030")
        low = adopted if isinstance(adopted, int) else MIN_YEAR
        if not low <= year <= MAX_TARGET:
            fail(f"target_year {year} is outside {low}–{MAX_TARGET}",
                 "a target year lies between the year of adoption and 2050")
        for key in ("indicator", "unit", "population", "note"):
            if key in target and not isinstance(target[key], str):
                fail(f"{key} must be text, got {target[key]!r}", "put the text in quotes")
        if target["mkb_digitalisation"] not in ("ja", "nee"):
            fail(f"mkb_digitalisation must be 'ja' or 'nee', got {target['mkb_digitalisation']!r}",
                 "ja when the target is about digitalisation of (mkb) enterprises, else nee")


def _check_kind(path, rid, record):
    """A monitoring report has status 'monitoring' and no targets of its own; a policy document never
    has status 'monitoring'."""
    report = record.get("kind") == "monitoring"
    if report != (record.get("status") == "monitoring"):
        raise DataError(path, f"kind {record.get('kind')!r} does not fit status {record.get('status')!r}",
                        record=rid, field="status",
                        fix="a progress report has kind: monitoring and status: monitoring; a policy "
                            "document has kind: beleid and status geldend, afgelopen or gepubliceerd")
    if report and record.get("targets"):
        raise DataError(path, "a monitoring report has targets", record=rid, field="targets",
                        fix="put the targets in the policy document that sets them; give the report a "
                            "no_numeric_target_note with the values it measures")


def _check_year(path, rid, record):
    year = record["year_adopted"]
    if not MIN_YEAR <= year <= MAX_ADOPTED:
        raise DataError(path, f"year_adopted {year} is outside {MIN_YEAR}–{MAX_ADOPTED}",
                        record=rid, field="year_adopted", fix="give the year of adoption, e.g. 2022")


def _check_https(path, rid, record):
    for url in record["sources"]:
        if not url.startswith("https://") or not urlsplit(url).hostname:
            raise DataError(path, f"{url!r} is not an https address", record=rid, field="sources",
                            fix="use the https:// address of the source")


def _codes_check(valid_codes):
    def check(path, rid, record):
        for code in record["applies_to"]:
            if code not in valid_codes:
                raise DataError(path, f"unknown area code {code!r}", record=rid, field="applies_to",
                                fix="use a 2025 municipality code (GMxxxx), PV26, NL or EU")
    return check


def load_policies(path=DATA_DIR / "policies.yml", valid_codes=None) -> pd.DataFrame:
    """Read and validate the policy register; one row per document.

    ``valid_codes``: the allowed applies_to codes (default: the 2025 municipality
    codes of the mirror plus PV26, NL and EU). Raises DataError naming file, record
    and field for any problem. Lists (applies_to, themes, targets, sources) stay
    lists; missing themes/targets become empty lists; checked becomes 'YYYY-MM-DD'.
    """
    if valid_codes is None:
        from .geography import municipality_codes
        valid_codes = municipality_codes() | AREA_CODES
    checks = [_check_year, _check_https, _codes_check(frozenset(valid_codes)), _check_targets, _check_kind]
    records = load_register(path, FIELDS, checks=checks)
    if not records:
        raise DataError(path, "the register holds no records", fix="restore data/policies.yml from git")
    df = pd.DataFrame(records, columns=[f.name for f in FIELDS])
    for column in ("themes", "targets"):
        df[column] = [v if isinstance(v, list) else [] for v in df[column]]
    df["checked"] = df["checked"].astype(str)
    df["year_adopted"] = df["year_adopted"].astype(int)
    return df


def themes_table() -> pd.DataFrame:
    """The theme codes with their Dutch label and definition."""
    return pd.DataFrame([{"code": c, **v} for c, v in THEMES.items()])


def level_theme_matrix(df: pd.DataFrame) -> pd.DataFrame:
    """Number of documents per level (rows, EU → gemeente) and theme (columns); zeros shown."""
    counts = pd.DataFrame(0, index=pd.Index(LEVELS, name="level"), columns=list(THEMES))
    for level, themes in zip(df["level"], df["themes"]):
        for theme in set(themes):
            counts.loc[level, theme] += 1
    return counts


def _has_mkb_target(targets) -> bool:
    return any(t.get("mkb_digitalisation") == "ja" for t in targets)


def numeric_mkb_targets_by_level(df: pd.DataFrame) -> pd.DataFrame:
    """Per level: documents, documents with a numeric mkb-digitalisation target, and 'ja'/'nee'."""
    mkb = df["targets"].map(_has_mkb_target)
    out = pd.DataFrame({
        "documents": df.groupby("level").size(),
        "documents_with_mkb_target": mkb.groupby(df["level"]).sum(),
    }).reindex(list(LEVELS), fill_value=0).astype(int)
    out.index.name = "level"
    out["has_mkb_target"] = out["documents_with_mkb_target"].map(lambda n: "ja" if n else "nee")
    return out


def _period_years(period, adopted: int) -> tuple:
    """'2021–2030' → (2021, 2030); '2021–' → (2021, None); '2024' → (2024, 2024);
    'tot 2030' → (adopted, 2030); no period → (adopted, None)."""
    if not isinstance(period, str) or not period.strip():
        return adopted, None
    years = [int(y) for y in re.findall(r"\d{4}", period)]
    if not period.strip()[0].isdigit():
        return adopted, (years[0] if years else None)
    if re.fullmatch(r"\s*\d{4}\s*", period):
        return years[0], years[0]
    return years[0], (years[1] if len(years) > 1 else None)


def _sorted(df: pd.DataFrame, by_year_first: bool) -> pd.DataFrame:
    order = df["level"].map({lvl: i for i, lvl in enumerate(LEVELS)})
    keys = ["year_adopted", "_level"] if by_year_first else ["_level", "year_adopted"]
    return df.assign(_level=order).sort_values(keys + ["id"], kind="stable").drop(columns="_level")


def timeline(df: pd.DataFrame) -> pd.DataFrame:
    """Documents in order of adoption: id, title, level, year_adopted, start_year, end_year, status.

    start_year/end_year come from ``period`` ('2021–2030'; a single year is both;
    'tot 2030' starts at adoption); without a period the start is the year of
    adoption and the end is missing, as is an open end ('2021–').
    """
    out = _sorted(df, by_year_first=True)
    years = [_period_years(p, y) for p, y in zip(out["period"], out["year_adopted"])]
    out = out.assign(start_year=pd.array([s for s, _ in years], dtype="Int64"),
                     end_year=pd.array([e for _, e in years], dtype="Int64"))
    columns = ["id", "title", "level", "year_adopted", "start_year", "end_year", "period", "status"]
    return out[columns].reset_index(drop=True)


def applying_to_region(df: pd.DataFrame, region_codes: set[str], province_of: dict[str, str]) -> pd.DataFrame:
    """Provincial, regional and municipal documents covering any municipality of the region.

    A document applies when its applies_to holds one of ``region_codes`` or the
    province (``province_of[code]``) of one of them. Sorted by level, then year.
    """
    area = set(region_codes) | {province_of[c] for c in region_codes if c in province_of}
    local = df["level"].isin(("provincie", "regio", "gemeente"))
    hits = df["applies_to"].map(lambda codes: bool(area & set(codes)))
    return _sorted(df[local & hits], by_year_first=False).reset_index(drop=True)


def targets_table(df: pd.DataFrame) -> pd.DataFrame:
    """One row per numeric target: policy_id, title, level, applies_to (codes joined by ', '),
    indicator, value, unit, target_year, population, measured_on, mkb_digitalisation, note,
    year_adopted (of the document)."""
    rows = []
    for record in df.itertuples(index=False):
        for target in record.targets:
            rows.append({"policy_id": record.id, "title": record.title, "level": record.level,
                         "applies_to": ", ".join(record.applies_to),
                         **{k: target.get(k) for k in TARGET_KEYS}, "year_adopted": record.year_adopted})
    columns = ["policy_id", "title", "level", "applies_to", *TARGET_KEYS, "year_adopted"]
    out = pd.DataFrame(rows, columns=columns)
    out["value"] = out["value"].astype(float)
    out["target_year"] = out["target_year"].astype(int)
    return out


# --- curated CSV files -------------------------------------------------------------

CBS_SIZE_CLASS_COLUMNS = {"indicator": "text", "category": "text", "size_class": "text",
                          "year": "year", "percentage": "percentage", "cbs_table": "text",
                          "source_url": "urls", "note": "optional"}
NL_MONITORING_COLUMNS = {"indicator": "text", "population": "text", "percentage": "percentage",
                         "published": "text", "reference_year": "optional_year",
                         "reference_year_note": "text", "certainty": "certainty",
                         "source_url": "urls", "note": "optional"}


def _read_checked_csv(path, columns: dict[str, str]) -> pd.DataFrame:
    """Read a curated CSV and check its columns and each value's kind; DataError on the first problem."""
    path = Path(path)
    if not path.exists():
        raise DataError(path, "file not found", fix="restore the file from git or check the path")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(raw.columns) != list(columns):
        raise DataError(path, f"columns are {list(raw.columns)}", field="header",
                        fix=f"use exactly these columns in this order: {', '.join(columns)}")
    out = raw.copy()
    for column, kind in columns.items():
        for row, text in enumerate(raw[column]):
            text = text.strip()

            def fail(problem, fix):
                raise DataError(path, problem, record=f"line {row + 2}", field=column, fix=fix)

            if kind == "optional" or (kind == "optional_year" and text == ""):
                continue
            if text == "":
                fail("value is empty", "fill it in")
            if kind in ("year", "optional_year") and not (text.isdigit() and MIN_YEAR <= int(text) <= MAX_TARGET):
                fail(f"{text!r} is not a year", "write a four-digit year such as 2021")
            if kind == "percentage":
                try:
                    number = float(text)
                except ValueError:
                    fail(f"{text!r} is not a number", "write a number with a decimal point, without %")
                if not 0 <= number <= 100:
                    fail(f"{text!r} is not a percentage between 0 and 100", "check the figure")
            if kind == "urls" and not all(u.strip().startswith("https://") for u in text.split(";")):
                fail(f"{text!r} is not an https address", "give https:// addresses separated by ';'")
            if kind == "certainty" and text not in ("bevestigd", "onzeker"):
                fail(f"{text!r} is not allowed", "use bevestigd or onzeker")
    for column, kind in columns.items():
        if kind == "year":
            out[column] = out[column].astype(int)
        elif kind == "optional_year":
            out[column] = pd.array([int(v) if v.strip() else None for v in raw[column]], dtype="Int64")
        elif kind == "percentage":
            out[column] = out[column].astype(float)
    return out


def load_cbs_size_class(path=DATA_DIR / "cbs_digitalisering_grootteklasse.csv") -> pd.DataFrame:
    """Curated CBS survey figures by size class (percent of firms), tidy long format.

    Columns: indicator, category, size_class (CBS labels such as '2 of meer', '3-5'),
    year (int), percentage (float), cbs_table, source_url, note.
    """
    return _read_checked_csv(path, CBS_SIZE_CLASS_COLUMNS)


def load_nl_monitoring(path=DATA_DIR / "nl_mkb_digitalisering_monitoring.csv") -> pd.DataFrame:
    """Dutch government monitoring figures for NL mkb (Strategie Digitale Economie).

    Columns: indicator, population, percentage (float), published, reference_year
    (Int64, missing when the source does not say), reference_year_note, certainty
    (bevestigd/onzeker), source_url, note.
    """
    return _read_checked_csv(path, NL_MONITORING_COLUMNS)


# --- what the chapter "Beleidskaders vergeleken" shows ----------------------------------

# Government levels as shown in tables and charts (the register keeps the codes of LEVELS).
LEVEL_LABELS = {"EU": "EU", "Rijk": "Rijk", "provincie": "Provincie", "regio": "Regio", "gemeente": "Gemeente"}
LOCAL_LEVELS = ("provincie", "regio", "gemeente")


def theme_labels(codes) -> str:
    """Theme codes → their Dutch labels in THEMES order, joined by ', '; 'geen' without themes."""
    labels = [THEMES[c]["label"] for c in THEMES if c in set(codes)]
    return ", ".join(labels) if labels else "geen"


def level_theme_long(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`level_theme_matrix` in long form (levels EU → gemeente, themes in THEMES order).

    Columns: level, level_label ('EU (5 documenten)'), theme, theme_label, documents
    (number of documents of the level naming the theme), level_documents (documents of
    the level in the register) and share_pct (documents / level_documents × 100; missing
    for a level without documents).
    """
    matrix = level_theme_matrix(df)
    sizes = df["level"].value_counts().reindex(list(LEVELS), fill_value=0)
    rows = []
    for level in LEVELS:
        n = int(sizes[level])
        label = f"{LEVEL_LABELS[level]} ({n} {'document' if n == 1 else 'documenten'})"
        for theme in THEMES:
            count = int(matrix.loc[level, theme])
            rows.append({"level": level, "level_label": label, "theme": theme,
                         "theme_label": THEMES[theme]["label"], "documents": count,
                         "level_documents": n, "share_pct": count / n * 100 if n else float("nan")})
    return pd.DataFrame(rows)


def mkb_target_levels(by_level: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Levels (in LEVELS order) with and without a document with a numeric mkb-digitalisation target.

    ``by_level`` is :func:`numeric_mkb_targets_by_level`. Levels without any document in
    the register are in neither list.
    """
    present = by_level[by_level["documents"] > 0]
    with_target = [lvl for lvl in present.index if present.loc[lvl, "documents_with_mkb_target"] > 0]
    without = [lvl for lvl in present.index if present.loc[lvl, "documents_with_mkb_target"] == 0]
    return with_target, without


def theme_share(df: pd.DataFrame, theme: str = "mkb_digitalisering") -> dict:
    """How many documents of ``df`` name ``theme``: documents, with_theme and share_pct
    (missing, not zero, when ``df`` is empty)."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; use one of {', '.join(THEMES)}")
    n = len(df)
    k = int(sum(theme in set(themes) for themes in df["themes"]))
    return {"documents": n, "with_theme": k, "share_pct": k / n * 100 if n else None}


def short_title(title: str, limit: int = 48) -> str:
    """The title cut at a word boundary to at most ``limit`` characters, with '…' when cut."""
    title = " ".join(str(title).split())
    if len(title) <= limit:
        return title
    # limit - 1 characters leave room for the ellipsis; a word cut in two is dropped
    cut = title[:limit].rsplit(" ", 1)[0] if title[limit - 1] != " " else title[: limit - 1]
    cut = cut.rstrip(" ,:;–-(")
    return cut + "…"


def timeline_spans(df: pd.DataFrame, until: int) -> pd.DataFrame:
    """:func:`timeline` with what a chart of periods needs; one row per document.

    A period covers whole years: ``span_start`` is the first year and ``span_end`` the
    year after the last one (2021–2030 → 2021 to 2031). Without a known end:
    documents that are still in force (status 'geldend') run open to ``until`` + 1
    (``open_end`` True); reports and ended documents show only their first year.
    ``period_text`` says it in words, ``label`` is 'Level: short title', ``adopted_mid``
    is the middle of the year of adoption (for a marker). Rows by level (EU → gemeente),
    then first year.
    """
    t = timeline(df)
    status = df.set_index("id")["status"]
    rows = []
    for r in t.itertuples(index=False):
        start = int(r.start_year)
        known_end = None if pd.isna(r.end_year) else int(r.end_year)
        open_end = False
        if known_end is not None:
            end = known_end + 1
            text = str(start) if known_end == start else f"{start}–{known_end}"
        elif status[r.id] == "geldend":
            end, open_end = max(until, start) + 1, True
            text = f"vanaf {start}, geen einddatum"
        elif status[r.id] == "monitoring":
            end, text = start + 1, f"rapport {start}"
        elif status[r.id] == "gepubliceerd":
            end, text = start + 1, f"gepubliceerd in {start}"
        else:
            end, text = start + 1, f"vanaf {start}, einddatum onbekend"
        rows.append({"id": r.id, "label": f"{LEVEL_LABELS[r.level]}: {short_title(r.title)}",
                     "level": r.level, "level_label": LEVEL_LABELS[r.level], "year_adopted": r.year_adopted,
                     "adopted_mid": r.year_adopted + 0.5, "span_start": start, "span_end": end,
                     "open_end": open_end, "period_text": text, "status": r.status})
    out = pd.DataFrame(rows)
    order = out["level"].map({lvl: i for i, lvl in enumerate(LEVELS)})
    return (out.assign(_level=order).sort_values(["_level", "span_start", "year_adopted", "id"], kind="stable")
            .drop(columns="_level").reset_index(drop=True))


# CBS size classes (werkzame personen) in display order, with the Dutch label the book shows.
CBS_SIZE_LABELS = {
    "2": "2 personen", "3-5": "3 tot 5 personen", "5-10": "5 tot 10 personen", "2-10": "2 tot 10 personen",
    "10-20": "10 tot 20 personen", "10-50": "10 tot 50 personen", "20-50": "20 tot 50 personen",
    "50-100": "50 tot 100 personen", "50-250": "50 tot 250 personen", "2 of meer": "alle (2 of meer personen)",
}
SELF_ASSESSED = "mate van digitalisering (eigen inschatting)"
DIGITISATION_LEVELS = ("niet gedigitaliseerd", "nauwelijks gedigitaliseerd", "gemiddeld gedigitaliseerd",
                       "veel gedigitaliseerd", "(bijna) volledig gedigitaliseerd")
LOW_DIGITISATION = DIGITISATION_LEVELS[:2]


def _size_order(size_class: pd.Series) -> pd.Series:
    order = {s: i for i, s in enumerate(CBS_SIZE_LABELS)}
    return size_class.map(order).fillna(len(order))


def self_assessed_digitisation(cbs: pd.DataFrame) -> pd.DataFrame:
    """The self-assessed degree of digitalisation by size class (CBS 84675NED, 2019).

    ``cbs`` is :func:`load_cbs_size_class`. Rows ordered by size class (CBS_SIZE_LABELS)
    and degree (DIGITISATION_LEVELS). Columns: size_class, size_label, category, year,
    percentage, cbs_table.
    """
    rows = cbs[cbs["indicator"] == SELF_ASSESSED].copy()
    unknown = set(rows["category"]) - set(DIGITISATION_LEVELS)
    if unknown:
        raise DataError("cbs_digitalisering_grootteklasse.csv", f"unknown categories {sorted(unknown)}",
                        field="category", fix=f"use only: {', '.join(DIGITISATION_LEVELS)}")
    rows["size_label"] = rows["size_class"].map(CBS_SIZE_LABELS).fillna(rows["size_class"])
    rows["_cat"] = rows["category"].map({c: i for i, c in enumerate(DIGITISATION_LEVELS)})
    rows = rows.assign(_size=_size_order(rows["size_class"])).sort_values(["_size", "_cat"], kind="stable")
    return rows[["size_class", "size_label", "category", "year", "percentage", "cbs_table"]].reset_index(drop=True)


def low_digitisation(cbs: pd.DataFrame) -> pd.DataFrame:
    """Share of firms 'niet' plus 'nauwelijks gedigitaliseerd' per size class (self-assessed).

    Columns: size_class, size_label, year, percentage (the sum of the two rounded CBS
    percentages), in size order.
    """
    rows = self_assessed_digitisation(cbs)
    low = rows[rows["category"].isin(LOW_DIGITISATION)]
    out = low.groupby(["size_class", "size_label", "year"], sort=False, as_index=False)["percentage"].sum()
    return out.reset_index(drop=True)


def other_cbs_series(cbs: pd.DataFrame) -> pd.DataFrame:
    """The CBS figures other than the self-assessment: indicator, category, size_class,
    size_label, year, percentage, cbs_table, note; ordered by indicator, year and size."""
    rows = cbs[cbs["indicator"] != SELF_ASSESSED].copy()
    rows["size_label"] = rows["size_class"].map(CBS_SIZE_LABELS).fillna(rows["size_class"])
    first = rows.groupby("indicator", sort=False)["year"].transform("min")
    rows = rows.assign(_first=first, _size=_size_order(rows["size_class"]))
    rows = rows.sort_values(["_first", "indicator", "year", "_size"], kind="stable")
    columns = ["indicator", "category", "size_class", "size_label", "year", "percentage", "cbs_table", "note"]
    return rows[columns].reset_index(drop=True)


def relevant_for_region(df: pd.DataFrame, region_codes: set[str], province_of: dict[str, str]) -> pd.DataFrame:
    """The documents that count for a region: every EU and Rijk document plus the provincial,
    regional and municipal ones of :func:`applying_to_region`; register order."""
    local_ids = set(applying_to_region(df, region_codes, province_of)["id"])
    keep = df["level"].isin(("EU", "Rijk")) | df["id"].isin(local_ids)
    return df[keep].reset_index(drop=True)


def top_themes(df: pd.DataFrame, levels) -> tuple[list[str], int]:
    """The theme label(s) named by the most documents of ``levels`` (all themes with that count,
    in THEMES order) and the count; ([], 0) when those levels name no theme."""
    matrix = level_theme_matrix(df).loc[list(levels)].sum()
    best = int(matrix.max()) if len(matrix) else 0
    if best == 0:
        return [], 0
    return [THEMES[t]["label"] for t in THEMES if matrix[t] == best], best


def target_text(value: float, unit: str) -> str:
    """A target as the book prints it: (90, '%') → '90%'; (3, 'plannen') → '3 plannen';
    (1000, 'personen') → '1.000 personen'; (3, 'rangpositie (top-3)') → 'plaats 3 of hoger';
    decimals with a comma."""
    digits = 0 if float(value).is_integer() else 1
    number = f"{value:,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    unit = unit.strip()
    if unit == "%":
        return f"{number}%"
    if unit.startswith("rangpositie"):
        return f"plaats {number} of hoger"
    return f"{number} {unit}"


# Size classes of CBS 81588NED (mirror: cbs/bedrijven_grootteklasse_nl.csv) below 10 persons employed.
BELOW_TEN = ("1", "2", "3-4", "5-9")


def micro_share(size_counts: pd.DataFrame, sbi: str = "A-U") -> dict:
    """Enterprises with fewer than 10 persons employed among all enterprises (CBS 81588NED).

    ``size_counts`` has the columns sbi, periode, grootteklasse, bedrijven (one period).
    Returns period, below_ten, total (the 'totaal' row) and share_pct. Raises ValueError
    when a class or the total is missing.
    """
    rows = size_counts[size_counts["sbi"] == sbi].set_index("grootteklasse")
    missing = [c for c in (*BELOW_TEN, "totaal") if c not in rows.index]
    if missing:
        raise ValueError(f"size class(es) {', '.join(missing)} missing for sbi {sbi}")
    periods = sorted(set(rows["periode"]))
    if len(periods) != 1:
        raise ValueError(f"expected one period, got {periods}")
    below = int(rows.loc[list(BELOW_TEN), "bedrijven"].sum())
    total = int(rows.loc["totaal", "bedrijven"])
    return {"period": periods[0], "below_ten": below, "total": total, "share_pct": below / total * 100}


# --- policy documents, monitoring reports, the age of a record -------------------------------

def policy_documents(df: pd.DataFrame) -> pd.DataFrame:
    """Only the policy documents (kind 'beleid'): monitoring reports measure, they set no policy."""
    return df[df["kind"] == "beleid"].reset_index(drop=True)


def monitoring_reports(df: pd.DataFrame) -> pd.DataFrame:
    """Only the monitoring reports (kind 'monitoring')."""
    return df[df["kind"] == "monitoring"].reset_index(drop=True)


STALE_AFTER_DAYS = 365  # default; the chapter reads registers.stale_after_days from data/settings.yml


def stale(df: pd.DataFrame, as_of: dt.date, days: int = STALE_AFTER_DAYS) -> pd.Series:
    """True for records whose ``checked`` date lies more than ``days`` before ``as_of`` (the edition
    date): their status may no longer be current and the book says so."""
    checked = pd.to_datetime(df["checked"]).dt.date
    return checked.map(lambda d: (as_of - d).days > days).astype(bool)


# --- targets from one place ------------------------------------------------------------------

# Indicator names of the register (kept equal to mkbbook.eurostat.IND_* by a test).
IND_DII_BASIC = "mkb met ten minste basisniveau digitale intensiteit"
IND_CLOUD_AI_BIGDATA = "bedrijven die cloud, AI of big data gebruiken"
AREA_OF = {"NL": "NL", "EU": "EU"}


@dataclass(frozen=True)
class Target:
    """A numeric target as the register holds it, with where it comes from.

    value: the number (e.g. 95.0, in ``unit``); year: the target year; population: whom the
    document means (e.g. 'mkb in Nederland'); measured_on: the population the measurement covers
    (e.g. 'bedrijven met 10 tot 250 werkzame personen ...'; '' when the register does not say);
    size_class: the Eurostat size class of that measurement ('10-249', 'GE10') or None;
    document_id, document_title, source_url (the document's first source), note.
    """

    indicator: str
    area: str
    value: float
    unit: str
    year: int
    population: str
    measured_on: str
    size_class: str | None
    document_id: str
    document_title: str
    source_url: str
    note: str

    @property
    def text(self) -> str:
        """'95%', as the book prints it."""
        return target_text(self.value, self.unit)


def _size_class(measured_on: str) -> str | None:
    text = measured_on or ""
    if "10 tot 250" in text:
        return "10-249"
    if "10 of meer" in text:
        return "GE10"
    return None


def target(register: pd.DataFrame, indicator: str, area: str = "NL") -> Target:
    """The target for ``indicator`` in ``area`` ('NL' or 'EU') from the policy register.

    Only policy documents count. When several documents set a target for the same indicator and
    area (the Digital Compass and Decision (EU) 2022/2481 both say 90 %), the most recently adopted
    one wins (for the EU that is the Decision, which sets the target in law). Raises KeyError
    naming the indicator and area when the register holds no such target.

    >>> t = target(load_policies(), IND_DII_BASIC, "NL")   # doctest: +SKIP
    >>> (t.value, t.year, t.size_class)                     # doctest: +SKIP
    (95.0, 2030, '10-249')
    """
    docs = policy_documents(register)
    found = []
    for record in docs.itertuples(index=False):
        if area not in record.applies_to:
            continue
        for t in record.targets:
            if t.get("indicator") == indicator:
                found.append((record.year_adopted, record, t))
    if not found:
        raise KeyError(f"no target for {indicator!r} in {area!r} in the policy register")
    _, record, t = max(found, key=lambda item: item[0])
    measured_on = t.get("measured_on") or ""
    return Target(indicator=indicator, area=area, value=float(t["value"]), unit=t["unit"],
                  year=int(t["target_year"]), population=t["population"], measured_on=measured_on,
                  size_class=_size_class(measured_on), document_id=record.id, document_title=record.title,
                  source_url=record.sources[0], note=" ".join(str(t.get("note") or "").split()))


# --- what applies to a region, and what was researched -----------------------------------------

PHRASE = {"EU": "de EU", "Rijk": "het Rijk", "provincie": "de provincie", "regio": "de regionale samenwerkingen",
          "gemeente": "de gemeenten"}


@dataclass
class RegionPolicies:
    """The register as it applies to one region.

    documents: the policy documents that count for the region (EU and Rijk always; provincial,
    regional and municipal ones when they apply to a municipality of the region); local: those of
    provincie, regio and gemeente; reports: the monitoring reports (EU and Rijk); coverage: 'volledig',
    'deels' or 'niet' (mkbbook.coverage); researched_levels: the levels whose policy was researched for
    this region (EU and Rijk only when coverage is 'niet'); municipalities_examined /
    n_municipalities: how many of the region's municipalities had their own programme read.
    """

    documents: pd.DataFrame
    local: pd.DataFrame
    reports: pd.DataFrame
    coverage: str
    researched_levels: tuple
    municipalities_examined: list
    n_municipalities: int


def for_region(register: pd.DataFrame, region, province_of: dict, cov) -> RegionPolicies:
    """Split the register for ``region`` (a Region) with the policy coverage ``cov``
    (:func:`mkbbook.coverage.load`('policies'))."""
    from .coverage import NONE

    state = cov.state(region)
    docs = policy_documents(register)
    codes = set(cov.researched_codes(region, province_of)) if state != NONE else set()
    local = applying_to_region(docs, codes, province_of) if codes else docs.iloc[0:0]
    central = docs["level"].isin(cov.levels_everywhere)
    documents = docs[central | docs["id"].isin(set(local["id"]))].reset_index(drop=True)
    reports = monitoring_reports(register)
    reports = reports[reports["level"].isin(cov.levels_everywhere)].reset_index(drop=True)
    levels = tuple(LEVELS) if state != NONE else tuple(l for l in LEVELS if l in cov.levels_everywhere)
    examined = cov.examined(region)
    return RegionPolicies(documents, local.reset_index(drop=True), reports, state, levels,
                          examined["examined"], examined["n_municipalities"])
