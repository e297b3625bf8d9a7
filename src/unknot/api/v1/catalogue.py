"""The guide's catalogue as JSON: GET /api/v1/techniques, /api/v1/evidence, /api/v1/evidence/{id}.

Every evidence id that appears in an assessment resolves at /api/v1/evidence/{id}. Each item
carries its confidence; an unverified (U) item is marked ``not_verified`` with a ``caution``
to show next to it, because it must never be presented as fact.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from ninja import Router, Schema
from pydantic import Field

from unknot.apps.guide.selectors import (
    CONFIDENCE_LABELS,
    evidence_item,
    evidence_items,
    technique_contents,
)
from unknot.domain.guide import Confidence
from unknot.domain.guide.catalogue import Evidence
from unknot.domain.guide.catalogue import Technique as TechniqueContent

router = Router(tags=["catalogue"])

NOT_VERIFIED_CAUTION = (
    "Not verified: we could not confirm this source. Do not present what it says as fact."
)


class TechniqueOut(Schema):
    slug: str
    name: str
    purpose: str = Field(description="relaxation or therapeutic")
    pressure_range: list[int] = Field(description="Usual pressure, lowest and highest, on 1-5.")
    clothing: str = Field(description="clothed, or draped (undressed under a sheet)")
    positions: list[str]
    uses_oils: bool
    essential_oils: bool
    joint_movement: bool
    stretching: bool
    origin: str
    summary: str
    what_to_expect: str
    possible_discomfort: str
    what_to_wear: str
    evidence: list[str] = Field(description="Ids of studies that tested this technique itself.")


class EvidenceOut(Schema):
    id: str
    kind: str
    title: str
    title_is_description: bool = Field(
        description="True when the title is our description, not the source's own title."
    )
    confidence: str = Field(description="V verified, P partly verified, U not verified")
    confidence_label: str
    verified: bool
    not_verified: bool = Field(description="True for U items: never present them as fact.")
    caution: str | None = Field(description="What to show next to an unverified item.")
    confidence_note: str
    guide_footnote: int | None = Field(description="The guide's footnote number, if one.")
    identification: str = Field(description="For guide footnotes: how the source was found.")
    identifies: list[str]
    authors: str
    outlet: str
    year: int | None
    studied: str
    design: str
    n: int | None
    protocol: str
    result: str
    durability: str
    url: str
    page_url: str = Field(description="Where the evidence page shows this item.")


class NotFoundOut(Schema):
    code: str
    message: str


def technique_out(item: TechniqueContent) -> TechniqueOut:
    return TechniqueOut(
        slug=item.slug,
        name=item.name,
        purpose=item.purpose,
        pressure_range=list(item.pressure_range),
        clothing=item.clothing,
        positions=list(item.positions),
        uses_oils=item.uses_oils,
        essential_oils=item.essential_oils,
        joint_movement=item.joint_movement,
        stretching=item.stretching,
        origin=item.origin,
        summary=item.summary,
        what_to_expect=item.what_to_expect,
        possible_discomfort=item.possible_discomfort,
        what_to_wear=item.what_to_wear,
        evidence=list(item.evidence),
    )


def evidence_out(item: Evidence) -> EvidenceOut:
    unverified = item.confidence is Confidence.UNVERIFIED
    return EvidenceOut(
        id=item.id,
        kind=item.kind,
        title=item.title,
        title_is_description=item.title_is_description,
        confidence=item.confidence.value,
        confidence_label=CONFIDENCE_LABELS[item.confidence],
        verified=item.confidence is Confidence.VERIFIED,
        not_verified=unverified,
        caution=NOT_VERIFIED_CAUTION if unverified else None,
        confidence_note=item.confidence_note,
        guide_footnote=item.number,
        identification=item.identification,
        identifies=list(item.identifies),
        authors=item.authors,
        outlet=item.outlet,
        year=item.year,
        studied=item.studied,
        design=item.design,
        n=item.n,
        protocol=item.protocol,
        result=item.result,
        durability=item.durability,
        url=item.url,
        page_url=f"{reverse('evidence:index')}#{item.id}",
    )


@router.get("/techniques", response=list[TechniqueOut], auth=None)
def list_techniques(request):
    """The seven techniques: purpose, usual pressure, clothing, positions, what to expect."""
    return [technique_out(t) for t in technique_contents()]


@router.get("/evidence", response=list[EvidenceOut], auth=None)
def list_evidence(request):
    """Every reference: the guide's 17 footnotes and the studies, with their confidence."""
    return [evidence_out(e) for e in evidence_items()]


@router.get("/evidence/{evidence_id}", response={200: EvidenceOut, 404: NotFoundOut}, auth=None)
def get_evidence(request, evidence_id: str):
    """One reference by its stable id (as cited in assessments), or 404."""
    item = evidence_item(evidence_id=evidence_id)
    if item is None:
        raise Http404(f"No evidence with id '{evidence_id}'.")
    return evidence_out(item)
