"""Checks that run before any notebook: the curated data in data/ and the parameters."""

from __future__ import annotations

from . import dynamics
from .errors import DataError


def check_curated() -> list[str]:
    """Load every curated register (each raises DataError on the first problem); return a summary."""
    from . import costs, funding, initiatives, monitoring, policies, reorg, settings
    from .geography import municipality_codes
    from .regions import all_regions

    lines = [f"data/regions.yml: {len(all_regions())} regions",
             f"data/herindelingen_2015_2025.csv: {len(reorg.load_reorganisations())} mappings"]
    codes = set(dynamics.establishments_raw()["gemeentecode"].unique())
    unmapped = reorg.unmapped_codes(codes, municipality_codes())
    if unmapped:
        raise DataError(reorg.REORG_FILE, f"municipality code(s) {', '.join(sorted(unmapped))} in the data "
                        "cannot be mapped onto a 2025 municipality",
                        fix="add the reorganisation with its successor(s), share and source")
    lines.append(f"data/initiatives.yml: {len(initiatives.load_initiatives())} initiatives")
    lines.append(f"data/benchmarks.yml: {len(initiatives.load_benchmarks())} benchmarks")
    lines.append(f"data/policies.yml: {len(policies.load_policies())} policy documents")
    lines.append(f"data/cbs_digitalisering_grootteklasse.csv: {len(policies.load_cbs_size_class())} rows")
    lines.append(f"data/nl_mkb_digitalisering_monitoring.csv: {len(policies.load_nl_monitoring())} rows")
    lines.append(f"data/monitoring.yml: {len(monitoring.load_monitoring())} monitoring records")
    lines.append(f"data/organisations.yml: {len(initiatives.load_organisations())} organisations")
    lines.append(f"data/funding.yml: {len(funding.load_funding())} funding routes")
    lines.append(f"data/cost_examples.yml: {len(costs.load())} cost examples")
    lines.append(f"data/settings.yml: ambition {settings.load().ambition_per_year} a year")
    return lines


def year_problem(year: int, years) -> DataError | None:
    """Why an edition cannot be made for `year` (None when it can), in words a user can act on."""
    years = sorted({int(y) for y in years})
    first, last = years[0], years[-1]
    base = max(dynamics.FIRST_YEAR, first)
    where = "parameter YEAR"
    if year > last:
        return DataError(where, f"{year} is after the newest year of the data ({last})",
                         fix=f"choose a year from {base + 1} to {last}, or refresh the data with `make data`")
    if year < first:
        return DataError(where, f"{year} is before the first year of the data ({first})",
                         fix=f"choose a year from {base + 1} to {last}")
    if year <= base:
        return DataError(where, f"{year} is the first year of the data ({first}–{last}); an edition shows the "
                         f"growth since {base} and the change on the year before, so it needs an earlier year "
                         "to compare with", fix=f"choose a year from {base + 1} to {last}")
    if year - 1 not in years or year not in years:
        return DataError(where, f"the data ({first}–{last}) have no establishments for "
                         f"{year if year not in years else year - 1}", fix="check the data mirror (make check-data)")
    return None


def check_year(year: int) -> None:
    """The analysis year must have establishments for it and the year before, after the base year."""
    problem = year_problem(int(year), dynamics.establishments_raw()["jaar"])
    if problem is not None:
        raise problem
