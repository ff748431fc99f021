"""Pages. Thin: find the object (404 when the viewer may not see it), ask a selector or a
service, render. htmx requests get the page's fragment instead of the whole page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import policy, selectors, services
from ..forms import AnnotationForm, CiteForm, DebateForm, SourceImportForm
from ..models import Claim, Debate, Flag, Source
from ..reader import BlockPassage, Highlight, build_sections


def _debate_for(request: HttpRequest, slug: str) -> Debate:
    debate = get_object_or_404(Debate.objects.select_related("owner"), slug=slug)
    if not policy.can_view_debate(request.user, debate):
        # 404, not 403: a private debate's existence is not revealed to outsiders.
        raise Http404("No such debate.")
    return debate


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "debates/home.html",
        {
            "debates": selectors.public_debates()[:24],
            "activity": selectors.recent_activity(viewer=request.user),
            "sources": Source.objects.order_by("-created_at")[:5],
        },
    )


# A map page draws whole levels of the tree up to about this many claims; deeper replies
# load on demand ("Show 12 replies"), so a map of thousands of claims opens quickly.
MAP_EAGER_NODES = 400


def map_context(request: HttpRequest, debate: Debate) -> dict:
    """What the map page and its fragments render: the tree and what the viewer may do."""
    user = request.user
    the_map = selectors.debate_map(debate=debate, viewer=user)
    the_map.limit_depth(MAP_EAGER_NODES)
    return {
        "debate": debate,
        "map": the_map,
        "sources": debate.sources.all(),
        "can": {
            "moderate": policy.can_moderate(user, debate),
            "restructure": policy.can_restructure(user, debate),
            "contribute": policy.contribution_status(user, debate),
            "add_issue": policy.can_add_claim(user, debate),
            "audit": policy.can_view_audit(user, debate),
            "manage": policy.can_manage_debate(user, debate),
        },
    }


def render_map_tree(
    request: HttpRequest, debate: Debate, status: int = 200, *, flash: dict | None = None
) -> HttpResponse:
    """The map's tree alone (`#map-tree`), for htmx swaps after an edit or a live update.
    `flash` ({"claim_id", "message"}) shows what was just done right under that claim."""
    context = {**map_context(request, debate), "flash": flash}
    return render(request, "debates/map.html#tree", context, status=status)


@require_http_methods(["GET", "HEAD"])
def map_subtree(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One claim of the map with the replies under it, for "Show N replies" on big maps
    (htmx); without htmx, the claim's own page lists its replies."""
    debate = _debate_for(request, slug)
    context = map_context(request, debate)
    node = context["map"].nodes.get(pk)
    if node is None:
        raise Http404("No such claim on this map.")
    if not request.htmx:
        return redirect(node.claim.get_absolute_url())
    try:
        level = max(1, int(request.GET.get("level", "1")))
    except ValueError:
        level = 1
    context["map"].limit_depth(MAP_EAGER_NODES, root=node, root_level=level)
    context.update(node=node, level=level)
    return render(request, "debates/map.html#node", context)


def debate_map(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _debate_for(request, slug)
    if request.htmx and request.htmx.target == "map-tree":
        return render_map_tree(request, debate)
    return render(request, "debates/map.html", map_context(request, debate))


def claim_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = _debate_for(request, slug)
    claim = get_object_or_404(
        Claim.objects.select_related("author", "parent"), debate=debate, pk=pk
    )
    if not policy.can_view_claim(request.user, claim, debate):
        raise Http404("No such claim.")
    the_map = selectors.debate_map(debate=debate, viewer=request.user)
    node = the_map.nodes.get(claim.pk)
    # A claim off the viewer's map (under a deleted, rejected or pending claim they may not
    # see) would show its hidden parent: only moderators, or the author of a rejected or
    # merged claim whose parent is still on the map, open it.
    parent_on_map = claim.parent_id is None or claim.parent_id in the_map.nodes
    if node is None and not (the_map.can_moderate or parent_on_map):
        raise Http404("No such claim.")
    ancestors = []
    parent_id = claim.parent_id
    while parent_id is not None and parent_id in the_map.nodes:
        ancestor = the_map.nodes[parent_id].claim
        ancestors.insert(0, ancestor)
        parent_id = ancestor.parent_id
    detail = selectors.claim_detail(claim=claim, viewer=request.user)
    return render(
        request,
        "debates/claim.html",
        {"debate": debate, "claim": claim, "node": node, "ancestors": ancestors, **detail},
    )


@login_required
@require_http_methods(["GET", "POST"])
def debate_new(request: HttpRequest) -> HttpResponse:
    form = DebateForm(request.POST) if request.method == "POST" else DebateForm()
    if request.method == "POST" and form.is_valid():
        try:
            debate = services.debate_create(
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                visibility=form.cleaned_data["visibility"],
                contribution_mode=form.cleaned_data["contribution_mode"],
                sources=list(form.cleaned_data["sources"]),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{debate.title}” is created. Start it with an issue.")
            return redirect(debate)
    return render(request, "debates/debate_new.html", {"form": form})


def source_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "debates/sources.html",
        {"sources": Source.objects.select_related("current_revision").order_by("title")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_new(request: HttpRequest) -> HttpResponse:
    form = (
        SourceImportForm(request.POST, request.FILES)
        if request.method == "POST"
        else SourceImportForm()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            source = services.source_import(
                text=data["body"],
                title=data["title"],
                author=data["author"],
                url=data["url"],
                licence=data["licence"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Imported “{source.title}”.")
            return redirect(source)
    status = 400 if form.errors else 200
    return render(request, "debates/source_new.html", {"form": form}, status=status)


def source_reader(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.select_related("current_revision"), pk=pk)
    if source.current_revision is None:
        raise Http404("This source has no text yet.")
    try:
        selected = int(request.GET["passage"]) if request.GET.get("passage") else None
    except ValueError:
        selected = None
    viewer = request.user
    data = selectors.source_reader(source=source, viewer=viewer, selected=selected)
    filters = {
        "tag": request.GET.get("tag", ""),
        "author": request.GET.get("author", ""),
        "mine": request.GET.get("mine") == "1",
    }
    notes = selectors.source_annotations(source=source, viewer=viewer, **filters)
    revision = data["revision"]
    base = reverse("debates:source", args=[source.pk])

    cited = [rp for rp in data["passages"] if rp.cite_count]
    highlights = [
        Highlight(
            rp.start,
            rp.end,
            f"passage-{rp.passage.pk}",
            f"{base}?passage={rp.passage.pk}#passage-{rp.passage.pk}",
            "hl",
            f"Cited by {rp.cite_count} claim{'s' if rp.cite_count != 1 else ''}",
            rp.passage.pk == selected,
        )
        for rp in cited
    ]
    highlights += [
        Highlight(
            thread.root.anchor.start,
            thread.root.anchor.end,
            f"annotation-{thread.root.pk}",
            f"#note-{thread.root.pk}",
            "note",
            f"Note by {thread.root.author.public_name}",
        )
        for thread in notes.threads
    ]
    block_passages = {
        (rp.start, rp.end): BlockPassage(rp.passage.pk, rp.cite_count, rp.passage.pk == selected)
        for rp in data["passages"]
        if rp.passage.kind in ("paragraph", "list_item")
    }
    sections = build_sections(revision.text, revision.structure, block_passages, highlights)
    context = {
        "source": source,
        "revision": revision,
        "sections": sections,
        "cited_count": len(cited),
        "notes": notes,
        "filters": filters,
        "is_filtered": any(filters.values()),
        **data,
    }
    if request.htmx and request.htmx.target == "citations":
        return render(request, "debates/reader.html#citations", context)
    if viewer.is_authenticated:
        debates = selectors.annotation_debates(viewer=viewer)
        initial = {"revision": revision.number}
        context["annotation_form"] = AnnotationForm(
            source=source, debates=debates, initial=initial, prefix="note"
        )
        claims = selectors.citable_claims(source=source, viewer=viewer)
        if claims:
            context["cite_form"] = CiteForm(
                source=source, claims=claims, initial=initial, prefix="cite"
            )
        context["flag_reasons"] = Flag.Reason.choices
    # Web Annotation Protocol discovery: this source's annotation container, in a Link header
    # and in the page's <head>.
    annotation_service = request.build_absolute_uri(
        reverse("debates:w3c_container", args=[source.pk])
    )
    context["annotation_service"] = annotation_service
    response = render(request, "debates/reader.html", context)
    service_link = f'<{annotation_service}>; rel="http://www.w3.org/ns/oa#annotationService"'
    response["Link"] = ", ".join(filter(None, [response.get("Link"), service_link]))
    return response
