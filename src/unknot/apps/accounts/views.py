from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from unknot.apps.accounts import two_factor
from unknot.apps.accounts.forms import (
    ConfirmAppForm,
    EmailAuthenticationForm,
    SecondFactorForm,
    SignUpForm,
)
from unknot.apps.accounts.services import client_sign_up


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
            user = client_sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to Unknot. Your account is ready.")
            return redirect(_safe_next(request) or "home:index")
        return render(
            request, "accounts/signup.html", {"form": form, "next": _safe_next(request)}, status=400
        )
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request)})


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


# --- two-factor sign-in ----------------------------------------------------------------------


def _practice_side_or_404(request: HttpRequest) -> None:
    if not two_factor.is_practice_side(request.user):
        raise Http404("Two-factor sign-in is for therapists and practice staff.")


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
    if request.method == "POST" and form.is_valid():
        outcome, device = two_factor.verify_code(user=user, code=form.cleaned_data["code"])
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
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    _practice_side_or_404(request)
    if not two_factor.has_second_factor(request.user):
        return redirect("accounts:two_factor_setup")
    codes = two_factor.recovery_codes_renew(user=request.user)
    return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": None})


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    _practice_side_or_404(request)
    try:
        two_factor.second_factor_remove(user=request.user)
    except two_factor.TwoFactorRequired as error:
        messages.error(request, str(error))
        return redirect("accounts:two_factor")
    messages.success(request, "Two-factor sign-in is off.")
    return redirect("accounts:two_factor")
