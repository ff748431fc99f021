"""The W3C Web Annotation Protocol over each source's annotations.

    /sources/<id>/annotations/        the container: GET (paged collection), POST (create)
    /sources/<id>/annotations/<aid>   one annotation: GET, PUT (with If-Match), DELETE

Thin, like the pages: parse with ``formats.w3c``, ask ``policy``, write through ``services``,
serialise with ``formats.w3c``. Readers may be anonymous (they see public annotations); writers
authenticate with a session (and its CSRF token) or ``Authorization: Token <key>``.
Errors are ``{"error": "<field>: <what is wrong>"}``.
"""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Count, F, Max, Q, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import APIException, ParseError, PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from .. import errors, policy, services
from ..formats.w3c import (
    MEDIA_TYPE,
    AnnotationData,
    TextTarget,
    W3CError,
    annotation_from_jsonld,
    annotation_to_jsonld,
    check_json_values,
    collection_to_jsonld,
    page_to_jsonld,
)
from ..models import Annotation, Source

LDP = "http://www.w3.org/ns/ldp#"
CONTAINER_LINKS = (
    f'<{LDP}BasicContainer>; rel="type", '
    f'<http://www.w3.org/TR/annotation-protocol/>; rel="{LDP}constrainedBy"'
)
RESOURCE_LINK = f'<{LDP}Resource>; rel="type"'
# The Crux extension for who may read a new annotation; W3C has no field for it.
VISIBILITY_KEY = "crux:visibility"
VISIBILITIES = (Annotation.Visibility.PRIVATE, Annotation.Visibility.PUBLIC)
_INCLUDE = re.compile(r'include\s*=\s*(?:"([^"]*)"|([^\s;,]+))')


def page_size() -> int:
    return getattr(settings, "CRUX_ANNOTATION_PAGE_SIZE", 50)


class JsonLdRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class GuardedJsonParser(JSONParser):
    """DRF's JSON parser, refusing with a 400 what would otherwise be a 500 later: JSON
    nested deeper than the stack (RecursionError), or too deep, or strings holding NUL or a
    lone surrogate (which PostgreSQL cannot store)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON: nested too deeply") from None
        try:
            check_json_values(data)
        except W3CError as error:
            raise ParseError(str(error)) from None
        return data


class JsonLdParser(GuardedJsonParser):
    media_type = "application/ld+json"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "If-Match: the annotation has changed; GET it again for its current ETag."


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "If-Match: send the annotation's current ETag to change it."


def _errors_as_json(exc, context):
    """DRF's handler (401 with WWW-Authenticate, 404, 405, 415...) with Crux's error shape."""
    if isinstance(exc, W3CError):
        return Response({"error": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    # Domain errors answer as they do on the pages (debates/errors.py); 403 and 404 go on to
    # DRF's handler, which adds WWW-Authenticate where it belongs.
    code = errors.status_for(exc)
    if code in (400, 409):
        return Response({"error": " ".join(errors.messages_of(exc))}, status=code)
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"error": str(response.data["detail"])}
    return response


# --- IRIs and documents ----------------------------------------------------------------------


def _container_iri(request, source_id: int) -> str:
    return request.build_absolute_uri(reverse("debates:w3c_container", args=[source_id]))


def _annotation_iri(request, source_id: int, annotation_id: int) -> str:
    path = reverse("debates:w3c_annotation", args=[source_id, annotation_id])
    return request.build_absolute_uri(path)


def _local_match(request, iri: str | None):
    """The URL match of an IRI on this site (any scheme, this host), or None."""
    if not iri:
        return None
    parts = urlsplit(iri)
    if parts.netloc.lower() != request.get_host().lower():
        return None
    try:
        return resolve(parts.path)
    except Resolver404:
        return None


def _document(request, annotation: Annotation) -> dict:
    """The annotation as JSON-LD; needs anchor, author and debate loaded and tags prefetched."""
    anchor = annotation.anchor
    source_id = anchor.source_id
    reply_to = None
    target = None
    if annotation.parent_id is not None:
        reply_to = _annotation_iri(request, source_id, annotation.parent_id)
    else:
        target = TextTarget(
            source=request.build_absolute_uri(reverse("debates:source", args=[source_id])),
            exact=anchor.exact,
            prefix=anchor.prefix,
            suffix=anchor.suffix,
            start=anchor.start,
            end=anchor.end,
        )
    # A classmate the requester knows under a pseudonym ("anonymous to classmates") is
    # named by it, with an IRI of the source's own that leads to no profile.
    pseudonym = getattr(annotation, "shown_author", None)
    if pseudonym:
        creator_id = _container_iri(request, source_id) + "#" + slugify(pseudonym)
        creator_name = pseudonym
    else:
        creator_id = request.build_absolute_uri(annotation.author.get_absolute_url())
        creator_name = annotation.author.public_name
    audience = None
    if annotation.visibility == Annotation.Visibility.DEBATE and annotation.debate is not None:
        audience = request.build_absolute_uri(annotation.debate.get_absolute_url())
    data = AnnotationData(
        id=_annotation_iri(request, source_id, annotation.pk),
        target=target,
        body=annotation.body,
        tags=tuple(tag.name for tag in annotation.tags.all()),
        motivation=annotation.motivation,
        creator_id=creator_id,
        creator_name=creator_name,
        created=annotation.created_at,
        modified=annotation.updated_at,
        in_reply_to=reply_to,
        audience=audience,
        canonical=annotation.canonical or None,
        via=tuple(annotation.via),
    )
    return annotation_to_jsonld(data, generator=request.build_absolute_uri("/"))


def _etag(document: dict, *salt: object) -> str:
    """A strong ETag: the representation plus anything that changes on every edit."""
    text = json.dumps([document, [str(s) for s in salt]], sort_keys=True, ensure_ascii=False)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def _annotation_etag(document: dict, annotation: Annotation) -> str:
    # updated_at to the microsecond: the document's `modified` is only to the second.
    return _etag(document, annotation.pk, annotation.updated_at.isoformat())


def _tags_listed(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def _not_modified(request, etag: str) -> bool:
    tags = _tags_listed(request.headers.get("If-None-Match", ""))
    # Weak comparison, as RFC 9110 asks for If-None-Match.
    return "*" in tags or etag in [tag.removeprefix("W/") for tag in tags]


def _loaded(queryset):
    return queryset.select_related("anchor", "author", "debate").prefetch_related("tags")


def _as_seen(request, queryset, source_id):
    """`queryset` without the annotations withheld from the requester on the source
    (classes: "see classmates' work only after you post"; a reply goes with its root), each
    with `shown_author`, the pseudonym the requester knows its author by there, if any; all
    in the same query."""
    source = Source(pk=source_id)
    user = request.user
    # A reply goes with its thread's root, as in the reader.
    queryset = queryset.filter(policy.withheld_q(user, source=source)).filter(
        policy.withheld_q(user, source=source, prefix="parent__")
    )
    shown = policy.shown_author_expression(user, source=source)
    return queryset.annotate(
        shown_author=shown if shown is not None else Value(None, output_field=CharField())
    )


# --- views -----------------------------------------------------------------------------------


class _ProtocolView(APIView):
    # Token first: its authenticate_header makes an anonymous write 401 with
    # `WWW-Authenticate: Token` (with session first, DRF answers 403).
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [JsonLdParser, GuardedJsonParser]
    renderer_classes = [JsonLdRenderer, JSONRenderer]
    allow = ""
    vary: tuple[str, ...] = ("Accept", "Authorization")
    # JSON-LD documents, not serializers: left out of the OpenAPI schema (see README).
    schema = None

    def get_exception_handler(self):
        return _errors_as_json

    def options(self, request, *args, **kwargs):
        return Response(status=status.HTTP_200_OK)

    def success_headers(self, response) -> None:
        """Headers every successful response of this resource carries."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Allow"] = self.allow
        patch_vary_headers(response, self.vary)
        if isinstance(response, Response):
            if response.status_code >= 400:
                response.content_type = "application/json"
            elif isinstance(response.accepted_renderer, JsonLdRenderer):
                response.content_type = MEDIA_TYPE
            if response.status_code < 400:
                self.success_headers(response)
        return response

    def source(self, pk: int) -> Source:
        """The source, or 404 when the requester may not read it."""
        source = get_object_or_404(Source.objects.select_related("current_revision"), pk=pk)
        if not policy.can_view_source(self.request.user, source):
            raise Http404("No such source.")
        return source


class AnnotationView(_ProtocolView):
    """One annotation: its IRI is the container's plus its id (no trailing slash)."""

    allow = "GET,PUT,DELETE,HEAD,OPTIONS"

    def success_headers(self, response) -> None:
        response["Link"] = RESOURCE_LINK

    def annotation(self, request, pk: int, aid: int, *, for_update: bool = False) -> Annotation:
        """The live annotation, or 404 when the requester may not see it: its source, and for
        a reply its thread's root, included (a reply of a removed note is gone with it)."""
        annotations = _as_seen(
            request, Annotation.objects.filter(pk=aid, anchor__source_id=pk, deleted_at=None), pk
        )
        if for_update:
            annotations = annotations.select_for_update(of=("self",))
        annotation = _loaded(annotations).select_related("anchor__source", "parent__debate").first()
        if annotation is None or not policy.can_view_annotation(request.user, annotation):
            raise Http404("No such annotation.")
        return annotation

    def get(self, request, pk: int, aid: int):
        annotation = self.annotation(request, pk, aid)
        document = _document(request, annotation)
        etag = _annotation_etag(document, annotation)
        if _not_modified(request, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(document, headers={"ETag": etag})

    def put(self, request, pk: int, aid: int):
        with transaction.atomic():
            annotation = self.editable(request, pk, aid, required=True)
            parsed = annotation_from_jsonld(request.data)
            self.check_unchanged(request, annotation, parsed)
            is_reply = annotation.parent_id is not None
            motivation = parsed.motivation
            if is_reply:
                motivation = Annotation.Motivation.REPLYING
            elif motivation == Annotation.Motivation.REPLYING:
                motivation = Annotation.Motivation.COMMENTING
            visibility = None if is_reply else _visibility(request.data, default=None)
            services.annotation_update(
                actor=request.user,
                annotation=annotation,
                body=parsed.body,
                tags=parsed.tags,
                motivation=motivation,
                visibility=visibility,
                debate=annotation.debate,
            )
        annotation = _loaded(Annotation.objects.filter(pk=annotation.pk)).get()
        document = _document(request, annotation)
        return Response(document, headers={"ETag": _annotation_etag(document, annotation)})

    def delete(self, request, pk: int, aid: int):
        with transaction.atomic():
            annotation = self.editable(request, pk, aid, required=False)
            services.annotation_delete(actor=request.user, annotation=annotation)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def editable(self, request, pk: int, aid: int, *, required: bool) -> Annotation:
        """The annotation if the requester wrote it and If-Match names its current ETag."""
        annotation = self.annotation(request, pk, aid, for_update=True)
        if not policy.can_edit_annotation(request.user, annotation):
            raise PermissionDenied("Only the author of this annotation may change it.")
        if_match = request.headers.get("If-Match")
        if if_match is None:
            if required:
                raise PreconditionRequired()
            return annotation
        etag = _annotation_etag(_document(request, annotation), annotation)
        tags = _tags_listed(if_match)
        if "*" not in tags and etag not in tags:  # strong comparison: W/ tags never match
            raise PreconditionFailed()
        return annotation

    def check_unchanged(self, request, annotation: Annotation, parsed) -> None:
        """PUT edits body, tags and motivation; the id, canonical and the target stay as they
        are (left out, they are kept; `via` is the server's record and is kept as it is)."""
        iri = _annotation_iri(request, annotation.anchor.source_id, annotation.pk)
        if parsed.id is not None and parsed.id != iri:
            raise W3CError(f"id: {parsed.id} is not this annotation ({iri})")
        if parsed.canonical is not None and parsed.canonical != annotation.canonical:
            kept = annotation.canonical or "none"
            raise W3CError(f"canonical: an annotation's canonical IRI cannot change (it is {kept})")
        moved = W3CError(
            "target: an annotation's target cannot be changed; delete it and create a new one"
        )
        if annotation.parent_id is not None:
            match = _local_match(request, parsed.in_reply_to)
            if match is None or match.view_name != "debates:w3c_annotation":
                raise moved
            if match.kwargs.get("aid") != annotation.parent_id:
                raise moved
            return
        anchor = annotation.anchor
        match = _local_match(request, parsed.source)
        if parsed.in_reply_to is not None or match is None:
            raise moved
        if match.view_name != "debates:source" or match.kwargs.get("pk") != anchor.source_id:
            raise moved
        if parsed.exact is not None and parsed.exact != anchor.exact:
            raise moved
        if parsed.start is not None and (parsed.start, parsed.end) != (anchor.start, anchor.end):
            raise moved


class ContainerView(_ProtocolView):
    """A source's annotations as an LDP BasicContainer / AnnotationCollection, paged."""

    allow = "GET,POST,HEAD,OPTIONS"
    vary = ("Accept", "Prefer", "Authorization")

    def success_headers(self, response) -> None:
        if self.request.method == "POST":  # the answer describes the new annotation
            response["Allow"] = AnnotationView.allow
            response["Link"] = RESOURCE_LINK
            return
        if self.request.method in ("GET", "HEAD") and "page" in self.request.GET:
            # A page is not a container (protocol 4.4): no container links, nothing to POST.
            response["Allow"] = "GET,HEAD,OPTIONS"
            return
        response["Link"] = CONTAINER_LINKS
        response["Accept-Post"] = MEDIA_TYPE

    def visible(self, request, source: Source):
        """What the requester may see, live, in document order with each thread together."""
        # The policy keeps a reply only with its thread's root; a deleted root takes its
        # replies out of the container even for those who may restore it.
        thread_live = Q(parent__isnull=True) | Q(parent__deleted_at__isnull=True)
        return (
            _as_seen(
                request,
                Annotation.objects.filter(anchor__source=source, deleted_at__isnull=True),
                source.pk,
            )
            .filter(policy.visible_annotations_q(request.user))
            .filter(thread_live)
            .order_by(
                "anchor__start",
                "anchor__end",
                Coalesce("parent__created_at", "created_at"),
                Coalesce("parent_id", "pk"),
                F("parent_id").asc(nulls_first=True),
                "created_at",
                "pk",
            )
        )

    def get(self, request, pk: int):
        source = self.source(pk)
        annotations = self.visible(request, source)
        stats = annotations.order_by().aggregate(total=Count("pk"), modified=Max("updated_at"))
        total, size = stats["total"], page_size()
        iris, embed = _preferences(request)
        container = _container_iri(request, source.pk)
        # The collection's IRI tells IRIs from descriptions (protocol 4.2); its pages hang off it.
        collection_id = f"{container}?iris=1" if iris else container
        label = f"Annotations on “{source.title}”"
        headers = {}
        if "page" in request.GET:
            page = _page_number(request.GET["page"], total, size)
            items = self.items(request, annotations, page * size, size, iris)
            document = page_to_jsonld(
                collection_id=collection_id,
                page=page,
                page_size=size,
                total=total,
                items=[] if iris else items,
                label=label,
            )
            if iris:
                document["items"] = items
        else:
            first = self.items(request, annotations, 0, size, iris) if embed else None
            document = collection_to_jsonld(
                # The minimal container is another representation, so it has an IRI of its own.
                id=collection_id if embed else _with_query(collection_id, "minimal=1"),
                pages_of=collection_id,
                label=label,
                total=total,
                page_size=size,
                first_items=[] if iris and embed else first,
                modified=stats["modified"],
            )
            if iris and embed:
                document["first"]["items"] = first
            if request.headers.get("Prefer"):
                headers["Preference-Applied"] = "return=representation"
        # Protocol 4.2: the IRI of the representation returned, whatever the request's URL, query
        # or Prefer header: a GET of it with no Prefer header answers this same document.
        headers["Content-Location"] = document["id"]
        etag = _etag(document)
        headers["ETag"] = etag
        if _not_modified(request, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        return Response(document, headers=headers)

    def items(self, request, annotations, offset: int, size: int, iris: bool) -> list:
        window = slice(offset, offset + size)
        if iris:
            ids = annotations.values_list("pk", flat=True)[window]
            return [_annotation_iri(request, self.kwargs["pk"], pk) for pk in ids]
        return [_document(request, a) for a in _loaded(annotations)[window]]

    def post(self, request, pk: int):
        source = self.source(pk)
        if not policy.can_annotate(request.user):
            raise PermissionDenied("Sign in to annotate.")
        data = request.data
        parsed = annotation_from_jsonld(data)
        visibility = (
            _visibility(data, default=Annotation.Visibility.PRIVATE)
            or Annotation.Visibility.PRIVATE
        )
        parent = None
        if parsed.in_reply_to is not None:
            parent = self.parent(request, source, parsed.in_reply_to)
        else:
            self.check_source(request, source, parsed.source)
        annotation = services.annotation_from_w3c(
            actor=request.user,
            source=source,
            parsed=parsed,
            visibility=visibility,
            parent=parent,
        )
        annotation = _loaded(Annotation.objects.filter(pk=annotation.pk)).get()
        document = _document(request, annotation)
        headers = {"Location": document["id"], "ETag": _annotation_etag(document, annotation)}
        return Response(document, status=status.HTTP_201_CREATED, headers=headers)

    def check_source(self, request, source: Source, iri: str | None) -> None:
        match = _local_match(request, iri)
        if match and match.view_name == "debates:source" and match.kwargs.get("pk") == source.pk:
            return
        if source.url and iri == source.url:  # the original the source was copied from
            return
        reader = request.build_absolute_uri(source.get_absolute_url())
        raise W3CError(
            f"target.source: {iri} is not this container's source ({reader}); "
            "post an annotation to the container of the source it targets"
        )

    def parent(self, request, source: Source, iri: str) -> Annotation:
        match = _local_match(request, iri)
        parent = None
        if (
            match
            and match.view_name == "debates:w3c_annotation"
            and match.kwargs["pk"] == source.pk
        ):
            parent = (
                Annotation.objects.select_related("anchor__source", "debate", "parent__debate")
                .filter(pk=match.kwargs["aid"], anchor__source=source, deleted_at=None)
                .first()
            )
        if parent is None or not policy.can_open_annotation(request.user, parent):
            raise W3CError(f"target: {iri} is not an annotation on this source that you can see")
        return parent


def _visibility(data, *, default: str | None) -> str | None:
    value = data.get(VISIBILITY_KEY, default) if isinstance(data, dict) else default
    if value is not default and value not in VISIBILITIES:
        raise W3CError(f'{VISIBILITY_KEY}: expected "public" or "private", got {value!r}')
    return value


def _with_query(iri: str, parameter: str) -> str:
    return f"{iri}{'&' if '?' in iri else '?'}{parameter}"


def _preferences(request) -> tuple[bool, bool]:
    """(items as IRIs, embed the first page) from the Prefer header (4.2.1), or from `?iris=1`
    and `?minimal=1`, the queries of the IRIs those representations are served at."""
    preferred: list[str] = []
    for quoted, bare in _INCLUDE.findall(request.headers.get("Prefer", "")):
        preferred += (quoted or bare).split()
    names = {iri.rsplit("#", 1)[-1] for iri in preferred}
    iris = request.GET.get("iris") == "1" or "PreferContainedIRIs" in names
    if "PreferContainedDescriptions" in names:
        iris = False
    minimal = "PreferMinimalContainer" in names or request.GET.get("minimal") == "1"
    return iris, not minimal


def _page_number(value: str, total: int, size: int) -> int:
    last = max(0, (total - 1) // size)
    try:
        page = int(value)
    except ValueError:
        raise Http404("No such page.") from None
    if not 0 <= page <= last:
        raise Http404(f"No such page: the pages are 0 to {last}.")
    return page
