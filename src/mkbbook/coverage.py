"""Which areas the curated registers have researched (data/coverage.yml).

"Not researched" is not "none": a chapter asks :meth:`Coverage.state` (or :meth:`Coverage.covers`)
before it reports that a region has no regional policy or initiatives, and otherwise says that they
were not researched for that region.

Each register's entry in data/coverage.yml has:

- ``areas``: province codes (PVxx) whose provincial and regional records were researched;
- ``levels_everywhere``: levels researched for every region (EU and Rijk; national initiatives);
- ``municipalities_examined`` (optional): the municipalities (GMxxxx) whose *own* programmes were
  looked for. Researching a province does not mean that each of its municipalities' programmes was
  read; this list says which were, so a chapter can say "2 of the 26 municipalities";
- ``what``: a Dutch description for the page; ``checked``: when the coverage was last checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import yaml

from .errors import DataError
from .paths import DATA_DIR

COVERAGE_FILE = DATA_DIR / "coverage.yml"

# The answers of Coverage.state(region)
FULL, PARTIAL, NONE = "volledig", "deels", "niet"


@dataclass(frozen=True)
class Coverage:
    register: str  # 'initiatives' or 'policies'
    areas: frozenset  # province codes whose regional and municipal records were researched
    levels_everywhere: tuple  # levels that apply to every region (researched for all)
    what: str  # Dutch description for the page
    municipalities_examined: frozenset = frozenset()  # municipalities whose own programmes were examined
    checked: str = ""  # YYYY-MM-DD

    def covers(self, region) -> bool:
        """True when every municipality of the region lies in a researched province."""
        return bool(region.provinces) and set(region.provinces) <= self.areas

    def state(self, region) -> str:
        """'volledig' (every municipality in a researched province), 'deels' (some) or 'niet' (none)."""
        provinces = set(region.provinces)
        if provinces and provinces <= self.areas:
            return FULL
        return PARTIAL if provinces & self.areas else NONE

    def researched_codes(self, region, province_of: dict) -> frozenset:
        """The region's municipalities that lie in a researched province."""
        return frozenset(c for c in region.codes if province_of.get(c) in self.areas)

    def examined(self, region) -> dict:
        """How many of the region's municipalities had their own programmes examined.

        Returns examined (sorted codes), n_examined and n_municipalities (all of the region).
        """
        codes = sorted(set(region.codes) & self.municipalities_examined)
        return {"examined": codes, "n_examined": len(codes), "n_municipalities": len(region.codes)}


def _entry(raw: dict, register: str) -> Coverage:
    entry = raw[register]
    checked = entry.get("checked", "")
    if isinstance(checked, (dt.date, dt.datetime)):
        checked = checked.isoformat()
    examined = entry.get("municipalities_examined") or []
    if not isinstance(examined, list) or not all(isinstance(c, str) and c.startswith("GM") for c in examined):
        raise TypeError("municipalities_examined must be a list of GMxxxx codes")
    return Coverage(register, frozenset(entry["areas"]), tuple(entry["levels_everywhere"]), str(entry["what"]),
                    frozenset(examined), str(checked))


@lru_cache(maxsize=None)
def load(register: str, path=COVERAGE_FILE) -> Coverage:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return _entry(raw, register)
    except FileNotFoundError:
        raise DataError(path, "file not found", fix="restore data/coverage.yml from git") from None
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise DataError(path, f"no valid entry for {register!r} ({exc})", record=register,
                        fix="give it areas (province codes), levels_everywhere, what and optionally "
                            "municipalities_examined (GMxxxx codes)") from None
