"""Login lockout (django-axes): the page a locked-out person gets, and the test client's way in.

Axes counts failed logins per username and IP address (`AXES_LOCKOUT_PARAMETERS`) and, past
`CRUX_LOGIN_FAILURE_LIMIT` of them, refuses that pair for `CRUX_LOGIN_COOLOFF_MINUTES` —
even the right password — on every page that logs in through `authenticate(request, ...)`:
Crux's login page, the admin's, and the password check of "Change email". Each refused
attempt starts the cool-off again (axes' default, AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT),
so the wait the page announces is the whole cool-off.
"""

from __future__ import annotations

import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 Too Many Requests, with Retry-After when the lock ends by
    itself. (Axes' async middleware passes the credentials second; neither is used.)"""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    if cool_off:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response


class RequestlessTestClientBackend(AxesStandaloneBackend):
    """For the test settings only: Django's test client calls `authenticate()` without a
    request in `client.login()`, which axes refuses (it needs the address). Every web login
    passes its request, so this lets only request-less calls through unchecked; production
    uses `axes.backends.AxesStandaloneBackend`, which raises instead."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
