"""The moderation queue and what moderators do with it: approve, reject, edit then approve,
merge duplicates, review pending edits and evidence, resolve flags, hide notes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates import services
from debates.models import (
    AuditEntry,
    Claim,
    ClaimEdit,
    ClaimLink,
    Debate,
    Evidence,
    Flag,
    Membership,
    Notification,
)

from .factories import (
    ClaimFactory,
    DebateFactory,
    UserFactory,
    annotate_quote,
    make_claim,
    make_evidence,
)


@pytest.fixture
def issue(debate, teacher):
    return ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")


@pytest.fixture
def position(debate, issue, moderator):
    return ClaimFactory(
        debate=debate,
        kind="position",
        parent=issue,
        relation="answers",
        text="Yes, through trade.",
        author=moderator,
    )


@pytest.fixture
def passage(source):
    return source.passages.get(label="Costs")


@pytest.fixture
def proposal(debate, position, student, passage):
    claim = make_claim(
        debate=debate,
        kind="argument",
        parent=position,
        relation="supports",
        text="Barges carried grain cheaply along the river.",
        author=student,
        status="proposed",
    )
    make_evidence(claim=claim, passage=passage, author=student, status="proposed")
    return claim


def queue_url(debate):
    return reverse("debates:queue", args=[debate.slug])


def act_url(debate, kind, pk, act):
    return reverse("debates:queue_act", args=[debate.slug, kind, pk, act])


# --- access ------------------------------------------------------------------------------


def test_queue_refuses_anonymous_viewers_outsiders_and_private_debates(
    client, debate, student, outsider, proposal
):
    response = client.get(queue_url(debate))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(student)
    response = client.get(queue_url(debate))
    assert response.status_code == 403
    assert "owner and moderators" in response.content.decode()
    assert client.post(act_url(debate, "claim", proposal.pk, "approve")).status_code == 403
    debate.visibility = Debate.Visibility.PRIVATE
    debate.save()
    client.force_login(outsider)
    assert client.get(queue_url(debate)).status_code == 404
    assert client.post(act_url(debate, "claim", proposal.pk, "approve")).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_contributor_cannot_moderate(client, debate, proposal):
    contributor = UserFactory(username="contrib")
    Membership.objects.create(user=contributor, debate=debate, role="contributor")
    client.force_login(contributor)
    assert client.get(queue_url(debate)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.claim_approve(claim=proposal, actor=contributor)


def test_queue_lists_proposals_with_context_evidence_edits_and_flags(
    client, debate, moderator, student, proposal, position, source
):
    edit = ClaimEdit.objects.create(
        claim=position, base_version=1, text="Yes, through trade and fishing.", author=student
    )
    services.flag_add(actor=student, reason="unclear", note="Which trade?", claim=position)
    note = annotate_quote(
        source, "Barges carried grain cheaply.", moderator, body="Rude words", debate=debate
    )
    services.flag_add(actor=student, reason="abusive", annotation=note)
    client.force_login(moderator)
    html = client.get(queue_url(debate)).content.decode()
    assert "Barges carried grain cheaply along the river." in html
    assert "Yes, through trade." in html  # the parent, for context
    assert "by Student" in html
    assert "Rebuilding cost a fortune." in html  # the proposed evidence's quote
    assert f'id="item-edit-{edit.pk}"' in html
    assert "<del>trade.</del>" in html and "<ins>trade and fishing.</ins>" in html
    assert "Which trade?" in html and "Unclear" in html
    assert "Rude words" in html and "Abusive" in html
    assert "4 items wait for review" in html


def test_queue_runs_a_fixed_number_of_queries_whatever_its_size(
    client, debate, moderator, position, student, passage
):
    def make(n):
        for i in range(n):
            claim = make_claim(
                debate=debate,
                kind="argument",
                parent=position,
                relation="opposes",
                text=f"Objection {i} is stated here",
                author=student,
                status="proposed",
            )
            make_evidence(claim=claim, passage=passage, author=student)
            ClaimEdit.objects.create(
                claim=position, base_version=1, text=f"Edit {i}", author=student
            )
            services.flag_add(actor=UserFactory(), reason="unclear", claim=position)

    client.force_login(moderator)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    make(2)
    small, small_all = count(queue_url(debate)), count(reverse("debates:queue_all"))
    make(20)
    assert count(queue_url(debate)) == small
    assert count(reverse("debates:queue_all")) == small_all


def test_queue_across_debates_groups_by_debate_with_counts(
    client, debate, moderator, proposal, teacher
):
    other = DebateFactory(title="Canals", slug="canals", owner=moderator)
    issue = ClaimFactory(debate=other, kind="issue", text="Are canals worth it?")
    ClaimFactory(
        debate=other,
        kind="position",
        parent=issue,
        relation="answers",
        text="Only for heavy goods",
        status="proposed",
        author=teacher,
    )
    not_mine = DebateFactory(title="Roads", slug="roads")
    ClaimFactory(debate=not_mine, text="Roads pending", status="proposed")
    client.force_login(moderator)
    html = client.get(reverse("debates:queue_all")).content.decode()
    assert "Rivers" in html and "Canals" in html and "Roads" not in html
    assert "Only for heavy goods" in html and proposal.text in html
    assert "2 items wait for review across the debates you moderate" in html


# --- approve, reject, edit then approve --------------------------------------------------


def test_approving_publishes_the_claim_and_its_evidence_and_tells_author_and_parent_author(
    client, debate, moderator, teacher, student, proposal, position
):
    position.author = teacher
    position.save()
    client.force_login(moderator)
    response = client.post(act_url(debate, "claim", proposal.pk, "approve"))
    assert response.status_code == 302 and response["Location"] == queue_url(debate)
    proposal.refresh_from_db()
    assert proposal.status == "published"
    assert proposal.evidence.get().status == "published"
    entry = AuditEntry.objects.get(action="claim_approved")
    assert entry.actor == moderator and entry.claim == proposal
    assert "with 1 evidence link" in entry.summary
    assert Notification.objects.get(recipient=student).verb == "approved"
    answered = Notification.objects.get(recipient=teacher)
    assert answered.verb == "answered" and "Barges" in answered.message
    assert "approved" in client.get(queue_url(debate)).content.decode().lower()


def test_approving_with_htmx_replaces_the_item_with_its_outcome(
    client, debate, moderator, proposal
):
    client.force_login(moderator)
    response = client.post(
        act_url(debate, "claim", proposal.pk, "approve"), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#item-claim-{proposal.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert f'id="item-claim-{proposal.pk}"' in html and "Approved and published" in html
    assert "<html" not in html


def test_acting_on_your_own_proposal_notifies_nobody(debate, moderator, position):
    claim = make_claim(
        debate=debate,
        kind="argument",
        parent=position,
        relation="opposes",
        text="My own point",
        author=moderator,
        status="proposed",
    )
    services.claim_approve(claim=claim, actor=moderator)
    assert not Notification.objects.exists()


def test_a_child_cannot_be_approved_before_its_parent(debate, moderator, proposal, student):
    child = make_claim(
        debate=debate,
        kind="argument",
        parent=proposal,
        relation="opposes",
        text="But barges sank",
        author=student,
        status="proposed",
    )
    with pytest.raises(ValidationError, match="approve or merge the parent first"):
        services.claim_approve(claim=child, actor=moderator)


def test_rejecting_needs_a_reason_and_the_author_reads_it(
    client, debate, moderator, student, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    url = act_url(debate, "claim", proposal.pk, "reject")
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Not what the source says."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert proposal.status_reason == "Not what the source says."
    assert proposal.evidence.get().status == "rejected"
    notification = Notification.objects.get(recipient=student)
    assert notification.verb == "rejected" and "Not what the source says." in notification.message
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["student@example.org"]
    assert AuditEntry.objects.get(action="claim_rejected").reason == "Not what the source says."
    client.force_login(student)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Not what the source says." in page


def test_reject_without_reason_with_htmx_rerenders_the_form_fragment(
    client, debate, moderator, proposal
):
    client.force_login(moderator)
    response = client.post(
        act_url(debate, "claim", proposal.pk, "reject"),
        {"reason": ""},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<form" in html and "Give a reason" in html and "<html" not in html


def test_reject_form_page_works_without_javascript(client, debate, moderator, proposal):
    client.force_login(moderator)
    response = client.get(act_url(debate, "claim", proposal.pk, "reject"))
    html = response.content.decode()
    assert response.status_code == 200
    assert proposal.text in html and 'name="reason"' in html and "<html" in html
    loaded = client.get(
        act_url(debate, "claim", proposal.pk, "reject"), headers={"HX-Request": "true"}
    )
    assert "<html" not in loaded.content.decode() and 'name="reason"' in loaded.content.decode()


def test_edit_then_approve_publishes_the_next_version_and_tells_the_author(
    client, debate, moderator, student, proposal
):
    client.force_login(moderator)
    response = client.post(
        act_url(debate, "claim", proposal.pk, "edit"),
        {"text": "Barges carried grain cheaply, so river towns traded more."},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "published" and proposal.version == 2
    assert proposal.text.startswith("Barges carried grain cheaply, so")
    texts = [h.text for h in proposal.history.order_by("history_date")]
    assert texts[0] == "Barges carried grain cheaply along the river."
    verbs = set(Notification.objects.filter(recipient=student).values_list("verb", flat=True))
    assert verbs == {"edited", "approved"}
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"claim_edited", "claim_approved"} <= actions


def test_acting_twice_is_refused_with_a_message(client, debate, moderator, proposal):
    client.force_login(moderator)
    client.post(act_url(debate, "claim", proposal.pk, "approve"))
    response = client.post(act_url(debate, "claim", proposal.pk, "reject"), {"reason": "x"})
    assert response.status_code == 400
    assert "not waiting for review" in response.content.decode()


def test_moderator_reviews_a_pending_claim_from_its_page(client, debate, moderator, proposal):
    client.force_login(moderator)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert act_url(debate, "claim", proposal.pk, "approve") in html
    assert act_url(debate, "claim", proposal.pk, "merge") in html
    response = client.post(
        act_url(debate, "claim", proposal.pk, "approve"), {"next": proposal.get_absolute_url()}
    )
    assert response["Location"] == proposal.get_absolute_url()


def test_author_sees_no_moderation_actions_on_their_pending_claim(client, student, proposal):
    client.force_login(student)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "queue/claim" not in html


# --- merge -------------------------------------------------------------------------------


@pytest.fixture
def duplicate(debate, position, student, passage, source):
    """A published argument repeating `target`, with a reply, two evidence links (one the
    target already cites) and cross-links."""
    target = ClaimFactory(
        debate=debate,
        kind="argument",
        parent=position,
        relation="supports",
        text="River towns traded more than inland towns.",
    )
    Evidence.objects.create(claim=target, passage=passage, status="published")
    dup = ClaimFactory(
        debate=debate,
        kind="argument",
        parent=position,
        relation="supports",
        text="Towns on rivers traded more.",
        author=student,
    )
    reply = ClaimFactory(
        debate=debate,
        kind="argument",
        parent=dup,
        relation="opposes",
        text="Inland towns had roads.",
        author=student,
    )
    other_passage = source.passages.get(label="Benefits")
    same = Evidence.objects.create(claim=dup, passage=passage, status="published")
    moved = Evidence.objects.create(claim=dup, passage=other_passage, status="published")
    elsewhere = ClaimFactory(
        debate=debate,
        kind="argument",
        parent=position,
        relation="opposes",
        text="Trade needs more than water.",
    )
    ClaimLink.objects.create(debate=debate, claim=elsewhere, parent=dup, relation="opposes")
    ClaimLink.objects.create(debate=debate, claim=elsewhere, parent=target, relation="opposes")
    return {
        "dup": dup,
        "target": target,
        "reply": reply,
        "same": same,
        "moved": moved,
        "elsewhere": elsewhere,
    }


def test_merge_moves_replies_evidence_and_links_to_the_target(
    client, debate, moderator, student, duplicate
):
    dup, target = duplicate["dup"], duplicate["target"]
    client.force_login(moderator)
    form = client.get(act_url(debate, "claim", dup.pk, "merge")).content.decode()
    assert target.text in form
    assert f'value="{dup.pk}"' not in form  # not itself
    assert f'value="{duplicate["reply"].pk}"' not in form  # not below itself
    response = client.post(
        act_url(debate, "claim", dup.pk, "merge"),
        {"target": target.pk, "reason": "Same point, said twice."},
    )
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.status == "merged" and dup.merged_into == target
    assert dup.status_reason == "Same point, said twice."
    reply = Claim.objects.get(pk=duplicate["reply"].pk)
    assert reply.parent == target
    assert reply.history.first().parent_id == target.pk  # moved with .save(): history kept
    duplicate["same"].refresh_from_db()
    assert duplicate["same"].deleted_at is not None  # target already cites it
    duplicate["moved"].refresh_from_db()
    assert duplicate["moved"].claim == target and duplicate["moved"].deleted_at is None
    # The link under the duplicate would repeat the one under the target: dropped.
    assert list(ClaimLink.objects.values_list("claim", "parent")) == [
        (duplicate["elsewhere"].pk, target.pk)
    ]
    notification = Notification.objects.get(recipient=student)
    assert notification.verb == "merged" and notification.url == target.get_absolute_url()
    entry = AuditEntry.objects.get(action="claim_merged")
    assert (
        entry.reason == "Same point, said twice." and "1 reply, 1 evidence moved" in entry.summary
    )
    page = client.get(dup.get_absolute_url()).content.decode()
    assert "Merged as a duplicate" in page


def test_merge_repoints_a_link_that_does_not_repeat(debate, moderator, duplicate):
    ClaimLink.objects.filter(parent=duplicate["target"]).delete()
    services.claim_merge(claim=duplicate["dup"], target=duplicate["target"], actor=moderator)
    link = ClaimLink.objects.get()
    assert link.parent == duplicate["target"]


def test_merge_refuses_another_kind_itself_a_descendant_and_another_debate(
    debate, moderator, duplicate, position
):
    dup = duplicate["dup"]
    with pytest.raises(ValidationError, match="only be merged into another argument"):
        services.claim_merge(claim=dup, target=position, actor=moderator)
    with pytest.raises(ValidationError, match="into itself"):
        services.claim_merge(claim=dup, target=dup, actor=moderator)
    deeper = ClaimFactory(
        debate=debate, kind="argument", parent=duplicate["reply"], relation="supports"
    )
    with pytest.raises(ValidationError, match="its own replies"):
        services.claim_merge(claim=dup, target=deeper, actor=moderator)
    other = ClaimFactory(kind="issue")
    with pytest.raises(ValidationError, match="same debate"):
        services.claim_merge(claim=dup, target=other, actor=moderator)
    dup.refresh_from_db()
    assert dup.status == "published"


def test_merge_form_without_a_target_is_a_400(client, debate, moderator, duplicate):
    client.force_login(moderator)
    response = client.post(act_url(debate, "claim", duplicate["dup"].pk, "merge"), {})
    assert response.status_code == 400
    assert "Choose the claim this one duplicates" in response.content.decode()


# --- pending edits of published claims ---------------------------------------------------


@pytest.fixture
def pending_edit(position, student):
    return ClaimEdit.objects.create(
        claim=position, base_version=1, text="Yes, through trade and tolls.", author=student
    )


def test_approving_an_edit_applies_it_as_the_next_version(
    client, debate, moderator, student, position, pending_edit
):
    client.force_login(moderator)
    assert client.get(position.get_absolute_url()).content.decode().count("trade.") >= 1
    response = client.post(act_url(debate, "edit", pending_edit.pk, "approve"))
    assert response.status_code == 302
    position.refresh_from_db()
    pending_edit.refresh_from_db()
    assert position.text == "Yes, through trade and tolls." and position.version == 2
    assert pending_edit.status == "approved" and pending_edit.reviewed_by == moderator
    assert Notification.objects.get(recipient=student).verb == "approved"
    assert AuditEntry.objects.get(action="edit_approved").claim == position


def test_an_edit_of_a_claim_that_changed_since_is_refused(
    client, debate, moderator, position, pending_edit
):
    position.text = "Yes, mostly through trade."
    position.version = 2
    position.save()
    client.force_login(moderator)
    queue_html = client.get(queue_url(debate)).content.decode()
    assert "changed since this edit was written" in queue_html
    response = client.post(act_url(debate, "edit", pending_edit.pk, "approve"))
    assert response.status_code == 400
    assert "changed since this edit was written" in response.content.decode()
    position.refresh_from_db()
    assert position.text == "Yes, mostly through trade."
    # Edit then approve folds it into the current text.
    response = client.post(
        act_url(debate, "edit", pending_edit.pk, "edit"),
        {"text": "Yes, mostly through trade and tolls."},
    )
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.text == "Yes, mostly through trade and tolls." and position.version == 3


def test_rejecting_an_edit_keeps_the_claim_and_tells_why(
    debate, moderator, student, position, pending_edit
):
    with pytest.raises(ValidationError):
        services.claim_edit_reject(edit=pending_edit, actor=moderator, reason="")
    services.claim_edit_reject(edit=pending_edit, actor=moderator, reason="Tolls came later.")
    position.refresh_from_db()
    pending_edit.refresh_from_db()
    assert position.text == "Yes, through trade." and position.version == 1
    assert pending_edit.status == "rejected" and pending_edit.reason == "Tolls came later."
    assert "Tolls came later." in Notification.objects.get(recipient=student).message


# --- evidence ----------------------------------------------------------------------------


def test_proposed_evidence_on_a_published_claim_is_approved_or_rejected(
    client, debate, moderator, student, position, source
):
    good = make_evidence(claim=position, passage=source.passages.get(label="Costs"), author=student)
    bad = make_evidence(
        claim=position, passage=source.passages.get(label="Benefits"), author=student
    )
    client.force_login(moderator)
    html = client.get(queue_url(debate)).content.decode()
    assert f'id="item-evidence-{good.pk}"' in html and "Floods left fertile soil" in html
    client.post(act_url(debate, "evidence", good.pk, "approve"))
    assert client.post(act_url(debate, "evidence", bad.pk, "reject"), {}).status_code == 400
    client.post(act_url(debate, "evidence", bad.pk, "reject"), {"reason": "Off the point."})
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == "published" and bad.status == "rejected"
    verbs = sorted(Notification.objects.filter(recipient=student).values_list("verb", flat=True))
    assert verbs == ["approved", "rejected"]
    assert AuditEntry.objects.filter(action__startswith="evidence_").count() == 2


# --- flags and notes ---------------------------------------------------------------------


def test_anyone_who_sees_a_claim_can_flag_it_from_its_page(
    client, debate, student, outsider, position
):
    client.force_login(outsider)
    html = client.get(position.get_absolute_url()).content.decode()
    assert reverse("debates:claim_flag", args=[debate.slug, position.pk]) in html
    url = reverse("debates:claim_flag", args=[debate.slug, position.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "unsupported", "note": "No source given."})
    assert response.status_code == 302
    flag = Flag.objects.get()
    assert flag.claim == position and flag.created_by == outsider and flag.reason == "unsupported"
    again = client.post(url, {"reason": "unclear"}, headers={"HX-Request": "true"})
    assert again.status_code == 400 and "already flagged" in again.content.decode()
    assert client.post(url, {"reason": "nonsense"}).status_code == 400
    client.logout()
    assert client.post(url, {"reason": "unclear"}).status_code == 302  # to the login page
    assert Flag.objects.count() == 1


def test_flagging_a_claim_of_a_private_debate_is_404_for_outsiders(
    client, debate, outsider, position
):
    debate.visibility = Debate.Visibility.PRIVATE
    debate.save()
    client.force_login(outsider)
    url = reverse("debates:claim_flag", args=[debate.slug, position.pk])
    assert client.post(url, {"reason": "unclear"}).status_code == 404
    assert not Flag.objects.exists()


def test_upholding_a_flag_can_hide_the_note_in_the_same_step(
    client, debate, moderator, student, teacher, source
):
    note = annotate_quote(source, "Floods destroyed harbours", teacher, body="Spam spam")
    note.debate = debate
    note.save()
    flag = services.flag_add(actor=student, reason="abusive", annotation=note)
    client.force_login(moderator)
    form = client.get(act_url(debate, "flag", flag.pk, "uphold")).content.decode()
    assert 'name="hide_note"' in form
    response = client.post(
        act_url(debate, "flag", flag.pk, "uphold"), {"hide_note": "on", "reason": "Spam."}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    note.refresh_from_db()
    assert flag.status == "upheld" and flag.resolved_by == moderator and flag.resolved_at
    assert note.hidden
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions == {"flag_upheld", "annotation_hidden"}
    assert AuditEntry.objects.get(action="flag_upheld").reason == "Spam."


def test_upholding_a_flag_on_a_proposal_can_reject_it(
    debate, moderator, teacher, student, proposal
):
    flag = services.flag_add(actor=teacher, reason="duplicate", claim=proposal)
    services.flag_uphold(
        flag=flag, actor=moderator, reason="Said already above.", reject_claim=True
    )
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.status_reason == "Said already above."


def test_dismissing_a_flag_is_logged_and_it_leaves_the_queue(
    client, debate, moderator, student, position
):
    flag = services.flag_add(actor=student, reason="unclear", claim=position)
    client.force_login(moderator)
    response = client.post(
        act_url(debate, "flag", flag.pk, "dismiss"), headers={"HX-Request": "true"}
    )
    assert "Flag dismissed." in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == "dismissed"
    assert AuditEntry.objects.get().action == "flag_dismissed"
    assert f"item-flag-{flag.pk}" not in client.get(queue_url(debate)).content.decode()
    with pytest.raises(ValidationError, match="already"):
        services.flag_dismiss(flag=flag, actor=moderator)


def test_hiding_a_note_from_the_reader_goes_through_the_audit_log(
    client, debate, moderator, teacher, student, source
):
    note = annotate_quote(source, "Floods destroyed harbours", teacher, body="Off topic")
    note.debate = debate
    note.save()
    url = reverse("debates:annotation_hide", args=[note.pk])
    client.force_login(student)
    assert client.post(url, {"hidden": "1"}).status_code == 403
    client.force_login(moderator)
    client.post(url, {"hidden": "1"})
    note.refresh_from_db()
    assert note.hidden
    client.post(url, {"hidden": "0"})
    note.refresh_from_db()
    assert not note.hidden
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "actor"))
    assert actions == [
        ("annotation_hidden", moderator.pk),
        ("annotation_unhidden", moderator.pk),
    ]


def test_flagging_a_note_goes_through_the_moderation_service(client, teacher, student, source):
    note = annotate_quote(source, "Floods destroyed harbours", teacher, body="Hmm")
    client.force_login(teacher)
    client.post(reverse("debates:annotation_flag", args=[note.pk]), {"reason": "unclear"})
    assert not Flag.objects.exists()  # not one's own note
    client.force_login(student)
    client.post(reverse("debates:annotation_flag", args=[note.pk]), {"reason": "unclear"})
    assert Flag.objects.get().annotation == note


def test_flags_on_notes_outside_any_debate_reach_site_staff(client, source, student, moderator):
    text = source.current_revision.text
    start = text.index("rivers shape")
    note = services.annotation_create(
        source=source,
        start=start,
        end=start + len("rivers shape"),
        actor=student,
        body="A public note in no debate.",
        visibility="public",
    )
    flag = services.flag_add(actor=moderator, reason="off_topic", claim=None, annotation=note)
    staff = UserFactory(username="staffer", is_staff=True)
    queue_all = reverse("debates:queue_all")

    client.force_login(moderator)  # moderates a debate, but this note is in none
    assert "Notes outside any debate" not in client.get(queue_all).content.decode()
    dismiss = reverse("debates:site_flag_act", args=[flag.pk, "dismiss"])
    assert client.post(dismiss).status_code == 403
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN  # refused: not theirs

    client.force_login(staff)
    html = client.get(queue_all).content.decode()
    assert "Notes outside any debate" in html and "A public note in no debate." in html
    uphold = reverse("debates:site_flag_act", args=[flag.pk, "uphold"])
    client.post(uphold)
    flag.refresh_from_db()
    note.refresh_from_db()
    assert flag.status == Flag.Status.UPHELD and flag.resolved_by == staff
    assert note.hidden
    assert "Notes outside any debate" not in client.get(queue_all).content.decode()
