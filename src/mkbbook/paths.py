"""Where the project finds its inputs.

The open data (CBS, Eurostat, PDOK) travel with the code: ``snapshots/<name>/`` holds one
snapshot of the data mirror (its README is the contract, plus SHA256SUMS, licences and
manifest.json) and the one-line pointer file ``snapshots/current`` names the snapshot in use.
``make data`` writes a new snapshot next to it and switches the pointer; committing both
publishes the refresh. ``$MKB_DATA_MIRROR`` overrides the pointer (tests, other mirrors).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"  # our curated data (registers, regions, reorganisations)
MIRROR_ENV = "MKB_DATA_MIRROR"
SNAPSHOT_HOME = REPO_ROOT / "snapshots"  # open-data snapshots <name>/ and the pointer file 'current'
POINTER = "current"


def current_snapshot(home: Path | None = None) -> Path | None:
    """The snapshot named in snapshots/current, or None when there is no pointer file."""
    home = Path(home) if home else SNAPSHOT_HOME
    pointer = home / POINTER
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    path = home / name
    if not name or "/" in name or "\\" in name or name.startswith(".") or not path.is_dir():
        raise DataError(pointer, f"names the snapshot {name!r}, which is not a folder of {home}",
                        fix=f"write the name of a folder of {home} into {pointer} "
                            "(`git checkout -- snapshots/current` restores the committed one)")
    return path


def mirror_dir() -> Path:
    """The data mirror: $MKB_DATA_MIRROR if set, else the repository's snapshot named in snapshots/current."""
    configured = os.environ.get(MIRROR_ENV)
    if configured:
        path = Path(configured)
        how = f"{MIRROR_ENV}={configured}"
    else:
        path = current_snapshot()
        how = f"the pointer {SNAPSHOT_HOME / POINTER}"
        if path is None:
            raise DataError(SNAPSHOT_HOME / POINTER, "no data snapshot is named (the pointer file is missing)",
                            fix="restore it from git (`git checkout -- snapshots/`), or set "
                                f"{MIRROR_ENV} to a folder that holds SHA256SUMS")
    if not (path / "README.md").exists() and not (path / "SHA256SUMS").exists():
        raise DataError(path, f"no data mirror found ({how})",
                        fix=f"set {MIRROR_ENV} to the folder that holds SHA256SUMS, or unset it to use "
                            "the repository's own snapshot")
    return path.resolve()


def latest_year(root: Path | None = None) -> int:
    """The newest year of the establishment counts in the snapshot: the default analysis year of a build.

    Read with the csv module (no pandas), so that a build with nothing to do stays fast. Rows without a
    whole-number year are passed over here: the contract check of the build names them."""
    import csv

    path = Path(root or mirror_dir()) / "cbs" / "vestigingen_gemeente.csv"
    fix = "restore the snapshot (git checkout snapshots/) or run `make data`"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            years = {row.get("jaar") for row in csv.DictReader(handle)}
    except OSError as exc:
        raise DataError(path, f"cannot read the years ({exc})", fix=fix) from None
    years = {int(y) for y in years if isinstance(y, str) and y.strip().isdigit()}
    latest = max(years) if years else None
    if latest is None:
        raise DataError(path, "has no rows", fix=fix)
    return latest
