"""Debates: the list visible to me, one debate, create, settings; its map as a tree; its
members."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ... import policy, selectors, services
from ...models import Membership, Source
from ...selectors import lists
from . import serializers as s
from .base import ViewSet, valid
from .docs import doc, example, page_of
from .filters import DebateFilter, MembershipFilter

SLUG = "[-a-zA-Z0-9_]+"

DEBATE_EXAMPLE = {
    "slug": "rivers",
    "title": "Should rivers have legal rights?",
    "description": "A class debate on environmental personhood.",
    "visibility": "public",
    "contribution_mode": "reviewed",
    "owner": {"username": "teacher", "name": "Ms Teacher"},
    "url": "https://crux.example/debates/rivers/",
    "created_at": "2026-01-12T09:30:00Z",
    "updated_at": "2026-01-14T16:02:11Z",
}
DETAIL_EXAMPLE = {**DEBATE_EXAMPLE, "role": "moderator", "sources": [3]}
TREE_EXAMPLE = {
    "debate": "rivers",
    "claim_count": 3,
    "issues": [
        {
            "id": 1, "kind": "issue", "relation": "", "text": "Should rivers have rights?",
            "status": "published", "evidence_count": 0, "links": [],
            "children": [
                {"id": 2, "kind": "position", "relation": "answers", "text": "Yes.",
                 "status": "published", "evidence_count": 1, "links": [],
                 "children": [
                     {"id": 3, "kind": "argument", "relation": "supports",
                      "text": "Rivers sustain whole communities.", "status": "published",
                      "evidence_count": 0, "links": [], "children": []},
                 ]},
            ],
        }
    ],
}  # fmt: skip
MEMBER_EXAMPLE = {
    "user_id": 7,
    "user": {"username": "student", "name": "student"},
    "role": "contributor",
    "created_at": "2026-01-12T09:31:00Z",
}


def tree_document(debate, top) -> dict:
    return {
        "debate": debate.slug,
        "claim_count": _count(top),
        "issues": [s.tree_node(node) for node in top],
    }


def _count(nodes) -> int:
    return sum(1 + _count(node.children) for node in nodes)


class DebateViewSet(mixins.ListModelMixin, ViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG
    serializer_class = s.DebateSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = DebateFilter

    def get_queryset(self):
        if self.action == "members":  # the filters' model, for the schema
            return Membership.objects.none()
        return lists.listed_debates(viewer=self.request.user)

    def get_object(self):
        return self.debate_from_url()

    def _detail(self, debate, status_code=status.HTTP_200_OK):
        role = policy.role_in(self.request.user, debate)
        context = {**self.get_serializer_context(), "role": role}
        return Response(s.DebateDetailSerializer(debate, context=context).data, status=status_code)

    @doc(
        "List debates",
        "Public debates and those you own or belong to, in the order they were made. "
        "Unlisted and private debates of others are reached by their slug only.",
        responses={200: s.DebateSerializer(many=True)},
        errors=(400,),
        examples=[example("A page of debates", page_of([DEBATE_EXAMPLE]))],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @doc(
        "Read a debate",
        "A debate you may see, with your role in it (null: none).",
        responses={200: s.DebateDetailSerializer},
        errors=(404,),
        examples=[example("A debate", DETAIL_EXAMPLE)],
    )
    def retrieve(self, request, slug=None):
        return self._detail(self.get_object())

    @doc(
        "Create a debate",
        "A new debate owned by you. The slug is made from the title unless given; `sources` "
        "are ids of sources you may read, grounding the debate.",
        request=s.DebateCreateSerializer,
        responses={201: s.DebateDetailSerializer},
        errors=(400, 401),
        examples=[
            example(
                "New debate",
                {
                    "title": "Should rivers have legal rights?",
                    "visibility": "public",
                    "contribution_mode": "reviewed",
                },
                request=True,
            ),  # fmt: skip
            example("Created", DETAIL_EXAMPLE | {"role": "owner"}, status=201),
        ],
    )
    def create(self, request):
        data = valid(s.DebateCreateSerializer, request)
        wanted = data.pop("sources")
        sources = list(Source.objects.filter(pk__in=wanted))
        missing = sorted(set(wanted) - {source.pk for source in sources})
        if missing:
            raise ValidationError({"sources": [f"No such source: {missing[0]}."]})
        debate = services.debate_create(actor=request.user, sources=sources, **data)
        return self._detail(debate, status.HTTP_201_CREATED)

    @doc(
        "Change a debate's settings",
        "Title, description, visibility and contribution mode: the owner (and site staff). "
        "Fields left out stay as they are; `reason` goes to the audit log.",
        request=s.DebateUpdateSerializer,
        responses={200: s.DebateDetailSerializer},
        errors=(400, 401, 403, 404),
        examples=[
            example("Open the debate", {"contribution_mode": "open"}, request=True),
            example("Saved", DETAIL_EXAMPLE | {"contribution_mode": "open", "role": "owner"}),
        ],
    )
    def partial_update(self, request, slug=None):
        debate = self.get_object()
        data = valid(s.DebateUpdateSerializer, request)
        reason = data.pop("reason")
        services.debate_update(debate=debate, actor=request.user, reason=reason, **data)
        return self._detail(debate)

    @doc(
        "A debate's map as a tree",
        "Every claim on your map of the debate, nested under the issues (what the map page "
        "draws: proposals for moderators and their authors, published claims for everyone "
        "else). `links` are claims cross-linked under a node.",
        responses={200: s.TreeSerializer},
        errors=(404,),
        examples=[example("A small map", TREE_EXAMPLE)],
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def tree(self, request, slug=None):
        debate = self.get_object()
        found = selectors.debate_map(debate=debate, viewer=request.user)
        return Response(tree_document(debate, found.issues))

    @doc(
        "List a debate's members",
        "Members and their roles, for the debate's owner (as its settings page).",
        responses={200: s.MembershipSerializer(many=True)},
        errors=(401, 403, 404),
        examples=[example("Members", page_of([MEMBER_EXAMPLE]))],
        filters=True,
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=s.MembershipSerializer,
        filterset_class=MembershipFilter,
    )
    def members(self, request, slug=None):
        debate = self.get_object()
        if not policy.can_manage_debate(request.user, debate):
            raise PermissionDenied("Only the debate's owner can see and change its members.")
        rows = self.filter_queryset(lists.debate_members(debate=debate))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.MembershipSerializer(page, many=True).data)

    @doc(
        "Add a member or change a role",
        "Give someone (by username) a role in the debate: moderator, contributor, viewer or "
        "reader. The owner's own role is fixed.",
        request=s.MemberSetSerializer,
        responses={200: s.MembershipSerializer},
        errors=(400, 401, 403, 404),
        examples=[
            example(
                "Make a contributor", {"username": "student", "role": "contributor"}, request=True
            ),  # fmt: skip
            example("Saved", MEMBER_EXAMPLE),
        ],
    )
    @members.mapping.post
    def member_set(self, request, slug=None):
        debate = self.get_object()
        data = valid(s.MemberSetSerializer, request)
        user = get_user_model().objects.filter(username=data["username"]).first()
        if user is None:
            raise ValidationError({"username": ["No one has that username."]})
        membership = services.member_set(
            debate=debate, actor=request.user, user=user, role=data["role"]
        )
        membership = lists.debate_members(debate=debate).get(pk=membership.pk)
        return Response(s.MembershipSerializer(membership).data)

    @doc(
        "Remove a member",
        "Take someone's role in the debate away (the owner).",
        request=None,
        responses={204: None},
        errors=(400, 401, 403, 404),
        parameters=[OpenApiParameter("user_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<user_id>[0-9]+)")
    def member_remove(self, request, slug=None, user_id=None):
        debate = self.get_object()
        membership = get_object_or_404(
            Membership.objects.select_related("user"), debate=debate, user_id=user_id
        )
        services.member_remove(debate=debate, actor=request.user, user=membership.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
