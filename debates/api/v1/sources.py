"""Sources (with their revisions and passages) and the annotations on them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ... import policy, services
from ...models import Annotation, Debate, Source, SourceRevision
from ...selectors import lists
from . import serializers as s
from .base import ViewSet, valid
from .claims import PASSAGE_EXAMPLE
from .debates import SLUG
from .docs import doc, example, page_of
from .filters import AnnotationFilter

SOURCE_EXAMPLE = {
    "id": 3,
    "title": "Te Awa Tupua (Whanganui River Claims Settlement) Act 2017",
    "author": "New Zealand Parliament",
    "url": "https://www.legislation.govt.nz/act/public/2017/0007/latest/",
    "licence": "Crown copyright, CC BY 4.0",
    "language": "en",
    "visibility": "public",
    "current_revision": 2,
    "revision_count": 2,
    "created_at": "2026-01-10T08:00:00Z",
}
REVISION_EXAMPLE = {
    "number": 2,
    "note": "Corrected section 14.",
    "report": {"kept": 40, "moved": 2, "orphaned": 0},
    "created_at": "2026-01-11T08:00:00Z",
}
ANNOTATION_EXAMPLE = {
    "id": 8,
    "source": 3,
    "start": 812,
    "end": 840,
    "exact": "The river was granted",
    "parent": None,
    "body": "Compare the Ganges ruling.",
    "tags": ["precedent"],
    "motivation": "commenting",
    "visibility": "debate",
    "debate": "rivers",
    "hidden": False,
    "author": {"username": "student", "name": "Sam"},
    "created_at": "2026-01-12T11:00:00Z",
    "updated_at": "2026-01-12T11:00:00Z",
}
SOURCE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="A source's id.")


def _source_or_404(request, pk) -> Source:
    source = get_object_or_404(lists.visible_sources(viewer=request.user), pk=pk)
    if not policy.can_view_source(request.user, source):
        raise Http404("No such source.")
    return source


def _debate_named(request, slug: str | None) -> Debate | None:
    if not slug:
        return None
    debate = Debate.objects.filter(slug=slug).first()
    if debate is None or not policy.can_view_debate(request.user, debate):
        raise ValidationError({"debate": [f"No such debate: {slug}."]})
    return debate


def _note(request, pk) -> Annotation:
    """The live annotation as the viewer may see it (its source's list rules)."""
    found = Annotation.objects.select_related("anchor__source").filter(pk=pk).first()
    if found is None or not policy.can_view_source(request.user, found.anchor.source):
        raise Http404("No such annotation.")
    notes = lists.source_notes(source=found.anchor.source, viewer=request.user).filter(pk=pk)
    note = notes.select_related("anchor__source", "parent__debate").first()
    if note is None:
        raise Http404("No such annotation.")
    return note


class SourceViewSet(mixins.ListModelMixin, ViewSet):
    """/sources/: what you may read."""

    serializer_class = s.SourceSerializer

    def get_queryset(self):
        if self.action == "annotations":  # the filters' model, for the schema
            return Annotation.objects.none()
        return lists.visible_sources(viewer=self.request.user)

    @doc(
        "List sources",
        "The sources you may read: public ones, your imports, and those grounding your debates.",
        responses={200: s.SourceSerializer(many=True)},
        examples=[example("Sources", page_of([SOURCE_EXAMPLE]))],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @doc(
        "Read a source",
        "A source's description; its text is in its revisions.",
        responses={200: s.SourceSerializer},
        parameters=[SOURCE_ID],
        errors=(404,),
        examples=[example("A source", SOURCE_EXAMPLE)],
    )
    def retrieve(self, request, pk=None):
        return Response(s.SourceSerializer(_source_or_404(request, pk)).data)

    @doc(
        "List a source's revisions",
        "Every revision, oldest first, without text; `report` tells how the notes of the "
        "revision before fared.",
        parameters=[SOURCE_ID],
        responses={200: s.RevisionSerializer(many=True)},
        errors=(404,),
        examples=[example("Revisions", page_of([REVISION_EXAMPLE]))],
    )
    @action(detail=True, methods=["get"], serializer_class=s.RevisionSerializer)
    def revisions(self, request, pk=None):
        rows = lists.source_revisions(source=_source_or_404(request, pk))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.RevisionSerializer(page, many=True).data)

    @doc(
        "Read a revision",
        "One revision's plain text and the structure found in it.",
        parameters=[SOURCE_ID, OpenApiParameter("number", int, OpenApiParameter.PATH)],
        responses={200: s.RevisionDetailSerializer},
        errors=(404,),
        examples=[
            example(
                "A revision",
                REVISION_EXAMPLE
                | {
                    "text": "Te Awa Tupua is an indivisible and living whole…",
                    "structure": {"title": "Te Awa Tupua", "sections": []},
                },
            )
        ],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"revisions/(?P<number>[0-9]+)",
        serializer_class=s.RevisionDetailSerializer,
    )
    def revision(self, request, pk=None, number=None):
        source = _source_or_404(request, pk)
        revision = get_object_or_404(SourceRevision, source=source, number=number)
        return Response(s.RevisionDetailSerializer(revision).data)

    @doc(
        "List a source's passages",
        "Its citable passages (paragraphs, headings, list items and selections) in text order.",
        parameters=[SOURCE_ID],
        responses={200: s.PassageSerializer(many=True)},
        errors=(404,),
        examples=[example("Passages", page_of([PASSAGE_EXAMPLE]))],
    )
    @action(detail=True, methods=["get"], serializer_class=s.PassageSerializer)
    def passages(self, request, pk=None):
        rows = lists.source_passages(source=_source_or_404(request, pk))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.PassageSerializer(page, many=True).data)

    @doc(
        "List a source's annotations",
        "The notes on the source you may read (public ones, yours, your debates'), replies "
        "included. Filter by `motivation`, `visibility`, `tag` or `author`.",
        parameters=[SOURCE_ID],
        responses={200: s.AnnotationSerializer(many=True)},
        errors=(400, 404),
        examples=[example("Notes", page_of([ANNOTATION_EXAMPLE]))],
        filters=True,
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=s.AnnotationSerializer,
        filter_backends=[DjangoFilterBackend],
        filterset_class=AnnotationFilter,
    )
    def annotations(self, request, pk=None):
        source = _source_or_404(request, pk)
        rows = self.filter_queryset(lists.source_notes(source=source, viewer=request.user))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.AnnotationSerializer(page, many=True).data)

    @doc(
        "Annotate a source",
        "A note on a span of the source's current revision: `start` and `end`, or the quoted "
        "`exact` text (with both, they must agree). With `parent`, a reply in that note's "
        "thread (only `body` counts). Private unless `visibility` says otherwise; "
        "`debate` names the debate whose members read it.",
        request=s.AnnotationCreateSerializer,
        parameters=[SOURCE_ID],
        responses={201: s.AnnotationSerializer},
        errors=(400, 401, 403, 404),
        examples=[
            example(
                "A note",
                {
                    "exact": "The river was granted",
                    "body": "Compare the Ganges.",
                    "tags": ["precedent"],
                    "visibility": "debate",
                    "debate": "rivers",
                },
                request=True,
            ),  # fmt: skip
            example("A reply", {"parent": 8, "body": "Agreed."}, request=True),
            example("Created", ANNOTATION_EXAMPLE, status=201),
        ],
    )
    @annotations.mapping.post
    def annotate(self, request, pk=None):
        source = _source_or_404(request, pk)
        data = valid(s.AnnotationCreateSerializer, request)
        if data["parent"] is not None:
            parent = Annotation.objects.filter(pk=data["parent"], anchor__source=source).first()
            if parent is None or not policy.can_open_annotation(request.user, parent):
                raise ValidationError({"parent": ["No such annotation on this source."]})
            note = services.annotation_reply(actor=request.user, parent=parent, body=data["body"])
        else:
            start, end = data["start"], data["end"]
            if start is None or end is None:
                if data["exact"] is None:
                    raise ValidationError("Give `start` and `end`, or the `exact` text quoted.")
                revision = source.current_revision
                text = revision.text if revision is not None else ""
                start, end = services.quote_span(text=text, exact=data["exact"])
            note = services.annotation_create(
                actor=request.user,
                source=source,
                start=start,
                end=end,
                exact=data["exact"],
                body=data["body"],
                tags=data["tags"],
                motivation=data["motivation"],
                visibility=data["visibility"],
                debate=_debate_named(request, data["debate"]),
            )
        return Response(
            s.AnnotationSerializer(_note(request, note.pk)).data, status=status.HTTP_201_CREATED
        )


class DebateNoteViewSet(mixins.ListModelMixin, ViewSet):
    """/debates/{slug}/annotations/: the notes written for a debate's members."""

    serializer_class = s.AnnotationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AnnotationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no debate in the URL
            return Annotation.objects.none()
        return lists.debate_notes(debate=self.debate_from_url(), viewer=self.request.user)

    @doc(
        "List a debate's annotations",
        "Notes on the debate's sources written for its members (and public notes naming it) "
        "that you may read.",
        responses={200: s.AnnotationSerializer(many=True)},
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=SLUG)],
        errors=(400, 404),
        examples=[example("Notes", page_of([ANNOTATION_EXAMPLE]))],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


ANNOTATION_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="A note's id.")


class AnnotationViewSet(ViewSet):
    """/annotations/{id}/: one note."""

    serializer_class = s.AnnotationSerializer

    def get_queryset(self):
        return Annotation.objects.none()

    @doc(
        "Read an annotation",
        "A note you may read.",
        responses={200: s.AnnotationSerializer},
        parameters=[ANNOTATION_ID],
        errors=(404,),
        examples=[example("A note", ANNOTATION_EXAMPLE)],
    )
    def retrieve(self, request, pk=None):
        return Response(s.AnnotationSerializer(_note(request, pk)).data)

    @doc(
        "Edit an annotation",
        "Its author changes the body, tags and motivation, and (not for a reply) who reads "
        "it. Tags are replaced by those sent.",
        request=s.AnnotationUpdateSerializer,
        parameters=[ANNOTATION_ID],
        responses={200: s.AnnotationSerializer},
        errors=(400, 401, 403, 404),
        examples=[
            example(
                "New body",
                {"body": "Compare the Ganges ruling of 2017.", "tags": ["precedent"]},
                request=True,
            ),  # fmt: skip
            example("Saved", ANNOTATION_EXAMPLE),
        ],
    )
    def partial_update(self, request, pk=None):
        note = _note(request, pk)
        data = valid(s.AnnotationUpdateSerializer, request)
        debate = _debate_named(request, data["debate"]) if data["debate"] else note.debate
        services.annotation_update(
            actor=request.user,
            annotation=note,
            body=data["body"],
            tags=data["tags"],
            motivation=data["motivation"],
            visibility=data["visibility"],
            debate=debate,
        )
        return Response(s.AnnotationSerializer(_note(request, pk)).data)

    @doc(
        "Delete an annotation",
        "Its author deletes it (softly: moderators can restore it).",
        request=None,
        parameters=[ANNOTATION_ID],
        responses={204: None},
        errors=(401, 403, 404),
    )
    def destroy(self, request, pk=None):
        services.annotation_delete(actor=request.user, annotation=_note(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @doc(
        "Hide or unhide an annotation",
        "A moderator of the note's debate (site staff for other notes) hides it from "
        "readers, or shows it again with `hidden: false`.",
        request=s.HideSerializer,
        parameters=[ANNOTATION_ID],
        responses={200: s.AnnotationSerializer},
        errors=(400, 401, 403, 404),
        examples=[
            example("Hide", {"hidden": True, "reason": "Personal attack."}, request=True),
            example("Hidden", ANNOTATION_EXAMPLE | {"hidden": True}),
        ],
    )
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        note = _note(request, pk)
        data = valid(s.HideSerializer, request)
        done = services.annotation_hide(
            annotation=note, actor=request.user, hidden=data["hidden"], reason=data["reason"]
        )
        return Response(s.AnnotationSerializer(_note(request, done.pk)).data)
