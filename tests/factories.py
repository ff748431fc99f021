"""factory-boy factories for Crux's models, plus a builder for maps of any size."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from debates import policy, services
from debates.models import Claim, Debate, Evidence, Membership, Passage, Source
from debates.services.claims import _claim_insert
from debates.services.evidence import _evidence_insert

# The scraped style puts a whole section on one line, so lines here are long.
ARTICLE = """A Test Article

The first paragraph says that rivers shape the towns that grow beside them. It also says more.

Rivers and trade - Towns on rivers traded more than inland towns. Barges carried grain cheaply.

Floods - Floods destroyed harbours every few decades - Costs: Rebuilding cost a fortune. - Benefits: Floods left fertile soil behind.
"""  # noqa: E501


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.LazyAttribute(lambda o: o.username.capitalize())
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory-boy's signature
        if create:
            obj.save()


def source_factory(
    text: str = ARTICLE, created_by=None, visibility: str = Source.Visibility.PUBLIC, **kwargs
):
    """An imported source; public unless asked otherwise, so the suite's readers may open it
    (a real import is private by default)."""
    return services.source_import(
        actor=created_by or policy.CONSOLE, text=text, visibility=visibility, **kwargs
    )


def make_claim(**fields) -> Claim:
    """A claim row as given (any status), without asking the policy: for arranging tests."""
    return _claim_insert(**fields)


def make_evidence(**fields) -> Evidence:
    """An evidence row as given (any status), without asking the policy."""
    return _evidence_insert(**fields)


class DebateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debate
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Debate {n}")
    slug = factory.Sequence(lambda n: f"debate-{n}")
    owner = factory.SubFactory(UserFactory)
    visibility = Debate.Visibility.PUBLIC
    contribution_mode = Debate.Mode.REVIEWED

    @factory.post_generation
    def owner_membership(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            Membership.objects.get_or_create(
                user=obj.owner, debate=obj, defaults={"role": Membership.Role.OWNER}
            )


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    debate = factory.SubFactory(DebateFactory)
    kind = Claim.Kind.ISSUE
    relation = ""
    text = factory.Sequence(lambda n: f"Claim number {n}")
    author = factory.LazyAttribute(lambda o: o.debate.owner)
    status = Claim.Status.PUBLISHED


def build_map(debate: Debate, size: int, passage: Passage | None = None) -> list[Claim]:
    """A published map of `size` claims: issues, positions, then layers of arguments.

    Every argument cites `passage` when given. Uses bulk inserts so 500 claims are quick.
    """
    author = debate.owner
    issues = Claim.objects.bulk_create(
        Claim(debate=debate, kind="issue", text=f"Issue {i}?", author=author, status="published")
        for i in range(max(1, size // 50))
    )
    made = list(issues)
    positions = Claim.objects.bulk_create(
        Claim(
            debate=debate,
            kind="position",
            parent=issues[i % len(issues)],
            relation="answers",
            text=f"Position {i}",
            author=author,
            status="published",
            order=i,
        )
        for i in range(min(size - len(made), 2 * len(issues)))
    )
    made += positions
    parents = list(positions)
    while len(made) < size and parents:
        count = min(size - len(made), 2 * len(parents))
        layer = Claim.objects.bulk_create(
            Claim(
                debate=debate,
                kind="argument",
                parent=parents[i % len(parents)],
                relation="supports" if i % 2 == 0 else "opposes",
                text=f"Argument {len(made) + i}",
                author=author,
                status="published",
                order=i,
            )
            for i in range(count)
        )
        made += layer
        parents = layer
    if passage is not None:
        Evidence.objects.bulk_create(
            Evidence(claim=c, passage=passage, author=author, status="published")
            for c in made
            if c.kind == "argument"
        )
    return made


def annotate_quote(source, quote: str, author, **fields):
    """A note on the first occurrence of `quote` in the source's current text."""
    start = source.current_revision.text.index(quote)
    fields.setdefault("visibility", "public")
    return services.annotation_create(
        actor=author, source=source, start=start, end=start + len(quote), **fields
    )
