from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from unknot.apps.accounts.models import User
from unknot.common.forms import PlainCharField, StyledFormMixin


class SignUpForm(StyledFormMixin, forms.Form):
    full_name = PlainCharField(max_length=150, label="Your name")
    email = forms.EmailField(label="Email address")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )

    def clean_email(self) -> str:
        # Never says whether the address has an account (issue 12, finding 14): sign-up
        # answers "check your email" either way, see accounts/signup.py.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            probe = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class EmailAuthenticationForm(StyledFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autofocus": True})
    )


class SecondFactorForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class ConfirmAppForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=12,
        help_text="Scan the QR code (or type the key) in your authenticator app, then enter "
        "the 6-digit code it shows.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ReauthForm(StyledFormMixin, forms.Form):
    password = forms.CharField(
        label="Your password",
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    otp_code = forms.CharField(
        label="Two-factor code",
        max_length=32,
        required=False,
        help_text="The 6-digit code from your authenticator app, or a recovery code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )

    def __init__(self, *args, needs_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["otp_code"]
        else:
            self.fields["otp_code"].required = True


class ProfileForm(StyledFormMixin, forms.Form):
    full_name = forms.CharField(max_length=150, label="Your name")


class EmailChangeForm(StyledFormMixin, forms.Form):
    new_email = forms.EmailField(label="New email address", max_length=254)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_email(self) -> str:
        email = self.cleaned_data["new_email"].strip().lower()
        if self.user is not None and email == self.user.email.lower():
            raise forms.ValidationError("That is your address already.")
        return email


class _TokenLimits:
    """Set before StyledFormMixin reads the errors (it cleans the form while styling it)."""

    def __init__(self, *args, default_days: int = 30, max_days: int = 90, **kwargs):
        self.max_days = max_days
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = default_days
        self.fields["days"].widget.attrs["max"] = max_days
        self.fields["days"].help_text = f"At most {max_days} days."

    def clean_days(self) -> int:
        days = self.cleaned_data["days"]
        if days > self.max_days:
            raise forms.ValidationError(f"A token lasts at most {self.max_days} days.")
        return days


class TokenCreateForm(_TokenLimits, StyledFormMixin, forms.Form):
    name = forms.CharField(max_length=100, label="Name", help_text="To tell your tokens apart.")
    days = forms.IntegerField(label="Lasts (days)", min_value=1)
