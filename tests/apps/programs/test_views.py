"""The program pages: builder from the plan, preview with one-click alternatives, the program."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.apps.programs.conftest import FIRST, NOW, occupy, weekly
from unknot.apps.booking.models import Booking
from unknot.apps.programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client


def a_third_client():
    from tests.factories import make_assessment
    from unknot.apps.accounts.models import User

    user = User.objects.create_user(email="dan@example.test", password="x-Long-pass-1")
    make_assessment(user)
    return user


def builder_data(**kw):
    data = {
        "technique": "swedish",
        "duration": 60,
        "therapist": "any",
        "weekday": 1,  # Tuesday
        "time": "10:00",
        "starting": "2026-12-01",
        "every_days": 7,
        "sessions": 10,
    }
    data.update(kw)
    return data


def series_fields(html: str) -> dict:
    names = ("technique", "duration", "therapist", "first_start", "every_days", "sessions")
    fields = {}
    for name in (*names, "assessment", "idempotency_key"):
        match = re.search(rf'name="{name}" value="([^"]*)"', html)
        fields[name] = match.group(1) if match else ""
    return fields


def test_the_builder_starts_from_the_latest_plan(signed_in, setup):
    response = signed_in.get(reverse("programs:new"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="plan"' in html and "Treatment course" in html
    form = response.context["form"]
    assert form.initial["sessions"] == 10 and form.initial["every_days"] == 7
    assert form.initial["duration"] == 60 and form.initial["technique"] == "swedish"


def test_query_parameters_fill_the_builder(signed_in, setup):
    url = reverse("programs:new") + "?technique=swedish&duration=90&every_days=14&sessions=6"
    form = signed_in.get(url).context["form"]
    assert (form.initial["duration"], form.initial["every_days"], form.initial["sessions"]) == (
        90,
        14,
        6,
    )


def test_preview_then_choose_then_confirm(signed_in, setup, client_user, other_client):
    starts = weekly(FIRST, 10)
    occupy(setup, other_client, starts[8], therapist="ben")
    occupy(setup, a_third_client(), starts[8], therapist="kai")  # one client, one session
    saved = client_user.assessments.get()
    data = builder_data(therapist=setup["ben"].uid, assessment=saved.uid)
    response = signed_in.post(reverse("programs:new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="occurrence"') == 10
    assert html.count('data-status="conflict"') == 1
    assert "Book all 10 sessions" in html and "disabled" in html
    choice = re.search(r'name="choose" value="([^"]+)"', html).group(1)
    assert choice.startswith("8|2027-01-26T11:15:00")
    fields = series_fields(html)
    # One click on an alternative (htmx sends the form and the button).
    response = signed_in.post(
        reverse("programs:preview"), {**fields, "choose": choice}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="program-preview"' in html
    assert 'data-status="conflict"' not in html and "Your choice" in html
    fields = series_fields(html)
    accepted = re.findall(r'name="accept" value="([^"]+)"', html)
    response = signed_in.post(
        reverse("programs:preview"), {**fields, "accept": accepted, "action": "confirm"}
    )
    program = Program.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:detail", args=[program.uid])
    got = sorted(b.starts_at for b in program.bookings)
    assert len(got) == 10 and got[8] == starts[8] + dt.timedelta(minutes=75)
    assert program.assessment == saved and program.phases[0]["name"] == "Treatment course"


def test_a_conflict_at_confirm_books_nothing_and_shows_why(
    signed_in, setup, client_user, other_client
):
    html = signed_in.post(
        reverse("programs:new"), builder_data(therapist=setup["ben"].uid)
    ).content.decode()
    fields = series_fields(html)
    occupy(setup, other_client, weekly(FIRST, 10)[9])  # taken after the preview
    response = signed_in.post(reverse("programs:preview"), {**fields, "action": "confirm"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "nothing was booked" in html and 'data-status="conflict"' in html
    assert not Program.objects.exists()
    assert not Booking.objects.filter(client=client_user).exists()


def test_bad_builder_input_is_400(signed_in, setup):
    response = signed_in.post(reverse("programs:new"), builder_data(sessions=0, time="25:00"))
    assert response.status_code == 400
    assert not Program.objects.exists()


def test_tampered_preview_is_400(signed_in, setup):
    response = signed_in.post(
        reverse("programs:preview"),
        {"technique": "swedish", "duration": 60, "therapist": "any", "first_start": "soon"},
    )
    assert response.status_code == 400


def test_sign_in_needed(client):
    response = client.get(reverse("programs:new"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.fixture
def program(signed_in, setup):
    html = signed_in.post(
        reverse("programs:new"), builder_data(therapist=setup["ben"].uid, sessions=4)
    ).content.decode()
    signed_in.post(reverse("programs:preview"), {**series_fields(html), "action": "confirm"})
    return Program.objects.get()


def test_program_page_cancel_one_and_the_rest(signed_in, program, client, other_client_user):
    url = reverse("programs:detail", args=[program.uid])
    html = signed_in.get(url).content.decode()
    assert html.count('data-testid="session"') == 4
    response = signed_in.post(reverse("programs:session_cancel", args=[program.uid, 1]))
    assert response.status_code == 302
    html = signed_in.get(url).content.decode()
    assert html.count('data-testid="session"') == 3 and 'data-testid="cancelled"' in html
    signed_in.post(reverse("programs:cancel", args=[program.uid]))
    assert {b.status for b in program.bookings} == {"cancelled"}
    program.refresh_from_db()
    assert program.status == "cancelled"
    client.force_login(other_client_user)
    assert client.get(url).status_code == 404


def test_cancelling_asks_first_and_changes_nothing_until_confirmed(signed_in, program):
    detail = signed_in.get(reverse("programs:detail", args=[program.uid])).content.decode()
    # The program page only links to the questions; no button there cancels anything.
    assert 'action="' + reverse("programs:cancel", args=[program.uid]) not in detail
    assert 'action="' + reverse("programs:session_cancel", args=[program.uid, 1]) not in detail
    rest = signed_in.get(reverse("programs:cancel", args=[program.uid]))
    assert rest.status_code == 200
    body = rest.content.decode()
    assert body.count("Free to cancel") == 4 and "Yes, cancel 4 sessions" in body
    one = signed_in.get(reverse("programs:session_cancel", args=[program.uid, 1]))
    assert one.status_code == 200 and "Cancel session 2?" in one.content.decode()
    assert "Cancelling now is free" in one.content.decode()
    assert {b.status for b in program.bookings} == {"confirmed"}


def test_the_question_says_which_sessions_would_be_late(signed_in, program):
    # A cut-off that reaches past the first session but not the second makes one of them late.
    first, second = (program.sessions.get(index=i).booking for i in (0, 1))
    practice = program.practice
    hours_to = lambda b: (b.starts_at - NOW).total_seconds() / 3600  # noqa: E731
    practice.cancellation_cutoff_hours = int(hours_to(first)) + 1
    assert practice.cancellation_cutoff_hours < hours_to(second)
    practice.save(update_fields=["cancellation_cutoff_hours"])
    body = signed_in.get(reverse("programs:cancel", args=[program.uid])).content.decode()
    assert body.count("Late cancellation") == 1 and body.count("Free to cancel") == 3
    assert 'data-testid="late-warning"' in body and "1 of these session is" in body
    one = signed_in.get(reverse("programs:session_cancel", args=[program.uid, 0]))
    assert "recorded as late" in one.content.decode()
    other = signed_in.get(reverse("programs:session_cancel", args=[program.uid, 1]))
    assert "Cancelling now is free" in other.content.decode()


def test_a_session_that_is_not_to_come_has_no_question(signed_in, program):
    signed_in.post(reverse("programs:session_cancel", args=[program.uid, 1]))
    assert (
        signed_in.get(reverse("programs:session_cancel", args=[program.uid, 1])).status_code == 404
    )
    assert (
        signed_in.get(reverse("programs:session_cancel", args=[program.uid, 9])).status_code == 404
    )


def test_move_a_session_from_its_page(signed_in, setup, program):
    url = reverse("programs:session_reschedule", args=[program.uid, 2])
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(url, {"day": "2026-12-16", "time": "14:00"})
    assert response.status_code == 302
    moved = program.sessions.get(index=2).booking
    assert moved.starts_at == dt.datetime(2026, 12, 16, 14, tzinfo=FIRST.tzinfo)
    # A taken time offers nearby free ones as buttons.
    response = signed_in.post(
        reverse("programs:session_reschedule", args=[program.uid, 3]),
        {"day": "2026-12-16", "time": "14:00"},
    )
    assert response.status_code == 409
    assert 'name="start" value="' in response.content.decode()


def test_the_therapist_adjusts_and_the_client_cannot(signed_in, client, setup, program):
    url = reverse("programs:adjust", args=[program.uid])
    assert signed_in.get(url).status_code == 404
    client.force_login(setup["ben"].user)
    data = {"every_days": 14, "technique": "swedish", "duration": 60}
    response = client.post(url, {**data, "action": "preview"})
    body = response.content.decode()
    assert response.status_code == 200 and body.count('data-testid="moves"') == 1
    assert body.count("<h1") == 1 and "Adjust the program</h1>" in body
    program.refresh_from_db()
    assert program.every_days == 7
    response = client.post(url, {**data, "action": "apply"})
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.every_days == 14
    starts = sorted(b.starts_at for b in program.bookings)
    assert starts[1] - starts[0] == dt.timedelta(weeks=2)


def test_my_programs_lists_them(signed_in, program):
    html = signed_in.get(reverse("programs:mine")).content.decode()
    assert reverse("programs:detail", args=[program.uid]) in html
    assert "4 to come" in html


def test_move_the_rest_from_the_program_page(signed_in, program):
    url = reverse("programs:move_rest", args=[program.uid])
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(url, {"day": "2026-12-03", "time": "15:00", "action": "preview"})
    assert response.status_code == 200 and 'data-testid="moves"' in response.content.decode()
    response = signed_in.post(url, {"day": "2026-12-03", "time": "15:00", "action": "apply"})
    assert response.status_code == 302
    starts = sorted(b.starts_at for b in program.bookings)
    assert starts[0] == dt.datetime(2026, 12, 3, 15, tzinfo=FIRST.tzinfo)


@pytest.mark.parametrize("starting", ["9999-12-31", "9999-12-27", "0001-01-01", "2101-01-01"])
def test_a_far_builder_date_is_a_form_error_not_a_500(signed_in, setup, starting):
    signed_in.raise_request_exception = False
    response = signed_in.post(reverse("programs:new"), builder_data(starting=starting))
    assert response.status_code == 400
    assert "starting" in response.context["form"].errors


@pytest.mark.parametrize(
    "first_start", ["9999-12-31T10:00:00+00:00", "0001-01-01T00:00:00+14:00", "2101-01-01T10:00Z"]
)
def test_a_far_series_start_is_a_400_not_a_500(signed_in, setup, first_start):
    signed_in.raise_request_exception = False
    data = {"technique": "swedish", "duration": 60, "therapist": "any", "every_days": 7}
    response = signed_in.post(
        reverse("programs:preview"), {**data, "sessions": 52, "first_start": first_start}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("day", ["9999-12-31", "1999-12-31"])
def test_a_far_date_to_move_the_rest_is_a_form_error(signed_in, program, day):
    signed_in.raise_request_exception = False
    url = reverse("programs:move_rest", args=[program.uid])
    response = signed_in.post(url, {"day": day, "time": "15:00", "action": "preview"})
    assert response.status_code == 400
    assert "day" in response.context["form"].errors
