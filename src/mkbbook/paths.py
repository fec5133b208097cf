"""Where the project finds its inputs."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"  # our curated data (registers, regions, reorganisations)
MIRROR_ENV = "MKB_DATA_MIRROR"


def mirror_dir() -> Path:
    """The data mirror: $MKB_DATA_MIRROR, else ../shared/data beside the repository."""
    configured = os.environ.get(MIRROR_ENV)
    path = Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"
    if not (path / "README.md").exists() and not (path / "SHA256SUMS").exists():
        how = f"{MIRROR_ENV}={configured}" if configured else f"the default {path}"
        raise DataError(path, f"no data mirror found ({how})",
                        fix=f"set {MIRROR_ENV} to the folder that holds SHA256SUMS, "
                            "or place the shared/ folder beside the repository")
    return path.resolve()
