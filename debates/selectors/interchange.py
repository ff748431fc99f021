"""A debate's map as plain data for the export formats (debates/formats/mapdoc.py).

What is exported is what a reader of the map sees: published, undeleted claims on a live
path (nothing under a deleted or unpublished claim), the cross-links between them, and their
published evidence with the quoted passages (each cited source exported as the passages the
map quotes, in the order they stand in the source). Four queries whatever the map's size or
depth; the tree is walked with a queue, never recursion, so a map 1,000 levels deep exports.
"""

from __future__ import annotations

from collections import defaultdict

from .. import policy
from ..formats import aif, argdown, kialo
from ..formats.mapdoc import MapClaim, MapDoc, MapEvidence, MapLink, MapPassage, MapSource
from ..models import Claim, ClaimLink, Debate, Evidence

# The formats a map can be exported as: name → (writer, file extension, media type).
WRITERS = {
    "kialo": (kialo.write, "txt", "text/plain; charset=utf-8"),
    "aif": (aif.write, "json", "application/json"),
    "argdown": (argdown.write, "argdown", "text/plain; charset=utf-8"),
}


def _key(pk: int) -> str:
    return f"c{pk}"


def map_document(*, debate: Debate, viewer, claim: Claim | None = None) -> MapDoc:
    """`debate`'s map (or the subtree of `claim`, its top keeping its relation) as a MapDoc,
    as `viewer` may read it (None: the console, which reads what any member reads)."""
    rows = Claim.objects.filter(debate=debate).published()
    if viewer is not None and not policy.can_moderate(viewer, debate):
        rows = rows.filter(policy.withheld_q(viewer, debate=debate))
    children: dict[int | None, list[Claim]] = defaultdict(list)
    for row in rows.order_by("order", "pk").only(
        "pk", "parent_id", "kind", "relation", "text", "order"
    ):
        children[row.parent_id].append(row)
    if claim is None:
        ordered = [c for c in children[None] if c.kind == Claim.Kind.ISSUE]
    else:
        top = next((c for c in children[claim.parent_id] if c.pk == claim.pk), None)
        ordered = [top] if top is not None else []
    for node in ordered:  # grows as it goes: breadth-first, parents before children
        ordered.extend(children.get(node.pk, ()))
    kept = {c.pk for c in ordered}
    top_pk = ordered[0].pk if ordered else None
    doc = MapDoc(
        title=(claim.text if claim is not None else debate.title),
        description=debate.description if claim is None else "",
        format="crux",
        meta={"debate": debate.slug},
    )
    for row in ordered:
        doc.claims.append(
            MapClaim(
                key=_key(row.pk),
                text=row.text,
                kind=row.kind,
                parent=None if row.pk == top_pk or row.parent_id is None else _key(row.parent_id),
                relation=row.relation,
            )
        )
    for link in ClaimLink.objects.filter(debate=debate).order_by("parent_id", "order", "pk"):
        if link.claim_id in kept and link.parent_id in kept:
            doc.links.append(
                MapLink(
                    claim=_key(link.claim_id), parent=_key(link.parent_id), relation=link.relation
                )
            )
    evidence = (
        Evidence.objects.filter(
            claim__debate=debate, status=Evidence.Status.PUBLISHED, deleted_at__isnull=True
        )
        .select_related("passage__anchor", "passage__source")
        .order_by("pk")
    )
    sources: dict[int, MapSource] = {}
    spans: dict[int, dict[int, tuple[int, MapPassage]]] = defaultdict(dict)
    for item in evidence:
        if item.claim_id not in kept:
            continue
        passage = item.passage
        source = passage.source
        if source.pk not in sources:
            sources[source.pk] = MapSource(
                key=f"s{source.pk}", title=source.title, text="", url=source.url
            )
        spans[source.pk].setdefault(
            passage.pk,
            (
                passage.anchor.start,
                MapPassage(key=f"p{passage.pk}", exact=passage.anchor.exact, label=passage.label),
            ),
        )
        doc.evidence.append(
            MapEvidence(
                claim=_key(item.claim_id),
                passage=f"p{passage.pk}",
                relation=item.relation,
                note=item.note,
            )
        )
    for pk, cited in sources.items():
        cited.passages = [p for _, p in sorted(spans[pk].values(), key=lambda s: s[0])]
        cited.text = "\n\n".join(p.exact for p in cited.passages)
        doc.sources.append(cited)
    return doc


def export_text(*, format: str, debate: Debate, viewer, claim: Claim | None = None) -> str:
    """`debate`'s map (or `claim`'s subtree) written in `format` (a key of WRITERS)."""
    writer = WRITERS[format][0]
    return writer(map_document(debate=debate, viewer=viewer, claim=claim))


def backup_text(debate: Debate) -> str:
    """The whole debate as a Crux backup document (debates/formats/backup.py)."""
    from ..formats import backup
    from .exports import debate_backup

    return backup.write(debate_backup(debate))


def export_filename(debate: Debate, format: str, claim: Claim | None = None) -> str:
    """The download's file name: the debate's address, the claim, the format's extension."""
    extension = WRITERS[format][1] if format in WRITERS else "json"
    suffix = f"-claim-{claim.pk}" if claim is not None else ""
    kind = "backup" if format == "backup" else format
    name = f"{debate.slug[:80]}{suffix}"
    return f"{name}.{extension}" if kind == extension else f"{name}.{kind}.{extension}"


EXPORTS = (*WRITERS, "backup")


def export_file(
    *, debate: Debate, viewer, kind: str, claim: str | None = None
) -> tuple[str, str, str]:
    """What a download of `debate` as `kind` holds, as (text, media type, file name), for
    `viewer` (who may read the debate): the map, or with `claim` (an id, as given in a
    query string) that claim's subtree; a backup for its owner and site staff only.
    Raises Http404 (no such format or claim), PermissionDenied, or ValidationError (a
    claim id that is not a number, or a backup of one claim)."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404

    if kind not in EXPORTS:
        raise Http404(f"Crux exports {', '.join(EXPORTS)}, not “{kind}”.")
    top = None
    if claim:
        try:
            number = int(claim)
        except ValueError:
            raise ValidationError("A claim id is a number.") from None
        top = Claim.objects.published().filter(debate=debate, pk=number).first()
        if top is None or not policy.can_open_claim(viewer, top, debate):
            raise Http404("No such claim.")
    if kind == "backup":
        if top is not None:
            raise ValidationError("A backup holds the whole debate.")
        if not policy.can_manage_debate(viewer, debate):
            raise PermissionDenied("Only this debate's owner and site staff can back it up.")
        text, media = backup_text(debate), "application/json"
    else:
        text = export_text(format=kind, debate=debate, viewer=viewer, claim=top)
        media = WRITERS[kind][2]
    return text, media, export_filename(debate, kind, top)
