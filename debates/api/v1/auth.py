"""Getting a token: `POST /api/v1/auth/token/` with a username and password."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services as accounts_services

from . import serializers as s
from .base import TokenThrottle, valid
from .docs import doc, example


class TokenView(APIView):
    """Exchange a username and password for the person's API token (the same token each
    time). Throttled per client address, and django-axes locks a username out after too
    many wrong passwords, as on the login page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @doc(
        "Get an API token",
        "Send your username and password; use the token as `Authorization: Token <key>` on "
        "every other request. No session, no CSRF token needed.",
        request=s.TokenRequestSerializer,
        responses={200: s.TokenSerializer},
        errors=(400,),
        examples=[
            example("Credentials", {"username": "student", "password": "…"}, request=True),
            example("Token", {"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"}),
        ],
        auth=[],
    )
    def post(self, request):
        data = valid(s.TokenRequestSerializer, request)
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise ValidationError("Wrong username or password.")
        return Response({"token": accounts_services.api_token(actor=user)})
