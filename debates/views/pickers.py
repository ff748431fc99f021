"""The claim picker: a search-as-you-type list of radio buttons (templates/debates/
_claim_picker.html) for citing a passage (claims of the debates grounded in the source,
ranked by likeness to the passage) and for merging a duplicate (claims of its debate, ranked
by likeness to it).

With htmx the search box asks the endpoints below for a new list as one types; without
JavaScript the box belongs to a plain GET form that reloads the page it sits on with `?q=`.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from .. import policy
from ..forms.pickers import Picker
from ..models import Claim, Debate, Source
from ..selectors import pickers

LIKE_CHARS = 2000  # of a long selection, the part the ranking reads
QUERY_CHARS = 200


def query_of(request: HttpRequest) -> str:
    return (request.GET.get("q") or "").strip()[:QUERY_CHARS]


def as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def span_text(source: Source, start, end) -> str:
    """The words of the current revision between `start` and `end`, if that is a span."""
    revision = source.current_revision
    start, end = as_int(start), as_int(end)
    if revision is None or start is None or end is None or not 0 <= start < end:
        return ""
    return revision.text[start : min(end, start + LIKE_CHARS)]


def cite_picker(
    request: HttpRequest,
    source: Source,
    *,
    like: str = "",
    query: str = "",
    selected: int | None = None,
    waiting: bool = False,
    search_form: str = "",
) -> Picker:
    """The cite form's picker. `waiting`: no choices yet, the reader's script asks for them
    once words are selected (so the reader's first render reads no claims)."""
    picks = []
    if not waiting:
        picks = pickers.claim_picks(
            source=source, viewer=request.user, like=like, query=query, keep=selected
        )
    return Picker(
        id="cite-claim",
        name="cite-claim",
        url=reverse("debates:claim_picker", args=[source.pk]),
        picks=picks,
        query=query,
        selected=selected,
        include="#cite-form [name='cite-start'], #cite-form [name='cite-end']",
        waiting=waiting,
        search_form=search_form,
    )


def merge_picker(
    claim: Claim, *, query: str = "", selected: int | None = None, search_form: str = ""
) -> Picker:
    return Picker(
        id=f"merge-{claim.pk}",
        name="target",
        url=reverse("debates:merge_picker", args=[claim.debate.slug, claim.pk]),
        picks=pickers.merge_picks(claim=claim, query=query, keep=selected),
        query=query,
        selected=selected,
        show_debate=False,
        search_form=search_form,
    )


@require_GET
def claim_picker(request: HttpRequest, pk: int) -> HttpResponse:
    """The cite picker's choices for `?q=` and the span `start`/`end` (as the reader's form
    names them, `cite-start`/`cite-end`, or bare). Without htmx: the no-script cite page."""
    source = get_object_or_404(Source.objects.select_related("current_revision"), pk=pk)
    if not policy.can_view_source(request.user, source) or source.current_revision is None:
        raise Http404("No such source.")
    start = request.GET.get("cite-start") or request.GET.get("start")
    end = request.GET.get("cite-end") or request.GET.get("end")
    query = query_of(request)
    if not request.htmx:
        params = {"start": start or "", "end": end or "", "q": query}
        url = reverse("debates:annotation_new", args=[source.pk])
        return redirect(f"{url}?{urlencode(params)}#cite-form")
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    # The claim already chosen (sent by the box, hx-include) stays listed and chosen.
    picker = cite_picker(
        request,
        source,
        like=span_text(source, start, end),
        query=query,
        selected=as_int(request.GET.get("cite-claim")),
    )
    return render(request, "debates/_claim_picker.html#options", {"picker": picker})


@require_GET
def merge_picker_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The merge form's choices for `?q=`: the debate's moderators only."""
    debate = get_object_or_404(Debate, slug=slug)
    if not policy.can_moderate(request.user, debate):
        raise Http404("No such claim.")  # as the queue itself: not a reviewer's, not there
    claim = get_object_or_404(Claim.objects.select_related("debate"), debate=debate, pk=pk)
    query = query_of(request)
    if not request.htmx:
        url = reverse("debates:queue_act", args=[debate.slug, "claim", claim.pk, "merge"])
        return redirect(f"{url}?{urlencode({'q': query})}")
    picker = merge_picker(claim, query=query, selected=as_int(request.GET.get("target")))
    return render(request, "debates/_claim_picker.html#options", {"picker": picker})
