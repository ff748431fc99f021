"""The search page: one box over sources, passages, claims and notes."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..selectors import search as site_search


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    results = site_search.search(request.GET.get("q", ""), viewer=request.user)
    return render(
        request,
        "debates/search.html",
        {
            "results": results,
            "groups": results.groups,
            "min_chars": site_search.MIN_QUERY_CHARS,
            "max_chars": site_search.MAX_QUERY_CHARS,
        },
    )
