"""Map selectors that read around one claim (`claim_path`, `claim_subtree`): the same
claims, counts and cut-off as the whole map (`debate_map`) for every viewer, in a fixed
number of queries whatever the map's size."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from debates.models import Claim, ClaimLink
from debates.selectors import maps

from .factories import ClaimFactory, DebateFactory, build_map, make_evidence

PUBLISHED, PROPOSED = Claim.Status.PUBLISHED, Claim.Status.PROPOSED


def claim(debate, kind, text, author, *, parent=None, relation="", status=PUBLISHED, **fields):
    """A claim row as given (any status, order or deletion), for arranging the map."""
    return ClaimFactory(
        debate=debate,
        kind=kind,
        parent=parent,
        relation=relation,
        text=text,
        author=author,
        status=status,
        **fields,
    )


def argument(parent, text, author, *, relation="supports", **fields):
    return claim(
        parent.debate, "argument", text, author, parent=parent, relation=relation, **fields
    )


@pytest.fixture
def tangle(debate, teacher, student, moderator, source):
    """A map with something hidden from someone at every turn: proposals (a student's, the
    moderator's), rejected, withdrawn, merged and deleted claims with replies under them,
    cross-links to claims on and off the map, evidence, and a deep branch."""
    issue = claim(debate, "issue", "Should towns move?", teacher)
    other = claim(debate, "issue", "A second issue?", teacher, order=1)
    yes = claim(debate, "position", "Yes", teacher, parent=issue, relation="answers")
    no = claim(debate, "position", "No", student, parent=issue, relation="answers", status=PROPOSED)
    argument(no, "Under a proposal", teacher)
    pro = argument(yes, "Floods", teacher)
    con = argument(yes, "Costs", teacher, relation="opposes", order=2)
    argument(yes, "Undercut", teacher, relation="undercuts", order=3)
    mine = argument(pro, "A student's proposal", student, status=PROPOSED)
    argument(mine, "Reply to the student's proposal", teacher)
    argument(pro, "The moderator's proposal", moderator, status=PROPOSED, order=1)
    for status in (Claim.Status.REJECTED, Claim.Status.WITHDRAWN, Claim.Status.MERGED):
        gone = argument(con, f"A {status} claim", student, status=status)
        argument(gone, f"Under a {status} claim", teacher)
    deleted = argument(con, "Deleted", teacher, deleted_at=timezone.now())
    under_deleted = argument(deleted, "Under a deleted claim", teacher)
    argument(under_deleted, "Two below a deleted claim", student, status=PROPOSED)
    deep = con
    for depth in range(12):
        deep = argument(deep, f"Deep {depth}", teacher, relation="opposes", order=-depth)
    passage = source.passages.get(label="Costs")
    for cited in (pro, con, deep):
        make_evidence(claim=cited, passage=passage, author=teacher, status="published")
    make_evidence(claim=con, passage=source.passages.first(), author=student, status="proposed")
    for target, parent, relation in (
        (yes, other, "answers"),
        (no, other, "answers"),
        (mine, con, "supports"),
        (under_deleted, pro, "opposes"),
        (deep, yes, "supports"),
        (pro, deep.parent, "opposes"),
    ):
        ClaimLink.objects.create(
            debate=debate, claim=target, parent=parent, relation=relation, author=teacher
        )
    return debate


@pytest.fixture
def viewers(teacher, moderator, student, outsider):
    return {
        "anonymous": AnonymousUser(),
        "outsider": outsider,
        "student": student,
        "moderator": moderator,
        "owner": teacher,
    }


def outline(node, level, render_depth):
    """What the map template draws of a node: its counts, then its replies and links, or
    "Show N replies" from the render depth on."""
    claim = node.claim
    head = (claim.pk, node.pro_count, node.con_count, node.reply_count, bool(node.children))
    if render_depth and level >= render_depth:
        return head
    return (
        head,
        claim.text,
        claim.status,
        claim.evidence_count,
        claim.author_id,
        [outline(child, level + 1, render_depth) for child in node.children],
        [(link.pk, link.claim.text) for link in node.links],
    )


def ancestors_in(the_map, claim):
    chain, parent_id = [], claim.parent_id
    while parent_id is not None and parent_id in the_map.nodes:
        chain.insert(0, the_map.nodes[parent_id].claim.pk)
        parent_id = the_map.nodes[parent_id].claim.parent_id
    return chain


@pytest.mark.parametrize("viewer", ["anonymous", "outsider", "student", "moderator", "owner"])
def test_path_and_subtree_match_the_whole_map_for_every_claim_and_viewer(tangle, viewers, viewer):
    person = viewers[viewer]
    whole = maps.debate_map(debate=tangle, viewer=person)
    claims = list(Claim.objects.filter(debate=tangle).select_related("debate"))
    assert len(whole.nodes) < len(claims)  # something is hidden from everyone
    for claim in claims:
        path = maps.claim_path(claim=claim, viewer=person)
        assert path.on_map == (claim.pk in whole.nodes), claim.text
        assert path.parent_on_map == (claim.parent_id is None or claim.parent_id in whole.nodes)
        assert [a.pk for a in path.ancestors] == ancestors_in(whole, claim), claim.text
        for budget, level in ((1, 1), (3, 3), (6, 2), (400, 1)):
            subtree = maps.claim_subtree(
                claim=claim, viewer=person, budget=budget, root_level=level
            )
            if claim.pk not in whole.nodes:
                assert subtree is None, claim.text
                continue
            node = whole.nodes[claim.pk]
            whole.limit_depth(budget, root=node, root_level=level)
            assert subtree.render_depth == whole.render_depth, (claim.text, budget)
            assert subtree.root is subtree.issues[0]
            assert subtree.can_moderate == whole.can_moderate
            assert outline(subtree.root, level, subtree.render_depth) == outline(
                node, level, whole.render_depth
            ), (claim.text, budget)


def test_the_budget_draws_whole_levels_and_loads_only_the_counts_below(debate, teacher):
    issue = build_map(debate, 120)[0]
    subtree = maps.claim_subtree(claim=issue, viewer=teacher, budget=5)
    positions = list(Claim.objects.filter(parent=issue))
    arguments = list(Claim.objects.filter(parent__in=positions))
    below = list(Claim.objects.filter(parent__in=arguments))
    assert len(positions) == 2 and len(arguments) == 4 and below
    # The issue and its positions fit the budget; their arguments would not.
    assert subtree.render_depth == 2
    assert set(subtree.nodes) == {issue.pk, *(p.pk for p in positions)}
    # The arguments are there for the positions' counts, without their rows.
    stubs = [child.claim for p in positions for child in subtree.nodes[p.pk].children]
    assert {c.pk for c in stubs} == {a.pk for a in arguments}
    assert all({"text", "author_id", "status"} <= c.get_deferred_fields() for c in stubs)
    assert all(not child.children for p in positions for child in subtree.nodes[p.pk].children)
    pros = sum(a.relation == "supports" for a in arguments)
    assert sum(subtree.nodes[p.pk].pro_count for p in positions) == pros


def test_a_claim_in_a_parent_cycle_is_off_the_map(debate, teacher):
    issue = claim(debate, "issue", "Q?", teacher)
    position = claim(debate, "position", "P", teacher, parent=issue, relation="answers")
    first = argument(position, "A", teacher)
    second = argument(first, "B", teacher)
    Claim.objects.filter(pk=first.pk).update(parent=second)  # bad data: a loop
    first.refresh_from_db()
    path = maps.claim_path(claim=first, viewer=teacher)
    assert not path.on_map and not path.parent_on_map and path.ancestors == []
    assert maps.claim_subtree(claim=first, viewer=teacher, budget=400) is None
    assert maps.claim_subtree(claim=position, viewer=teacher, budget=400).root.children == []


def deepest(claims):
    by_pk = {c.pk: c for c in claims}

    def depth(claim):
        n = 0
        while claim.parent_id is not None:
            claim, n = by_pk[claim.parent_id], n + 1
        return n

    return max(claims, key=depth)


def queries(function, **kwargs) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        result = function(**kwargs)
    return len(ctx.captured_queries), result


@pytest.mark.parametrize("viewer", ["anonymous", "student", "owner"])
def test_query_counts_are_fixed_whatever_the_map_size(teacher, student, source, viewer):
    person = {"anonymous": AnonymousUser(), "student": student, "owner": teacher}[viewer]
    counts = set()
    for size in (50, 500):
        debate = DebateFactory(owner=teacher, slug=f"size-{size}")
        claims = build_map(debate, size, passage=source.passages.get(label="Costs"))
        for claim in Claim.objects.filter(pk__in=[claims[0].pk, deepest(claims).pk]):
            maps.claim_path(claim=claim, viewer=person)  # the viewer's role, cached
            path_count, path = queries(maps.claim_path, claim=claim, viewer=person)
            subtree_count, _ = queries(
                maps.claim_subtree, claim=claim, viewer=person, budget=400, root_level=1
            )
            counts.add((path_count, subtree_count))
            assert path.on_map
    assert counts == {(1, 4)}
