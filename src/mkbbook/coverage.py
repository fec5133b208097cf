"""Which areas the curated registers have researched (data/coverage.yml).

"Not researched" is not "none": a chapter asks :func:`covers` before it reports that a region has no
regional policy or initiatives, and otherwise says that they were not researched for that region.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from .errors import DataError
from .paths import DATA_DIR

COVERAGE_FILE = DATA_DIR / "coverage.yml"


@dataclass(frozen=True)
class Coverage:
    register: str  # 'initiatives' or 'policies'
    areas: frozenset  # province codes whose regional and municipal records were researched
    levels_everywhere: tuple  # levels that apply to every region (researched for all)
    what: str  # Dutch description for the page

    def covers(self, region) -> bool:
        """True when every municipality of the region lies in a researched province."""
        return bool(region.provinces) and set(region.provinces) <= self.areas


@lru_cache(maxsize=None)
def load(register: str) -> Coverage:
    try:
        raw = yaml.safe_load(COVERAGE_FILE.read_text(encoding="utf-8"))
        entry = raw[register]
        return Coverage(register, frozenset(entry["areas"]), tuple(entry["levels_everywhere"]), str(entry["what"]))
    except FileNotFoundError:
        raise DataError(COVERAGE_FILE, "file not found", fix="restore data/coverage.yml from git") from None
    except (KeyError, TypeError, yaml.YAMLError) as exc:
        raise DataError(COVERAGE_FILE, f"no valid entry for {register!r} ({exc})", record=register,
                        fix="give it areas (province codes), levels_everywhere and what") from None
