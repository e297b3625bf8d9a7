"""The assessment JSON that the API and the ``unknot assess`` command both speak.

One builder for the answer and one for the error keep the two channels identical:

* answer: ``{"uid", "saved", "created_at", "intake", "status", "status_text", "summary",
  "recommendations", "excluded", "flags", "program", "questions_for_therapist",
  "catalogue_version"}``;
* error: ``{"code": "invalid", "message", "errors": [{"field", "message", "valid_values"}]}``,
  built from the guide core's :class:`~unknot.domain.guide.FieldProblem` objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from unknot.apps.guide.models import SavedAssessment
from unknot.domain.guide import (
    Assessment,
    FieldProblem,
    Focus,
    Intake,
    IntakeError,
    Scents,
    assess,
    explain_status,
    load_catalogue,
    parse_intake,
)
from unknot.domain.guide.intake import (
    AGE_YEARS,
    MAX_DURATION_WEEKS,
    PREGNANCY_WEEKS,
    SITES,
    SURGERY_WEEKS,
)

INVALID = "invalid"


def read_intake_json(raw: bytes | str) -> object:
    """Decode a request body or file as JSON; anything else is an :class:`IntakeError`.

    The problem is reported on the field ``intake`` (the whole document), in the same shape as
    every other intake problem, so callers have a single error type to handle.
    """
    if not raw.strip():
        raise IntakeError([FieldProblem("intake", "is missing: send the intake as a JSON object")])
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        detail = str(error).split(":", 1)[0] if isinstance(error, ValueError) else "too deep"
        raise IntakeError([FieldProblem("intake", f"is not valid JSON ({detail})")]) from None


def _list_bounds() -> dict[tuple[str, ...], int]:
    cat = load_catalogue()
    return {
        ("symptoms",): len(cat.symptoms),
        ("regions",): len(cat.regions),
        ("goals",): len(cat.goals),
        ("health", "conditions"): len(cat.conditions),
        ("health", "red_flags"): len(cat.red_flags),
    }


def _refuse_long_lists(data: object) -> None:
    """A list longer than the catalogue has values is refused before it is read item by item
    (20,000 unknown values were each reported, with the valid values, in a 5 MB answer)."""
    if not isinstance(data, dict):
        return
    problems = []
    for path, most in _list_bounds().items():
        value: object = data
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, list) and len(value) > most:
            problems.append(
                FieldProblem(".".join(path), f"lists at most {most} values, got {len(value)}")
            )
    health = data.get("health")
    sites = health.get("sites") if isinstance(health, dict) else None
    most = len(load_catalogue().conditions) if isinstance(sites, dict) else 0
    if isinstance(sites, dict) and len(sites) > most:
        problems.append(
            FieldProblem("health.sites", f"names at most {most} conditions, got {len(sites)}")
        )
    if problems:
        raise IntakeError(problems)


def assess_data(data: object) -> tuple[Intake, Assessment]:
    """Validate a new intake dict and assess it. Raises :class:`IntakeError` with every problem.

    A new intake must answer the health questions or say none of them apply: one without a
    health section is refused, never taken as healthy.
    """
    _refuse_long_lists(data)
    intake = parse_intake(data, require_health=True)
    return intake, assess(intake)


def assessment_payload(
    assessment: Assessment, intake: Intake, *, saved: SavedAssessment | None = None
) -> dict[str, Any]:
    """The answer for a fresh assessment (``saved`` when it was stored for a client)."""
    return _payload(
        assessment.to_dict(),
        intake.to_dict(),
        uid=saved.uid if saved else None,
        created_at=saved.created_at if saved else None,
    )


def saved_payload(saved: SavedAssessment) -> dict[str, Any]:
    """The answer for a stored assessment: what the client was shown when they took it."""
    return _payload(saved.result, saved.intake, uid=saved.uid, created_at=saved.created_at)


def _payload(
    result: Mapping[str, Any], intake: Mapping[str, Any], *, uid: str | None, created_at
) -> dict[str, Any]:
    return {
        "uid": uid,
        "saved": uid is not None,
        "created_at": created_at,
        "intake": dict(intake),
        "status": result["status"],
        "status_text": explain_status(result["status"], result.get("urgency")),
        **{k: v for k, v in result.items() if k != "status"},
    }


def problems_payload(error: IntakeError) -> dict[str, Any]:
    """The 422 body (and the CLI's stderr) for an intake that failed validation."""
    count = len(error.problems)
    return {
        "code": INVALID,
        "message": f"The intake is not valid ({count} problem{'s' if count != 1 else ''}).",
        "errors": [p.to_dict() for p in error.problems],
    }


def intake_json_schema() -> dict[str, Any]:
    """JSON Schema of the intake, with the catalogue's valid values, for the API's docs.

    Documentation only: :func:`~unknot.domain.guide.parse_intake` is what validates.
    """
    cat = load_catalogue()

    def slugs(values) -> dict[str, Any]:
        return {
            "type": "array",
            "uniqueItems": True,
            "maxItems": len(values),
            "items": {"type": "string", "enum": list(values)},
        }

    def integer(low: int, high: int, **extra) -> dict[str, Any]:
        return {"type": "integer", "minimum": low, "maximum": high, **extra}

    def nullable(schema: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [schema, {"type": "null"}]}

    def section(properties: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": False, "properties": properties}

    return {
        "title": "Intake",
        "description": "Every key is optional; omitted ones take their defaults.",
        **section(
            {
                "symptoms": slugs(cat.symptoms),
                "regions": slugs(cat.regions),
                "pain": section(
                    {
                        "intensity": integer(0, 10, default=0),
                        "duration_weeks": integer(0, MAX_DURATION_WEEKS, default=0),
                    }
                ),
                "goals": slugs(cat.goals),
                "preferences": section(
                    {
                        "focus": {"type": "string", "enum": [f.value for f in Focus]},
                        "pressure_tolerance": integer(1, 5, default=3),
                        "stay_clothed": {"type": "boolean", "default": False},
                        "scents": {"type": "string", "enum": [s.value for s in Scents]},
                    }
                ),
                "health": {
                    **section(
                        {
                            "none_apply": {
                                "type": "boolean",
                                "enum": [True, False],
                                "description": "True: none of the health questions apply. A new "
                                "intake must either answer something or say this.",
                            },
                            "age": nullable(integer(*AGE_YEARS)),
                            "sites": {
                                "type": "object",
                                "description": "Where a ticked local condition is.",
                                "maxProperties": len(cat.conditions),
                                "propertyNames": {"type": "string", "maxLength": 64},
                                "additionalProperties": slugs(SITES),
                            },
                            "conditions": slugs(cat.conditions),
                            "anticoagulants": {"type": "boolean", "default": False},
                            "pregnancy_weeks": {
                                "anyOf": [integer(*PREGNANCY_WEEKS), {"type": "null"}]
                            },
                            "recent_surgery_weeks": {
                                "anyOf": [integer(*SURGERY_WEEKS), {"type": "null"}]
                            },
                            "red_flags": slugs(cat.red_flags),
                        }
                    ),
                    "required": ["none_apply"],
                    "description": "Required. Answer what applies, or send none_apply: true; "
                    "an intake without health answers is refused (422), never taken as healthy.",
                },
            }
        ),
        "required": ["health"],
    }
