"""Maps in and out through the API: import a Kialo, AIF or Argdown file (now, or as a
background job for big files), follow the job, export a map or a subtree in any format."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ... import policy
from ...models import Claim, Debate, ImportJob
from ...selectors import interchange
from ...services import imports
from .base import ApiMixin, valid
from .debates import SLUG
from .docs import doc, example

EXPORTS = list(interchange.EXPORTS)


class ImportSerializer(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=["auto", *EXPORTS],
        default="auto",
        help_text="The file's format; `backup` restores a whole debate (site staff).",
    )
    file = serializers.FileField(required=False, help_text="The file (multipart).")
    text = serializers.CharField(
        required=False, trim_whitespace=False, help_text="Or the file's text (JSON)."
    )
    title = serializers.CharField(required=False, default="", max_length=200)
    visibility = serializers.ChoiceField(
        choices=Debate.Visibility.choices, default=Debate.Visibility.PRIVATE
    )
    into = serializers.RegexField(
        rf"^{SLUG}$", required=False, help_text="Add to this debate (its slug)."
    )
    under = serializers.IntegerField(
        required=False, min_value=1, help_text="Hang the claims under this claim."
    )

    def validate(self, data):
        if ("file" in data) == ("text" in data):
            raise serializers.ValidationError("Send the map as `file` or as `text`, not both.")
        return data


class ImportedSerializer(serializers.Serializer):
    debate = serializers.CharField(help_text="The new or target debate's slug.")
    url = serializers.CharField()
    claims = serializers.IntegerField()


class JobSerializer(serializers.ModelSerializer):
    debate = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "format",
            "filename",
            "status",
            "progress",
            "stage",
            "message",
            "claims",
            "debate",
            "created_at",
            "finished_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, job) -> str:
        return f"/api/v1/imports/{job.pk}/"


IMPORTED = {"debate": "congestion", "url": "/debates/congestion/", "claims": 5}
JOB = {
    "id": 12,
    "format": "kialo",
    "filename": "big.txt",
    "status": "queued",
    "progress": 0,
    "stage": "Waiting for a worker",
    "message": "",
    "claims": 0,
    "debate": None,
    "created_at": "2026-11-29T09:30:00Z",
    "finished_at": None,
    "url": "/api/v1/imports/12/",
}
KIALO_EXAMPLE = "Discussion Title: Congestion?\n\n1. Charge drivers.\n1.1. Pro: Roads are full.\n"


class ImportView(ApiMixin, APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @doc(
        "Import a map",
        "A Kialo discussion export, an AIF JSON file or Argdown, as a new debate you own, or "
        "into a debate you moderate (`into`), beside its issues or under one of its claims "
        "(`under`). Small files are imported at once (201); files over the inline limit "
        "become a background job (202) to follow at its `url`. A file that cannot be read is "
        "a 400 whose message names the line or node, and nothing is written.",
        request=ImportSerializer,
        responses={201: ImportedSerializer, 202: JobSerializer},
        errors=(403, 404),
        examples=[
            example("A Kialo file", {"format": "kialo", "text": KIALO_EXAMPLE}, request=True),
            example("Imported", IMPORTED, status=201),
            example("Queued", JOB, status=202),
        ],
    )
    def post(self, request):
        data = valid(ImportSerializer, request)
        upload = data.get("file")
        content = upload.read() if upload is not None else data["text"]
        filename = upload.name if upload is not None else ""
        into = under = None
        if data.get("under") is not None:
            under = get_object_or_404(Claim.objects.select_related("debate"), pk=data["under"])
            if not policy.can_open_claim(request.user, under, under.debate):
                raise Http404("No such claim.")
            into = under.debate
            if data.get("into") and data["into"] != into.slug:
                raise Http404("No such claim in that debate.")
        elif data.get("into"):
            into = get_object_or_404(Debate, slug=data["into"])
            if not policy.can_view_debate(request.user, into):
                raise Http404("No such debate.")
        done = imports.map_upload(
            actor=request.user,
            format=data["format"],
            data=content,
            filename=filename,
            title=data["title"],
            visibility=data["visibility"],
            into=into,
            under=under,
            restore_backups=True,
        )
        if isinstance(done, ImportJob):
            return Response(JobSerializer(done).data, status=status.HTTP_202_ACCEPTED)
        body = {
            "debate": done.debate.slug,
            "url": done.debate.get_absolute_url(),
            "claims": done.claims,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class JobView(ApiMixin, APIView):
    @doc(
        "Follow an import",
        "The state of one of your background imports: `queued`, `running`, `done` (with the "
        "`debate`) or `failed` (with the `message`, naming the line or node at fault).",
        responses={200: JobSerializer},
        errors=(404,),
        parameters=[OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
        examples=[example("Queued", JOB)],
    )
    def get(self, request, pk: int):
        job = get_object_or_404(ImportJob.objects.select_related("debate"), pk=pk)
        if job.owner_id != request.user.pk and not request.user.is_staff:
            raise Http404("No such import.")
        return Response(JobSerializer(job).data)


class ExportView(ApiMixin, APIView):
    @doc(
        "Export a map",
        "The debate's map as you see it (or the subtree of `claim`) as `kind`: `kialo` "
        "(text), `aif` (JSON), `argdown` (text), or `backup` (the whole debate as JSON; its "
        "owner and site staff only). The body is the file itself.",
        parameters=[
            OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH),
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=EXPORTS,
                description="The format.",
            ),
            OpenApiParameter("claim", OpenApiTypes.INT, description="Only this claim's subtree."),
        ],
        responses={
            (200, "text/plain"): OpenApiTypes.STR,
            (200, "application/json"): OpenApiTypes.OBJECT,
        },
        errors=(403, 404),
        examples=[
            OpenApiExample(
                "Kialo",
                value=KIALO_EXAMPLE,
                response_only=True,
                status_codes=["200"],
                media_type="text/plain",
            ),
            OpenApiExample(
                "AIF",
                value={
                    "nodes": [{"nodeID": "1", "text": "Charge drivers.", "type": "I"}],
                    "edges": [],
                    "locutions": [],
                },  # fmt: skip
                response_only=True,
                status_codes=["200"],
                media_type="application/json",
            ),
        ],
    )
    def get(self, request, slug: str, kind: str):
        debate = get_object_or_404(Debate, slug=slug)
        if not policy.can_view_debate(request.user, debate):
            raise Http404("No such debate.")
        try:
            text, media, filename = interchange.export_file(
                debate=debate,
                viewer=request.user,
                kind=kind,
                claim=request.query_params.get("claim"),
            )
        except ValidationError as error:
            raise serializers.ValidationError({"claim": error.messages}) from None
        response = HttpResponse(text, content_type=media)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
