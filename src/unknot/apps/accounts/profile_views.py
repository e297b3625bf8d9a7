"""The signed-in person's own account: profile, email, password, API tokens, re-authentication."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from unknot.apps.accounts import reauth, selectors, services, two_factor
from unknot.apps.accounts.email_change import email_change_finish, email_change_start
from unknot.apps.accounts.forms import EmailChangeForm, ProfileForm, ReauthForm, TokenCreateForm
from unknot.apps.accounts.models import ApiToken
from unknot.apps.accounts.signup import LinkInvalid
from unknot.apps.accounts.views import _safe_next
from unknot.common.forms import StyledFormMixin


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, initial={"full_name": user.full_name})
    if request.method == "POST":
        if form.is_valid():
            user.full_name = form.cleaned_data["full_name"]
            user.save(update_fields=["full_name"])
            messages.success(request, "Your name is saved.")
            return redirect("accounts:profile")
        status = 400
    else:
        status = 200
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "practice_side": two_factor.is_practice_side(user)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Confirm it is still you: the password, and the second factor where you have one."""
    user = request.user
    needs_code = reauth.needs_code(user)
    form = ReauthForm(request.POST or None, needs_code=needs_code)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                reauth.check(
                    request,
                    user,
                    password=form.cleaned_data["password"],
                    otp_code=form.cleaned_data.get("otp_code", ""),
                )
            except reauth.ReauthFailed as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
                status = 429 if error.throttled else 400
            else:
                reauth.remember(request, timezone.now())
                return redirect(_safe_next(request) or "accounts:profile")
    return render(
        request,
        "accounts/reauth.html",
        {
            "form": form,
            "next": _safe_next(request),
            "minutes": settings.UNKNOT_REAUTH_MINUTES,
        },
        status=status,
    )


@login_required
@reauth.reauth_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            email_change_start(user=request.user, new_email=form.cleaned_data["new_email"])
            messages.success(
                request,
                "We sent a link to the new address: your email changes when you open it. "
                "Your current address got a notice.",
            )
            return redirect("accounts:profile")
        return render(request, "accounts/email_change.html", {"form": form}, status=400)
    return render(request, "accounts/email_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the new address: a button (so a mail scanner's visit changes nothing)."""
    if request.method == "POST":
        try:
            user = email_change_finish(token=token)
        except LinkInvalid as error:
            return render(
                request, "accounts/link_invalid.html", {"message": str(error)}, status=400
            )
        messages.success(request, f"Your email address is now {user.email}.")
        return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/email_confirm.html", {})


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


@login_required
@reauth.reauth_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Django's own password change form; afterwards every API token of the account ends."""
    form = StyledPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            services.password_changed(user=user, now=timezone.now())
            update_session_auth_hash(request, user)
            messages.success(
                request, "Your password is changed. Your API tokens were revoked as well."
            )
            return redirect("accounts:profile")
        return render(request, "accounts/password_change.html", {"form": form}, status=400)
    return render(request, "accounts/password_change.html", {"form": form})


def _token_form(data=None) -> TokenCreateForm:
    return TokenCreateForm(
        data,
        default_days=settings.UNKNOT_API_TOKEN_DAYS,
        max_days=settings.UNKNOT_API_TOKEN_MAX_DAYS,
        initial={"name": "", "days": settings.UNKNOT_API_TOKEN_DAYS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """Your API tokens: list, make one (shown once), revoke."""
    now = timezone.now()
    form = _token_form(request.POST or None)
    new_value = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            # This session passed every sign-in step it owes (the middleware saw to it).
            _, new_value = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                now=now,
                second_factor_verified=True,
            )
            status = 200
            form = _token_form()
    rows = [(t, t.is_active(now)) for t in selectors.api_token_list(request.user)]
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "rows": rows, "new_value": new_value},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, uid: str) -> HttpResponse:
    try:
        token = services.api_token_revoke(user=request.user, uid=uid, now=timezone.now())
    except ApiToken.DoesNotExist:
        raise Http404("No such token.") from None
    messages.success(request, f"The token “{token.name}” is revoked.")
    return redirect("accounts:tokens")
