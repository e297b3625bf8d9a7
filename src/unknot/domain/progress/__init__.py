"""Framework-free outcome tracking: scoring, change against the baseline, review rules, charts.

Pure standard-library Python; time is always an argument. Measures come from the guide
catalogue (``unknot.domain.guide``), whose ``measures.toml`` holds items, ranges, direction,
scoring, MCID and licence notes.
"""

from .chart import MeasureChart, Reading, SessionInfo, measure_chart, summarise
from .checkin import (
    PAIN,
    RELIEF_LABELS,
    HealthChanges,
    Kind,
    Relief,
    Window,
    checkin_measures,
    new_health_changes,
    validate_health_report,
    validate_regions,
    window,
)
from .review import (
    MARKED_SORENESS,
    Reactions,
    ReviewInput,
    Suggestion,
    SuggestionKind,
    review,
    review_point,
    short_name,
)
from .scoring import (
    AnswerError,
    Change,
    Direction,
    change_vs_baseline,
    describe_mcid,
    is_scorable,
    mcid_threshold,
    points_needed,
    score,
    score_range,
)

__all__ = [
    "MARKED_SORENESS",
    "PAIN",
    "RELIEF_LABELS",
    "AnswerError",
    "Change",
    "Direction",
    "HealthChanges",
    "Kind",
    "MeasureChart",
    "Reactions",
    "Reading",
    "Relief",
    "ReviewInput",
    "SessionInfo",
    "Suggestion",
    "SuggestionKind",
    "Window",
    "change_vs_baseline",
    "checkin_measures",
    "describe_mcid",
    "is_scorable",
    "mcid_threshold",
    "measure_chart",
    "new_health_changes",
    "points_needed",
    "review",
    "review_point",
    "score",
    "score_range",
    "short_name",
    "summarise",
    "validate_health_report",
    "validate_regions",
    "window",
]
