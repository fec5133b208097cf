"""The pages Staten members read first (summary, recommendations) type no number by hand: every number is glued
from a chapter's result.

Allowed: years (1900-2099); list, heading or table-row numbers ("1.", "| 2. ..."); size-class definitions
("minder dan 250 werkzame personen"); the numbers of the study's recommendations ("aanbeveling 3").
"""

import re

import nbformat
import pytest

from mkbbook.paths import REPO_ROOT

PAGES = ["00_samenvatting", "05_aanbevelingen"]
ROLE = re.compile(r"\{[a-z:]+\}`[^`]*`")  # {glue:text}`key`, {doc}`name`, ...
DEFINITION = re.compile(r"\b\d+ werkzame personen|\b[Aa]anbeveling(?:en)?\s+\d+(?:(?:,\s*|\s+en\s+)\d+)*")
ALLOWED = re.compile(r"^(19\d\d|20\d\d)$")
LIST_OR_HEADING = re.compile(r"(^|\|)\s*(#+\s*)?\d+\.\s", re.MULTILINE)


def typed_numbers(markdown: str) -> list[str]:
    text = DEFINITION.sub(" ", LIST_OR_HEADING.sub(" ", ROLE.sub(" ", markdown)))
    return [n for n in re.findall(r"\d+(?:[.,]\d+)*", text) if not ALLOWED.match(n)]


def test_the_check_itself_catches_typed_numbers():
    assert typed_numbers("Er zijn 217.915 vestigingen") == ["217.915"]
    assert typed_numbers("1. In {glue:text}`jaar` is het {glue:text}`n` (2030)") == []
    assert typed_numbers("nog 5 procent") == ["5"]
    assert typed_numbers("| 1. Neem een rol | {glue:text}`stap_1` |") == []
    assert typed_numbers("minstens 250 mkb'ers") == ["250"]
    assert typed_numbers("minder dan 250 werkzame personen") == []
    assert typed_numbers("### Aanbeveling 2: help (aanbevelingen 1, 2 en 4)") == []


@pytest.mark.parametrize("name", PAGES)
def test_no_typed_numbers(name):
    nb = nbformat.read(REPO_ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    found = [n for cell in nb.cells if cell.cell_type == "markdown" for n in typed_numbers(cell.source)]
    assert found == [], f"{name}: numbers typed by hand (glue them): {found}"
