"""A claim's discussion: clarifying questions that are not arguments (issue 13, point 5)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates import policy, services
from debates.models import AuditEntry, ClaimComment, Debate, Membership, Notification
from debates.selectors.discussion import claim_discussion
from debates.services._base import MAX_CLAIM_CHARS

from .factories import ClaimFactory, UserFactory


@pytest.fixture
def claim(debate, teacher):
    issue = ClaimFactory(debate=debate, text="Should towns be built on rivers?")
    return ClaimFactory(
        debate=debate,
        kind="position",
        parent=issue,
        relation="answers",
        text="Yes, for the trade",
        author=teacher,
    )


def comments_url(claim):
    return reverse("debates:claim_comments", args=[claim.debate.slug, claim.pk])


def shown(claim, viewer):
    """The bodies `viewer` reads, questions with their answers."""
    return [
        (t.comment.body, [r.body for r in t.replies])
        for t in claim_discussion(claim=claim, viewer=viewer)
    ]


# --- asking and answering ---------------------------------------------------------------


def test_a_member_asks_and_the_claims_author_is_told(client, claim, student, teacher):
    client.force_login(student)
    response = client.post(comments_url(claim), {"body": "What do you mean by trade?"})
    assert response.status_code == 302
    assert response["Location"] == f"{claim.get_absolute_url()}#discussion"
    comment = ClaimComment.objects.get()
    assert (comment.claim, comment.author, comment.parent) == (claim, student, None)
    note = Notification.objects.get(recipient=teacher)
    assert note.verb == Notification.Verb.COMMENTED
    assert "asked a question" in note.message and "What do you mean by trade?" in note.message
    assert note.url.endswith(f"#comment-{comment.pk}")
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Questions and clarifications (1)" in html
    assert "What do you mean by trade?" in html


def test_htmx_post_returns_the_thread_to_swap(client, claim, student):
    client.force_login(student)
    response = client.post(comments_url(claim), {"body": "Which trade?"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('id="discussion"') == 1 and "Which trade?" in html
    assert "<html" not in html


def test_answers_join_the_thread_and_tell_the_asker(claim, student, moderator, teacher):
    question = services.comment_add(actor=student, claim=claim, body="Trade of what?")
    answer = services.comment_add(actor=teacher, claim=claim, body="Grain.", parent=question)
    # An answer to an answer joins the same thread (one level of replies).
    again = services.comment_add(actor=moderator, claim=claim, body="And wool.", parent=answer)
    assert answer.parent == question and again.parent == question
    assert shown(claim, student) == [("Trade of what?", ["Grain.", "And wool."])]
    told = Notification.objects.filter(recipient=student).values_list("message", flat=True)
    assert len(told) == 2 and all("answered your question" in m for m in told)
    # The claim's author hears of the question and the moderator's answer, not of their own.
    assert sorted(
        Notification.objects.filter(recipient=teacher).values_list("actor__username", flat=True)
    ) == ["moderator", "student"]


def test_an_answer_must_be_about_the_same_claim(debate, claim, student):
    other = ClaimFactory(debate=debate, text="Another issue?")
    question = services.comment_add(actor=student, claim=other, body="Which one?")
    with pytest.raises(ValidationError):
        services.comment_add(actor=student, claim=claim, body="Hm.", parent=question)


def test_the_author_commenting_on_their_own_claim_is_not_told(claim, teacher):
    services.comment_add(actor=teacher, claim=claim, body="To be clear: river trade.")
    assert not Notification.objects.exists()


# --- who may ----------------------------------------------------------------------------


def test_an_outsider_may_read_a_public_debates_thread_but_not_post(client, claim, outsider):
    client.force_login(outsider)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Questions and clarifications" in html and "Ask a clarifying question" not in html
    response = client.post(comments_url(claim), {"body": "Me too?"})
    assert response.status_code == 403
    assert not ClaimComment.objects.exists()


def test_anonymous_is_sent_to_log_in(client, claim):
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "to ask a question if you are a member" in html
    response = client.post(comments_url(claim), {"body": "Hello?"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not ClaimComment.objects.exists()


def test_a_private_debate_hides_its_thread_from_outsiders(client, debate, claim, student, outsider):
    Debate.objects.filter(pk=debate.pk).update(visibility=Debate.Visibility.PRIVATE)
    claim.debate.refresh_from_db()
    services.comment_add(actor=student, claim=claim, body="Members only question")
    client.force_login(outsider)
    assert client.get(claim.get_absolute_url()).status_code == 404
    assert client.post(comments_url(claim), {"body": "Let me in"}).status_code == 404
    assert client.get(comments_url(claim), HTTP_HX_REQUEST="true").status_code == 404
    # A viewer of the private debate reads it and may ask.
    client.force_login(student)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Members only question" in html and "Ask a clarifying question" in html
    assert shown(claim, AnonymousUser()) == []


def test_readers_and_closed_debates_still_take_questions(client, debate, claim):
    reader = UserFactory(username="reader")
    Membership.objects.create(user=reader, debate=debate, role=Membership.Role.READER)
    Debate.objects.filter(pk=debate.pk).update(contribution_mode=Debate.Mode.CLOSED)
    claim.debate.refresh_from_db()
    services.comment_add(actor=reader, claim=claim, body="Is trade by river only?")
    assert ClaimComment.objects.filter(author=reader).exists()


def test_no_questions_on_a_claim_that_is_not_published(debate, claim, student):
    pending = ClaimFactory(
        debate=debate,
        kind="argument",
        parent=claim,
        relation="supports",
        text="Pending",
        author=student,
        status="proposed",
    )
    assert not policy.can_comment(student, pending, debate)
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=student, claim=pending, body="Why?")


# --- what may be written ----------------------------------------------------------------


def test_the_length_limit_is_a_claims(client, claim, student):
    services.comment_add(actor=student, claim=claim, body="x" * MAX_CLAIM_CHARS)
    with pytest.raises(ValidationError, match="too long"):
        services.comment_add(actor=student, claim=claim, body="x" * (MAX_CLAIM_CHARS + 1))
    client.force_login(student)
    response = client.post(
        comments_url(claim), {"body": "y" * (MAX_CLAIM_CHARS + 1)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "too long" in html and "y" * 50 in html  # the draft comes back with the reason
    assert ClaimComment.objects.count() == 1


@pytest.mark.parametrize("body", ["before\x00after", "   ", "lone \ud800 surrogate"])
def test_nul_bytes_blank_and_broken_text_are_refused(client, claim, student, body):
    with pytest.raises(ValidationError):
        services.comment_add(actor=student, claim=claim, body=body)
    assert not ClaimComment.objects.exists()


def test_a_nul_byte_posted_is_a_400_not_a_500(client, claim, student):
    client.force_login(student)
    response = client.post(comments_url(claim), {"body": "a\x00b"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert not ClaimComment.objects.exists()


# --- see-after-post withholding ---------------------------------------------------------


@pytest.fixture
def classmate(debate):
    person = UserFactory(username="classmate")
    Membership.objects.create(user=person, debate=debate, role=Membership.Role.VIEWER)
    return person


@pytest.fixture
def withhold_classmate(monkeypatch, student, classmate):
    """A hook like the classes app's "see classmates' work only after you post": the
    classmate's work is withheld from the student."""
    from django.contrib.auth import get_user_model

    def hook(user, *, debate=None, source=None, **refs):
        if debate is None or user.pk != student.pk:
            return None
        return get_user_model().objects.filter(pk=classmate.pk).values("pk")

    monkeypatch.setattr(policy, "_WITHHOLD_HOOKS", [hook])


def test_withheld_comments_are_not_shown(
    client, claim, student, classmate, moderator, withhold_classmate
):
    services.comment_add(actor=classmate, claim=claim, body="Classmate's question")
    mine = services.comment_add(actor=student, claim=claim, body="My question")
    services.comment_add(actor=classmate, claim=claim, body="Classmate's answer", parent=mine)
    assert shown(claim, student) == [("My question", [])]
    assert shown(claim, classmate) == [
        ("Classmate's question", []),
        ("My question", ["Classmate's answer"]),
    ]
    assert len(shown(claim, moderator)) == 2
    client.force_login(student)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "My question" in html and "Classmate" not in html
    # Nor may the student open a withheld question to answer it.
    withheld = ClaimComment.objects.get(body="Classmate's question")
    response = client.post(comments_url(claim), {"body": "Re", "parent": withheld.pk})
    assert response.status_code == 404


# --- moderation -------------------------------------------------------------------------


def test_a_moderator_hides_a_comment_with_an_audit_entry(client, claim, student, moderator):
    question = services.comment_add(actor=student, claim=claim, body="Rude question")
    answer = services.comment_add(actor=moderator, claim=claim, body="Answer", parent=question)
    client.force_login(moderator)
    url = reverse("debates:comment_hide", args=[claim.debate.slug, question.pk])
    response = client.post(url, {"hidden": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Hidden by a moderator" in response.content.decode()
    question.refresh_from_db()
    assert question.hidden
    entry = AuditEntry.objects.get(action=AuditEntry.Action.COMMENT_HIDDEN)
    assert (entry.actor, entry.claim, entry.debate) == (moderator, claim, claim.debate)
    assert "Rude question" in entry.summary
    # Hidden from readers, with its answers; its author still sees it; moderators too.
    assert shown(claim, AnonymousUser()) == []
    outsider = UserFactory(username="someone")
    assert shown(claim, outsider) == []
    assert shown(claim, student) == [("Rude question", ["Answer"])]
    assert shown(claim, moderator) == [("Rude question", ["Answer"])]
    # Shown again, logged too.
    client.post(url, {"hidden": "0"})
    question.refresh_from_db()
    assert not question.hidden
    assert AuditEntry.objects.filter(action=AuditEntry.Action.COMMENT_UNHIDDEN).count() == 1
    assert answer.pk in [
        r.pk for t in claim_discussion(claim=claim, viewer=outsider) for r in t.replies
    ]


def test_only_moderators_hide(client, claim, student, teacher):
    question = services.comment_add(actor=teacher, claim=claim, body="A question")
    client.force_login(student)
    url = reverse("debates:comment_hide", args=[claim.debate.slug, question.pk])
    assert client.post(url).status_code == 403
    question.refresh_from_db()
    assert not question.hidden and not AuditEntry.objects.exists()


def test_the_author_deletes_their_comment_nobody_else(client, claim, student, moderator):
    question = services.comment_add(actor=student, claim=claim, body="Oops")
    url = reverse("debates:comment_delete", args=[claim.debate.slug, question.pk])
    client.force_login(moderator)
    assert client.post(url).status_code == 403
    client.force_login(student)
    response = client.post(url)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.deleted_at is not None
    assert shown(claim, student) == [] and shown(claim, AnonymousUser()) == []
    # Moderators still see it, marked.
    assert shown(claim, moderator) == [("Oops", [])]


# --- queries ----------------------------------------------------------------------------


def test_the_thread_is_one_query_whatever_its_size(claim, student, teacher, moderator):
    counts = []
    for size in (2, 30):
        ClaimComment.objects.all().delete()
        for i in range(size):
            question = services.comment_add(actor=student, claim=claim, body=f"Question {i}")
            services.comment_add(actor=teacher, claim=claim, body=f"Answer {i}", parent=question)
        for viewer in (student, moderator):
            policy.role_in(viewer, claim.debate)  # the role, read once per request anyway
            with CaptureQueriesContext(connection) as ctx:
                threads = claim_discussion(claim=claim, viewer=viewer, debate=claim.debate)
            assert len(threads) == size
            assert all(t.replies for t in threads)
            counts.append(len(ctx.captured_queries))
    assert counts[:2] == counts[2:]
    assert max(counts) <= 2
