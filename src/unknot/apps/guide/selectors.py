"""Reads for the guide: technique pages, the evidence file, and a client's saved assessments."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from unknot.apps.guide.models import SavedAssessment
from unknot.apps.practices.models import Technique
from unknot.domain.guide.catalogue import Confidence, Evidence
from unknot.domain.guide.catalogue import Technique as TechniqueContent
from unknot.domain.guide.loader import load_catalogue

CONFIDENCE_LABELS = {
    Confidence.VERIFIED: "Verified",
    Confidence.PARTLY: "Partly verified",
    Confidence.UNVERIFIED: "Not verified",
}


CONFIDENCE_MEANINGS = {
    Confidence.VERIFIED: "We checked this source and its details ourselves.",
    Confidence.PARTLY: "We checked the main point, but some details come from secondary copies.",
    Confidence.UNVERIFIED: (
        "We could not confirm this source, so what it says is a possibility, not a fact."
    ),
}

KIND_LABELS = {
    "guide-reference": "Footnote in our practice guide",
    "trial": "Controlled trial",
    "systematic-review": "Systematic review",
    "meta-analysis": "Meta-analysis",
    "narrative-review": "Narrative review",
    "observational-study": "Observational study",
    "mechanistic-study": "Laboratory study",
    "case-report": "Case report",
    "textbook": "Textbook",
    "clinical-guidance": "Clinical guidance",
    "practitioner-source": "Practitioner source",
    "consensus": "Expert consensus",
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
    short: str = ""
    kind_label: str = ""
    confidence_meaning: str = ""

    @property
    def not_verified(self) -> bool:
        """True for U items: never shown as fact."""
        return self.confidence == Confidence.UNVERIFIED.value


def _surname(authors: str) -> str:
    first = authors.split(",")[0].strip()
    words = first.split()
    if len(words) == 1 and words[0].isalpha():
        return words[0]
    if len(words) == 2 and words[1].replace("-", "").isupper():
        return words[0]
    return ""


def short_label(item: Evidence) -> str:
    """A few words to link to a reference: "Cherkin 2011", "Guide footnote 9", or its title."""
    if item.number is not None:
        return f"Guide footnote {item.number}"
    surname = _surname(item.authors)
    if surname and item.year:
        return f"{surname} {item.year}"
    return item.title if len(item.title) <= 48 else item.title[:45].rstrip(" ,:;") + "…"


def evidence_view(item: Evidence) -> EvidenceView:
    parts = [p for p in (item.authors, item.outlet, str(item.year or "")) if p]
    return EvidenceView(
        id=item.id,
        title=item.title,
        citation=", ".join(parts),
        confidence=item.confidence.value,
        confidence_label=CONFIDENCE_LABELS[item.confidence],
        source=item,
        short=short_label(item),
        kind_label=KIND_LABELS.get(item.kind, item.kind.replace("-", " ").capitalize()),
        confidence_meaning=CONFIDENCE_MEANINGS[item.confidence],
    )


@dataclass(frozen=True)
class EvidenceSection:
    title: str
    intro: str
    items: list[EvidenceView]


def evidence_sections() -> list[EvidenceSection]:
    """Every reference in the evidence file: the guide's footnotes, then the studies."""
    catalogue = load_catalogue()
    views = [evidence_view(e) for e in catalogue.evidence.values()]
    guide = sorted((v for v in views if v.source.number is not None), key=lambda v: v.source.number)
    return [
        EvidenceSection(
            "The practice guide's footnotes",
            "Our guide to back massage cites 17 sources. Here is what each footnote points to, "
            "as far as we could identify it.",
            guide,
        ),
        EvidenceSection(
            "Studies, reviews and guidance",
            "The research and safety guidance behind the self-assessment's recommendations.",
            [v for v in views if v.source.number is None],
        ),
    ]


def evidence_items() -> list[Evidence]:
    """Every reference, in the evidence file's order."""
    return list(load_catalogue().evidence.values())


def evidence_item(*, evidence_id: str) -> Evidence | None:
    return load_catalogue().evidence.get(evidence_id)


def technique_contents() -> list[TechniqueContent]:
    """The seven techniques as the catalogue describes them, in catalogue order."""
    return list(load_catalogue().techniques.values())


def assessments_of(*, client) -> QuerySet[SavedAssessment]:
    """The client's own saved assessments, newest first (none for anyone signed out)."""
    if not getattr(client, "is_authenticated", False):
        return SavedAssessment.objects.none()
    return SavedAssessment.objects.filter(client=client).order_by("-created_at", "-id")


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
