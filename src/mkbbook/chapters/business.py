"""Chapter 1, "Bedrijvigheid en bedrijvendynamiek": establishments, growth, sector structure,
location quotients, new establishments, jobs and subregions of one region.

``compute(area, year, settings)`` composes mkbbook.business.profile (the tables), mkbbook.breaks
(breaks found by code, provisional years) and the Dutch phrasing. The notebook only glues and shows.

Comparisons are like-for-like: a region is a sum of municipalities, so its growth, sector shares
and location quotients are compared with the sum of all municipalities of the Netherlands (without
GM0000, the establishments CBS could not assign to a municipality). The national total including
GM0000 is shown only as the size of the Netherlands (fact ``nl_vestigingen``); the text says which is which.

Fact keys (value; text). Plain text unless marked Md (glue with {glue:md}).
  regio_naam            name of the region ("provincie Utrecht")
  regio_lidwoord        the name with its article, for mid-sentence use ("de provincie Utrecht")
  jaar, vorig_jaar, basisjaar   the analysis year, the year before, the first year of the series (int)
  n_vestigingen         establishments in the region on 1 January of `jaar` (int; float only when a
                        documented split's estimated share is in it)
  n_gemeenten           number of municipalities (int; text "26 gemeenten" / "1 gemeente")
  gemeenten_zin         sentence: of how many municipalities the region consists
  aandeel_nl            region's share (%) of all establishments assigned to a municipality
  nl_vestigingen        national level incl. GM0000 (int)
  nl_gemeenten_som      sum of all municipalities, the comparator (int)
  nl_niet_toegewezen    GM0000 in `jaar` (int)
  groei_sinds_basis     growth (%) of the region from `basisjaar` to `jaar` (float; text "56,1%")
  nl_groei_sinds_basis  the same for the sum of all municipalities (float)
  groei_vorig_jaar, nl_groei_vorig_jaar   growth (%) from `vorig_jaar` to `jaar`
  grootste_sector       sector group with the largest share (value: code; text: lowercase label)
  grootste_sector_aandeel, grootste_sector_aandeel_nl   its share (%) in the region and in the comparator
  sterkste_lq_sector    sector group with the highest location quotient (value: code; text: label)
  sterkste_lq           that location quotient (float; text "1,35")
  oprichtingen_regio, oprichtingen_nl   new establishments per 100 existing ones in `jaar` (float)
  oprichtingen_eenheid  the COROP region(s) the births figure is about
  oprichtingen_voorlopig  True when the births figure of `jaar` is provisional
  kern_vestigingen, kern_groei, kern_sector, kern_oprichtingen   (Md) the key messages
  vergelijking_uitleg   which national figure is which
  breuken_regel         the rule that finds breaks, in plain Dutch
  breuken_zin           every break the growth since `basisjaar` spans, one sentence each
  breuken_jaren         (value: list of years with a flagged break up to `jaar`)
  deelregio_zin         the region's subregions in this book, or that it has none
  noot_herindeling, noot_2015, noot_gm0000, noot_voorlopig   the data conventions, stated

Exhibit keys: vestigingen-index, vestigingen-gemeenten, kaart-dichtheid, kaart-groei, kaart-noot,
sectorstructuur, locatiequotienten, groei-per-sector, trendbreuken, oprichtingen-per-100,
oprichtingen-noot, oprichtingen-per-sector, banen-per-sector, deelregios (None = nothing to show).
"""

from __future__ import annotations

import pandas as pd

from .. import breaks, business, charts
from ..dutch import capitalize_first, fmt_dec, fmt_int, fmt_pct, join_nl, plural, region_with_article
from ..reorg import ESTIMATE_COLUMN
from ..result import Chapter, Figure, Note, Table, esc, md
from ..sectors import SECTOR_GROUPS, TOTAL, label
from . import chapter

SRC_EST = "CBS, tabel 81575NED (Vestigingen van bedrijven; bedrijfstak, gemeente)"
SRC_REORG = "omgerekend naar de gemeenten van 2025 (data/herindelingen_2015_2025.csv)"
SRC_KERN = "CBS, Kerncijfers wijken en buurten 2023 (85618NED)"
SRC_GEO = "gemeentegrenzen: CBS, PDOK/Kadaster"
SRC_BIRTHS = "CBS, tabellen 83631NED (oprichtingen) en 81578NED (vestigingen per regio)"
SRC_JOBS = "CBS, tabel 83582NED (Banen van werknemers in december; bedrijfstak, regio)"


def _grew(value: float, subject: str = "") -> str:
    """'groeide met 5,0%' or 'daalde met 3,0%' (never a '+' after 'groeide met')."""
    verb = "groeide" if value >= 0 else "daalde"
    return f"{verb}{' ' + subject if subject else ''} met {fmt_pct(abs(value))}"


def _change(value: float) -> str:
    """A change for a table cell: '5,0%' or '-3,0%'."""
    return fmt_pct(value)


def _count(value) -> str:
    return fmt_int(value) if value == round(value) else fmt_dec(value)


def _note(*parts: str) -> str:
    return " ".join(p for p in parts if p)


@chapter
def compute(area, year, settings) -> Chapter:
    p = business.profile(area, year, settings=settings)
    ch = Chapter("bedrijvigheid")
    base = p.base_year
    the_region = region_with_article(area.name, area.kind)
    ch.fact("regio_naam", area.name)
    ch.fact("regio_lidwoord", the_region)
    ch.fact("jaar", year, str(year))
    ch.fact("vorig_jaar", year - 1, str(year - 1))
    ch.fact("basisjaar", base, str(base))

    total_breaks = breaks.spanning(p.flags, [TOTAL], base, year)
    _establishments(ch, p, area, year, the_region, total_breaks)
    _breaks_facts(ch, p, settings, year, total_breaks)
    _index_figure(ch, p, area, year, total_breaks)
    _municipalities(ch, p, area, year, the_region, total_breaks)
    _sectors(ch, p, area, year, the_region)
    _births(ch, p, area, year)
    _jobs(ch, p, area)
    _subregions(ch, p, area, year, the_region)
    _conventions(ch, p, year)
    return ch


# --- Establishments and growth ---------------------------------------------------------------

def _establishments(ch, p, area, year, the_region, total_breaks):
    base = p.base_year
    n = len(area.codes)
    ch.fact("n_vestigingen", p.establishments, _count(p.establishments))
    ch.fact("n_gemeenten", n, plural(n, "gemeente", "gemeenten"))
    ch.fact("gemeenten_zin", f"{capitalize_first(the_region)} bestaat uit {plural(n, 'gemeente', 'gemeenten')}."
            if n > 1 else f"{capitalize_first(the_region)} is één gemeente.")
    ch.fact("aandeel_nl", p.share_of_nl_pct, fmt_pct(p.share_of_nl_pct))
    ch.fact("nl_vestigingen", p.nl, fmt_int(p.nl))
    ch.fact("nl_gemeenten_som", p.nl_municipal, fmt_int(p.nl_municipal))
    ch.fact("nl_niet_toegewezen", int(p.unassigned), fmt_int(p.unassigned))
    ch.fact("groei_sinds_basis", p.growth_pct, fmt_pct(p.growth_pct))
    ch.fact("nl_groei_sinds_basis", p.nl_growth_pct, fmt_pct(p.nl_growth_pct))
    ch.fact("groei_vorig_jaar", p.growth_prev_pct, fmt_pct(p.growth_prev_pct))
    ch.fact("nl_groei_vorig_jaar", p.nl_growth_prev_pct, fmt_pct(p.nl_growth_prev_pct))
    ch.fact("kern_vestigingen", md(
        "Op 1 januari {jaar} had {regio} **{n} vestigingen** van bedrijven: {aandeel} van alle vestigingen "
        "die CBS aan een gemeente kon toewijzen.", jaar=year, regio=the_region, n=_count(p.establishments),
        aandeel=fmt_pct(p.share_of_nl_pct)))
    verb = "groeide" if p.growth_pct >= 0 else "daalde"
    nl_verb = "groeiden" if p.nl_growth_pct >= 0 else "daalden"
    ch.fact("kern_groei", md(
        "Sinds {basis} {verb} dat aantal met **{groei}**; alle gemeenten van Nederland samen {nl_verb} met "
        "{nl_groei}. Van {vorig} op {jaar} was de verandering {groei_vj} (alle gemeenten samen: {nl_groei_vj})."
        "{breuk}",
        basis=base, verb=verb, groei=fmt_pct(abs(p.growth_pct)), nl_verb=nl_verb,
        nl_groei=fmt_pct(abs(p.nl_growth_pct)), vorig=year - 1, jaar=year, groei_vj=_change(p.growth_prev_pct),
        nl_groei_vj=_change(p.nl_growth_prev_pct),
        breuk=(f" De groei sinds {base} bevat de trendbreuk van {join_nl(str(b.year) for b in total_breaks)} "
               f"(zie het deel Trendbreuken hieronder)." if total_breaks else "")))
    ch.fact("vergelijking_uitleg", (
        f"Een regio is een optelsom van gemeenten. Groei, aandelen en locatiequotiënten vergelijken we daarom met "
        f"alle gemeenten van Nederland samen ({fmt_int(p.nl_municipal)} vestigingen in {year}). Het landelijke "
        f"totaal is groter ({fmt_int(p.nl)}), omdat daarin ook de {fmt_int(p.unassigned)} vestigingen meetellen "
        f"die CBS niet aan een gemeente kon toewijzen. Dat totaal noemen we alleen als omvang van Nederland; "
        f"het groeide sinds {base} met {fmt_pct(p.nl_level_growth_pct)}."))


def _breaks_facts(ch, p, settings, year, total_breaks):
    min_pp = settings.get("breaks", "min_pp", kind=float)
    robust_z = settings.get("breaks", "robust_z", kind=float)
    ch.fact("breuken_regel", (
        f"Een trendbreuk is een verandering in één jaar die sterk afwijkt van het gewone landelijke patroon. "
        f"De rekenregel kijkt per sectorgroep naar de landelijke verandering van het aantal vestigingen van jaar "
        f"op jaar (alle gemeenten samen). Een jaar telt als breuk in alle sectoren als de groei van alle sectoren "
        f"samen minstens {fmt_dec(min_pp)} procentpunt én {fmt_dec(robust_z)} keer de gewone schommeling afwijkt "
        f"van de gewone groei (de mediaan van alle jaren). Een breuk in één sectorgroep is een verandering die "
        f"op dezelfde manier afwijkt van wat die sector gewoonlijk meer of minder groeit dan alle sectoren samen."))
    all_breaks = breaks.spanning(p.flags, list(SECTOR_GROUPS) + [TOTAL], p.base_year, year)
    ch.fact("breuken_jaren", sorted({b.year for b in all_breaks}),
            join_nl(str(y) for y in sorted({b.year for b in all_breaks})) or "geen")
    ch.fact("breuken_zin", breaks.sentences(all_breaks) or
            f"De rekenregel vond tussen {p.base_year} en {year} geen trendbreuken.")
    flags = p.flags
    shown = breaks.table(flags)
    data = flags.assign(sector=[label(g) for g in flags["sectorgroep"]])
    ch.add("trendbreuken", Table(
        shown, data, caption="Trendbreuken die de rekenregel vindt in de landelijke reeks van vestigingen",
        source=f"{SRC_EST}; alle gemeenten samen, zonder niet-toegewezen vestigingen (GM0000); bewerking: "
               f"mkbbook.breaks (drempels in data/settings.yml).",
        note=esc(ch.text("breuken_regel"))) if len(flags) else Note(esc(ch.text("breuken_regel"))
                                                                     + " In deze gegevens vond de regel geen breuk."))


def _index_figure(ch, p, area, year, total_breaks):
    base = p.base_year
    idx = p.index
    series_order = [area.name, business.NL_COMPARATOR]
    ch.add("vestigingen-index", Figure.of(
        charts.lines(idx, "jaar", "index", "eenheid", y_title=f"Index ({base} = 100)",
                     title=f"Aantal vestigingen, {area.name} en Nederland ({base} = 100)",
                     description=(f"Van {base} tot {year} "
                                  f"{_grew(p.growth_pct, 'het aantal vestigingen in ' + region_with_article(area.name, area.kind))}"
                                  f"; in alle gemeenten van Nederland samen {_grew(p.nl_growth_pct, 'het')}."),
                     breaks=breaks.chart_marks(total_breaks), series_order=series_order),
        idx, caption=md("Groei van het aantal vestigingen in {regio} en in alle gemeenten van Nederland samen, "
                        "{basis}–{jaar} (index, {basis} = 100).", regio=region_with_article(area.name, area.kind),
                        basis=base, jaar=year),
        source=f"{SRC_EST}; {SRC_REORG}.",
        note=esc(_note(breaks.sentences(total_breaks),
                       "Nederland is hier de som van alle gemeenten, zonder de vestigingen die CBS niet aan een "
                       "gemeente kon toewijzen (GM0000)."))))


def _municipalities(ch, p, area, year, the_region, total_breaks):
    base = p.base_year
    m = p.municipalities
    growth_col = f"groei_sinds_{base}_pct"
    shown = pd.DataFrame({
        "Gemeente": m["gemeente"],
        f"Vestigingen {year}": m["vestigingen"].map(_count),
        f"Verandering t.o.v. {year - 1}": m["groei_vorig_jaar_pct"].map(_change),
        f"Verandering sinds {base}": m[growth_col].map(_change),
        "Vestigingen per 1.000 inwoners (2023)": m["per_1000_inwoners"].map(lambda v: fmt_dec(v, 0)),
    })
    estimated = bool(m.get(ESTIMATE_COLUMN, pd.Series(False)).any())
    ch.add("vestigingen-gemeenten", Table(
        shown, m, caption=md("Vestigingen per gemeente in {regio}, {jaar}, met groei en dichtheid",
                             regio=the_region, jaar=year),
        source=f"{SRC_EST} en {SRC_KERN}; {SRC_REORG}.",
        note=esc(_note("Vestigingen per 1.000 inwoners gebruikt beide aantallen van 2023, het jaar van de "
                       "inwonertelling.", breaks.sentences(total_breaks),
                       "Rijen met bevat_schatting_splitsing = True in de download bevatten een geschat deel van "
                       "een gesplitste gemeente." if estimated else ""))))
    if len(area.codes) <= 1:
        ch.add("kaart-dichtheid", None)
        ch.add("kaart-groei", None)
        ch.add("kaart-noot", Note(md("{regio} is één gemeente; een kaart per gemeente voegt dan niets toe.",
                                     regio=capitalize_first(the_region))))
        return
    shapes = business.shapes(area).merge(m, on="gemeentecode")
    dense = m.sort_values("per_1000_inwoners")
    ch.add("kaart-dichtheid", Figure.of(
        charts.choropleth(shapes, "per_1000_inwoners", "gemeente", legend_title="per 1.000 inwoners", fmt=".0f",
                          title="Vestigingen per 1.000 inwoners, 2023",
                          description=(f"In {the_region} heeft {dense.iloc[-1]['gemeente']} de meeste vestigingen "
                                       f"per 1.000 inwoners en {dense.iloc[0]['gemeente']} de minste.")),
        m[["gemeentecode", "gemeente", "per_1000_inwoners"]],
        caption=md("Vestigingen per 1.000 inwoners per gemeente in {regio}, 2023.", regio=the_region),
        source=f"{SRC_EST} en {SRC_KERN}; {SRC_GEO}."))
    grow = m.sort_values(growth_col)
    cols = ["gemeentecode", "gemeente", f"vestigingen_{base}", "vestigingen", growth_col] + \
        ([ESTIMATE_COLUMN] if ESTIMATE_COLUMN in m.columns else [])
    ch.add("kaart-groei", Figure.of(
        charts.choropleth(shapes, growth_col, "gemeente", legend_title="groei (%)", fmt=".0f", scheme="greens",
                          title=f"Groei van het aantal vestigingen, {base}–{year}",
                          description=(f"De groei sinds {base} was het grootst in {grow.iloc[-1]['gemeente']} "
                                       f"({fmt_pct(grow.iloc[-1][growth_col])}) en het kleinst in "
                                       f"{grow.iloc[0]['gemeente']} ({fmt_pct(grow.iloc[0][growth_col])}).")),
        m[cols], caption=md("Groei van het aantal vestigingen per gemeente in {regio}, {basis}–{jaar} (procent).",
                            regio=the_region, basis=base, jaar=year),
        source=f"{SRC_EST}; {SRC_REORG}; {SRC_GEO}.", note=esc(breaks.sentences(total_breaks))))
    ch.add("kaart-noot", None)


# --- Sector structure -------------------------------------------------------------------------

def _sectors(ch, p, area, year, the_region):
    base = p.base_year
    s = p.shares
    top = s.sort_values("regio_pct").iloc[-1]
    ch.fact("grootste_sector", top["sectorgroep"], top["sector"].lower())
    ch.fact("grootste_sector_aandeel", float(top["regio_pct"]), fmt_pct(top["regio_pct"]))
    ch.fact("grootste_sector_aandeel_nl", float(top["nederland_pct"]), fmt_pct(top["nederland_pct"]))
    reg = p.lq[p.lq["eenheid"] == area.name].sort_values("lq")
    strongest, weakest = reg.iloc[-1], reg.iloc[0]
    ch.fact("sterkste_lq_sector", strongest["sectorgroep"], strongest["sector"].lower())
    ch.fact("sterkste_lq", float(strongest["lq"]), fmt_dec(strongest["lq"], 2))
    named = breaks.level_breaks(p.flags, [top["sectorgroep"], strongest["sectorgroep"]], year)
    caveat = " ".join(
        f"Door de trendbreuk van {b.year} zijn de aandelen van {join_nl(b.groups)} niet te vergelijken met jaren "
        f"vóór {b.year}." for b in named)
    ch.fact("kern_sector", md(
        "De sector met het grootste aandeel is {sector} ({aandeel} van de vestigingen; alle gemeenten van "
        "Nederland samen: {nl}). Het sterkst oververtegenwoordigd is {lq_sector} (locatiequotiënt **{lq}**).{caveat}",
        sector=top["sector"].lower(), aandeel=fmt_pct(top["regio_pct"]), nl=fmt_pct(top["nederland_pct"]),
        lq_sector=strongest["sector"].lower(), lq=fmt_dec(strongest["lq"], 2),
        caveat=(" " + caveat) if caveat else ""))

    level = breaks.sentences(breaks.level_breaks(p.flags, list(SECTOR_GROUPS), year))
    long = s.melt(id_vars=["sectorgroep", "sector"], value_vars=["regio_pct", "nederland_pct"],
                  var_name="eenheid", value_name="aandeel_pct")
    long["eenheid"] = long["eenheid"].map({"regio_pct": area.name, "nederland_pct": business.NL_COMPARATOR})
    ch.add("sectorstructuur", Figure.of(
        charts.grouped_bars(long, "aandeel_pct", "sector", "eenheid", value_title="aandeel van de vestigingen (%)",
                            title=f"Sectorstructuur {year}: {area.name} en Nederland",
                            group_order=[area.name, business.NL_COMPARATOR],
                            description=(f"De grootste sector in {the_region} is {top['sector'].lower()} met "
                                         f"{fmt_pct(top['regio_pct'])} van de vestigingen (alle gemeenten van "
                                         f"Nederland samen: {fmt_pct(top['nederland_pct'])}).")),
        s[["sectorgroep", "sector", "regio_pct", "nederland_pct", "verschil_pp"]],
        caption=md("Aandeel van elke sectorgroep in het aantal vestigingen, {regio} en alle gemeenten van "
                   "Nederland samen, {jaar}.", regio=the_region, jaar=year),
        source=f"{SRC_EST}.", note=esc(level)))

    lq = p.lq
    order_units = [area.name] + [u for u in p.municipalities["gemeente"].tolist() if u != area.name]
    ch.add("locatiequotienten", Figure.of(
        charts.heatmap(lq, "sector", "naam", "lq", value_title="LQ", x_order=business.sector_order(),
                       y_order=order_units,
                       title=f"Locatiequotiënten per gemeente en sector, {year} (Nederland = 1)",
                       description=(f"{capitalize_first(the_region)} is het sterkst gespecialiseerd in "
                                    f"{strongest['sector'].lower()} (locatiequotiënt {fmt_dec(strongest['lq'], 2)}) "
                                    f"en het minst in {weakest['sector'].lower()} "
                                    f"({fmt_dec(weakest['lq'], 2)}).")),
        lq[["eenheid", "naam", "sectorgroep", "sector", "vestigingen", "lq"]],
        caption=md("Het locatiequotiënt per sectorgroep voor {regio} en elke gemeente, {jaar}. Oranje: sterker dan "
                   "landelijk; blauw: zwakker.", regio=the_region, jaar=year),
        source=f"{SRC_EST}; bewerking: aandeel van de sector in de gemeente gedeeld door het aandeel in alle "
               f"gemeenten van Nederland samen.",
        note=esc(level)))

    g = p.sector_growth.copy()
    g["trendbreuken"] = ["; ".join(str(b.year) for b in breaks.spanning(
        p.flags, [group] if group != TOTAL else [TOTAL], base, year)) for group in g["sectorgroep"]]
    order = {grp: i for i, grp in enumerate([*SECTOR_GROUPS, TOTAL])}
    g = g.sort_values("sectorgroep", key=lambda col: col.map(order)).reset_index(drop=True)
    shown = pd.DataFrame({
        "Sector": g["sector"], f"Vestigingen {base}": g["start"].map(_count),
        f"Vestigingen {year}": g["eind"].map(_count), "Verandering": g["groei_pct"].map(_change),
        "Trendbreuk in deze periode": g["trendbreuken"].replace("", "geen"),
    })
    sector_breaks = breaks.spanning(p.flags, list(SECTOR_GROUPS) + [TOTAL], base, year)
    ch.add("groei-per-sector", Table(
        shown, g[["sectorgroep", "sector", "start", "eind", "groei_pct", "trendbreuken"]],
        caption=md("Groei van het aantal vestigingen per sector in {regio}, {basis}–{jaar}", regio=the_region,
                   basis=base, jaar=year),
        source=f"{SRC_EST}; {SRC_REORG}.", note=esc(breaks.sentences(sector_breaks))))


# --- New establishments and jobs --------------------------------------------------------------

def _births(ch, p, area, year):
    b = p.births
    unit = b.loc[b["eenheid"] != business.NL_LEVEL, "eenheid"].iloc[0]
    reg_b = b[b["eenheid"] == unit].set_index("jaar")
    nl_b = b[b["eenheid"] == business.NL_LEVEL].set_index("jaar")
    provisional = year in p.births_provisional
    ch.fact("oprichtingen_regio", float(reg_b.loc[year, "per_100"]), fmt_dec(reg_b.loc[year, "per_100"]))
    ch.fact("oprichtingen_nl", float(nl_b.loc[year, "per_100"]), fmt_dec(nl_b.loc[year, "per_100"]))
    ch.fact("oprichtingen_eenheid", unit, ("het " if unit.startswith("COROP") else "") + unit)
    ch.fact("oprichtingen_voorlopig", provisional, "voorlopig" if provisional else "definitief")
    ch.fact("kern_oprichtingen", md(
        "Per 100 bestaande vestigingen kwamen er in {jaar} {regio} nieuwe bij in {eenheid} (Nederland: {nl}){voorl}.",
        jaar=year, regio=fmt_dec(reg_b.loc[year, "per_100"]), eenheid=ch.text("oprichtingen_eenheid"),
        nl=fmt_dec(nl_b.loc[year, "per_100"]), voorl="; dat cijfer is voorlopig" if provisional else ""))
    prov_text = _provisional_text(p)
    ch.add("oprichtingen-per-100", Figure.of(
        charts.lines(b, "jaar", "per_100", "eenheid", y_title="oprichtingen per 100 vestigingen", zero=True,
                     title=f"Nieuwe vestigingen per 100 bestaande, {unit} en Nederland",
                     description=(f"In {year} kwamen er in {ch.text('oprichtingen_eenheid')} "
                                  f"{fmt_dec(reg_b.loc[year, 'per_100'])} nieuwe vestigingen bij per 100 bestaande, "
                                  f"in Nederland {fmt_dec(nl_b.loc[year, 'per_100'])}."),
                     series_order=[unit, business.NL_LEVEL]),
        b, caption=md("Oprichtingen van vestigingen per 100 vestigingen op 1 januari, {eenheid} en Nederland.",
                      eenheid=unit),
        source=f"{SRC_BIRTHS}.", note=esc(prov_text)))
    ch.add("oprichtingen-noot", None if p.births_cover_region else Note(md(
        "{regio} valt niet samen met COROP-gebieden: de cijfers gelden voor {eenheid}, dat ook gemeenten buiten "
        "de regio omvat.", regio=capitalize_first(region_with_article(area.name, area.kind)),
        eenheid=ch.text("oprichtingen_eenheid"))))
    if p.births_by_sector is None:
        ch.add("oprichtingen-per-sector", Note(md(
            "Oprichtingen per sector zijn in deze gegevens alleen beschikbaar voor het COROP-gebied Utrecht (de "
            "provincie Utrecht). Voor {regio} kan dit deel daarom niet worden getoond.",
            regio=region_with_article(area.name, area.kind))))
        return
    bs = p.births_by_sector
    latest = bs[bs["jaar"] == year].sort_values("oprichtingen", ascending=False)
    ch.add("oprichtingen-per-sector", Figure.of(
        charts.hbar(latest, "oprichtingen", "sector", value_title="oprichtingen",
                    title=f"Nieuwe vestigingen per sector, COROP Utrecht, {year}",
                    description=(f"In {year} waren de meeste nieuwe vestigingen in het COROP-gebied Utrecht in "
                                 f"{latest.iloc[0]['sector'].lower()} ({fmt_int(latest.iloc[0]['oprichtingen'])}).")),
        bs, caption=f"Oprichtingen per sectorgroep in het COROP-gebied Utrecht, {year} (de download bevat alle "
                    f"jaren vanaf {p.base_year}).",
        source="CBS, tabel 83631NED.", note=esc(prov_text)))


def _provisional_text(p) -> str:
    years = list(p.births_provisional)
    if not years:
        return ("Volgens de gegevens zijn alle jaren definitief." if p.births_status_from == "manifest" else "")
    how = ("zo staat het in de gegevens van CBS" if p.births_status_from == "manifest"
           else "CBS markeert de laatste jaren als voorlopig")
    return (f"De cijfers over {join_nl(str(y) for y in years)} zijn voorlopig ({how}); ze kunnen nog "
            f"veranderen. De kolom voorlopig in de download zegt het per jaar.")


def _jobs(ch, p, area):
    if p.jobs is None:
        ch.add("banen-per-sector", Note(md(
            "Banen per sector zijn in deze gegevens alleen beschikbaar voor het COROP-gebied Utrecht. Voor {regio} "
            "kan dit deel daarom niet worden getoond.", regio=region_with_article(area.name, area.kind))))
        return
    j = p.jobs[p.jobs["jaar"] == p.jobs_year].sort_values("banen_x1000", ascending=False)
    ch.add("banen-per-sector", Figure.of(
        charts.hbar(j, "banen_x1000", "sector", value_title="banen (× 1.000)", fmt=".1f",
                    title=f"Banen van werknemers per sector, COROP Utrecht, december {p.jobs_year}",
                    description=(f"De meeste banen in het COROP-gebied Utrecht zijn er in {j.iloc[0]['sector'].lower()} "
                                 f"({fmt_dec(j.iloc[0]['banen_x1000'])} duizend in {p.jobs_year}).")),
        p.jobs, caption=f"Banen van werknemers per sectorgroep in het COROP-gebied Utrecht, december {p.jobs_year} "
                        f"(× 1.000; de download bevat alle jaren).",
        source=f"{SRC_JOBS}.",
        note=esc((f"De laatste beschikbare banencijfers zijn van {p.jobs_year}. " if p.jobs_year < p.year else "")
                 + "CBS publiceert banen in duizendtallen met één decimaal (kolom banen_x1000).")))


def _subregions(ch, p, area, year, the_region):
    if p.subregions is None:
        ch.fact("deelregio_zin", f"Voor {the_region} zijn in dit boek geen deelregio's vastgelegd.")
        ch.add("deelregios", None)
        return
    sr = p.subregions
    ch.fact("deelregio_zin", f"{capitalize_first(the_region)} bestaat in dit boek uit "
            f"{plural(len(sr), 'deelregio', 'deelregio’s')}: {join_nl(sr['deelregio'])}. De tabel zet ze naast elkaar.")
    shown = pd.DataFrame({
        "Deelregio": sr["deelregio"], "Gemeenten": sr["gemeenten"].map(fmt_int),
        f"Vestigingen {year}": sr["vestigingen"].map(_count),
        f"Verandering sinds {p.base_year}": sr["groei_pct"].map(_change),
        f"Aandeel in {area.name}": sr["aandeel_regio_pct"].map(fmt_pct),
        "Sterkste specialisatie": sr["sterkste_specialisatie"], "Locatiequotiënt": sr["lq"].map(lambda v: fmt_dec(v, 2)),
    })
    ch.add("deelregios", Table(
        shown, sr, caption=md("De deelregio's van {regio}, {jaar}", regio=the_region, jaar=year),
        source=f"{SRC_EST}; indeling in deelregio's: data/regions.yml (met bronnen).",
        note=esc(breaks.sentences(breaks.spanning(p.flags, [TOTAL], p.base_year, year)))))


def _conventions(ch, p, year):
    notes = p.notes
    herindeling = notes["herindeling"]
    if p.region_estimated:
        herindeling += " Deze regio bevat zo'n geschat deel."
    ch.fact("noot_herindeling", herindeling)
    ch.fact("noot_2015", notes["2015"])
    ch.fact("noot_gm0000", f"{notes['GM0000']} In {year} waren het er {fmt_int(p.unassigned)}.")
    ch.fact("noot_voorlopig", _provisional_text(p) or "Alle jaren van de oprichtingen zijn definitief.")
