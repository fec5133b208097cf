"""Chapter 5, "Aanbevelingen": the study's five recommendations with the evidence of the chapters, a next step
and a moment for each, the options with what they cost, and the study's own claims tested against our data.

This chapter computes nothing about firms, initiatives or policy itself: it composes the results of chapters
1–4 and 6 (their facts, unchanged, so a number here is the number the chapter shows), the cost examples
(data/cost_examples.yml) and the funding routes of chapter 3. The summary (chapters.summary) composes this one.

Fact keys (besides the borrowed ones, listed in BORROWED):
- ``regio_lidwoord``, ``volgend_jaar`` (edition year + 1), ``ev_einde`` (end year of the province's
  Economische Visie, from the policy register; None outside the researched province),
- ``stap_1`` … ``stap_5`` and ``moment_1`` … ``moment_5`` (Md): the next step and its moment per recommendation,
- ``kosten_per_bedrijf`` (value (low, high) euro; text "€ 1.000 tot € 15.000"), ``kosten_ambitie`` (value
  (low, high) a year for the ambition), ``n_kostenvoorbeelden``, ``optie_a``/``optie_b``/``optie_c`` (Md),
- ``claim_<id>_oordeel`` (bevestigd, niet bevestigd, niet te toetsen) and ``claim_<id>_uitleg`` per claim in
  CLAIMS; ``claims_zin`` (how many claims got which verdict).
Exhibits: ``opties`` (table of the cost examples), ``claims`` (table), ``aanbevelingen-financieringsroutes``
(chapter 3's table; its own key keeps labels and downloads unique in the book).
"""

from __future__ import annotations

import re

import pandas as pd

from .. import costs, coverage, policies as policy_register
from ..dutch import capitalize_first, fmt_eur, fmt_int, fmt_pct, plural
from ..result import Chapter, Md, Table, esc, link, md
from . import business, chapter, demand, initiatives, monitoring, policies

# Facts shown here exactly as their chapter computed them: our key -> (chapter module, its key).
BORROWED = {
    "regio_naam": (business, "regio_naam"),
    "regio_lidwoord": (business, "regio_lidwoord"),
    "jaar": (business, "jaar"),
    "n_vestigingen": (business, "n_vestigingen"),
    "grootste_sector": (business, "grootste_sector"),
    "sterkste_lq_sector": (business, "sterkste_lq_sector"),
    "n_hulp_nu": (initiatives, "n_hulp_nu"),
    "n_sectorfocus": (initiatives, "n_sectorfocus"),
    "aandeel_sectorfocus": (initiatives, "aandeel_sectorfocus"),
    "aandeel_klein": (initiatives, "aandeel_klein"),
    "n_klein": (initiatives, "n_klein"),
    "n_organisaties": (initiatives, "n_organisaties"),
    "organisaties_zin": (initiatives, "organisaties_zin"),
    "benchmark_zin": (initiatives, "benchmark_zin"),
    "ambitie": (initiatives, "ambitie"),
    "zin_doelen": (policies, "zin_doelen"),
    "kern_lokaal": (policies, "kern_lokaal"),
    "nl_mkb": (policies, "nl_mkb"),
    "dii_jaar": (policies, "dii_jaar"),
    "doel_nl": (policies, "doel_nl"),
    "doel_jaar": (policies, "doel_jaar"),
    "gap_nl": (policies, "gap_nl"),
    "routes_zin": (policies, "routes_zin"),
    "heeft_schatting": (demand, "heeft_schatting"),
    "mkb_schatting": (demand, "mkb_schatting"),
    "achterblijvers": (demand, "achterblijvers"),
    "aandeel_klein_achter": (demand, "aandeel_klein_achter"),
    "ambitie_aandeel": (demand, "ambitie_aandeel"),
    "tempo_zin": (demand, "tempo_zin"),
    "onder10_zin": (demand, "onder10_zin"),
    "prioriteiten": (demand, "prioriteiten"),
    "prioriteiten_zin": (demand, "prioriteiten_zin"),
    "kern_stand": (monitoring, "kern_stand"),
    "kern_bereik": (monitoring, "kern_bereik"),
}

# The Economische Visie of the province of Utrecht: the moment to set a numeric provincial target.
VISION_ID = "pu-economische-visie-2020-2027"

# The study's claims, in our words (the study's public description, domain.md section 1).
CLAIMS = {
    "burgers": "Er zijn veel initiatieven voor de digitale vaardigheden van inwoners en duidelijk minder voor het mkb.",
    "sectorfocus": "Een duidelijke sectorfocus ontbreekt bij de hulp aan het mkb.",
    "gemeenten": "Bij de meeste gemeenten staat digitalisering van het mkb niet hoog op de agenda.",
    "rijk": "Het landelijke digitaliseringsbeleid is minder op het mkb gericht.",
    "achterstand": "Een fors deel van het mkb blijft achter met digitaliseren.",
}
VERDICTS = ("bevestigd", "niet bevestigd", "niet te toetsen")


def borrow(ch: Chapter, results: dict, key: str) -> None:
    module, their_key = BORROWED[key]
    f = results[module].facts[their_key]
    ch.fact(key, f.value, f.text)


def vision_end(area) -> int | None:
    """End year of the province's Economische Visie when the region lies in that (researched) province."""
    if not coverage.load("policies").covers(area):
        return None
    register = policy_register.load_policies()
    row = register[register["id"] == VISION_ID]
    if row.empty or "PV26" not in area.provinces:
        return None
    years = re.findall(r"\d{4}", str(row.iloc[0]["period"]))
    return int(years[-1]) if years else None


def claim_verdicts(results: dict, settings) -> dict[str, tuple[str, str]]:
    """(verdict, explanation) per claim in CLAIMS, from the chapters' facts; the rules are in the explanations."""
    ini, pol, dem = results[initiatives], results[policies], results[demand]
    out = {"burgers": (ini["claim_burgers_oordeel"], ini.text("burgers_zin"))}

    n_help, n_focus = ini["n_hulp_nu"], ini["n_sectorfocus"]
    if not ini["onderzocht"]:
        out["sectorfocus"] = ("niet te toetsen", "Regionale en gemeentelijke initiatieven zijn voor deze regio niet "
                              "onderzocht.")
    elif not n_help:
        out["sectorfocus"] = ("niet te toetsen", "Het register kent voor deze regio geen lopende hulp bij "
                              "digitalisering voor het mkb om naar te kijken.")
    else:
        verdict = "bevestigd" if n_focus * 2 < n_help else "niet bevestigd"
        out["sectorfocus"] = (verdict, f"{capitalize_first(plural(n_focus, 'initiatief', 'initiatieven'))} van de "
                              f"{n_help} met lopende hulp {'richt' if n_focus == 1 else 'richten'} zich op bepaalde "
                              f"sectoren ({ini.text('aandeel_sectorfocus')}). Bevestigd als dat minder dan de helft is.")

    n_read, n_munis = pol["gemeenten_onderzocht"], results[business]["n_gemeenten"]
    share_needed = settings.get("claims", "municipalities_read_share", kind=float)
    out["gemeenten"] = ("niet te toetsen", (
        f"Van de {plural(n_munis, 'gemeente', 'gemeenten')} zijn de eigen programma's van {fmt_int(n_read)} gelezen. "
        f"Om iets te zeggen over de meeste gemeenten moet dat minstens {fmt_pct(share_needed * 100, 0)} zijn.")
        if n_read < share_needed * n_munis else None)
    if out["gemeenten"][1] is None:
        mkb = pol["n_lokaal_mkb"]
        out["gemeenten"] = ("niet te toetsen", "Het register telt documenten, geen prioriteiten: "
                            f"{fmt_int(mkb)} van de {fmt_int(pol['n_lokaal'])} lokale documenten noemen het thema.")

    pillar = pol["rijk_mkb_pijler"]
    out["rijk"] = (("niet bevestigd", _plain(pol.text("rijk_mkb_pijler"))) if pillar else
                   ("niet te toetsen", "Het beleidsregister heeft geen landelijk document met een mkb-pijler."))

    if not dem["heeft_schatting"]:
        out["achterstand"] = ("niet te toetsen", "De schatting van het aantal achterblijvers kan met deze gegevens "
                              "niet worden gemaakt.")
    else:
        low_share = dem["achterblijvers"]["laag"] / dem["mkb_schatting"]["midden"] * 100
        threshold = settings.get("claims", "substantial_share_pct", kind=float)
        verdict = "bevestigd" if low_share >= threshold else "niet bevestigd"
        out["achterstand"] = (verdict, f"Naar schatting lopen {dem.text('achterblijvers')} van de "
                              f"{dem.text('mkb_schatting')} mkb-vestigingen achter (een modelschatting). Ook de lage "
                              f"schatting is {fmt_pct(low_share, 0)} van het mkb; bevestigd vanaf "
                              f"{fmt_pct(threshold, 0)}.")
    return out


def _plain(markdown: str) -> str:
    """Markdown of a borrowed Md fact as plain text (escapes and emphasis removed) for a table cell."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("**", ""))


@chapter
def compute(area, year, settings) -> Chapter:
    ch = Chapter("recommendations")
    results = {m: m.compute(area, year, settings) for m in (business, initiatives, policies, demand, monitoring)}
    for key in BORROWED:
        borrow(ch, results, key)
    ambition = settings.ambition_per_year
    next_year = year + 1
    ch.fact("volgend_jaar", next_year)
    end = vision_end(area)
    ch.fact("ev_einde", end, str(end) if end else "niet onderzocht")

    # --- options and what they cost -----------------------------------------------------------
    examples = costs.ambition_cost(costs.load(), ambition)
    low, high = examples["cost_per_firm"].min(), examples["cost_per_firm"].max()
    ch.fact("n_kostenvoorbeelden", len(examples), plural(len(examples), "voorbeeld", "voorbeelden"))
    ch.fact("kosten_per_bedrijf", (low, high), f"{fmt_eur(low, -2)} tot {fmt_eur(high, -2)}")
    ch.fact("kosten_ambitie", (low * ambition, high * ambition),
            f"{fmt_eur(low * ambition)} tot {fmt_eur(high * ambition)} per jaar")
    ch.fact("optie_a", None, md(
        "**A. Faciliteren en meten** (aanbevelingen 1, 3 en 4). De werkgroep verbindt de {n} organisaties, laat de "
        "lopende initiatieven hun bereik melden en organiseert kennisuitwisseling. Kosten: vooral tijd van de "
        "werkgroep; de registers noemen geen bedrag. Dit levert zicht op wat werkt, maar niet vanzelf meer geholpen "
        "mkb'ers.", n=fmt_int(results[initiatives]["n_organisaties"])))
    ch.fact("optie_b", None, md(
        "**B. Elk jaar {a} mkb'ers helpen** (aanbeveling 2). Bij de kosten per geholpen mkb'er van {v} voorbeelden "
        "elders ({p} per bedrijf) kost dat **{k}**, afhankelijk van de soort hulp (zie de tabel). Dit levert "
        "{a} geholpen mkb'ers per jaar; hoeveel daardoor echt digitaliseren, moet de monitoring laten zien.",
        a=fmt_int(ambition), v=len(examples), p=ch.text("kosten_per_bedrijf"), k=ch.text("kosten_ambitie")))
    ch.fact("optie_c", None, md(
        "**C. Aanjagen met eigen geld** (aanbeveling 5), later en bovenop B: een regeling voor micro- en kleine "
        "bedrijven, met geld uit de routes in de tabel met financieringsroutes. De kosten hangen af van de keuze; "
        "de voorbeelden geven de orde van grootte per bedrijf."))
    shown = pd.DataFrame({
        "Voorbeeld": [link(n, u) for n, u in zip(examples["name"], costs.load().set_index("id")
                                                   .loc[examples["id"], "sources"].map(lambda s: s[0]))],
        "Soort hulp": examples["kind"],
        "Kosten per geholpen mkb'er": examples["cost_per_firm"].map(lambda v: fmt_eur(v, -2)),
        f"Kosten voor {fmt_int(ambition)} per jaar": examples["cost_per_year"].map(fmt_eur),
        "Hoe zeker": [("uit de bron" if b == "bron" else "door ons afgeleid") + ("" if c == "bevestigd" else ", onzeker")
                      for b, c in zip(examples["basis"], examples["certainty"])],
    })
    ch.add("opties", Table(
        shown, examples, caption=f"Wat {fmt_int(ambition)} geholpen mkb'ers per jaar kosten bij de kosten per bedrijf "
                                 "van eerdere initiatieven",
        source="register `data/cost_examples.yml` (budgetten en bereik uit openbare bronnen; per voorbeeld een link); "
               "kosten per bedrijf = budget per jaar gedeeld door bereik per jaar, berekend door dit boek.",
        note="De voorbeelden verschillen in wat ze bieden: van een kleine subsidie tot een adviestraject. "
             "Budgetten en bereik komen niet altijd uit dezelfde bron; de kolom Hoe zeker zegt het per voorbeeld."))
    ch.add("aanbevelingen-financieringsroutes", results[policies].exhibits.get("financieringsroutes"))

    # --- next steps and moments ---------------------------------------------------------------
    target_moment = (f"bij de opvolger van de Economische Visie, die loopt tot en met {end}" if end else
                     "bij de volgende economische visie van de provincie (het provinciale beleid van deze regio is "
                     "niet onderzocht)")
    steps = {
        1: ("Leg de faciliterende rol van de werkgroep vast in een afspraak tussen provincie, gemeenten, ROM en "
            "kennisinstellingen, en bespreek de bevindingen met de wethouders economie.", f"eerste helft van {next_year}"),
        2: (f"Spreek met de lopende initiatieven af hoeveel mkb'ers elk per jaar helpt, samen minstens "
            f"{fmt_int(ambition)}, met voorrang voor de sectoren uit het hoofdstuk over vraag en aanbod. Zet een "
            "cijfermatig provinciaal doel in het beleid.", target_moment),
        3: ("Laat elk lopend initiatief één keer per jaar zijn cijfers aanleveren in het vaste formaat van het "
            "hoofdstuk over monitoring.", f"eerste cijfers over {next_year}, begin {next_year + 1}"),
        4: ("Organiseer twee keer per jaar een bijeenkomst van de betrokken organisaties over wat werkt, en sluit aan "
            "bij bijeenkomsten die er al zijn.", f"vanaf {next_year}"),
        5: ("Verken met de financieringsroutes hieronder een regeling voor micro- en kleine bedrijven, op basis van "
            "een jaar monitoringcijfers.", f"na het eerste jaar monitoring, {target_moment}"),
    }
    for nr, (step, moment) in steps.items():
        ch.fact(f"stap_{nr}", esc(step))  # Markdown (not the bold of glued text) in the tables of steps
        ch.fact(f"moment_{nr}", esc(moment))

    # --- the study's claims, tested -----------------------------------------------------------
    verdicts = claim_verdicts(results, settings)
    for cid, (verdict, why) in verdicts.items():
        ch.fact(f"claim_{cid}_oordeel", verdict)
        ch.fact(f"claim_{cid}_uitleg", why)
    counts = {v: sum(1 for x, _ in verdicts.values() if x == v) for v in VERDICTS}
    ch.fact("claims_zin", counts, f"Van de {len(CLAIMS)} beweringen van de studie zijn er "
            f"{counts['bevestigd']} bevestigd, {counts['niet bevestigd']} niet bevestigd en "
            f"{counts['niet te toetsen']} niet te toetsen met deze gegevens.")
    data = pd.DataFrame({"claim": list(CLAIMS), "bewering": list(CLAIMS.values()),
                         "oordeel": [verdicts[c][0] for c in CLAIMS], "uitleg": [verdicts[c][1] for c in CLAIMS]})
    ch.add("claims", Table(
        data.rename(columns={"bewering": "Wat de studie zegt", "oordeel": "Oordeel", "uitleg": "Waarom"})
        .drop(columns="claim"), data,
        caption="Beweringen uit de studie, getoetst aan de gegevens van dit boek",
        source="de openbare beschrijving van de studie (Birch, opdrachtgever provincie Utrecht); oordelen: de "
               "hoofdstukken 1 tot en met 4 van dit boek.",
        note="Niet te toetsen betekent: de gegevens in dit boek zijn te beperkt voor een oordeel; het zegt niet dat "
             "de bewering onjuist is."))
    return ch
