"""Evidence suggestions: passages of a debate's sources ranked by how well they match a
claim, each attachable in one step (issue 13, point 4). Runs on SQLite (the BM25 fallback)
and on PostgreSQL (full-text ranking) alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from debates.models import Debate, Evidence, Membership, Source
from debates.selectors.suggestions import evidence_suggestions

from .factories import ClaimFactory, DebateFactory, UserFactory, make_evidence, source_factory

BARGES = "Towns on rivers traded more than inland towns. Barges carried grain cheaply."


@pytest.fixture
def claim(debate):
    issue = ClaimFactory(debate=debate, text="Where should towns be built?")
    return ClaimFactory(
        debate=debate,
        kind="position",
        parent=issue,
        relation="answers",
        text="On rivers, because barges carry grain cheaply to river towns",
    )


def quotes(suggestions):
    return [s.passage.anchor.exact for s in suggestions]


def test_the_passage_sharing_the_claims_words_comes_first(claim, teacher):
    found = quotes(evidence_suggestions(claim=claim, viewer=teacher))
    assert found[0] == BARGES
    # The first paragraph shares "rivers" and "towns" only; passages about rebuilding
    # costs share nothing and are not suggested.
    assert "The first paragraph says that rivers shape the towns" in found[1]
    assert "Costs: Rebuilding cost a fortune." not in found
    assert "Benefits: Floods left fertile soil behind." not in found


def test_scores_fall_and_the_limit_holds(claim, teacher):
    suggestions = evidence_suggestions(claim=claim, viewer=teacher, limit=1)
    assert quotes(suggestions) == [BARGES]
    both = evidence_suggestions(claim=claim, viewer=teacher)
    assert [s.score for s in both] == sorted((s.score for s in both), reverse=True)
    assert both[0].score > both[-1].score > 0


def test_a_claim_sharing_no_word_gets_no_suggestion(debate, teacher):
    claim = ClaimFactory(debate=debate, text="Quantum chromodynamics explains hadrons?")
    assert evidence_suggestions(claim=claim, viewer=teacher) == []
    only_stop_words = ClaimFactory(debate=debate, text="Is it so?")
    assert evidence_suggestions(claim=only_stop_words, viewer=teacher) == []


def test_passages_the_claim_cites_are_left_out(claim, source, student, teacher):
    passage = source.passages.get(anchor__exact=BARGES)
    evidence = make_evidence(claim=claim, passage=passage, author=student)  # a proposal
    assert BARGES not in quotes(evidence_suggestions(claim=claim, viewer=teacher))
    Evidence.objects.filter(pk=evidence.pk).update(deleted_at=timezone.now())  # detached
    assert quotes(evidence_suggestions(claim=claim, viewer=teacher))[0] == BARGES


def test_only_the_debates_sources_that_the_viewer_may_read(claim, debate, teacher, outsider):
    stranger = UserFactory(username="stranger")
    private = source_factory(
        "Barges\n\nBarges carry grain cheaply to river towns, barges and grain.\n",
        created_by=stranger,
        visibility=Source.Visibility.PRIVATE,
        title="Private notes",
    )
    debate.sources.add(private)
    elsewhere = source_factory(
        "Grain\n\nBarges carry grain cheaply to river towns all year round.\n",
        title="Not in this debate",
    )
    mine = [s.passage.source for s in evidence_suggestions(claim=claim, viewer=teacher)]
    # The owner reads the private source grounding their debate; it matches best.
    assert mine[0] == private
    assert elsewhere not in mine
    for viewer in (outsider, _anonymous()):
        theirs = [s.passage.source for s in evidence_suggestions(claim=claim, viewer=viewer)]
        assert private not in theirs and elsewhere not in theirs
        assert theirs and theirs[0].title == "A Test Article"


def suggestions_of(client, claim) -> str:
    """The claim's page with its suggestions: the fragment its page loads (htmx) and the page
    asked for them (the link without JavaScript) must agree."""
    page = client.get(claim.get_absolute_url()).content.decode()
    fragment_url = reverse("debates:claim_suggestions", args=[claim.debate.slug, claim.pk])
    if "No passage cites this claim yet." in page:
        assert fragment_url in page and "?suggest=1" in page
    fragment = client.get(fragment_url, HTTP_HX_REQUEST="true").content.decode()
    full = client.get(claim.get_absolute_url() + "?suggest=1").content.decode()
    assert ("may bear on it" in fragment) == ("may bear on it" in full)
    return full


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_the_claim_page_offers_them_with_a_one_step_form(client, claim, student):
    client.force_login(student)
    html = suggestions_of(client, claim)
    assert "No evidence yet — these passages may bear on it" in html
    assert "Barges carried grain cheaply." in html
    assert html.count("Attach as evidence") == 2
    assert reverse("debates:evidence_attach", args=[claim.debate.slug, claim.pk]) in html
    assert 'name="relation"' in html and 'value="context"' in html


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_people_who_may_not_attach_see_suggestions_without_the_form(client, claim, outsider, who):
    if who == "outsider":
        client.force_login(outsider)
    html = suggestions_of(client, claim)
    assert "No evidence yet — these passages may bear on it" in html
    assert "Attach as evidence" not in html


def test_a_claim_with_evidence_shows_no_suggestions(client, claim, source, teacher):
    make_evidence(claim=claim, passage=source.passages.first(), author=teacher, status="published")
    client.force_login(teacher)
    html = suggestions_of(client, claim)
    assert "these passages may bear on it" not in html


@pytest.mark.parametrize(
    "who,status", [("student", "proposed"), ("moderator", "published"), ("teacher", "published")]
)
def test_attach_in_one_step_proposed_or_published_by_policy(
    client, claim, source, student, moderator, teacher, who, status
):
    client.force_login({"student": student, "moderator": moderator, "teacher": teacher}[who])
    passage = source.passages.get(anchor__exact=BARGES)
    response = client.post(
        reverse("debates:evidence_attach", args=[claim.debate.slug, claim.pk]),
        {"passage": passage.pk, "relation": "opposes", "next": claim.get_absolute_url()},
    )
    assert response.status_code == 302
    assert response["Location"] == claim.get_absolute_url()
    evidence = Evidence.objects.get(claim=claim)
    assert (evidence.passage, evidence.relation, evidence.status) == (passage, "opposes", status)
    # Cited now, so no longer suggested.
    assert passage.pk not in [
        s.passage.pk for s in evidence_suggestions(claim=claim, viewer=moderator)
    ]


def test_a_reader_may_not_attach(client, claim, debate):
    reader = UserFactory(username="reader")
    Membership.objects.create(user=reader, debate=debate, role=Membership.Role.READER)
    client.force_login(reader)
    html = suggestions_of(client, claim)
    assert "these passages may bear on it" in html and "Attach as evidence" not in html
    passage = debate.sources.first().passages.first()
    response = client.post(
        reverse("debates:evidence_attach", args=[debate.slug, claim.pk]),
        {"passage": passage.pk, "relation": "supports"},
    )
    assert response.status_code == 403
    assert not Evidence.objects.filter(claim=claim).exists()


def _article(paragraphs: int) -> str:
    words = ["barges", "grain", "rivers", "towns", "harbours", "floods", "trade", "cheaply"]
    body = "\n\n".join(
        f"Paragraph {i} speaks of {words[i % len(words)]} and {words[(i * 3) % len(words)]}."
        for i in range(paragraphs)
    )
    return f"A Long Article\n\n{body}\n"


def test_a_fixed_number_of_queries_whatever_the_number_of_passages(teacher):
    counts = []
    for sources, paragraphs in ((1, 3), (4, 60)):
        debate = DebateFactory(
            owner=teacher, slug=f"size-{sources}", visibility=Debate.Visibility.PRIVATE
        )
        for n in range(sources):
            debate.sources.add(
                source_factory(
                    _article(paragraphs),
                    created_by=teacher,
                    visibility=Source.Visibility.PRIVATE,
                    title=f"Article {n}",
                )
            )
        claim = ClaimFactory(debate=debate, text="Barges carried grain on rivers to towns")
        make_evidence(claim=claim, passage=debate.sources.first().passages.last(), author=teacher)
        viewer = UserFactory(username=f"member-{sources}")
        Membership.objects.create(user=viewer, debate=debate, role=Membership.Role.VIEWER)
        with CaptureQueriesContext(connection) as ctx:
            found = evidence_suggestions(claim=claim, viewer=viewer, limit=5)
        assert found
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text ranking on PostgreSQL")
def test_postgres_matches_the_anchor_text_index(claim, source, teacher):
    """The query's vector is exactly the expression of the GIN index of migration 0010,
    so the planner may read the index (with sequential scans priced out)."""
    from debates.models import Anchor, Passage

    revision = source.current_revision
    filler = " ".join(f"word{i} timber stone" for i in range(10))
    anchors = Anchor.objects.bulk_create(
        Anchor(source=source, revision=revision, start=i, end=i + 1, exact=f"{filler} {i}")
        for i in range(500)
    )
    Passage.objects.bulk_create(
        Passage(anchor=anchor, source=source, kind="selection") for anchor in anchors
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as ctx:
        found = evidence_suggestions(claim=claim, viewer=teacher)
    assert quotes(found)[0] == BARGES
    (sql,) = [q["sql"] for q in ctx.captured_queries if "to_tsvector" in q["sql"]]
    assert "websearch_to_tsquery" in sql and "ts_rank_cd" in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "anchor_exact_search" in plan, plan


def test_word_forms_meet_in_the_fallback():
    from debates.selectors.suggestions import _stem

    assert {_stem(w) for w in ("trade", "traded", "trading", "trades")} == {"trad"}
    assert {_stem(w) for w in ("flood", "floods", "flooded")} == {"flood"}
    assert {_stem(w) for w in ("carry", "carries", "carried")} == {"carry"}
    assert _stem("rivers") == _stem("river") != _stem("rover")


def test_a_claim_in_other_word_forms_finds_its_passage(debate, teacher):
    claim = ClaimFactory(debate=debate, text="River towns trade more")
    assert quotes(evidence_suggestions(claim=claim, viewer=teacher))[0] == BARGES
