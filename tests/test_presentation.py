"""Presentation mode (issue 11, point 7): one claim at a time for a projector, every move a
link, evidence on demand, no author names, the published map only, a fixed number of
queries whatever the map's size, and a private map's slides hidden from outsiders."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from debates.models import Claim, Debate, Membership
from debates.selectors import present

from .factories import DebateFactory, UserFactory, build_map, make_claim, make_evidence

PUBLISHED = Claim.Status.PUBLISHED


def slide_url(debate, claim=None) -> str:
    if claim is None:
        return reverse("debates:present", args=[debate.slug])
    return reverse("debates:present_claim", args=[debate.slug, claim.pk])


def hrefs(html: str, rel: str) -> list[str]:
    return re.findall(rf'<a [^>]*rel="{rel}"[^>]*href="([^"]+)"', html)


@pytest.fixture
def talk(debate, teacher, student, source):
    """Issue → two positions; under the first, a pro argument (with a quote) and a con."""
    claims = {}
    claims["issue"] = make_claim(
        debate=debate,
        kind="issue",
        text="Should towns fear their rivers?",
        author=teacher,
        status=PUBLISHED,
    )
    claims["yes"] = make_claim(
        debate=debate,
        kind="position",
        parent=claims["issue"],
        text="Yes, floods ruin them",
        author=teacher,
        status=PUBLISHED,
    )
    claims["no"] = make_claim(
        debate=debate,
        kind="position",
        parent=claims["issue"],
        text="No, rivers feed them",
        author=teacher,
        status=PUBLISHED,
    )
    claims["pro"] = make_claim(
        debate=debate,
        kind="argument",
        parent=claims["yes"],
        relation="supports",
        text="Harbours had to be rebuilt again and again",
        author=student,
        status=PUBLISHED,
    )
    claims["con"] = make_claim(
        debate=debate,
        kind="argument",
        parent=claims["yes"],
        relation="opposes",
        text="The floods also left fertile soil",
        author=student,
        status=PUBLISHED,
    )
    passage = source.passages.get(label="Costs")
    make_evidence(claim=claims["pro"], passage=passage, author=student, status=PUBLISHED)
    claims["passage"] = passage
    return claims


def test_the_title_slide_names_the_debate_and_lists_its_issues(client, debate, talk):
    response = client.get(slide_url(debate))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rivers" in html and talk["issue"].text in html
    assert f'href="{slide_url(debate, talk["issue"])}"' in html
    # "Start" (Space) opens the first issue; no site header, search or menus.
    assert hrefs(html, "next") == [slide_url(debate, talk["issue"])]
    assert "site-header" not in html and "site-search" not in html
    assert "crux/present.js" in html


def test_a_slide_shows_the_claim_its_replies_in_words_and_colour_and_their_evidence(
    client, debate, talk
):
    html = client.get(slide_url(debate, talk["yes"])).content.decode()
    assert '<h1 class="slide-claim"' in html and talk["yes"].text in html
    children = html.split('class="slide-children"', 1)[1]
    pro = children.index(talk["pro"].text)
    con = children.index(talk["con"].text)
    # Each reply says its stance in a word, in the stance's colour class.
    assert '<span class="stance stance-supports">Pro</span>' in children[:pro]
    assert '<span class="stance stance-opposes">Con</span>' in children[pro:con]
    assert "1 pro" in html and "1 con" in html
    # The quote is there on demand: inside a closed <details>, with a link to the passage.
    quote = talk["passage"].anchor.exact
    details = re.search(r"<details class=\"slide-evidence\"[^>]*>(.*?)</details>", html, re.S)
    assert details and "open" not in details.group(0).split(">", 1)[0]
    assert "Rebuilding cost a fortune" in details.group(1)
    assert quote.split(":")[-1].strip() in details.group(1)
    assert f'href="{talk["passage"].get_absolute_url()}"' in details.group(1)


def test_every_move_is_a_link(client, debate, talk):
    issue, yes, no, pro = talk["issue"], talk["yes"], talk["no"], talk["pro"]
    first = client.get(slide_url(debate, yes)).content.decode()
    assert hrefs(first, "up") == [slide_url(debate, issue)]
    assert hrefs(first, "next") == [slide_url(debate, no)]
    assert hrefs(first, "prev") == []  # the first position: nothing before it
    assert f'href="{slide_url(debate, pro)}"' in first  # into a reply
    assert f'href="{debate.get_absolute_url()}#claim-{yes.pk}"' in first  # back to the map
    second = client.get(slide_url(debate, no)).content.decode()
    assert hrefs(second, "prev") == [slide_url(debate, yes)]
    assert hrefs(second, "next") == []
    # An issue goes up to the title slide.
    assert hrefs(client.get(slide_url(debate, issue)).content.decode(), "up") == [slide_url(debate)]
    leaf = client.get(slide_url(debate, pro)).content.decode()
    assert "No replies yet." in leaf
    assert hrefs(leaf, "up") == [slide_url(debate, yes)]


def test_the_map_page_links_to_the_presentation_and_the_handout(client, debate, talk):
    html = client.get(debate.get_absolute_url()).content.decode()
    assert f'href="{slide_url(debate)}"' in html
    assert f'href="{reverse("debates:handout", args=[debate.slug])}"' in html


@pytest.mark.parametrize("viewer", ["anonymous", "teacher", "student", "moderator"])
def test_no_author_name_is_ever_shown(client, debate, talk, teacher, student, moderator, viewer):
    if viewer != "anonymous":
        client.force_login({"teacher": teacher, "student": student, "moderator": moderator}[viewer])
    for claim in (None, talk["issue"], talk["yes"], talk["pro"]):
        html = client.get(slide_url(debate, claim)).content.decode()
        for person in (teacher, student):
            assert person.display_name not in html, (viewer, claim)
            assert f"/{person.username}/" not in html, (viewer, claim)
            assert person.public_name not in html, (viewer, claim)


def test_hidden_and_pending_claims_never_reach_a_slide(
    client, debate, talk, teacher, student, moderator, source
):
    yes = talk["yes"]
    pending = make_claim(
        debate=debate,
        kind="argument",
        parent=yes,
        relation="supports",
        text="A proposal waiting for review",
        author=student,
        status=Claim.Status.PROPOSED,
    )
    under_pending = make_claim(
        debate=debate,
        kind="argument",
        parent=pending,
        relation="opposes",
        text="Published under a proposal",
        author=teacher,
        status=PUBLISHED,
    )
    rejected = make_claim(
        debate=debate,
        kind="argument",
        parent=yes,
        relation="opposes",
        text="A rejected argument",
        author=student,
        status=Claim.Status.REJECTED,
    )
    deleted = make_claim(
        debate=debate,
        kind="argument",
        parent=yes,
        relation="opposes",
        text="A deleted argument",
        author=teacher,
        status=PUBLISHED,
    )
    Claim.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    # Proposed evidence on a published claim: not quoted either.
    make_evidence(
        claim=talk["con"],
        passage=source.passages.get(label="Benefits"),
        author=student,
        status=Claim.Status.PROPOSED,
    )
    hidden = [pending, under_pending, rejected, deleted]
    # The moderator sees proposals on the map, and the student their own: on a projector
    # neither does.
    for viewer in (None, student, moderator, teacher):
        client.logout()
        if viewer:
            client.force_login(viewer)
        html = client.get(slide_url(debate, yes)).content.decode()
        for claim in hidden:
            assert claim.text not in html, viewer
            assert client.get(slide_url(debate, claim)).status_code == 404, (viewer, claim)
        assert "Floods left fertile soil behind" not in html, viewer
        assert "2 con" not in html and "1 con" in html
    slide = present.slide(debate=debate, viewer=moderator, claim_pk=yes.pk)
    assert [item.claim.pk for item in slide.children] == [talk["pro"].pk, talk["con"].pk]


def test_a_claim_of_another_debate_or_none_is_404(client, debate, talk):
    other = DebateFactory(slug="other")
    elsewhere = make_claim(
        debate=other, kind="issue", text="Elsewhere?", author=other.owner, status=PUBLISHED
    )
    assert client.get(slide_url(debate, elsewhere)).status_code == 404
    url = reverse("debates:present_claim", args=[debate.slug, 999999])
    assert client.get(url).status_code == 404


def test_a_private_map_is_404_to_outsiders(client, outsider, student):
    owner = UserFactory(username="owner")
    private = DebateFactory(slug="private", owner=owner, visibility=Debate.Visibility.PRIVATE)
    Membership.objects.create(user=student, debate=private, role=Membership.Role.VIEWER)
    issue = make_claim(
        debate=private,
        kind="issue",
        text="A private question?",
        author=owner,
        status=PUBLISHED,
    )
    urls = [slide_url(private), slide_url(private, issue)]
    for url in urls:
        assert client.get(url).status_code == 404  # anonymous
    client.force_login(outsider)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404
        assert b"A private question?" not in response.content
    client.force_login(student)
    for url in urls:
        assert client.get(url).status_code == 200


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["anonymous", "moderator"])
def test_a_fixed_number_of_queries_whatever_the_map_size(client, moderator, viewer):
    small = DebateFactory(slug="small")
    big = DebateFactory(slug="big")
    for debate in (small, big):
        Membership.objects.create(user=moderator, debate=debate, role=Membership.Role.MODERATOR)
    small_claims = build_map(small, 12)
    big_claims = build_map(big, 600)
    if viewer == "moderator":
        client.force_login(moderator)

    def deepest_with_replies(claims):
        parents = {c.parent_id for c in claims}
        return [c for c in claims if c.pk in parents][-1]

    for pick in (
        lambda claims: None,
        lambda claims: claims[0],  # an issue
        lambda claims: next(c for c in claims if c.kind == "position"),
        deepest_with_replies,
    ):
        counts = [
            _queries(client, slide_url(debate, pick(claims)))
            for debate, claims in ((small, small_claims), (big, big_claims))
        ]
        assert counts[0] == counts[1], counts
        assert counts[1] <= 8, counts
