"""The PDF edition (`make pdf`): one Dutch PDF of the whole book.

Checked against the built site, so new chapters and charts are covered without a change here:
every chapter and appendix title of the site's table of contents is in the PDF text, every chart
container of the site is in the PDF as an image (matched by its pixel size in the manifest the
printer writes), captions and source lines are there, every page has a page number, and the site
carries the PDF it links to. Skipped when the PDF is not made; `make test-browser` makes it first
and sets MKB_REQUIRE_BROWSER=1, under which a missing PDF fails.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("MKB_SITE") or ROOT / "_build/editions/provincie-utrecht-2025/_build/html")
SITE = SITE if SITE.is_absolute() else ROOT / SITE
PDF = Path(os.environ.get("MKB_PDF") or ROOT / "_build/pdf/mkb-digitalisering.pdf")
PDF = PDF if PDF.is_absolute() else ROOT / PDF
MANIFEST = PDF.with_suffix(".json")
REQUIRED = os.environ.get("MKB_REQUIRE_BROWSER") == "1"
MISSING = f"the PDF is not made ({PDF} does not exist): `make pdf` makes it, `make test-browser` also tests it"

if REQUIRED and not PDF.exists():
    pytest.fail(MISSING, pytrace=False)
pytestmark = pytest.mark.skipif(not PDF.exists(), reason=MISSING)


def _run(*cmd: str) -> str:
    if shutil.which(cmd[0]) is None:
        pytest.fail(f"{cmd[0]} is missing: apt-get install -y poppler-utils", pytrace=False)
    return subprocess.run(cmd, capture_output=True, check=True).stdout.decode("utf-8", "replace")


def _squash(text: str) -> str:
    """Compare text without white space (pdftotext breaks lines and spaces inline code)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def pdf_text() -> str:
    return _run("pdftotext", "-enc", "UTF-8", str(PDF), "-")


@pytest.fixture(scope="module")
def page_count() -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(PDF)), re.M).group(1))


@pytest.fixture(scope="module")
def site_html() -> dict[str, str]:
    if not (SITE / "index.html").exists():
        pytest.fail(f"the PDF exists but the site it belongs to is not built ({SITE})", pytrace=False)
    return {p.relative_to(SITE).as_posix(): p.read_text(encoding="utf-8") for p in SITE.rglob("*.html")
            if not any(part.startswith(("_", ".")) for part in p.relative_to(SITE).parts)}


def _toc_titles(site_html: dict[str, str]) -> list[str]:
    """Chapter and appendix titles from the site's navigation (the toc), without their numbers."""
    page = next(h for h in site_html.values() if "bd-docs-nav" in h)
    nav = page[page.index("bd-docs-nav"):]
    nav = nav[: nav.index("</nav>")]
    titles = [html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in
              re.findall(r'<a class="reference internal[^"]*" href="[^"]*">(.*?)</a>', nav, re.S)]
    assert titles, "no table of contents found in the site"
    return [re.sub(r"^\d+(\.\d+)*\.?\s+", "", t) for t in titles]


def test_page_count_has_a_floor(page_count, site_html):
    # title page + contents, and each of the site's pages starts a new page of the PDF
    floor = 2 + len([p for p in site_html if p not in ("index.html", "genindex.html", "search.html")])
    assert page_count >= floor, f"{page_count} pages, expected at least {floor}"


def test_every_toc_title_is_in_the_pdf(pdf_text, site_html):
    text = _squash(pdf_text)
    missing = [t for t in _toc_titles(site_html) if _squash(t) not in text]
    assert not missing, f"not in the PDF: {missing}"


def test_pdf_has_title_page_contents_and_is_dutch(pdf_text, site_html):
    first_pages = pdf_text.split("\f")[:3]
    assert "Inhoud" in " ".join(first_pages), "no table of contents ('Inhoud') at the front"
    # the book's title: what the <title> of every page ends with ("<page> - <book>")
    titles = [html.unescape(m.group(1)) for h in site_html.values() if (m := re.search(r"<title>(.*?)</title>", h, re.S))]
    book_title = os.path.commonprefix([t[::-1] for t in titles])[::-1].lstrip(" -\u2013\u2014|")
    assert len(book_title) > 10, titles
    assert _squash(book_title) in _squash(first_pages[0]), f"the title page does not carry {book_title!r}"
    assert "Pagina" in pdf_text and "Bron:" in pdf_text


def test_every_page_has_a_page_number(pdf_text, page_count):
    pages = pdf_text.split("\f")[:page_count]
    unnumbered = [i + 1 for i, p in enumerate(pages) if f"Pagina {i + 1} van {page_count}" not in p]
    assert not unnumbered, f"pages without a page number: {unnumbered}"


def test_table_of_contents_has_page_numbers():
    manifest = json.loads(MANIFEST.read_text())
    pages = [e["page"] for e in manifest["toc"]]
    assert all(isinstance(p, int) and p > 1 for p in pages), manifest["toc"]
    assert pages == sorted(pages), "the contents' page numbers do not increase"


def test_every_chart_is_an_image_in_the_pdf(site_html):
    """As many chart images in the PDF as chart containers in the site; each found by its pixel size."""
    charts_in_site = sum(h.count('class="mkb-chart"') for h in site_html.values())
    manifest = json.loads(MANIFEST.read_text())
    assert len(manifest["charts"]) == charts_in_site, (
        f"the printer drew {len(manifest['charts'])} charts, the site has {charts_in_site}")
    listed = _run("pdfimages", "-list", str(PDF)).splitlines()[2:]
    images = Counter((int(c[3]), int(c[4])) for c in (line.split() for line in listed) if c[2] == "image")
    wanted = Counter((c["width"], c["height"]) for c in manifest["charts"])
    missing = {size: n - images[size] for size, n in wanted.items() if images[size] < n}
    assert not missing, f"chart images missing from the PDF (size: count): {missing}"
    assert all(c["alt"] for c in manifest["charts"]), "a chart image without its text alternative"


def test_captions_and_sources_are_printed(pdf_text, site_html):
    charts = sum(h.count('class="mkb-chart"') for h in site_html.values())
    assert pdf_text.count("Figuur") >= charts, "fewer 'Figuur' captions than charts"
    sources_in_site = sum(len(re.findall(r"<p>Bron:", h)) for h in site_html.values())
    assert pdf_text.count("Bron:") >= sources_in_site, "fewer 'Bron:' lines in the PDF than in the site"


def test_the_site_carries_the_pdf_it_links_to(site_html):
    copy = SITE / PDF.name
    assert copy.exists() and copy.read_bytes() == PDF.read_bytes(), f"{copy} is missing or not this PDF"
    linking = [p for p, h in site_html.items() if re.search(rf'href="[^"]*{re.escape(PDF.name)}"', h)]
    assert linking, "no page links to the PDF"
