"""The key numbers of the whole book in one place, for the summary and the recommendations.

Each number comes from the same package function the chapter uses, so the
summary can never disagree with the chapter it summarises.
"""

from __future__ import annotations

from . import demand, eurostat, initiatives, policies
from .geography import municipalities
from .paths import mirror_dir
from .sectors import label


def key_numbers(region, year: int, per_year: int = demand.AMBITION_PER_YEAR) -> dict:
    """Raw (unformatted) key numbers for a Region and year; see the keys below."""
    a = demand.analyse(region, year, per_year=per_year)
    p = a["profile"]
    province_of = municipalities().set_index("gemeentecode")["provinciecode"].to_dict()

    reaching = initiatives.reaching_region(initiatives.load_initiatives(), set(region.codes), province_of)
    mkb = reaching[reaching["audience"] == "mkb"]
    found = initiatives.findings(mkb)

    register = policies.load_policies()
    by_level = policies.numeric_mkb_targets_by_level(register)
    with_target, without_target = policies.mkb_target_levels(by_level)
    local = policies.applying_to_region(register, set(region.codes), province_of)
    local_share = policies.theme_share(local)

    dii = eurostat.digital_intensity(eurostat.read_sdmx_csv(mirror_dir() / "eurostat" / "isoc_e_dii.csv"))
    gaps = eurostat.target_gaps(eurostat.latest_dii_basic(dii), policies.targets_table(register))
    nl_gap = gaps[(gaps["geo"] == "NL") & gaps["gap_pp"].notna()].iloc[0]

    bench = initiatives.load_benchmarks()
    measured = bench[(bench["basis"] == "bron") & bench["mkb_per_year"].notna()].sort_values("mkb_per_year")
    organisations = {o for orgs in mkb["organisations"] for o in orgs}

    top_share = p.shares.sort_values("regio_pct").iloc[-1]
    lq_region = p.lq[p.lq["eenheid"] == region.name].sort_values("lq").iloc[-1]
    out = {
        "regio": region.name, "jaar": year, "per_jaar": per_year,
        "vestigingen": p.establishments, "groei_pct": p.growth_pct, "nl_groei_pct": p.nl_growth_pct,
        "basisjaar": p.base_year, "grootste_sector": label(top_share["sectorgroep"]),
        "grootste_sector_pct": float(top_share["regio_pct"]),
        "specialisatie_sector": label(lq_region["sectorgroep"]), "specialisatie_lq": float(lq_region["lq"]),
        "initiatieven_mkb": found["n_initiatives"], "initiatieven_burgers": int((reaching["audience"] == "burgers").sum()),
        "aandeel_sectorfocus_pct": (found["share_sector_focus"] or 0) * 100,
        "aandeel_klein_pct": (found["share_micro_small"] or 0) * 100,
        "bereik_bekend": found["n_known_reach"],
        "bereik_regionaal_per_jaar": a["supply"]["regionaal_per_jaar"],
        "niveaus_met_doel": with_target, "niveaus_zonder_doel": without_target,
        "lokale_documenten": local_share["documents"], "lokale_documenten_mkb": local_share["with_theme"],
        "nl_dii_waarde": float(nl_gap["latest_value"]), "nl_dii_jaar": int(nl_gap["latest_year"]),
        "nl_doel": float(nl_gap["target_value"]), "nl_gap_pp": float(nl_gap["gap_pp"]),
        "prioriteiten": [label(g) for g in a["priorities"]],
        "organisaties": len(organisations),
        "benchmark_naam": measured.iloc[-1]["name"] if len(measured) else None,
        "benchmark_per_jaar": float(measured.iloc[-1]["mkb_per_year"]) if len(measured) else None,
        "heeft_schatting": a["structure"] is not None,
    }
    if a["structure"] is not None:
        out.update({
            "mkb_schatting": a["mkb_total"],
            "achter_laag": a["lagging_total"]["laag"], "achter_midden": a["lagging_total"]["midden"],
            "achter_hoog": a["lagging_total"]["hoog"],
            "tempo_aandeel_pct": a["pace"]["midden"]["aandeel_per_jaar_pct"],
            "jaren_nodig": a["pace"]["midden"]["jaren_nodig"],
            "nodig_per_jaar": a["pace"]["midden"]["nodig_per_jaar"],
            "aandeel_achter_klein_pct": _small_share(a["lagging"]),
        })
    return out


def _small_share(lagged) -> float:
    """Share (%) of zzp and micro firms among the lagging firms (central scenario)."""
    mid = lagged[lagged["scenario"] == "midden"]
    return float(mid.loc[mid["grootte"].isin(["zzp", "micro"]), "achterblijvend"].sum()
                 / mid["achterblijvend"].sum() * 100)
