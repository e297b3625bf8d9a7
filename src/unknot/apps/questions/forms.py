from __future__ import annotations

from django import forms

from unknot.apps.questions.models import ANSWER_MAX, BODY_MAX, BODY_MIN, NAME_MAX, QuestionTopic
from unknot.common.forms import PlainCharField, StyledFormMixin

HONEYPOT = "website"


class AskForm(StyledFormMixin, forms.Form):
    """Ask a therapist a question. ``website`` is a honeypot: people never see it."""

    topic = forms.ChoiceField(
        label="What is it about?", choices=QuestionTopic.choices, initial=QuestionTopic.OTHER
    )
    question = forms.CharField(
        label="Your question",
        min_length=BODY_MIN,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX}),
        help_text=(
            "For example their training, the styles they work in, or what might suit your "
            "back. Please do not include details you would not want in an email."
        ),
    )
    name = PlainCharField(
        label="Your first name (optional)",
        max_length=NAME_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = forms.EmailField(
        label="Your email address",
        help_text="The answer is sent here. It is not shown to anyone.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label="The therapist may publish my question and the answer on their profile, "
        "without my name",
        required=False,
    )
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())


class SignedInAskForm(AskForm):
    """A signed-in person's answer goes to their account's email: no address to type."""

    email = None


def ask_form(data=None, *, signed_in: bool) -> AskForm:
    return (SignedInAskForm if signed_in else AskForm)(data)


class AnswerForm(StyledFormMixin, forms.Form):
    answer = forms.CharField(
        label="Your answer",
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": ANSWER_MAX}),
        help_text="The person who asked gets it by email. Links are shown as plain text.",
    )
