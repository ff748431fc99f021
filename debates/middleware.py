"""Refuse requests carrying characters no page can store or look up, with a 400 that says so.

A NUL character (``%00``) cannot be stored in, or compared with, a PostgreSQL text column,
and a lone surrogate cannot be encoded at all: left to the views, either surfaces as a 500
from the database driver. This checks the path, the query string and form fields (names,
values, uploaded file names) before any view runs. JSON bodies are checked by the API's
parser (``debates.api.w3c.GuardedJsonParser``), uploaded file contents by the forms and
services that read them.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .formats.unstorable import UNSTORABLE as _UNSTORABLE


def _problem(request: HttpRequest) -> str | None:
    """What is wrong with the request, or None."""
    if _UNSTORABLE.search(request.path_info) or _UNSTORABLE.search(request.path):
        return "The address contains a NUL character (%00) or a broken character."
    places = [("the address's query string", request.GET)]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        places.append(("the form", request.POST))
    for where, data in places:
        for key, values in data.lists():
            if _UNSTORABLE.search(key) or any(_UNSTORABLE.search(v) for v in values):
                return (
                    f"The field “{_shown(key)}” in {where} contains a NUL character (%00) or "
                    "a broken character; send text without it."
                )
    if places[-1][0] == "the form":
        for key, upload in request.FILES.items():
            if _UNSTORABLE.search(upload.name or ""):
                return f"The name of the file in “{_shown(key)}” contains a NUL character."
    return None


def _shown(name: str) -> str:
    return _UNSTORABLE.sub("\N{REPLACEMENT CHARACTER}", name)[:60]


def _wants_json(request: HttpRequest) -> bool:
    return "json" in request.content_type or "json" in request.headers.get("Accept", "")


class BadInputMiddleware:
    """400 for NUL bytes or lone surrogates in the path, query string or form fields."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = _problem(request)
        if problem is None:
            return self.get_response(request)
        if _wants_json(request):
            return JsonResponse({"error": problem}, status=400)
        return render(request, "400.html", {"exception": problem}, status=400)
