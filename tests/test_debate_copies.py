"""Copies of a map (issue 11, point 3): a template's claims, evidence and cross-links cloned
into new debates that share its sources and nothing else.

Run on SQLite by default; with DATABASE_URL=postgres://… the same tests check the
PostgreSQL path (ids from the sequence, UNNEST inserts, the parent trigger's order).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates import policy, selectors, services
from debates.models import (
    Annotation,
    AuditEntry,
    Claim,
    ClaimLink,
    Debate,
    Evidence,
    Membership,
)
from debates.selectors import search as site_search

from .factories import DebateFactory, UserFactory, build_map, make_claim, make_evidence

PUBLISHED = Claim.Status.PUBLISHED


# --- a template with everything a copy must take and everything it must leave -------------


@pytest.fixture
def template(debate, teacher, student, source):
    """The conftest's public "Rivers" map (teacher owns, moderator moderates, student
    views), filled with published claims, evidence and a cross-link, plus what a copy
    leaves behind: a proposal, a rejected and a deleted claim, a claim under the deleted
    one, a merged duplicate, proposed and detached evidence."""
    p1, p2, p3 = list(source.passages.order_by("pk")[:3])
    issue = make_claim(
        debate=debate,
        kind="issue",
        text="Do rivers make towns rich?",
        author=teacher,
        status=PUBLISHED,
    )  # noqa: E501
    yes = make_claim(
        debate=debate, kind="position", parent=issue, text="Yes", author=teacher, status=PUBLISHED
    )  # noqa: E501
    no = make_claim(
        debate=debate, kind="position", parent=issue, text="No", author=teacher, status=PUBLISHED
    )  # noqa: E501
    trade = make_claim(
        debate=debate,
        kind="argument",
        parent=yes,
        relation="supports",
        text="River towns traded more.",
        author=student,
        status=PUBLISHED,
    )  # noqa: E501
    floods = make_claim(
        debate=debate,
        kind="argument",
        parent=yes,
        relation="opposes",
        text="Floods wrecked harbours.",
        author=teacher,
        status=PUBLISHED,
    )  # noqa: E501
    soil = make_claim(
        debate=debate,
        kind="argument",
        parent=floods,
        relation="opposes",
        text="Floods left fertile soil.",
        author=teacher,
        status=PUBLISHED,
    )  # noqa: E501
    make_claim(
        debate=debate,
        kind="argument",
        parent=trade,
        relation="undercuts",
        text="Trade is not wealth.",
        author=teacher,
        status=PUBLISHED,
    )  # noqa: E501
    tricky = 'Élan “quoted” it\'s\n2nd line; $[0] {"json": 1} \\ 🌊'
    make_claim(
        debate=debate,
        kind="argument",
        parent=no,
        relation="supports",
        text=tricky,
        author=teacher,
        status=PUBLISHED,
    )  # noqa: E501
    # Left behind:
    make_claim(
        debate=debate,
        kind="argument",
        parent=no,
        relation="supports",
        text="PENDING proposal",
        author=student,
    )  # noqa: E501
    make_claim(
        debate=debate,
        kind="argument",
        parent=no,
        relation="supports",
        text="REJECTED claim",
        author=student,
        status=Claim.Status.REJECTED,
    )  # noqa: E501
    gone = make_claim(
        debate=debate,
        kind="argument",
        parent=no,
        relation="opposes",
        text="DELETED claim",
        author=teacher,
        status=PUBLISHED,
    )  # noqa: E501
    make_claim(
        debate=debate,
        kind="argument",
        parent=gone,
        relation="supports",
        text="UNDER the deleted claim",
        author=teacher,
        status=PUBLISHED,
    )  # noqa: E501
    Claim.objects.filter(pk=gone.pk).update(deleted_at="2026-01-01T00:00:00Z")
    dup = make_claim(
        debate=debate,
        kind="argument",
        parent=no,
        relation="supports",
        text="MERGED duplicate",
        author=student,
    )  # noqa: E501
    Claim.objects.filter(pk=dup.pk).update(status=Claim.Status.MERGED, merged_into=trade)
    make_evidence(
        claim=trade,
        passage=p1,
        relation="supports",
        note="Barges.",
        author=student,
        status=PUBLISHED,
    )  # noqa: E501
    make_evidence(
        claim=floods, passage=p2, relation="context", note="", author=teacher, status=PUBLISHED
    )  # noqa: E501
    make_evidence(
        claim=soil, passage=p3, relation="supports", note="PENDING evidence", author=student
    )  # noqa: E501
    detached = make_evidence(
        claim=yes,
        passage=p3,
        relation="supports",
        note="DETACHED evidence",
        author=teacher,
        status=PUBLISHED,
    )  # noqa: E501
    Evidence.objects.filter(pk=detached.pk).update(deleted_at="2026-01-01T00:00:00Z")
    services.claim_link(actor=teacher, claim=soil, parent=no, stance="supports")
    return debate


def shape(debate: Debate) -> dict:
    """What a reader sees of a map, without ids: the published tree (texts, kinds,
    relations, authors, order, evidence) and the cross-links."""
    claims = {
        c.pk: c
        for c in Claim.objects.filter(debate=debate, status=PUBLISHED, deleted_at__isnull=True)
    }
    evidence: dict[int, list] = {}
    for e in Evidence.objects.filter(
        claim__debate=debate, status=PUBLISHED, deleted_at__isnull=True
    ).order_by("passage_id"):
        evidence.setdefault(e.claim_id, []).append((e.passage_id, e.relation, e.note, e.author_id))

    def path(claim: Claim) -> tuple | None:
        """The texts from the issue down to `claim`; None off the live map."""
        steps = []
        while True:
            steps.append(claim.text)
            if claim.parent_id is None:
                return tuple(reversed(steps))
            if claim.parent_id not in claims:
                return None
            claim = claims[claim.parent_id]

    nodes = sorted(
        (
            path(c),
            c.kind,
            c.relation,
            c.author_id,
            c.order,
            tuple(evidence.get(c.pk, [])),
        )
        for c in claims.values()
        if path(c) is not None
    )
    links = sorted(
        (path(link.claim), path(link.parent), link.relation, link.author_id)
        for link in ClaimLink.objects.filter(debate=debate).select_related("claim", "parent")
    )
    return {"nodes": nodes, "links": links}


# --- what a copy holds ---------------------------------------------------------------------


def test_a_copy_has_the_templates_published_map_and_nothing_else(template, teacher, source):
    copy = services.debate_copy(actor=teacher, debate=template, title="Rivers, group 1")
    assert copy.copied_from == template
    assert copy.slug == "rivers-group-1" and copy.owner == teacher
    assert copy.visibility == Debate.Visibility.PRIVATE
    assert copy.contribution_mode == template.contribution_mode
    assert copy.description == template.description
    assert list(copy.sources.all()) == list(template.sources.all()) == [source]
    assert shape(copy) == shape(template)
    texts = set(copy.claims.values_list("text", flat=True))
    assert len(texts) == 8 and any("🌊" in text for text in texts)
    for left in ("PENDING", "REJECTED", "DELETED", "UNDER", "MERGED"):
        assert not any(left in text for text in texts)
    notes = set(Evidence.objects.filter(claim__debate=copy).values_list("note", flat=True))
    assert notes == {"Barges.", ""}
    # Sources and passages are shared by reference: the same Passage rows are cited.
    assert set(
        Evidence.objects.filter(claim__debate=copy).values_list("passage_id", flat=True)
    ) == set(  # noqa: E501
        Evidence.objects.filter(claim__debate=template, note__in=["Barges.", ""]).values_list(
            "passage_id", flat=True
        )
    )
    # New rows: every copied claim is in the copy, parents and links inside it.
    assert not Claim.objects.filter(debate=copy).exclude(status=PUBLISHED).exists()
    assert (
        not Claim.objects.filter(debate=copy, parent__isnull=False)
        .exclude(parent__debate=copy)
        .exists()
    )
    link = ClaimLink.objects.get(debate=copy)
    assert link.claim.debate == copy and link.parent.debate == copy
    assert (link.claim.text, link.parent.text) == ("Floods left fertile soil.", "No")
    # The owner is the owner member; nobody else was added.
    assert list(copy.memberships.values_list("user__username", "role")) == [("teacher", "owner")]


def test_siblings_keep_their_order(template, teacher):
    yes = Claim.objects.get(debate=template, text="Yes")
    copy = services.debate_copy(actor=teacher, debate=template, title="Ordered")
    original = list(
        Claim.objects.filter(parent=yes).order_by("order", "pk").values_list("text", flat=True)
    )
    copied_yes = Claim.objects.get(debate=copy, text="Yes")
    copied = list(
        Claim.objects.filter(parent=copied_yes)
        .order_by("order", "pk")
        .values_list("text", flat=True)
    )
    assert copied == original


def test_authors_are_kept_or_replaced_by_the_copier(template, teacher, moderator, student):
    kept = services.debate_copy(actor=moderator, debate=template, title="Kept")
    assert Claim.objects.get(debate=kept, text="River towns traded more.").author == student
    assert Claim.objects.get(debate=kept, text="Yes").author == teacher
    assert kept.owner == moderator
    replaced = services.debate_copy(
        actor=moderator, debate=template, title="Replaced", keep_authors=False
    )
    assert set(Claim.objects.filter(debate=replaced).values_list("author", flat=True)) == {
        moderator.pk
    }
    assert set(
        Evidence.objects.filter(claim__debate=replaced).values_list("author", flat=True)
    ) == {moderator.pk}


def test_each_copied_row_has_one_history_record_and_the_copy_an_audit_entry(template, teacher):
    copy = services.debate_copy(actor=teacher, debate=template, title="With history")
    for claim in Claim.objects.filter(debate=copy):
        (record,) = claim.history.all()
        assert record.history_type == "+" and record.history_user == teacher
        assert record.history_change_reason == "copied from “Rivers”"
        assert record.text == claim.text and record.parent_id == claim.parent_id
    for evidence in Evidence.objects.filter(claim__debate=copy):
        assert evidence.history.count() == 1
    assert ClaimLink.history.filter(debate_id=copy.pk).count() == 1
    (entry,) = AuditEntry.objects.filter(debate=copy)
    assert entry.action == AuditEntry.Action.DEBATE_COPIED and entry.actor == teacher
    assert "copied from “Rivers”" in entry.summary
    assert "8 claims, 2 evidence links, 1 cross-link" in entry.summary
    # The template's log is untouched.
    assert not AuditEntry.objects.filter(debate=template, action="debate_copied").exists()


def test_copied_claims_work_on_their_pages(client, template, teacher):
    copy = services.debate_copy(actor=teacher, debate=template, title="Pages")
    claim = Claim.objects.get(debate=copy, text="River towns traded more.")
    client.force_login(teacher)
    page = client.get(reverse("debates:claim", args=[copy.slug, claim.pk]))
    assert page.status_code == 200 and "Barges." in page.content.decode()
    history = client.get(reverse("debates:claim_history", args=[copy.slug, claim.pk]))
    assert history.status_code == 200
    # A copied claim is edited like any other, and only in its own map.
    services.claim_edit(
        actor=teacher, claim=claim, text="River towns traded much more.", base_version=1
    )
    assert Claim.objects.get(debate=template, text="River towns traded more.")


def test_slugs_are_fresh_and_the_options_apply(template, teacher, student, outsider):
    DebateFactory(title="Copy", slug="copy", owner=outsider)
    first = services.debate_copy(
        actor=teacher,
        debate=template,
        title="Copy",
        visibility=Debate.Visibility.UNLISTED,
        contribution_mode=Debate.Mode.OPEN,
        description="For group 2.",
        members=[(student, "contributor"), (teacher, "viewer")],
    )
    second = services.debate_copy(actor=teacher, debate=template, title="Copy")
    assert (first.slug, second.slug) == ("copy-2", "copy-3")
    assert first.visibility == "unlisted" and first.contribution_mode == "open"
    assert first.description == "For group 2."
    assert dict(first.memberships.values_list("user__username", "role")) == {
        "teacher": "owner",
        "student": "contributor",
    }
    owned = services.debate_copy(actor=teacher, debate=template, title="Theirs", owner=student)
    assert owned.owner == student and policy.role_in(student, owned) == "owner"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title": "  "}, "needs a title"),
        ({"title": "!!!"}, "letters or digits"),
        ({"title": "x" * 201}, "too long"),
        ({"title": "Fine", "visibility": "secret"}, "who may see"),
        ({"title": "Fine", "members": [(None, "viewer")]}, "account"),
        ({"title": "Fine", "members": [("someone", "owner")]}, "not a role"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(template, teacher, values, message):
    before = Debate.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.debate_copy(actor=teacher, debate=template, **values)
    assert Debate.objects.count() == before


# --- independence ------------------------------------------------------------------------


def test_what_one_copy_writes_never_shows_in_another_or_the_template(
    client, template, teacher, source
):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    copy_a, copy_b = services.debate_copies(
        actor=teacher,
        debate=template,
        titles=["Group A", "Group B"],
        members=[[(alice, "contributor")], [(bob, "contributor")]],
    )
    template_before, b_before = shape(template), shape(copy_b)
    passage = source.passages.order_by("pk")[3]
    yes_a = Claim.objects.get(debate=copy_a, text="Yes")
    added = services.claim_add(
        actor=alice, debate=copy_a, parent=yes_a, text="Zebrafish prove it", stance="supports"
    )
    services.evidence_attach(actor=alice, claim=added, passage=passage, note="Group A's cite")
    services.evidence_attach(
        actor=alice, claim=Claim.objects.get(debate=copy_a, text="Yes"), passage=passage
    )
    services.claim_edit(
        actor=teacher,
        claim=Claim.objects.get(debate=copy_a, text="No"),
        text="No, never",
        base_version=1,
    )
    services.claim_delete(
        actor=teacher, claim=Claim.objects.get(debate=copy_a, text="Trade is not wealth.")
    )
    start = source.current_revision.text.index("Barges")
    note = services.annotation_create(
        actor=alice,
        source=source,
        start=start,
        end=start + 6,
        body="Zebrafish note",
        visibility=Annotation.Visibility.DEBATE,
        debate=copy_a,
    )
    assert shape(template) == template_before
    assert shape(copy_b) == b_before
    assert "Zebrafish" not in str(shape(copy_b)) + str(shape(template))
    # Bob, of group B, sees neither A's claims on his map, nor in search, nor A's note.
    client.force_login(bob)
    page = client.get(copy_b.get_absolute_url()).content.decode()
    assert "River towns traded more." in page and "Zebrafish" not in page
    assert "No, never" not in page
    assert client.get(copy_a.get_absolute_url()).status_code == 404
    results = site_search.search("Zebrafish", viewer=bob)
    assert not [hit for group in results.groups for hit in group.hits]
    found = client.get(reverse("debates:search"), {"q": "Zebrafish"}).content.decode()
    assert "Zebrafish prove" not in found
    assert not policy.can_view_annotation(bob, note)
    # Alice does find her group's claim.
    hits = site_search.search("Zebrafish", viewer=alice)
    assert any(hit.obj == added for group in hits.groups for hit in group.hits)


def test_the_copy_outlives_its_template(template, teacher):
    copy = services.debate_copy(actor=teacher, debate=template, title="Survivor")
    template.delete()
    copy.refresh_from_db()
    assert copy.copied_from is None and copy.claims.count() == 8


# --- a fixed number of queries ------------------------------------------------------------


def _map_of(size: int, owner, source) -> Debate:
    """A template of `size` published claims (arguments citing a passage), grounded in
    `source`, with a cross-link."""
    debate = DebateFactory(owner=owner)
    debate.sources.add(source)
    claims = build_map(debate, size, source.passages.first())
    arguments = [c for c in claims if c.kind == "argument"]
    ClaimLink.objects.create(
        debate=debate, claim=arguments[-1], parent=arguments[0], relation="supports"
    )
    return debate


def _queries(run) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        run()
    return [q["sql"] for q in ctx.captured_queries]


def test_copying_costs_the_same_queries_for_20_and_2000_claims(teacher, source):
    small, big = _map_of(20, teacher, source), _map_of(2000, teacher, source)
    assert big.claims.count() == 2000
    small_sql = _queries(lambda: services.debate_copy(actor=teacher, debate=small, title="S"))
    big_sql = _queries(lambda: services.debate_copy(actor=teacher, debate=big, title="B"))
    assert len(small_sql) == len(big_sql), "\n".join(big_sql)
    assert len(big_sql) <= 22
    copy = Debate.objects.get(slug="b")
    assert copy.claims.count() == 2000
    assert (
        Evidence.objects.filter(claim__debate=copy).count()
        == Evidence.objects.filter(claim__debate=big).count()
    )
    assert Claim.history.filter(debate_id=copy.pk).count() == 2000
    assert shape(copy) == shape(big)


def test_many_copies_cost_a_fixed_number_of_queries_each(teacher, source):
    template = _map_of(200, teacher, source)
    one = _queries(lambda: services.debate_copies(actor=teacher, debate=template, titles=["One"]))
    three = _queries(
        lambda: services.debate_copies(actor=teacher, debate=template, titles=["A", "B", "C"])
    )
    five = _queries(
        lambda: services.debate_copies(
            actor=teacher, debate=template, titles=["D", "E", "F", "G", "H"]
        )
    )
    per_copy = (len(five) - len(three)) // 2
    assert len(three) - len(one) == 2 * per_copy
    assert Debate.objects.filter(copied_from=template).count() == 9


def test_a_failed_copy_among_many_writes_nothing(template, teacher):
    before = Debate.objects.count()
    with pytest.raises(ValidationError):
        services.debate_copies(actor=teacher, debate=template, titles=["Fine", "  "])
    assert Debate.objects.count() == before


# --- who may copy -------------------------------------------------------------------------


def test_who_may_copy(template, teacher, moderator, student, outsider):
    staff = UserFactory(username="staff", is_staff=True)
    contributor = UserFactory(username="contrib")
    Membership.objects.create(user=contributor, debate=template, role="contributor")
    for person in (teacher, moderator, staff):
        assert services.debate_copy(actor=person, debate=template, title=f"By {person}")
    for person in (student, contributor, outsider, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.debate_copy(actor=person, debate=template, title="Taken")
        with pytest.raises(PermissionDenied):
            services.debate_copies(actor=person, debate=template, titles=["Taken"])
    assert not Debate.objects.filter(title="Taken").exists()


# --- the page -----------------------------------------------------------------------------


def test_the_page_makes_a_copy_and_opens_it(client, template, teacher):
    client.force_login(teacher)
    url = reverse("debates:debate_copy", args=[template.slug])
    settings_page = client.get(reverse("debates:debate_settings", args=[template.slug]))
    assert url in settings_page.content.decode()
    assert url in client.get(template.get_absolute_url()).content.decode()
    form = client.get(url)
    assert form.status_code == 200
    body = form.content.decode()
    assert 'name="copy-title"' in body and "Rivers (copy)" in body
    response = client.post(url, {"copy-title": "Rivers, class 2", "copy-visibility": "private"})
    copy = Debate.objects.get(copied_from=template)
    assert response.status_code == 302 and response.url == copy.get_absolute_url()
    page = client.get(copy.get_absolute_url()).content.decode()
    assert "A copy of" in page and template.get_absolute_url() in page
    assert "River towns traded more." in page


def test_the_page_shows_errors_in_the_form(client, template, teacher):
    client.force_login(teacher)
    url = reverse("debates:debate_copy", args=[template.slug])
    response = client.post(url, {"copy-title": "???", "copy-visibility": "private"})
    assert response.status_code == 400
    assert "letters or digits" in response.content.decode()
    assert not Debate.objects.filter(copied_from=template).exists()


def test_the_page_refuses_who_may_not_copy(client, template, student, outsider, moderator):
    url = reverse("debates:debate_copy", args=[template.slug])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous.url
    client.force_login(student)
    assert client.get(url).status_code == 403
    assert client.post(url, {"copy-title": "Mine", "copy-visibility": "public"}).status_code == 403
    assert url not in client.get(template.get_absolute_url()).content.decode()
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    # A private template is not found by outsiders.
    Debate.objects.filter(pk=template.pk).update(visibility=Debate.Visibility.PRIVATE)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"copy-title": "Mine", "copy-visibility": "public"}).status_code == 404
    assert not Debate.objects.filter(copied_from=template).exists()


def test_copied_from_is_shown_only_to_who_may_see_the_template(client, template, teacher):
    Debate.objects.filter(pk=template.pk).update(visibility=Debate.Visibility.PRIVATE)
    template.refresh_from_db()
    pupil = UserFactory(username="pupil")
    copy = services.debate_copy(
        actor=teacher,
        debate=template,
        title="Class copy",
        members=[(pupil, "contributor")],
    )
    assert selectors.copy_origin(debate=copy, viewer=teacher) == template
    assert selectors.copy_origin(debate=copy, viewer=pupil) is None
    assert selectors.copy_origin(debate=template, viewer=teacher) is None
    client.force_login(pupil)
    page = client.get(copy.get_absolute_url()).content.decode()
    assert "A copy of" not in page and template.get_absolute_url() not in page
    client.force_login(teacher)
    assert "A copy of" in client.get(copy.get_absolute_url()).content.decode()
