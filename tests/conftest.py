import shutil
from pathlib import Path

import pytest

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
