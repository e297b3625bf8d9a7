"""The back office's account rules, cell by cell: actor role x target account x admin action.

The privilege order is superuser > owner > front desk > therapist > client. Nobody manages an
account at or above their own level (nor their own account), only owners and superusers
manage accounts at all, owners only within their practice, and no admin path sets a password.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD
from unknot.apps.accounts.models import Role, User
from unknot.apps.practices.models import Practice

pytestmark = pytest.mark.django_db

ACTORS = ("superuser", "owner", "front_desk", "therapist")
TARGETS = (
    "other_superuser",
    "self",
    "other_owner",
    "front_desk",
    "therapist",
    "client",
    "owner_elsewhere",
    "therapist_elsewhere",
)

MANAGES = {
    "superuser": {
        "other_owner",
        "front_desk",
        "therapist",
        "client",
        "owner_elsewhere",
        "therapist_elsewhere",
    },
    "owner": {"front_desk", "therapist"},
    "front_desk": set(),
    "therapist": set(),
}
"""Exactly the cells where the actor may manage the target; every other cell is refused."""


def _practice(slug: str) -> Practice:
    return Practice.objects.create(
        name=slug.title(), slug=slug, address="1 Street", phone="+44 20 0000", time_zone="UTC"
    )


def _person(email, role, practice, **extra) -> User:
    staff = role in (Role.STAFF, Role.OWNER)
    return User.objects.create_user(
        email=email,
        password=PASSWORD,
        full_name=email.split("@")[0].title(),
        role=role,
        practice=practice,
        is_staff=extra.pop("is_staff", staff),
        **extra,
    )


@pytest.fixture
def people(db) -> dict[str, User]:
    a, b = _practice("alpha"), _practice("beta")
    return {
        "superuser": User.objects.create_superuser(email="root@example.test", password=PASSWORD),
        "other_superuser": User.objects.create_superuser(
            email="root2@example.test", password=PASSWORD
        ),
        "owner": _person("owner@example.test", Role.OWNER, a),
        "other_owner": _person("owner2@example.test", Role.OWNER, a),
        "front_desk": _person("desk@example.test", Role.STAFF, a),
        "therapist": _person("ther@example.test", Role.THERAPIST, a, is_staff=True),
        "client": _person("client@example.test", Role.CLIENT, None),
        "owner_elsewhere": _person("owner-b@example.test", Role.OWNER, b),
        "therapist_elsewhere": _person("ther-b@example.test", Role.THERAPIST, b),
    }


def _target(people, actor: str, target: str) -> User:
    return people[actor] if target == "self" else people[target]


def _allowed(actor: str, target: str) -> bool:
    return target in MANAGES[actor]


def _form_data(actor: User, target: User, **changes) -> dict:
    data = {
        "email": target.email,
        "full_name": target.full_name,
        "role": target.role,
        "is_active": "on",
        "_save": "Save",
    }
    if actor.is_superuser:
        data["practice"] = target.practice_id or ""
        if target.is_staff:
            data["is_staff"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


CELLS = [(a, t) for a in ACTORS for t in TARGETS]


@pytest.mark.parametrize(("actor", "target"), CELLS)
def test_changelist_lists_exactly_the_manageable_accounts(client, people, actor, target):
    user, other = people[actor], _target(people, actor, target)
    client.force_login(user)
    response = client.get(reverse("admin:accounts_user_changelist"))
    if not MANAGES[actor]:
        assert response.status_code in (302, 403)
        return
    assert response.status_code == 200
    listed = {u.pk for u in response.context["cl"].result_list}
    assert (other.pk in listed) is _allowed(actor, target)


@pytest.mark.parametrize(("actor", "target"), CELLS)
def test_change_form_opens_only_for_a_manageable_account(client, people, actor, target):
    user, other = people[actor], _target(people, actor, target)
    client.force_login(user)
    response = client.get(reverse("admin:accounts_user_change", args=[other.pk]))
    if _allowed(actor, target):
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="is_superuser"' not in html
        assert "password" not in response.context["adminform"].form.fields
    else:
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert "/accounts/user/" not in response["Location"]


@pytest.mark.parametrize(("actor", "target"), CELLS)
def test_saving_a_change_works_only_for_a_manageable_account(client, people, actor, target):
    user, other = people[actor], _target(people, actor, target)
    client.force_login(user)
    response = client.post(
        reverse("admin:accounts_user_change", args=[other.pk]),
        _form_data(user, other, full_name="Renamed", email="renamed@example.test", is_active=None),
    )
    other.refresh_from_db()
    if _allowed(actor, target):
        assert response.status_code == 302, response.content.decode()[:3000]
        assert (other.full_name, other.email, other.is_active) == (
            "Renamed",
            "renamed@example.test",
            False,
        )
    else:
        assert response.status_code in (302, 403, 404)
        assert other.full_name != "Renamed" and other.is_active


@pytest.mark.parametrize(("actor", "target"), CELLS)
def test_delete_page_works_only_for_a_manageable_account(client, people, actor, target):
    user, other = people[actor], _target(people, actor, target)
    client.force_login(user)
    response = client.post(reverse("admin:accounts_user_delete", args=[other.pk]), {"post": "yes"})
    assert User.objects.filter(pk=other.pk).exists() is not _allowed(actor, target)
    assert response.status_code in (302, 403, 404)


@pytest.mark.parametrize(("actor", "target"), CELLS)
def test_bulk_delete_removes_only_manageable_accounts(client, people, actor, target):
    user, other = people[actor], _target(people, actor, target)
    client.force_login(user)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=other.pk).exists() is not _allowed(actor, target)


@pytest.mark.parametrize(("actor", "target"), CELLS)
def test_the_password_form_is_gone_for_everyone(client, people, actor, target):
    user, other = people[actor], _target(people, actor, target)
    client.force_login(user)
    url = reverse("admin:auth_user_password_change", args=[other.pk])
    assert client.get(url).status_code in (302, 403, 404)
    typed = {"password1": "Typed-by-someone-9", "password2": "Typed-by-someone-9"}
    assert client.post(url, typed).status_code in (302, 403, 404)
    other.refresh_from_db()
    assert check_password(PASSWORD, other.password)


@pytest.mark.parametrize(("actor", "target"), CELLS)
def test_reset_link_action_mails_only_manageable_accounts(
    client, people, actor, target, django_capture_on_commit_callbacks
):
    user, other = people[actor], _target(people, actor, target)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "send_password_reset_link", "_selected_action": [other.pk]},
        )
    if _allowed(actor, target):
        assert [m.to for m in mail.outbox] == [[other.email]]
        assert "/accounts/reset/" in mail.outbox[0].body
    else:
        assert mail.outbox == []
    other.refresh_from_db()
    assert check_password(PASSWORD, other.password), "a link was sent; nothing was set"


def test_the_reset_link_in_the_mail_lets_the_person_choose_a_password(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["owner"])
    desk = people["front_desk"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "send_password_reset_link", "_selected_action": [desk.pk]},
        )
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = "/" + link.split("/", 3)[3]
    person = client.__class__()
    form = person.get(path, follow=True)
    assert form.status_code == 200
    done = person.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Chosen-by-me-2026", "new_password2": "Chosen-by-me-2026"},
    )
    assert done.status_code == 302
    desk.refresh_from_db()
    assert desk.check_password("Chosen-by-me-2026")


# --- granting roles, flags and practices -------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "target", "changes", "check"),
    [
        ("owner", "therapist", {"role": Role.OWNER}, lambda u: u.role == Role.THERAPIST),
        ("owner", "front_desk", {"role": Role.OWNER}, lambda u: u.role == Role.STAFF),
        ("owner", "therapist", {"is_superuser": "on"}, lambda u: not u.is_superuser),
        ("owner", "therapist", {"is_staff": "on"}, lambda u: not u.is_staff),
        ("owner", "therapist", {"practice": "beta"}, lambda u: u.practice.slug == "alpha"),
        ("superuser", "therapist", {"is_superuser": "on"}, lambda u: not u.is_superuser),
        ("superuser", "client", {"is_superuser": "on"}, lambda u: not u.is_superuser),
    ],
)
def test_nobody_grants_a_role_or_flag_at_or_above_their_own(
    client, people, actor, target, changes, check
):
    user, other = people[actor], people[target]
    if changes.get("practice") == "beta":
        changes["practice"] = Practice.objects.get(slug="beta").pk
    client.force_login(user)
    client.post(
        reverse("admin:accounts_user_change", args=[other.pk]), _form_data(user, other, **changes)
    )
    other.refresh_from_db()
    assert check(other)


def test_role_choices_offer_only_roles_below_the_actor(client, people):
    client.force_login(people["owner"])
    page = client.get(reverse("admin:accounts_user_change", args=[people["therapist"].pk]))
    choices = {v for v, _ in page.context["adminform"].form.fields["role"].choices}
    assert choices == {Role.CLIENT, Role.THERAPIST, Role.STAFF}
    client.force_login(people["superuser"])
    page = client.get(reverse("admin:accounts_user_change", args=[people["therapist"].pk]))
    choices = {v for v, _ in page.context["adminform"].form.fields["role"].choices}
    assert choices == set(Role.values)


def test_only_a_superuser_makes_an_owner_and_moves_people_between_practices(client, people):
    root, therapist = people["superuser"], people["therapist"]
    beta = Practice.objects.get(slug="beta")
    client.force_login(root)
    response = client.post(
        reverse("admin:accounts_user_change", args=[therapist.pk]),
        _form_data(root, therapist, role=Role.OWNER, practice=beta.pk, is_staff="on"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    therapist.refresh_from_db()
    assert (therapist.role, therapist.practice, therapist.is_staff) == (Role.OWNER, beta, True)


def test_a_superuser_cannot_be_given_a_practice_through_the_form(client, people):
    # The superuser form never offers is_superuser, and the constraint backs it up.
    root = people["superuser"]
    client.force_login(root)
    page = client.get(reverse("admin:accounts_user_change", args=[people["client"].pk]))
    assert "is_superuser" not in page.context["adminform"].form.fields


# --- new accounts -------------------------------------------------------------------------------


def test_an_owner_adds_staff_without_a_password_and_they_get_a_link(
    client, people, django_capture_on_commit_callbacks
):
    owner = people["owner"]
    client.force_login(owner)
    form = client.get(reverse("admin:accounts_user_add"))
    assert form.status_code == 200
    fields = form.context["adminform"].form.fields
    assert not {"password1", "password2", "password", "usable_password"} & set(fields)
    assert "practice" not in fields
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {"email": "New.Desk@Example.test", "full_name": "New Desk", "role": Role.STAFF},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = User.objects.get(email="new.desk@example.test")
    assert not made.has_usable_password()
    assert (made.practice, made.is_staff, made.is_superuser) == (owner.practice, True, False)
    assert [m.to for m in mail.outbox] == [["new.desk@example.test"]]
    assert "Choose your Unknot password" in mail.outbox[0].subject
    assert "/accounts/reset/" in mail.outbox[0].body


@pytest.mark.parametrize("role", [Role.OWNER, "superuser"])
def test_an_owner_cannot_add_an_account_at_their_own_level(client, people, role):
    client.force_login(people["owner"])
    data = {"email": "x@example.test", "full_name": "X", "role": role, "is_superuser": "on"}
    client.post(reverse("admin:accounts_user_add"), data)
    assert not User.objects.filter(email="x@example.test").exists()


@pytest.mark.parametrize("actor", ["front_desk", "therapist"])
def test_front_desk_and_therapists_add_no_accounts(client, people, actor):
    client.force_login(people[actor])
    assert client.get(reverse("admin:accounts_user_add")).status_code in (302, 403)
    client.post(
        reverse("admin:accounts_user_add"),
        {"email": "y@example.test", "full_name": "Y", "role": Role.THERAPIST},
    )
    assert not User.objects.filter(email="y@example.test").exists()


def test_a_superuser_adding_a_therapist_without_a_practice_gets_a_form_error(client, people):
    client.force_login(people["superuser"])
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "z@example.test", "full_name": "Z", "role": Role.THERAPIST, "practice": ""},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not User.objects.filter(email="z@example.test").exists()


# --- related admins that reach an account's credentials --------------------------------------


@pytest.mark.parametrize(
    ("actor", "target"), [("front_desk", "owner"), ("owner", "other_owner"), ("owner", "owner")]
)
def test_tokens_and_feeds_of_equal_or_higher_accounts_are_out_of_reach(
    client, people, actor, target
):
    from django.utils import timezone

    from unknot.apps.accounts.models import ApiToken
    from unknot.apps.accounts.services import api_token_issue
    from unknot.apps.notifications.services import calendar_feed_issue

    victim = people[target]
    api_token_issue(user=victim, second_factor_verified=True)
    calendar_feed_issue(user=victim, now=timezone.now())
    client.force_login(people[actor])
    for name in ("accounts_apitoken", "notifications_calendarfeed"):
        page = client.get(reverse(f"admin:{name}_changelist"))
        assert page.status_code == 200
        assert victim.email not in page.content.decode(), name
    token = ApiToken.objects.get(user=victim)
    response = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert response.status_code == 302 and "apitoken" not in response["Location"]
