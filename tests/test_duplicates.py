"""Duplicates at write time (issue 13, point 3): the claims like a text being written, as one
types and on submit, and the moderators' "likely duplicates" with a one-click merge.

The selector runs on whichever database the suite uses: rapidfuzz on SQLite, pg_trgm on
PostgreSQL (DATABASE_URL=postgres://… runs the same tests there, and the engine-specific
ones below for each)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates import policy
from debates.models import AuditEntry, Claim, Debate, Membership
from debates.selectors import duplicates
from debates.selectors.duplicates import likely_duplicates, similar_claims

from .factories import ClaimFactory, DebateFactory, UserFactory

HX = {"HTTP_HX_REQUEST": "true"}
TRADE = "Towns on rivers traded more than inland towns"
NEAR_COPY = "Towns on rivers trade more than towns inland"
UNRELATED = "Floods left fertile soil behind for the farmers"
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm: run with DATABASE_URL=postgres://…"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the rapidfuzz engine")


@pytest.fixture
def issue(debate):
    return ClaimFactory(debate=debate, text="Should towns be built on rivers?")


@pytest.fixture
def position(debate, issue):
    return ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes, for trade"
    )


def argument(debate, parent, text, **fields):
    fields.setdefault("status", Claim.Status.PUBLISHED)
    fields.setdefault("author", debate.owner)
    return ClaimFactory(
        debate=debate, kind="argument", parent=parent, relation="supports", text=text, **fields
    )


@pytest.fixture
def trade(debate, position):
    return argument(debate, position, TRADE)


@pytest.fixture
def others(debate, position):
    return [
        argument(debate, position, UNRELATED),
        argument(debate, position, "Barges carried grain cheaply along the river"),
        argument(debate, position, "Mills stood by the water and ground the grain"),
    ]


def pks(found):
    return [claim.pk for claim, _ in found]


# --- the selector ---------------------------------------------------------------------------


def test_a_near_copy_finds_the_claim_first_and_unrelated_ones_are_not_offered(
    debate, student, trade, others
):
    found = similar_claims(debate=debate, text=NEAR_COPY, viewer=student)
    assert pks(found)[:1] == [trade.pk]
    assert others[0].pk not in pks(found)  # shares "the" and little else
    assert all(0 < score <= 1 for _, score in found)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    assert found[0][1] >= duplicates.thresholds().hold  # a near copy is held on submit
    assert (
        similar_claims(debate=debate, text="Solar panels on every school roof", viewer=student)
        == []
    )


def test_a_shorter_restatement_is_offered_while_typing_but_not_held(debate, student, trade):
    found = similar_claims(debate=debate, text="Towns on rivers traded more", viewer=student)
    assert pks(found) == [trade.pk]
    assert found[0][1] < duplicates.thresholds().hold


def test_limit_exclude_and_short_texts(debate, student, trade, position):
    second = argument(debate, position, "Towns on rivers traded far more than inland towns did")
    assert set(pks(similar_claims(debate=debate, text=TRADE, viewer=student))) == {
        trade.pk,
        second.pk,
    }
    assert len(similar_claims(debate=debate, text=TRADE, viewer=student, limit=1)) == 1
    assert pks(similar_claims(debate=debate, text=TRADE, viewer=student, exclude=[trade.pk])) == [
        second.pk
    ]
    assert similar_claims(debate=debate, text=" ?! ", viewer=student) == []
    assert similar_claims(debate=debate, text=TRADE, viewer=student, limit=0) == []


def test_only_claims_the_viewer_can_see_are_offered(debate, student, moderator, position, trade):
    classmate = UserFactory(username="classmate")
    Membership.objects.create(user=classmate, debate=debate, role=Membership.Role.VIEWER)
    pending = argument(
        debate,
        position,
        "Towns on rivers traded more than inland ones",
        status="proposed",
        author=classmate,
    )
    mine = argument(
        debate,
        position,
        "Towns on rivers traded more than the inland towns",
        status="proposed",
        author=student,
    )
    deleted = argument(debate, position, TRADE + " did", deleted_at=trade.created_at)
    rejected = argument(debate, position, TRADE + ".", status="rejected", author=student)
    # Published, but under a pending claim: off the map for everyone but moderators.
    under_pending = argument(debate, pending, TRADE + " by far")
    found = set(pks(similar_claims(debate=debate, text=TRADE, viewer=student)))
    assert trade.pk in found and mine.pk in found
    assert not found & {pending.pk, deleted.pk, rejected.pk, under_pending.pk}
    # Anonymous readers of a public debate: published claims only.
    from django.contrib.auth.models import AnonymousUser

    assert set(pks(similar_claims(debate=debate, text=TRADE, viewer=AnonymousUser()))) == {trade.pk}
    # A private debate one cannot see offers nothing.
    private = DebateFactory(visibility=Debate.Visibility.PRIVATE)
    argument_there = ClaimFactory(debate=private, text=TRADE)
    assert similar_claims(debate=private, text=TRADE, viewer=student) == []
    assert pks(similar_claims(debate=private, text=TRADE, viewer=private.owner)) == [
        argument_there.pk
    ]


def test_withheld_claims_are_not_offered(monkeypatch, debate, student, moderator, position, trade):
    """Work another app withholds (classes: "see classmates' work after you post") is never
    offered, except to the debate's moderators."""
    classmate = UserFactory(username="classmate")
    theirs = argument(
        debate, position, "Towns on rivers traded more than inland ones", author=classmate
    )
    from accounts.models import User

    def withhold(user, *, debate=None, source=None, **_):
        return User.objects.filter(pk=classmate.pk).values("pk") if debate is not None else None

    monkeypatch.setattr(policy, "_WITHHOLD_HOOKS", [withhold])
    assert pks(similar_claims(debate=debate, text=TRADE, viewer=student)) == [trade.pk]
    assert theirs.pk in pks(similar_claims(debate=debate, text=TRADE, viewer=moderator))


def test_a_fixed_number_of_queries_whatever_the_debate_size(debate, student, position, trade):
    def count():
        student.__dict__.pop("_crux_roles", None)
        student.__dict__.pop("_crux_may_wait", None)
        with CaptureQueriesContext(connection) as ctx:
            similar_claims(debate=debate, text=TRADE, viewer=student)
        return len(ctx)

    small = count()
    for i in range(30):
        argument(debate, position, f"Towns on rivers traded more, said witness {i}")
    assert count() == small
    assert small <= 4  # the role; whether a class assignment may withhold work from the
    # viewer; the texts and the claims offered (SQLite) or the nearest claims by each
    # measure (PostgreSQL)


@on_sqlite
def test_the_sqlite_engine_reads_the_texts_once(debate, student, trade, others):
    student.__dict__["_crux_roles"] = {debate.pk: "viewer"}
    student.__dict__["_crux_may_wait"] = False  # in no class
    with CaptureQueriesContext(connection) as ctx:
        assert pks(similar_claims(debate=debate, text=NEAR_COPY, viewer=student)) == [trade.pk]
    assert len(ctx) == 2
    assert "similarity" not in ctx[0]["sql"].lower()


@on_postgres
def test_the_postgres_engine_reads_the_nearest_claims_from_the_trigram_index(
    debate, student, trade, others
):
    student.__dict__["_crux_roles"] = {debate.pk: "viewer"}
    student.__dict__["_crux_may_wait"] = False  # in no class
    with CaptureQueriesContext(connection) as ctx:
        found = similar_claims(debate=debate, text=NEAR_COPY, viewer=student)
    assert pks(found) == [trade.pk]
    assert len(ctx) == 2  # nearest by whole text, nearest by words
    sqls = [q["sql"].upper() for q in ctx]
    assert "<->" in sqls[0] and "<<->" in sqls[1]
    assert all("SIMILARITY(" in sql and "LIMIT" in sql for sql in sqls)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'claim_debate_text_trgm'")
        (indexdef,) = cursor.fetchone()
        assert "(debate_id, text gist_trgm_ops)" in indexdef
        # A handful of rows reads quicker without an index: ask whether it can serve.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")  # nor the debate's btree, then a sort
        cursor.execute(
            "EXPLAIN SELECT id FROM debates_claim WHERE debate_id = %s"
            " ORDER BY text <-> %s LIMIT 20",
            [debate.pk, NEAR_COPY],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "claim_debate_text_trgm" in plan


# --- as one types ------------------------------------------------------------------------------


def similar_url(debate, **params):
    from urllib.parse import urlencode

    return reverse("debates:claim_similar", args=[debate.slug]) + "?" + urlencode(params)


def test_the_add_form_asks_as_one_types(client, debate, student, position):
    client.force_login(student)
    url = reverse("debates:claim_add", args=[debate.slug])
    html = client.get(url, {"parent": position.pk}, **HX).content.decode()
    hint = f"claim-{position.pk}-panel-similar"
    assert (
        f'hx-get="{reverse("debates:claim_similar", args=[debate.slug])}?parent={position.pk}"'
        in html
    )
    assert 'hx-trigger="input changed delay:400ms"' in html
    assert f'hx-target="#{hint}"' in html
    assert f'id="{hint}" aria-live="polite"' in html
    assert "[" not in html.split('hx-trigger="', 1)[1].split('"', 1)[0]  # no eval'd filter


def test_the_hint_lists_similar_claims_with_links(client, debate, student, position, trade, others):
    client.force_login(student)
    response = client.get(similar_url(debate, text=NEAR_COPY, parent=position.pk), **HX)
    assert response.status_code == 200
    html = response.content.decode()
    page = reverse("debates:claim", args=[debate.slug, trade.pk])
    assert f'This looks like <a href="{page}">#{trade.pk}' in html
    assert f'?parent={trade.pk}">add your point there</a>?' in html
    assert UNRELATED not in html
    assert "<html" not in html
    # Nothing like it, too short, or the claim being answered: an empty region.
    for params in (
        {"text": "Solar panels on every school roof"},
        {"text": "Towns"},
        {"text": "Yes, for trade, of course", "parent": position.pk},
    ):
        assert client.get(similar_url(debate, **params), **HX).content.decode().strip() == ""


def test_the_hint_is_404_for_a_debate_one_cannot_see(client, student, outsider):
    private = DebateFactory(visibility=Debate.Visibility.PRIVATE, slug="private-one")
    ClaimFactory(debate=private, text=TRADE)
    client.force_login(outsider)
    assert client.get(similar_url(private, text=TRADE), **HX).status_code == 404
    client.force_login(private.owner)
    assert TRADE in client.get(similar_url(private, text=TRADE), **HX).content.decode()


# --- on submit -------------------------------------------------------------------------------


def test_a_near_copy_is_held_until_confirmed(client, debate, teacher, position, trade):
    client.force_login(teacher)
    url = reverse("debates:claim_add", args=[debate.slug])
    data = {"parent": position.pk, "text": NEAR_COPY, "stance": "supports"}
    before = Claim.objects.count()
    held = client.post(url, data)
    assert held.status_code == 200
    html = held.content.decode()
    assert "This looks like a claim already on the map." in html
    assert f"#{trade.pk}" in html and NEAR_COPY in html  # what was typed is kept
    assert 'name="confirm_duplicate" value="1"' in html and "Add it anyway" in html
    assert Claim.objects.count() == before
    # In place (htmx): the form goes back into its panel, not over the map.
    held = client.post(url, data, **HX)
    assert held.status_code == 200
    assert held["HX-Retarget"] == f"#claim-{position.pk}-panel"
    assert "Add it anyway" in held.content.decode()
    assert Claim.objects.count() == before
    # Confirmed: written.
    done = client.post(url, {**data, "confirm_duplicate": "1"})
    assert done.status_code == 302
    assert Claim.objects.filter(text=NEAR_COPY, parent=position).count() == 1
    assert AuditEntry.objects.filter(action="claim_added").exists()


def test_distinct_claims_are_not_held(client, debate, teacher, position, trade, others):
    client.force_login(teacher)
    url = reverse("debates:claim_add", args=[debate.slug])
    for text in ("Towns on rivers traded more", "Yes, for mills", "River trade made towns rich"):
        response = client.post(url, {"parent": position.pk, "text": text, "stance": "supports"})
        assert response.status_code == 302, text
        assert Claim.objects.filter(text=text).exists()


def test_the_claim_answered_does_not_hold_its_reply(client, debate, teacher, position):
    client.force_login(teacher)
    url = reverse("debates:claim_add", args=[debate.slug])
    response = client.post(
        url, {"parent": position.pk, "text": "Yes, for trade!", "stance": "supports"}
    )
    assert response.status_code == 302


# --- the moderators' list ------------------------------------------------------------------------


@pytest.fixture
def proposal(debate, student, position, trade):
    return argument(debate, position, NEAR_COPY, status="proposed", author=student)


def test_likely_duplicates_pair_proposals_with_published_claims(
    debate, student, position, trade, others, proposal
):
    fresh = argument(
        debate, position, "Ferries were slow in winter", status="proposed", author=student
    )
    # A published position reads like the proposal but cannot take it (another kind).
    ClaimFactory(
        debate=debate, kind="position", parent=position.parent, relation="answers", text=NEAR_COPY
    )
    pairs = likely_duplicates(debate=debate)
    assert [(p.claim.pk, p.target.pk) for p in pairs] == [(proposal.pk, trade.pk)]
    assert pairs[0].score >= duplicates.thresholds().likely
    assert fresh.pk not in {p.claim.pk for p in pairs}
    assert likely_duplicates(debate=DebateFactory()) == []


def test_likely_duplicates_read_a_fixed_number_of_queries(
    debate, student, position, trade, proposal
):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            likely_duplicates(debate=debate)
        return len(ctx)

    small = count()
    for i in range(5):
        argument(debate, position, f"{TRADE} ({i})", status="proposed", author=student)
        argument(debate, position, f"{TRADE}, by witness {i}")
    assert count() == small <= 3


def test_the_queue_lists_likely_duplicates_and_merges_with_one_click(
    client, debate, moderator, student, trade, others, proposal
):
    client.force_login(moderator)
    queue = reverse("debates:queue", args=[debate.slug])
    html = client.get(queue).content.decode()
    assert "Likely duplicates" in html
    act = reverse("debates:queue_act", args=[debate.slug, "claim", proposal.pk, "merge"])
    assert f'action="{act}"' in html
    assert f'name="target" value="{trade.pk}"' in html and f"Merge into #{trade.pk}" in html
    response = client.post(act, {"target": trade.pk, "next": queue})
    assert response.status_code == 302 and response["Location"] == queue
    proposal.refresh_from_db()
    assert proposal.status == Claim.Status.MERGED and proposal.merged_into == trade
    assert AuditEntry.objects.filter(action="claim_merged").count() == 1
    assert "Likely duplicates" not in client.get(queue).content.decode()


def test_the_queue_shows_no_duplicates_section_without_any(
    client, debate, moderator, student, position, others
):
    argument(debate, position, "Ferries were slow in winter", status="proposed", author=student)
    client.force_login(moderator)
    assert (
        "Likely duplicates"
        not in client.get(reverse("debates:queue", args=[debate.slug])).content.decode()
    )
