"""What a build publishes (issue 13): exactly what the current inputs produce, the same bytes for the
same inputs (clean or incremental), a PDF link only when the PDF is part of the site.

Builds the edition of one municipality (GM0344) in temporary build folders: a clean build, then
incremental rebuilds of it, and a second clean build to compare with (about a minute in all).
"""

from __future__ import annotations

import filecmp
import io
import zipfile
from pathlib import Path

import nbformat
import pytest

from mkbbook import build as b
from mkbbook import mirror
from mkbbook.regions import resolve

REGION, YEAR = "GM0344", 2025


def _build(base: Path, monkeypatch, **kw) -> b.Edition:
    monkeypatch.setattr(b, "BUILD_DIR", base)
    monkeypatch.setattr(b, "EDITIONS_DIR", base / "editions")
    return b.build(REGION, YEAR, strict=True, out=base / "site", **kw)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A clean build (its folder is changed by the tests that follow, in file order)."""
    mp = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("first")
    edition = _build(base, mp)
    yield base, edition, mp
    mp.undo()


def _all_files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


def _zip_names(edition: b.Edition) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(b.notebook_archive(edition).read_bytes())).namelist()


def test_no_page_links_a_pdf_that_is_not_there(built):
    base, edition, _ = built
    assert not (base / "site" / b.PDF_NAME).exists()
    for name, path in _all_files(base / "site").items():
        if name.endswith(".html"):
            assert b.PDF_NAME not in path.read_text(encoding="utf-8"), name


def test_published_notebooks_hold_no_run_times_ids_or_paths(built):
    base, edition, _ = built
    for path in (edition.src / b.CHAPTER_DIR).glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        for volatile in ('"papermill"', '"execution"', "start_time", "end_time", "duration", str(base),
                         str(b.REPO_ROOT)):
            assert volatile not in text, f"{path.name} holds {volatile}"
        nb = nbformat.read(path, as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert [c.id for c in injected] == ["injected-parameters"]


def test_stale_downloads_are_removed_everywhere(built, monkeypatch):
    """A CSV an earlier run wrote (and one no chapter owns) is gone from the sources, the site,
    the notebooks zip and the published copy after the next build."""
    base, edition, mp = built
    chapter_dir = edition.src / b.CHAPTER_DIR
    name = b.chapters()[-1]
    manifest = edition.root / "stamps" / f"{name}.files"
    (chapter_dir / "data" / "monitoring-verwijderd.csv").write_text("jaar,geholpen\n2024,17\n")
    manifest.write_text(manifest.read_text() + "monitoring-verwijderd.csv\n")  # written by an earlier run
    (chapter_dir / "data" / "wees.csv").write_text("a\n1\n")  # of a chapter that no longer exists
    (edition.root / "stamps" / f"{name}.key").write_text("an earlier content key")
    b.write_notebook_archive(edition)
    assert "data/wees.csv" in _zip_names(edition)
    _build(base, mp)
    for stale in ("monitoring-verwijderd.csv", "wees.csv"):
        assert not (chapter_dir / "data" / stale).exists()
        assert not any(p.endswith("/" + stale) for p in _zip_names(edition))
        for site in (edition.html, base / "site"):
            assert not [p for p in _all_files(site) if p.endswith(stale)], f"{stale} is still in {site}"
    assert _zip_names(edition).count(f"{name}.ipynb") == 1


def test_incremental_rebuild_gives_the_same_bytes_as_a_clean_build(built, tmp_path, monkeypatch):
    base, edition, mp = built
    # an incremental Sphinx run over unchanged content: touch a page and forget the site stamp
    page = next((edition.src / "book").rglob("*.md"))
    page.touch()
    (edition.root / "stamps" / "site.key").unlink()
    _build(base, mp)
    # one chapter executed again with the same inputs
    (edition.root / "stamps" / f"{b.chapters()[1]}.key").write_text("an earlier content key")
    _build(base, mp)
    clean = _build(tmp_path, monkeypatch)
    first, second = _all_files(edition.html), _all_files(clean.html)
    assert sorted(first) == sorted(second)
    differ = [name for name in first if not filecmp.cmp(first[name], second[name], shallow=False)]
    assert differ == [], f"differ between an incremental and a clean build: {differ[:10]}"
    archive = b.notebook_archive(edition).name
    assert b.notebook_archive(edition).read_bytes() == (clean.src / b.CHAPTER_DIR / archive).read_bytes()


def test_pdf_is_linked_once_it_is_part_of_the_site_and_dropped_when_stale(built):
    base, edition, mp = built
    area = resolve(REGION)
    snapshot = mirror.validate()
    (edition.src / b.PDF_NAME).write_bytes(b"%PDF-1.4 stand-in for make pdf\n")
    (edition.root / "stamps" / "pdf.key").write_text(b.pdf_key(edition, area.name, snapshot))
    _build(base, mp)
    assert (base / "site" / b.PDF_NAME).exists()
    colophon = (base / "site" / "book" / "appendix" / "colofon.html").read_text(encoding="utf-8")
    assert b.PDF_NAME in colophon
    index = (base / "site" / "book" / "chapters" / "00_samenvatting.html").read_text(encoding="utf-8")
    assert "download-book-pdf-button" in index
    # the sources change (here: the stamp no longer matches): the PDF and every link to it go
    (edition.root / "stamps" / "pdf.key").write_text("sources of an earlier edition")
    _build(base, mp)
    assert not (base / "site" / b.PDF_NAME).exists() and not (edition.src / b.PDF_NAME).exists()
    for name, path in _all_files(base / "site").items():
        if name.endswith(".html"):
            assert b.PDF_NAME not in path.read_text(encoding="utf-8"), name


def test_colophon_lists_settings_and_local_changes(built, monkeypatch):
    base, edition, _ = built
    text = (edition.src / "book" / "appendix" / "colofon.md").read_text()
    assert "data/settings.yml" in text and "SHA-256" in text
    monkeypatch.setattr(b, "_git_state", lambda: ("abc1234", True))
    dirty = b.colophon_text(edition, "gemeente Utrecht", mirror.validate(), pdf=False)
    assert "`abc1234` (met lokale wijzigingen" in dirty
    monkeypatch.setattr(b, "_git_state", lambda: ("abc1234", False))
    assert "lokale wijzigingen" not in b.colophon_text(edition, "gemeente Utrecht", mirror.validate(), pdf=False)


def test_chapter_cache_keeps_only_the_current_content_key(tmp_path):
    import os

    from mkbbook.chapters import CACHE_DIR_ENV, CONTENT_KEY_ENV

    edition = b.Edition("u16", 2025, tmp_path)
    old = edition.root / "cache" / ("0" * 24)
    old.mkdir(parents=True)
    (old / "x.pickle").write_bytes(b"old")
    with b.chapter_cache(edition, "f" * 64) as folder:
        assert os.environ[CONTENT_KEY_ENV] == "f" * 64 and os.environ[CACHE_DIR_ENV] == str(edition.root / "cache")
        assert not old.exists() and folder.name == "f" * 24
    assert CONTENT_KEY_ENV not in os.environ or os.environ[CONTENT_KEY_ENV] != "f" * 64
