"""The analysis choices of the book, read from one file: data/settings.yml.

Every chapter takes a Settings; nothing else types an analysis choice. Targets are not settings:
they come from the policy register (data/policies.yml) with their source.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import DataError
from .paths import DATA_DIR

SETTINGS_FILE = DATA_DIR / "settings.yml"


@dataclass(frozen=True)
class Settings:
    raw: dict  # the parsed file; use the accessors below
    path: Path = SETTINGS_FILE

    def get(self, *keys, kind=None):
        """A value by its path of keys, e.g. get("ambition", "per_year", kind=int); clear error if absent."""
        node = self.raw
        for i, key in enumerate(keys):
            if not isinstance(node, dict) or key not in node:
                raise DataError(self.path, f"the setting {'.'.join(map(str, keys[:i + 1]))} is missing",
                                fix="add it; see the comments in data/settings.yml")
            node = node[key]
        if kind is float and isinstance(node, int) and not isinstance(node, bool):
            node = float(node)
        if kind is not None and (not isinstance(node, kind) or isinstance(node, bool) and kind is not bool):
            raise DataError(self.path, f"the setting {'.'.join(map(str, keys))} should be a {kind.__name__}, "
                            f"not {node!r}", fix="correct the value")
        return node

    @property
    def ambition_per_year(self) -> int:
        return self.get("ambition", "per_year", kind=int)

    @property
    def ambition_source(self) -> str:
        return self.get("ambition", "source", kind=str)

    @property
    def score_weights(self) -> dict[str, float]:
        weights = self.get("sector_score", "weights", kind=dict)
        return {k: self.get("sector_score", "weights", k, kind=float) for k in weights}

    @property
    def digest(self) -> str:
        """Stable across processes (a key of the chapter cache)."""
        return hashlib.sha256(yaml.safe_dump(self.raw, sort_keys=True).encode()).hexdigest()

    def __hash__(self):
        return hash(self.digest)


@lru_cache(maxsize=4)
def load(path: Path = SETTINGS_FILE) -> Settings:
    """Read and check the settings file."""
    path = Path(path)
    if not path.exists():
        raise DataError(path, "file not found", fix="restore data/settings.yml from git")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:
        raise DataError(path, f"not valid YAML: {exc}", fix="check indentation and values") from None
    if not isinstance(raw, dict):
        raise DataError(path, "should be a mapping of settings", fix="restore data/settings.yml from git")
    settings = Settings(raw, path)
    settings.ambition_per_year, settings.score_weights  # noqa: B018  (fail early on a bad value)
    if sum(settings.score_weights.values()) <= 0:
        raise DataError(path, "the weights of sector_score add up to 0 or less", field="sector_score.weights",
                        fix="give at least one weight a positive value")
    return settings

