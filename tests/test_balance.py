"""The balance view: arguments per side of each position and who cites which passages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from debates.models import Claim, Debate, Evidence
from debates.selectors.balance import debate_balance
from debates.services import sources as source_services

from .factories import ClaimFactory, DebateFactory, build_map


def arg(debate, parent, relation, text, **fields):
    return ClaimFactory(
        debate=debate, kind="argument", parent=parent, relation=relation, text=text, **fields
    )


def cite(claim, passage, **fields):
    fields.setdefault("status", "published")
    return Evidence.objects.create(claim=claim, passage=passage, **fields)


@pytest.fixture
def hand_map(debate, source, student):
    """Two positions; polarity flips through counterarguments and undercuts.

    Blocks of the source: 1 first paragraph, 2 "Rivers and trade", 3 "Floods destroyed…",
    4 "Costs", 5 "Benefits".
    """
    blocks = list(source.passages.filter(kind__in=["paragraph", "list_item"]))
    assert len(blocks) == 5
    text = source.current_revision.text
    start = text.index("Barges carried grain cheaply.")
    sentence = source_services.passage_create(
        source=source,
        start=start,
        end=start + len("Barges carried grain cheaply."),
        kind="sentence",
    )

    issue = ClaimFactory(debate=debate, text="Should towns be built on rivers?")
    yes = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes, on rivers"
    )
    no = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="No, inland"
    )
    trade = arg(debate, yes, "supports", "Trade is cheap by barge")
    rail = arg(debate, trade, "opposes", "Trade moved to rail")  # against Yes
    roads = arg(debate, rail, "opposes", "Rail follows rivers anyway")  # for Yes
    undercut = arg(debate, trade, "undercuts", "Cheap trade does not make a town")  # against
    floods = arg(debate, yes, "opposes", "Floods ruin harbours")  # against Yes
    soil = arg(debate, floods, "opposes", "Floods leave fertile soil")  # for Yes
    arg(debate, yes, "supports", "A pending idea", author=student, status=Claim.Status.PROPOSED)
    arg(debate, yes, "supports", "A deleted idea", deleted_at=timezone.now())
    safe = arg(debate, no, "supports", "Inland towns are safe")

    cite(trade, sentence)  # block 2, for Yes
    cite(rail, blocks[0])  # block 1, against Yes
    cite(soil, blocks[2], relation="opposes")  # evidence against a pro-Yes claim: against Yes
    cite(floods, blocks[3])  # block 4, against Yes ...
    cite(safe, blocks[3])  # ... and for No: mixed
    cite(trade, blocks[4], status="proposed")  # pending evidence does not count
    cite(roads, blocks[4], deleted_at=timezone.now())  # nor does detached evidence
    cite(issue, blocks[4])  # evidence on the issue argues for no side
    return {
        "issue": issue,
        "yes": yes,
        "no": no,
        "trade": trade,
        "floods": floods,
        "undercut": undercut,
        "blocks": blocks,
    }


def test_counts_flip_polarity_through_counterarguments_and_undercuts(hand_map, debate):
    result = debate_balance(debate=debate)
    (issue,) = result.issues
    assert issue.issue == hand_map["issue"]
    yes, no = issue.positions
    assert yes.position == hand_map["yes"]
    # For Yes: trade, roads (con of a con), soil (con of a con). Against: rail, undercut, floods.
    assert (yes.for_count, yes.for_evidenced) == (3, 2)
    assert (yes.against_count, yes.against_evidenced) == (3, 2)
    assert [a.claim for a in yes.supporting] == [hand_map["trade"]]
    assert [a.claim for a in yes.opposing] == [hand_map["floods"]]
    assert yes.supporting[0].subtree == 4 and yes.supporting[0].evidence_count == 1
    assert not yes.lopsided
    assert (no.for_count, no.for_evidenced, no.against_count) == (1, 1, 0)
    assert no.lopsided
    assert yes.colour != no.colour


def test_coverage_strip_has_one_cell_per_block_coloured_by_side(hand_map, debate, source):
    result = debate_balance(debate=debate)
    (coverage,) = result.issues[0].sources
    assert coverage.source == source
    yes, no = hand_map["yes"].pk, hand_map["no"].pk
    states = [cell.state for cell in coverage.cells]
    assert states == [f"against-{yes}", f"for-{yes}", f"against-{yes}", "mixed", "none"]
    assert [c.passage.pk for c in coverage.cells] == [p.pk for p in hand_map["blocks"]]
    mixed = coverage.cells[3]
    assert {s.key for s in mixed.sides} == {f"against-{yes}", f"for-{no}"}
    assert coverage.cells[1].description.startswith("Paragraph 2 (“Towns on rivers traded")
    assert coverage.cells[1].description.endswith("cited for ‘Yes, on rivers’")
    assert coverage.cells[3].description.startswith("List item 4")
    assert coverage.cells[4].description.endswith("cited by no side")
    assert (coverage.cited, coverage.mixed, coverage.uncited) == (4, 1, 1)


def test_each_issue_has_its_own_strip_with_its_own_sides(hand_map, debate, source):
    other = ClaimFactory(debate=debate, text="Are floods a cost?")
    cost = ClaimFactory(
        debate=debate, kind="position", parent=other, relation="answers", text="Yes, a cost"
    )
    cite(arg(debate, cost, "supports", "Harbours"), hand_map["blocks"][4])
    first, second = debate_balance(debate=debate).issues
    assert first.sources[0].cells[4].state == "none"
    assert [c.state for c in second.sources[0].cells] == ["none"] * 4 + [f"for-{cost.pk}"]
    assert [side.key for side in second.sides] == [f"for-{cost.pk}", f"against-{cost.pk}"]


def test_summary_sentence_reads_at_a_glance(hand_map, debate):
    (coverage,) = debate_balance(debate=debate).issues[0].sources
    assert coverage.summary == (
        "Of 4 cited passages, 2 are cited against ‘Yes, on rivers’, 1 for ‘Yes, on rivers’ "
        "and 1 by several sides; 1 passage is cited by neither."
    )
    assert coverage.leaning is None


def test_a_source_that_argues_one_side_is_called_out(debate, source):
    issue = ClaimFactory(debate=debate, text="Rivers?")
    yes = ClaimFactory(debate=debate, kind="position", parent=issue, relation="answers", text="Yes")
    blocks = list(source.passages.filter(kind__in=["paragraph", "list_item"]))
    for i, block in enumerate(blocks[:4]):
        cite(arg(debate, yes, "supports", f"Reason {i}"), block)
    (coverage,) = debate_balance(debate=debate).issues[0].sources
    assert coverage.summary == (
        "Of 4 cited passages, 4 are cited for ‘Yes’; 1 passage is cited by neither."
    )
    assert coverage.leaning.key == f"for-{yes.pk}"


def test_a_source_nobody_cites_says_so(debate):
    ClaimFactory(debate=debate, text="Rivers?")
    assert debate_balance(debate=debate).issues[0].sources[0].summary == (
        "None of its 5 passages is cited by any side yet."
    )


def test_balance_page_shows_numbers_strip_legend_and_summary(client, hand_map, debate):
    response = client.get(reverse("debates:balance", args=[debate.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="page">Balance<' in html
    assert "Should towns be built on rivers?" in html
    assert "<strong>3</strong> arguments, 2 with evidence" in html
    assert "Nobody has argued against this position yet." in html
    assert "Of 4 cited passages, 2 are cited against ‘Yes, on rivers’" in html
    assert "cited for ‘No, inland’" in html  # legend
    first = hand_map["blocks"][0]
    assert f'href="{first.get_absolute_url()}"' in html
    assert 'aria-label="Paragraph 1 (“The first paragraph' in html
    assert html.count('class="cell ') == 5
    assert "A pending idea" not in html and "A deleted idea" not in html


def test_balance_is_the_same_for_everyone_who_may_see_it(client, hand_map, debate, student):
    anonymous = client.get(reverse("debates:balance", args=[debate.slug])).content.decode()
    client.force_login(student)
    own = client.get(reverse("debates:balance", args=[debate.slug])).content.decode()
    assert "A pending idea" not in own
    assert anonymous.count('data-state="') == own.count('data-state="') == 5


def test_private_balance_is_404_to_outsiders(client, teacher, outsider):
    DebateFactory(owner=teacher, slug="secret", visibility=Debate.Visibility.PRIVATE)
    url = reverse("debates:balance", args=["secret"])
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(teacher)
    assert client.get(url).status_code == 200


def test_fixed_number_of_queries_at_10_and_200_claims(client, teacher, source):
    passage = source.passages.get(label="Costs")
    counts = {}
    for size in (10, 200):
        debate = DebateFactory(owner=teacher, slug=f"size-{size}")
        debate.sources.add(source)
        build_map(debate, size, passage=passage)
        with CaptureQueriesContext(connection) as selector_queries:
            result = debate_balance(debate=debate)
        assert sum(p.for_count + p.against_count for i in result.issues for p in i.positions) > 0
        with CaptureQueriesContext(connection) as page_queries:
            response = client.get(reverse("debates:balance", args=[debate.slug]))
        assert response.status_code == 200
        counts[size] = (len(selector_queries), len(page_queries))
    assert counts[10] == counts[200]
    # 5: the four of the strips and counts, and the cross-links of the reasoning view
    # (open challenges, steel-man coverage).
    assert counts[200][0] == 5
