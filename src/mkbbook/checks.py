"""Checks that run before any notebook: the curated data in data/ and the parameters."""

from __future__ import annotations

from . import dynamics
from .errors import DataError


def check_curated() -> list[str]:
    """Load every curated register (each raises DataError on the first problem); return a summary."""
    from . import initiatives, monitoring, policies, reorg
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
    return lines


def check_year(year: int) -> None:
    """The analysis year must have establishments for it and the year before."""
    from .business import check_year as _check

    _check(year, dynamics.establishments_raw()["jaar"])
