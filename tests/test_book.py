"""Checks on the rendered book (the editions `make test` builds with warnings as errors).

The fixture builds an edition if it is missing (seconds when nothing changed),
so these tests never pass on a book that was not built.
"""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from mkbbook import mirror
from mkbbook.build import build, chapters

YEAR = mirror.latest_year()  # the editions `make test` builds: the latest year of the snapshot in use


@pytest.fixture(scope="module", params=["provincie-utrecht", "u16"])
def site(request):
    edition = build(request.param, YEAR, strict=True, out=None)
    return request.param, edition.html


def _page(html_dir: Path, rel: str) -> BeautifulSoup:
    path = html_dir / rel
    assert path.exists(), f"{rel} was not built"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_title_and_language_name_the_region(site):
    region, html_dir = site
    name = {"provincie-utrecht": "provincie Utrecht", "u16": "U16"}[region]
    soup = _page(html_dir, "book/chapters/00_samenvatting.html")
    assert soup.html["lang"] == "nl"
    assert name in soup.title.text
    assert "Samenvatting" in soup.find("h1").text and name in soup.get_text()
    assert (html_dir / "index.html").exists()


@pytest.mark.parametrize("name", chapters())
def test_every_figure_and_table_has_caption_source_and_download(site, name):
    _, html_dir = site
    soup = _page(html_dir, f"book/chapters/{name}.html")
    text = " ".join(soup.get_text(" ").split())
    chart_divs = soup.select("div.mkb-chart")
    tables = soup.select("table")
    downloads = [a for a in soup.select("a.download") if "Download de gegevens" in a.get_text()]
    for div in chart_divs:
        assert div.get("aria-label", "").strip(), "chart without a text alternative"
        assert div.get("role") == "img"
    assert text.count("Figuur:") == len(chart_divs)
    assert len(downloads) >= len(chart_divs)
    assert text.count("Bron:") >= len(downloads)
    if chart_divs or tables:
        assert downloads, "figures or tables without a data download"
    for link in downloads:
        assert (html_dir / "book" / "chapters" / link["href"]).resolve().exists(), link["href"]


@pytest.mark.parametrize("name", chapters())
def test_no_plumbing_or_unresolved_glue_is_shown(site, name):
    _, html_dir = site
    raw = (html_dir / "book" / "chapters" / f"{name}.html").read_text(encoding="utf-8")
    assert "tag_injected-parameters" not in raw and "tag_parameters" not in raw
    soup = BeautifulSoup(raw, "html.parser")
    for script in soup.select("script[src]"):
        assert not script["src"].startswith(("http:", "https:", "//")), script["src"]
    for code in soup.select("div.cell_input"):  # the code a researcher can unfold may mention roles
        code.decompose()
    prose = soup.get_text(" ")
    assert "{glue" not in prose and "glue:text" not in prose and "{doc}" not in prose


def test_chapter_one_numbers_are_glued_and_breaks_are_flagged(site):
    from conftest import SEED_FINGERPRINT
    from mkbbook import mirror
    from mkbbook.chapters import business

    region, html_dir = site
    text = " ".join(_page(html_dir, "book/chapters/01_bedrijvigheid.html").get_text(" ").split())
    ch = business.compute(region, YEAR)
    assert f"{ch.text('n_vestigingen')} vestigingen" in text  # computed by the chapter and glued
    assert "alle gemeenten van Nederland samen" in text  # the like-for-like comparator is named
    assert "met +" not in text and "de locatiequotiënt" not in text.lower()
    for year in ch["breuken_jaren"]:  # breaks found by code (mkbbook.breaks) are stated
        assert f"Trendbreuk {year}" in text
    if mirror.validate().fingerprint == SEED_FINGERPRINT:
        assert ch["breuken_jaren"] == [2022, 2024]
        assert "voorlopig" in text  # the latest birth years are provisional
        if region == "provincie-utrecht":
            assert "217.915 vestigingen" in text  # 2025 total on 2025 boundaries
    if region == "provincie-utrecht":
        assert "Deelregio" in text
    else:
        assert "valt niet samen met COROP-gebieden" in text  # births only exist for whole COROP regions
