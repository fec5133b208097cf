"""The summary and the recommendations say the same number as the chapter they take it from (issue 10).

Two levels: the results (every borrowed fact has the chapter's value and text, for three regions), and the
built pages (every borrowed fact that holds a number is shown, with the same text, on the summary or the
recommendations page and on its chapter's page).
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from mkbbook.build import build
from mkbbook.chapters import recommendations, summary

YEAR = 2025
REGIONS = ["provincie-utrecht", "u16", "corop-twente"]
PAGE = {"business": "01_bedrijvigheid", "initiatives": "02_initiatieven", "policies": "03_beleid",
        "demand": "04_vraag_aanbod", "monitoring": "06_monitoring", "recommendations": "05_aanbevelingen"}


def plain(markdown: str) -> str:
    """The text a reader sees of a fact: escapes and emphasis removed, spaces normalised."""
    text = re.sub(r"\\(.)", r"\1", markdown.replace("**", "").replace("*", "")).replace("’", "'")
    return " ".join(text.split())


def page_text(html_dir, name: str) -> str:
    soup = BeautifulSoup((html_dir / "book" / "chapters" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    for hidden in soup.select("div.cell_input, script, style"):
        hidden.decompose()
    return " ".join(soup.get_text(" ").split()).replace("’", "'")


def origin(module, key):
    """The chapter that computed a fact: follow borrowed facts back to where they were made."""
    borrowed = getattr(module, "BORROWED", {})
    return origin(*borrowed[key]) if key in borrowed else (module, key)


def test_plain_removes_markup():
    assert plain("**217\\.915** vestigingen \\(*2025*\\)") == "217.915 vestigingen (2025)"


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("page", [summary, recommendations])
def test_borrowed_facts_are_the_chapters_facts(region, page):
    result = page.compute(region, YEAR)
    for key, (module, their_key) in page.BORROWED.items():
        theirs = module.compute(region, YEAR).facts[their_key]
        ours = result.facts[key]
        assert ours.text == theirs.text, key
        assert ours.value is theirs.value, key


@pytest.fixture(scope="module", params=REGIONS)
def site(request):
    return request.param, build(request.param, YEAR, strict=True, out=None).html


def test_every_number_the_summary_borrows_is_what_its_chapter_shows(site):
    region, html_dir = site
    shown = {name: page_text(html_dir, name) for name in ["00_samenvatting", *PAGE.values()]}
    missing = []
    for page, name in ((summary, "00_samenvatting"), (recommendations, "05_aanbevelingen")):
        result = page.compute(region, YEAR)
        for key, (module, their_key) in page.BORROWED.items():
            text = plain(result.facts[key].text)
            if not re.search(r"\d", text):
                continue
            source = PAGE[origin(module, their_key)[0].__name__.rsplit(".", 1)[-1]]
            if text in shown[name] and text not in shown[source]:
                missing.append(f"{name}:{key} = {text!r} is not on {source}")
    assert not missing, "\n".join(missing)


def test_the_summary_shows_its_findings_and_asks(site):
    region, html_dir = site
    text = page_text(html_dir, "00_samenvatting")
    result = summary.compute(region, YEAR)
    for key in ["regio_uitleg", *(f"bevinding_{n}" for n in range(1, 6)), "vraag_1", "vraag_2", "vraag_3"]:
        assert plain(result.facts[key].text) in text, key


@pytest.mark.parametrize("region", REGIONS)
def test_downloads_have_one_owner(region):
    """Exhibit keys name the CSV downloads of the whole book: two chapters may not share one."""
    from mkbbook.chapters import business, demand, initiatives, monitoring, policies

    owners = {}
    for module in (business, initiatives, policies, demand, monitoring, recommendations, summary):
        for key, exhibit in module.compute(region, YEAR).exhibits.items():
            if exhibit is not None and hasattr(exhibit, "data"):
                assert key not in owners, f"{key} is shown by {owners[key]} and {module.__name__}"
                owners[key] = module.__name__
