"""OpenAPI helpers: the error document, and `doc` for a description with examples."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers


class _ErrorBody(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ErrorSerializer(serializers.Serializer):
    """Every error the API answers, whatever its status."""

    error = _ErrorBody()


ERROR_EXAMPLES = {
    400: {"status": 400, "code": "invalid", "message": "A claim needs some text."},
    401: {
        "status": 401,
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
    },  # fmt: skip
    403: {
        "status": 403,
        "code": "permission_denied",
        "message": "You cannot add claims to this debate.",
    },  # fmt: skip
    404: {"status": 404, "code": "not_found", "message": "No such debate."},
    409: {
        "status": 409,
        "code": "edit_conflict",
        "current_version": 3,
        "message": "“Rivers flood” was changed (now version 3) since you loaded version 2.",
    },
    429: {
        "status": 429,
        "code": "throttled",
        "message": "Request was throttled. Expected available in 12 seconds.",
    },  # fmt: skip
}
_ERROR_TEXT = {
    400: "The request is not valid; `message` says why and `fields` which fields.",
    401: "Sign in: send `Authorization: Token <key>` (see /api/v1/auth/token/).",
    403: "The policy refuses this to you.",
    404: "Nothing there that you may see.",
    409: "Someone saved a newer version; load it again (the error carries `current_version`).",
    429: "Too many requests; wait `Retry-After` seconds.",
}


def error(status: int) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=_ERROR_TEXT[status],
        examples=[
            OpenApiExample(
                f"Error {status}",
                value={"error": ERROR_EXAMPLES[status]},
                status_codes=[str(status)],
                response_only=True,
            )  # fmt: skip
        ],
    )


def example(name: str, value, *, request: bool = False, status: int = 200) -> OpenApiExample:
    if request:
        return OpenApiExample(name, value=value, request_only=True)
    return OpenApiExample(name, value=value, response_only=True, status_codes=[str(status)])


def page_of(items: list) -> dict:
    return {"next": "https://crux.example/api/v1/…?cursor=cD0xMjM%3D", "previous": None,
            "results": items}  # fmt: skip


def doc(
    summary: str,
    description: str,
    *,
    request=None,
    responses: dict | None = None,
    errors: tuple[int, ...] = (),
    examples: list | None = None,
    **kwargs,
):
    """`extend_schema` with the error responses named in `errors`, and those any request
    may meet: 400 (a malformed body, filter or cursor), 401 (a wrong token), 429."""
    answered = dict(responses or {})
    for status in sorted({*errors, 400, 401, 429}):
        answered.setdefault(status, error(status))
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses=answered,
        examples=examples or [],
        **kwargs,
    )
