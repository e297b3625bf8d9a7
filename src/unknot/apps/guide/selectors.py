"""Technique pages: the technique row joined with the guide catalogue's content."""

from __future__ import annotations

from dataclasses import dataclass

from unknot.apps.practices.models import Technique
from unknot.domain.guide.catalogue import Confidence, Evidence
from unknot.domain.guide.loader import load_catalogue

CONFIDENCE_LABELS = {
    Confidence.VERIFIED: "Verified",
    Confidence.PARTLY: "Partly verified",
    Confidence.UNVERIFIED: "Not verified",
}


@dataclass(frozen=True)
class EvidenceView:
    """One reference as pages show it, with its confidence spelled out."""

    id: str
    title: str
    citation: str
    confidence: str
    confidence_label: str
    source: Evidence


def evidence_view(item: Evidence) -> EvidenceView:
    parts = [p for p in (item.authors, item.outlet, str(item.year or "")) if p]
    return EvidenceView(
        id=item.id,
        title=item.title,
        citation=", ".join(parts),
        confidence=item.confidence.value,
        confidence_label=CONFIDENCE_LABELS[item.confidence],
        source=item,
    )


@dataclass(frozen=True)
class TechniquePage:
    slug: str
    name: str
    purpose: str
    clothing: str
    pressure_min: int
    pressure_max: int
    positions: tuple[str, ...]
    origin: str
    summary: str
    what_to_expect: str
    possible_discomfort: str
    what_to_wear: str
    evidence: list[EvidenceView]


def _page(row: Technique) -> TechniquePage:
    catalogue = load_catalogue()
    content = catalogue.techniques[row.slug]
    return TechniquePage(
        slug=row.slug,
        name=row.name,
        purpose=content.purpose,
        clothing=content.clothing,
        pressure_min=content.pressure_min,
        pressure_max=content.pressure_max,
        positions=tuple(p.replace("-", " ") for p in content.positions),
        origin=content.origin,
        summary=content.summary,
        what_to_expect=content.what_to_expect,
        possible_discomfort=content.possible_discomfort,
        what_to_wear=content.what_to_wear,
        evidence=[evidence_view(catalogue.evidence[i]) for i in content.evidence],
    )


def technique_pages() -> list[TechniquePage]:
    return [_page(row) for row in Technique.objects.order_by("position")]


def technique_page(*, slug: str) -> TechniquePage | None:
    row = Technique.objects.filter(slug=slug).first()
    return _page(row) if row else None
