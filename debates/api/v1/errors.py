"""The API's one error shape, for every error a view, a service or DRF raises:

    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"text": ["…"]}}}

`fields` is there only when the error names fields. Domain errors (debates/errors.py and
Django's ValidationError, PermissionDenied, Http404) answer as they do on the pages; a
throttled request answers 429 with `Retry-After`.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ... import errors

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


def body(status_code: int, message: str, *, code: str = "", fields: dict | None = None) -> dict:
    """The error document (also used by the write throttle's middleware for /api/v1/)."""
    error: dict = {
        "status": status_code,
        "code": code or CODES.get(status_code, "error"),
        "message": message,
    }
    if fields:
        error["fields"] = fields
    return {"error": error}


def _text(detail) -> str:
    if isinstance(detail, list | tuple):
        return " ".join(_text(item) for item in detail)
    if isinstance(detail, dict):
        return " ".join(f"{key}: {_text(value)}" for key, value in detail.items())
    return str(detail)


def _fields(detail) -> dict:
    """A DRF validation detail as {field: [messages]} (nested fields joined by dots)."""
    found: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and not all(isinstance(item, str) for item in value):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            items = value if isinstance(value, list) else [value]
            found.setdefault(prefix or "non_field_errors", []).extend(str(i) for i in items)

    walk("", detail)
    return found


def _domain(exc: BaseException) -> Response | None:
    """Django's and the app's own errors, as the pages answer them."""
    status_code = errors.status_for(exc)
    if status_code is None:
        return None
    fields = None
    if isinstance(exc, DjangoValidationError) and hasattr(exc, "error_dict"):
        fields = {name: list(messages) for name, messages in exc.message_dict.items()}
        fields = {("non_field_errors" if k == "__all__" else k): v for k, v in fields.items()}
    messages = errors.messages_of(exc)
    if isinstance(exc, Http404 | ObjectDoesNotExist) and not messages:
        messages = ["Not found."]
    if isinstance(exc, DjangoPermissionDenied) and not messages:
        messages = ["You do not have permission to do this."]
    code = ""
    if isinstance(exc, errors.EditConflict):
        code = "edit_conflict"
    data = body(status_code, " ".join(messages), code=code, fields=fields)
    if isinstance(exc, errors.EditConflict):
        data["error"]["current_version"] = exc.claim.version
    headers = {}
    if isinstance(exc, errors.RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    return Response(data, status=status_code, headers=headers)


def handle(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error in `body`'s shape."""
    response = _domain(exc)
    if response is not None:
        request = context.get("request")
        user = getattr(request, "user", None)
        if response.status_code == 403 and not (user and user.is_authenticated):
            # The policy refused someone signed out: signing in is what they can do.
            response.status_code = 401
            response.data["error"].update(status=401, code="not_authenticated")
            response["WWW-Authenticate"] = "Token"
        return response
    response = exception_handler(exc, context)  # DRF's: 401/403/404/405/429, headers
    if response is None:
        return None  # an unexpected error: Django's 500
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        if list(fields) == ["non_field_errors"]:
            message = " ".join(fields["non_field_errors"])
        else:
            message = "Some fields are not valid: " + "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in fields.items()
            )
        response.data = body(response.status_code, message, fields=fields)
        return response
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else ""
        message = _text(exc.detail)
        if isinstance(exc, exceptions.Throttled):
            code = "throttled"
            wait = exc.wait
            if wait is not None:
                response["Retry-After"] = str(max(1, int(-(-wait // 1))))
        response.data = body(response.status_code, message, code=code)
        return response
    return response


def not_found(request, exception):
    """handler404: a URL under /api/ that names nothing answers in the API's shape; the
    pages keep Django's 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse(body(404, "No such endpoint; see /api/docs/."), status=404)
    return defaults.page_not_found(request, exception)
