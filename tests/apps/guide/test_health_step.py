"""The health step's groups and "none of these apply", and results that carry urgency."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.apps.guide.test_assessment_views import (
    BOOK_LINK,
    HEALTH,
    HEALTH_NONE,
    body,
    step_url,
    take,
)
from unknot.apps.guide import drafts
from unknot.domain.guide import load_catalogue

pytestmark = pytest.mark.django_db
CATALOGUE = load_catalogue()


def test_a_health_step_with_no_answer_is_refused_and_says_how_to_answer(client):
    response = client.post(step_url("health"), HEALTH)
    assert response.status_code == 400
    html = body(response)
    assert re.search(r'id="id_none_apply_errors"[^>]*>[^<]*None of these apply to me', html)
    assert "health" not in drafts.get_draft(client.session)


def test_none_of_these_and_a_ticked_condition_contradict(client):
    response = client.post(step_url("health"), {**HEALTH_NONE, "conditions": ["asthma"]})
    assert response.status_code == 400
    assert "please untick one of them" in body(response)


def test_one_tick_says_none_apply(client):
    response = client.post(step_url("health"), HEALTH_NONE)
    assert response.status_code == 302
    assert drafts.get_draft(client.session)["health"]["none_apply"] is True


def test_every_group_is_a_closed_disclosure_until_something_in_it_applies(client):
    html = body(client.get(step_url("health")))
    groups = re.findall(r'<details class="health-group[^"]*" data-group="([a-z-]+)"( open)?', html)
    assert [g for g, _ in groups] == list(CATALOGUE.screen_groups)
    assert all(not opened for _, opened in groups)
    answered = client.post(step_url("health"), {**HEALTH, "conditions": ["epilepsy", "x"]})
    html = body(answered)
    opened = re.findall(r'data-group="([a-z-]+)" open', html)
    assert opened == ["nerves"]


def test_every_condition_is_in_exactly_one_group_with_a_matching_label(client):
    html = body(client.get(step_url("health")))
    for slug in CATALOGUE.conditions:
        ids = re.findall(rf'<input[^>]*value="{re.escape(slug)}"[^>]*id="([^"]+)"', html)
        ids += re.findall(rf'<input[^>]*id="([^"]+)"[^>]*value="{re.escape(slug)}"', html)
        assert len(set(ids)) == 1, slug
        assert f'for="{ids[0]}"' in html
    # Every input on the page has a label pointing at it.
    inputs = r'<input[^>]*type="(?:checkbox|radio|number)"[^>]*id="([^"]+)"'
    for input_id in re.findall(inputs, html):
        assert f'for="{input_id}"' in html, input_id


def test_where_a_local_condition_is_goes_into_the_intake(client):
    answers = {**HEALTH, "conditions": ["varicose-veins"], "site_varicose-veins": ["left-leg"]}
    assert client.post(step_url("health"), answers).status_code == 302
    assert drafts.get_draft(client.session)["health"]["sites"] == {"varicose-veins": ["left-leg"]}


def test_a_site_for_an_unticked_condition_is_dropped(client):
    answers = {**HEALTH_NONE, "site_varicose-veins": ["left-leg"]}
    assert client.post(step_url("health"), answers).status_code == 302
    assert drafts.get_draft(client.session)["health"]["sites"] == {}


def test_age_is_asked_and_a_minor_needs_a_guardian(client):
    take(client, health={**HEALTH_NONE, "age": "15"})
    html = body(client.get(reverse("assessment:result")))
    assert "a parent or guardian" in html


def test_skipping_the_health_step_gives_no_result(client):
    client.post(step_url("where"), {"intensity": "3", "duration_weeks": "2"})
    response = client.post(step_url("warning-signs"), {})
    assert response.status_code == 400
    assert "Health step: Please tick what applies" in body(response)
    assert drafts.get_pending(client.session) is None


# --- the results page ------------------------------------------------------------------------


def test_an_emergency_page_shows_what_to_do_now_and_no_plan_or_booking(client):
    take(client, flags={"red_flags": ["stroke-signs"]})
    html = body(client.get(reverse("assessment:result")))
    assert "Get emergency help now" in html and 'data-testid="next-steps"' in html
    assert "Call emergency services" in html
    for absent in (
        "Questions to ask your therapist",
        "Your program plan",
        "Save to my account",
        "go with you to booking",
    ):
        assert absent not in html, absent
    assert not BOOK_LINK.search(html)


def test_a_today_red_flag_says_see_a_doctor_today(client):
    take(client, flags={"red_flags": ["suspected-dvt"]})
    html = body(client.get(reverse("assessment:result")))
    assert "See a doctor today" in html and "Get emergency help now" not in html


def test_adaptations_and_oils_are_shown_in_plain_words(client):
    take(client, health={**HEALTH, "conditions": ["asthma", "nut-allergy", "lymphoedema"]})
    html = body(client.get(reverse("assessment:result")))
    assert "No essential oils or scented products" in html
    assert "sweet almond" in html
    assert "These adaptations stay in place after the go-ahead." in html
    assert "No scented oils." not in html


# --- not asked again ---------------------------------------------------------------------------


def test_long_standing_answers_come_back_filled_in_and_changeable_ones_do_not(client, client_user):
    from tests.factories import make_assessment

    make_assessment(
        client_user,
        health={
            "conditions": ["joint-replacement", "fever", "undiagnosed-pain", "nut-allergy"],
            "anticoagulants": True,
            "age": 61,
            "pregnancy_weeks": 20,
            "recent_surgery_weeks": 3,
            "sites": {"joint-replacement": ["left-leg"]},
        },
    )
    client.force_login(client_user)
    response = client.get(step_url("health"))
    form = response.context["form"]
    assert set(form.initial["conditions"]) == {"joint-replacement", "nut-allergy"}
    assert form.initial["anticoagulants"] == "yes" and form.initial["age"] == 61
    assert form.initial["pregnancy_weeks"] == "" and form.initial["recent_surgery_weeks"] == ""
    assert form.initial["site_joint-replacement"] == ["left-leg"]
    assert 'data-testid="carried"' in body(response)


def test_nothing_is_carried_for_a_visitor_or_once_the_step_is_answered(client, client_user):
    assert 'data-testid="carried"' not in body(client.get(step_url("health")))
    from tests.factories import make_assessment

    make_assessment(client_user, health={"conditions": ["epilepsy"]})
    client.force_login(client_user)
    client.post(step_url("health"), HEALTH_NONE)
    response = client.get(step_url("health"))
    assert response.context["form"].initial["conditions"] == []
    assert 'data-testid="carried"' not in body(response)
