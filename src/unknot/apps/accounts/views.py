import functools

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from unknot.apps.accounts import throttling, two_factor
from unknot.apps.accounts.forms import (
    ConfirmAppForm,
    EmailAuthenticationForm,
    SecondFactorForm,
    SignUpForm,
)
from unknot.apps.accounts.reauth import reauth_required
from unknot.apps.accounts.services import api_token_revoke_all, password_changed
from unknot.apps.accounts.signup import (
    LinkInvalid,
    SignUpLimited,
    pending_for,
    sign_up_finish,
    sign_up_start,
)
from unknot.common.middleware import too_many_requests


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                message = sign_up_start(
                    request,
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    full_name=form.cleaned_data["full_name"],
                    next_url=_safe_next(request) or "",
                )
            except SignUpLimited as limited:
                return too_many_requests(request, limited.retry_after)
            return render(request, "accounts/check_email.html", {"message": message})
        return render(
            request, "accounts/signup.html", {"form": form, "next": _safe_next(request)}, status=400
        )
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request)})


@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from a sign-up email: a button (a mail scanner's visit creates nothing), then
    the account, signed in, back where the person was."""
    try:
        pending = pending_for(token)
    except LinkInvalid as error:
        return render(request, "accounts/link_invalid.html", {"message": str(error)}, status=400)
    if request.method == "POST":
        try:
            user, next_url = sign_up_finish(token=token, now=timezone.now())
        except LinkInvalid as error:
            return render(
                request, "accounts/link_invalid.html", {"message": str(error)}, status=400
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Unknot. Your account is ready.")
        safe = next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect(next_url if safe else "home:index")
    return render(request, "accounts/signup_confirm.html", {"email": pending.email})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_success_url(self) -> str:
        """Straight on to the second factor when this person owes one."""
        url = super().get_success_url()
        step = two_factor.pending_step(self.request.user)
        if step is two_factor.Step.VERIFY:
            return f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': url})}"
        if step is two_factor.Step.SET_UP:
            return f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': url})}"
        return url


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(user=form.user, now=timezone.now())
        return response


# --- two-factor sign-in ----------------------------------------------------------------------


def _practice_side_or_404(request: HttpRequest) -> None:
    if not two_factor.is_practice_side(request.user):
        raise Http404("Two-factor sign-in is for therapists and practice staff.")


def _practice_side_only(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        _practice_side_or_404(request)
        return view(request, *args, **kwargs)

    return wrapper


@login_required
def two_factor_status(request: HttpRequest) -> HttpResponse:
    _practice_side_or_404(request)
    user = request.user
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": two_factor.has_second_factor(user),
            "required": two_factor.required_by_practice(user),
            "codes_left": two_factor.recovery_codes_left(user),
        },
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: QR code and key, then a code from the app to confirm."""
    _practice_side_or_404(request)
    user = request.user
    if two_factor.has_second_factor(user):
        return redirect("accounts:two_factor")
    device = two_factor.pending_app_device(user)
    form = ConfirmAppForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            codes = two_factor.app_device_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            )
            if codes is not None:
                api_token_revoke_all(user=user, now=timezone.now())
                request.session.cycle_key()
                otp_login(request, two_factor.app_device(user, confirmed=True))
                return render(
                    request,
                    "accounts/two_factor_codes.html",
                    {"codes": codes, "next": _safe_next(request), "fresh_setup": True},
                )
            form.add_error("code", "That code is not right. Check the clock on your phone.")
        status = 400
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_svg(device),
            "key": two_factor.manual_key(device),
            "required": two_factor.required_by_practice(user),
            "next": _safe_next(request),
        },
        status=status,
    )


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app or a recovery code."""
    user = request.user
    if two_factor.pending_step(user) is not two_factor.Step.VERIFY:
        return redirect(_safe_next(request) or "home:index")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and throttling.credential_gate(request) is not None:
        return throttling.lockout_response(request)
    if request.method == "POST" and form.is_valid():
        outcome, device = two_factor.verify_code(user=user, code=form.cleaned_data["code"])
        if outcome is two_factor.Outcome.WRONG:
            throttling.credential_failed(request)
        if outcome is two_factor.Outcome.OK:
            request.session.cycle_key()
            otp_login(request, device)
            if not isinstance(device, TOTPDevice):
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. Make new ones from "
                    "the two-factor page if you are running low.",
                )
            return redirect(_safe_next(request) or "home:index")
        if outcome is two_factor.Outcome.THROTTLED:
            form.add_error("code", "Too many wrong codes. Wait a minute, then try again.")
        else:
            form.add_error("code", "That code is not right.")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _safe_next(request)},
        status=status,
    )


@login_required
@require_POST
@_practice_side_only
@reauth_required(back="accounts:two_factor")
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    _practice_side_or_404(request)
    if not two_factor.has_second_factor(request.user):
        return redirect("accounts:two_factor_setup")
    codes = two_factor.recovery_codes_renew(user=request.user)
    return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": None})


@login_required
@require_POST
@_practice_side_only
@reauth_required(back="accounts:two_factor")
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    _practice_side_or_404(request)
    try:
        two_factor.second_factor_remove(user=request.user)
    except two_factor.TwoFactorRequired as error:
        messages.error(request, str(error))
        return redirect("accounts:two_factor")
    api_token_revoke_all(user=request.user, now=timezone.now())
    messages.success(request, "Two-factor sign-in is off. Your API tokens were revoked.")
    return redirect("accounts:two_factor")
