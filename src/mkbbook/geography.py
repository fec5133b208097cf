"""The 2025 municipalities with their province and COROP region (mirror: geo/gebieden_2025.csv)."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .paths import mirror_dir


@lru_cache(maxsize=1)
def municipalities() -> pd.DataFrame:
    """gemeentecode, gemeentenaam, provinciecode, provincienaam, coropcode, coropnaam (342 rows)."""
    return pd.read_csv(mirror_dir() / "geo" / "gebieden_2025.csv", dtype=str)


def municipality_codes() -> frozenset[str]:
    """The set of valid 2025 municipality codes (GMxxxx)."""
    return frozenset(municipalities()["gemeentecode"])


def province_codes() -> frozenset[str]:
    return frozenset(municipalities()["provinciecode"])


def municipality_shapes(codes=None):
    """2025 municipality boundaries (WGS84) as a GeoDataFrame with statcode and statnaam,
    repaired with make_valid (a few generalised polygons self-intersect)."""
    import geopandas as gpd

    shapes = gpd.read_file(mirror_dir() / "geo" / "gemeenten_2025.geojson")
    if codes is not None:
        shapes = shapes[shapes["statcode"].isin(codes)]
    shapes = shapes[["statcode", "statnaam", "geometry"]].copy()
    shapes["geometry"] = shapes.geometry.make_valid().apply(_polygonal)
    return shapes.sort_values("statcode").reset_index(drop=True)


def _polygonal(geom):
    """Keep only the (multi)polygon parts that make_valid may return in a collection."""
    if geom.geom_type != "GeometryCollection":
        return geom
    from shapely.ops import unary_union

    return unary_union([g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
