"""Showing a map to a class: the presentation mode for a projector and the PDF handout.

Thin views: find the debate (404 when the viewer may not see it), ask `selectors.present`,
render. Both show the published map only and never an author's name.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import pdf
from ..selectors import present as selectors_present
from .maps import _debate_for

# A bigger map prints its first levels only: WeasyPrint lays out roughly a hundred claims
# with their quotes a second on one core (1,000 with a quote each: about 10 s), and a
# handout must not hold a worker for long, nor outlast CRUX_REQUEST_TIMEOUT_SECONDS.
HANDOUT_MAX_CLAIMS = 1000


@require_safe
def present(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """One claim (or, without `pk`, the debate's title and issues) in large type, its
    replies below it; every move is a link, which present.js binds to keys."""
    debate = _debate_for(request, slug)
    slide = selectors_present.slide(debate=debate, viewer=request.user, claim_pk=pk)
    if slide is None:
        raise Http404("No such claim on this map.")
    return render(request, "debates/present.html", {"debate": debate, "slide": slide})


@require_safe
def handout_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The map as a printable PDF: sources, the outline with Pro/Con in words, and each
    claim's evidence quoted with its source and section."""
    debate = _debate_for(request, slug)
    missing = pdf.unavailable()
    if missing:
        return HttpResponse(
            f"The PDF handout cannot be made on this server: {missing}. "
            "The map's page prints well from the browser instead.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    limit = getattr(settings, "CRUX_HANDOUT_MAX_CLAIMS", HANDOUT_MAX_CLAIMS)
    handout = selectors_present.handout(debate=debate, viewer=request.user, max_claims=limit)
    html = render_to_string(
        "debates/handout.html",
        {
            "debate": debate,
            "handout": handout,
            "max_claims": limit,
            "site": request.build_absolute_uri("/").rstrip("/"),
            "made_at": timezone.now(),
        },
    )
    response = HttpResponse(pdf.write_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{debate.slug}-handout.pdf"'
    # What the viewer may see of a private map: never a shared cache's.
    response["Cache-Control"] = "private, no-cache"
    return response
