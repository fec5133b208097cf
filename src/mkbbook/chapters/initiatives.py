"""Chapter 2, Initiatievenscan: which help reaches mkb'ers in the region, as of the edition year.

One definition of the supply, used for every count (mkbbook.initiatives.supply_sets): each initiative
that reaches the region is in exactly one set: ``hulp_nu`` (running in the edition year, for mkb, main
theme digitalisation: *the* current help), ``ander_thema``, ``onbekend`` (status or audience unknown),
``gepland``, ``beeindigd``, ``burgers``. For a region outside the researched area (data/coverage.yml)
only national and European initiatives are shown, and the text says that regional and municipal ones
were not researched there.

Fact keys (value, text) for the summary and the recommendations:

- ``regio_naam``, ``jaar``; ``onderzocht`` (bool: regional initiatives researched for this region) and
  ``dekking_zin`` (plain sentence on what was researched).
- ``n_init`` (all initiatives that reach the region, every set), ``n_regionaal`` (value None and text
  "niet onderzocht" outside coverage), ``n_nat_eu``, ``n_register``.
- ``n_hulp_nu``, ``n_ander_thema``, ``n_onbekend``, ``n_gepland``, ``n_beeindigd``, ``n_burgers``,
  ``n_mkb`` (all sets except burgers): counts with their noun ("7 initiatieven"); ``aanbod_zin`` (Md).
- ``n_verouderd`` and ``verouderd_zin``: statuses that rest on a source more than a year old.
- Shares of the current help (denominator ``n_hulp_nu``): ``aandeel_sectorfocus`` (value 0-1 or None,
  text "43%"), ``n_sectorfocus``, ``aandeel_klein``, ``n_klein``, ``n_grootte_onbekend``.
- ``n_bereik_bekend`` (current help with a reach figure), ``n_bereik_per_jaar`` (of which per year),
  ``bereik_zin`` (Md, never divides a cumulative figure).
- ``ambitie`` (settings), ``n_vestigingen``, ``ambitie_pct``.
- ``n_benchmarks_vergelijkbaar``, ``benchmark_zin`` (Md: the sentence follows from the comparison).
- ``n_organisaties`` (= rows of the organisations table), ``n_organisaties_regionaal``, ``organisaties_zin``.
- ``burgers_zin`` (plain: the study's claim on citizens vs mkb and why the register cannot test it),
  ``claim_burgers_oordeel`` ("niet te toetsen").
- ``n_secundair`` (initiatives shown whose key facts rest on a secondary source), ``gelezen`` (Md).
- ``sector_zin``, ``kern_sector`` (Md), ``drempel_groot``, ``drempel_lq``, ``gemeenten_zin`` (Md).

Exhibits: ``dekking`` (Note, outside coverage), ``overzicht``, ``aanbod``, ``doelgroep``, ``soort_hulp``,
``bedrijfsgrootte``, ``bereik``, ``gemeenten_kaart``, ``gemeenten``, ``sectoren``, ``sectorfocus``,
``benchmarks``, ``benchmarks_per_jaar``, ``organisaties``.
"""

from __future__ import annotations

import pandas as pd

from .. import business, charts, coverage, geography
from .. import initiatives as ini
from ..dutch import fmt_dec, fmt_int, fmt_pct, join_nl, plural, region_with_article
from ..result import Chapter, Figure, Md, Note, Table, esc, link, md
from . import chapter

SOURCE = ("register van initiatieven `data/initiatives.yml` (de webadressen van de bronnen staan per initiatief "
          "in het register en in de CSV)")
LEVEL_GROUPS = list(ini.LEVEL_GROUPS)


def the_region(area) -> str:
    """The region's name as it stands mid-sentence ('de provincie Utrecht')."""
    return region_with_article(area.name, area.kind)


def _n(n: int) -> str:
    return plural(n, "initiatief", "initiatieven")


def _pct(count: int, total: int):
    return (count / total, fmt_pct(count / total * 100, 0)) if total else (None, "onbekend")


def _b(text) -> Md:
    return Md(f"**{esc(text)}**")


def supply_sentence(counts: dict[str, int], year: int) -> Md:
    """'In 2025 bieden **7** initiatieven nu hulp ...' from the counts per supply set (hand-checkable)."""
    n = counts.get("hulp_nu", 0)
    head = (f"In {year} {'biedt' if n == 1 else 'bieden'} {_b(fmt_int(n))} "
            f"{plural(n, 'initiatief', 'initiatieven', with_number=False)} hulp bij digitalisering aan het mkb: "
            f"{'het loopt' if n == 1 else 'ze lopen'} in dat jaar, {'is' if n == 1 else 'zijn'} voor het mkb en "
            f"{'heeft' if n == 1 else 'hebben'} digitalisering als hoofdthema.")
    rest = [f"{_n(counts[k])} {label}" for k, label in (
        ("ander_thema", "voor het mkb met een ander hoofdthema"), ("onbekend", "waarvan de status of doelgroep "
         "onbekend is"), ("gepland", "gepland of nog niet gestart"), ("beeindigd", "beëindigd"),
        ("burgers", "voor burgers")) if counts.get(k)]
    return Md(head + (f" Daarnaast: {esc(join_nl(rest))}." if rest else ""))


def benchmark_sentence(comp: pd.DataFrame, ambition: int) -> Md:
    """The comparison of the comparable benchmarks with the ambition, in words that follow from the numbers."""
    ok = comp[comp["comparable"]]
    others = len(comp) - len(ok)
    tail = (f" {plural(others, 'Het andere vergelijkingscijfer is', 'De andere vergelijkingscijfers zijn', with_number=False)}"
            f" niet te vergelijken (een landelijk totaal, een doel of geen cijfer per jaar; zie de tabel)."
            if others else "")
    if ok.empty:
        return Md(f"Geen enkel vergelijkingscijfer is een gemeten aantal geholpen mkb'ers per jaar in één regio. "
                  f"Daarom is niet te zeggen of een tempo van {_b(fmt_int(ambition))} per jaar elders gehaald wordt."
                  + tail)
    parts = []
    for r in ok.itertuples():
        value, name = float(r.mkb_per_year), esc(str(r.name).split(',')[0])
        share = _b(fmt_pct(value / ambition * 100, 0))
        if value >= ambition:
            parts.append(f"{name} hielp {'meer dan ' if r.bound == 'ondergrens' else ''}{_b(fmt_int(value))} "
                         f"mkb'ers per jaar: dat is het tempo van de ambitie ({share} ervan) of meer.")
        elif r.bound == "ondergrens":
            parts.append(f"{name} hielp meer dan {_b(fmt_int(value))} mkb'ers per jaar: minstens {share} van de "
                         f"ambitie. Of het tempo van {fmt_int(ambition)} daar gehaald is, zegt dit cijfer niet.")
        else:
            parts.append(f"{name} hielp {_b(fmt_int(value))} mkb'ers per jaar: minder dan de ambitie ({share} ervan).")
    lead = (f"De ambitie is {_b(fmt_int(ambition))} mkb'ers per jaar. "
            + ("Het enige vergelijkbare cijfer: " if len(ok) == 1 else "Vergelijkbare cijfers: "))
    return Md(lead + " ".join(parts) + tail)


def _overview_table(sets: pd.DataFrame, area) -> Table:
    ov = sets.assign(_l=sets["level"].map({lv: i for i, lv in enumerate(ini.LEVELS)}),
                     _s=sets["supply_set"].map({k: i for i, k in enumerate(ini.SUPPLY_SETS)}),
                     _n=sets["name"].str.lower()).sort_values(["_s", "_l", "_n"]).reset_index(drop=True)
    shown = pd.DataFrame({
        "Initiatief": [link(n, s[0]) for n, s in zip(ov["name"], ov["sources"])],
        "Groep": ov["supply_set"].map(ini.SUPPLY_SETS),
        "Status in het jaar": ov.apply(ini.status_text, axis=1),
        "Niveau": ov["level"].map(lambda v: ini.label("level", v)),
        "Organisaties": ov["organisations"].map(lambda s: ", ".join(s)),
        "Bron": ov["source_type"].map(lambda v: ini.UNKNOWN if ini._is_missing(v) else v),
    })
    data = pd.DataFrame({
        "id": ov["id"], "name": ov["name"], "supply_set": ov["supply_set"], "status_year": ov["status_year"],
        "status_basis": ov["status_basis"], "status_as_of": ov["status_as_of"], "stale": ov["stale"],
        "status_register": ov["status"], "start_year": ov["start_year"], "end_year": ov["end_year"],
        "level": ov["level"], "audience": ov["audience"], "focus": ov["focus"],
        "organisations": ov["organisations"].map("; ".join), "source_type": ov["source_type"],
        "certainty": ov["certainty"], "checked": ov["checked"].dt.strftime("%Y-%m-%d"),
        "sources": ov["sources"].map(" ".join)})
    return Table(shown, data, caption=md("Initiatieven die mkb'ers in {r} kunnen bereiken, naar groep", r=the_region(area)),
                 source=SOURCE + ".",
                 note="'Status in het jaar' volgt uit start, einde en status in het register. 'Laatst bevestigd in' "
                      "betekent: de jongste bron is meer dan een jaar ouder dan het jaar van deze editie. Bron "
                      "'secundair': de belangrijkste feiten komen uit nieuws, een blog of een adviesbureau.")


@chapter
def compute(area, year: int, settings) -> Chapter:
    ch = Chapter("initiatives")
    ambition = settings.ambition_per_year
    max_age = settings.get("initiatives", "status_max_age_years", kind=int)
    large = settings.get("initiatives", "large_share_pct", kind=float)
    specialised = settings.get("initiatives", "specialised_lq", kind=float)
    cov = coverage.load("initiatives")
    covered = cov.covers(area)
    geo = geography.municipalities()
    province_of = dict(zip(geo["gemeentecode"], geo["provinciecode"]))
    register = ini.load_initiatives()
    reaching = ini.reaching_region(register, set(area.codes), province_of)
    if not covered:
        reaching = reaching[reaching["level"].isin(cov.levels_everywhere)].reset_index(drop=True)
    sets = ini.supply_sets(reaching, year, max_age)
    counts = {k: int((sets["supply_set"] == k).sum()) for k in ini.SUPPLY_SETS}
    now = sets[sets["supply_set"] == "hulp_nu"]
    mkb = sets[sets["supply_set"] != "burgers"]

    ch.fact("regio_naam", area.name)
    ch.fact("jaar", year, str(year))
    ch.fact("onderzocht", covered, "ja" if covered else "nee")
    ch.fact("dekking_zin", covered,
            f"Voor {the_region(area)} zijn regionale en gemeentelijke initiatieven onderzocht, naast landelijke en "
            f"Europese." if covered else
            f"Regionale en gemeentelijke initiatieven zijn voor {the_region(area)} niet onderzocht: het register beschrijft "
            f"{cov.what}. Dit hoofdstuk toont daarom alleen landelijke en Europese initiatieven. Dat er geen "
            f"regionale initiatieven in staan, betekent niet dat ze er niet zijn.")
    ch.add("dekking", None if covered else Note(esc(ch.text("dekking_zin"))))
    n_regional = int((sets["level"] == "regionaal").sum())
    ch.fact("n_register", len(register), _n(len(register)))
    ch.fact("n_init", len(sets), _n(len(sets)))
    ch.fact("n_regionaal", n_regional if covered else None, str(n_regional) if covered else "niet onderzocht")
    n_nat_eu = int(sets["level"].isin(["nationaal", "europees"]).sum())
    ch.fact("n_nat_eu", n_nat_eu, str(n_nat_eu))
    for key, n in counts.items():
        ch.fact(f"n_{key}", n, _n(n))
    ch.fact("n_mkb", len(mkb), _n(len(mkb)))
    ch.fact("aanbod_zin", counts["hulp_nu"], supply_sentence(counts, year))
    open_sets = sets[sets["supply_set"].isin(["hulp_nu", "ander_thema", "gepland", "onbekend"])]
    stale = open_sets[open_sets["stale"]]
    ch.fact("n_verouderd", len(stale), _n(len(stale)))
    ch.fact("verouderd_zin", len(stale), Md(
        f"Bij {_b(_n(len(stale)))} is de status niet recent bevestigd: de jongste bron is meer dan "
        f"{plural(max_age, 'jaar', 'jaar')} ouder dan {year}"
        + (f" (bijvoorbeeld {esc(stale.iloc[0]['name'])}: {esc(ini.status_text(stale.iloc[0]))})." if len(stale) else ".")))

    # shares of the current help: one denominator everywhere
    n_now = len(now)
    sector = now["target_sectors"].map(lambda s: not ini._is_missing(s) and s != [ini.ALL_SECTORS])
    small = now["target_size_classes"].map(lambda s: not ini._is_missing(s) and bool(ini.SMALL_CLASSES & set(s)))
    n_sector, n_small = int(sector.sum()), int(small.sum())
    ch.fact("aandeel_sectorfocus", *_pct(n_sector, n_now))
    ch.fact("n_sectorfocus", n_sector, str(n_sector))
    ch.fact("aandeel_klein", *_pct(n_small, n_now))
    ch.fact("n_klein", n_small, str(n_small))
    n_size_unknown = int(now["target_size_classes"].map(ini._is_missing).astype(bool).sum())
    ch.fact("n_grootte_onbekend", n_size_unknown, str(n_size_unknown))

    # reach: only what the register says it is; a cumulative figure is never a figure per year
    p = business.profile(area, year)
    per_year = ini.reach_per_year(now)
    known = now[now["reach_mkb"].notna()]
    ch.fact("n_bereik_bekend", len(known), str(len(known)))
    ch.fact("n_bereik_per_jaar", int(per_year.notna().sum()), str(int(per_year.notna().sum())))
    ch.fact("ambitie", ambition, fmt_int(ambition))
    ch.fact("n_vestigingen", p.establishments, fmt_int(p.establishments))
    ch.fact("ambitie_pct", ambition / p.establishments, fmt_pct(ambition / p.establishments * 100, 2))
    if known.empty:
        reach = Md(f"Van geen van de {esc(_n(n_now))} met lopende hulp noemt een bron een bereik.")
    else:
        items = "; ".join(f"{esc(r['name'])}: {esc(ini.reach_text(r))}" for _, r in known.iterrows())
        reach = Md(f"Van {_b(len(known))} van de {esc(_n(n_now))} met lopende hulp noemt een bron een bereik "
                   f"({items}). " + ("Geen van deze getallen is een aantal per jaar: ze zijn opgeteld over meer "
                                     "jaren en worden hier niet over de jaren verdeeld."
                                     if per_year.notna().sum() == 0 else
                                     f"{_b(int(per_year.notna().sum()))} daarvan is een aantal per jaar."))
    ch.fact("bereik_zin", len(known), reach)
    if not known.empty:
        ch.add("bereik", Table(
            pd.DataFrame({"Initiatief": known["name"].to_numpy(), "Bereik": known.apply(ini.reach_text, axis=1).to_numpy(),
                          "Gebied van het getal": known["reach_scope"].map(lambda v: ini.label("reach_scope", v)).to_numpy(),
                          "Toelichting": known["reach_note"].fillna("").to_numpy()}),
            known[["id", "name", "reach_mkb", "reach_kind", "reach_unit", "reach_from", "reach_to", "reach_period",
                   "reach_scope", "reach_note"]].reset_index(drop=True),
            caption=md("Het bekende bereik van de lopende hulp in {r}, zoals de bronnen het noemen", r=the_region(area)),
            source=SOURCE + ".",
            note="Een getal dat over meer jaren is opgeteld, is geen bereik per jaar en wordt niet door het aantal "
                 "jaren gedeeld."))
    else:
        ch.add("bereik", None)

    # benchmarks: compare only what is comparable
    comp = ini.compare_benchmarks(ini.load_benchmarks())
    ch.fact("n_benchmarks_vergelijkbaar", int(comp["comparable"].sum()), str(int(comp["comparable"].sum())))
    ch.fact("benchmark_zin", int(comp["comparable"].sum()), benchmark_sentence(comp, ambition))
    ch.add("benchmarks", Table(
        pd.DataFrame({"Vergelijkingscijfer": comp["name"], "Cijfer zoals de bron het geeft": comp["figure"],
                      "Vergelijkbaar met de ambitie": comp.apply(
                          lambda r: "ja" if r["comparable"] else f"nee: {r['reason']}", axis=1)}),
        comp, caption="Vergelijkingscijfers van initiatieven buiten de regio (benchmarks)",
        source="register van vergelijkingscijfers `data/benchmarks.yml` (met de webadressen van de bronnen).",
        note="Vergelijkbaar is alleen een gemeten aantal geholpen mkb'ers per jaar van één initiatief in één regio, "
             "zoals de bron het noemt."))
    ok = comp[comp["comparable"]]
    if ok.empty:
        ch.add("benchmarks_per_jaar", None)
    else:
        bars = pd.DataFrame({"naam": list(ok["name"]) + ["Ambitie uit de studie"],
                             "mkb_per_jaar": list(ok["mkb_per_year"].astype(float)) + [float(ambition)]})
        ch.add("benchmarks_per_jaar", Figure.of(
            charts.hbar(bars, "mkb_per_jaar", "naam", value_title="mkb'ers per jaar", color=charts.PALETTE[1],
                        title="Geholpen mkb'ers per jaar: vergelijkbare cijfers en de ambitie",
                        description=str(ch.text("benchmark_zin")).replace("**", "").replace("\\", "")
                        ).configure_axisY(labelLimit=360),
            bars, caption="Geholpen mkb'ers per jaar bij vergelijkbare initiatieven buiten de regio, naast de ambitie.",
            source=f"register `data/benchmarks.yml`; ambitie: aanbeveling 2 van de studie ({settings.ambition_source})."))

    # organisations: named, current, of the mkb initiatives that did not end before the year
    orgs = ini.load_organisations(initiative_ids=register["id"])
    involved = ini.organisations_involved(orgs, mkb.loc[mkb["supply_set"] != "beeindigd", "id"])
    names = dict(zip(register["id"], register["name"]))
    n_reg_orgs = int((involved["level"] == "regionaal").sum())
    ch.fact("n_organisaties", len(involved), plural(len(involved), "organisatie", "organisaties"))
    ch.fact("n_organisaties_regionaal", n_reg_orgs, plural(n_reg_orgs, "organisatie", "organisaties"))
    ch.fact("organisaties_zin", len(involved),
            f"Bij de initiatieven voor het mkb die in {year} niet beëindigd zijn, zijn "
            f"{plural(len(involved), 'organisatie', 'organisaties')} met naam betrokken, waarvan {n_reg_orgs} "
            f"regionaal.")
    ch.add("organisaties", Table(
        pd.DataFrame({"Organisatie": [link(n, s[0]) for n, s in zip(involved["name"], involved["sources"])],
                      "Niveau": involved["level"].map(lambda v: ini.label("level", v)),
                      "Rol": involved["role"],
                      "Initiatieven": involved["initiative_ids"].map(lambda ids: ", ".join(names[i] for i in ids))}),
        involved.assign(initiative_ids=involved["initiative_ids"].map(" ".join),
                        sources=involved["sources"].map(" ".join))[
            ["id", "name", "kind", "level", "role", "initiative_ids", "n_initiatives", "source_type", "sources"]],
        caption=md("Organisaties die betrokken zijn bij de hulp aan mkb'ers in {r}", r=the_region(area)),
        source="register van organisaties `data/organisations.yml`.",
        note="Alleen organisaties met een naam die nu bestaan; geen categorieën zoals 'gemeenten'."))

    # citizens vs mkb: the study's claim cannot be tested with this register
    aud = ini.audience_coverage()
    ch.fact("claim_burgers_oordeel", "niet te toetsen")
    ch.fact("burgers_zin", counts["burgers"],
            f"De studie zegt dat er veel initiatieven zijn voor de digitale vaardigheden van burgers en duidelijk "
            f"minder voor het mkb. Het register telt {_n(counts['burgers'])} voor burgers en {_n(len(mkb))} voor het "
            f"mkb. Maar initiatieven voor het mkb zijn {aud['mkb'].split(' (')[0]}; voor burgers: {aud['burgers']}. "
            f"Met dit register is de uitspraak daarom niet te toetsen.")

    ch.fact("n_secundair", int((sets["source_type"] == "secundair").sum()),
            _n(int((sets["source_type"] == "secundair").sum())))
    first, last = sets["checked"].min(), sets["checked"].max()
    ch.fact("gelezen", (first, last), Md(
        "op " + _b(first.strftime("%d-%m-%Y")) if first == last else
        f"tussen {_b(first.strftime('%d-%m-%Y'))} en {_b(last.strftime('%d-%m-%Y'))}") if len(sets) else Md("niet"))

    ch.add("overzicht", _overview_table(sets, area))
    _supply_figures(ch, sets, now, area)
    _sector_exhibits(ch, now, p, area, year, large, specialised)
    _municipality_exhibits(ch, sets, area, covered, geo, province_of)
    return ch


def _with_group_labels(counts: pd.DataFrame) -> pd.DataFrame:
    return counts.assign(tekst=counts["initiatives"].astype(str) + " " + counts["level_group"])


def _supply_figures(ch: Chapter, sets, now, area) -> None:
    rows = []
    for key, label in ini.SUPPLY_SETS.items():
        for group, levels in ini.LEVEL_GROUPS.items():
            rows.append({"supply_set": key, "label": label, "level_group": group,
                         "initiatives": int(((sets["supply_set"] == key) & sets["level"].isin(levels)).sum())})
    data = _with_group_labels(pd.DataFrame(rows))
    ch.add("aanbod", Figure.of(
        charts.count_bars(data, "initiatives", "label", group="level_group", group_order=LEVEL_GROUPS,
                          label="tekst", value_title="aantal initiatieven", title="Het aanbod in het jaar van deze editie",
                          description=str(ch.text("aanbod_zin")).replace("**", "").replace("\\", "")),
        data, caption=md("Initiatieven voor {r} naar groep, regionaal en landelijk of Europees", r=the_region(area)),
        source=SOURCE + "."))
    for key, column, title, note in (
            ("soort_hulp", "support_types", "Soort hulp in de lopende hulp bij digitalisering", ""),
            ("bedrijfsgrootte", "target_size_classes", "Voor welke bedrijfsgrootte is de lopende hulp?",
             "'onbekend': de bron noemt geen bedrijfsgrootte. Dat betekent niet dat kleine bedrijven niet mee kunnen doen.")):
        counts = _with_group_labels(ini.count_by_level_group(now, column))
        if column == "support_types":
            counts = counts[counts[column] != ini.UNKNOWN]
        top = counts.groupby("label", sort=False)["initiatives"].sum().sort_values(ascending=False, kind="stable")
        desc = (f"Van de {len(now)} initiatieven met lopende hulp noemen de meeste {top.index[0]} "
                f"({top.iloc[0]})." if len(now) and top.iloc[0] > 0 else "Er is geen lopende hulp om te tellen.")
        ch.add(key, Figure.of(
            charts.count_bars(counts.reset_index(drop=True), "initiatives", "label", group="level_group",
                              group_order=LEVEL_GROUPS, label="tekst", value_title="aantal initiatieven", title=title,
                              description=desc),
            counts.reset_index(drop=True),
            caption=md("Lopende hulp bij digitalisering voor {r}: een initiatief kan bij meer waarden meetellen",
                       r=the_region(area)),
            source=SOURCE + ".", note=note))


def _sector_exhibits(ch: Chapter, now, p, area, year, large, specialised) -> None:
    focus = ini.sector_focus(now)
    counts = focus.set_index("sector_group")["initiatives"]
    gaps = ini.sector_gaps(focus, p.shares, p.lq[p.lq["eenheid"] == area.name],
                           large_share_pct=large, specialised_lq=specialised)
    ch.fact("drempel_groot", large, fmt_pct(large, 0))
    ch.fact("drempel_lq", specialised, fmt_dec(specialised, 1))
    open_gaps = gaps[gaps["gap"]].sort_values("share_pct", ascending=False)
    if open_gaps.empty:
        kern = sentence = Md("Elke grote of gespecialiseerde sector heeft minstens één lopend initiatief dat zich er "
                             "speciaal op richt.")
    else:
        first, many = open_gaps.iloc[0], len(open_gaps) > 1
        kern = Md(f"{_b(len(open_gaps))} grote of gespecialiseerde {'sectoren hebben' if many else 'sector heeft'} "
                  f"geen lopend initiatief dat zich er speciaal op richt, {'waaronder' if many else 'namelijk'} "
                  f"{esc(first['label'].lower())} ({_b(fmt_pct(first['share_pct']))} van de vestigingen).")
        sentence = Md("Geen lopend initiatief richt zich speciaal op: " + "; ".join(
            f"{esc(g['label'].lower())} ({_b(fmt_pct(g['share_pct']))} van de vestigingen, het locatiequotiënt is "
            f"{_b(fmt_dec(g['lq'], 2))})" for _, g in open_gaps.iterrows()) + ".")
    ch.fact("kern_sector", len(open_gaps), kern)
    ch.fact("sector_zin", len(open_gaps), sentence)
    chart_data = gaps.assign(sector=gaps.apply(
        lambda g: f"{g['label']}: " + ("geen initiatief" if g["initiatives"] == 0 else _n(int(g["initiatives"]))),
        axis=1))
    ch.add("sectoren", Figure.of(
        charts.hbar(chart_data, "share_pct", "sector", value_title="aandeel van de vestigingen (%)", fmt=".1f",
                    title="Sectoren en het aantal lopende initiatieven dat zich erop richt",
                    description=str(kern).replace("**", "").replace("\\", "")).configure_axisY(labelLimit=360),
        gaps, caption=md("Aandeel van elke sector in de vestigingen van {r} ({y}), met het aantal lopende "
                         "initiatieven dat zich speciaal op die sector richt", r=the_region(area), y=year),
        source=SOURCE + f"; vestigingen: CBS, tabel 81575NED ({year}).",
        note=(f"Daarnaast richten {counts[ini.ALL_SECTORS]} initiatieven zich op alle sectoren en zegt de bron bij "
              f"{counts[ini.UNKNOWN]} niets over sectoren.")))
    g = gaps.sort_values("share_pct", ascending=False)
    ch.add("sectorfocus", Table(
        pd.DataFrame({"Sector": g["label"], f"Vestigingen {year}": g["establishments"].map(fmt_int),
                      "Aandeel": g["share_pct"].map(fmt_pct), "Locatiequotiënt": g["lq"].map(lambda v: fmt_dec(v, 2)),
                      "Lopende initiatieven": g["initiatives"],
                      "Kenmerk": g.apply(lambda r: " en ".join(w for w, f in (("groot", r["large"]),
                                         ("gespecialiseerd", r["specialised"])) if f)
                                         + ("; geen gericht aanbod" if r["gap"] else ""), axis=1)}),
        gaps, caption=md("Sectorstructuur van {r} ({y}) en de lopende initiatieven die zich op elke sector richten",
                         r=the_region(area), y=year),
        source=SOURCE + f"; vestigingen en locatiequotiënten: CBS, tabel 81575NED ({year}).",
        note=(f"Groot: minstens {fmt_pct(large, 0)} van de vestigingen. Gespecialiseerd: het locatiequotiënt is "
              f"minstens {fmt_dec(specialised, 1)}. Sectoren in de bronnen zijn door ons vertaald naar CBS-groepen.")))


def _municipality_exhibits(ch: Chapter, sets, area, covered, geo, province_of) -> None:
    if not covered:
        ch.fact("gemeenten_zin", None, Md("Regionale initiatieven per gemeente zijn voor deze regio niet onderzocht."))
        ch.add("gemeenten_kaart", None)
        ch.add("gemeenten", None)
        return
    running = sets[sets["supply_set"].isin(["hulp_nu", "ander_thema"])]
    cov = ini.coverage_by_municipality(running, area.codes, province_of).merge(
        geo[["gemeentecode", "gemeentenaam"]], on="gemeentecode").sort_values(
        ["initiatives", "gemeentenaam"], ascending=[False, True]).reset_index(drop=True)
    low, high = int(cov["initiatives"].min()), int(cov["initiatives"].max())
    n_named = int((cov["named_explicitly"] > 0).sum())
    if len(cov) == 1:
        c = cov.iloc[0]
        ch.fact("gemeenten_zin", int(c["initiatives"]), md(
            "In {g} werken **{n}** lopende regionale initiatieven voor het mkb; **{k}** daarvan noemen de gemeente "
            "zelf als werkgebied.", g=c["gemeentenaam"], n=int(c["initiatives"]), k=int(c["named_explicitly"])))
        ch.add("gemeenten_kaart", None)
        ch.add("gemeenten", None)
        return
    spread = f"{low}" if low == high else f"{low} tot {high}"
    ch.fact("gemeenten_zin", (low, high), Md(
        f"Elke gemeente van {esc(the_region(area))} valt onder {_b(spread)} lopende regionale initiatieven voor het mkb. "
        f"{_b(plural(n_named, 'gemeente wordt', 'gemeenten worden'))} door een initiatief bij naam genoemd."))
    chart = charts.choropleth(business.shapes(area).merge(cov, on="gemeentecode"), "initiatives", "gemeentenaam",
                              legend_title="regionale initiatieven", fmt=".0f",
                              title="Lopende regionale initiatieven per gemeente",
                              description=f"Elke gemeente valt onder {spread} lopende regionale initiatieven.")
    import altair as alt

    chart.encoding.color.scale = alt.Scale(scheme="blues", domain=[0, max(high, 1)])
    ch.add("gemeenten_kaart", Figure.of(chart, cov, caption=md("Lopende regionale initiatieven per gemeente van {r}",
                                                                r=the_region(area)),
                                        source=SOURCE + "; gemeentegrenzen 2025: CBS, PDOK/Kadaster."))
    ch.add("gemeenten", Table(
        pd.DataFrame({"Gemeente": cov["gemeentenaam"], "Lopende regionale initiatieven": cov["initiatives"],
                      "Waarvan de gemeente bij naam noemen": cov["named_explicitly"]}),
        cov, caption=md("Lopende regionale initiatieven voor het mkb per gemeente in {r}", r=the_region(area)),
        source=SOURCE + "."))
