"""Where the project finds its inputs."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"  # our curated data (registers, regions, reorganisations)
MIRROR_ENV = "MKB_DATA_MIRROR"
SNAPSHOT_HOME = REPO_ROOT / "_data"  # `make data`: snapshots/<UTC time>/ and the pointer file 'current'


def current_snapshot() -> Path | None:
    """The snapshot named in _data/current (written by `make data`), or None without a pointer."""
    pointer = SNAPSHOT_HOME / "current"
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    path = SNAPSHOT_HOME / "snapshots" / name
    if not name or "/" in name or name.startswith(".") or not path.is_dir():
        raise DataError(pointer, f"names the snapshot {name!r}, which is not in {SNAPSHOT_HOME / 'snapshots'}",
                        fix="run `make data` again, or delete _data/current to use ../shared/data")
    return path


def mirror_dir() -> Path:
    """The data mirror: $MKB_DATA_MIRROR, else the snapshot in _data/current, else ../shared/data."""
    configured = os.environ.get(MIRROR_ENV)
    path = Path(configured) if configured else current_snapshot() or REPO_ROOT.parent / "shared" / "data"
    if not (path / "README.md").exists() and not (path / "SHA256SUMS").exists():
        how = f"{MIRROR_ENV}={configured}" if configured else f"the default {path}"
        raise DataError(path, f"no data mirror found ({how})",
                        fix=f"set {MIRROR_ENV} to the folder that holds SHA256SUMS, "
                            "or place the shared/ folder beside the repository")
    return path.resolve()
