"""Chapter 4 "Vraag en aanbod": the mkb population, who lags behind, the targets in their own scope,
the supply, and a robust sector focus. The model is in mkbbook.population and mkbbook.demand; this
module phrases it. Every estimate carries its assumption and its range.

Fact keys (value → text). Counts are floats (model estimates) unless said otherwise; ranges are dicts
{'laag', 'midden', 'hoog'}; texts are rounded ("ongeveer 211.000").

Region and ambition
- ``regio_naam`` (str), ``jaar`` (int), ``per_jaar`` (int, the ambition from data/settings.yml),
  ``heeft_schatting`` (bool: the snapshot has the national size classes; without them the estimates
  below read "niet te schatten").

The mkb population (population.py)
- ``vestigingen`` (int: all establishments, CBS count), ``overheid_schatting`` (public administration
  removed), ``groot_bereik`` (range of establishments of large firms removed),
- ``mkb_schatting`` (range; text "ongeveer 211.000 (tussen 204.000 en 218.000)"), ``mkb_midden``,
  ``mkb_laag``, ``mkb_hoog`` (single bounds),
- ``populatie_zin`` (Md: the estimate in one sentence with its assumption).

Laggards
- ``achterblijvers`` (range; text "49.000 tot 92.000 (middenschatting 87.000)"), ``achter_midden``,
- ``aandeel_klein_achter`` (float %, share of zzp and micro firms among the laggards, central),
- ``achter_onder10`` (range of laggards under 10 persons), ``achter_10_249`` (range, 10–249 persons),
- ``ambitie_aandeel`` (range in %: the ambition per year as a share of the laggards; text "0,3% tot 0,5%"),
- ``sectorfactor_bron`` (str: which isoc_e_diin2 figures the sector factor uses, Dutch or EU-wide),
- ``sectorfactor_voorbeeld`` (str: the factor of the sectors with the highest and lowest factor),
- the scenarios with their assumptions are the table ``scenarios`` (from data/settings.yml).

Targets in their own scope (10–249 persons)
- ``doel_nl`` (float, from data/policies.yml; text "95%"), ``doel_jaar`` (int), ``doel_bron`` (str,
  the document), ``doel_eu`` (float; text "90%"), ``nl_basis_nu`` (float %, NL 10–249 now),
  ``nl_basis_jaar`` (int),
- ``bedrijven_10_249`` (range), ``te_helpen_10_249`` (range: laggards above what the target allows),
- ``nodig_per_jaar`` (float, central, without trend), ``nodig_per_jaar_trend`` (with trend),
- ``jaren_zonder_trend`` / ``jaren_met_trend`` (float: years at the ambition's pace, central),
- ``trend_pp`` (float, pp a year, the version of the latest index year), ``trend_periode`` (str),
  ``trend_andere`` (str: the other version's trend, as a check),
- ``tempo_kort`` (str: need per year without and with trend, one clause for the summary),
- ``tempo_zin`` (Md: pace for 10–249 with and without trend), ``onder10_zin`` (Md: zzp and micro
  firms, no target-derived need).

Supply (initiatives register)
- ``n_hulp_nu`` (int: current mkb digitalisation help in the edition year), ``n_bereik_bekend`` (int),
  ``bereik_regionaal_per_jaar`` (float), ``aanbod_zin`` (Md).

Sector focus
- ``prioriteiten`` (list of sector-group codes, robust focus; text: Dutch list, or a sentence saying
  that no sector stands out), ``n_prioriteiten`` (int), ``prioriteiten_zin`` (Md: the recommendation
  with its rule), ``robuust_regel`` (str: the rule of data/settings.yml in words), ``n_varianten`` (int).

Exhibits: populatie, grootte-per-sector, scenarios, achterblijvers-aandeel, sectorfactor, achterblijvers-aantal,
doel-tempo, trend, achterblijvers-sector-grootte, aanbod-per-groep, sectorscore, gevoeligheid, robuustheid,
breuken (Note or None), geen-schatting (Note or None).
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from .. import charts, demand
from .. import population as pop
from ..dutch import fmt_dec, fmt_int, fmt_pct, join_nl, plural, region_with_article
from ..result import Chapter, Figure, Md, Note, Table, esc, md
from ..sectors import SECTOR_GROUPS, label
from . import chapter

SOURCE_POP = "CBS, tabellen 81575NED (vestigingen per gemeente) en 81588NED (bedrijven naar grootte, Nederland)"
SOURCE_LAG = "CBS, tabel 84675NED (ICT-gebruik bij bedrijven, 2019); Eurostat, isoc_e_dii en isoc_e_diin2"


def rounded(value: float) -> float:
    """Round an estimate for text: to thousands from 10.000, hundreds from 1.000, tens from 100."""
    if value is None or not math.isfinite(value):
        return value
    for limit, digits in ((10_000, -3), (1_000, -2), (100, -1)):
        if abs(value) >= limit:
            return round(value, digits)
    return round(value)


def about(value: float) -> str:
    return fmt_int(rounded(value))


def range_text(low: float, mid: float, high: float) -> str:
    """'49.000 tot 92.000 (middenschatting 87.000)'."""
    return f"{about(low)} tot {about(high)} (middenschatting {about(mid)})"


def model_bound(scenario: str) -> str:
    """Which bound of the mkb population a scenario uses, in words."""
    bound = demand.POPULATION_BOUND.get(scenario, "mkb")
    return {"mkb_laag": "laag", "mkb": "midden", "mkb_hoog": "hoog"}[bound]


def years_text(years: float) -> str:
    if not math.isfinite(years):
        return "nooit"
    if years < 1:
        return "minder dan 1 jaar"
    return plural(round(years), "jaar", "jaar")


def sector_list(codes) -> str:
    return join_nl(label(c).lower() for c in codes)


def priorities_text(codes: list[str]) -> str:
    if not codes:
        return "geen enkele sector (geen sector blijft onder de meeste gewichten bovenaan)"
    return sector_list(codes)


def rule_text(top_group: int, min_share: float, n_variants: int) -> str:
    need = math.ceil(min_share * n_variants - 1e-9)
    return (f"een sector wordt alleen aanbevolen als hij bij ten minste {fmt_pct(min_share * 100, 0)} van de "
            f"{n_variants} varianten van de gewichten (dus bij {need} of meer) in de top {top_group} staat")


def priorities_sentence(codes: list[str], top_group: int, rule: str) -> Md:
    if not codes:
        return md("Geen enkele sector blijft onder de meeste gewichten in de top {n}: de gegevens wijzen geen "
                  "sectorfocus aan. Regel: {rule}.", n=top_group, rule=rule)
    many = len(codes) > 1
    return md("Onder de meeste gewichten {verb} **{names}** in de top {n}: {that}. Regel: {rule}.",
              verb="blijven" if many else "blijft", names=sector_list(codes), n=top_group,
              that="dat zijn de aanbevolen sectoren" if many else "dat is de aanbevolen sector", rule=rule)


@chapter
def compute(area, year: int, settings) -> Chapter:
    m = demand.model(area, year, settings)
    ch = Chapter("demand")
    per_year = m["per_year"]
    ch.fact("regio_naam", area.name)
    ch.fact("regio", area.name, region_with_article(area.name, area.kind))
    ch.fact("jaar", year)
    ch.fact("per_jaar", per_year, fmt_int(per_year))
    has = m["population"] is not None
    ch.fact("heeft_schatting", has, "ja" if has else "nee")
    _targets(ch, m)
    if has:
        _population(ch, m, area)
        _laggards(ch, m, area, settings)
        _scope(ch, m, area, year)
        ch.add("geen-schatting", None)
    else:
        _without_population(ch, m)
    _supply(ch, m, area, year)
    _focus(ch, m, area, settings)
    _breaks(ch, m, area, year, settings)
    return ch


# --- without the national size classes ----------------------------------------------------

UNKNOWN = "niet te schatten"


def _without_population(ch: Chapter, m: dict) -> None:
    for key in ("vestigingen", "overheid_schatting", "groot_bereik", "mkb_schatting", "mkb_midden", "mkb_laag",
                "mkb_hoog", "achterblijvers", "achter_midden", "aandeel_klein_achter", "achter_onder10",
                "achter_10_249", "ambitie_aandeel", "sectorfactor_bron", "sectorfactor_voorbeeld",
                "bedrijven_10_249", "te_helpen_10_249", "nodig_per_jaar", "nodig_per_jaar_trend",
                "jaren_zonder_trend", "jaren_met_trend"):
        ch.fact(key, None, UNKNOWN)
    why = ("De gegevens bevatten geen landelijke verdeling naar grootteklasse (CBS 81588NED); daarom kan dit "
           "hoofdstuk het mkb en de achterblijvers niet schatten.")
    ch.fact("tempo_kort", None, UNKNOWN)
    for key in ("populatie_zin", "tempo_zin", "onder10_zin"):
        ch.fact(key, None, Md(why))
    ch.add("geen-schatting", Note(why))
    for key in ("populatie", "grootte-per-sector", "scenarios", "achterblijvers-aandeel", "sectorfactor",
                "achterblijvers-aantal",
                "doel-tempo", "achterblijvers-sector-grootte"):
        ch.add(key, None)
    _trend_facts(ch, m)
    ch.add("trend", _trend_table(m))


# --- the population -----------------------------------------------------------------------

def _population(ch: Chapter, m: dict, area) -> None:
    steps = m["steps"].set_index("stap")
    ch.fact("vestigingen", int(round(steps.loc["vestigingen", "midden"])), fmt_int(steps.loc["vestigingen", "midden"]))
    public = float(steps.loc["overheid", "midden"])
    ch.fact("overheid_schatting", public, about(public))
    g = steps.loc["groot"]
    ch.fact("groot_bereik", {"laag": g["laag"], "midden": g["midden"], "hoog": g["hoog"]},
            f"{about(g['laag'])} tot {about(g['hoog'])}")
    k = steps.loc["mkb"]
    ch.fact("mkb_schatting", {"laag": k["laag"], "midden": k["midden"], "hoog": k["hoog"]},
            f"ongeveer {about(k['midden'])} (tussen {about(k['laag'])} en {about(k['hoog'])})")
    for bound in ("midden", "laag", "hoog"):
        ch.fact(f"mkb_{bound}", float(k[bound]), about(k[bound]))
    ch.fact("populatie_zin", None, md(
        "Van de {all} vestigingen zijn er naar schatting **{mid}** van het mkb: private vestigingen van bedrijven "
        "met minder dan 250 werkzame personen (tussen {low} en {high}). Daarvoor zijn openbaar bestuur (ongeveer "
        "{public}) en de vestigingen van grote bedrijven ({large}) eraf gehaald. Het is een schatting: CBS telt "
        "vestigingen per gemeente, maar de grootte alleen voor ondernemingen in heel Nederland.",
        all=fmt_int(steps.loc["vestigingen", "midden"]), mid=about(k["midden"]), low=about(k["laag"]),
        high=about(k["hoog"]), public=about(public), large=f"{about(g['laag'])} tot {about(g['hoog'])}"))

    data = m["steps"].copy()
    assumption = {"vestigingen": "Telling van CBS (1 januari).", "overheid": pop.STEPS["splitsing"] + " "
                  + pop.STEPS["overheid"], "groot": pop.STEPS["groot"], "mkb": pop.STEPS["grootte"]}
    data["aanname"] = data["stap"].map(assumption)
    counted = data["stap"] == "vestigingen"  # a CBS count: shown exactly; the other rows are estimates
    cell = {c: [fmt_int(v) if exact else about(v) for v, exact in zip(data[c], counted)] for c in ("laag", "midden", "hoog")}
    shown = pd.DataFrame({"Stap": data["omschrijving"], "Laag": cell["laag"], "Midden": cell["midden"],
                          "Hoog": cell["hoog"], "Aanname": data["aanname"]})
    ch.add("populatie", Table(
        shown, data, caption=md("Van alle vestigingen naar mkb-vestigingen in {r}, {y} (schatting)",
                                r=ch.text("regio"), y=m["year"]),
        source=f"{SOURCE_POP}, {esc(m['size_period'])}; bewerking.",
        note="Laag en hoog bij vestigingen van grote bedrijven zijn de grenzen van de aanname; de mkb-rij is "
             "het omgekeerde (veel grote vestigingen geeft weinig mkb). Afgerond in de tabel, exact in de download."))

    parts = m["population"][m["population"]["deel"] != pop.PUBLIC_ADMINISTRATION].copy()
    parts["sector"] = parts["deel_naam"] + " (" + parts["deel"] + ")"
    parts["grootteklasse"] = parts["grootte"].map(pop.SIZE_LABELS)
    cells = parts[["sectorgroep", "deel", "sector", "grootte", "grootteklasse", "mkb_laag", "mkb", "mkb_hoog"]]
    zzp = float(parts.loc[parts["grootte"] == "zzp", "mkb"].sum()) / float(parts["mkb"].sum()) * 100
    chart = charts.heatmap(
        cells.assign(schatting=cells["mkb"].round(-1)), "grootteklasse", "sector", "schatting",
        value_title="mkb-vestigingen (schatting)", fmt=",.0f", midpoint=None,
        x_order=[pop.SIZE_LABELS[s] for s in pop.MKB_CLASSES],
        title=f"Geschat aantal mkb-vestigingen per sector en grootteklasse, {area.name}",
        description=f"Naar schatting is {fmt_pct(zzp, 0)} van de mkb-vestigingen in {area.name} een zzp'er; "
                    "micro-bedrijven zijn de tweede groep.")
    ch.add("grootte-per-sector", Figure.of(
        chart, cells, caption=md("Schatting (midden): mkb-vestigingen per sector en grootteklasse in {r}, {y}. "
                                 "Landbouw, onderwijs en zorg zijn geschat uit de groep A+O-Q.", r=ch.text("regio"), y=m["year"]),
        source=f"{SOURCE_POP}, {esc(m['size_period'])}; bewerking.", note=pop.STEPS["grootte"]))


# --- laggards -----------------------------------------------------------------------------

def _laggards(ch: Chapter, m: dict, area, settings) -> None:
    lagged, central, scen = m["lagging"], m["central"], list(m["scenarios"])
    totals = m["lagging_total"]
    rng = {"laag": totals[scen[0]], "midden": totals[central], "hoog": totals[scen[-1]]}
    ch.fact("achterblijvers", rng, range_text(rng["laag"], rng["midden"], rng["hoog"]))
    ch.fact("achter_midden", rng["midden"], about(rng["midden"]))
    mid = lagged[lagged["scenario"] == central]
    small = float(mid.loc[mid["grootte"].isin(demand.SMALL), "achterblijvend"].sum())
    share_small = small / rng["midden"] * 100 if rng["midden"] else float("nan")
    ch.fact("aandeel_klein_achter", share_small, fmt_pct(share_small, 0))
    for key, sizes in (("achter_onder10", demand.SMALL), ("achter_10_249", demand.TARGET_SCOPE)):
        part = lagged[lagged["grootte"].isin(sizes)].groupby("scenario")["achterblijvend"].sum()
        r = {"laag": float(part[scen[0]]), "midden": float(part[central]), "hoog": float(part[scen[-1]])}
        ch.fact(key, r, range_text(r["laag"], r["midden"], r["hoog"]))
    share = {b: per / v * 100 if v else float("nan") for b, v, per in
             ((b, rng[b], m["per_year"]) for b in ("laag", "midden", "hoog"))}
    ch.fact("ambitie_aandeel", share, f"{fmt_pct(share['hoog'], 2)} tot {fmt_pct(share['laag'], 2)}")

    f = m["factors"]
    intensity = m["intensity"]
    year = f["jaar"].dropna().iloc[0] if f["jaar"].notna().any() else None
    if intensity.rows is None:
        source = ("geen: de gegevens bevatten geen cijfers per sector (Eurostat isoc_e_diin2), dus elke sector "
                  "krijgt factor 1")
    elif intensity.dutch:
        source = f"de Nederlandse cijfers per sector (Eurostat isoc_e_diin2, {year}, bedrijven vanaf 10 werkzame personen)"
    else:
        source = (f"het patroon in de hele EU (EU27, bedrijven vanaf 10 werkzame personen, Eurostat isoc_e_diin2, "
                  f"{year}), omdat Nederlandse cijfers per sector in deze gegevens ontbreken")
    ch.fact("sectorfactor_bron", intensity.geo, source)
    measured = f[f["basis_pct"].notna()].sort_values("factor")
    if len(measured):
        hi, lo = measured.iloc[-1], measured.iloc[0]
        example = (f"{hi['sector'].lower()} krijgt factor {fmt_dec(hi['factor'], 2)}, "
                   f"{lo['sector'].lower()} factor {fmt_dec(lo['factor'], 2)}")
    else:
        example = "alle sectoren krijgen factor 1"
    ch.fact("sectorfactor_voorbeeld", dict(zip(f["sectorgroep"], f["factor"])), example)
    scen_data = pd.DataFrame([{"scenario": name, "onder_10": " of ".join(rule["below_10"]),
                               "vanaf_10": rule["from_10"], "micro_als_2_personen": bool(rule.get("micro_as_two_persons")),
                               "mkb_schatting": model_bound(name), "aanname": demand.scenario_text(name, rule)}
                              for name, rule in m["scenarios"].items()])
    ch.add("scenarios", Table(
        pd.DataFrame({"Scenario": scen_data["scenario"], "Aanname": scen_data["aanname"],
                      "Mkb-schatting": scen_data["mkb_schatting"]}), scen_data,
        caption="De drie scenario's van de schatting van achterblijvers",
        source="Instellingen van het boek (data/settings.yml, demand.scenarios); CBS 84675NED; Eurostat isoc_e_dii.",
        note="Voor zzp'ers (1 persoon) is er geen CBS-cijfer; ze tellen als bedrijven van 2 personen."))

    lag = m["lag_shares"].copy()
    lag["grootteklasse"] = lag["grootte"].map(pop.SIZE_LABELS)
    lag["procent"] = lag["aandeel"] * 100
    z = lag[(lag["scenario"] == central) & (lag["grootte"] == "zzp")]["procent"].iloc[0]
    mg = lag[(lag["scenario"] == central) & (lag["grootte"] == "middelgroot")]["procent"].iloc[0]
    ch.add("achterblijvers-aandeel", Figure.of(
        charts.grouped_bars(lag, "procent", "grootteklasse", "scenario", value_title="achterblijvend (% van de bedrijven)",
                            group_order=scen, title="Aandeel achterblijvende bedrijven per grootteklasse (Nederland)",
                            description=f"Hoe kleiner het bedrijf, hoe groter het aandeel dat achterloopt: "
                                        f"{fmt_pct(z)} van de zzp'ers in de middenschatting tegen {fmt_pct(mg)} "
                                        "van de middelgrote bedrijven."),
        lag[["scenario", "grootte", "aandeel"]],
        caption="Aandeel achterblijvende bedrijven per grootteklasse in de drie scenario's, vóór de sectorfactor "
                "(landelijke cijfers)",
        source=f"CBS, tabel 84675NED (2019); Eurostat, isoc_e_dii ({m['eurostat_year']}); bewerking."))

    shown = pd.DataFrame({
        "Sector": f["sector"], "Eurostat-codes": f["nace"].replace("", "geen cijfer"),
        "Ten minste basisniveau": [("geen cijfer" if pd.isna(v) else fmt_pct(v)) for v in f["basis_pct"]],
        "Alle sectoren": [("" if pd.isna(v) else fmt_pct(v)) for v in f["alle_pct"]],
        "Factor": f["factor"].map(lambda v: fmt_dec(v, 2))})
    ch.add("sectorfactor", Table(
        shown, f, caption="Sectorfactor: hoeveel vaker bedrijven in de sector onder het basisniveau blijven dan "
                          "gemiddeld",
        source=f"Eurostat, isoc_e_diin2 ({esc(intensity.file or 'niet aanwezig')}); CBS 81588NED voor de "
               "weging binnen een sectorgroep; bewerking.",
        note="Factor = (100 − aandeel ten minste basisniveau in de sector) / (100 − aandeel in alle sectoren). "
             "Sectoren zonder cijfer (financiële dienstverlening, landbouw, overheid, onderwijs, zorg, cultuur "
             "en overige diensten) krijgen factor 1."))

    by = lagged.groupby(["scenario", "grootte"], as_index=False, sort=False)[["vestigingen", "achterblijvend"]].sum()
    wide = by.pivot(index="grootte", columns="scenario", values="achterblijvend").reindex(list(demand.SIZE_CLASSES))
    shown = pd.DataFrame({"Grootteklasse": [pop.SIZE_LABELS[s] for s in wide.index],
                          **{s.capitalize(): wide[s].map(about).to_numpy() for s in scen}})
    ch.add("achterblijvers-aantal", Table(
        shown, by, caption=md("Schatting: achterblijvende mkb-vestigingen in {r} per grootteklasse", r=ch.text("regio")),
        source=f"{SOURCE_POP}; {SOURCE_LAG}; bewerking.",
        note="Afgerond in de tabel, exact in de download. Elk scenario gebruikt zijn eigen grens van de mkb-schatting."))

    cells = mid.groupby(["sectorgroep", "deel", "grootte"], as_index=False, sort=False)["achterblijvend"].sum()
    cells = cells[cells["deel"] != pop.PUBLIC_ADMINISTRATION]
    cells["sector"] = cells["deel"].map(pop.PART_LABELS) + " (" + cells["deel"] + ")"
    cells["grootteklasse"] = cells["grootte"].map(pop.SIZE_LABELS)
    top = cells.sort_values("achterblijvend").iloc[-1]
    ch.add("achterblijvers-sector-grootte", Figure.of(
        charts.heatmap(cells.assign(schatting=cells["achterblijvend"].round(-1)), "grootteklasse", "sector",
                       "schatting", value_title="achterblijvers", fmt=",.0f", midpoint=None,
                       x_order=[pop.SIZE_LABELS[s] for s in pop.MKB_CLASSES],
                       title="Achterblijvende mkb-vestigingen per sector en grootteklasse (middenschatting)",
                       description=f"De grootste groep achterblijvers zijn {top['grootteklasse']} in "
                                   f"{top['sector'].lower()}: naar schatting {about(top['achterblijvend'])}."),
        cells[["sectorgroep", "deel", "sector", "grootte", "achterblijvend"]],
        caption=md("Schatting (midden): achterblijvende mkb-vestigingen per sector en grootteklasse in {r}",
                   r=ch.text("regio")),
        source=f"{SOURCE_POP}; {SOURCE_LAG}; bewerking."))


# --- targets in their own scope -----------------------------------------------------------

def _targets(ch: Chapter, m: dict) -> None:
    nl, eu = m["target_nl"], m["target_eu"]
    ch.fact("doel_nl", nl.value if nl else None, f"{fmt_dec(nl.value, 0)}%" if nl else "geen doel gevonden")
    ch.fact("doel_jaar", nl.year if nl else None, str(nl.year) if nl else "onbekend")
    ch.fact("doel_bron", nl.document_id if nl else None, nl.document_title if nl else "onbekend")
    ch.fact("doel_eu", eu.value if eu else None, f"{fmt_dec(eu.value, 0)}%" if eu else "geen doel gevonden")
    now = m["scope_now"]
    ch.fact("nl_basis_nu", float(now["value"]), fmt_pct(float(now["value"])))
    ch.fact("nl_basis_jaar", int(now["year"]))


def _trend_facts(ch: Chapter, m: dict) -> None:
    t = m["trend"]
    if len(t):
        first = t.iloc[0]
        ch.fact("trend_pp", float(first["pp_per_jaar"]), f"{fmt_dec(first['pp_per_jaar'])} procentpunt per jaar")
        van, tot, version = int(first["van"]), int(first["tot"]), int(first["dii_versie"])
        ch.fact("trend_periode", f"{van}-{tot}", f"{van}–{tot} (index versie {version})")
        other = t.iloc[1:]
        ch.fact("trend_andere", None, "; ".join(
            f"in versie {int(r.dii_versie)} ({int(r.van)}–{int(r.tot)}) was dat {fmt_dec(r.pp_per_jaar)} procentpunt per jaar"
            for r in other.itertuples()) or "er is geen andere versie met twee jaren")
    else:
        ch.fact("trend_pp", None, "onbekend")
        ch.fact("trend_periode", None, "onbekend")
        ch.fact("trend_andere", None, "onbekend")


def _trend_table(m: dict) -> Table | None:
    t = m["trend"]
    if not len(t):
        return None
    shown = pd.DataFrame({"Indexversie": t["dii_versie"].map(lambda v: f"versie {v}"),
                          "Periode": [f"{a}–{b}" for a, b in zip(t["van"], t["tot"])],
                          "Begin": t["waarde_van"].map(fmt_pct), "Eind": t["waarde_tot"].map(fmt_pct),
                          "Per jaar (procentpunt)": t["pp_per_jaar"].map(fmt_dec)})
    return Table(shown, t, caption="Trend van het aandeel mkb (10–249 personen) met ten minste een basisniveau, "
                                   "Nederland, per versie van de index",
                 source="Eurostat, isoc_e_dii (NL, 10–249 werkzame personen); bewerking.",
                 note="De index verandert van versie tussen de jaren (versie 3 in oneven, versie 4 in even jaren); "
                      "een trend wordt alleen binnen één versie berekend. De berekening gebruikt de versie van het "
                      "laatste jaar.")


def _scope(ch: Chapter, m: dict, area, year: int) -> None:
    _trend_facts(ch, m)
    ch.add("trend", _trend_table(m))
    pace, central, scen = m["pace"], m["central"], list(m["scenarios"])
    nl = m["target_nl"]
    if not nl or not pace.get(central):
        for key in ("bedrijven_10_249", "te_helpen_10_249", "nodig_per_jaar", "nodig_per_jaar_trend",
                    "jaren_zonder_trend", "jaren_met_trend", "tempo_kort"):
            ch.fact(key, None, "onbekend")
        ch.fact("tempo_zin", None, Md("Het beleidsregister bevat geen Nederlands doel voor het basisniveau."))
        ch.add("doel-tempo", None)
    else:
        lo, mid, hi = pace[scen[0]], pace[central], pace[scen[-1]]
        ch.fact("bedrijven_10_249", {"laag": lo["bedrijven"], "midden": mid["bedrijven"], "hoog": hi["bedrijven"]},
                range_text(lo["bedrijven"], mid["bedrijven"], hi["bedrijven"]))
        ch.fact("te_helpen_10_249", {"laag": lo["te_helpen"], "midden": mid["te_helpen"], "hoog": hi["te_helpen"]},
                range_text(lo["te_helpen"], mid["te_helpen"], hi["te_helpen"]))
        ch.fact("nodig_per_jaar", mid["nodig_per_jaar"], about(mid["nodig_per_jaar"]))
        ch.fact("nodig_per_jaar_trend", mid["nodig_per_jaar_trend"], about(mid["nodig_per_jaar_trend"]))
        ch.fact("jaren_zonder_trend", mid["jaren"], years_text(mid["jaren"]))
        ch.fact("jaren_met_trend", mid["jaren_trend"], years_text(mid["jaren_trend"]))
        with_trend = ("met de landelijke trend haalt die groep het doel zonder extra hulp"
                      if mid["nodig_per_jaar_trend"] == 0 else
                      f"met de landelijke trend ongeveer {about(mid['nodig_per_jaar_trend'])}")
        ch.fact("tempo_kort", {"zonder_trend": mid["nodig_per_jaar"], "met_trend": mid["nodig_per_jaar_trend"]},
                f"zonder trend zijn tot {nl.year} ongeveer {about(mid['nodig_per_jaar'])} geholpen bedrijven per "
                f"jaar nodig; {with_trend}")
        trend = (md("Stijgt het aandeel zoals in Nederland in {period} (**{pp}**), dan halen naar schatting "
                    "{auto} bedrijven per jaar het basisniveau zonder hulp. {rest}",
                    period=ch.text("trend_periode"), pp=ch.text("trend_pp"), auto=about(mid["trend_per_jaar"]),
                    rest=(f"Dan haalt de trend alleen het doel al in {years_text(mid['jaren_alleen_trend'])}; "
                          f"met {fmt_int(m['per_year'])} geholpen bedrijven per jaar erbij in "
                          f"{years_text(mid['jaren_trend'])}." if mid["nodig_per_jaar_trend"] == 0 else
                          f"Dan zijn er tot {nl.year} nog {about(mid['nodig_per_jaar_trend'])} per jaar met hulp "
                          f"nodig, en duurt het bij {fmt_int(m['per_year'])} per jaar {years_text(mid['jaren_trend'])}."))
                 if mid["trend_pp"] else Md("Een trend is niet bekend."))
        ch.fact("tempo_zin", None, Md(md(
            "Het doel van {doel} in {ty} geldt voor bedrijven met 10 tot 250 werkzame personen. Daarvan heeft "
            "{regio} er naar schatting {n}; {lag} daarvan blijven onder het basisniveau. Om {doel} te halen moeten "
            "er {help} het basisniveau halen. Zonder trend zijn dat tot {ty} **{need} per jaar**, en duurt het bij "
            "{per} per jaar **{y}**. ", doel=ch.text("doel_nl"), ty=nl.year, regio=ch.text("regio"),
            n=about(mid["bedrijven"]), lag=about(mid["achterblijvend"]), help=range_text(
                lo["te_helpen"], mid["te_helpen"], hi["te_helpen"]), need=about(mid["nodig_per_jaar"]),
            per=fmt_int(m["per_year"]), y=years_text(mid["jaren"])) + trend))
        rows = pd.DataFrame([{"scenario": s, **pace[s]} for s in scen if pace.get(s)])
        shown = pd.DataFrame({
            "Scenario": rows["scenario"], "Bedrijven 10–249": rows["bedrijven"].map(about),
            "Onder basisniveau": rows["achterblijvend"].map(about),
            f"Te helpen voor {ch.text('doel_nl')}": rows["te_helpen"].map(about),
            "Nodig per jaar, zonder trend": rows["nodig_per_jaar"].map(about),
            "Nodig per jaar, met trend": rows["nodig_per_jaar_trend"].map(about),
            "Jaren, zonder trend": rows["jaren"].map(years_text),
            "Jaren, met trend": rows["jaren_trend"].map(years_text)})
        ch.add("doel-tempo", Table(
            shown, rows, caption=md("Het doel van {d} in {y} voor bedrijven met 10 tot 250 werkzame personen in {r} "
                                    "(schatting)", d=ch.text("doel_nl"), y=nl.year, r=ch.text("regio")),
            source=md("doel: {t} (register van beleid); {s}; {l}; bewerking.", t=nl.document_title, s=SOURCE_POP,
                      l=SOURCE_LAG),
            note=f"'Nodig per jaar' is tot {nl.year}; 'jaren' is bij {fmt_int(m['per_year'])} geholpen bedrijven "
                 f"per jaar, als die allemaal 10 tot 250 werkzame personen hebben. 'Met trend' telt de stijging van "
                 f"het Nederlandse aandeel mee: {ch.text('trend_pp')} in {ch.text('trend_periode')}."))
    small = ch["achter_onder10"]
    ch.fact("onder10_zin", None, md(
        "Voor zzp'ers en micro-bedrijven (minder dan 10 werkzame personen) geldt geen doel: Eurostat meet hen niet. "
        "Naar schatting lopen er {r} achter. Dat is geen opgave die uit een doel volgt, maar een schatting van de "
        "groep die hulp kan gebruiken; {per} per jaar is {share} van hen.",
        r=range_text(small["laag"], small["midden"], small["hoog"]), per=fmt_int(m["per_year"]),
        share=f"{fmt_pct(m['per_year'] / small['hoog'] * 100, 2)} tot {fmt_pct(m['per_year'] / small['laag'] * 100, 2)}"))


# --- supply -------------------------------------------------------------------------------

def _supply(ch: Chapter, m: dict, area, year: int) -> None:
    offer, counts = m["offer"], m["offer_counts"]
    ch.fact("n_hulp_nu", counts["hulp_nu"])
    ch.fact("n_bereik_bekend", counts["bekend"])
    ch.fact("bereik_regionaal_per_jaar", counts["regionaal_per_jaar"], fmt_int(counts["regionaal_per_jaar"]))
    ch.fact("aanbod_zin", None, md(
        "In {y} helpen {n} het mkb in {r} bij digitalisering. {k}", y=year, r=ch.text("regio"),
        n=plural(counts["hulp_nu"], "lopend initiatief", "lopende initiatieven"),
        k=("Van geen enkel initiatief is bekend hoeveel mkb'ers het per jaar bereikt." if counts["bekend"] == 0 else
           f"Van {plural(counts['bekend'], 'initiatief', 'initiatieven')} is bekend hoeveel mkb'ers "
           f"{'het' if counts['bekend'] == 1 else 'ze'} per jaar {'bereikt' if counts['bekend'] == 1 else 'bereiken'}.")))
    order = list(demand.SUPPLY_SET_LABELS)
    data = offer.assign(_o=offer["set"].map({s: i for i, s in enumerate(order)})).sort_values(["_o", "naam"]) \
        .drop(columns="_o").reset_index(drop=True)
    shown = pd.DataFrame({"Initiatief": data["naam"], "In " + str(year): data["set"].map(demand.SUPPLY_SET_LABELS),
                          "Gemeld bereik": data["bereik"],
                          "Bereik per jaar": [("onbekend" if pd.isna(v) else fmt_int(v)) for v in data["bereik_per_jaar"]],
                          "Schaal": data["schaal"].fillna("onbekend")})
    ch.add("aanbod-per-groep", Table(
        shown, data, caption=md("Initiatieven die {r} bereiken, naar hun stand in {y}", r=ch.text("regio"), y=year),
        source="Register van initiatieven (data/initiatives.yml), met de bron per initiatief.",
        note="Alleen lopende initiatieven voor het mkb met digitalisering als hoofdthema tellen als hulp. Een bereik "
             "dat over meer jaren is opgeteld, wordt niet over de jaren verdeeld."))


# --- sector focus -------------------------------------------------------------------------

def _focus(ch: Chapter, m: dict, area, settings) -> None:
    top_group = settings.get("sector_score", "top_group", kind=int)
    min_share = settings.get("sector_score", "min_share", kind=float)
    rob, sens, score = m["robustness"], m["sensitivity"], m["score"]
    n_variants = int(sens["variant"].nunique())
    rule = rule_text(top_group, min_share, n_variants)
    codes = m["priorities"]
    ch.fact("prioriteiten", codes, priorities_text(codes))
    ch.fact("n_prioriteiten", len(codes))
    ch.fact("n_varianten", n_variants)
    ch.fact("robuust_regel", {"top_group": top_group, "min_share": min_share}, rule)
    ch.fact("prioriteiten_zin", None, priorities_sentence(codes, top_group, rule))

    w = settings.score_weights
    shown = pd.DataFrame({
        "Rang": score["rang"], "Sector": score["sector"],
        "Achterstand": score["achterstand"].map(lambda v: fmt_dec(v, 2)),
        "Specialisatie": score["specialisatie"].map(lambda v: fmt_dec(v, 2)),
        "Weinig aanbod": score["weinig_aanbod"].map(lambda v: fmt_dec(v, 2)),
        "Score": score["score"].map(lambda v: fmt_dec(v, 2))})
    ch.add("sectorscore", Table(
        shown, score, caption=md("Sectorscore voor {r} (gewichten: achterstand {a}, specialisatie {s}, weinig aanbod {o})",
                                 r=ch.text("regio"), a=fmt_dec(w["achterstand"]), s=fmt_dec(w["specialisatie"]),
                                 o=fmt_dec(w["weinig_aanbod"])),
        source="Hoofdstuk 1 (CBS 81575NED), het register van initiatieven en de schattingen hierboven; bewerking.",
        note="Landbouw, overheid, onderwijs en zorg (A+O-Q) doen niet mee: overheid, onderwijs en zorg zijn geen "
             "markt voor mkb-beleid, en landbouw is in de gegevens niet los van hen te meten."))
    order = score["sector"].tolist()
    first = score.iloc[0]
    in_top = int(rob.loc[rob["sectorgroep"] == first["sectorgroep"], "in_top"].iloc[0])
    ch.add("gevoeligheid", Figure.of(
        charts.heatmap(sens, "variant", "sector", "rang", value_title="rang", fmt=".0f", midpoint=None,
                       y_order=order, x_order=list(dict.fromkeys(sens["variant"])),
                       title="Rang van elke sector bij andere gewichten (1 = hoogste score)",
                       description=f"Met de gekozen gewichten staat {first['sector'].lower()} bovenaan; in {in_top} "
                                   f"van de {n_variants} varianten staat die sector in de top {top_group}."),
        sens, caption="Gevoeligheid van de rangorde voor de gewichten: elke kolom is een variant (een gewicht "
                      "verdubbeld of weggelaten).",
        source="Eigen berekening (mkbbook.demand.sensitivity)."))
    shown = pd.DataFrame({"Sector": rob["sector"], "Rang (gekozen gewichten)": rob["rang_gekozen"],
                          f"In de top {top_group}": [f"{a} van {b}" for a, b in zip(rob["in_top"], rob["varianten"])],
                          "Aanbevolen": rob["robuust"].map({True: "ja", False: "nee"})})
    ch.add("robuustheid", Table(
        shown, rob, caption=md("Welke sectoren blijven bovenaan in {r}?", r=ch.text("regio")),
        source="Eigen berekening (mkbbook.demand.robustness); regel in data/settings.yml (sector_score).",
        note=f"Regel: {rule}."))


# --- breaks -------------------------------------------------------------------------------

def _breaks(ch: Chapter, m: dict, area, year: int, settings) -> None:
    """Flag the specialisation (location quotient) of recommended or top sectors that rests on a
    changed grouping (a sector break up to the edition year)."""
    try:
        from .. import breaks, dynamics
    except ImportError:  # no break detector in this version of the package
        ch.add("breuken", None)
        return
    raw = dynamics.establishments_raw()
    national = raw[raw["gemeentecode"] != "GM0000"].groupby(["jaar", "sectorgroep"], as_index=False)["vestigingen"].sum()
    flags = breaks.detect_with(national, settings)
    groups = m["priorities"] or m["score"]["sectorgroep"].head(3).tolist()
    found = breaks.level_breaks(flags, groups, year)
    if not found:
        ch.add("breuken", None)
        return
    ch.add("breuken", Note(esc(breaks.sentences(found)) + Md(
        " De specialisatie (het locatiequotiënt) van deze sectoren in de sectorscore rust op de nieuwe indeling.")))
