"""The sector groups of the data mirror (see its README) and their Dutch labels."""

from __future__ import annotations

# Groups of SBI 2008 sections used by the establishment and birth files.
# "A+O-Q": agriculture could not be separated from public administration,
# education and health care in the mirror; the label says so.
SECTOR_GROUPS: dict[str, str] = {
    "B-E": "Industrie en energie",
    "F": "Bouw",
    "G-I": "Handel, vervoer en horeca",
    "J": "Informatie en communicatie",
    "K": "Financiële dienstverlening",
    "L": "Verhuur en handel van onroerend goed",
    "M-N": "Zakelijke dienstverlening",
    "A+O-Q": "Landbouw, overheid, onderwijs en zorg",
    "R-S": "Cultuur, recreatie en overige diensten",
}
TOTAL = "totaal"

# The jobs file (83582NED) keeps agriculture apart and groups R-U.
JOB_SECTOR_GROUPS: dict[str, str] = {
    "A": "Landbouw, bosbouw en visserij",
    "B-E": "Industrie en energie",
    "F": "Bouw",
    "G-I": "Handel, vervoer en horeca",
    "J": "Informatie en communicatie",
    "K": "Financiële dienstverlening",
    "L": "Verhuur en handel van onroerend goed",
    "M-N": "Zakelijke dienstverlening",
    "O-Q": "Overheid, onderwijs en zorg",
    "R-U": "Cultuur, recreatie en overige diensten",
}


def label(group: str) -> str:
    """Dutch label of a sector group code (establishment or jobs grouping)."""
    if group == TOTAL:
        return "Totaal"
    return SECTOR_GROUPS.get(group) or JOB_SECTOR_GROUPS[group]
