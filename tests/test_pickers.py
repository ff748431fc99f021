"""The pickers: the claim picker for citing a passage (only debates grounded in the source,
none of others' private debates, ranked by likeness to the selected words, bounded queries,
htmx and a plain search without script), the merge picker (ranked by likeness to the claim
being merged), and a new note's default audience."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates.models import Claim, Debate, Evidence, Membership
from debates.selectors import pickers

from .factories import ClaimFactory, DebateFactory, UserFactory, build_map

HX = {"HTTP_HX_REQUEST": "true"}
QUOTE = "Barges carried grain cheaply."


@pytest.fixture
def span(source):
    start = source.current_revision.text.index(QUOTE)
    return {"start": start, "end": start + len(QUOTE)}


@pytest.fixture
def tree(debate):
    issue = ClaimFactory(debate=debate, text="Should towns be built on rivers?")
    floods = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="No: floods"
    )
    trade = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes, for trade"
    )
    barges = ClaimFactory(
        debate=debate,
        kind="argument",
        parent=trade,
        relation="supports",
        text="Grain went cheaply by barge on the river",
        order=5,
    )
    return {"issue": issue, "floods": floods, "trade": trade, "barges": barges}


def offered(html: str) -> list[int]:
    """The claim pks a picker fragment offers, in its order."""
    return [int(pk) for pk in re.findall(r'type="radio" name="[^"]+" value="(\d+)"', html)]


def pick(client, source, span=None, **params):
    if span:
        params = {"cite-start": span["start"], "cite-end": span["end"], **params}
    url = reverse("debates:claim_picker", args=[source.pk])
    return client.get(url, params, **HX)


def test_the_claim_most_like_the_selection_comes_first(client, student, source, span, tree):
    client.force_login(student)
    response = pick(client, source, span)
    assert response.status_code == 200
    pks = offered(response.content.decode())
    assert pks[0] == tree["barges"].pk
    assert set(pks) == {c.pk for c in tree.values()}
    assert 'name="cite-claim"' in response.content.decode()


def test_a_search_keeps_only_claims_with_its_words(client, student, source, span, tree):
    client.force_login(student)
    assert offered(pick(client, source, span, q="flood").content.decode()) == [tree["floods"].pk]
    html = pick(client, source, span, q="zeppelin").content.decode()
    assert offered(html) == [] and "No claim holds the words “zeppelin”" in html


def test_a_new_search_keeps_the_claim_already_chosen(client, student, source, span, tree):
    """The box sends the choice already made (hx-include); the new list keeps it, chosen,
    even when the new words would leave it out: typing on after choosing loses nothing."""
    client.force_login(student)
    floods = tree["floods"].pk
    html = pick(client, source, span, q="barge", **{"cite-claim": floods}).content.decode()
    assert floods in offered(html) and tree["barges"].pk in offered(html)
    assert re.search(rf'value="{floods}"[^>]*\bchecked\b', html)
    # The template sends it: the box includes the checked radio of its own list.
    page = client.get(reverse("debates:annotation_new", args=[source.pk]), span).content.decode()
    assert "#cite-claim-options input:checked" in page


def test_only_debates_grounded_in_the_source_and_never_others_private_ones(
    client, student, source, span, tree, teacher
):
    # A debate the student belongs to, not grounded in this source.
    elsewhere = DebateFactory(title="Elsewhere", owner=teacher)
    Membership.objects.create(user=student, debate=elsewhere, role="contributor")
    off_source = ClaimFactory(debate=elsewhere, text="Barges carried grain cheaply elsewhere")
    # Grounded in the source, but private and someone else's.
    private = DebateFactory(title="Secret", owner=teacher, visibility=Debate.Visibility.PRIVATE)
    private.sources.add(source)
    secret = ClaimFactory(debate=private, text="Barges carried grain cheaply in secret")
    # Grounded and public, but the student is no member: they may not cite in it.
    public = DebateFactory(title="Public", owner=teacher)
    public.sources.add(source)
    not_theirs = ClaimFactory(debate=public, text="Barges carried grain cheaply in public")
    # Grounded but closed to contributions.
    closed = DebateFactory(title="Closed", owner=teacher, contribution_mode=Debate.Mode.CLOSED)
    closed.sources.add(source)
    Membership.objects.create(user=student, debate=closed, role="contributor")
    shut = ClaimFactory(debate=closed, text="Barges carried grain cheaply, closed")

    client.force_login(student)
    for query in ("", "cheaply"):
        pks = offered(pick(client, source, span, q=query).content.decode())
        assert tree["barges"].pk in pks
        assert not {off_source.pk, secret.pk, not_theirs.pk, shut.pk} & set(pks), query
    # And the cite form refuses a claim the picker would not offer.
    data = {
        "cite-start": span["start"],
        "cite-end": span["end"],
        "cite-revision": source.current_revision.number,
        "cite-mode": "attach",
        "cite-claim": off_source.pk,
        "cite-relation": "supports",
    }
    response = client.post(reverse("debates:cite", args=[source.pk]), data, follow=True)
    assert "Nothing was cited" in response.content.decode()
    assert not Evidence.objects.exists()


def test_anonymous_people_and_outsiders_get_no_claims(client, outsider, source, span, tree):
    assert pick(client, source, span).status_code == 204
    client.force_login(outsider)
    assert offered(pick(client, source, span).content.decode()) == []


def test_the_picker_reads_a_bounded_number_of_rows(client, student, source, span, debate):
    client.force_login(student)
    build_map(debate, 20)
    with CaptureQueriesContext(connection) as small:
        assert len(offered(pick(client, source, span).content.decode())) <= pickers.RESULTS
    build_map(debate, 700)
    assert Claim.objects.filter(debate=debate).count() > pickers.CANDIDATES
    with CaptureQueriesContext(connection) as large:
        assert len(offered(pick(client, source, span).content.decode())) == pickers.RESULTS
    assert len(large) == len(small)
    with CaptureQueriesContext(connection) as searched:
        html = pick(client, source, span, q="argument").content.decode()
    assert len(offered(html)) == pickers.RESULTS
    assert len(searched) <= len(small)
    # Every read of claim rows is LIMITed (the ranking is done over those few hundred).
    for queries in (large, searched):
        reads = [q["sql"] for q in queries.captured_queries if '"debates_claim"."text"' in q["sql"]]
        assert reads and all("LIMIT" in sql for sql in reads), reads


def test_without_javascript_the_search_is_a_plain_get(client, student, source, span, tree):
    client.force_login(student)
    url = reverse("debates:claim_picker", args=[source.pk])
    response = client.get(url, {"start": span["start"], "end": span["end"], "q": "flood"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'id="claim-search"' in page and 'form="claim-search"' in page
    assert offered(page) == [tree["floods"].pk]
    # Without a search, the claims closest to the passage first.
    page = client.get(
        reverse("debates:annotation_new", args=[source.pk]),
        {"start": span["start"], "end": span["end"]},
    ).content.decode()
    assert offered(page)[0] == tree["barges"].pk


def test_the_reader_reads_no_claims_for_its_picker(client, student, source, tree):
    client.force_login(student)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(source.get_absolute_url()).content.decode()
    assert 'id="cite-form"' in html and offered(html) == []
    assert not [q for q in queries.captured_queries if '"debates_claim"."text"' in q["sql"]]


# --- a new note's audience and the debate picker -------------------------------------------


def test_a_new_note_defaults_to_the_members_of_the_grounded_debate(client, student, source, debate):
    other = DebateFactory(title="Not about this source")
    Membership.objects.create(user=student, debate=other, role="viewer")
    client.force_login(student)
    html = client.get(source.get_absolute_url()).content.decode()
    visibility = re.search(r'<select name="note-visibility".*?</select>', html, re.S).group()
    assert re.search(r'<option value="debate" selected>', visibility)
    debates = re.search(r'<select name="note-debate".*?</select>', html, re.S).group()
    assert re.search(rf'<option value="{debate.pk}" selected>', debates)
    assert "Not about this source" not in debates  # only debates grounded in this source


def test_without_a_grounded_debate_a_new_note_is_private(client, outsider, source, debate):
    client.force_login(outsider)
    html = client.get(source.get_absolute_url()).content.decode()
    visibility = re.search(r'<select name="note-visibility".*?</select>', html, re.S).group()
    assert re.search(r'<option value="private" selected>', visibility)
    assert 'id="cite-form"' not in html  # nothing to cite for


# --- the moderator's merge picker ----------------------------------------------------------


@pytest.fixture
def duplicate(debate, tree):
    trade = tree["trade"]
    argument = lambda text, **kw: ClaimFactory(  # noqa: E731
        debate=debate, kind="argument", parent=trade, relation="supports", text=text, **kw
    )
    return {
        "dup": argument("Barges on the river carried grain cheaply", status="proposed"),
        "close": argument("Grain went cheaply by barge on the river"),
        "far": argument("Markets met at the ford"),
        "other": argument("Mills ground the grain"),
    }


def test_merge_targets_are_ranked_by_likeness_to_the_claim(
    client, debate, moderator, duplicate, tree
):
    client.force_login(moderator)
    dup = duplicate["dup"]
    url = reverse("debates:queue_act", args=[debate.slug, "claim", dup.pk, "merge"])
    page = client.get(url).content.decode()
    pks = offered(page)
    assert set(pks[:2]) == {tree["barges"].pk, duplicate["close"].pk}  # the same words
    assert dup.pk not in pks and tree["trade"].pk not in pks  # not itself, not another kind
    assert f'id="merge-{dup.pk}-search"' in page  # the plain search's form
    # As one types (htmx), and without script (?q= on the act page).
    picker = reverse("debates:merge_picker", args=[debate.slug, dup.pk])
    assert offered(client.get(picker, {"q": "ford"}, **HX).content.decode()) == [
        duplicate["far"].pk
    ]
    # A choice made before typing on stays listed and chosen.
    kept = client.get(picker, {"q": "ford", "target": duplicate["other"].pk}, **HX)
    assert duplicate["other"].pk in offered(kept.content.decode())
    assert re.search(rf'value="{duplicate["other"].pk}"[^>]*\bchecked\b', kept.content.decode())
    assert offered(client.get(url, {"q": "mills"}).content.decode()) == [duplicate["other"].pk]
    # The choice still merges (the form checks it against every possible target).
    response = client.post(url, {"target": duplicate["far"].pk, "reason": "Same."})
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into == duplicate["far"]


def test_only_moderators_may_ask_the_merge_picker(client, debate, student, duplicate):
    picker = reverse("debates:merge_picker", args=[debate.slug, duplicate["dup"].pk])
    client.force_login(student)
    assert client.get(picker, **HX).status_code == 404
    client.force_login(UserFactory())
    assert client.get(picker, **HX).status_code == 404


# --- the ranking itself ----------------------------------------------------------------------


def test_words_and_similarity():
    assert pickers.words("The sanctions, and Sanctioning!") == {"sanction"}
    assert pickers.words("Moscow’s posture") == {"moscow", "posture"}
    same = pickers.words("Barges carried grain cheaply")
    assert pickers.similarity(same, same) == pytest.approx(1.0)
    assert pickers.similarity(same, pickers.words("Floods destroyed harbours")) == 0.0
    assert pickers.similarity(set(), same) == 0.0
