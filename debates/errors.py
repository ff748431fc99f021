"""Domain errors and the one table that turns them into HTTP statuses.

Services raise these (and Django's `ValidationError`, `PermissionDenied`, `Http404`); pages
and the API map them to a status with `status_for`, so a refused write answers the same way
wherever it came from.
"""

from __future__ import annotations

import math

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404


class Conflict(Exception):
    """The write lost a race or would repeat what exists: 409."""


class EditConflict(Conflict):
    """Someone saved the claim after the editor loaded it; carries the claim as now saved."""

    def __init__(self, claim, base_version: int):
        self.claim = claim
        self.base_version = base_version
        super().__init__(
            f"“{claim}” was changed (now version {claim.version}) since you loaded version "
            f"{base_version}."
        )


class RateLimited(Exception):
    """Writing faster than CRUX_WRITE_RATE / CRUX_WRITE_BURST allow: 429 with Retry-After."""

    def __init__(self, retry_after: float):
        self.retry_after = max(1, math.ceil(retry_after))  # whole seconds, as Retry-After
        unit = "second" if self.retry_after == 1 else "seconds"
        super().__init__(
            f"You are writing faster than Crux allows; wait {self.retry_after} {unit} "
            "and try again."
        )


STATUS = (
    (ValidationError, 400),
    (PermissionDenied, 403),
    (Http404, 404),
    (ObjectDoesNotExist, 404),
    (Conflict, 409),
    (RateLimited, 429),
)


def status_for(error: BaseException) -> int | None:
    """The HTTP status a domain error answers with, or None for an unexpected error."""
    for kind, status in STATUS:
        if isinstance(error, kind):
            return status
    return None


DOMAIN_ERRORS: tuple[type[BaseException], ...] = tuple(kind for kind, _ in STATUS)
"""Every error `status_for` answers for: what a page catches around a service call."""


def form_status(error: BaseException) -> int | None:
    """The status of a refusal that a page shows beside the form it came from (400, 409);
    None for those that get a page of their own (403, 404) or are not domain errors (500),
    which the page lets Django's handlers answer."""
    status = status_for(error)
    return status if status in (400, 409) else None


def messages_of(error: BaseException) -> list[str]:
    """What to tell the person, as a list of sentences."""
    if isinstance(error, ValidationError):
        return list(error.messages)
    text = str(error)
    return [text] if text else []
