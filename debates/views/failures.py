"""The page for an unhandled error: a database that cannot be reached answers 503 with
Retry-After (it is restarting or failing over, and the next try may well work); anything
else is Django's plain 500 page."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    message = "The database cannot be reached just now; try again in a few seconds."
    if "json" in request.headers.get("Accept", "") or "json" in (request.content_type or ""):
        response: HttpResponse = JsonResponse({"error": message}, status=503)
    else:
        # No request context: the context processors would ask the database again.
        response = HttpResponseServerError(loader.get_template("503.html").render())
        response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
