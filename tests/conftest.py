import shutil
from pathlib import Path

import pytest

from mkbbook import mirror

from mkbbook.paths import mirror_dir


@pytest.fixture
def mirror_copy(tmp_path, monkeypatch):
    """A writable copy of the data mirror, used through MKB_DATA_MIRROR."""
    root = tmp_path / "mirror"
    shutil.copytree(mirror_dir(), root)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    monkeypatch.setenv("MKB_DATA_MIRROR", str(root))
    return root


def rewrite_with_checksum(root: Path, name: str, text: str) -> None:
    """Replace a mirror file and update SHA256SUMS, so only the content check can catch it."""
    import hashlib

    (root / name).write_text(text)
    digest = hashlib.sha256((root / name).read_bytes()).hexdigest()
    sums = root / "SHA256SUMS"
    lines = [f"{digest}  {name}" if line.endswith(f"  {name}") else line for line in sums.read_text().splitlines()]
    sums.write_text("\n".join(lines) + "\n")


# The seed snapshot (snapshots/20261201T200600Z): fingerprint = sha256 over its SHA256SUMS. Numbers of that
# snapshot are asserted only while it is the one in use; after a refresh those tests skip and the
# recomputation tests (tests/test_snapshot.py) check the book instead.
SEED_FINGERPRINT = "764ef22c9faa9272cbae18ac14cd8b1bbc3eda569793e067538cc6d0fdefa39a"


@pytest.fixture(scope="session")
def seed_snapshot():
    """Skip a test of the seed snapshot's own numbers when another snapshot is in use."""
    if mirror.validate().fingerprint != SEED_FINGERPRINT:
        pytest.skip("pins numbers of the seed snapshot; another snapshot is in use")
