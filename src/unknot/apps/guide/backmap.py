"""Geometry of the clickable back map (an SVG seen from behind, viewBox 0 0 240 356).

One shape per catalogue region; a region may be drawn in several pieces (left and right
shoulder) but it is one button. The checkbox list next to the map stays the real form field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from unknot.domain.guide.catalogue import Region


@dataclass(frozen=True)
class Label:
    x: int
    y: int
    vertical: bool = False


@dataclass(frozen=True)
class Shape:
    d: str
    labels: tuple[Label, ...]


SHAPES: dict[str, Shape] = {
    "neck": Shape("M106 58 H134 V88 H106 Z", (Label(120, 77),)),
    "shoulders": Shape(
        "M104 90 V118 H30 V112 Q32 94 52 91 Z M136 90 V118 H210 V112 Q208 94 188 91 Z",
        (Label(67, 108), Label(173, 108)),
    ),
    "upper-back": Shape(
        "M106 90 H134 V120 H106 Z M36 122 H102 V160 H36 Z M138 122 H204 V160 H138 Z",
        (Label(69, 145), Label(171, 145)),
    ),
    "between-shoulder-blades": Shape("M104 122 H136 V204 H104 Z", (Label(120, 163, True),)),
    "mid-back": Shape(
        "M36 162 H102 V206 H138 V162 H204 V240 H36 Z",
        (Label(120, 224),),
    ),
    "lower-back": Shape("M38 242 H202 V288 H38 Z", (Label(120, 266),)),
    "hips": Shape(
        "M36 290 H204 V322 Q204 344 182 344 H58 Q36 344 36 322 Z",
        (Label(120, 320),),
    ),
}
"""Drawn top to bottom; pieces never overlap, so every click belongs to exactly one region."""


@dataclass(frozen=True)
class MapRegion:
    slug: str
    label: str
    short_label: str
    selected: bool
    shape: Shape


def map_regions(regions: Iterable[Region], selected: Iterable[str]) -> list[MapRegion]:
    """The regions that have a shape, in map order, each with its selected state."""
    chosen = set(selected)
    return [
        MapRegion(r.slug, r.label, r.short_label, r.slug in chosen, SHAPES[r.slug])
        for r in sorted(regions, key=lambda r: r.order)
        if r.slug in SHAPES
    ]
