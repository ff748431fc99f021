"""Copies of a map: a template's claims, evidence and cross-links cloned into new debates.

A teacher keeps a template map and gives each class, group or student a copy of their own.
A copy is an ordinary debate that records where it came from (`Debate.copied_from`) and
shares nothing with the template but its sources: the copied evidence cites the same
passages (sources are shared by reference, never duplicated), while claims, evidence
links and cross-links are new rows, so what is written in one copy never shows in another
copy or in the template.

What is copied is what a reader of the template sees: published, undeleted claims on a live
path (nothing that hangs under a deleted or unpublished claim), their published evidence,
and the cross-links between copied claims. Proposals, rejections, deleted things, pending
edits, flags, notes and the audit log stay with the template.

Authors are kept: a template claim written by the teacher shows as the teacher's in every
copy, and a student's claim approved into the template stays theirs (`keep_authors=False`
makes the person copying the author of everything). Each copied claim, evidence link and
cross-link gets one history record, "copied from …", naming the person who copied, so the
claim pages (history, restore) work on a copy as on any map.

Cost: a fixed number of queries per copy whatever the template's size or depth. The
template is read in three queries; ids for the new rows are reserved up front (a sequence
on PostgreSQL; on SQLite, above the table's high-water mark while this transaction holds
the database's write lock), so parents and children are linked in memory and each table is
written by one INSERT: Django's UNNEST bulk insert on PostgreSQL, one INSERT … SELECT over
a JSON parameter on SQLite (whose bulk_create would split a big map into batches of 999
parameters). Rows go in depth order, parents first, for the database trigger that checks a
claim's parent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import policy
from ..models import AuditEntry, Claim, ClaimLink, Debate, Evidence, Membership
from . import audit
from ._base import person, require, short
from ._bulk import free_slug as _free_slug
from ._bulk import insert_rows as _insert
from ._bulk import insert_with_history as _insert_with_history
from ._bulk import reserve_ids as _reserve_ids
from .debates import _check_title_and_description
from .members import MEMBER_ROLES

Action = AuditEntry.Action
Member = tuple[Any, str]  # (user, role)


# --- reading the template (three queries, shared by every copy) --------------------------


@dataclass
class _Template:
    debate: Debate
    claims: list[Claim] = field(default_factory=list)  # parents before children
    evidence: list[Evidence] = field(default_factory=list)
    links: list[ClaimLink] = field(default_factory=list)
    source_ids: list[int] = field(default_factory=list)


def _read_template(debate: Debate) -> _Template:
    """What a copy of `debate` holds: its published claims on live paths in depth order
    (siblings in their order), their published evidence, the cross-links between them."""
    rows = list(Claim.objects.filter(debate=debate).published().order_by("order", "pk"))
    children: dict[int | None, list[Claim]] = defaultdict(list)
    for claim in rows:
        children[claim.parent_id].append(claim)
    # Breadth-first from the issues: a claim whose parent is not copied (deleted,
    # unpublished, or under such a claim) is not reached, so it is not copied either.
    ordered = [c for c in children[None] if c.kind == Claim.Kind.ISSUE]
    for claim in ordered:  # grows as it goes
        ordered.extend(children.get(claim.pk, ()))
    kept = {c.pk for c in ordered}
    evidence = [
        e
        for e in Evidence.objects.filter(
            claim__debate=debate, status=Evidence.Status.PUBLISHED, deleted_at__isnull=True
        ).order_by("pk")
        if e.claim_id in kept
    ]
    links = [
        link
        for link in ClaimLink.objects.filter(debate=debate).order_by("pk")
        if link.claim_id in kept and link.parent_id in kept
    ]
    source_ids = list(
        Debate.sources.through.objects.filter(debate=debate)
        .order_by("pk")
        .values_list("source_id", flat=True)
    )
    return _Template(debate, ordered, evidence, links, source_ids)


def _check_members(members: Iterable[Member]) -> dict[int, tuple[Any, str]]:
    roles = dict(MEMBER_ROLES)
    chosen: dict[int, tuple[Any, str]] = {}
    for user, role in members:
        if role not in roles:
            raise ValidationError(
                f"“{role}” is not a role you can give; choose one of {', '.join(roles)}."
            )
        if person(user) is None:
            raise ValidationError("Only people with an account can be members of a copy.")
        chosen[user.pk] = (user, role)
    return chosen


def _write_copy(
    template: _Template,
    *,
    actor,
    title: str,
    description: str,
    owner,
    visibility: str,
    contribution_mode: str,
    members: Iterable[Member],
    keep_authors: bool,
) -> Debate:
    title = (title or "").strip()
    if not title:
        raise ValidationError("A copy needs a title.")
    _check_title_and_description({"title": title, "description": description})
    chosen = _check_members(members)
    chosen.pop(owner.pk, None)  # the owner's role is fixed
    slug = _free_slug(title)
    now = timezone.now()
    source = template.debate
    try:
        # A savepoint: a debate created at this address since `_free_slug` looked loses the
        # race with a message instead of a 500.
        with transaction.atomic():
            debate = Debate.objects.create(
                title=title,
                slug=slug,
                description=description,
                owner=owner,
                visibility=visibility,
                contribution_mode=contribution_mode,
                copied_from=source,
                created_at=now,
            )
    except IntegrityError as error:
        raise ValidationError(
            f"A debate at /debates/{slug}/ was created a moment ago; try again.", code="conflict"
        ) from error
    through = Debate.sources.through
    _insert(through, [through(debate=debate, source_id=pk) for pk in template.source_ids])
    _insert(
        Membership,
        [Membership(user=owner, debate=debate, role=Membership.Role.OWNER, created_at=now)]
        + [
            Membership(user=user, debate=debate, role=role, created_at=now)
            for user, role in chosen.values()
        ],
    )
    by = person(actor)
    reason = short(f"copied from “{source.title}”", 100)

    def author(original_id: int | None) -> int | None:
        return original_id if keep_authors or by is None else by.pk

    new_id = dict(
        zip(
            [c.pk for c in template.claims],
            _reserve_ids(Claim, len(template.claims)),
            strict=True,
        )
    )
    claims = [
        Claim(
            pk=new_id[c.pk],
            debate=debate,
            kind=c.kind,
            parent_id=new_id[c.parent_id] if c.parent_id is not None else None,
            relation=c.relation,
            text=c.text,
            author_id=author(c.author_id),
            status=Claim.Status.PUBLISHED,
            order=c.order,
            created_at=now,
        )
        for c in template.claims
    ]
    _insert_with_history(Claim, claims, actor=actor, when=now, reason=reason)
    evidence_ids = _reserve_ids(Evidence, len(template.evidence))
    evidence = [
        Evidence(
            pk=pk,
            claim_id=new_id[e.claim_id],
            passage_id=e.passage_id,
            relation=e.relation,
            note=e.note,
            author_id=author(e.author_id),
            status=Evidence.Status.PUBLISHED,
            created_at=now,
        )
        for pk, e in zip(evidence_ids, template.evidence, strict=True)
    ]
    _insert_with_history(Evidence, evidence, actor=actor, when=now, reason=reason)
    link_ids = _reserve_ids(ClaimLink, len(template.links))
    links = [
        ClaimLink(
            pk=pk,
            debate=debate,
            claim_id=new_id[link.claim_id],
            parent_id=new_id[link.parent_id],
            relation=link.relation,
            author_id=author(link.author_id),
            order=link.order,
            created_at=now,
        )
        for pk, link in zip(link_ids, template.links, strict=True)
    ]
    _insert_with_history(ClaimLink, links, actor=actor, when=now, reason=reason)
    audit.record(
        debate=debate,
        actor=actor,
        action=Action.DEBATE_COPIED,
        summary=(
            f"copied from “{short(source.title, 120)}” (/debates/{source.slug}/): "
            f"{len(claims)} claim{'s' if len(claims) != 1 else ''}, "
            f"{len(evidence)} evidence link{'s' if len(evidence) != 1 else ''}, "
            f"{len(links)} cross-link{'s' if len(links) != 1 else ''}"
        ),
    )
    return debate


def _check_copy(actor, debate: Debate, owner, visibility: str, contribution_mode: str | None):
    require(
        policy.can_copy_debate(actor, debate),
        "Only this map's owner, its moderators and site staff can copy it.",
    )
    owner = owner if owner is not None else person(actor)
    if person(owner) is None:
        raise ValidationError("A copy needs an owner with an account.")
    if visibility not in Debate.Visibility.values:
        raise ValidationError("Choose who may see the copy from the list.")
    mode = contribution_mode or debate.contribution_mode
    if mode not in Debate.Mode.values:
        raise ValidationError("Choose how people contribute to the copy from the list.")
    return owner, mode


@transaction.atomic
def debate_copy(
    *,
    actor,
    debate: Debate,
    title: str,
    description: str | None = None,
    owner=None,
    visibility: str = Debate.Visibility.PRIVATE,
    contribution_mode: str | None = None,
    members: Iterable[Member] = (),
    keep_authors: bool = True,
) -> Debate:
    """A new debate holding a copy of `debate`'s map (see the module's docstring), owned by
    `owner` (default: the actor) with `members` ((user, role) pairs) beside the owner,
    private unless told otherwise, in the template's contribution mode unless told
    otherwise. Only the template's owner, its moderators and staff may copy it."""
    owner, mode = _check_copy(actor, debate, owner, visibility, contribution_mode)
    template = _read_template(debate)
    return _write_copy(
        template,
        actor=actor,
        title=title,
        description=debate.description if description is None else description,
        owner=owner,
        visibility=visibility,
        contribution_mode=mode,
        members=members,
        keep_authors=keep_authors,
    )


@transaction.atomic
def debate_copies(
    *,
    actor,
    debate: Debate,
    titles: Sequence[str],
    members: Sequence[Iterable[Member]] | None = None,
    description: str | None = None,
    owner=None,
    visibility: str = Debate.Visibility.PRIVATE,
    contribution_mode: str | None = None,
    keep_authors: bool = True,
) -> list[Debate]:
    """One copy of `debate` per title (one per class, group or student), all or none:
    `members[i]` are the (user, role) pairs of copy i. The template is read once, and each
    copy costs the same fixed number of queries as `debate_copy`'s writes."""
    if members is not None and len(members) != len(titles):
        raise ValueError("Give one list of members per title.")
    if not titles:
        raise ValidationError("Name at least one copy.")
    owner, mode = _check_copy(actor, debate, owner, visibility, contribution_mode)
    template = _read_template(debate)
    return [
        _write_copy(
            template,
            actor=actor,
            title=title,
            description=debate.description if description is None else description,
            owner=owner,
            visibility=visibility,
            contribution_mode=mode,
            members=members[i] if members is not None else (),
            keep_authors=keep_authors,
        )
        for i, title in enumerate(titles)
    ]
