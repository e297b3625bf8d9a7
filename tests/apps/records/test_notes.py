"""Session notes: written by the session's therapist, read only inside the practice, the
client sees the shared summary alone; every read is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.apps.progress.builders import staff_at, therapist_at
from unknot.apps.records.access import access_note, access_shared_summary
from unknot.apps.records.models import AuditEntry, SessionNote
from unknot.apps.records.services import RecordsError, note_save

pytestmark = pytest.mark.django_db

FULL = {
    "subjective": "Stiff after the weekend.",
    "objective": "Tight right QL.",
    "assessment": "Muscular, improving.",
    "plan": "Same again; lighter on the right.",
    "techniques": ["swedish"],
    "pressure_used": 3,
    "finding_regions": ["lower-back"],
    "findings": "Knot near the right hip.",
    "client_summary": "We worked on your lower back; keep walking daily.",
}


def write(course, now, **changes):
    return note_save(
        booking=course["held"][-1], author=course["ben"].user, now=now, **{**FULL, **changes}
    )


def test_the_sessions_therapist_writes_a_soap_note(course, now):
    note = write(course, now)
    assert (note.subjective, note.pressure_used, note.finding_regions) == (
        "Stiff after the weekend.",
        3,
        ["lower-back"],
    )
    assert [t.slug for t in note.techniques.all()] == ["swedish"]
    assert not note.summary_is_shared
    assert AuditEntry.objects.get(record_uid=note.uid).action == "create"
    write(course, now, plan="Move to fortnightly.", share_summary=True)
    note.refresh_from_db()
    assert note.plan == "Move to fortnightly." and note.summary_is_shared
    assert AuditEntry.objects.filter(record_uid=note.uid, action="change").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pressure_used": 6}, "pressure_used"),
        ({"techniques": ["reiki"]}, "techniques"),
        ({"finding_regions": ["knee"]}, "finding_regions"),
        ({"client_summary": "", "share_summary": True}, "client_summary"),
        ({"plan": "x" * 5001}, "plan"),
    ],
)
def test_bad_notes_store_nothing(course, now, changes, field):
    with pytest.raises(RecordsError) as caught:
        write(course, now, **changes)
    assert field in caught.value.problems
    assert not SessionNote.objects.exists()


def test_only_the_sessions_therapist_writes_and_only_after_it_started(course, now):
    kim = therapist_at(course["practice"], "kim")
    with pytest.raises(PermissionDenied):
        note_save(booking=course["held"][-1], author=kim.user, now=now, **FULL)
    with pytest.raises(RecordsError) as caught:
        note_save(booking=course["next"], author=course["ben"].user, now=now, **FULL)
    assert caught.value.code == "not_started"


def test_notes_are_for_treating_therapists_and_the_owner_each_read_audited(
    course, now, other_practice
):
    from django.http import Http404

    from unknot.apps.accounts.models import Role, User
    from unknot.apps.records.grants import break_glass_open

    note = write(course, now)
    uid = course["held"][-1].uid
    owner = User.objects.create_user(
        email="owner9@example.test", role=Role.OWNER, practice=course["practice"], is_staff=True
    )
    for reader, reason in ((course["ben"].user, "treating therapist"), (owner, "practice owner")):
        _, seen = access_note(reader, uid, via="api")
        assert seen == note
        assert AuditEntry.objects.filter(
            actor=reader, record_uid=note.uid, via="api", reason=reason
        ).exists()
    kim = therapist_at(course["practice"], "kim")
    desk = staff_at(course["practice"], "desk9@example.test")
    outsider = therapist_at(other_practice, "far-away")
    for reader in (kim.user, desk, outsider.user, course["ana"]):
        with pytest.raises(Http404):
            access_note(reader, uid)
        assert not AuditEntry.objects.filter(actor=reader, record_kind="note").exists()
    break_glass_open(actor=desk, client=course["ana"], reason="Insurer asked for it today", now=now)
    _, seen = access_note(desk, uid)
    assert seen == note
    assert AuditEntry.objects.get(actor=desk, record_kind="note").reason == (
        "break-glass: Insurer asked for it today"
    )


def test_the_client_sees_only_the_shared_summary(course, now, client):
    write(course, now)
    uid = course["held"][-1].uid
    _, summary = access_shared_summary(course["ana"], uid)
    assert summary == ""
    write(course, now, share_summary=True)
    _, summary = access_shared_summary(course["ana"], uid)
    assert summary == FULL["client_summary"]
    client.force_login(course["ana"])
    assert client.get(reverse("records:note", args=[uid])).status_code == 404
    html = client.get(reverse("progress:mine")).content.decode()
    assert FULL["client_summary"] in html
    assert FULL["objective"] not in html and FULL["assessment"] not in html


def test_the_note_page_writes_for_the_therapist_and_colleagues_need_a_reason(course, now, client):
    uid = course["held"][-1].uid
    client.force_login(course["ben"].user)
    url = reverse("records:note", args=[uid])
    assert "data-backmap" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "subjective": "Better",
            "techniques": ["swedish"],
            "pressure_used": "2",
            "regions": ["neck"],
            "client_summary": "Well done",
            "share_summary": "on",
        },
    )
    assert response.status_code == 302
    note = SessionNote.objects.get()
    assert note.pressure_used == 2 and note.finding_regions == ["neck"] and note.summary_is_shared
    bad = client.post(url, {"pressure_used": "9"})
    assert bad.status_code == 400
    kim = therapist_at(course["practice"], "kim")
    client.force_login(kim.user)
    assert client.get(url).status_code == 404
    client.post(
        reverse("records:break_glass", args=[course["ana"].uid]),
        {"reason": "Ana asked me to take over her care"},
    )
    page = client.get(url)
    assert page.status_code == 200 and "Better" in page.content.decode()
    assert client.post(url, {"subjective": "Hijack"}).status_code == 404
    note.refresh_from_db()
    assert note.subjective == "Better"


def test_the_therapists_note_list(course, now, client):
    client.force_login(course["ben"].user)
    html = client.get(reverse("records:notes")).content.decode()
    assert html.count("Write note") == 2
    client.force_login(course["ana"])
    assert client.get(reverse("records:notes")).status_code == 404


def test_opening_a_note_in_the_back_office_needs_the_rule_and_is_audited(course, now, client):
    from unknot.apps.records.grants import break_glass_open

    note = write(course, now)
    desk = staff_at(course["practice"], "desk7@example.test")
    client.force_login(desk)
    url = reverse("admin:records_sessionnote_change", args=[note.pk])
    assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(actor=desk, via="admin").exists()
    break_glass_open(
        actor=desk, client=course["ana"], reason="Complaint letter to answer", now=timezone.now()
    )
    response = client.get(url)
    assert response.status_code == 200
    assert AuditEntry.objects.filter(
        actor=desk, record_uid=note.uid, via="admin", reason__startswith="break-glass"
    ).exists()
