"""Map shapes for the board pack from the real ONS boundaries (reports/boundaries/), as polygon
outlines in British National Grid metres that plotly draws as filled scatter traces: no map tiles,
no topojson from a CDN, so the maps work offline (the pack must open without a network)."""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import pandas as pd

from pipelines.config import BOUNDARIES_DIR, REFERENCE_SEEDS_DIR

BRITISH_NATIONAL_GRID = "EPSG:27700"
SIMPLIFY_METRES = {"lsoa": 25, "local_authority": 50, "place": 50}


@cache
def _boundaries(level: str) -> gpd.GeoDataFrame:
    """Polygons with `area_code` and `area_name` for 'lsoa', 'local_authority' or 'place'."""
    if level == "lsoa":
        frame = gpd.read_file(BOUNDARIES_DIR / "lsoa11_boundaries_nottinghamshire_bgc.geojson")
        frame = frame.rename(columns={"lsoa11cd": "area_code", "lsoa11nm": "area_name"})
    else:
        frame = gpd.read_file(BOUNDARIES_DIR /
                              "lad_boundaries_nottinghamshire_dissolved_from_lsoa11.geojson")
        if level == "place":
            places = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_ics_places.csv")
            frame = frame.merge(places, on="lad19cd").dissolve(by=["place_code", "place_name"],
                                                              as_index=False)
            frame = frame.rename(columns={"place_code": "area_code", "place_name": "area_name"})
        else:
            frame = frame.rename(columns={"lad19cd": "area_code", "lad19nm": "area_name"})
    frame = frame.to_crs(BRITISH_NATIONAL_GRID)
    frame["geometry"] = frame.geometry.simplify(SIMPLIFY_METRES[level])
    return frame[["area_code", "area_name", "geometry"]].sort_values("area_code").reset_index(drop=True)


def outlines(level: str) -> dict[str, tuple[list[float | None], list[float | None]]]:
    """Area code → (x, y) of its outline rings, rings separated by None."""
    shapes = {}
    for row in _boundaries(level).itertuples():
        xs, ys = [], []
        polygons = getattr(row.geometry, "geoms", [row.geometry])
        for polygon in polygons:
            for ring in [polygon.exterior, *polygon.interiors]:
                x, y = ring.xy
                xs += [round(v) for v in x] + [None]
                ys += [round(v) for v in y] + [None]
        shapes[row.area_code] = (xs, ys)
    return shapes


def area_names(level: str) -> dict[str, str]:
    return dict(zip(_boundaries(level)["area_code"], _boundaries(level)["area_name"], strict=True))


def classify(values: dict[str, float], unit: str, classes: int = 5
             ) -> tuple[dict[str, str | None], list[str]]:
    """Equal-interval classes of the shown values: (area code → class label or None, labels in
    order). Fewer classes when there are fewer distinct values."""
    shown = {code: v for code, v in values.items() if v is not None and pd.notna(v)}
    if not shown:
        return {code: None for code in values}, []
    low, high = min(shown.values()), max(shown.values())
    k = max(1, min(classes, len(set(shown.values()))))
    width = (high - low) / k or 1.0
    edges = [low + i * width for i in range(k + 1)]
    joiner = "" if unit == "%" else " "
    labels = [f"{edges[i]:.1f}–{edges[i + 1]:.1f}{joiner}{unit}" for i in range(k)]
    return ({code: labels[min(int((shown[code] - low) / width), k - 1)] if code in shown else None
             for code in values}, labels)
