"""Pages. Thin: find the object (404 when the viewer may not see it), ask a selector or a
service, render. htmx requests get the page's fragment instead of the whole page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from .. import policy, selectors, services
from ..forms import DebateForm, SourceImportForm
from ..models import Claim, Debate, Flag, Source
from ..reader import BlockPassage, Highlight, build_sections, sections_html
from ..selectors import maps as selectors_maps
from ..selectors.discussion import claim_discussion
from ..selectors.reasoning import claim_votes, map_reasoning
from ..selectors.sources import sources_visible_to
from ..selectors.suggestions import evidence_suggestions
from .annotations import reader_forms


def _debate_for(request: HttpRequest, slug: str) -> Debate:
    debate = get_object_or_404(Debate.objects.select_related("owner"), slug=slug)
    if not policy.can_view_debate(request.user, debate):
        # 404, not 403: a private debate's existence is not revealed to outsiders.
        raise Http404("No such debate.")
    return debate


def _claim_for(request: HttpRequest, debate: Debate, pk: int) -> Claim:
    """The claim, or 404 when the viewer may not see it (deleted ones: moderators only) or
    it is someone else's work withheld from them ("see classmates' work after you post"),
    with the same words as when there is no such claim: the loader of every view that opens
    one claim of a debate by its id (editing, discussion, flagging)."""
    claim = Claim.objects.select_related("author", "parent").filter(debate=debate, pk=pk).first()
    if claim is None or not policy.can_open_claim(request.user, claim, debate):
        raise Http404("No such claim.")
    claim.debate = debate
    return claim


def home(request: HttpRequest) -> HttpResponse:
    """The public debates and recent activity; a signed-in person sees their own debates
    ("My debates") where others read the introduction."""
    user = request.user
    return render(
        request,
        "debates/home.html",
        {
            "debates": selectors.public_debates()[:24],
            "activity": selectors.recent_activity(viewer=user),
            "sources": sources_visible_to(user).order_by("-created_at")[:5],
            "mine": selectors.my_debates(user=user) if user.is_authenticated else [],
        },
    )


# A map page draws whole levels of the tree up to about this many claims; deeper replies
# load on demand ("Show 12 replies"), so a map of thousands of claims opens quickly.
MAP_EAGER_NODES = 400
# "Show N replies" draws fewer: a fragment lands in the middle of a page already drawn, two
# or three screens of it are plenty, and its own deeper levels load the same way.
SUBTREE_EAGER_NODES = 100


def map_context(request: HttpRequest, debate: Debate) -> dict:
    """What the map page and its fragments render: the tree and what the viewer may do."""
    user = request.user
    the_map = selectors.debate_map(debate=debate, viewer=user)
    label_nodes(the_map.nodes.values(), map_reasoning(debate=debate, viewer=user, the_map=the_map))
    the_map.limit_depth(MAP_EAGER_NODES)
    return {
        "debate": debate,
        "map": the_map,
        "sources": debate.sources.all(),
        "copied_from": selectors.copy_origin(debate=debate, viewer=user),
        "can": {
            "moderate": policy.can_moderate(user, debate),
            "restructure": policy.can_restructure(user, debate),
            "contribute": policy.contribution_status(user, debate),
            "add_issue": policy.can_add_claim(user, debate),
            "audit": policy.can_view_audit(user, debate),
            "manage": policy.can_manage_debate(user, debate),
            "copy": policy.can_copy_debate(user, debate),
        },
    }


def label_nodes(nodes, reasons) -> None:
    """Give each node's claim its computed label ("stands", "defeated", "undecided")."""
    for node in nodes:
        node.claim.verdict = reasons.label(node.claim.pk)


def render_map_tree(
    request: HttpRequest, debate: Debate, status: int = 200, *, flash: dict | None = None
) -> HttpResponse:
    """The map's tree alone (`#map-tree`), for htmx swaps after an edit or a live update,
    with the header's counts swapped out of band (an added claim changes them).
    `flash` ({"claim_id", "message"}) shows what was just done right under that claim."""
    context = {**map_context(request, debate), "flash": flash}
    response = render(request, "debates/map.html#tree", context, status=status)
    counts = render_to_string("debates/map.html#counts", {**context, "oob": True}, request)
    response.content += counts.encode()
    return response


@require_http_methods(["GET", "HEAD"])
def map_subtree(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One claim of the map with the replies under it, for "Show N replies" on big maps
    (htmx); without htmx, the claim's own page lists its replies."""
    debate = _debate_for(request, slug)
    claim = Claim.objects.select_related("debate").filter(debate=debate, pk=pk).first()
    if claim is None:  # in the same words as a claim off this viewer's map (or withheld)
        raise Http404("No such claim on this map.")
    try:
        level = max(1, int(request.GET.get("level", "1")))
    except ValueError:
        level = 1
    subtree = selectors_maps.claim_subtree(
        claim=claim, viewer=request.user, budget=SUBTREE_EAGER_NODES, root_level=level
    )
    if subtree is None:
        raise Http404("No such claim on this map.")
    if not request.htmx:
        return redirect(claim.get_absolute_url())
    label_nodes(subtree.nodes.values(), map_reasoning(debate=debate, viewer=request.user))
    context = {"debate": debate, "map": subtree, "node": subtree.root, "level": level}
    return render(request, "debates/map.html#node", context)


def debate_map(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _debate_for(request, slug)
    if request.htmx and request.htmx.target == "map-tree":
        return render_map_tree(request, debate)
    return render(request, "debates/map.html", map_context(request, debate))


def claim_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = _debate_for(request, slug)
    claims = Claim.objects.select_related("author", "parent", "debate")
    # A pseudonym instead of the author's name ("anonymous to classmates"), if any.
    shown = policy.shown_author_expression(request.user, debate=debate)
    if shown is not None:
        claims = claims.annotate(shown_author=shown)
    claim = get_object_or_404(claims, debate=debate, pk=pk)
    if not policy.can_view_claim(request.user, claim, debate):
        raise Http404("No such claim.")
    path = selectors_maps.claim_path(claim=claim, viewer=request.user)
    # A claim off the viewer's map (under a deleted, rejected or pending claim they may not
    # see) would show its hidden parent: only moderators, or the author of a rejected or
    # merged claim whose parent is still on the map, open it.
    moderating = policy.can_moderate(request.user, debate)
    if not (path.parent_on_map or moderating):
        raise Http404("No such claim.")
    # Someone else's claim that is off this viewer's map although its parent is on it is
    # withheld from them (policy.withheld_q: "see classmates' work after you post").
    if not (path.on_map or moderating or claim.author_id == request.user.pk):
        raise Http404("No such claim.")
    # The claim's node (its replies, with their counts), when it is on the map.
    replies = (
        selectors_maps.claim_subtree(claim=claim, viewer=request.user, budget=1)
        if path.on_map
        else None
    )
    detail = selectors.claim_detail(claim=claim, viewer=request.user)
    reasons = map_reasoning(debate=debate, viewer=request.user)
    by_impact = request.GET.get("sort") == "impact"
    if replies:
        label_nodes(replies.nodes.values(), reasons)
        for child in replies.root.children:
            child.claim.impact = reasons.impact(child.claim.pk)
        if by_impact:
            # Rated replies first, highest impact first; unrated ones keep the map's order.
            replies.root.children.sort(
                key=lambda n: -n.claim.impact if n.claim.impact is not None else 1
            )
    context = {
        "debate": debate,
        "claim": claim,
        "node": replies.root if replies else None,
        "ancestors": path.ancestors,
        "verdict": reasons.label(claim.pk),
        "why": reasons.why(claim.pk),
        "score": reasons.scores.get(claim.pk),
        "votes": claim_votes(claim=claim, viewer=request.user),
        "can_vote": policy.can_vote(request.user, debate),
        "by_impact": by_impact,
        **detail,
        # Passages that may bear on a claim with no evidence yet: a full-text ranking over
        # the debate's sources, loaded after the page (htmx) so the page stays fast, or in
        # it when asked (`?suggest=1`, the link shown without JavaScript).
        "suggest": not detail["evidence"] and claim.deleted_at is None,
        "suggestions": (
            evidence_suggestions(claim=claim, viewer=request.user)
            if request.GET.get("suggest") == "1"
            and not detail["evidence"]
            and claim.deleted_at is None
            else None
        ),
        "can_attach": policy.can_attach_evidence(request.user, claim, debate),
        "contribution_status": policy.contribution_status(request.user, debate),
        # The discussion (clarifying questions): one query.
        "threads": claim_discussion(claim=claim, viewer=request.user, debate=debate),
        "can_comment": policy.can_comment(request.user, claim, debate),
        "can_hide_comments": policy.can_hide_comment(request.user, debate),
    }
    return render(request, "debates/claim.html", context)


@require_http_methods(["GET"])
def claim_suggestions(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The passages that may bear on a claim (htmx, after the claim's page has loaded)."""
    debate = _debate_for(request, slug)
    claim = get_object_or_404(Claim.objects.select_related("debate"), debate=debate, pk=pk)
    if not policy.can_open_claim(request.user, claim, debate):
        raise Http404("No such claim.")
    if not request.htmx:
        return redirect(f"{claim.get_absolute_url()}?suggest=1#evidence-title")
    if claim.deleted_at is not None or claim.evidence.filter(deleted_at__isnull=True).exists():
        return HttpResponse("")  # grounded already: nothing to suggest (the page says so)
    context = {
        "debate": debate,
        "claim": claim,
        "suggestions": evidence_suggestions(claim=claim, viewer=request.user),
        "can_attach": policy.can_attach_evidence(request.user, claim, debate),
        "contribution_status": policy.contribution_status(request.user, debate),
    }
    return render(request, "debates/_evidence_suggestions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def debate_new(request: HttpRequest) -> HttpResponse:
    form = DebateForm(request.POST if request.method == "POST" else None, user=request.user)
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
    return render(
        request, "debates/debate_new.html", {"form": form}, status=400 if form.errors else 200
    )


def source_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "debates/sources.html",
        {
            "sources": sources_visible_to(request.user)
            .select_related("current_revision")
            .order_by("title")
        },
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
        document = data["document"]
        try:
            source = services.source_import(
                text=document.text,
                title=data["title"] or document.title,
                pages=document.pages,
                author=data["author"],
                url=data["url"],
                licence=data["licence"],
                visibility=data["visibility"],
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
    if not policy.can_view_source(request.user, source):
        raise Http404("No such source.")
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

    def _notes_query(filters: dict, page: int) -> str:
        """The query string of a page of notes, keeping the filters."""
        kept = {k: ("1" if v is True else v) for k, v in filters.items() if v}
        return urlencode({**kept, "notes_page": page})

    try:
        notes_page = max(1, int(request.GET.get("notes_page") or 1))
    except ValueError:
        notes_page = 1
    notes = selectors.source_annotations(
        source=source,
        viewer=viewer,
        page=notes_page,
        per_page=settings.CRUX_READER_NOTES_PAGE,
        **filters,
    )
    if request.htmx and request.htmx.target == "notes-more":
        # "Show more notes": the next threads, swapped in place of the link.
        context = {"source": source, "notes": notes, "filters": filters}
        context["flag_reasons"] = Flag.Reason.choices
        context["more_query"] = notes.next_page and _notes_query(filters, notes.next_page)
        return render(request, "debates/_notes_page.html", context)
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
    # Every matching note's passage is highlighted, loaded on this page or not; one on
    # another page links to that page (each page's query string built once, not per note).
    page_queries = {n: _notes_query(filters, n) for n in {m.page for m in notes.marks}}
    highlights += [
        Highlight(
            mark.start,
            mark.end,
            f"annotation-{mark.pk}",
            f"#note-{mark.pk}"
            if mark.page == notes.page
            else f"?{page_queries[mark.page]}#note-{mark.pk}",
            "note",
            f"Note by {mark.author_name}",
        )
        for mark in notes.marks
    ]
    block_passages = {
        (rp.start, rp.end): BlockPassage(
            rp.passage.pk, rp.cite_count, rp.passage.pk == selected, rp.passage.page
        )
        for rp in data["passages"]
        if rp.passage.kind in ("paragraph", "list_item")
    }
    context = {
        "source": source,
        "revision": revision,
        "cited_count": len(cited),
        "notes": notes,
        "filters": filters,
        "is_filtered": any(filters.values()),
        "more_query": notes.next_page and _notes_query(filters, notes.next_page),
        **data,
    }
    if request.htmx and request.htmx.target == "citations":
        return render(request, "debates/reader.html#citations", context)
    # The text itself, only for the whole page (a click on a cite badge asks for the
    # citations alone).
    sections = build_sections(revision.text, revision.structure, block_passages, highlights)
    annotate_url = (
        reverse("debates:annotation_new", args=[source.pk]) if viewer.is_authenticated else None
    )
    context["sections"] = sections
    context["source_html"] = sections_html(
        sections, page_path=request.path, annotate_url=annotate_url
    )
    if viewer.is_authenticated:
        # The note, highlight and cite forms (views/annotations.py); the cite form's claim
        # picker is filled once words are selected, so no claim is read here.
        context.update(reader_forms(request, source))
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
