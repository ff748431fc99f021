"""Maps in and out as files: the import pages, an import's progress, and the downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from .. import policy
from ..forms.interchange import IntoMapImportForm, MapImportForm, NewMapImportForm
from ..models import Claim, Debate, ImportJob
from ..selectors import interchange
from ..services import imports
from .maps import _debate_for


def _import(
    request: HttpRequest,
    form: MapImportForm,
    *,
    into: Debate | None = None,
    under: Claim | None = None,
    title: str = "",
    visibility: str = Debate.Visibility.PRIVATE,
) -> HttpResponse | None:
    """Import the form's file now (small) or in the background (big); None and form errors
    when the file cannot be read."""
    try:
        done = imports.map_upload(
            actor=request.user,
            format=form.cleaned_data["format"],
            data=form.cleaned_data["data"],
            filename=form.cleaned_data["filename"],
            title=title,
            visibility=visibility,
            into=into,
            under=under,
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None
    if isinstance(done, ImportJob):
        return redirect("debates:import_job", pk=done.pk)
    count = f"{done.claims:,} claim{'s' if done.claims != 1 else ''}"
    messages.success(request, f"Imported {count} into “{done.debate.title}”.")
    if under is not None:
        return redirect("debates:claim", slug=done.debate.slug, pk=under.pk)
    return redirect(done.debate.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def map_import_new(request: HttpRequest) -> HttpResponse:
    """A new debate from a Kialo, AIF or Argdown file."""
    if not policy.can_create_debate(request.user):
        raise PermissionDenied("Your account cannot start debates.")
    form = NewMapImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        response = _import(
            request,
            form,
            title=form.cleaned_data["title"],
            visibility=form.cleaned_data["visibility"],
        )
        if response is not None:
            return response
    status = 400 if form.errors else 200
    return render(
        request, "debates/import.html", {"form": form, "debate": None, "under": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def map_import_into(request: HttpRequest, slug: str) -> HttpResponse:
    """Claims from a file into this debate, beside its issues or under one claim."""
    debate = _debate_for(request, slug)
    if not policy.can_moderate(request.user, debate):
        raise PermissionDenied("Only this debate's moderators can import claims into it.")
    initial = {"under": request.GET.get("under")} if request.GET.get("under") else {}
    form = IntoMapImportForm(request.POST or None, request.FILES or None, initial=initial)
    under = None
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["under"]
        if number is not None:
            under = Claim.objects.filter(debate=debate, pk=number).select_related("debate").first()
            if under is None:
                form.add_error("under", f"This debate has no claim number {number}.")
        if not form.errors:
            response = _import(request, form, into=debate, under=under)
            if response is not None:
                return response
    status = 400 if form.errors else 200
    context = {
        "form": form,
        "debate": debate,
        "can": {
            "moderate": True,
            "audit": policy.can_view_audit(request.user, debate),
            "manage": policy.can_manage_debate(request.user, debate),
        },
    }
    return render(request, "debates/import.html", context, status=status)


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's progress: the page, and (htmx, every second) its status fragment, which
    sends the browser to the map once the import is done."""
    job = get_object_or_404(ImportJob.objects.select_related("debate", "into"), pk=pk)
    if job.owner_id != request.user.pk and not request.user.is_staff:
        raise Http404("No such import.")
    stalled = imports.job_stalled(job)
    done_url = None
    if job.status == ImportJob.Status.DONE and job.debate is not None:
        done_url = (
            reverse("debates:claim", kwargs={"slug": job.debate.slug, "pk": job.under_id})
            if job.under_id
            else job.debate.get_absolute_url()
        )
    context = {"job": job, "stalled": stalled, "done_url": done_url}
    if request.htmx:
        if done_url is not None:
            messages.success(request, f"Imported {job.claims:,} claims into “{job.debate}”.")
            return HttpResponseClientRedirect(done_url)
        return render(request, "debates/import_job.html#status", context)
    return render(request, "debates/import_job.html", context)


@require_GET
def map_exchange(request: HttpRequest, slug: str) -> HttpResponse:
    """The debate's "Import & export" tab: a download per format, the import for moderators."""
    debate = _debate_for(request, slug)
    user = request.user
    can = {
        "moderate": policy.can_moderate(user, debate),
        "audit": policy.can_view_audit(user, debate),
        "manage": policy.can_manage_debate(user, debate),
    }
    formats = [
        ("kialo", "Kialo", "A Kialo discussion export (flat), to import into Kialo or read."),
        ("aif", "AIF", "Argument Interchange Format JSON, as AIFdb and OVA read it."),
        ("argdown", "Argdown", "Argdown text, to edit or draw with the Argdown tools."),
    ]
    context = {"debate": debate, "can": can, "formats": formats}
    return render(request, "debates/exchange.html", context)


@require_GET
def map_export(request: HttpRequest, slug: str, format: str) -> HttpResponse:
    """The map (or `?claim=<id>`'s subtree) as a download; a backup for its managers."""
    debate = _debate_for(request, slug)
    try:
        text, media, filename = interchange.export_file(
            debate=debate, viewer=request.user, kind=format, claim=request.GET.get("claim")
        )
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from None
    response = HttpResponse(text, content_type=media)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
