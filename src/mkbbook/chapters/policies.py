"""Chapter 3, "Beleidskaders vergeleken": policy from EU to municipality, its targets, and how far firms are.

``compute(region, year, settings)`` builds the whole chapter from the policy register
(data/policies.yml, via :mod:`mkbbook.policies`), its coverage (data/coverage.yml), the funding
routes (data/funding.yml), Eurostat (isoc_e_dii, isoc_eb_ai), the curated CBS and Rijk figures and
the CBS size classes. Only policy documents count (monitoring reports are listed apart). For a
region outside the coverage, provincial, regional and municipal policy was not researched: the
chapter says so and counts only EU and Rijk ("not researched" is never "none"). Statuses are read
as of ``registers.as_of`` in data/settings.yml; records checked more than ``stale_after_days``
before it are marked.

Facts (glue keys; value, then what the text says). Sentences marked Md are Markdown ({glue:md}).

Region and coverage
- ``regio_naam``: the region's name. ``jaar``: the edition year.
- ``dekking``: 'volledig', 'deels' or 'niet' (value); text: the coverage in words.
- ``dekking_zin`` (Md): which levels were researched for the region, and how many municipalities'
  programmes were read; for 'niet': that provincial, regional and municipal policy was not
  researched and only EU and Rijk are shown.
- ``gemeenten_onderzocht``: municipalities of the region whose own programme was read (int);
  text "2 van de 26 gemeenten" (or "geen van de 14 gemeenten").
- ``niveaus_onderzocht``: researched levels (list); text "EU en Rijk" or "alle bestuursniveaus".
Counts (policy documents only; the same set everywhere in the chapter)
- ``n_documenten``: policy documents that count for the region (int).
- ``n_register``: policy documents in the register (int). ``n_rapporten``: monitoring reports (int).
- ``n_met_doel``: documents of the region with a numeric mkb-digitalisation target (int).
- ``niveaus_met_doel`` / ``niveaus_zonder_doel`` / ``niveaus_niet_onderzocht``: levels (lists, codes of
  policies.LEVELS), among the researched levels, with and without such a target; not researched.
- ``zin_doelen`` / ``zin_doelen_kort`` (Md): who sets numeric mkb targets, among the researched levels.
- ``doelen_per_niveau``: "EU 2 van 5; Rijk 1 van 7; ..." (researched levels with documents).
- ``n_lokaal`` / ``n_lokaal_mkb``: provincial, regional and municipal documents for the region, and how
  many name mkb digitalisation (int; None when not researched, text "niet onderzocht").
- ``kern_lokaal`` (Md, bold lead) and ``concl_lokaal`` (plain): that share in a sentence, with coverage.
- ``top_centraal`` / ``top_lokaal``: the theme(s) most EU+Rijk / local documents name.
- ``thema_basis``: sentence on what a missing theme means (not found in the part read vs absent).
- ``n_geldend``, ``n_open``: documents in force, and of those without an end date (int).
Targets and measurements (targets via policies.target, never typed)
- ``doel_nl``, ``doel_eu``, ``doel_jaar``, ``doel_cloud``: target values as text ('95%'); ``doel_populatie``:
  the population the NL target is measured on.
- ``nl_mkb`` / ``eu_mkb``: share of SMEs (10–249) with at least basic digital intensity, latest year
  (float); ``dii_jaar``; ``gap_nl`` / ``gap_eu``: distance to the target in percentage points (float);
  ``gap_nl_v4``, ``gap_eu_v4``, ``v4_jaar``: the same for the other DII version.
- ``nulmeting``, ``nulmeting_jaar``, ``nulmeting_eurostat``: the Rijk's baseline and Eurostat's value.
- ``top_n``, ``top_jaar``, ``rang``, ``rang_jaar``, ``rang_landen``, ``rang_v4`` (Md): the EU top-3 ambition.
- ``ai_nl``, ``ai_eu``, ``ai_jaar``: AI use (10+ persons).
- ``n_rijkscijfers``, ``n_meetjaar_onbekend``: Rijk monitoring figures, and without a reference year.
- ``micro_aandeel``, ``micro_n``, ``micro_totaal``, ``micro_periode`` (Md), ``cbs_jaar``, ``micro_2``,
  ``micro_50_100``, ``micro_trend`` (Md): firms below 10 persons.
The study's claims and the registers
- ``rijk_mkb_pijler`` (Md): where the register contradicts the study's claim that national policy pays
  less attention to mkb (value: dict with document_id, pillar, target text; None when no such document).
- ``gecontroleerd``, ``editiedatum``, ``n_onzeker``, ``n_secundair``, ``n_verouderd``, ``verouderd_zin``.
- ``n_routes`` (int), ``routes_bruikbaar`` (list of names; text joined), ``routes_zin``: funding routes.

Exhibits: themas, themas-per-niveau (figure), themas-per-niveau-tabel, doelen-per-niveau, mkb-doelen
(or None), documenten, tijdlijn (figure), voortgangsrapporten, dii-mkb (figure or note), dii-versies
(note or None), dii-grootte (figure or None), dii-alle-jaren (or None), ai-gebruik (figure or note),
doelen-en-meting, rijk-monitoring, cbs-digitalisering-2019 (figure), cbs-overige-reeksen,
beleid-regio (table or note), dekking (note), financieringsroutes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .. import charts, coverage, eurostat, funding, geography, policies
from ..dutch import fmt_date, fmt_dec, fmt_int, fmt_pct, join_nl, or_unknown, plural, region_with_article
from ..errors import DataError
from ..regions import Region
from ..result import Chapter, Figure, Md, Note, Table, esc, link, md
from ..settings import Settings
from . import chapter

REGISTER_SOURCE = ("beleidsregister van de werkgroep, `data/policies.yml` (de webadressen van de bronnen staan "
                   "per document in het register en in de CSV)")
DII_SOURCE = "Eurostat, dataset isoc_e_dii (Digital intensity by size class of enterprise)"
AI_SOURCE = "Eurostat, dataset isoc_eb_ai (Artificial intelligence by size class of enterprise)"
LEVEL_LABELS = policies.LEVEL_LABELS
PHRASE = policies.PHRASE
STUDY_CLAIM = "het landelijke beleid minder aandacht heeft voor het mkb"
STUDY_NAME = "de studie van de werkgroep (Birch)"


@dataclass
class Inputs:
    """Everything the chapter reads, loaded once (tests pass fixtures)."""

    register: pd.DataFrame
    funding: pd.DataFrame
    coverage: coverage.Coverage
    province_of: dict
    municipality_name: dict
    dii_raw: pd.DataFrame
    ai_raw: pd.DataFrame
    nl_monitoring: pd.DataFrame
    cbs: pd.DataFrame
    size_counts: pd.DataFrame | None  # CBS 81588NED; optional in the mirror


def load_inputs() -> Inputs:
    from .. import mirror
    from ..paths import mirror_dir

    geo = geography.municipalities()
    try:
        sizes = mirror.load("cbs/bedrijven_grootteklasse_nl.csv")
    except (DataError, FileNotFoundError, KeyError):  # the file is optional in the mirror
        sizes = None
    return Inputs(
        register=policies.load_policies(), funding=funding.load_funding(), coverage=coverage.load("policies"),
        province_of=dict(zip(geo["gemeentecode"], geo["provinciecode"])),
        municipality_name=dict(zip(geo["gemeentecode"], geo["gemeentenaam"])),
        dii_raw=eurostat.read_sdmx_csv(mirror_dir() / "eurostat" / "isoc_e_dii.csv"),
        ai_raw=eurostat.read_sdmx_csv(mirror_dir() / "eurostat" / "isoc_eb_ai.csv"),
        nl_monitoring=policies.load_nl_monitoring(), cbs=policies.load_cbs_size_class(), size_counts=sizes)


@chapter
def compute(area: Region, year: int, settings: Settings) -> Chapter:
    return build(area, year, settings, load_inputs())


# --- small phrasing helpers -------------------------------------------------------------------

def pct(value, digits: int = 1) -> str:
    return or_unknown(value, lambda v: fmt_pct(v, digits))


def pp(value) -> str:
    return or_unknown(value, lambda v: fmt_dec(v, 1) + " procentpunt")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def sources_links(urls) -> Md:
    return Md(" ".join(link(str(i), u) for i, u in enumerate(urls, start=1)))


def the(area: Region) -> str:
    """The region's name as it stands in a sentence ('de provincie Utrecht', 'de U16')."""
    return region_with_article(area.name, area.kind)


def _levels(levels) -> str:
    return join_nl(PHRASE[lvl] for lvl in levels)


def _as_of(settings: Settings) -> tuple[dt.date, int]:
    try:
        as_of = settings.get("registers", "as_of")
        days = settings.get("registers", "stale_after_days", kind=int)
    except DataError:
        return dt.date.today(), policies.STALE_AFTER_DAYS
    return (as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of))), days


# --- the sentences that depend on coverage (unit-tested) ------------------------------------

def coverage_sentence(area: Region, state: str, examined: list, n_municipalities: int, names: dict) -> Md:
    """Which levels were researched for the region (Markdown; the region name escaped)."""
    region = esc(the(area))
    if state == coverage.NONE:
        return Md(f"Beleid van de provincie, de regionale samenwerkingen en de gemeenten is voor {region} "
                  "**niet onderzocht**. Dit hoofdstuk toont daarom alleen beleid van de EU en het Rijk. "
                  "Dat betekent niet dat er geen ander beleid is.")
    k = len(examined)
    who = esc(join_nl(names.get(c, c) for c in examined))
    if n_municipalities == 1:
        read = ("Het eigen programma van de gemeente is gelezen." if k else
                "Een eigen programma van de gemeente is niet gelezen.")
    elif k == 0:
        read = f"Van de {n_municipalities} gemeenten is geen eigen programma gelezen."
    elif k == n_municipalities:
        read = f"Van alle {n_municipalities} gemeenten is het eigen programma gelezen."
    else:
        read = (f"Van de {n_municipalities} gemeenten " + (f"is alleen het programma van {who} gelezen." if k == 1
                else f"zijn alleen de programma's van {who} gelezen."))
    if state == coverage.PARTIAL:
        return Md(f"Voor {region} is provinciaal, regionaal en gemeentelijk beleid alleen onderzocht voor de "
                  f"gemeenten in de provincie Utrecht; voor de andere gemeenten alleen beleid van de EU en het Rijk. "
                  + read)
    return Md(f"Voor {region} is beleid van de EU, het Rijk, de provincie en de regionale samenwerkingen "
              f"onderzocht. " + read)


def targets_sentences(with_target: list, without_target: list, not_researched: list,
                      municipalities: str = "") -> tuple[Md, Md]:
    """(zin_doelen, zin_doelen_kort): who sets numeric mkb targets among the researched levels.

    ``municipalities`` (e.g. '1 van de 16') says how many municipalities were examined when not all were.
    """
    def _levels(levels):
        return join_nl(f"de onderzochte gemeenten ({municipalities})" if lvl == "gemeente" and municipalities
                       else PHRASE[lvl] for lvl in levels)

    tail = (f" Beleid van {_levels(not_researched)} is voor deze regio niet onderzocht." if not_researched else "")
    if with_target:
        verb = "stellen" if len(with_target) > 1 else "stelt"
        subject = f"**{_levels(with_target)}**"
        long = (f"Van de onderzochte bestuursniveaus {verb} {subject}" if not_researched
                else f"Alleen {subject} {verb}") + " cijfermatige doelen voor de digitalisering van het mkb"
        long += (f"; {_levels(without_target)} {'doen' if len(without_target) > 1 else 'doet'} dat niet."
                 if without_target else ".")
        short = f"Die doelen komen van **{_levels(with_target)}**" + (
            f"; {_levels(without_target)} {'hebben' if len(without_target) > 1 else 'heeft'} er geen."
            if without_target else ".")
    else:
        long = "Geen enkel onderzocht bestuursniveau stelt een cijfermatig doel voor de digitalisering van het mkb."
        short = "Geen enkel onderzocht bestuursniveau heeft zo'n doel."
    return Md(long + tail), Md(short + tail)


def local_sentence(area: Region, state: str, share: dict, local_targets: int, examined: int,
                   n_municipalities: int) -> tuple[str, str]:
    """(head, rest) of the sentence on provincial, regional and municipal documents for the region."""
    if state == coverage.NONE:
        return ("Provinciaal, regionaal en gemeentelijk beleid",
                f"is voor {the(area)} niet onderzocht; of daar cijfermatige doelen of mkb-thema's in staan, "
                "is dus niet bekend.")
    municipal = ("" if examined >= n_municipalities else
                 f" Van de {n_municipalities} gemeenten is geen eigen programma gelezen." if examined == 0 else
                 f" Van de {n_municipalities} gemeenten is alleen het eigen programma van 1 gelezen." if examined == 1
                 else f" Van de {n_municipalities} gemeenten zijn alleen de eigen programma's van {examined} gelezen.")
    n, k = share["documents"], share["with_theme"]
    if not n:
        return ("Geen provinciale, regionale of gemeentelijke documenten",
                f"voor {the(area)} in het beleidsregister." + municipal)
    head = f"{k} van de {plural(n, 'provinciaal, regionaal of gemeentelijk document', 'provinciale, regionale en gemeentelijke documenten')}"
    verb = "noemt" if k == 1 else "noemen"
    rest = (f"voor {the(area)} ({pct(share['share_pct'], 0)}) {verb} de digitalisering van het mkb als thema. "
            + ("Geen van die documenten heeft er een cijfermatig doel voor." if local_targets == 0 else
               f"{plural(local_targets, 'document heeft', 'documenten hebben')} er een cijfermatig doel voor.")
            + municipal)
    return head, rest


def pillar_fact(docs: pd.DataFrame) -> tuple[dict | None, Md]:
    """The study's claim that national policy pays less attention to mkb, against the register."""
    rijk = docs[(docs["level"] == "Rijk") & docs["mkb_pillar"].notna() & (docs["status"] == "geldend")]
    for record in rijk.itertuples(index=False):
        mkb = [t for t in record.targets if t.get("mkb_digitalisation") == "ja" and t.get("unit") == "%"]
        if not mkb:
            continue
        t = mkb[0]
        value = {"document_id": record.id, "title": record.title, "pillar": record.mkb_pillar,
                 "target": policies.target_text(t["value"], t["unit"]), "target_year": int(t["target_year"]),
                 "year_adopted": int(record.year_adopted)}
        text = md("De studie zegt dat {claim}. Het beleidsregister laat iets anders zien: de {title} van het "
                  "Rijk ({y}) heeft een eigen pijler \u2018{pillar}\u2019, met een cijfermatig doel: {target} van het mkb "
                  "op ten minste een basisniveau van digitalisering in {ty}. Die bewering van de studie wordt "
                  "daarom hier niet bevestigd.", claim=STUDY_CLAIM, title=record.title, y=record.year_adopted,
                  pillar=record.mkb_pillar, target=value["target"], ty=value["target_year"])
        return value, text
    return None, Md("Het beleidsregister heeft geen geldend rijksdocument met een eigen mkb-pijler en een cijfermatig "
                    "doel; de bewering van de studie dat " + esc(STUDY_CLAIM) + " is hier niet te toetsen.")


def status_text(status: str, checked: str, old: bool) -> str:
    base = {"geldend": "geldend", "afgelopen": "afgelopen", "gepubliceerd": "gepubliceerd",
            "monitoring": "voortgangsrapport"}[status]
    return f"{base} (gecontroleerd {fmt_date(checked)}{'; mogelijk verouderd' if old else ''})"


# --- the chapter ---------------------------------------------------------------------------------

def build(area: Region, year: int, settings: Settings, inputs: Inputs) -> Chapter:
    ch = Chapter("policies")
    register, cov = inputs.register, inputs.coverage
    as_of, stale_days = _as_of(settings)
    scope = policies.for_region(register, area, inputs.province_of, cov)
    docs, local, reports = scope.documents, scope.local, scope.reports
    researched = list(scope.researched_levels)
    not_researched = [lvl for lvl in policies.LEVELS if lvl not in researched]
    all_docs = policies.policy_documents(register)
    region_md = esc(area.name)

    # --- region and coverage
    ch.fact("regio_naam", area.name)
    ch.fact("jaar", year, str(year))
    ch.fact("dekking", scope.coverage, {"volledig": "onderzocht", "deels": "deels onderzocht",
                                        "niet": "niet onderzocht"}[scope.coverage])
    ch.fact("dekking_zin", scope.coverage, coverage_sentence(area, scope.coverage, scope.municipalities_examined,
                                                             scope.n_municipalities, inputs.municipality_name))
    k_examined = len(scope.municipalities_examined)
    ch.fact("gemeenten_onderzocht", k_examined,
            ("de gemeente zelf" if k_examined else "niet de gemeente zelf") if scope.n_municipalities == 1 else
            (f"{k_examined} van de " if k_examined else "geen van de ") + f"{scope.n_municipalities} gemeenten")
    ch.fact("niveaus_onderzocht", researched,
            "alle bestuursniveaus" if not not_researched else join_nl(LEVEL_LABELS[lvl] for lvl in researched))
    ch.add("dekking", Note(md("Onderzocht voor dit boek: {what}. Voor andere gebieden is alleen beleid van de EU en "
                              "het Rijk onderzocht; 'niet gevonden' betekent daar 'niet onderzocht'.",
                              what=cov.what)))

    # --- counts
    ch.fact("n_documenten", len(docs), fmt_int(len(docs)))
    ch.fact("n_register", len(all_docs), fmt_int(len(all_docs)))
    ch.fact("n_rapporten", len(reports), fmt_int(len(reports)))

    themes = policies.themes_table()
    ch.add("themas", Table(
        themes[["label", "definition"]].rename(columns={"label": "Thema", "definition": "Wat valt eronder?"}),
        themes, caption="De thema's van het beleidsregister",
        source="eigen indeling van de werkgroep; de thema's per document staan in `data/policies.yml`."))

    long = policies.level_theme_long(docs)
    long = long[long["level"].isin(researched)].reset_index(drop=True)
    theme_order = [t["label"] for t in policies.THEMES.values()]
    level_order = long.drop_duplicates("level")["level_label"].tolist()
    central, central_n = policies.top_themes(docs, ("EU", "Rijk"))
    central_text = join_nl(lower_first(t) for t in central)
    ch.fact("top_centraal", central, f"{central_text} ({plural(central_n, 'document', 'documenten')})"
            if central else "geen thema")
    if scope.coverage == coverage.NONE:
        local_top, local_n, local_text = [], 0, ""
        ch.fact("top_lokaal", None, "niet onderzocht voor deze regio")
    else:
        local_top, local_n = policies.top_themes(docs, policies.LOCAL_LEVELS)
        local_text = join_nl(lower_first(t) for t in local_top)
        ch.fact("top_lokaal", local_top, f"{local_text} ({plural(local_n, 'document', 'documenten')})"
                if local_top else "niet te zeggen: er zijn geen documenten met een thema")
    excerpt = int((docs["themes_basis"] == "uittreksel").sum())
    ch.fact("thema_basis", excerpt,
            ((f"Van alle {len(docs)} documenten" if excerpt == len(docs) and excerpt > 1 else
              f"Van {excerpt} van de {plural(len(docs), 'document', 'documenten')}") + " is alleen een deel van de "
             "bron gelezen. Ontbreekt daar een thema, dan is het niet gevonden in de bron; dat betekent niet "
             "dat het document er niets over zegt.") if excerpt else
            "Van alle documenten is de hele bron gelezen: een thema dat ontbreekt, staat er niet in.")
    most = int(long["documents"].max()) if len(long) else 0
    local_counts = long[long["level"].isin(policies.LOCAL_LEVELS)].groupby("theme_label", sort=False)["documents"].sum()
    missing_local = [lower_first(t) for t, n in local_counts.items() if n == 0]
    ch.add("themas-per-niveau", Figure.of(
        charts.heatmap(long, "theme_label", "level_label", "documents", value_title="aantal documenten", fmt="d",
                       midpoint=(most + 1) / 2, x_order=theme_order, y_order=level_order,
                       title="Aantal documenten per bestuursniveau en thema",
                       description=(f"Bij de EU en het Rijk gaan de meeste documenten over {central_text or 'geen thema'}. "
                                    + (f"Bij provincie, regio en gemeente over {local_text or 'geen thema'}. "
                                       if scope.coverage != coverage.NONE else
                                       "Provincie, regio en gemeente zijn voor deze regio niet onderzocht. ")
                                    + (f"Geen enkel provinciaal, regionaal of gemeentelijk document noemt "
                                       f"{join_nl(missing_local)}." if missing_local and scope.coverage != coverage.NONE
                                       else ""))),
        long[["level", "level_label", "theme", "theme_label", "documents", "level_documents", "share_pct"]],
        caption=(f"Aantal beleidsdocumenten per bestuursniveau en thema, voor {region_md}. Het getal in elk vak is "
                 "het aantal documenten waarin het thema is gevonden; hoe donkerder oranje, hoe meer documenten; "
                 "blauw: weinig of geen."),
        source=REGISTER_SOURCE + ".",
        note=("Alleen beleidsdocumenten; voortgangsrapporten tellen niet mee. "
              + ("Provincie, regio en gemeente ontbreken: die zijn voor deze regio niet onderzocht."
                 if scope.coverage == coverage.NONE else ""))))
    matrix = long.pivot(index="theme_label", columns="level_label", values="documents")
    matrix = matrix.reindex(index=theme_order, columns=level_order)
    sizes = long.drop_duplicates("level")
    matrix.columns = [f"{LEVEL_LABELS[lvl]} ({n})" for lvl, n in zip(sizes["level"], sizes["level_documents"])]
    ch.add("themas-per-niveau-tabel", Table(
        matrix.astype(int).astype(str).reset_index().rename(columns={"theme_label": "Thema"}),
        long[["level", "theme", "documents", "level_documents"]],
        caption=(f"Aantal documenten per thema en bestuursniveau, {region_md} (tussen haakjes: het aantal "
                 "documenten van dat niveau)"),
        source=REGISTER_SOURCE + "."))

    # --- who sets numeric targets (among the researched levels)
    by_level = policies.numeric_mkb_targets_by_level(docs).loc[researched]
    with_target, without_target = policies.mkb_target_levels(by_level)
    partly = (f"{k_examined} van de {scope.n_municipalities}"
              if 0 < k_examined < scope.n_municipalities and scope.coverage != coverage.NONE else "")
    long_s, short_s = targets_sentences(with_target, without_target, not_researched, partly)
    ch.fact("zin_doelen", with_target, long_s)
    ch.fact("zin_doelen_kort", with_target, short_s)
    ch.fact("niveaus_met_doel", with_target, join_nl(LEVEL_LABELS[lvl] for lvl in with_target) or "geen")
    ch.fact("niveaus_zonder_doel", without_target, join_nl(LEVEL_LABELS[lvl] for lvl in without_target) or "geen")
    ch.fact("niveaus_niet_onderzocht", not_researched,
            join_nl(LEVEL_LABELS[lvl] for lvl in not_researched) or "geen")
    n_with = int(by_level["documents_with_mkb_target"].sum())
    ch.fact("n_met_doel", n_with, fmt_int(n_with))
    ch.fact("doelen_per_niveau", by_level["documents_with_mkb_target"].to_dict(), "; ".join(
        f"{LEVEL_LABELS[lvl]} {n_t} van {n}" for lvl, n, n_t in
        zip(by_level.index, by_level["documents"], by_level["documents_with_mkb_target"]) if n))
    ch.add("doelen-per-niveau", Table(
        pd.DataFrame({
            "Bestuursniveau": [LEVEL_LABELS[lvl] for lvl in by_level.index],
            "Documenten": by_level["documents"].astype(str).tolist(),
            "Met cijfermatig doel voor mkb-digitalisering": by_level["documents_with_mkb_target"].astype(str).tolist(),
            "Cijfermatig doel?": [("geen documenten" if n == 0 else v)
                                  for n, v in zip(by_level["documents"], by_level["has_mkb_target"])]}),
        by_level.reset_index(),
        caption=f"Documenten met een cijfermatig doel voor de digitalisering van het mkb, per bestuursniveau ({region_md})",
        source=REGISTER_SOURCE + ".",
        note=("Een document telt mee als de bron een getal noemt voor de digitalisering van (mkb-)bedrijven. "
              "Doelen over bijvoorbeeld glasvezel of scholing tellen hier niet mee."
              + (f" Niet onderzocht voor deze regio: {join_nl(LEVEL_LABELS[lvl] for lvl in not_researched)}."
                 if not_researched else ""))))
    targets = policies.targets_table(docs)
    mkb_targets = targets[targets["mkb_digitalisation"] == "ja"].reset_index(drop=True)
    ch.add("mkb-doelen", Table(
        pd.DataFrame({
            "Niveau": mkb_targets["level"].map(LEVEL_LABELS),
            "Document": mkb_targets["title"],
            "Doel": [f"{policies.target_text(v, u)} in {y}: {ind} ({pop})" for v, u, y, ind, pop in
                     zip(mkb_targets["value"], mkb_targets["unit"], mkb_targets["target_year"],
                         mkb_targets["indicator"], mkb_targets["population"])],
            "Gemeten bij": mkb_targets["measured_on"].fillna("niet vermeld"),
            "Toelichting": mkb_targets["note"].fillna("").str.replace(r"\s+", " ", regex=True)}),
        mkb_targets, caption="De cijfermatige doelen voor de digitalisering van het mkb",
        source=REGISTER_SOURCE + ".") if len(mkb_targets) else None)

    # --- local documents
    share = policies.theme_share(local)
    local_targets = int(policies.numeric_mkb_targets_by_level(local)["documents_with_mkb_target"].sum()) \
        if len(local) else 0
    head, rest = local_sentence(area, scope.coverage, share, local_targets, k_examined, scope.n_municipalities)
    ch.fact("kern_lokaal", share["with_theme"], md("**{head}** {rest}", head=head, rest=rest))
    ch.fact("concl_lokaal", share["with_theme"], f"{head} {rest}")
    if scope.coverage == coverage.NONE:
        ch.fact("n_lokaal", None, "niet onderzocht")
        ch.fact("n_lokaal_mkb", None, "niet onderzocht")
    else:
        ch.fact("n_lokaal", share["documents"], fmt_int(share["documents"]))
        ch.fact("n_lokaal_mkb", share["with_theme"], fmt_int(share["with_theme"]))

    old = policies.stale(register, as_of, stale_days)
    old_by_id = dict(zip(register["id"], old))
    if scope.coverage == coverage.NONE:
        ch.add("beleid-regio", Note(md(
            "Voor {regio} is provinciaal, regionaal en gemeentelijk beleid niet onderzocht. Het beleidsregister "
            "beschrijft beleid van lagere overheden alleen voor: {what}.", regio=area.name, what=cov.what)))
    elif local.empty:
        ch.add("beleid-regio", Note(md("Het beleidsregister heeft geen provinciale, regionale of gemeentelijke "
                                       "documenten voor {regio}.", regio=area.name)))
    else:
        with_mkb = local[local["targets"].map(lambda t: any(x.get("mkb_digitalisation") == "ja" for x in t))]
        data = local.assign(themes=local["themes"].map(", ".join), applies_to=local["applies_to"].map(", ".join),
                            sources=local["sources"].map(" ; ".join), targets=local["targets"].map(len),
                            stale=local["id"].map(old_by_id))
        data = data.rename(columns={"targets": "n_targets"}).drop(columns=["summary"])
        ch.add("beleid-regio", Table(
            pd.DataFrame({
                "Niveau": local["level"].map(LEVEL_LABELS),
                "Document": local["title"] + local["certainty"].map(lambda c: " (onzeker)" if c == "onzeker" else ""),
                "Periode": [f"{p if isinstance(p, str) else 'onbekend'} (vastgesteld {y})"
                            for p, y in zip(local["period"], local["year_adopted"])],
                "Status": [status_text(s, c, old_by_id[i]) for s, c, i in
                           zip(local["status"], local["checked"], local["id"])],
                "Thema's": local["themes"].map(policies.theme_labels),
                "Bronnen": local["sources"].map(sources_links)}),
            data, caption=f"Provinciale, regionale en gemeentelijke beleidsdocumenten die gelden voor {region_md}",
            source=REGISTER_SOURCE + ".",
            note=(("Geen van deze documenten heeft een cijfermatig doel voor de digitalisering van het mkb. "
                   if with_mkb.empty else
                   md("Een cijfermatig doel voor de digitalisering van het mkb staat in: {t}. ",
                      t=join_nl(with_mkb["title"])))
                  + "'Onzeker': het gebied, de status of de periode is afgeleid en niet letterlijk door de bron "
                    "genoemd. De uitgever van elk document staat in de CSV.")))

    # --- all documents with status, check date and source quality
    ch.add("documenten", Table(
        pd.DataFrame({
            "Niveau": docs["level"].map(LEVEL_LABELS),
            "Document": [link(t, s[0]) for t, s in zip(docs["title"], docs["sources"])],
            "Status": [status_text(s, c, old_by_id[i]) for s, c, i in zip(docs["status"], docs["checked"], docs["id"])],
            "Bron": docs["source_quality"].map({"primair": "officieel document of eigen pagina",
                                                "secundair": "alleen secundaire bronnen"}),
            "Thema's": [policies.theme_labels(t) + (" (in het gelezen deel)" if b == "uittreksel" else "")
                        for t, b in zip(docs["themes"], docs["themes_basis"])]}),
        docs.assign(applies_to=docs["applies_to"].map(", ".join), themes=docs["themes"].map(", ".join),
                    sources=docs["sources"].map(" ; ".join), n_targets=docs["targets"].map(len),
                    stale=docs["id"].map(old_by_id)).drop(columns=["targets", "summary"]),
        caption=f"De beleidsdocumenten voor {region_md}: status, controle en bron",
        source=REGISTER_SOURCE + ".",
        note=(f"De status is die op de datum van controle. 'Mogelijk verouderd': langer dan {stale_days} dagen "
              f"voor de editiedatum ({fmt_date(as_of)}) gecontroleerd. De link bij elk document gaat naar de "
              "eerste bron: het officiële document of de eigen pagina van de organisatie, tenzij 'alleen "
              "secundaire bronnen' er staat.")))
    ch.add("voortgangsrapporten", Table(
        pd.DataFrame({"Rapport": [link(t, s[0]) for t, s in zip(reports["title"], reports["sources"])],
                      "Jaar": reports["year_adopted"].astype(str),
                      "Wat het meet": reports["no_numeric_target_note"].fillna("").str.replace(r"\s+", " ", regex=True)}),
        reports.assign(applies_to=reports["applies_to"].map(", ".join), themes=reports["themes"].map(", ".join),
                       sources=reports["sources"].map(" ; ".join)).drop(columns=["targets", "summary"]),
        caption="Voortgangsrapporten: ze meten, maar stellen geen beleid vast",
        source=REGISTER_SOURCE + ".",
        note="Deze rapporten tellen niet mee als beleidsdocument.") if len(reports) else None)

    # --- timeline
    spans = policies.timeline_spans(docs, until=year)
    n_geldend = int((docs["status"] == "geldend").sum())
    n_open = int(spans["open_end"].sum())
    ch.fact("n_geldend", n_geldend, fmt_int(n_geldend))
    ch.fact("n_open", n_open, fmt_int(n_open))
    first, last = spans.loc[spans["span_start"].idxmin()], spans.loc[spans["span_end"].idxmax()]
    ch.add("tijdlijn", Figure.of(
        charts.spans(spans, "span_start", "span_end", "label", "level_label", label="period_text",
                     marker="adopted_mid", open_end="open_end",
                     group_order=[LEVEL_LABELS[lvl] for lvl in researched],
                     title=f"Looptijd van de beleidsdocumenten voor {area.name}",
                     description=(f"Tijdlijn van {plural(len(spans), 'document', 'documenten')}. Het oudste begint in "
                                  f"{first['span_start']} ({first['label']}); de langste lopen tot "
                                  f"{last['span_end'] - 1}. {plural(n_geldend, 'document geldt', 'documenten gelden')} "
                                  f"nog; van {n_open} daarvan is geen einddatum bekend.")),
        spans[["id", "level", "label", "year_adopted", "span_start", "span_end", "open_end", "period_text", "status"]],
        caption=("Looptijd van elk document (balk) en het jaar waarin het is vastgesteld of gepubliceerd (symbool). "
                 "Lichte balk: het document geldt nog, maar de bron noemt geen einddatum. "
                 "De tekst rechts geeft de periode in woorden."),
        source=REGISTER_SOURCE + "; periode en status zoals de bronnen die noemen.",
        note="Bij 'gepubliceerd in' gaat het om een brief of mededeling zonder eigen looptijd."))

    _measurements(ch, area, year, register, docs, inputs)
    _register_facts(ch, register, docs, old, as_of)
    _funding(ch, inputs.funding, as_of, stale_days)
    value, text = pillar_fact(docs)
    ch.fact("rijk_mkb_pijler", value, text)
    return ch


def _gap_row(frame, indicator, geo):
    if frame is None:
        return None
    rows = frame[(frame["indicator"] == indicator) & (frame["geo"] == geo)]
    return rows.iloc[0] if len(rows) else None


def _measurements(ch: Chapter, area: Region, year: int, register: pd.DataFrame, docs: pd.DataFrame,
                  inputs: Inputs) -> None:
    dii = eurostat.digital_intensity(inputs.dii_raw)
    dii = dii[dii["year"] <= year].reset_index(drop=True)
    ai = eurostat.ai_use(inputs.ai_raw)
    ai = ai[ai["year"] <= year].reset_index(drop=True)
    mon = inputs.nl_monitoring

    # targets from the register, one place
    t_nl = policies.target(register, policies.IND_DII_BASIC, "NL")
    t_eu = policies.target(register, policies.IND_DII_BASIC, "EU")
    t_cloud = policies.target(register, policies.IND_CLOUD_AI_BIGDATA, "EU")
    ch.fact("doel_nl", t_nl.value, t_nl.text)
    ch.fact("doel_eu", t_eu.value, t_eu.text)
    ch.fact("doel_jaar", t_nl.year, str(t_nl.year))
    ch.fact("doel_cloud", t_cloud.value, t_cloud.text)
    ch.fact("doel_populatie", t_nl.measured_on, t_nl.measured_on or "niet vermeld")

    # baseline of the Dutch ambition against Eurostat
    base = mon[(mon["indicator"] == "mkb met ten minste basisniveau digitalisering")
               & mon["reference_year"].notna()].sort_values("reference_year")
    nl_series = eurostat.dii_series(dii)
    if len(base):
        b = base.iloc[0]
        base_year = int(b["reference_year"])
        nl_base = nl_series[(nl_series["geo"] == "NL") & (nl_series["year"] == base_year)]["value"]
        ch.fact("nulmeting", float(b["percentage"]), f"{pct(b['percentage'])} in {base_year}")
        ch.fact("nulmeting_jaar", base_year, str(base_year))
        ch.fact("nulmeting_eurostat", float(nl_base.iloc[0]) if len(nl_base) else None,
                pct(nl_base.iloc[0], 2) if len(nl_base) else "onbekend")
    else:
        for key in ("nulmeting", "nulmeting_jaar", "nulmeting_eurostat"):
            ch.fact(key, None, "onbekend")

    if nl_series.empty:
        first = int(eurostat.digital_intensity(inputs.dii_raw)["year"].min())
        ch.add("dii-mkb", Note(f"Eurostat meet de digitale intensiteit in deze gegevens pas vanaf {first}; "
                               f"voor {year} zijn er geen cijfers."))
        ch.add("dii-versies", None)
    else:
        s = nl_series
        v3 = sorted(s.loc[s["dii_version"] == 3, "year"].unique())
        v4 = sorted(s.loc[s["dii_version"] == 4, "year"].unique())
        last = s.sort_values("year").groupby("geo").tail(1).set_index("geo")
        by_year = s.pivot(index="year", columns="geo", values="value")
        above = bool((by_year["NL"] > by_year["EU27_2020"]).all()) if "EU27_2020" in by_year else False
        ch.add("dii-mkb", Figure.of(
            charts.grouped_bars(
                s.assign(value=s["value"].round(1)), "value", "year_label", "geo_name",
                value_title="% van het mkb (10 tot 250 werkzame personen)", group_order=["Nederland", "EU27"],
                title="Mkb met ten minste een basisniveau van digitale intensiteit",
                description=(f"In {last.loc['NL', 'year']} had {pct(last.loc['NL', 'value'])} van het Nederlandse mkb "
                             f"ten minste een basisniveau van digitale intensiteit, in de EU27 "
                             f"{pct(last['value'].get('EU27_2020'))}. "
                             + ("Nederland ligt in elk jaar boven de EU27. " if above else "")
                             + "De jaren staan per versie van de index bij elkaar.")),
            s[["geo", "geo_name", "year", "dii_version", "value", "flag"]],
            caption=("Aandeel van het mkb (10 tot 250 werkzame personen) met ten minste een basisniveau van digitale "
                     "intensiteit, Nederland en EU27, per jaar en versie van de index."),
            source=DII_SOURCE + ", indicatoren E_DI3_GELO en E_DI4_GELO."))
        ch.add("dii-versies", Note(
            f"Eurostat stelt de index elk jaar samen uit een andere lijst van technieken: versie 3 in "
            f"{join_nl(map(str, v3)) or 'geen jaar'}, versie 4 in {join_nl(map(str, v4)) or 'geen jaar'}. Cijfers van "
            "verschillende versies zijn niet vergelijkbaar. Een stijging of daling tussen een jaar met versie 3 en een "
            "jaar met versie 4 zegt dus niets. Vergelijk alleen jaren met dezelfde versie; daarom staan ze apart."))

    if dii.empty:
        ch.add("dii-grootte", None)
        ch.add("dii-alle-jaren", None)
    else:
        latest_year = int(dii["year"].max())
        latest_version = int(dii.loc[dii["year"] == latest_year, "dii_version"].iloc[0])
        sizes = dii[dii["year"] == latest_year].assign(geo_name=lambda d: d["geo"].map(eurostat.GEO_NAMES))
        small = sizes[sizes["size_emp"] == "10-49"].set_index("geo")["value"]
        nl_sizes = sizes[sizes["geo"] == "NL"].set_index("size_emp")["value"].reindex(["10-49", "50-249", "GE250"])
        grows = bool(nl_sizes.notna().all() and nl_sizes.is_monotonic_increasing)
        ch.add("dii-grootte", Figure.of(
            charts.grouped_bars(
                sizes.assign(value=sizes["value"].round(1)), "value", "size_label", "geo_name",
                value_title="% van de bedrijven in de grootteklasse", group_order=["Nederland", "EU27"],
                title=f"Ten minste basisniveau van digitale intensiteit naar bedrijfsgrootte, {latest_year}",
                description=(("Hoe groter het bedrijf, hoe vaker het ten minste een basisniveau heeft. " if grows else "")
                             + f"In {latest_year} gold dat voor {pct(small.get('NL'))} van de kleine Nederlandse "
                               f"bedrijven (10 tot 50 werkzame personen), tegen {pct(small.get('EU27_2020'))} in de EU27.")),
            sizes[["geo", "geo_name", "size_emp", "size_label", "year", "dii_version", "value", "flag"]],
            caption=(f"Aandeel bedrijven met ten minste een basisniveau van digitale intensiteit, naar grootteklasse "
                     f"(werkzame personen), Nederland en EU27, {latest_year} (versie {latest_version} van de index)."),
            source=DII_SOURCE + "."))
        wide = eurostat.dii_table(dii)
        periods = [c for c in wide.columns if "DII" in c]
        shown = wide[["size_label", "geo_name"] + periods].copy()
        for c in periods:
            shown[c] = shown[c].map(pct)
        shown.columns = ["Grootteklasse", "Gebied"] + [c.replace("DII ", "") for c in periods]
        ch.add("dii-alle-jaren", Table(
            shown, wide, caption=("Ten minste basisniveau van digitale intensiteit, alle grootteklassen en jaren "
                                  "(eerst versie 3, dan versie 4)"),
            source=DII_SOURCE + ".", note="Vergelijk alleen kolommen met dezelfde versie (v3 of v4)."))

    # EU rank (the Rijk's top-3 ambition)
    members = eurostat.digital_intensity(inputs.dii_raw, geos=eurostat.EU27_MEMBERS, size_classes=("10-249",))
    ranks = eurostat.eu_ranks(members[members["year"] <= year]).set_index("year")
    targets = policies.targets_table(docs)
    rank_targets = targets[targets["unit"].str.startswith("rangpositie") & (targets["mkb_digitalisation"] == "ja")]
    ch.fact("top_n", int(rank_targets["value"].iloc[0]) if len(rank_targets) else None,
            fmt_int(rank_targets["value"].iloc[0]) if len(rank_targets) else "onbekend")
    ch.fact("top_jaar", int(rank_targets["target_year"].iloc[0]) if len(rank_targets) else None,
            str(int(rank_targets["target_year"].iloc[0])) if len(rank_targets) else "onbekend")
    if ranks.empty:
        for key in ("rang_jaar", "rang", "rang_landen"):
            ch.fact(key, None, "onbekend")
        ch.fact("rang_v4", None, Md(""))
    else:
        top = ranks.iloc[-1]
        ch.fact("rang_jaar", int(ranks.index[-1]), f"{ranks.index[-1]} (versie {int(top['dii_version'])} van de index)")
        ch.fact("rang", int(top["rank"]), str(int(top["rank"])))
        ch.fact("rang_landen", int(top["members"]), str(int(top["members"])))
        other = ranks[ranks["dii_version"] != top["dii_version"]]
        if len(other):
            o = other.iloc[-1]
            same = int(o["rank"]) == int(top["rank"])
            ch.fact("rang_v4", int(o["rank"]), Md(
                f"Met de andere versie van de index ({other.index[-1]}) was dat {'ook ' if same else ''}plaats "
                f"{int(o['rank'])} van {int(o['members'])}." + ("" if same else " De plaats hangt dus af van de versie.")))
        else:
            ch.fact("rang_v4", None, Md(""))

    # AI
    if ai.empty:
        ch.fact("ai_nl", None, "onbekend")
        ch.fact("ai_eu", None, "onbekend")
        ch.fact("ai_jaar", None, str(year))
        ch.add("ai-gebruik", Note(f"Eurostat-cijfers over het gebruik van AI zijn in deze gegevens niet beschikbaar "
                                  f"voor {year} of eerder."))
    else:
        ai_year = int(ai["year"].max())
        a = ai[ai["year"] == ai_year].assign(gebied=lambda d: d["geo"].map(eurostat.GEO_NAMES))
        v = a.set_index("geo")["value"]
        ch.fact("ai_nl", v.get("NL"), pct(v.get("NL")))
        ch.fact("ai_eu", v.get("EU27_2020"), pct(v.get("EU27_2020")))
        ch.fact("ai_jaar", ai_year, str(ai_year))
        breaks = a[a["flag"].fillna("").str.contains("b")]["gebied"].tolist()
        ch.add("ai-gebruik", Figure.of(
            charts.hbar(a.assign(value=a["value"].round(1)), "value", "gebied", fmt=".1f",
                        value_title="% van de bedrijven (10 of meer werkzame personen)",
                        title=f"Bedrijven die AI gebruiken, {ai_year}",
                        description=(f"In {ai_year} gebruikte {pct(v.get('NL'))} van de Nederlandse bedrijven met 10 of "
                                     f"meer werkzame personen ten minste één AI-techniek, in de EU27 "
                                     f"{pct(v.get('EU27_2020'))}.")),
            a[["geo", "gebied", "size_emp", "year", "indicator", "value", "flag"]],
            caption=f"Aandeel bedrijven met 10 of meer werkzame personen dat ten minste één AI-techniek gebruikt, {ai_year}.",
            source=AI_SOURCE + ", indicator E_AI_TANY.",
            note=(f"Eurostat markeert het cijfer van {join_nl(breaks)} met een breuk in de tijdreeks: vergelijk het "
                  "niet zonder meer met eerdere jaren." if breaks else "")))

    # targets next to the latest measurement
    gaps = eurostat.target_gaps(eurostat.latest_dii_basic(dii), targets)
    gaps_v4 = eurostat.target_gaps(eurostat.latest_dii_basic(dii, version=4), targets) \
        if (dii["dii_version"] == 4).any() else None
    nl, eu = _gap_row(gaps, policies.IND_DII_BASIC, "NL"), _gap_row(gaps, policies.IND_DII_BASIC, "EU27_2020")
    nl4, eu4 = _gap_row(gaps_v4, policies.IND_DII_BASIC, "NL"), _gap_row(gaps_v4, policies.IND_DII_BASIC, "EU27_2020")

    def num(row, column):
        return None if row is None or pd.isna(row[column]) else float(row[column])

    ch.fact("nl_mkb", num(nl, "latest_value"), pct(num(nl, "latest_value")))
    ch.fact("eu_mkb", num(eu, "latest_value"), pct(num(eu, "latest_value")))
    dii_year = None if nl is None or pd.isna(nl["latest_year"]) else int(nl["latest_year"])
    ch.fact("dii_jaar", dii_year, or_unknown(dii_year, str))
    ch.fact("gap_nl", num(nl, "gap_pp"), pp(num(nl, "gap_pp")))
    ch.fact("gap_eu", num(eu, "gap_pp"), pp(num(eu, "gap_pp")))
    ch.fact("gap_nl_v4", num(nl4, "gap_pp"), pp(num(nl4, "gap_pp")))
    ch.fact("gap_eu_v4", num(eu4, "gap_pp"), pp(num(eu4, "gap_pp")))
    v4_year = None if nl4 is None or pd.isna(nl4["latest_year"]) else int(nl4["latest_year"])
    ch.fact("v4_jaar", v4_year, or_unknown(v4_year, str))
    titles = docs.set_index("id")["title"]

    def measured(row):
        if pd.isna(row["latest_value"]):
            return "geen meting in deze gegevens"
        return f"{pct(row['latest_value'])} ({int(row['latest_year'])}, DII {row['source'].rsplit('DII ', 1)[-1]})"

    ch.add("doelen-en-meting", Table(
        pd.DataFrame({
            "Document": gaps["policy_id"].map(titles).map(lambda t: policies.short_title(t, 40)),
            "Gebied": gaps["geo"].map(eurostat.GEO_NAMES),
            "Doel": [f"{ind}: {policies.target_text(v, '%')} in {y}" for ind, v, y in
                     zip(gaps["indicator"], gaps["target_value"], gaps["target_year"])],
            "Laatste meting": [measured(r) for _, r in gaps.iterrows()],
            "Afstand tot het doel": gaps["gap_pp"].map(pp)}),
        gaps,
        caption=(f"Doelen voor {join_nl(map(str, sorted(gaps['target_year'].unique())))} naast de laatste meting, "
                 "met de afstand in procentpunten"),
        source=f"doelen: {REGISTER_SOURCE}; metingen: {DII_SOURCE}, mkb = 10 tot 250 werkzame personen.",
        note=("Voor het gebruik van cloud, AI of big data samen hebben de gegevens van dit boek geen meting; "
              "de afstand tot dat doel is daarom onbekend. Het EU-doel is 'meer dan' de genoemde waarde; het staat "
              "in het Digitaal kompas en is wettelijk vastgelegd in Besluit (EU) 2022/2481.")))

    # the Rijk's own figures
    n_unsure = int((mon["certainty"] == "onzeker").sum())
    ch.fact("n_meetjaar_onbekend", int(mon["reference_year"].isna().sum()), fmt_int(int(mon["reference_year"].isna().sum())))
    ch.fact("n_rijkscijfers", len(mon), fmt_int(len(mon)))
    ch.add("rijk-monitoring", Table(
        pd.DataFrame({
            "Wat": mon["indicator"],
            "Percentage": mon["percentage"].map(pct),
            "Gepubliceerd (meetjaar)": [f"{p} ({'meetjaar onbekend' if pd.isna(y) else f'meetjaar {int(y)}'})"
                                        for p, y in zip(mon["published"], mon["reference_year"])],
            "Toelichting": mon["reference_year_note"] + mon["certainty"].map(lambda c: " (onzeker)" if c == "onzeker" else ""),
            "Bron": mon["source_url"].map(lambda s: sources_links(u.strip() for u in s.split(";")))}),
        mon, caption="Cijfers die het Rijk zelf noemt over de digitalisering van het mkb",
        source="Rijksoverheid en secundaire bronnen (links in de tabel); `data/nl_mkb_digitalisering_monitoring.csv`.",
        note=(f"{n_unsure} van de {len(mon)} cijfers {'is' if n_unsure == 1 else 'zijn'} onzeker: de bron noemt het "
              "meetjaar of de precieze maat niet, of alleen een secundaire bron noemt ze." if n_unsure else "")))

    # firms below 10 persons
    cbs = inputs.cbs
    assessed = policies.self_assessed_digitisation(cbs)
    low = policies.low_digitisation(cbs).set_index("size_class")["percentage"]
    ch.fact("micro_2", low.get("2"), pct(low.get("2"), 0))
    ch.fact("micro_50_100", low.get("50-100"), pct(low.get("50-100"), 0))
    by_size = low.drop(index="2 of meer", errors="ignore")
    trend = bool(by_size.is_monotonic_decreasing and len(by_size) > 1)
    ch.fact("micro_trend", trend, Md("Hoe kleiner het bedrijf, hoe vaker het zichzelf niet of nauwelijks "
                                     "gedigitaliseerd vindt." if trend else ""))
    micro = None
    if inputs.size_counts is not None:
        try:
            micro = policies.micro_share(inputs.size_counts)
        except ValueError:
            micro = None
    if micro:
        period = micro["period"]
        ch.fact("micro_aandeel", micro["share_pct"], pct(micro["share_pct"]))
        ch.fact("micro_n", micro["below_ten"], fmt_int(micro["below_ten"]))
        ch.fact("micro_totaal", micro["total"], fmt_int(micro["total"]))
        ch.fact("micro_periode", period, Md(f"CBS, {esc(period[-1])}e kwartaal {esc(period[:4])}" if "K" in period
                                            else f"CBS, {esc(period)}"))
    else:
        for key in ("micro_aandeel", "micro_n", "micro_totaal"):
            ch.fact(key, None, "onbekend")
        ch.fact("micro_periode", None, Md("CBS-telling niet in de gegevens"))
    table_year = int(assessed["year"].iloc[0])
    ch.fact("cbs_jaar", table_year, str(table_year))
    ch.add("cbs-digitalisering-2019", Figure.of(
        charts.grouped_bars(
            assessed, "percentage", "size_label", "category", value_title="% van de bedrijven", fmt=".0f",
            group_order=list(policies.DIGITISATION_LEVELS),
            title=f"Hoe gedigitaliseerd vinden bedrijven zichzelf? Naar aantal werkzame personen, {table_year}",
            description=(f"In {table_year} vond {pct(low.get('2'), 0)} van de bedrijven met 2 werkzame personen zichzelf "
                         f"niet of nauwelijks gedigitaliseerd, tegen {pct(low.get('50-100'), 0)} bij 50 tot 100 werkzame "
                         "personen." + (" Hoe kleiner het bedrijf, hoe vaker het zichzelf weinig gedigitaliseerd vindt."
                                        if trend else ""))),
        assessed,
        caption=(f"Eigen inschatting van de mate van digitalisering, naar aantal werkzame personen, Nederland, "
                 f"{table_year} (procent van de bedrijven per grootteklasse)."),
        source=f"CBS, tabel {esc(assessed['cbs_table'].iloc[0])}; `data/cbs_digitalisering_grootteklasse.csv`.",
        note=(f"Dit zijn cijfers uit {table_year}. Door afronding tellen de vijf groepen op tot 99 à 101 procent. "
              "'3 tot 5' betekent 3 of 4 werkzame personen.")))
    other = policies.other_cbs_series(cbs)
    rows = []
    for (category, year_, cbs_table), part in other.groupby(["category", "year", "cbs_table"], sort=False):
        remark = part["note"].fillna("").iloc[0].replace("% van bedrijven", "").strip("; ")
        rows.append({"Onderwerp": category, "Jaar": str(year_), "CBS-tabel": cbs_table,
                     "Aandeel per aantal werkzame personen": "; ".join(
                         f"{s}: {pct(v, 0)}" for s, v in zip(part["size_label"], part["percentage"])),
                     "Opmerking": remark[:1].upper() + remark[1:]})
    ch.add("cbs-overige-reeksen", Table(
        pd.DataFrame(rows), other,
        caption=(f"Andere CBS-cijfers over digitale middelen, naar aantal werkzame personen "
                 f"(Nederland, {other['year'].min()}–{other['year'].max()})"),
        source="CBS, tabellen " + esc(join_nl(sorted(other["cbs_table"].unique())))
               + "; `data/cbs_digitalisering_grootteklasse.csv`.",
        note="Elke tabel gebruikt eigen grootteklassen en een eigen jaar. Vergelijk alleen binnen één tabel."))


def _register_facts(ch: Chapter, register: pd.DataFrame, docs: pd.DataFrame, old: pd.Series, as_of: dt.date) -> None:
    policy = register["kind"] == "beleid"
    dates = sorted(register["checked"].unique())
    ch.fact("gecontroleerd", dates, join_nl(fmt_date(d) for d in dates))
    ch.fact("editiedatum", as_of, fmt_date(as_of))
    n_unsure = int((register.loc[policy, "certainty"] == "onzeker").sum())
    ch.fact("n_onzeker", n_unsure, fmt_int(n_unsure))
    n_secondary = int((docs["source_quality"] == "secundair").sum())
    ch.fact("n_secundair", n_secondary, fmt_int(n_secondary))
    old_docs = docs[docs["id"].isin(set(register.loc[old.to_numpy(), "id"]))]
    ch.fact("n_verouderd", len(old_docs), fmt_int(len(old_docs)))
    ch.fact("verouderd_zin", len(old_docs), md(
        "Alle documenten zijn minder dan een jaar voor de editiedatum ({d}) gecontroleerd." if old_docs.empty else
        "Van {n} is de laatste controle langer dan een jaar voor de editiedatum ({d}): hun status kan verouderd "
        "zijn ({titles}).", d=fmt_date(as_of), n=plural(len(old_docs), "document", "documenten"),
        titles=join_nl(old_docs["title"])))


def _funding(ch: Chapter, routes: pd.DataFrame, as_of: dt.date, days: int) -> None:
    f = funding.facts(routes, as_of, days)
    ch.fact("n_routes", f["n_routes"], fmt_int(f["n_routes"]))
    ch.fact("routes_bruikbaar", f["routes_usable"], join_nl(f["routes_usable"]) or "geen")
    rejected = f["routes_rejected"]
    ch.fact("routes_zin", f, (
        f"Het register noemt {plural(f['n_routes'], 'financieringsroute', 'financieringsroutes')}; "
        f"{plural(len(f['routes_usable']), 'daarvan loopt', 'daarvan lopen')} nu of {'staat' if len(f['routes_usable']) == 1 else 'staan'} open"
        + (f", en {len(rejected)} Utrechtse aanvraag is afgewezen ({join_nl(rejected)})." if len(rejected) == 1 else
           f", en {len(rejected)} Utrechtse aanvragen zijn afgewezen." if rejected else ".")))
    ch.add("financieringsroutes", funding.table(routes, as_of, days))
