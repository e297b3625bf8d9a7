"""Framework-free recommendation core for back massage.

Pure standard-library Python: no Django, no clock, no randomness; the only I/O is reading
the package's own data files in ``data/``. Typical use::

    from unknot.domain.guide import assess, parse_intake

    assessment = assess(parse_intake(request_json))
    response = assessment.to_dict()
"""

from .assessment import Assessment, Exclusion, Recommendation, assess
from .catalogue import Action, Basis, Catalogue, Confidence
from .errors import CatalogueError, FieldProblem, GuideError, IntakeError
from .intake import Focus, Health, Intake, Pain, Preferences, Scents, parse_intake
from .loader import load_catalogue
from .program import Phase, Program
from .ranking import Reason
from .safety import ExclusionKind, ExclusionReason, Flag, Status, explain_status
from .urgency import Urgency

__all__ = [
    "Action",
    "Assessment",
    "Basis",
    "Catalogue",
    "CatalogueError",
    "Confidence",
    "Exclusion",
    "ExclusionKind",
    "ExclusionReason",
    "FieldProblem",
    "Flag",
    "Focus",
    "GuideError",
    "Health",
    "Intake",
    "IntakeError",
    "Pain",
    "Phase",
    "Preferences",
    "Program",
    "Reason",
    "Recommendation",
    "Scents",
    "Status",
    "Urgency",
    "assess",
    "explain_status",
    "load_catalogue",
    "parse_intake",
]
