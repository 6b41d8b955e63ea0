"""Map shapes for the board pack from the real ONS boundaries (reports/boundaries/), as polygon
outlines in British National Grid metres that plotly draws as filled scatter traces: no map tiles,
no topojson from a CDN, so the maps work offline (the pack must open without a network). Also how an
area is classed on a map: by comparison with the ICS value, as Fingertips colours its maps."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geopandas as gpd
import pandas as pd

from pipelines.config import BOUNDARIES_DIR, REFERENCE_SEEDS_DIR
from pipelines.report import narrative
from pipelines.statistics.benchmark import LEVELS, NOT_COMPARED, SIMILAR, compare_with_benchmark

BRITISH_NATIONAL_GRID = "EPSG:27700"
SIMPLIFY_METRES = {"lsoa": 25, "local_authority": 50, "place": 50}
# The class of an area with no published value (suppressed for small numbers, or none at all).
WITHHELD = "Withheld (small numbers) or no value"
# An area differs from the ICS on a map only outside its 99.8% limits: the level at which the
# pack's sentences and dot charts name areas (narrative.describe_vs_ics), so that the map beside
# them never names more.
MAP_LEVEL = LEVELS[1]


@dataclass(frozen=True)
class MapArea:
    """One area as a map draws it."""
    code: str
    name: str
    outline: tuple[list, list]  # x, y of its rings in metres, rings separated by None
    point: tuple[float, float]  # a point inside it, for its label and hover
    shade: str  # its class: a legend entry
    detail: str  # what hovering over it says besides its name


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


def inside_points(level: str) -> dict[str, tuple[int, int]]:
    """Area code → a point surely inside the area (a centroid can fall outside a crescent)."""
    frame = _boundaries(level)
    return {code: (round(point.x), round(point.y))
            for code, point in zip(frame["area_code"], frame.geometry.representative_point(),
                                   strict=True)}


def map_areas(level: str, shades: dict[str, str], details: dict[str, str]) -> list[MapArea]:
    """Every area of the level, classed by `shades` (area code → class) and described by `details`;
    an area missing from `shades` is WITHHELD."""
    shapes, points, names = outlines(level), inside_points(level), area_names(level)
    return [MapArea(code, names[code], shapes[code], points[code], shades.get(code, WITHHELD),
                    details.get(code, "No published value")) for code in shapes]


def compare_with_ics(rows: pd.DataFrame, ics_value: float | None, polarity: str) -> dict[str, str]:
    """Area code → its comparison with the ICS value at MAP_LEVEL (benchmark's labels: Better /
    Similar / Worse, or Higher / Similar / Lower without polarity, or Not compared), for the rows
    with a published value; rows withheld for small numbers are left out (the map shows them
    WITHHELD). A difference only at 95% counts as similar here."""
    shades = {}
    for row in rows.itertuples():
        if pd.isna(row.value):
            continue
        comparison = compare_with_benchmark(row.value, (row.lower_ci95, row.upper_ci95), ics_value,
                                            polarity, (row.lower_ci998, row.upper_ci998))
        shades[row.area_code] = SIMILAR if comparison.level == LEVELS[0] else comparison.label
    return shades


def by_shade(areas: list[MapArea], order: list[str]) -> list[tuple[str, list[str]]]:
    """(class, names of its areas alphabetically) for each class with areas, in `order` and then
    WITHHELD and any other class last."""
    groups: dict[str, list[str]] = {}
    for area in sorted(areas, key=lambda a: a.name):
        groups.setdefault(area.shade, []).append(area.name)
    rank = {shade: i for i, shade in enumerate(order)}
    return sorted(groups.items(), key=lambda group: rank.get(group[0], len(rank)))


def in_words(areas: list[MapArea], order: list[str]) -> str:
    """Every area by its class, the text equivalent of a map: 'Worse: A and B; Similar: C, D and
    E; Withheld (small numbers) or no value: F'."""
    return "; ".join(f"{shade}: {narrative.names_in_words(names)}"
                     for shade, names in by_shade(areas, order))


def differences(areas: list[MapArea], order: list[str], level_name: str) -> str:
    """The areas that differ from the ICS, for a map's title: 'worse in A and B; better in C', or
    'no place differs clearly from the ICS'."""
    differ = [f"{shade.lower()} in {narrative.names_in_words(names)}"
              for shade, names in by_shade(areas, order)
              if shade not in (SIMILAR, NOT_COMPARED, WITHHELD)]
    return "; ".join(differ) if differ else f"no {level_name} differs clearly from the ICS"
