"""Chapter 6, "Monitoring van de initiatieven": what the initiatives report each year, and the indicators.

``compute(region, year, settings)`` builds the whole chapter from the monitoring register
(data/monitoring.yml, via :mod:`mkbbook.monitoring`), the register of initiatives, the register
coverage (data/coverage.yml), the sector focus of chapter 4 and the yearly ambition
(``settings.ambition_per_year``). Records about years after the edition year are left out.
The book never fills in missing numbers: with no records the chapter says so and shows no results.

Facts (glue keys; value, then what the text says):

- ``regio_naam``: the region's name.
- ``ambitie``: the ambition per year (int), e.g. "250".
- ``n_records``: number of monitoring records for the region's mkb initiatives up to the edition year (int).
- ``laatste_jaar``: the latest year with records, or the edition year without records (int).
- ``geholpen``: mkb'ers helped in ``laatste_jaar`` (int, None without records); "onbekend" without records.
- ``pct_ambitie``: helped in ``laatste_jaar`` as % of the ambition (float or None).
- ``kern_stand``: sentence: how many mkb'ers were helped in the latest year against the ambition,
  or that there are no records yet.
- ``kern_bereik``: sentence: of how many initiatives that help mkb'ers with digitalisation in the edition year
  (chapter 2's ``n_hulp_nu``) the number helped per year is not known (chapter 2's ``n_bereik_per_jaar``).
- ``kern_lopend``: sentence: how many of the regional initiatives that helped in the latest year reported (or
  could report first), or that regional initiatives were not researched for this region.
- ``prioriteiten``: the sector groups with priority (value: list of codes); text "a (X), b (Y) en c (Z)",
  or "geen".
- ``prioriteiten_zin``: sentence naming the sectors with priority from chapter 4 (or saying there are none);
  ``kern_prioriteiten``: the same as a key message of the monitoring.
- ``n_lopend``: regional initiatives that are current help in ``laatste_jaar`` (running, for mkb, main theme
  digitalisation: the set ``hulp_nu`` of chapter 2) (int; None and "niet onderzocht" when not researched).
- ``lopend_zin``: sentence: "Voor 2025 zijn dat 3 initiatieven." (singular, none, not researched).
- ``stand_resultaten``: sentence introducing the results (or saying there are none yet).
- ``noot_stand``: sentence on the state of the register (records, latest report date).

Exhibits: ``monitoring-indicatoren`` (table), ``monitoring-prioritaire-sectoren`` (table or None),
``monitoring-lopende-initiatieven`` (table or note), ``monitoring-geen-gegevens`` (note or None), and, only
with records: ``monitoring-geholpen-per-jaar``, ``monitoring-grootteklasse``, ``monitoring-sectoren``,
``monitoring-gemeenten`` (figures; a note for a single municipality), ``monitoring-volledigheid`` (figure),
``monitoring-indicatoren-per-jaar`` (table).
"""

from __future__ import annotations

import pandas as pd

from .. import charts, coverage, geography
from .. import initiatives as ini
from .. import monitoring as mon
from ..dutch import fmt_int, fmt_pct, join_nl, or_unknown, plural
from ..regions import Region
from ..result import Chapter, Figure, Md, Note, Table, esc, link, md
from ..sectors import SECTOR_GROUPS
from ..settings import Settings
from . import chapter

SOURCE = "monitoringregister `data/monitoring.yml` (cijfers zoals de initiatieven ze zelf rapporteren)"
STUDY_NAME = "studie van de werkgroep digitalisering mkb regio Utrecht (Birch)"
MKBER, MKBERS = "mkb'er", "mkb'ers"
SIZE_LABELS = {**ini.LABELS["target_size_classes"], mon.UNKNOWN: "onbekend"}


def _pct(value, digits: int = 0) -> str:
    return or_unknown(value, lambda v: fmt_pct(v, digits))


def sector_name(code: str) -> str:
    """'zakelijke dienstverlening (M-N)'."""
    return f"{SECTOR_GROUPS[code].lower()} ({code})"


def priority_sectors(area: Region, year: int, settings: Settings) -> list[str]:
    """The sector groups with priority, as chapter 4 proposes them (its fact ``prioriteiten``: the robust focus)."""
    from . import demand as chapter_4

    return list(chapter_4.compute(area, year, settings)["prioriteiten"])


def running_in(initiatives: pd.DataFrame, year: int, max_age_years: int) -> list[str]:
    """Ids of the initiatives that are current help in ``year``: running in that year, for mkb, main theme
    digitalisation (the set ``hulp_nu`` of mkbbook.initiatives.supply_sets, as in chapter 2), sorted."""
    sets = ini.supply_sets(initiatives, year, max_age_years)
    return sorted(sets.loc[sets["supply_set"] == "hulp_nu", "id"])


def help_now(area: Region, year: int, settings: Settings) -> tuple[int, int]:
    """From chapter 2: the initiatives that help mkb'ers with digitalisation in the year, and how many of them
    have a reach figure per year."""
    from . import initiatives as chapter_2

    supply = chapter_2.compute(area, year, settings)
    return int(supply["n_hulp_nu"]), int(supply["n_bereik_per_jaar"])


@chapter
def compute(area: Region, year: int, settings: Settings) -> Chapter:
    records = mon.load_monitoring(mon.MONITORING_FILE)
    return build(area, year, settings, records, priority_sectors(area, year, settings), help_now(area, year, settings))


def build(area: Region, year: int, settings: Settings, register: pd.DataFrame, priorities: list[str],
          current_help: tuple[int, int]) -> Chapter:
    """The chapter from a loaded monitoring register, the sectors with priority (chapter 4) and the current help
    (chapter 2: initiatives helping in the year, of which with a reach figure per year). Tests pass fixtures."""
    ch = Chapter("monitoring")
    ambition = settings.ambition_per_year
    max_age = settings.get("initiatives", "status_max_age_years", kind=int)
    study = link(STUDY_NAME, settings.ambition_source)
    geo = geography.municipalities()
    province_of = dict(zip(geo["gemeentecode"], geo["provinciecode"]))
    municipality_name = dict(zip(geo["gemeentecode"], geo["gemeentenaam"]))
    researched = coverage.load("initiatives").covers(area)

    reaching = ini.reaching_region(ini.load_initiatives(), set(area.codes), province_of)
    mkb = reaching[reaching["audience"] == "mkb"]
    regional = reaching[reaching["level"] == "regionaal"]
    records = mon.for_initiatives(register, mkb["id"])
    records = records[records["year"] <= year].reset_index(drop=True)
    years = sorted(int(y) for y in records["year"].unique())
    has_data = bool(years)
    last = years[-1] if has_data else int(year)
    running = running_in(regional, last, max_age) if researched else []
    reporting = mon.reporting_coverage(records, running, last)

    ch.fact("regio_naam", area.name)
    ch.fact("ambitie", ambition, fmt_int(ambition))
    ch.fact("n_records", len(records), fmt_int(len(records)))
    ch.fact("laatste_jaar", last, str(last))

    # --- key messages -------------------------------------------------------------------------
    helped = mon.helped_per_year(records, ambition)
    small = mon.small_share(records)
    sectors = mon.sector_coverage(records, priorities)
    places = mon.municipality_coverage(records, area.codes)
    now = {name: (t[t["year"] == last].to_dict("records") or [{}])[0]
           for name, t in (("helped", helped), ("small", small), ("sectors", sectors), ("places", places))}
    n_helped = now["helped"].get("helped")
    pct_ambition = now["helped"].get("pct_of_target")
    ch.fact("geholpen", n_helped, or_unknown(n_helped))
    ch.fact("pct_ambitie", pct_ambition, _pct(pct_ambition))
    n_initiatives = int(records["initiative"].nunique())
    if has_data:
        ch.fact("kern_stand", helped_sentence(last, n_initiatives, n_helped, pct_ambition, ambition,
                                              now["places"]["helped_in_region"], area.name))
    else:
        ch.fact("kern_stand", "Er zijn nog geen monitoringcijfers. Daarom laat dit hoofdstuk nog niet zien hoeveel "
                              "mkb'ers de initiatieven helpen, en ook niet of de ambitie van "
                              f"{fmt_int(ambition)} per jaar wordt gehaald.")
    bereik = reach_sentence(current_help[0], current_help[0] - current_help[1], year)
    if not researched:
        bereik += (f" Regionale en gemeentelijke initiatieven zijn voor {area.name} niet onderzocht; "
                   "het register telt hier alleen landelijke en Europese regelingen.")
    ch.fact("kern_bereik", bereik)
    ch.fact("kern_lopend", _running_sentence(area, last, researched, running, reporting, has_data))

    # --- sectors with priority ----------------------------------------------------------------
    names = [sector_name(c) for c in priorities]
    ch.fact("prioriteiten", list(priorities), join_nl(names) if names else "geen")
    if names:
        ch.fact("prioriteiten_zin", f"Het hoofdstuk over vraag en aanbod stelt voor {area.name} "
                                    f"{'deze sector' if len(names) == 1 else 'deze sectoren'} voor: "
                                    f"{join_nl(names)}.")
        ch.fact("kern_prioriteiten", f"De monitoring laat ook zien of de hulp "
                                     f"{'de sector' if len(names) == 1 else 'de sectoren'} bereikt die voorrang "
                                     f"{'krijgt' if len(names) == 1 else 'krijgen'}: {join_nl(names)}.")
    else:
        ch.fact("kern_prioriteiten", "Het hoofdstuk over vraag en aanbod wijst geen sector aan die voorrang krijgt. "
                                     "De monitoring telt wel hoeveel mkb'ers per sector zijn geholpen.")
        ch.fact("prioriteiten_zin", f"Het hoofdstuk over vraag en aanbod wijst voor {area.name} geen sector aan "
                                    "die voorrang krijgt. De monitoring telt dan alleen hoeveel mkb'ers per sector "
                                    "zijn geholpen.")
    ch.fact("n_lopend", len(running) if researched else None, fmt_int(len(running)) if researched else
            "niet onderzocht")
    if researched:
        ch.fact("lopend_zin", f"In {last} {'was' if len(running) == 1 else 'waren'} dat "
                              f"{plural(len(running), 'initiatief', 'initiatieven')}.")
    else:
        ch.fact("lopend_zin", f"Regionale initiatieven zijn voor {area.name} niet onderzocht. Daarom is niet "
                              "bekend welke er lopen.")

    # --- state of the register ----------------------------------------------------------------
    if has_data:
        period = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        ch.fact("stand_resultaten",
                f"Het monitoringbestand bevat {plural(len(records), 'record', 'records')} van "
                f"{plural(n_initiatives, 'initiatief', 'initiatieven')} voor het mkb in {area.name}, over "
                f"{period}. De figuren tonen elk jaar met records; de tekst noemt het laatste jaar, {last}.")
        ch.fact("noot_stand", f"Stand van het monitoringbestand voor {area.name}: "
                              f"{plural(len(records), 'record', 'records')}, laatste rapportdatum "
                              f"{records['date'].max().strftime('%d-%m-%Y')}.")
    else:
        ch.fact("stand_resultaten", f"Er zijn nog geen monitoringcijfers voor {area.name}. Daarom staan hier nog "
                                    "geen resultaten. We vullen de lege plek bewust niet met schattingen.")
        ch.fact("noot_stand", "Stand van het monitoringbestand: nog geen records.")

    # --- exhibits ------------------------------------------------------------------------------
    ind = mon.indicators(ambition)
    ch.add("monitoring-indicatoren", Table(
        pd.DataFrame({"Indicator": ind["indicator"], "Definitie": ind["definitie"], "Eenheid": ind["eenheid"],
                      "Doel of vergelijking": ind["doel"],
                      "Veld in het bestand": ind["bronveld"].map(
                          lambda s: Md(", ".join(f"`{f}`" for f in s.split(", "))))}),
        ind, "Indicatoren van de monitoring",
        source=md("aanbevelingen 2, 3 en 5 van de ") + study + "; definities: dit boek "
               "(`src/mkbbook/monitoring.py`)."))
    ch.add("monitoring-prioritaire-sectoren", Table(
        pd.DataFrame({"Code": priorities, "Sectorgroep": [SECTOR_GROUPS[c] for c in priorities]}),
        pd.DataFrame({"sectorgroep": priorities, "naam": [SECTOR_GROUPS[c] for c in priorities]}),
        md("Sectoren met voorrang voor {name}", name=area.name),
        source="hoofdstuk {doc}`04_vraag_aanbod` (een modelschatting op basis van CBS-tabellen en het register "
               "van initiatieven).") if priorities else None)
    ch.add("monitoring-lopende-initiatieven", _running_table(area, last, researched, regional, running, records,
                                                             max_age))
    ch.add("monitoring-geen-gegevens", None if has_data else Note(
        "Er zijn nog geen monitoringcijfers, dus hier staan nog geen cijfers of figuren. Zodra er records in "
        "`data/monitoring.yml` staan, toont dit deel per jaar: het aantal geholpen mkb'ers naast de ambitie, de "
        "verdeling naar bedrijfsgrootte, het bereik van de sectoren met voorrang en van de gemeenten, en hoe "
        "volledig de cijfers zijn."))
    if has_data:
        _results(ch, area, settings, records, priorities, running, reporting, municipality_name, study,
                 helped=helped, small=small, sectors=sectors, places=places, now=now, years=years, last=last,
                 regional=regional, researched=researched, max_age=max_age)
    else:
        for key in ("monitoring-geholpen-per-jaar", "monitoring-grootteklasse", "monitoring-sectoren",
                    "monitoring-gemeenten", "monitoring-volledigheid", "monitoring-indicatoren-per-jaar"):
            ch.add(key, None)
    return ch


def helped_sentence(last: int, n_initiatives: int, helped: int, pct: float, ambition: int, in_region: int,
                    name: str) -> str:
    """'In 2025 hielpen de 3 initiatieven met een record samen 160 mkb'ers. Dat is 64% van ...'."""
    who = (f"hielp het enige initiatief met een record {plural(helped, MKBER, MKBERS)}" if n_initiatives == 1 else
           f"hielpen de {fmt_int(n_initiatives)} initiatieven met een record samen {plural(helped, MKBER, MKBERS)}")
    where = (f"Van hen {'zit' if in_region == 1 else 'zitten'} er {fmt_int(in_region)} aantoonbaar in {name}."
             if helped else "")
    return " ".join(filter(None, [f"In {last} {who}. Dat is {_pct(pct)} van de ambitie van {fmt_int(ambition)} "
                                  "per jaar.", where]))


def reach_sentence(n_now: int, n_unknown: int, year: int) -> str:
    """Of how many initiatives that help mkb'ers in the year the number helped per year is not known."""
    if n_now == 0:
        return f"Volgens het register biedt in {year} geen initiatief hulp bij digitalisering aan het mkb in de regio."
    if n_now == 1:
        return (f"Van het enige initiatief dat in {year} hulp bij digitalisering aan het mkb biedt, weten we "
                f"{'niet ' if n_unknown else ''}hoeveel mkb'ers het per jaar helpt.")
    if n_unknown == 0:
        return (f"Van alle {fmt_int(n_now)} initiatieven die in {year} hulp bij digitalisering aan het mkb bieden, "
                "weten we hoeveel mkb'ers ze per jaar helpen.")
    if n_unknown == n_now:
        return (f"Van geen van de {fmt_int(n_now)} initiatieven die in {year} hulp bij digitalisering aan het mkb "
                "bieden, weten we hoeveel mkb'ers ze per jaar helpen.")
    return (f"Van {fmt_int(n_unknown)} van de {fmt_int(n_now)} initiatieven die in {year} hulp bij digitalisering aan "
            "het mkb bieden, weten we niet hoeveel mkb'ers ze per jaar helpen.")


def sector_sentence(last: int, pct_priority, reached: int, n_priorities: int) -> str:
    """How far the help reached the sectors with priority in the latest year."""
    if n_priorities == 0:
        return f"Geholpen mkb'ers per sector in {last}; er zijn geen sectoren met voorrang."
    share = (f"In {last} kwam {_pct(pct_priority)} van de geholpen mkb'ers met bekende sector uit een sector met "
             "voorrang" if pct_priority is not None and not pd.isna(pct_priority) else
             f"In {last} is van geen enkele geholpen mkb'er de sector bekend")
    if n_priorities == 1:
        return f"{share}; de sector met voorrang is {'' if reached else 'niet '}bereikt."
    return (f"{share}; {fmt_int(reached)} van de {fmt_int(n_priorities)} sectoren met voorrang "
            f"{'is' if reached == 1 else 'zijn'} bereikt.")


def place_sentence(last: int, reached: int, n_municipalities: int, in_region: int, name: str) -> str:
    """In how many of the region's municipalities at least one mkb'er was helped."""
    if n_municipalities == 1:
        return (f"Volgens de uitsplitsing per gemeente {'is' if in_region == 1 else 'zijn'} in {last} "
                f"{plural(in_region, MKBER, MKBERS)} in {name} geholpen.")
    return (f"In {last} was in {fmt_int(reached)} van de {fmt_int(n_municipalities)} gemeenten van {name} minstens "
            f"één mkb'er geholpen ({_pct(reached / n_municipalities * 100)}).")


def reported_sentence(last: int, n_running: int, n_reported: int) -> str:
    """How many of the running regional initiatives have a record for the year."""
    if n_running == 1:
        return f"Het enige regionale initiatief dat in {last} liep, heeft {'een' if n_reported else 'geen'} record."
    return (f"{fmt_int(n_reported)} van de {fmt_int(n_running)} regionale initiatieven die in {last} liepen, "
            f"{'heeft' if n_reported == 1 else 'hebben'} een record.")


def _running_sentence(area, last, researched, running, reporting, has_data) -> str:
    if not researched:
        return (f"Regionale initiatieven zijn voor {area.name} niet onderzocht. Landelijke en Europese regelingen "
                "kunnen wel cijfers aanleveren.")
    n, k = len(running), reporting["n_reported"]
    if n == 0:
        return f"Volgens het register liep er in {last} geen regionaal initiatief voor het mkb in {area.name}."
    if n == 1:
        if not has_data:
            return (f"Als eerste kan het enige regionale initiatief voor het mkb dat in {last} liep jaarcijfers "
                    "aanleveren (zie de tabel verderop).")
        return (f"Het enige regionale initiatief voor het mkb dat in {last} liep, heeft "
                f"{'' if k else 'geen '}cijfers over {last} aangeleverd.")
    if not has_data:
        return (f"Als eerste kunnen de {fmt_int(n)} regionale initiatieven voor het mkb die in {last} liepen "
                "jaarcijfers aanleveren (zie de tabel verderop).")
    return (f"Van de {fmt_int(n)} regionale initiatieven voor het mkb die in {last} liepen, "
            f"{'heeft' if k == 1 else 'hebben'} er {fmt_int(k)} cijfers over {last} aangeleverd.")


def _running_table(area, last, researched, regional, running, records, max_age):
    if not researched:
        return Note(md("Regionale initiatieven zijn voor {name} niet onderzocht (zie `data/coverage.yml`).",
                       name=area.name))
    if not running:
        return Note(md("Volgens het register bood in {last} geen regionaal initiatief hulp bij digitalisering aan "
                       "het mkb in {name}.", last=last, name=area.name))
    sets = ini.supply_sets(regional, last, max_age).set_index("id")
    rows = sets.loc[running].reset_index()
    reported = set(records.loc[records["year"] == last, "initiative"])
    data = pd.DataFrame({"id": rows["id"], "name": rows["name"], "url": rows["sources"].map(lambda s: s[0]),
                         "organisations": rows["organisations"].map(", ".join),
                         "start_year": rows["start_year"].astype("Int64"),
                         "end_year": rows["end_year"].astype("Int64"),
                         f"status_{last}": rows["status_year"],
                         "status_as_of": rows["status_as_of"].astype("Int64"),
                         "stale": rows["stale"].astype(bool),
                         f"record_{last}": rows["id"].map(lambda i: i in reported)})
    shown = pd.DataFrame({
        "Initiatief": [link(n, u) for n, u in zip(data["name"], data["url"])],
        "Organisaties": data["organisations"],
        "Startjaar": data["start_year"].map(lambda v: or_unknown(v, str)),
        "Eindjaar": data["end_year"].map(lambda v: or_unknown(v, str)),
        f"Status in {last}": [ini.status_text(r) for _, r in rows.iterrows()],
        f"Record voor {last}": data[f"record_{last}"].map({True: "ja", False: "nee"}),
    })
    return Table(shown, data, md("Regionale initiatieven die in {last} hulp bij digitalisering aan het mkb in {name} "
                                 "bieden", name=area.name, last=last),
                 source="register van initiatieven `data/initiatives.yml` en monitoringregister "
                        "`data/monitoring.yml`.")


def _results(ch, area, settings, records, priorities, running, reporting, municipality_name, study, *,
             helped, small, sectors, places, now, years, last, regional, researched, max_age):
    ambition = settings.ambition_per_year
    year_order = [str(y) for y in years]

    # helped per year against the ambition
    in_region = places.set_index("year")["helped_in_region"]
    series = [("geholpen (heel werkgebied)", helped["helped"]),
              ("waarvan bekend in de regio", helped["year"].map(in_region)),
              (f"ambitie ({fmt_int(ambition)} per jaar)", pd.Series(ambition, index=helped.index))]
    per_year = pd.concat([pd.DataFrame({"jaar": helped["year"].astype(str), "reeks": label, "aantal": values})
                          for label, values in series], ignore_index=True)
    ch.add("monitoring-geholpen-per-jaar", Figure.of(
        charts.grouped_bars(per_year, "aantal", "jaar", "reeks", value_title="mkb'ers", fmt=".0f",
                            title=f"Geholpen mkb'ers per jaar en de ambitie van {fmt_int(ambition)}",
                            group_order=[s[0] for s in series],
                            description=ch.text("kern_stand")),
        helped.merge(places[["year", "helped_in_region"]], on="year"),
        caption="Geholpen mkb'ers per jaar, opgeteld over de initiatieven met een record, naast de ambitie.",
        source=SOURCE + "; ambitie: aanbeveling 2 van de " + study + ".",
        note=md("Het aantal geldt voor het hele werkgebied van elk initiatief. Alleen de uitsplitsing per gemeente "
                "laat zien welk deel in {name} zit; initiatieven zonder die uitsplitsing tellen daar niet mee.",
                name=area.name)))

    # size classes
    sizes = mon.split_counts(records, "by_size_class")
    sizes["aandeel_pct"] = sizes["helped"] / sizes.groupby("year")["helped"].transform("sum") * 100
    shown_sizes = sizes.assign(grootte=sizes["size_class"].map(SIZE_LABELS), jaar=sizes["year"].astype(str))
    s_now = now["small"]
    if s_now["pct_small"] is None or pd.isna(s_now["pct_small"]):
        small_text = f"In {last} is van geen enkele geholpen mkb'er de grootte bekend."
    else:
        small_text = (f"In {last} was {_pct(s_now['pct_small'])} van de geholpen mkb'ers met bekende grootte zzp'er, "
                      f"micro- of klein bedrijf; van {_pct(100 - s_now['pct_known_size'])} is de grootte onbekend.")
    ch.add("monitoring-grootteklasse", Figure.of(
        charts.grouped_bars(shown_sizes, "aandeel_pct", "grootte", "jaar", fmt=".0f",
                            value_title="aandeel van de geholpen mkb'ers (%)",
                            title="Geholpen mkb'ers naar bedrijfsgrootte", group_order=year_order,
                            description=small_text),
        sizes[["year", "size_class", "helped", "aandeel_pct"]],
        caption="Geholpen mkb'ers per grootteklasse, als aandeel van alle geholpen mkb'ers van het jaar.",
        source=SOURCE + "."))

    # sector groups
    sec = mon.split_counts(records, "by_sector")
    sec["priority"] = sec["sector"].isin(priorities)
    shown_sec = sec[sec["year"] == last].assign(label=lambda d: d["sector"].map(
        lambda c: "onbekend" if c == mon.UNKNOWN else ("* " if c in priorities else "") + SECTOR_GROUPS[c]))
    se_now = now["sectors"]
    sector_text = sector_sentence(last, se_now["pct_priority"], se_now["priorities_reached"], len(priorities))
    ch.add("monitoring-sectoren", Figure.of(
        charts.hbar(shown_sec, "helped", "label", value_title="geholpen mkb'ers",
                    title=f"Geholpen mkb'ers per sector, {last}", description=sector_text),
        sec,
        caption=f"Geholpen mkb'ers per sectorgroep in {last}"
                + ("; een \\* markeert een sector met voorrang" if priorities else "")
                + " (de download bevat alle jaren).",
        source=SOURCE + "; sectoren met voorrang: {doc}`04_vraag_aanbod`."))

    # municipalities
    mun = mon.split_counts(records, "by_municipality", sorted(area.codes))
    mun["gemeente"] = mun["municipality"].map(lambda c: municipality_name.get(c, "onbekend"))
    p_now = now["places"]
    place_text = place_sentence(last, p_now["reached"], p_now["n_municipalities"], p_now["helped_in_region"],
                                area.name)
    if len(area.codes) > 1:
        mun_now = mun[(mun["year"] == last) & (mun["municipality"] != mon.UNKNOWN)]
        ch.add("monitoring-gemeenten", Figure.of(
            charts.hbar(mun_now, "helped", "gemeente", value_title="geholpen mkb'ers",
                        title=f"Geholpen mkb'ers per gemeente, {last}", description=place_text),
            mun,
            caption=md("Geholpen mkb'ers per gemeente van {name} in {last} (de download bevat alle jaren).",
                       name=area.name, last=last),
            source=SOURCE + ".",
            note="Alleen records met een uitsplitsing per gemeente tellen mee; de rij onbekend in de download "
                 "bevat de rest."))
    else:
        ch.add("monitoring-gemeenten", Note(esc(place_text)))

    # completeness
    comp = mon.detail_completeness(records)
    shown_comp = comp.assign(uitsplitsing=comp["field"].map(mon.DETAIL_LABELS), jaar=comp["year"].astype(str))
    filled = join_nl(f"{r.uitsplitsing} {_pct(r.pct_filled)}" for r in shown_comp[shown_comp["year"] == last]
                     .itertuples())
    reported = reported_sentence(last, len(running), reporting["n_reported"]) + " " if researched and running else ""
    ch.add("monitoring-volledigheid", Figure.of(
        charts.grouped_bars(shown_comp, "pct_filled", "uitsplitsing", "jaar", fmt=".0f",
                            value_title="records met deze uitsplitsing (%)", title="Hoe volledig zijn de records?",
                            group_order=year_order,
                            description=f"{reported}Ingevuld in de records van {last}: {filled}."),
        comp, caption="Deel van de records waarin elke uitsplitsing is ingevuld, per jaar.", source=SOURCE + "."))

    # every indicator per year
    rows = []
    for y in years:
        rep = mon.reporting_coverage(records, running_in(regional, y, max_age) if researched else [], y)
        h, sm = helped.set_index("year").loc[y], small.set_index("year").loc[y]
        se, pl = sectors.set_index("year").loc[y], places.set_index("year").loc[y]
        rows.append({"year": y, "records": int(h["records"]), "helped": int(h["helped"]),
                     "helped_in_region": int(pl["helped_in_region"]), "pct_of_target": float(h["pct_of_target"]),
                     "pct_small": _none(sm["pct_small"]), "pct_priority": _none(se["pct_priority"]),
                     "priorities_reached": int(se["priorities_reached"]), "n_priorities": int(se["n_priorities"]),
                     "municipalities_reached": int(pl["reached"]), "n_municipalities": int(pl["n_municipalities"]),
                     "running": rep["n_running"] if researched else None,
                     "reported": rep["n_reported"] if researched else None})
    summary = pd.DataFrame(rows).astype({"running": "Int64", "reported": "Int64"})
    shown = pd.DataFrame({
        "Jaar": summary["year"].astype(str),
        "Records": summary["records"].map(fmt_int),
        "Geholpen": summary["helped"].map(fmt_int),
        "Waarvan bekend in de regio": summary["helped_in_region"].map(fmt_int),
        "Deel van de ambitie": summary["pct_of_target"].map(_pct),
        "Aandeel kleinste bedrijven": summary["pct_small"].map(_pct),
        "Bereik sectoren met voorrang": summary["pct_priority"].map(_pct),
        "Sectoren met voorrang bereikt": [f"{a} van {b}" for a, b in
                                          zip(summary["priorities_reached"], summary["n_priorities"])],
        "Gemeenten bereikt": [f"{a} van {b}" for a, b in
                              zip(summary["municipalities_reached"], summary["n_municipalities"])],
        "Lopende regionale initiatieven met record": [
            "niet onderzocht" if pd.isna(b) else f"{a} van {b}" for a, b in zip(summary["reported"],
                                                                               summary["running"])],
    })
    ch.add("monitoring-indicatoren-per-jaar", Table(
        shown, summary, md("Indicatoren per jaar voor {name}", name=area.name),
        source=SOURCE + "; definities: tabel {ref}`tab-monitoring-indicatoren`."))


def _none(value):
    return None if value is None or pd.isna(value) else float(value)
