from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from unknot.apps.guide.selectors import technique_page, technique_pages


def technique_list(request: HttpRequest) -> HttpResponse:
    return render(request, "guide/technique_list.html", {"techniques": technique_pages()})


def technique_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = technique_page(slug=slug)
    if page is None:
        raise Http404("No such technique.")
    return render(request, "guide/technique_detail.html", {"t": page})
