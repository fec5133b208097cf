"""The mkb population of a region: an ESTIMATE of the private establishments of firms under 250 persons.

CBS counts establishments (vestigingen) per municipality and sector group, but publishes neither a
regional size class nor a split of the group ``A+O-Q``. The only size figures are national counts
of *enterprises* (ondernemingen, 81588NED) per SBI section. The estimate therefore takes four steps,
each with its assumption (:data:`STEPS`):

1. **Split A+O-Q** into agriculture (A), public administration (O), education (P) and care (Q) with
   the national shares of enterprises of these sections.
2. **Remove public administration** (O): government is not part of the mkb.
3. **Remove the establishments of large firms** (250 persons or more), as a range:
   - at least the national share of large *enterprises* in the section (as if every enterprise had
     one establishment): this bound gives the *high* mkb estimate;
   - at most that share plus the national surplus of establishments over enterprises in the sector
     group (latest year), i.e. as if every extra establishment (branch of a chain, bank office,
     school of a board) belonged to a large firm: this bound gives the *low* mkb estimate.
   The central estimate is the mean of the two.
4. **Split the mkb** into zzp (1 person), micro (2–9), small (10–49) and medium (50–249) with the
   national enterprise shares of the section.

Education and care stay in the mkb population (private practices, schools, care firms), but they are
*non-market* groups for policy: they are never a recommended sector focus (see demand.py).
"""

from __future__ import annotations

import pandas as pd

from .sectors import SECTOR_GROUPS

MKB_CLASSES = ("zzp", "micro", "klein", "middelgroot")  # firms under 250 persons
SIZE_CLASSES = (*MKB_CLASSES, "groot")
# CBS 81588NED size classes (persons employed) per class of the book
CBS_SIZE_CLASSES = {"zzp": ["1"], "micro": ["2", "3-4", "5-9"], "klein": ["10-19", "20-49"],
                    "middelgroot": ["50-99", "100-149", "150-199", "200-249"],
                    "groot": ["250-499", "500-999", "1000-1999", "2000+"]}
SIZE_LABELS = {"zzp": "zzp (1 persoon)", "micro": "micro (2–9)", "klein": "klein (10–49)",
               "middelgroot": "middelgroot (50–249)", "groot": "groot (250+)"}

SPLIT_GROUP = "A+O-Q"  # the group the mirror cannot split; estimated per section here
PUBLIC_ADMINISTRATION = "O"
# The parts of each sector group (SBI sections of 81588NED); A+O-Q is split, R-S leaves out T and U.
PARTS = {"B-E": {"B-E": ["B-E"]}, "F": {"F": ["F"]}, "G-I": {"G-I": ["G-I"]}, "J": {"J": ["J"]},
         "K": {"K": ["K"]}, "L": {"L": ["L"]}, "M-N": {"M-N": ["M-N"]},
         "A+O-Q": {"A": ["A"], "O": ["O"], "P": ["P"], "Q": ["Q"]}, "R-S": {"R-S": ["R", "S"]}}
PART_LABELS = {**SECTOR_GROUPS, "A": "Landbouw, bosbouw en visserij", "O": "Openbaar bestuur",
               "P": "Onderwijs", "Q": "Gezondheids- en welzijnszorg"}
# Parts that are not a market for mkb policy: never a sector focus (public administration is not mkb at all).
NON_MARKET_PARTS = frozenset({"O", "P", "Q"})

STEPS = {
    "splitsing": "De groep landbouw, overheid, onderwijs en zorg (A+O-Q) is in de regio verdeeld zoals de "
                 "ondernemingen in heel Nederland over landbouw, openbaar bestuur, onderwijs en zorg verdeeld zijn "
                 "(CBS 81588NED). Een onderneming van de overheid heeft veel vestigingen; het aandeel openbaar "
                 "bestuur is daardoor eerder te laag dan te hoog.",
    "overheid": "Openbaar bestuur hoort niet bij het mkb en valt weg.",
    "groot": "Vestigingen van grote bedrijven (250 of meer werkzame personen) vallen weg. Ten minste het landelijke "
             "aandeel grote ondernemingen in de sector (alsof elke onderneming één vestiging heeft); ten hoogste dat "
             "aandeel plus het landelijke overschot aan vestigingen boven ondernemingen in de sector (alsof elke extra "
             "vestiging, zoals een filiaal, van een groot bedrijf is). De middenschatting is het gemiddelde.",
    "grootte": "De mkb-vestigingen zijn over zzp, micro, klein en middelgroot verdeeld zoals de ondernemingen in "
               "Nederland in dezelfde sector (CBS 81588NED). Vestigingen en ondernemingen zijn niet hetzelfde: "
               "dit is een aanname.",
}


def _section_counts(size_counts: pd.DataFrame, sections) -> pd.Series:
    """National enterprises per size class of the book, summed over the sections."""
    part = size_counts[size_counts["sbi"].isin(sections)]
    return pd.Series({size: float(part.loc[part["grootteklasse"].isin(classes), "bedrijven"].sum())
                      for size, classes in CBS_SIZE_CLASSES.items()})


def part_shares(size_counts: pd.DataFrame) -> pd.DataFrame:
    """Per sector group and part: the part's share of its group and the size-class shares of its enterprises.

    Columns: sectorgroep, deel, ondernemingen (national enterprises of the part), deel_aandeel (share of the
    part in the group's enterprises), aandeel_groot (share of large enterprises), and per mkb size class
    ``aandeel_<class>`` = share of that class among the part's mkb enterprises (summing to 1).
    """
    rows = []
    for group, parts in PARTS.items():
        counts = {p: _section_counts(size_counts, sections) for p, sections in parts.items()}
        group_total = sum(c.sum() for c in counts.values())
        for p, c in counts.items():
            total, mkb = c.sum(), c[list(MKB_CLASSES)].sum()
            row = {"sectorgroep": group, "deel": p, "ondernemingen": total,
                   "deel_aandeel": total / group_total if group_total else float("nan"),
                   "aandeel_groot": c["groot"] / total if total else 0.0}
            row.update({f"aandeel_{s}": c[s] / mkb if mkb else float("nan") for s in MKB_CLASSES})
            rows.append(row)
    return pd.DataFrame(rows)


def surplus_shares(national_establishments: pd.Series, size_counts: pd.DataFrame) -> pd.Series:
    """Per sector group: national establishments beyond the number of enterprises, as a share of the
    establishments (0 when there are fewer establishments than enterprises).

    national_establishments: establishments per sector group in Netherlands (latest year, incl. GM0000).
    """
    out = {}
    for group, parts in PARTS.items():
        enterprises = sum(_section_counts(size_counts, s).sum() for s in parts.values())
        est = float(national_establishments.get(group, 0))
        out[group] = max(0.0, est - enterprises) / est if est else 0.0
    return pd.Series(out, name="overschot")


def estimate(region_counts: pd.Series, size_counts: pd.DataFrame, national_establishments: pd.Series) -> pd.DataFrame:
    """The mkb population per sector group, part and size class, as a range.

    region_counts: establishments per sector group of the region; size_counts: the mirror's
    bedrijven_grootteklasse_nl.csv; national_establishments: see :func:`surplus_shares`.
    Returns one row per part (including O, with 0 mkb) and mkb size class: sectorgroep, deel, deel_naam,
    markt (False for O, P, Q), grootte, vestigingen_deel (all establishments of the part, every class),
    groot_laag, groot_hoog (establishments of large firms, part total), and the mkb establishments of
    the class: mkb_laag, mkb_hoog, mkb (central = mean).
    """
    shares = part_shares(size_counts)
    surplus = surplus_shares(national_establishments, size_counts)
    rows = []
    for r in shares.itertuples(index=False):
        est = float(region_counts.get(r.sectorgroep, 0.0)) * r.deel_aandeel
        if r.deel == PUBLIC_ADMINISTRATION:
            large_low = large_high = 0.0
            mkb_high = mkb_low = 0.0
        else:
            large_low = est * r.aandeel_groot
            large_high = est * min(1.0, r.aandeel_groot + surplus[r.sectorgroep])
            mkb_high, mkb_low = est - large_low, est - large_high
        for size in MKB_CLASSES:
            share = getattr(r, f"aandeel_{size}")
            share = 0.0 if pd.isna(share) else share
            lo, hi = mkb_low * share, mkb_high * share
            rows.append({"sectorgroep": r.sectorgroep, "deel": r.deel, "deel_naam": PART_LABELS[r.deel],
                         "markt": r.deel not in NON_MARKET_PARTS, "grootte": size, "vestigingen_deel": est,
                         "groot_laag": large_low, "groot_hoog": large_high,
                         "mkb_laag": lo, "mkb_hoog": hi, "mkb": (lo + hi) / 2})
    return pd.DataFrame(rows)


def steps(population: pd.DataFrame) -> pd.DataFrame:
    """The estimate step by step (range low–high; counts of establishments, floats).

    Columns: stap, omschrijving, laag, midden, hoog. The first row is the count of all establishments
    (no estimate); public administration, large firms and the mkb are estimates.
    """
    parts = population.drop_duplicates("deel")
    total = float(parts["vestigingen_deel"].sum())
    public = float(parts.loc[parts["deel"] == PUBLIC_ADMINISTRATION, "vestigingen_deel"].sum())
    large_low, large_high = float(parts["groot_laag"].sum()), float(parts["groot_hoog"].sum())
    mkb_low, mkb_high = float(population["mkb_laag"].sum()), float(population["mkb_hoog"].sum())
    rows = [("vestigingen", "alle vestigingen (CBS-telling)", total, total, total),
            ("overheid", "min openbaar bestuur (schatting)", public, public, public),
            ("groot", "min vestigingen van grote bedrijven (schatting)", large_low, (large_low + large_high) / 2,
             large_high),
            ("mkb", "mkb-vestigingen (schatting)", mkb_low, (mkb_low + mkb_high) / 2, mkb_high)]
    return pd.DataFrame(rows, columns=["stap", "omschrijving", "laag", "midden", "hoog"])
