"""The self-assessment in the browser: steps without JavaScript and with htmx, results, saving."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import finish_sign_up, make_assessment, make_therapist
from unknot.apps.accounts.models import User
from unknot.apps.guide import drafts
from unknot.apps.guide.backmap import SHAPES
from unknot.apps.guide.models import SavedAssessment
from unknot.domain.guide import load_catalogue

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/assessment/where/"}

WHERE = {
    "regions": ["lower-back", "between-shoulder-blades"],
    "symptoms": ["low-back-pain", "tight-back"],
    "intensity": "5",
    "duration_weeks": "20",
}
GOALS = {"goals": ["back-pain-relief", "relaxation"]}
PREFS = {"focus": "either", "pressure_tolerance": "4", "stay_clothed": "no", "scents": "unsure"}
HEALTH = {"anticoagulants": "no", "pregnancy_weeks": "", "recent_surgery_weeks": ""}
HEALTH_NONE = {**HEALTH, "none_apply": "on"}
NO_FLAGS: dict = {}


BOOK_LINK = re.compile(r'href="/book/[a-z-]+/"')


def step_url(slug: str) -> str:
    return reverse("assessment:step", args=[slug])


def take(client, *, where=WHERE, goals=GOALS, prefs=PREFS, health=HEALTH_NONE, flags=NO_FLAGS):
    """Answer every step as a browser without JavaScript would; return the last response."""
    steps = [
        ("where", where),
        ("goals", goals),
        ("preferences", prefs),
        ("health", health),
        ("warning-signs", flags),
    ]
    for slug, data in steps:
        response = client.post(step_url(slug), data)
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
    return response


def body(response) -> str:
    return response.content.decode()


# --- steps without JavaScript -----------------------------------------------------------------


def test_start_page_explains_privacy_and_links_to_the_first_step(client):
    response = client.get(reverse("assessment:start"))
    assert response.status_code == 200
    html = body(response)
    assert "only in this browser session" in html
    assert f'href="{step_url("where")}"' in html


def test_each_step_redirects_to_the_next_and_the_last_to_the_results(client):
    response = client.post(step_url("where"), WHERE)
    assert response.status_code == 302 and response["Location"] == step_url("goals")
    response = client.post(step_url("goals"), GOALS)
    assert response["Location"] == step_url("preferences")
    response = client.post(step_url("preferences"), PREFS)
    assert response["Location"] == step_url("health")
    response = client.post(step_url("health"), HEALTH_NONE)
    assert response["Location"] == step_url("warning-signs")
    response = client.post(step_url("warning-signs"), NO_FLAGS)
    assert response["Location"] == reverse("assessment:result")


def test_answers_live_in_the_session_only_and_fill_the_steps_again(client):
    take(client)
    pending = drafts.get_pending(client.session)
    assert pending["intake"]["regions"] == ["lower-back", "between-shoulder-blades"]
    assert pending["intake"]["pain"] == {"intensity": 5, "duration_weeks": 20}
    assert pending["intake"]["preferences"]["pressure_tolerance"] == 4
    assert SavedAssessment.objects.count() == 0
    html = body(client.get(step_url("where")))
    assert re.search(r'<input[^>]*value="lower-back"[^>]*checked', html)
    assert not re.search(r'<input[^>]*value="neck"[^>]*checked', html)
    assert 'value="5"' in html


def test_results_show_status_ranked_techniques_citations_and_the_plan(client):
    take(client)
    response = client.get(reverse("assessment:result"))
    assert response.status_code == 200
    html = body(response)
    view = response.context["view"]
    assert view.status == "ok"
    assert "Massage looks suitable for you" in html
    first = view.recommendations[0]
    assert f'href="/book/{first.technique}/"' in html
    assert all(f'href="/book/{r.technique}/"' in html for r in view.recommendations)
    assert 'href="/evidence/#cherkin-2011"' in html
    assert "Practice convention" in html
    assert "Pressure up to level" in html
    for heading in ("Why it suits you", "What to expect", "What to wear", "Possible discomfort"):
        assert heading in html
    assert "Your program plan" in html and "maintenance" in html
    assert "Re-measure" in html
    assert "Questions to ask your therapist" in html
    assert "create an account" in html and "sign in" in html
    assert "Save to my account" not in html  # anonymous: sign up or in first


def test_ranked_best_first_in_the_page_order(client):
    take(client)
    response = client.get(reverse("assessment:result"))
    names = [r.name for r in response.context["view"].recommendations]
    html = body(response)
    positions = [html.index(f">{i}. {name}<") for i, name in enumerate(names, 1)]
    assert positions == sorted(positions)


def test_a_red_flag_says_see_your_doctor_and_lists_it(client):
    take(client, flags={"red_flags": ["unexplained-weight-loss"]})
    html = body(client.get(reverse("assessment:result")))
    assert "See your doctor before booking" in html
    assert "Weight loss you cannot explain" in html
    assert not BOOK_LINK.search(html)


def test_an_emergency_red_flag_says_get_help_now(client):
    take(client, flags={"red_flags": ["saddle-numbness"]})
    html = body(client.get(reverse("assessment:result")))
    assert "Get emergency help now" in html


def test_fever_says_wait_until_you_are_well(client):
    take(client, where={"intensity": "0"}, health={**HEALTH, "conditions": ["fever"]})
    html = body(client.get(reverse("assessment:result")))
    assert "Wait until you are well" in html
    assert not BOOK_LINK.search(html)


def test_clearance_says_what_to_ask_the_doctor(client):
    take(client, health={**HEALTH, "conditions": ["osteoporosis"]})
    response = client.get(reverse("assessment:result"))
    html = body(response)
    assert "Ask your doctor first" in html
    assert "Is massage safe for me now" in html
    excluded = {e.technique for e in response.context["view"].excluded}
    assert {"deep-tissue", "trigger-point"} <= excluded
    assert 'href="/book/deep-tissue/"' not in html


def test_results_without_an_assessment_send_you_to_the_start(client):
    response = client.get(reverse("assessment:result"))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:start")


def test_unknown_step_is_404(client):
    assert client.get(step_url("feelings")).status_code == 404


# --- bad input -------------------------------------------------------------------------------


def test_bad_input_is_shown_next_to_each_field_and_nothing_is_kept(client):
    response = client.post(
        step_url("where"),
        {"regions": ["neck", "elbow"], "symptoms": ["stress"], "intensity": "11"},
    )
    assert response.status_code == 400
    html = body(response)
    assert re.search(r'id="id_intensity_errors"[^>]*>[^<]*between 0 and 10', html)
    assert re.search(r'id="id_regions_errors"[^>]*>[^<]*elbow', html)
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_intensity"', html) or re.search(
        r'<input[^>]*id="id_intensity"[^>]*aria-invalid="true"', html
    )
    assert "Nothing has been saved" in html
    assert drafts.get_draft(client.session) == {}


def test_words_for_a_number_are_rejected_by_the_core(client):
    response = client.post(step_url("health"), {**HEALTH, "recent_surgery_weeks": "three"})
    assert response.status_code == 400
    assert re.search(r'id="id_recent_surgery_weeks_errors"[^>]*>[^<]*whole number', body(response))


def test_a_high_risk_pregnancy_needs_the_weeks(client):
    response = client.post(step_url("health"), {**HEALTH, "conditions": ["high-risk-pregnancy"]})
    assert response.status_code == 400
    assert 'id="id_pregnancy_weeks_errors"' in body(response)
    answers = {**HEALTH, "conditions": ["high-risk-pregnancy"], "pregnancy_weeks": "20"}
    ok = client.post(step_url("health"), answers)
    assert ok.status_code == 302
    assert drafts.get_draft(client.session)["health"]["pregnancy_weeks"] == 20


def test_a_value_outside_the_choices_gets_the_cores_message(client):
    response = client.post(step_url("preferences"), {**PREFS, "pressure_tolerance": "9"})
    assert response.status_code == 400
    assert re.search(r'id="id_pressure_tolerance_errors"[^>]*>[^<]*between 1 and 5', body(response))


# --- htmx ------------------------------------------------------------------------------------


def test_htmx_swaps_the_next_step_in_and_moves_the_address(client):
    response = client.post(step_url("where"), WHERE, **HTMX)
    assert response.status_code == 200
    html = body(response)
    assert "<html" not in html
    assert "What are your goals?" in html
    assert 'hx-swap-oob="true"' in html and "Step 2 of 5" in html
    assert response["HX-Push-Url"] == step_url("goals")
    assert "HX-Request" in response["Vary"]


def test_htmx_bad_input_comes_back_as_the_same_step_with_errors(client):
    response = client.post(step_url("where"), {"intensity": "-3"}, **HTMX)
    assert response.status_code == 400
    html = body(response)
    assert "<html" not in html and "Where does it hurt?" in html
    assert "data-error-summary" in html
    assert "HX-Push-Url" not in response


def test_htmx_last_step_redirects_the_whole_page_to_the_results(client):
    for slug, data in [("where", WHERE), ("goals", GOALS), ("preferences", PREFS)]:
        client.post(step_url(slug), data, **HTMX)
    client.post(step_url("health"), HEALTH_NONE, **HTMX)
    response = client.post(step_url("warning-signs"), NO_FLAGS, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("assessment:result")
    assert drafts.get_pending(client.session) is not None


def test_htmx_back_link_gets_a_partial_but_history_restore_gets_the_page(client):
    partial = client.get(step_url("goals"), **HTMX)
    assert "<html" not in body(partial)
    restore = client.get(step_url("goals"), **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in body(restore)


# --- the back map ----------------------------------------------------------------------------


def test_every_catalogue_region_has_a_shape_on_the_map():
    assert set(load_catalogue().regions) <= set(SHAPES)


def test_the_map_has_one_focusable_labelled_button_per_region_and_real_checkboxes(client):
    client.post(step_url("where"), {"regions": ["neck"]})
    html = body(client.get(step_url("where")))
    regions = load_catalogue().regions
    buttons = re.findall(r'<g class="backmap-region"([^>]*)>', html)
    assert len(buttons) == len(regions)
    for slug, region in regions.items():
        attrs = next(b for b in buttons if f'data-region="{slug}"' in b)
        assert 'role="button"' in attrs and 'tabindex="0"' in attrs
        assert f'aria-label="{region.label}"' in attrs
        assert f'aria-pressed="{"true" if slug == "neck" else "false"}"' in attrs
        assert re.search(rf'<input type="checkbox" name="regions" value="{slug}"', html)
    # Without JavaScript the map stays hidden and the checkboxes do the job.
    assert re.search(r'<div class="backmap[^"]*" data-backmap hidden>', html)


def test_pages_load_their_scripts_from_files_only(client):
    html = body(client.get(step_url("where")))
    assert '<script src="/static/js/backmap.js" defer></script>' in html
    assert '<script src="/static/js/assessment.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html)


# --- saving ----------------------------------------------------------------------------------


def test_a_signed_in_client_saves_the_result(client, client_user):
    client.force_login(client_user)
    take(client)
    html = body(client.get(reverse("assessment:result")))
    assert "Save to my account" in html
    response = client.post(reverse("assessment:save"))
    saved = SavedAssessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:saved", args=[saved.uid])
    assert saved.client == client_user and saved.status == "ok"
    assert saved.intake["regions"] == ["lower-back", "between-shoulder-blades"]
    assert drafts.get_pending(client.session) is None
    page = body(client.get(response["Location"]))
    assert "Saved" in page and 'href="/book/' in page


def test_anonymous_result_is_saved_after_signing_up(client):
    take(client)
    html = body(client.get(reverse("assessment:result")))
    signup = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', html).group(1)
    assert "next=%2Fassessment%2Fresult%2F" in signup
    response = client.post(
        signup,
        {
            "full_name": "Robin Park",
            "email": "robin@example.test",
            "password": "a-Calm-back-2026",
            "next": "/assessment/result/",
        },
    )
    # Sign-up ends on "check your email"; the link comes back to the result (issue 12).
    assert response.status_code == 200
    response = finish_sign_up(client)
    assert response.status_code == 302 and response["Location"] == "/assessment/result/"
    assert "Save to my account" in body(client.get("/assessment/result/"))
    client.post(reverse("assessment:save"))
    robin = User.objects.get(email="robin@example.test")
    assert SavedAssessment.objects.filter(client=robin).count() == 1


def test_saving_needs_a_sign_in_and_stores_nothing_meanwhile(client):
    take(client)
    response = client.post(reverse("assessment:save"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert SavedAssessment.objects.count() == 0


def test_a_therapist_cannot_save(client, practice):
    therapist = make_therapist(practice, "ben-carter")
    client.force_login(therapist.user)
    take(client)
    assert "Save to my account" not in body(client.get(reverse("assessment:result")))
    client.post(reverse("assessment:save"))
    assert SavedAssessment.objects.count() == 0


def test_clearing_forgets_every_answer(client):
    take(client)
    client.post(reverse("assessment:clear"))
    assert drafts.get_draft(client.session) == {}
    assert drafts.get_pending(client.session) is None


# --- my assessments --------------------------------------------------------------------------


def test_my_assessments_lists_mine_newest_first(client, client_user, other_client_user):
    older = make_assessment(client_user)
    newer = make_assessment(client_user, health={"conditions": ["contagious-illness"]})
    theirs = make_assessment(other_client_user)
    client.force_login(client_user)
    response = client.get(reverse("assessment:mine"))
    assert response.status_code == 200
    assert list(response.context["assessments"]) == [newer, older]
    html = body(response)
    assert html.index(newer.uid) < html.index(older.uid)
    assert theirs.uid not in html


def test_a_saved_assessment_shows_what_the_client_was_told(client, client_user):
    saved = make_assessment(client_user)
    client.force_login(client_user)
    response = client.get(reverse("assessment:saved", args=[saved.uid]))
    assert response.status_code == 200
    assert response.context["view"].status == "ok"
    assert 'href="/evidence/#' in body(response)


def test_another_clients_assessment_is_404(client, client_user, other_client_user):
    theirs = make_assessment(other_client_user)
    client.force_login(client_user)
    assert client.get(reverse("assessment:saved", args=[theirs.uid])).status_code == 404


def test_my_assessments_needs_sign_in(client, client_user):
    saved = make_assessment(client_user)
    for url in (reverse("assessment:mine"), reverse("assessment:saved", args=[saved.uid])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_assessments_offers_to_save_this_visits_result(client, client_user):
    take(client)
    client.force_login(client_user)
    html = body(client.get(reverse("assessment:mine")))
    assert "unsaved self-assessment" in html and "Save to my account" in html


# --- links from the rest of the site ---------------------------------------------------------


def test_navigation_and_home_lead_to_the_self_assessment(client, client_user):
    html = body(client.get("/"))
    assert re.search(r'<a class="btn btn-primary btn-lg" href="/assessment/">Take the self', html)
    assert 'href="/assessment/">Self-assessment</a>' in html
    assert "My assessments" not in html
    client.force_login(client_user)
    assert 'href="/assessment/mine/">My assessments</a>' in body(client.get("/"))


def test_each_technique_page_links_to_the_self_assessment(client):
    for slug in load_catalogue().techniques:
        html = body(client.get(reverse("guide:technique_detail", args=[slug])))
        assert 'href="/assessment/"' in html, slug
    assert 'href="/assessment/"' in body(client.get(reverse("guide:technique_list")))
