"""Progress pages: the client's own, the check-in form, and the practice side's view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.apps.progress.builders import scores, staff_at, therapist_at
from tests.factories import PASSWORD
from unknot.apps.progress.models import CheckIn, ReviewSuggestion
from unknot.apps.progress.services import checkin_submit
from unknot.apps.records.models import AuditEntry

pytestmark = pytest.mark.django_db


def with_history(course):
    for booking, pain in zip(course["held"], (7, 6), strict=True):
        checkin_submit(
            client=course["ana"],
            booking=booking,
            kind="before",
            now=booking.starts_at - dt.timedelta(hours=2),
            scores=scores(pain),
        )


def form_data(pain=5, **extra):
    return {
        "pain-nrs__pain": str(pain),
        "stiffness-nrs__stiffness": "5",
        "stress-nrs__stress": "4",
        **extra,
    }


def test_the_check_in_form_asks_each_measure_as_big_buttons_and_shows_the_back_map(client, course):
    client.force_login(course["ana"])
    url = reverse("progress:checkin", args=[course["next"].uid, "before"])
    html = client.get(url).content.decode()
    assert html.count('class="btn-check"') == 33  # three measures, 0-10 each
    assert "On average over the past 7 days, how bad has your back pain been?" in html
    assert "0 = no pain" in html and "data-backmap" in html
    assert "<script>" not in html and " onclick" not in html


def test_a_check_in_from_the_page_shows_the_suggestion_at_once(client, course):
    with_history(course)
    client.force_login(course["ana"])
    url = reverse("progress:checkin", args=[course["next"].uid, "before"])
    response = client.post(url, form_data(pain=5, regions=["lower-back"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you, your check-in is saved" in html
    assert "Move to maintenance" in html and "7 to 5" in html
    assert CheckIn.objects.get(booking=course["next"]).regions == ["lower-back"]


def test_bad_input_re_renders_with_errors_and_stores_nothing(client, course):
    client.force_login(course["ana"])
    url = reverse("progress:checkin", args=[course["next"].uid, "before"])
    response = client.post(url, {"pain-nrs__pain": "12"})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_another_clients_session_is_not_found(client, course, other_client_user):
    client.force_login(other_client_user)
    url = reverse("progress:checkin", args=[course["next"].uid, "before"])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404
    assert not CheckIn.objects.exists()


def test_my_progress_draws_charts_from_json_with_a_table_and_summary(client, course):
    with_history(course)
    client.force_login(course["ana"])
    html = client.get(reverse("progress:mine")).content.decode()
    assert 'id="chart-pain-nrs-data" type="application/json"' in html
    assert 'data-progress-chart="chart-pain-nrs-data"' in html
    assert "vendor/chartjs-4.6.1/chart.umd.min.js" in html and "js/progress.js" in html
    assert "Your back pain rating went from 7" in html
    assert "<table" in html
    entry = AuditEntry.objects.filter(record_kind="progress").latest("at")
    assert entry.actor == course["ana"] and entry.subject == course["ana"]


def test_the_practice_side_sees_its_client_and_every_view_is_audited(client, course):
    with_history(course)
    ben = course["ben"].user
    client.force_login(ben)
    assert course["ana"].get_full_name() in client.get(reverse("progress:clients")).content.decode()
    html = client.get(reverse("progress:client", args=[course["ana"].uid])).content.decode()
    assert "Measures" in html and "back pain rating 7" in html
    entry = AuditEntry.objects.filter(record_kind="progress", actor=ben).get()
    assert entry.subject == course["ana"] and entry.practice == course["practice"]


def test_the_front_desk_reads_progress_only_with_a_reason_and_never_decides(client, course, now):
    with_history(course)
    checkin_submit(
        client=course["ana"], booking=course["next"], kind="before", now=now, scores=scores(5)
    )
    s = ReviewSuggestion.objects.get()
    desk = staff_at(course["practice"], "desk2@example.test")
    client.force_login(desk)
    page = reverse("progress:client", args=[course["ana"].uid])
    assert client.get(page).status_code == 404
    glass = reverse("records:break_glass", args=[course["ana"].uid])
    assert client.post(glass, {"reason": "short"}).status_code == 400
    opened = client.post(glass, {"reason": "Client phoned about a reaction", "next": page})
    assert opened.status_code == 302 and opened["Location"] == page
    assert client.get(page).status_code == 200
    assert AuditEntry.objects.filter(
        actor=desk, record_kind="progress", reason="break-glass: Client phoned about a reaction"
    ).exists()
    assert (
        client.post(reverse("progress:decide", args=[s.uid]), {"decision": "accept"}).status_code
        == 404
    )
    s.refresh_from_db()
    assert s.status == "open"


def test_a_therapist_decides_in_place_with_htmx(client, course, now):
    with_history(course)
    checkin_submit(
        client=course["ana"], booking=course["next"], kind="before", now=now, scores=scores(5)
    )
    s = ReviewSuggestion.objects.get()
    client.force_login(course["ben"].user)
    response = client.post(
        reverse("progress:decide", args=[s.uid]),
        {"decision": "accept", "note": "Agreed: monthly from now."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="suggestion-{s.uid}"' in html and "Accepted" in html and "monthly" in html
    s.refresh_from_db()
    assert s.status == "accepted" and s.decided_by == course["ben"].user


@pytest.mark.parametrize("who", ["other_practice_therapist", "other_client"])
def test_outsiders_never_reach_a_clients_progress(
    client, course, other_practice, other_client_user, who
):
    outsider = (
        therapist_at(other_practice, "zed").user
        if who == "other_practice_therapist"
        else other_client_user
    )
    client.force_login(outsider)
    assert client.get(reverse("progress:client", args=[course["ana"].uid])).status_code == 404
    assert not AuditEntry.objects.filter(actor=outsider).exists()


def test_a_therapist_of_the_practice_without_this_client_needs_break_glass(client, course):
    # Minimum necessary: progress is for the client's treating therapists and the owner.
    kim = therapist_at(course["practice"], "kim")
    client.force_login(kim.user)
    page = reverse("progress:client", args=[course["ana"].uid])
    assert client.get(page).status_code == 404
    assert not AuditEntry.objects.filter(actor=kim.user).exists()
    client.post(
        reverse("records:break_glass", args=[course["ana"].uid]),
        {"reason": "Covering for Ben today, he is ill"},
    )
    assert client.get(page).status_code == 200


def test_a_client_cannot_open_the_practice_pages(client, course):
    client.force_login(course["ana"])
    assert client.get(reverse("progress:clients")).status_code == 404
    client.logout()
    assert client.get(reverse("progress:mine")).status_code == 302  # to sign in


def test_sign_in_then_nav_has_my_progress_and_my_data(client, course):
    client.login(email=course["ana"].email, password=PASSWORD)
    html = client.get(reverse("progress:mine")).content.decode()
    assert reverse("records:my_data") in html and "My progress" in html


def test_the_first_check_in_asks_for_consent_on_the_form(client, practice, now):
    from tests.apps.progress.builders import session
    from tests.factories import make_assessment
    from unknot.apps.accounts.models import User
    from unknot.apps.records.models import Consent

    ben = therapist_at(practice, "ben")
    new = User.objects.create_user(email="new@example.test", password=PASSWORD)
    make_assessment(new)
    booking = session(new, ben, start=now + dt.timedelta(days=1), status="confirmed")
    client.force_login(new)
    url = reverse("progress:checkin", args=[booking.uid, "before"])
    assert 'name="give_consent"' in client.get(url).content.decode()
    refused = client.post(url, form_data())
    assert refused.status_code == 400
    assert "We can only store your answers with your consent." in refused.content.decode()
    assert not CheckIn.objects.exists() and not Consent.objects.exists()
    assert client.post(url, form_data(give_consent="on")).status_code == 200
    assert Consent.objects.get(user=new).granted
    assert CheckIn.objects.filter(booking=booking).exists()


def test_opening_a_check_in_in_the_back_office_is_audited_and_scoped(
    client, course, now, other_practice
):
    checkin = checkin_submit(
        client=course["ana"], booking=course["next"], kind="before", now=now, scores=scores(6)
    ).checkin
    from unknot.apps.accounts.models import Role, User

    desk = staff_at(course["practice"], "desk8@example.test")
    client.force_login(desk)
    url = reverse("admin:progress_checkin_change", args=[checkin.pk])
    assert client.get(url).status_code == 404  # the front desk: not without a reason
    owner = User.objects.create_user(
        email="owner8@example.test", role=Role.OWNER, practice=course["practice"], is_staff=True
    )
    client.force_login(owner)
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.filter(
        actor=owner, record_uid=checkin.uid, via="admin", reason="practice owner"
    ).exists()
    elsewhere = staff_at(other_practice, "far@example.test")
    client.force_login(elsewhere)
    assert client.get(url).status_code == 302  # not in their practice: sent away
    assert not AuditEntry.objects.filter(actor=elsewhere).exists()


def test_the_therapist_sees_the_check_in_for_the_coming_session(client, course, now):
    checkin_submit(
        client=course["ana"],
        booking=course["next"],
        kind="before",
        now=now,
        scores=scores(6),
        regions=["neck"],
        red_flags=["saddle-numbness"],
    )
    client.force_login(course["ben"].user)
    html = client.get(reverse("progress:client", args=[course["ana"].uid])).content.decode()
    assert "Coming up" in html and "back pain rating 6" in html and "where: Neck" in html
    assert "Re-screen needed" in html and "numbness" in html.lower()


def test_empty_pages_explain_what_will_appear(client, client_user, practice):
    client.force_login(client_user)
    html = client.get(reverse("progress:mine")).content.decode()
    assert "Your charts appear after your first check-in." in html
    assert "Nothing to do now." in html
    assert "chart.umd.min.js" in html  # loaded once; nothing to draw is not an error
    therapist = therapist_at(practice, "new-one")
    client.force_login(therapist.user)
    assert "No clients yet." in client.get(reverse("progress:clients")).content.decode()


def test_the_client_list_links_progress_only_for_those_who_may_read_it(client, course):
    from unknot.apps.booking.models import Booking, BookingStatus

    desk = staff_at(course["practice"], "desk4@example.test")
    client.force_login(desk)
    html = client.get(reverse("progress:clients")).content.decode()
    progress_url = reverse("progress:client", args=[course["ana"].uid])
    assert f'href="{progress_url}"' not in html
    assert reverse("records:break_glass", args=[course["ana"].uid]) in html
    client.force_login(course["ben"].user)
    assert f'href="{progress_url}"' in client.get(reverse("progress:clients")).content.decode()
    # Sessions that were all cancelled make no treating relationship, and no row.
    Booking.objects.filter(client=course["ana"]).update(status=BookingStatus.CANCELLED)
    assert (
        course["ana"].get_full_name()
        not in client.get(reverse("progress:clients")).content.decode()
    )
