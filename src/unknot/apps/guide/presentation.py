"""An assessment, as the results page shows it.

Works from the JSON contract dict (``Assessment.to_dict()``), so a fresh result and one saved
months ago render alike; the catalogue only supplies names, labels and each source's
confidence. An id the current catalogue no longer knows is still shown, just without details.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from unknot.apps.guide.selectors import CONFIDENCE_LABELS, short_label
from unknot.domain.guide import Catalogue, Confidence, explain_status, load_catalogue
from unknot.domain.guide.assessment import NO_SCENTED_OILS

PRESSURE_WORDS = {1: "very light", 2: "light", 3: "moderate", 4: "firm", 5: "very firm"}
STATUS_HEADINGS = {
    "refer": "See your doctor before booking",
    "postpone": "Wait until you are well",
    "ok": "Massage looks suitable for you",
}


@dataclass(frozen=True)
class Citation:
    id: str
    label: str
    url: str
    confidence_label: str = ""
    not_verified: bool = False


@dataclass(frozen=True)
class ReasonView:
    text: str
    citations: list[Citation]

    @property
    def practice_convention(self) -> bool:
        """No study behind it: our practice's experience, labelled as such."""
        return not self.citations


@dataclass(frozen=True)
class RecommendationView:
    rank: int
    technique: str
    name: str
    score: int
    reasons: list[ReasonView]
    pressure_cap: int
    pressure_words: str
    what_to_expect: str
    what_to_wear: str
    possible_discomfort: str
    positioning: list[str]
    avoid_areas: list[str]
    no_oils: bool
    book_url: str
    technique_url: str
    oils: str = ""
    session_notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FlagView:
    code: str
    label: str
    action: str
    detail: str
    urgency: str | None
    citations: list[Citation]
    doctor_question: str = ""
    confidence_label: str = ""
    cleared: bool = False
    clearance_from: str = ""
    holds_after_clearance: bool = False


@dataclass(frozen=True)
class ExclusionView:
    technique: str
    name: str
    reasons: list[str]


@dataclass(frozen=True)
class PhaseView:
    name: str
    sessions: int
    rhythm: str
    session_minutes: int
    rationale: str
    citations: list[Citation]
    maintenance: bool


@dataclass(frozen=True)
class ResultView:
    status: str
    status_text: str
    heading: str
    summary: str
    emergency: bool
    refer_flags: list[FlagView]
    postpone_flags: list[FlagView]
    clearance_flags: list[FlagView]
    modify_flags: list[FlagView]
    recommendations: list[RecommendationView]
    excluded: list[ExclusionView]
    phases: list[PhaseView]
    remeasure_after_sessions: list[int]
    program_notes: list[str]
    questions: list[str]
    catalogue_version: str
    cited: list[Citation] = field(default_factory=list)
    urgency: str | None = None
    next_steps: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def planning(self) -> bool:
        """False for an emergency: the page shows what to do now and nothing to plan."""
        return not self.emergency


def rhythm(sessions: int, every_days: int) -> str:
    """How often, in words: 3 days means twice a week and 2 days three times (programs.toml)."""
    if sessions == 1 or every_days == 0:
        return "a single session"
    if every_days == 2:
        return "three times a week"
    if every_days == 3:
        return "twice a week"
    if every_days == 1:
        return "every day"
    if every_days % 7 == 0:
        weeks = every_days // 7
        return "once a week" if weeks == 1 else f"every {weeks} weeks"
    return f"every {every_days} days"


def citations(ids: Iterable[str], catalogue: Catalogue) -> list[Citation]:
    base = reverse("evidence:index")
    found = []
    for evidence_id in ids:
        item = catalogue.evidence.get(evidence_id)
        url = f"{base}#{evidence_id}"
        if item is None:
            found.append(Citation(evidence_id, evidence_id, url))
            continue
        found.append(
            Citation(
                evidence_id,
                short_label(item),
                url,
                CONFIDENCE_LABELS[item.confidence],
                item.confidence is Confidence.UNVERIFIED,
            )
        )
    return found


def _technique_name(slug: str, catalogue: Catalogue) -> str:
    technique = catalogue.techniques.get(slug)
    return technique.name if technique else slug.replace("-", " ").capitalize()


def _flag(data: Mapping[str, Any], catalogue: Catalogue) -> FlagView:
    code = data["code"]
    red_flag = catalogue.red_flags.get(code)
    rule = catalogue.rules.get(code)
    source = red_flag or rule
    label = source.label if source else code.replace("-", " ").capitalize()
    question = ""
    if data["action"] == "clearance":
        question = (
            f"Is massage safe for me now, given this: {label[:1].lower() + label[1:]}? "
            "Is there any pressure, position or area my therapist should avoid?"
        )
    confidence = data.get("confidence") or (source.confidence.value if source else "")
    # Results saved before flags carried their urgency: a red flag's comes from the catalogue.
    urgency = data.get("urgency", red_flag.urgency if red_flag else None)
    return FlagView(
        code=code,
        label=label,
        action=data["action"],
        detail=data.get("detail", ""),
        urgency="today" if urgency == "urgent" else urgency,
        citations=citations(source.evidence if source else (), catalogue),
        doctor_question=question,
        confidence_label=CONFIDENCE_LABELS.get(Confidence(confidence), "") if confidence else "",
        cleared=bool(data.get("cleared")),
        clearance_from=data.get("clearance_from") or "",
        holds_after_clearance=bool((data.get("adaptations") or {}).get("holds_after_clearance")),
    )


def _recommendation(rank: int, data: Mapping[str, Any], catalogue: Catalogue) -> RecommendationView:
    slug = data["technique"]
    cap = int(data["pressure_cap"])
    return RecommendationView(
        rank=rank,
        technique=slug,
        name=data.get("name") or _technique_name(slug, catalogue),
        score=data["score"],
        reasons=[
            ReasonView(r["text"], citations(r.get("evidence", []), catalogue))
            for r in data.get("reasons", [])
        ],
        pressure_cap=cap,
        pressure_words=PRESSURE_WORDS.get(cap, ""),
        what_to_expect=data.get("what_to_expect", ""),
        what_to_wear=data.get("what_to_wear", ""),
        possible_discomfort=data.get("possible_discomfort", ""),
        positioning=list(data.get("positioning", [])),
        avoid_areas=list(data.get("avoid_areas", [])),
        no_oils=bool(data.get("no_oils")),
        # The booking page is built alongside; its address is fixed by the product.
        book_url=f"/book/{slug}/",
        technique_url=reverse("guide:technique_detail", args=[slug]),
        oils=data.get("oils") or (NO_SCENTED_OILS if data.get("no_oils") else ""),
        session_notes=list(data.get("session_notes", [])),
    )


def result_view(result: Mapping[str, Any], catalogue: Catalogue | None = None) -> ResultView:
    """Everything the results page shows, from an assessment's contract dict."""
    cat = catalogue or load_catalogue()
    status = result["status"]
    flags = [_flag(f, cat) for f in result.get("flags", [])]
    program = result.get("program", {})
    phases_in = program.get("phases", [])
    phases = [
        PhaseView(
            name=p["name"],
            sessions=p["sessions"],
            rhythm=rhythm(p["sessions"], p["every_days"]),
            session_minutes=p["session_minutes"],
            rationale=p["rationale"],
            citations=citations(p.get("evidence", []), cat),
            # The catalogue insists every plan ends with exactly one maintenance phase.
            maintenance=index == len(phases_in) - 1,
        )
        for index, p in enumerate(phases_in)
    ]
    recommendations = [
        _recommendation(i, r, cat) for i, r in enumerate(result.get("recommendations", []), 1)
    ]
    cited: dict[str, Citation] = {}
    for rec in recommendations:
        for reason in rec.reasons:
            cited.update((c.id, c) for c in reason.citations)
    for phase in phases:
        cited.update((c.id, c) for c in phase.citations)
    return ResultView(
        status=status,
        status_text=explain_status(status, result.get("urgency")),
        heading=STATUS_HEADINGS.get(status, explain_status(status)),
        summary=result.get("summary", ""),
        emergency=any(f.urgency == "emergency" for f in flags),
        urgency=result.get("urgency"),
        next_steps=list(result.get("next_steps", [])),
        refer_flags=[f for f in flags if f.action == "refer"],
        postpone_flags=[f for f in flags if f.action == "postpone"],
        clearance_flags=[f for f in flags if f.action == "clearance"],
        modify_flags=[f for f in flags if f.action == "modify"],
        recommendations=recommendations,
        excluded=[
            ExclusionView(e["technique"], _technique_name(e["technique"], cat), list(e["reasons"]))
            for e in result.get("excluded", [])
        ],
        phases=phases,
        remeasure_after_sessions=list(
            result.get("program", {}).get("remeasure_after_sessions", [])
        ),
        program_notes=list(result.get("program", {}).get("notes", [])),
        # An emergency is about what to do now: no questions for a session, even in an
        # assessment saved before the core left them out.
        questions=[]
        if any(f.urgency == "emergency" for f in flags)
        else list(result.get("questions_for_therapist", [])),
        catalogue_version=result.get("catalogue_version", ""),
        cited=list(cited.values()),
    )
