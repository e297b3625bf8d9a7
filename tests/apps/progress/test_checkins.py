"""Submitting check-ins: validation, windows, consent, and nothing stored on refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tests.apps.progress.builders import SCORES, scores, session
from unknot.apps.progress.models import CheckIn, MeasureScore
from unknot.apps.progress.services import ProgressError, checkin_submit
from unknot.apps.records.models import AuditEntry, Consent, ConsentKind
from unknot.apps.records.services import consent_set

pytestmark = pytest.mark.django_db


def before(course, now, **kwargs):
    kwargs.setdefault("scores", SCORES)
    return checkin_submit(
        client=course["ana"], booking=course["next"], kind="before", now=now, **kwargs
    )


def test_a_pre_session_check_in_stores_every_measure_where_it_hurts_and_an_audit_entry(course, now):
    result = before(course, now, regions=["lower-back", "hips"], health_note="Long drive")
    checkin = result.checkin
    assert checkin.kind == "before" and checkin.practice == course["practice"]
    assert checkin.regions == ["lower-back", "hips"]
    assert dict(checkin.scores.values_list("measure", "score")) == {
        "pain-nrs": 7,
        "stiffness-nrs": 6,
        "stress-nrs": 5,
    }
    entry = AuditEntry.objects.get(record_uid=checkin.uid)
    assert (entry.action, entry.actor, entry.subject) == ("create", course["ana"], course["ana"])


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (
            {
                "pain-nrs": {"pain": 11},
                "stiffness-nrs": {"stiffness": 6},
                "stress-nrs": {"stress": 5},
            },
            "pain-nrs.pain",
        ),
        ({"pain-nrs": {"pain": 4}, "stress-nrs": {"stress": 5}}, "stiffness-nrs"),
        ({**SCORES, "sleep-nrs": {"sleep": 5}}, "sleep-nrs"),
        ({**SCORES, "pain-nrs": {"pain": "lots"}}, "pain-nrs.pain"),
    ],
)
def test_bad_answers_store_nothing_and_name_the_problem(course, now, answers, field):
    with pytest.raises(ProgressError) as caught:
        before(course, now, scores=answers)
    assert caught.value.code == "invalid" and field in caught.value.problems
    assert not CheckIn.objects.exists() and not MeasureScore.objects.exists()


def test_unknown_areas_and_health_reports_are_refused(course, now):
    with pytest.raises(ProgressError) as caught:
        before(course, now, regions=["knee"], red_flags=["nope"], conditions=["madeup"])
    assert set(caught.value.problems) == {"regions", "red_flags", "conditions"}
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("kind", "offset", "open_"),
    [
        ("before", dt.timedelta(days=-4), False),
        ("before", dt.timedelta(days=-2), True),
        ("after", dt.timedelta(hours=6), False),
        ("after", dt.timedelta(days=1, hours=2), True),
        ("after", dt.timedelta(days=8), False),
    ],
)
def test_check_ins_open_only_in_their_window(course, now, kind, offset, open_):
    booking = course["next"]
    moment = booking.starts_at + offset
    kwargs = {"scores": SCORES} if kind == "before" else {"soreness": 2, "relief": "hours"}
    call = lambda: checkin_submit(  # noqa: E731
        client=course["ana"], booking=booking, kind=kind, now=moment, **kwargs
    )
    if open_:
        assert call().checkin.kind == kind
    else:
        with pytest.raises(ProgressError) as caught:
            call()
        assert caught.value.code == "not_open"


def test_each_check_in_once(course, now):
    before(course, now)
    with pytest.raises(ProgressError) as caught:
        before(course, now)
    assert caught.value.code == "already_done"
    assert CheckIn.objects.count() == 1


def test_a_cancelled_session_takes_no_check_in(course, now):
    course["next"].status = "cancelled"
    course["next"].save()
    with pytest.raises(ProgressError) as caught:
        before(course, now)
    assert caught.value.code == "cancelled"


def test_someone_elses_session_is_refused(course, now, other_client_user):
    with pytest.raises(PermissionDenied):
        checkin_submit(
            client=other_client_user, booking=course["next"], kind="before", now=now, scores=SCORES
        )
    assert not CheckIn.objects.exists()


def test_the_follow_up_asks_soreness_and_relief(course, now):
    booking = course["held"][-1]
    at = booking.ends_at + dt.timedelta(hours=25)
    with pytest.raises(ProgressError) as caught:
        checkin_submit(client=course["ana"], booking=booking, kind="after", now=at, soreness=12)
    assert set(caught.value.problems) == {"soreness", "relief"}
    result = checkin_submit(
        client=course["ana"],
        booking=booking,
        kind="after",
        now=at,
        soreness=3,
        headache=True,
        other_reactions="a little light-headed",
        relief="one-day",
    )
    c = result.checkin
    assert (c.soreness, c.headache, c.bruising, c.relief) == (3, True, False, "one-day")
    assert c.other_reactions == "a little light-headed"


def test_without_a_consent_decision_the_check_in_asks_for_one(practice, now):
    from tests.apps.progress.builders import therapist_at
    from tests.factories import make_assessment
    from unknot.apps.accounts.models import User

    ben = therapist_at(practice, "ben")
    new = User.objects.create_user(email="new@example.test", password="x-Long-pass-1")
    make_assessment(new)
    booking = session(new, ben, start=now + dt.timedelta(days=1), status="confirmed")
    with pytest.raises(ProgressError) as caught:
        checkin_submit(client=new, booking=booking, kind="before", now=now, scores=SCORES)
    assert caught.value.code == "consent_required"
    assert not CheckIn.objects.exists() and not Consent.objects.exists()
    checkin_submit(
        client=new, booking=booking, kind="before", now=now, scores=SCORES, give_health_consent=True
    )
    consent = Consent.objects.get(user=new)
    assert consent.kind == "health_data" and consent.granted and consent.wording_version
    assert CheckIn.objects.count() == 1


def test_withdrawing_consent_stops_new_check_ins_at_once_and_says_why(course, now):
    consent_set(user=course["ana"], kind=ConsentKind.HEALTH_DATA, granted=False, now=now)
    with pytest.raises(ProgressError) as caught:
        before(course, now + dt.timedelta(seconds=1), give_health_consent=True)
    assert caught.value.code == "consent_withdrawn"
    assert "withdrew your consent" in caught.value.message
    assert not CheckIn.objects.exists()


def test_scores_are_kept_per_measure_for_the_chart(course, now):
    held = course["held"]
    checkin_submit(
        client=course["ana"],
        booking=held[0],
        kind="before",
        now=held[0].starts_at - dt.timedelta(hours=3),
        scores=scores(8),
    )
    assert MeasureScore.objects.get(measure="pain-nrs").score == 8
