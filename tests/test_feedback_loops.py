"""Feedback loops: notifications for replies, @mentions and being added to a debate; a
rejected claim edited and resubmitted by its author; and the rough edges of the map and
the queue (counts after an in-place add, the edit-then-approve message, pending evidence,
the colour of "Rejected")."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from debates import services
from debates.markdown import mentioned_usernames, render_markdown
from debates.models import AuditEntry, Claim, ClaimEdit, Membership, Notification

from .factories import (
    ClaimFactory,
    UserFactory,
    annotate_quote,
    make_claim,
    make_evidence,
)

HX = {"HTTP_HX_REQUEST": "true"}
QUOTE = "Barges carried grain cheaply."
STATIC = Path(__file__).resolve().parent.parent / "static" / "crux"


@pytest.fixture
def position(debate, teacher):
    issue = ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")
    return ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes, by trade."
    )


def notified(user, verb=None):
    told = Notification.objects.filter(recipient=user)
    return told.filter(verb=verb) if verb else told


def members_note(source, debate, author, body="Worth a look."):
    return annotate_quote(source, QUOTE, author, body=body, visibility="debate", debate=debate)


# --- replies -------------------------------------------------------------------------------


def test_a_reply_tells_the_notes_author_in_the_app_and_by_email(
    debate, source, teacher, student, mailoutbox, django_capture_on_commit_callbacks
):
    note = members_note(source, debate, teacher)
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.annotation_reply(actor=student, parent=note, body="I agree.")
    (told,) = notified(teacher)
    assert told.verb == "replied" and told.annotation_id == reply.pk
    assert told.debate_id == debate.pk and told.actor_id == student.pk
    assert told.url == reverse("debates:source", args=[source.pk]) + f"#note-{reply.pk}"
    assert "Student replied to your note" in told.message and "I agree." in told.message
    assert [m.to for m in mailoutbox] == [["teacher@example.org"]]
    # Replying in one's own thread tells nobody.
    services.annotation_reply(actor=teacher, parent=note, body="Thanks.")
    assert not notified(student).exists() and notified(teacher).count() == 1


def test_a_reply_to_a_reply_tells_both_authors_once(debate, source, teacher, student, moderator):
    note = members_note(source, debate, teacher)
    first = services.annotation_reply(actor=student, parent=note, body="First.")
    services.annotation_reply(actor=moderator, parent=first, body="Second.")
    assert notified(student, "replied").count() == 1  # the reply replied to
    assert notified(teacher, "replied").count() == 2  # the thread's note, twice replied to


# --- mentions ------------------------------------------------------------------------------


def test_mentions_are_read_as_they_render_and_link_to_the_profile():
    assert mentioned_usernames("Hi @alice and @bob.smith, not ann@example.org or `@code`.") == [
        "alice",
        "bob.smith",
    ]
    assert mentioned_usernames("@alice @alice") == ["alice"]
    html = render_markdown("Ask @alice. See [@bob](https://example.org)")
    profile = reverse("accounts:profile", args=["alice"])
    assert f'<a href="{profile}" class="mention">@alice</a>.' in html
    assert "people/bob" not in html  # a link's text stays the link it is
    assert render_markdown("<script>@x</script>") == ""


def test_a_mention_in_a_public_note_tells_the_person_named(
    client, source, teacher, student, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = annotate_quote(source, QUOTE, student, body="What do you think, @outsider?")
    (told,) = notified(outsider)
    assert told.verb == "mentioned" and told.annotation_id == note.pk
    assert "Student mentioned you in a note" in told.message
    assert [m.to for m in mailoutbox] == [["outsider@example.org"]]
    client.force_login(teacher)
    html = client.get(reverse("debates:source", args=[source.pk])).content.decode()
    assert f'href="{reverse("accounts:profile", args=["outsider"])}" class="mention"' in html


def test_a_private_note_mentions_nobody(source, student, teacher):
    annotate_quote(source, QUOTE, student, body="Note to self: ask @teacher.", visibility="private")
    assert not Notification.objects.exists()


def test_a_members_only_note_tells_only_members(debate, source, student, moderator, outsider):
    members_note(source, debate, student, body="@moderator and @outsider, look.")
    assert notified(moderator, "mentioned").count() == 1
    assert not notified(outsider).exists()  # may not read it: not told of it


def test_nobody_is_told_of_their_own_note_or_twice_of_one_note(
    debate, source, teacher, student, moderator
):
    note = members_note(source, debate, student, body="@student @moderator @moderator")
    assert not notified(student).exists()
    assert notified(moderator).count() == 1
    # An edit tells only those newly mentioned.
    services.annotation_update(
        actor=student,
        annotation=note,
        body="@moderator and now @teacher",
        visibility="debate",
        debate=debate,
    )
    assert notified(moderator).count() == 1 and notified(teacher, "mentioned").count() == 1
    # Replied to and mentioned in the same reply: one notification.
    services.annotation_reply(actor=moderator, parent=note, body="Sure, @student.")
    assert notified(student).count() == 1


def test_the_mention_list_offers_the_notes_debate_members_by_prefix(
    client, debate, source, teacher, student, moderator, outsider
):
    note = members_note(source, debate, student)
    url = reverse("debates:note_mentions", args=[note.pk])
    assert client.get(url).status_code == 302  # log in first
    client.force_login(student)

    def names(prefix: str) -> list[str]:
        response = client.get(url, {"q": prefix})
        assert response.status_code == 200
        return [person["username"] for person in response.json()["results"]]

    assert names("") == ["moderator", "teacher"]  # the owner too; never oneself
    assert names("mo") == ["moderator"]
    assert names("@MS") == ["teacher"]  # by display name, any case, the @ optional
    assert names("out") == []  # not a member: could not read the note
    client.force_login(outsider)
    assert client.get(url, {"q": "t"}).status_code == 404  # cannot read the note either


def test_a_note_outside_any_debate_suggests_those_who_wrote_in_its_thread(
    client, source, teacher, student, outsider
):
    note = annotate_quote(source, QUOTE, student, body="Public thought.")
    services.annotation_reply(actor=teacher, parent=note, body="Agreed.")
    client.force_login(outsider)
    url = reverse("debates:note_mentions", args=[note.pk])
    people = client.get(url, {"q": ""}).json()["results"]
    assert people == [
        {"username": "student", "name": "Student"},
        {"username": "teacher", "name": "Ms Teacher"},
    ]


def test_a_private_note_suggests_nobody(client, source, student, teacher):
    note = annotate_quote(source, QUOTE, student, body="Mine.", visibility="private")
    client.force_login(student)
    url = reverse("debates:note_mentions", args=[note.pk])
    assert client.get(url, {"q": "t"}).json() == {"results": []}


def test_reply_boxes_carry_the_mention_list_and_the_reader_loads_the_script(
    client, debate, source, student
):
    note = members_note(source, debate, student)
    private = annotate_quote(
        source, "Floods left fertile soil behind.", student, body="Mine.", visibility="private"
    )
    client.force_login(student)
    html = client.get(reverse("debates:source", args=[source.pk])).content.decode()
    assert f'data-mentions="{reverse("debates:note_mentions", args=[note.pk])}"' in html
    assert reverse("debates:note_mentions", args=[private.pk]) not in html
    assert "crux/mentions.js" in html


# --- added to a debate ----------------------------------------------------------------------


def test_being_added_to_a_debate_is_told_once(
    debate, teacher, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.member_set(debate=debate, actor=teacher, user=outsider, role="contributor")
    (told,) = notified(outsider)
    assert told.verb == "added" and told.url == debate.get_absolute_url()
    assert told.message == "Ms Teacher added you to “Rivers” as contributor."
    assert [m.to for m in mailoutbox] == [["outsider@example.org"]]
    services.member_set(debate=debate, actor=teacher, user=outsider, role="moderator")
    assert notified(outsider).count() == 1  # a change of role is not an addition


def test_adding_a_member_through_the_settings_page_tells_them(client, debate, teacher, outsider):
    client.force_login(teacher)
    response = client.post(
        reverse("debates:member_add", args=[debate.slug]),
        {"member-username": outsider.username, "member-role": "viewer"},
    )
    assert response.status_code == 302
    assert notified(outsider, "added").count() == 1


# --- resubmitting a rejected claim ------------------------------------------------------------


@pytest.fixture
def rejected(debate, position, student, teacher):
    claim = make_claim(
        debate=debate,
        kind="argument",
        parent=position,
        relation="supports",
        text="Rivers are wet.",
        author=student,
        status="proposed",
    )
    return services.claim_reject(claim=claim, actor=teacher, reason="Say how rivers help trade.")


def resubmit_url(claim):
    return reverse("debates:claim_resubmit", args=[claim.debate.slug, claim.pk])


def test_the_author_edits_a_rejected_claim_with_the_reason_in_view_and_resubmits_it(
    client, debate, student, moderator, rejected
):
    client.force_login(student)
    page = client.get(rejected.get_absolute_url()).content.decode()
    assert resubmit_url(rejected) in page and "pill-status-rejected" in page
    form = client.get(resubmit_url(rejected)).content.decode()
    assert "Say how rivers help trade." in form and "Resubmit for review" in form
    response = client.post(
        resubmit_url(rejected), {"text": "Rivers carry barges to market.", "version": 1}
    )
    assert response.status_code == 302
    assert response["Location"] == rejected.get_absolute_url()
    rejected.refresh_from_db()
    assert rejected.status == "proposed" and rejected.version == 2
    assert rejected.text == "Rivers carry barges to market." and rejected.status_reason == ""
    states = [(h.status, h.text) for h in rejected.history.order_by("history_date", "history_id")]
    assert ("rejected", "Rivers are wet.") in states
    assert states[-1] == ("proposed", "Rivers carry barges to market.")
    assert rejected.history.order_by("-history_id").first().history_user_id == student.pk
    entry = AuditEntry.objects.get(action="claim_resubmitted")
    assert entry.actor_id == student.pk and "Say how rivers help trade." in entry.reason
    client.force_login(moderator)
    queue = client.get(reverse("debates:queue", args=[debate.slug])).content.decode()
    assert "Rivers carry barges to market." in queue


def test_only_the_author_resubmits(client, debate, moderator, teacher, rejected):
    client.force_login(moderator)
    assert resubmit_url(rejected) not in client.get(rejected.get_absolute_url()).content.decode()
    assert client.get(resubmit_url(rejected)).status_code == 403
    response = client.post(resubmit_url(rejected), {"text": "Moderated.", "version": 1})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.claim_resubmit(actor=teacher, claim=rejected, text="Mine now", base_version=1)
    classmate = UserFactory(username="classmate")
    Membership.objects.create(user=classmate, debate=debate, role="viewer")
    client.force_login(classmate)
    assert client.get(resubmit_url(rejected)).status_code == 404  # not theirs to see
    rejected.refresh_from_db()
    assert rejected.status == "rejected" and rejected.version == 1


def test_a_resubmission_must_change_the_text_and_only_a_rejected_claim_is_resubmitted(
    client, student, rejected
):
    client.force_login(student)
    response = client.post(resubmit_url(rejected), {"text": "Rivers are wet.", "version": 1})
    assert response.status_code == 400
    assert "Change the text before resubmitting" in response.content.decode()
    services.claim_resubmit(
        actor=student, claim=rejected, text="Rivers carry barges.", base_version=1
    )
    again = client.post(resubmit_url(rejected), {"text": "Once more.", "version": 2})
    assert again.status_code == 403  # pending again: nothing to resubmit


@override_settings(CRUX_WRITE_RATE=0.01, CRUX_WRITE_BURST=1)
def test_resubmitting_is_throttled_like_other_writes(client, student, rejected):
    client.force_login(student)
    first = client.post(resubmit_url(rejected), {"text": "Rivers are wet.", "version": 1})
    assert first.status_code == 400  # refused, but it spent the one token
    second = client.post(resubmit_url(rejected), {"text": "Rivers carry barges.", "version": 1})
    assert second.status_code == 429
    rejected.refresh_from_db()
    assert rejected.status == "rejected"


# --- the map's header counts after an in-place add ----------------------------------------


def test_an_in_place_add_also_swaps_the_maps_header_counts(client, debate, position, teacher):
    client.force_login(teacher)
    page = client.get(debate.get_absolute_url()).content.decode()
    assert re.search(r'id="map-counts">\s*1 issue ·\s*2 claims', page)
    response = client.post(
        reverse("debates:claim_add", args=[debate.slug]),
        {"parent": position.pk, "text": "Barges were cheap.", "stance": "supports"},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="map-tree"' in html
    assert re.search(r'id="map-counts" hx-swap-oob="true">\s*1 issue ·\s*3 claims', html)


# --- edit, then approve: the confirmation shows the new text ------------------------------


def test_edit_then_approve_confirms_with_the_new_text(client, debate, position, student, moderator):
    claim = make_claim(
        debate=debate,
        kind="argument",
        parent=position,
        relation="supports",
        text="Old words from the student.",
        author=student,
        status="proposed",
    )
    client.force_login(moderator)
    url = reverse("debates:queue_act", args=[debate.slug, "claim", claim.pk, "edit"])
    response = client.post(url, {"text": "New words from the moderator."}, **HX)
    html = response.content.decode()
    assert "Edited and published: New words from the moderator." in html
    assert "Old words" not in html
    edit = ClaimEdit.objects.create(
        claim=position, base_version=position.version, text="Yes, by trade.!", author=student
    )
    url = reverse("debates:queue_act", args=[debate.slug, "edit", edit.pk, "edit"])
    response = client.post(url, {"text": "Yes, by river trade."}, follow=True)
    html = response.content.decode()
    assert "Edit approved with your changes: Yes, by river trade." in html


# --- pending evidence is counted on the map -----------------------------------------------


def test_a_pending_claim_with_pending_evidence_says_so(
    client, debate, position, student, moderator, teacher, source
):
    claim = make_claim(
        debate=debate,
        kind="argument",
        parent=position,
        relation="supports",
        text="Barges carried grain.",
        author=student,
        status="proposed",
    )
    make_evidence(claim=claim, passage=source.passages.first(), author=student, status="proposed")
    published = make_claim(
        debate=debate,
        kind="argument",
        parent=position,
        relation="opposes",
        text="Floods wrecked harbours.",
        author=teacher,
        status="published",
    )
    make_evidence(
        claim=published, passage=source.passages.first(), author=student, status="proposed"
    )

    def node(user, claim) -> str:
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        html = client.get(debate.get_absolute_url()).content.decode()
        return html.split(f'id="claim-meta-{claim.pk}"', 1)[1].split("</p>", 1)[0]

    for who in (student, moderator):
        meta = node(who, claim)
        assert "1 pending evidence" in meta and "0 evidence" not in meta
    assert "1 pending evidence" in node(student, published)
    other = node(teacher, published)  # the owner moderates: sees it too
    assert "1 pending evidence" in other
    classmate = UserFactory(username="classmate")
    Membership.objects.create(user=classmate, debate=debate, role="viewer")
    for who in (classmate, None):  # not theirs: published evidence only
        meta = node(who, published)
        assert "0 evidence" in meta and "pending" not in meta


# --- "Rejected" has its own colour --------------------------------------------------------


def _rule(css: str, selector: str) -> str:
    match = re.search(re.escape(selector) + r"[^{]*\{([^}]*)\}", css)
    assert match, f"no rule for {selector}"
    return match.group(1)


def test_rejected_has_a_colour_of_its_own(client, student, rejected):
    css = (STATIC / "crux.css").read_text() + (STATIC / "moderation.css").read_text()
    rejected_rule = _rule(css, ".pill.pill-status-rejected")
    background = re.search(r"background:\s*([^;]+);", rejected_rule).group(1)
    for other in (".pill-pending", ".pill-opposes", ".pill-approved"):
        assert background not in _rule(css, other)
    client.force_login(student)
    html = client.get(rejected.get_absolute_url()).content.decode()
    assert 'class="pill pill-pending pill-status-rejected"' in html
    assert "status-reason-rejected" in html
    notifications = client.get(reverse("debates:notifications")).content.decode()
    assert "pill pill-rejected" in notifications
    assert Claim.objects.get(pk=rejected.pk).status == "rejected"
