from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from unknot.apps.therapists.access import access_own_therapist_profile
from unknot.apps.therapists.forms import DirectoryFilterForm, TherapistProfileForm
from unknot.apps.therapists.selectors import therapist_get_public, therapist_list
from unknot.apps.therapists.services import therapist_update_profile


def directory(request: HttpRequest) -> HttpResponse:
    """The therapist directory; an htmx request gets only the results list."""
    form = DirectoryFilterForm(request.GET or None)
    technique = language = None
    if form.is_valid():
        technique = form.cleaned_data["technique"]
        language = form.cleaned_data["language"]
    therapists = therapist_list(
        technique=technique.slug if technique else None,
        language=language.code if language else None,
    )
    context = {
        "form": form,
        "therapists": therapists,
        "technique": technique,
        "language": language,
        "today": timezone.localdate(),
    }
    template = "therapists/partials/results.html" if request.htmx else "therapists/directory.html"
    return render(request, template, context, status=200 if not form.errors else 400)


def profile(request: HttpRequest, slug: str) -> HttpResponse:
    therapist = therapist_get_public(slug=slug)
    if therapist is None:
        raise Http404("No therapist with that profile.")
    return render(
        request,
        "therapists/profile.html",
        {"therapist": therapist, "today": timezone.localdate()},
    )


@login_required
def edit_profile(request: HttpRequest) -> HttpResponse:
    therapist = access_own_therapist_profile(request.user)
    form = TherapistProfileForm(request.POST or None, request.FILES or None, instance=therapist)
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            if not data["photo"]:
                data.pop("photo")
            # The form validated against the instance; reload so the service sees stored values.
            therapist.refresh_from_db()
            therapist_update_profile(therapist=therapist, data=data)
            messages.success(request, "Your profile was saved.")
            return redirect("therapists:edit_profile")
        return render(request, "therapists/edit_profile.html", {"form": form}, status=400)
    return render(request, "therapists/edit_profile.html", {"form": form})
