"""Every page of the built site, in headless Chromium, as readers meet it.

tests/browser/check-site.js opens each HTML page of the site (found in the folder, so new chapters
are checked without a change here) from a local server with every request to another host blocked
and recorded, then once more from the folder itself (file://), and writes what it saw to
_build/browser-report.json; the tests below judge that report, one test per page and check.
It also writes a screenshot of each page to _build/screenshots/<page>.png (and .phone.png, and
.dark.png for pages with charts) and the page weights to _build/page-weights.json.

The site is $MKB_SITE (default: the provincie-utrecht 2025 edition). Without a built site these tests
are skipped with that reason. `make test-browser` builds the site and the PDF first and sets
MKB_REQUIRE_BROWSER=1, under which a missing site, node, Chromium or npm package is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("MKB_SITE") or ROOT / "_build/editions/provincie-utrecht-2025/_build/html")
SITE = SITE if SITE.is_absolute() else ROOT / SITE
REQUIRED = os.environ.get("MKB_REQUIRE_BROWSER") == "1"
REPORT = ROOT / "_build" / "browser-report.json"
WEIGHTS = ROOT / "_build" / "page-weights.json"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("MKB_CHROMIUM", "/usr/bin/chromium")
PDF_NAME = "mkb-digitalisering.pdf"
MAX_PAGE_BYTES = 2_000_000  # transferred by the largest page (HTML, scripts, CSS, fonts, data)
BLOCKING = {"serious", "critical"}  # axe-core impacts that fail a page


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the site; Sphinx's own folders (_static, _sources, ...) hold no pages."""
    if not (site / "index.html").exists():
        return []
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not any(part.startswith(("_", ".")) for part in p.relative_to(site).parts))


def _redirect(page: str) -> str | None:
    m = re.search(r'<meta\s+http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', (SITE / page).read_text(encoding="utf-8"), re.I)
    return m.group(1) if m else None


ALL_PAGES = site_pages(SITE)
REDIRECTS = {p: t for p in ALL_PAGES if (t := _redirect(p))}  # index.html: a meta refresh to the first page
PAGES = [p for p in ALL_PAGES if p not in REDIRECTS]
NOT_BUILT = f"the site is not built ({SITE} has no index.html): `make test-browser` builds it and runs these tests"
if REQUIRED and not PAGES:
    pytest.fail(NOT_BUILT, pytrace=False)  # never skipped where they are required
pytestmark = pytest.mark.skipif(not PAGES, reason=NOT_BUILT)


def _missing_tools() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing: apt-get install -y chromium"
    for package in ("playwright-core", "axe-core"):
        if not (ROOT / "node_modules" / package).exists():
            return f"npm package {package} is missing: run `npm ci` (make test-browser does)"
    return None


@pytest.fixture(scope="session")
def report() -> dict:
    missing = _missing_tools()
    if missing:
        if REQUIRED:
            pytest.fail(missing, pytrace=False)
        pytest.skip(f"{missing}; `make test-browser` installs it and runs these tests")
    cmd = ["node", str(ROOT / "tests/browser/check-site.js"), "--site", str(SITE), "--report", str(REPORT),
           "--weights", str(WEIGHTS), "--screenshots", str(SCREENSHOTS)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, cwd=ROOT)
    if result.returncode != 0:
        pytest.fail(f"check-site.js could not check the site:\n{result.stderr[-4000:]}", pytrace=False)
    return json.loads(REPORT.read_text())


def _entry(report: dict, page: str) -> dict:
    assert page in report["pages"], f"{page} was not checked"
    entry = report["pages"][page]
    if "error" in entry:
        pytest.fail(f"{page} could not be checked: {entry['error']}", pytrace=False)
    return entry


def _pdf_built() -> bool:
    return (SITE / PDF_NAME).exists() or (ROOT / "_build" / "pdf" / PDF_NAME).exists()


parametrize_pages = pytest.mark.parametrize("page", PAGES or ["(site not built)"])


@parametrize_pages
def test_no_request_leaves_the_site(report, page):
    e = _entry(report, page)
    asked = {"light": e["external"], "dark mode": e["dark"]["external"], "phone": e["phone"]["external"],
             "from the folder": e["file"]["external"]}
    assert not any(asked.values()), f"requests to other hosts (blocked): { {k: v for k, v in asked.items() if v} }"


@parametrize_pages
def test_no_console_errors_or_failed_requests(report, page):
    e = _entry(report, page)
    problems = {name: run["consoleErrors"] + run["failedRequests"]
                for name, run in [("light", e), ("dark mode", e["dark"]), ("phone", e["phone"]),
                                  ("from the folder", e["file"])]}
    assert not any(problems.values()), {k: v for k, v in problems.items() if v}


@parametrize_pages
def test_page_is_dutch(report, page):
    assert _entry(report, page)["lang"] == "nl"


@parametrize_pages
def test_every_chart_renders(report, page):
    e = _entry(report, page)
    for where, charts in [("served", e["charts"]), ("from the folder", e["file"]["charts"]),
                          ("on a phone", e["phone"]["charts"])]:
        empty = [c["id"] for c in charts if not (c["svg"] or c["canvas"]) or c["marks"] == 0 or c["height"] < 40]
        assert not empty, f"charts without a drawing ({where}): {empty}"


@parametrize_pages
def test_every_chart_is_one_labelled_image_with_a_title(report, page):
    e = _entry(report, page)
    for chart in e["charts"]:
        assert chart["role"] == "img", f"{chart['id']}: role={chart['role']}"
        assert len(chart["label"].split()) >= 5, f"{chart['id']}: text alternative too short: {chart['label']!r}"
        assert chart["title"], f"{chart['id']}: the chart has no title"
        assert chart["focusable"] == 0, f"{chart['id']}: focusable elements inside an image"
    for ax in e["chartAccessibility"]:
        label = next(c["label"] for c in e["charts"] if c["id"] == ax["id"])
        assert ax["role"] == "image" and not ax["ignored"], f"{ax['id']}: screen readers see role {ax['role']}"
        assert ax["name"] == label, f"{ax['id']}: accessible name {ax['name']!r} is not the text alternative"
        assert not ax["exposedInside"], f"{ax['id']}: screen readers also meet {ax['exposedInside']}"


@parametrize_pages
def test_charts_stay_readable_in_dark_mode(report, page):
    e = _entry(report, page)
    dark = e["dark"]
    assert dark["theme"] == "dark", "the dark mode picked with the theme switcher was not applied"
    light = {c["id"]: c for c in e["charts"]}
    for chart in dark["charts"]:
        assert chart["background"] == "rgb(255, 255, 255)", f"{chart['id']}: background {chart['background']}"
        assert chart["colours"] == light[chart["id"]]["colours"], f"{chart['id']}: dark mode changed the chart's colours"


@parametrize_pages
def test_internal_links_resolve(report, page):
    e = _entry(report, page)
    broken = e["brokenLinks"]
    if not _pdf_built():  # the link to the book's PDF works once `make pdf` has run (see tests/test_pdf.py)
        broken = [b for b in broken if not b.split(":")[0].endswith(PDF_NAME)]
    assert not broken, broken


@parametrize_pages
def test_figures_and_tables_have_source_and_csv_download(report, page):
    e = _entry(report, page)
    for figure in e["figures"]:
        assert figure["source"], f"{figure['name']}: no 'Bron:' line between it and the next figure or table"
        assert figure["download"], f"{figure['name']}: no download link before the next figure or table"
        assert figure["download"].endswith(".csv") and "Download de gegevens" in figure["downloadText"], figure


@parametrize_pages
def test_no_serious_accessibility_violations(report, page):
    """axe-core (WCAG 2.1 A/AA and best practices) finds nothing serious or critical, in light and dark mode."""
    e = _entry(report, page)
    found = [f"[{mode}] {v['id']} ({v['impact']}, {v['nodes']}x): {v['help']} e.g. {v['examples'][0]['target']}"
             for mode, run in [("light", e), ("dark", e["dark"])] for v in run["axe"] if v["impact"] in BLOCKING]
    assert not found, "\n".join(found)


@parametrize_pages
def test_fits_a_phone_screen(report, page):
    phone = _entry(report, page)["phone"]
    assert phone["scrollWidth"] <= phone["viewport"], f"the page scrolls sideways on a phone: {phone['overflowing']}"
    assert not phone["clipped"], f"text cut off on a phone: {phone['clipped']}"


@parametrize_pages
def test_screenshot_written(report, page):
    _entry(report, page)
    shot = SCREENSHOTS / (page[: -len(".html")] + ".png")
    assert shot.exists() and shot.stat().st_size > 1000, shot


@parametrize_pages
def test_papermill_parameters_are_not_shown(page):
    html = (SITE / page).read_text(encoding="utf-8")
    assert "tag_injected-parameters" not in html and "tag_parameters" not in html


@parametrize_pages
def test_charts_use_the_colour_blind_safe_palette(page):
    """Every chart spec in the page carries the book's theme: the Okabe-Ito colours and a white background."""
    from mkbbook.charts import PALETTE

    html = (SITE / page).read_text(encoding="utf-8")
    specs = [json.loads(m) for m in re.findall(r"var spec = (\{.*?\});\n", html)]
    assert len(specs) == html.count('class="mkb-chart"')
    for spec in specs:
        config = spec.get("config", {})
        assert config.get("range", {}).get("category") == PALETTE, "a chart without the book's colours"
        assert config.get("background") == "white"


def test_redirect_pages_lead_to_a_page():
    for page, target in REDIRECTS.items():
        assert (SITE / page).parent.joinpath(target.split("#")[0]).resolve() in {SITE / p for p in PAGES}, (page, target)


def test_page_weight(report):
    weights = json.loads(WEIGHTS.read_text())
    assert set(weights["pages"]) == {p for p, e in report["pages"].items() if "redirect" not in e}
    largest = weights["largest"]
    assert largest["bytes"] <= MAX_PAGE_BYTES, (
        f"{largest['page']} transfers {largest['bytes']:,} bytes (limit {MAX_PAGE_BYTES:,}): "
        f"{weights['pages'][largest['page']]['by_kind']}")


def test_colophon_states_the_edition():
    pages = [p for p in PAGES if re.search(r"<h1>\s*Colofon", (SITE / p).read_text(encoding="utf-8"))]
    assert pages, "no colophon page"
    text = re.sub(r"<[^>]+>", " ", (SITE / pages[0]).read_text(encoding="utf-8"))
    text = " ".join(text.split())
    for expected in ("Regio", "Jaar", "Git-commit", "SHA-256", "Versie", "Gebouwd op", "notebooks"):
        assert expected in text, f"the colophon does not mention {expected!r}"
    html = (SITE / pages[0]).read_text(encoding="utf-8")
    archive = re.search(r'href="([^"]+\.zip)"', html)
    assert archive, "the colophon has no download of the executed notebooks"
    assert (SITE / pages[0]).parent.joinpath(archive.group(1)).resolve().exists(), archive.group(1)
    assert PDF_NAME in html, "the colophon does not link the PDF edition"
