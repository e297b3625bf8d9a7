import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_therapist

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(practice, other_practice):
    return {
        "ben": make_therapist(practice, "ben-carter", techniques=("swedish",), languages=("en",)),
        "kai": make_therapist(
            practice, "kai-ito", techniques=("shiatsu", "thai-yoga"), languages=("en", "ja")
        ),
        "zoe": make_therapist(
            other_practice, "zoe-ruiz", techniques=("shiatsu",), languages=("es",)
        ),
    }


def names(response) -> set[str]:
    return {t.display_name for t in response.context["therapists"]}


def test_directory_lists_everyone_active(client, team):
    response = client.get(reverse("therapists:directory"))
    assert response.status_code == 200
    assert names(response) == {"Ben Carter", "Kai Ito", "Zoe Ruiz"}


def test_directory_filters_by_technique_and_language(client, team):
    response = client.get(reverse("therapists:directory"), {"technique": "shiatsu"})
    assert names(response) == {"Kai Ito", "Zoe Ruiz"}
    response = client.get(
        reverse("therapists:directory"), {"technique": "shiatsu", "language": "ja"}
    )
    assert names(response) == {"Kai Ito"}


def test_directory_htmx_request_gets_only_the_results(client, team):
    response = client.get(
        reverse("therapists:directory"), {"technique": "swedish"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Ben Carter" in body and "Kai Ito" not in body


def test_directory_unknown_filter_is_a_400_not_a_500(client, team):
    response = client.get(reverse("therapists:directory"), {"technique": "reiki"})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_inactive_therapist_is_hidden(client, team):
    team["ben"].is_active = False
    team["ben"].save()
    assert "Ben Carter" not in names(client.get(reverse("therapists:directory")))
    assert client.get(reverse("therapists:profile", args=["ben-carter"])).status_code == 404


def test_profile_shows_licence_validity(client, practice):
    make_therapist(practice, "valid-one")
    make_therapist(practice, "expired-one", expires_in_days=-1)
    make_therapist(practice, "pending-one", verified=False)
    for slug, text in [
        ("valid-one", "Verified and valid"),
        ("expired-one", "Expired"),
        ("pending-one", "Awaiting verification"),
    ]:
        response = client.get(reverse("therapists:profile", args=[slug]))
        assert response.status_code == 200
        assert text in response.content.decode()


def test_unknown_profile_is_404(client, db):
    assert client.get(reverse("therapists:profile", args=["nobody"])).status_code == 404


def profile_form(therapist, **changes):
    data = {
        "display_name": therapist.display_name,
        "bio": "Calm and careful.",
        "years_in_practice": 6,
        "licence_number": therapist.licence_number,
        "licence_jurisdiction": therapist.licence_jurisdiction,
        "licence_expires_on": therapist.licence_expires_on.isoformat(),
        "techniques": [t.pk for t in therapist.techniques.all()],
        "languages": [lang.pk for lang in therapist.languages.all()],
    }
    data.update(changes)
    return data


def test_therapist_edits_own_profile_keeping_verification(client, team):
    ben = team["ben"]
    client.login(email=ben.user.email, password=PASSWORD)
    response = client.post(reverse("therapists:edit_profile"), profile_form(ben))
    assert response.status_code == 302
    ben.refresh_from_db()
    assert ben.bio == "Calm and careful."
    assert ben.years_in_practice == 6
    assert ben.licence_verified


def test_changing_licence_details_needs_verification_again(client, team):
    ben = team["ben"]
    client.login(email=ben.user.email, password=PASSWORD)
    new_expiry = (timezone.localdate() + dt.timedelta(days=900)).isoformat()
    client.post(
        reverse("therapists:edit_profile"), profile_form(ben, licence_expires_on=new_expiry)
    )
    ben.refresh_from_db()
    assert ben.licence_verified is False


def test_bad_profile_input_is_400_and_saves_nothing(client, team):
    ben = team["ben"]
    client.login(email=ben.user.email, password=PASSWORD)
    response = client.post(
        reverse("therapists:edit_profile"),
        profile_form(ben, years_in_practice=-3, bio="changed", licence_expires_on="soon"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "years_in_practice" in errors and "licence_expires_on" in errors
    ben.refresh_from_db()
    assert ben.bio == ""


def test_only_therapists_reach_the_profile_editor(client, client_user, staff_user):
    url = reverse("therapists:edit_profile")
    assert client.get(url).status_code == 302  # anonymous: to sign in
    client.force_login(client_user)
    assert client.get(url).status_code == 404
    client.force_login(staff_user)
    assert client.get(url).status_code == 404
