"""Builds the demo: the seed article as a source and its debate map, plus demo users.

Idempotent: users are found or created (their passwords reset to the printed ones), the
source is reused when its text is already stored, and the map is built only once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from debates import policy, services
from debates.models import Claim, Debate, Evidence, Membership, Source, SourceRevision

from . import russia_nk_map as demo_map

SEED_PATH = Path(__file__).with_name("russia-north-korea-relations.txt")


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    password: str
    role: str


# Local demo accounts; the passwords are printed by load_demo, they are not secrets.
DEMO_USERS = (
    DemoUser("teacher", "Ms Teacher", "crux-teacher-demo", Membership.Role.OWNER),
    DemoUser("moderator", "Mo Derator", "crux-moderator-demo", Membership.Role.MODERATOR),
    DemoUser("contributor", "Con Tributor", "crux-contributor-demo", Membership.Role.CONTRIBUTOR),
    DemoUser("student", "Stu Dent", "crux-student-demo", Membership.Role.VIEWER),
)


@dataclass
class DemoResult:
    debate: Debate
    source: Source
    created_map: bool


def ensure_demo_user(username: str, display_name: str, password: str):
    """A demo account (made if missing, its password reset to the printed one); the class
    demo (`classes.demo`) makes its students with it too."""
    user, _ = get_user_model().objects.get_or_create(
        username=username,
        defaults={"display_name": display_name, "email": f"{username}@example.org"},
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def _ensure_users() -> dict[str, object]:
    return {
        spec.username: ensure_demo_user(spec.username, spec.display_name, spec.password)
        for spec in DEMO_USERS
    }


def _ensure_source(owner) -> Source:
    text = SEED_PATH.read_text(encoding="utf-8")
    existing = (
        SourceRevision.objects.filter(text=text.replace("\r\n", "\n"))
        .select_related("source")
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing.source
    return services.source_import(
        actor=owner,
        text=text,
        author="Encyclopedia article (scraped)",
        licence="Demo content",
        visibility=Source.Visibility.PUBLIC,
    )


def _add_arguments(debate, source, parent, arguments, authors, counter) -> None:
    for spec in arguments:
        author = authors[next(counter) % len(authors)]
        claim = services.claim_add(
            actor=author, debate=debate, parent=parent, stance=spec["stance"], text=spec["text"]
        )
        for quote in spec["quotes"]:
            _cite(claim, source, quote, Evidence.Relation.SUPPORTS, author)
        _add_arguments(debate, source, claim, spec.get("arguments", []), authors, counter)


def _cite(claim, source, quote, relation, author) -> None:
    services.evidence_attach(
        actor=author, claim=claim, source=source, quote=quote, relation=relation
    )


def _build_map(debate, source, users) -> None:
    import itertools

    teacher = users["teacher"]
    authors = [users["teacher"], users["moderator"], users["contributor"]]
    counter = itertools.count()
    for issue_spec in demo_map.MAP:
        issue = services.claim_add(actor=teacher, debate=debate, text=issue_spec["text"])
        for quote in issue_spec.get("quotes", []):
            _cite(issue, source, quote, Evidence.Relation.CONTEXT, teacher)
        for position_spec in issue_spec["positions"]:
            position = services.claim_add(
                actor=teacher, debate=debate, parent=issue, text=position_spec["text"]
            )
            for quote in position_spec.get("quotes", []):
                _cite(position, source, quote, Evidence.Relation.SUPPORTS, teacher)
            _add_arguments(debate, source, position, position_spec["arguments"], authors, counter)


# What the moderation queue, audit log and notifications start with: the student (a
# viewer of this reviewed debate) proposes through the same services the pages use.
PENDING_QUOTE = (
    "Moscow treats the Korean peninsula as a strategic space where Washington’s alliances, "
    "Tokyo’s postwar position, and Beijing’s rising power converge."
)
APPROVED_QUOTE = (
    "Moscow argues that influence and restraint on the Korean crisis contribute to regional order."
)


def _add_activity(debate, source, users) -> None:
    student, moderator = users["student"], users["moderator"]
    positions = list(debate.claims.filter(kind=Claim.Kind.POSITION).order_by("order", "pk"))
    text = source.current_revision.text

    def propose(parent, stance, claim_text, quote):
        start = text.index(quote)
        return services.argument_with_evidence_add(
            actor=student,
            parent=parent,
            stance=stance,
            text=claim_text,
            source=source,
            start=start,
            end=start + len(quote),
        )

    approved = propose(
        positions[0],
        "supports",
        "Moscow presents its own restraint as a contribution to order in the region.",
        APPROVED_QUOTE,
    )
    services.claim_approve(claim=approved, actor=moderator)
    rejected = services.claim_add(
        actor=student, debate=debate, parent=positions[1], stance="opposes", text="It is all bad."
    )
    services.claim_reject(
        claim=rejected,
        actor=moderator,
        reason="Too vague to weigh: say what is bad, and cite the passage that shows it.",
    )
    propose(
        positions[-1],
        "supports",
        "For Moscow the peninsula is where the great powers' interests meet.",
        PENDING_QUOTE,
    )
    services.flag_add(
        actor=student,
        reason="unclear",
        note="Which sanctions does this mean?",
        claim=positions[1],
    )


@transaction.atomic
def load_demo() -> DemoResult:
    users = _ensure_users()
    source = _ensure_source(users["teacher"])
    debate = Debate.objects.filter(slug=demo_map.SLUG).first()
    created = debate is None
    if created:
        debate = services.debate_create(
            actor=users["teacher"],
            title=demo_map.TITLE,
            slug=demo_map.SLUG,
            description=demo_map.DESCRIPTION,
            visibility=Debate.Visibility.PUBLIC,
            contribution_mode=Debate.Mode.REVIEWED,
            sources=[source],
        )
    for spec in DEMO_USERS:
        if (
            spec.role != Membership.Role.OWNER
            and policy.role_in(users[spec.username], debate) != spec.role
        ):
            services.member_set(
                actor=users["teacher"], debate=debate, user=users[spec.username], role=spec.role
            )
    if created:
        _build_map(debate, source, users)
        _add_activity(debate, source, users)
    return DemoResult(debate=debate, source=source, created_map=created)
