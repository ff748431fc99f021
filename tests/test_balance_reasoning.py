"""The balance view reads the map as reasoning: open challenges, steel-man coverage and
pro/con depth asymmetry (issue 13, point 5)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from debates.models import Claim, ClaimLink
from debates.selectors.balance import debate_balance

from .factories import ClaimFactory, DebateFactory, build_map


def arg(debate, parent, relation, text, **fields):
    return ClaimFactory(
        debate=debate, kind="argument", parent=parent, relation=relation, text=text, **fields
    )


@pytest.fixture
def small_map(debate, student):
    """Issue with three positions.

    Yes:   pro  Cheap trade
             con  Rail took the trade          (answered by Rail follows rivers)
               con  Rail follows rivers        (open: only a pro under it)
                 pro  Old rail maps show it
           con  Floods ruin harbours           (answered by Dikes)
             con  Dikes hold floods back       (open; also cross-linked against Flat land)
    No:    undercut  Inland is not an answer   (answered by the cross-linked Dikes)
    Maybe: pro  Both have merits
           (a pending con and a deleted con count for nothing)
    """
    issue = ClaimFactory(debate=debate, text="Where to build towns?")

    def position(text):
        return ClaimFactory(
            debate=debate, kind="position", parent=issue, relation="answers", text=text
        )

    yes, no, maybe = position("On rivers"), position("Inland"), position("Either")
    trade = arg(debate, yes, "supports", "Cheap trade")
    rail = arg(debate, trade, "opposes", "Rail took the trade")
    follows = arg(debate, rail, "opposes", "Rail follows rivers")
    maps = arg(debate, follows, "supports", "Old rail maps show it")
    floods = arg(debate, yes, "opposes", "Floods ruin harbours")
    dikes = arg(debate, floods, "opposes", "Dikes hold floods back")
    flat = arg(debate, no, "undercuts", "Inland is not an answer")
    ClaimLink.objects.create(debate=debate, claim=dikes, parent=flat, relation="opposes")
    both = arg(debate, maybe, "supports", "Both have merits")
    arg(debate, maybe, "opposes", "Pending con", author=student, status=Claim.Status.PROPOSED)
    arg(debate, maybe, "opposes", "Deleted con", deleted_at=timezone.now())
    return {
        "issue": issue,
        "yes": yes,
        "no": no,
        "maybe": maybe,
        "trade": trade,
        "rail": rail,
        "follows": follows,
        "maps": maps,
        "floods": floods,
        "dikes": dikes,
        "flat": flat,
        "both": both,
    }


def _positions(result):
    return {pb.position.pk: pb for item in result.issues for pb in item.positions}


def test_open_challenges_are_the_unanswered_attacks(debate, small_map):
    result = debate_balance(debate=debate)
    (item,) = result.issues
    opened = [c.claim.pk for c in item.open_challenges]
    # Rail took the trade is answered (Rail follows rivers opposes it); Floods by Dikes;
    # the undercut by the cross-linked Dikes. A support under a challenge answers nothing.
    assert opened == sorted([small_map["follows"].pk, small_map["dikes"].pk])
    by_pk = {c.claim.pk: c for c in item.open_challenges}
    assert by_pk[small_map["follows"].pk].target == small_map["rail"]
    assert by_pk[small_map["follows"].pk].position == small_map["yes"]
    assert result.open_challenge_count == 2


def test_a_new_reply_closes_an_open_challenge(debate, small_map):
    arg(debate, small_map["dikes"], "undercuts", "Dikes are not the point")
    (item,) = debate_balance(debate=debate).issues
    assert [c.claim for c in item.open_challenges] == [
        small_map["follows"],
        # the new undercut is itself an unanswered challenge
        Claim.objects.get(text="Dikes are not the point"),
    ]


def test_steel_man_coverage_per_position_and_overall(debate, small_map):
    result = debate_balance(debate=debate)
    positions = _positions(result)
    yes, no, maybe = (positions[small_map[k].pk] for k in ("yes", "no", "maybe"))
    assert (yes.has_counter, yes.has_rebuttal, yes.steel_manned) == (True, True, True)
    # The undercut is its counterargument; Dikes, cross-linked against it, its rebuttal.
    assert (no.has_counter, no.has_rebuttal, no.steel_manned) == (True, True, True)
    # Pending and deleted cons count for nothing.
    assert (maybe.has_counter, maybe.has_rebuttal, maybe.steel_manned) == (False, False, False)
    assert (result.steel_manned, result.position_count) == (2, 3)


def test_a_rebuttal_needs_an_attack_on_a_counterargument(debate, small_map):
    ClaimLink.objects.all().delete()
    positions = _positions(debate_balance(debate=debate))
    no = positions[small_map["no"].pk]
    assert (no.has_counter, no.has_rebuttal, no.steel_manned) == (True, False, False)


def test_depth_asymmetry_of_pro_and_con_chains(debate, small_map):
    positions = _positions(debate_balance(debate=debate))
    yes, no, maybe = (positions[small_map[k].pk] for k in ("yes", "no", "maybe"))
    # Cheap trade → Rail took the trade → Rail follows rivers → Old rail maps: 4;
    # Floods → Dikes: 2.
    assert (yes.pro_depth, yes.con_depth) == (4, 2)
    assert yes.asymmetric and yes.deeper_side == "pro"
    assert (no.pro_depth, no.con_depth, no.asymmetric) == (0, 1, False)
    assert (maybe.pro_depth, maybe.con_depth, maybe.asymmetric) == (1, 0, False)


def test_depth_of_a_long_chain_needs_no_recursion(debate):
    issue = ClaimFactory(debate=debate, text="Deep?")
    position = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes"
    )
    parent = position
    for i in range(1500):  # deeper than Python's recursion limit
        parent = arg(debate, parent, "opposes" if i == 0 else "supports", f"Step {i}")
    (pb,) = _positions(debate_balance(debate=debate)).values()
    assert (pb.pro_depth, pb.con_depth, pb.asymmetric) == (0, 1500, True)


def test_the_balance_page_shows_challenges_coverage_and_asymmetry(client, debate, small_map):
    response = client.get(reverse("debates:balance", args=[debate.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 of 3</strong> positions are steel-manned" in html
    assert "Open challenges (2)" in html
    for key in ("follows", "dikes"):
        url = reverse("debates:claim", args=[debate.slug, small_map[key].pk])
        assert f'href="{url}">{small_map[key].text}</a>' in html
    assert "uneven: the pro side is argued deeper" in html
    assert html.count("uneven:") == 1
    table = html[html.index('class="steelman-table"') : html.index("</table>")]
    assert table.count("✓") == 4 and table.count("✗") == 2


@pytest.mark.parametrize("viewer", ["anonymous", "teacher"])
def test_fixed_number_of_queries_at_10_and_100_claims(client, teacher, source, viewer):
    if viewer == "teacher":
        client.force_login(teacher)
    counts = {}
    for size in (10, 100):
        debate = DebateFactory(owner=teacher, slug=f"reasoning-{size}")
        debate.sources.add(source)
        claims = build_map(debate, size, passage=source.passages.first())
        # a cross-link, so the link query has something to read
        ClaimLink.objects.create(
            debate=debate, claim=claims[-1], parent=claims[-2], relation="opposes"
        )
        with CaptureQueriesContext(connection) as selector_queries:
            result = debate_balance(debate=debate)
        assert result.position_count > 0
        with CaptureQueriesContext(connection) as page_queries:
            response = client.get(reverse("debates:balance", args=[debate.slug]))
        assert response.status_code == 200
        counts[size] = (len(selector_queries), len(page_queries))
    assert counts[10] == counts[100]
    assert counts[100][0] == 5
