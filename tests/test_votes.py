"""Votes and computed labels (issue 13, points 1–2, 5): two questions apart, one vote per
person per question, totals after one's own vote, and the labels on the map and claim page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from debates import services
from debates.models import Claim, Debate, Membership, Vote
from debates.selectors.reasoning import claim_votes, map_reasoning
from debates.services import events

from .factories import UserFactory

PUBLISHED = Claim.Status.PUBLISHED


@pytest.fixture
def tree(debate, teacher):
    def add(text, parent=None, kind=Claim.Kind.ARGUMENT, relation="supports"):
        return Claim.objects.create(
            debate=debate,
            kind=kind,
            parent=parent,
            relation=relation if parent is not None else "",
            text=text,
            author=teacher,
            status=PUBLISHED,
        )

    issue = add("Should rivers be dammed?", kind=Claim.Kind.ISSUE)
    position = add("Yes, for power.", issue, kind=Claim.Kind.POSITION, relation="answers")
    pro = add("Dams make clean power.", position, relation="supports")
    return {"issue": issue, "position": position, "pro": pro, "add": add}


def test_one_vote_per_question_changeable_and_in_the_history(tree, student):
    pro = tree["pro"]
    services.vote_cast(actor=student, claim=pro, question="acceptability", value=3)
    services.vote_cast(actor=student, claim=pro, question="acceptability", value=1)
    services.vote_cast(actor=student, claim=pro, question="relevance", value=4)
    votes = Vote.objects.filter(claim=pro, user=student)
    assert sorted(votes.values_list("question", "value")) == [
        ("acceptability", 1),
        ("relevance", 4),
    ]
    history = Vote.history.filter(claim_id=pro.pk, question="acceptability").order_by(
        "history_date"
    )
    assert [h.value for h in history] == [3, 1]
    assert history.last().history_user == student
    assert services.vote_clear(actor=student, claim=pro, question="relevance")
    assert not Vote.objects.filter(claim=pro, question="relevance").exists()


def test_who_may_vote_and_on_what(tree, outsider, student):
    position = tree["position"]
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=outsider, claim=position, question="acceptability", value=2)
    with pytest.raises(ValidationError, match="Only arguments"):
        services.vote_cast(actor=student, claim=position, question="relevance", value=2)
    for bad in (5, -1, "x", None):
        with pytest.raises(ValidationError, match="0 to 4"):
            services.vote_cast(actor=student, claim=position, question="acceptability", value=bad)
    with pytest.raises(ValidationError, match="not a question"):
        services.vote_cast(actor=student, claim=position, question="truth", value=2)
    proposed = tree["add"]("Pending idea", position)
    Claim.objects.filter(pk=proposed.pk).update(status=Claim.Status.PROPOSED)
    proposed.refresh_from_db()
    with pytest.raises(ValidationError, match="published"):
        services.vote_cast(actor=student, claim=proposed, question="acceptability", value=2)
    assert not Vote.objects.exists()


def test_totals_show_after_voting_unless_the_debate_shows_them(tree, student, moderator):
    pro = tree["pro"]
    services.vote_cast(actor=moderator, claim=pro, question="acceptability", value=4)
    mine = claim_votes(claim=pro, viewer=student)
    assert not mine["acceptability"].shown and mine["acceptability"].mine is None
    assert claim_votes(claim=pro, viewer=moderator)["acceptability"].shown
    services.vote_cast(actor=student, claim=pro, question="acceptability", value=0)
    tally = claim_votes(claim=pro, viewer=student)["acceptability"]
    assert tally.shown and tally.mine == 0
    assert tally.distribution == [1, 0, 0, 0, 1] and tally.mean == 2
    # A debate may show totals to all.
    debate = pro.debate
    debate.vote_totals = Debate.VoteTotals.ALWAYS
    debate.save()
    other = UserFactory()
    Membership.objects.create(user=other, debate=debate, role=Membership.Role.VIEWER)
    pro.refresh_from_db()
    assert claim_votes(claim=pro, viewer=other)["acceptability"].shown


def test_the_claim_page_votes_without_javascript_and_with_htmx(client, tree, student):
    pro = tree["pro"]
    url = reverse("debates:claim_vote", args=[pro.debate.slug, pro.pk])
    client.force_login(student)
    page = client.get(pro.get_absolute_url()).content.decode()
    assert "Is it true, or acceptable?" in page and "how much does it bear on" in page
    assert "The totals show once you have rated it" in page
    response = client.post(url, {"question": "acceptability", "value": "3"})
    assert response.status_code == 302 and response["Location"].endswith("#votes")
    fragment = client.post(url, {"question": "relevance", "value": "2"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert 'id="votes"' in html and "1 rating" in html and "<meter" in html
    bad = client.post(url, {"question": "relevance", "value": "9"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400
    client.logout()
    assert client.post(url, {"question": "acceptability", "value": "1"}).status_code in (
        302,
        403,
    )
    assert Vote.objects.filter(claim=pro).count() == 2


def changed(debate):
    """What a commit does after a change of the map: a new stamp (the test's transaction
    never commits, so its on-commit callbacks never run)."""
    events.map_changes_publish(debate_ids=[debate.pk])
    debate.refresh_from_db()


def test_a_counterargument_flips_a_position_and_a_rebuttal_flips_it_back(client, tree, teacher):
    position = tree["position"]
    debate = position.debate
    assert map_reasoning(debate=debate, viewer=teacher).label(position.pk) == "stands"
    con = tree["add"]("Dams kill fish.", position, relation="opposes")
    services.vote_cast(actor=teacher, claim=con, question="acceptability", value=4)
    changed(debate)
    reasons = map_reasoning(debate=debate, viewer=teacher)
    assert reasons.label(position.pk) == "defeated"
    assert "“Dams kill fish.” attacks it" in reasons.why(position.pk)
    page = client.get(debate.get_absolute_url()).content.decode()
    assert 'class="verdict-badge verdict-defeated"' in page
    tree["add"]("Fish ladders fix that.", con, relation="opposes")
    services.vote_cast(actor=teacher, claim=con, question="acceptability", value=3)
    changed(debate)
    assert map_reasoning(debate=debate, viewer=teacher).label(position.pk) == "stands"
    claim_page = client.get(position.get_absolute_url()).content.decode()
    assert "verdict-stands" in claim_page and "is answered by" in claim_page
    stands = client.get(reverse("debates:what_stands", args=[debate.slug])).content.decode()
    assert "Yes, for power." in stands and "1 is defeated" in stands


def test_votes_weigh_the_gradual_score(tree, teacher, student):
    position, pro = tree["position"], tree["pro"]
    debate = position.debate
    before = map_reasoning(debate=debate, viewer=teacher).scores[position.pk]
    services.vote_cast(actor=student, claim=pro, question="relevance", value=0)
    changed(debate)
    debate.refresh_from_db()
    after = map_reasoning(debate=debate, viewer=teacher).scores[position.pk]
    assert after < before  # a support rated irrelevant no longer lifts its position


def pros(response) -> str:
    """The claim page's column of pros."""
    page = response.content.decode()
    return page[page.index('<div class="pros">') : page.index('<div class="cons">')]


def test_replies_sort_by_impact_only_when_asked(client, tree, teacher, student):
    position = tree["position"]
    low = tree["add"]("Dams store water for dry years.", position)
    high = tree["pro"]
    for claim, acceptability, relevance in ((low, 4, 1), (high, 4, 4)):
        services.vote_cast(
            actor=student, claim=claim, question="acceptability", value=acceptability
        )
        services.vote_cast(actor=student, claim=claim, question="relevance", value=relevance)
    changed(position.debate)
    client.force_login(teacher)
    page = pros(client.get(position.get_absolute_url()))
    # The map's order (the order they were added) unless sorting is asked for.
    assert page.index(high.text) < page.index(low.text)
    Claim.objects.filter(pk=high.pk).update(order=5)
    changed(position.debate)
    page = pros(client.get(position.get_absolute_url()))
    assert page.index(low.text) < page.index(high.text)
    page = pros(client.get(position.get_absolute_url() + "?sort=impact"))
    assert page.index(high.text) < page.index(low.text)
    assert "impact 1.00" in page and "impact 0.25" in page


def test_the_api_gives_ratings_and_the_label(client, tree, student, moderator):
    pro = tree["pro"]
    url = reverse("api:claim-vote", args=[pro.pk])
    client.force_login(student)
    body = client.get(url).json()
    assert body["label"] == "stands" and body["why"].startswith("Stands")
    assert body["acceptability"] == {
        "mine": None,
        "shown": False,
        "count": None,
        "mean": None,
        "distribution": None,
    }
    response = client.post(
        url, {"question": "acceptability", "value": 3}, content_type="application/json"
    )
    assert response.status_code == 200
    body = client.get(url).json()
    assert body["acceptability"]["mine"] == 3 and body["acceptability"]["count"] == 1
    assert body["acceptability"]["distribution"] == [0, 0, 0, 1, 0]
    client.force_login(moderator)
    assert client.get(url).json()["acceptability"]["shown"] is True


def test_the_owner_chooses_to_show_totals_to_all(client, tree, teacher, student, moderator):
    debate = tree["pro"].debate
    url = reverse("debates:debate_settings", args=[debate.slug])
    client.force_login(teacher)
    page = client.get(url).content.decode()
    assert "Show rating totals" in page
    response = client.post(
        url,
        {
            "settings-title": debate.title,
            "settings-description": debate.description,
            "settings-visibility": debate.visibility,
            "settings-contribution_mode": debate.contribution_mode,
            "settings-vote_totals": "always",
        },
    )
    assert response.status_code in (200, 302)
    debate.refresh_from_db()
    assert debate.vote_totals == Debate.VoteTotals.ALWAYS
    services.vote_cast(actor=moderator, claim=tree["pro"], question="acceptability", value=2)
    tree["pro"].refresh_from_db()
    assert claim_votes(claim=tree["pro"], viewer=student)["acceptability"].shown


def test_a_claim_one_may_not_see_cannot_be_rated_and_is_not_found(client, tree, student):
    hidden = tree["add"]("Not yet reviewed.", tree["position"])
    Claim.objects.filter(pk=hidden.pk).update(status=Claim.Status.PROPOSED)
    client.force_login(student)
    url = reverse("debates:claim_vote", args=[hidden.debate.slug, hidden.pk])
    assert client.post(url, {"question": "acceptability", "value": "2"}).status_code == 404
    assert not Vote.objects.exists()


def test_the_collector_pause_nests_and_restores():
    import gc

    from debates.selectors.reasoning import _collector_paused

    assert gc.isenabled()
    with _collector_paused():
        with _collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
