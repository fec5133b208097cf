"""The summary for Provinciale Staten (the book's first page): a decision note composed of the chapters.

It computes nothing of its own about firms, help or policy: every number is a fact of a chapter, shown with
the same text (see BORROWED), so the summary always says what the chapter says. What it adds is the order a
Staten member needs: what is asked, what "Regio Utrecht" means here, five findings with how certain each is,
what it means, the options with their cost, and the recommendations with a next step and a moment.

Fact keys: the borrowed ones (BORROWED), plus ``regio_uitleg`` (Md), ``bevinding_1`` … ``bevinding_5`` (Md,
each opening with its certainty: gemeten, geteld, geschat or onbekend), ``betekenis`` (Md) and
``vraag_1`` … ``vraag_3`` (Md): what is asked of Provinciale Staten.
Exhibits: ``samenvatting-opties`` (chapter 5's table of what the ambition costs, under a key of its own).
"""

from __future__ import annotations

from .. import regions
from ..dutch import capitalize_first
from ..result import Chapter, Md, esc, md
from . import business, chapter, demand, initiatives, monitoring, policies, recommendations

_REC = recommendations
# Our key -> (chapter module, its key); chapter 5's own facts come from chapter 5.
BORROWED = {key: (_REC, key) for key in [
    *_REC.BORROWED, "volgend_jaar", "ev_einde", "kosten_per_bedrijf", "kosten_ambitie", "optie_a", "optie_b",
    "optie_c", "claims_zin", *(f"{kind}_{nr}" for nr in range(1, 6) for kind in ("stap", "moment"))]}
BORROWED.update({
    "basisjaar": (business, "basisjaar"),
    "groei_sinds_basis": (business, "groei_sinds_basis"),
    "nl_groei_sinds_basis": (business, "nl_groei_sinds_basis"),
    "grootste_sector_aandeel": (business, "grootste_sector_aandeel"),
    "n_gemeenten": (business, "n_gemeenten"),
    "n_bereik_per_jaar": (initiatives, "n_bereik_per_jaar"),
    "onderzocht": (initiatives, "onderzocht"),
    "dekking_initiatieven": (initiatives, "dekking_zin"),
    "nodig_per_jaar": (demand, "nodig_per_jaar"),
    "nodig_per_jaar_trend": (demand, "nodig_per_jaar_trend"),
})
MODULES = (business, initiatives, policies, demand, monitoring, recommendations)


def _label(word: str) -> str:
    return f"*{word}.*"


@chapter
def compute(area, year, settings) -> Chapter:
    ch = Chapter("summary")
    results = {m: m.compute(area, year, settings) for m in MODULES}
    for key, (module, their_key) in BORROWED.items():
        f = results[module].facts[their_key]
        ch.fact(key, f.value, f.text)
    t = ch.text  # the borrowed texts, as the chapters show them

    # What "Regio Utrecht" means in this edition.
    named = [r.name for r in regions.all_regions().values() if r.kind == "regio"]
    why = (" De provincie is het uitgangspunt: zij is de opdrachtgever en haar economisch beleid geldt voor al deze "
           "gemeenten." if area.key == "provincie-utrecht" else "")
    ch.fact("regio_uitleg", area.key, Md(md(
        "De studie spreekt van ‘Regio Utrecht’, maar zegt niet welke gemeenten daarbij horen. Deze editie gaat over "
        "{regio} ({n}).", regio=t("regio_lidwoord"), n=t("n_gemeenten")) + why + md(
        " Er zijn ook edities voor {named}, voor elke provincie, elk COROP-gebied en elke gemeente (zie de "
        "README van het project).", named=", ".join(named))))

    # Five findings, each with how certain it is.
    ch.fact("bevinding_1", None, md(
        "{lab} In {regio} waren op 1 januari {jaar} **{n} vestigingen** van bedrijven. Dat is {g} meer dan in {b}. "
        "Alle gemeenten van Nederland samen groeiden met {gnl}. De grootste sector is {s} ({a}).", lab=Md(_label("Gemeten (CBS)")),
        regio=t("regio_lidwoord"), jaar=t("jaar"), n=t("n_vestigingen"), g=t("groei_sinds_basis"),
        b=t("basisjaar"), gnl=t("nl_groei_sinds_basis"), s=t("grootste_sector"), a=t("grootste_sector_aandeel")))
    coverage_note = "" if ch["onderzocht"] else f"{t('dekking_initiatieven')} "
    n_focus = ch["n_sectorfocus"]
    reach = ("Van geen enkel initiatief is bekend hoeveel mkb'ers het per jaar helpt." if not ch["n_bereik_per_jaar"]
             else f"Van {t('n_bereik_per_jaar')} is bekend hoeveel mkb'ers het per jaar helpt.")
    ch.fact("bevinding_2", None, md(
        "{lab} {cov}**{n}** helpen in {jaar} het mkb in deze regio met digitaliseren. {f} daarvan "
        "{verb} zich op bepaalde sectoren ({fa}). {k} richt zich op de kleinste bedrijven. {unknown} {reach}", lab=Md(_label("Geteld in het register van initiatieven")), n=t("n_hulp_nu"),
        jaar=t("jaar"), cov=coverage_note, f=capitalize_first(t("n_sectorfocus")), fa=t("aandeel_sectorfocus"),
        verb="richt" if n_focus == 1 else "richten",
        k=t("n_klein"), unknown=Md(_label("Onbekend")), reach=reach))
    ch.fact("bevinding_3", None, Md(f"{_label('Geteld in het beleidsregister')} {t('zin_doelen')}"))
    if ch["heeft_schatting"]:
        ch.fact("bevinding_4", None, md(
            "{lab} Er zijn {mkb} mkb-vestigingen. Daarvan lopen er **{ach}** achter met digitaliseren. Van hen "
            "is {kl} zzp'er (zelfstandige zonder personeel) of een bedrijf met minder dan 10 werkzame personen. "
            "{lab2} In heel Nederland haalt {dii} van de bedrijven met 10 tot 250 werkzame personen het basisniveau "
            "({dj}). Dat betekent: ze gebruiken ten minste 4 van 12 digitale technieken, zoals een website of "
            "online verkoop. Het doel is {doel} in {dy}.", lab=Md(_label("Geschat met een model")), mkb=t("mkb_schatting"),
            ach=t("achterblijvers"), kl=t("aandeel_klein_achter"), lab2=Md(_label("Gemeten (Eurostat)")),
            dii=t("nl_mkb"), dj=t("dii_jaar"), doel=t("doel_nl"), dy=t("doel_jaar")))
        near = ch["nodig_per_jaar"] <= settings.ambition_per_year
        ch.fact("bevinding_5", None, md(
            "{lab} Met {a} mkb'ers per jaar helpt de regio {aa} van de achterblijvers per jaar. Voor bedrijven "
            "vanaf 10 werkzame personen is het doel {far}. Daarvoor moet de regio er ongeveer {n} per jaar helpen. "
            "{trend} De meeste achterblijvers zijn kleine bedrijven. Voor hen is er geen doel.",
            lab=Md(_label("Geschat met een model")), a=t("ambitie"), aa=t("ambitie_aandeel"), n=t("nodig_per_jaar"),
            far="dichtbij" if near else "nog ver weg",
            trend=("Gaat de groei van de laatste jaren door, dan haalt die groep het doel zonder extra hulp."
                   if not ch["nodig_per_jaar_trend"] else
                   f"Gaat de groei van de laatste jaren door, dan zijn het er {t('nodig_per_jaar_trend')}.")))
    else:
        for nr in (4, 5):
            ch.fact(f"bevinding_{nr}", None, Md(f"{_label('Onbekend')} Met de gegevens van deze editie kan niet "
                                               "worden geschat hoeveel mkb'ers achterblijven."))

    # What it means, and what is asked.
    unknown_reach = not ch["n_bereik_per_jaar"]
    ch.fact("betekenis", None, Md(
        ("Niemand weet nu hoeveel mkb'ers de bestaande hulp bereikt. " if unknown_reach else "")
        + "Verbinden en meten (keuze A) kost weinig. Het is nodig om later goed te kiezen. Elk jaar "
        f"{esc(t('ambitie'))} mkb'ers helpen (keuze B) kost geld. De voorbeelden elders laten zien hoeveel. "
        "Geld voor de kleinste bedrijven (keuze C) komt pas als er cijfers zijn."))
    ch.fact("vraag_1", None, md(
        "Stem in met een **faciliterende rol** van de werkgroep. Het doel: elk jaar **minstens {a} mkb'ers** "
        "helpen met digitaliseren (aanbevelingen 1, 2 en 4).", a=t("ambitie")))
    ch.fact("vraag_2", None, md(
        "Vraag Gedeputeerde Staten om **monitoring** (aanbeveling 3). Elk initiatief meldt dan per jaar hoeveel "
        "mkb'ers het hielp. De eerste cijfers gaan over {y}.", y=t("volgend_jaar")))
    ch.fact("vraag_3", None, md(
        "Beslis of er een **doel in cijfers en geld** komen. Het moment: {m}. Keuze B kost naar schatting {k}.",
        m=t("moment_2"), k=t("kosten_ambitie")))
    ch.add("samenvatting-opties", results[recommendations].exhibits["opties"])
    return ch
