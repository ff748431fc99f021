"""A claim's history page: every version with who/when and a word diff, proposed edits
with their reasons, the evidence links' history, and restoring an earlier version."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from debates import services
from debates.errors import EditConflict
from debates.models import AuditEntry, Claim, ClaimEdit, Debate
from debates.selectors import history
from debates.templatetags.crux_edit import diff_html

from .factories import ClaimFactory, make_claim, make_evidence


@pytest.fixture
def claim(debate, teacher):
    issue = ClaimFactory(debate=debate, text="Should towns be built on rivers?")
    return ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes for trade"
    )


def history_url(claim):
    return reverse("debates:claim_history", args=[claim.debate.slug, claim.pk])


def test_word_diff_is_data_and_the_template_marks_and_escapes_it():
    runs = history.word_diff("Rivers bring trade", "Rivers bring <b>cheap</b> trade")
    assert [(r.kind, r.text) for r in runs] == [
        ("same", "Rivers bring "),
        ("ins", "<b>cheap</b> "),
        ("same", "trade"),
    ]
    assert diff_html(runs) == "Rivers bring <ins>&lt;b&gt;cheap&lt;/b&gt; </ins>trade"
    assert diff_html(history.word_diff("a b c", "a x c")) == "a <del>b</del><ins>x</ins> c"


def test_history_lists_every_version_with_who_when_and_a_diff(
    client, debate, claim, moderator, teacher
):
    services.claim_edit(actor=moderator, claim=claim, text="Yes for cheap trade", base_version=1)
    services.claim_edit(actor=teacher, claim=claim, text="Yes, for cheap trade", base_version=2)
    response = client.get(history_url(claim))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Versions (3 saved states)" in html
    assert "<ins>cheap </ins>" in html
    assert "<del>Yes</del><ins>Yes,</ins>" in html
    assert "Moderator" in html and "Ms Teacher" in html
    assert "version 3" in html and "Text edited" in html
    assert "Restore this version" not in html  # anonymous readers do not restore


def test_moderator_restores_an_earlier_version_as_a_new_one(client, debate, claim, moderator):
    services.claim_edit(actor=moderator, claim=claim, text="Vandalised", base_version=1)
    original = claim.history.order_by("history_id").first()
    client.force_login(moderator)
    html = client.get(history_url(claim)).content.decode()
    revert = reverse("debates:claim_revert", args=[debate.slug, claim.pk, original.history_id])
    assert revert in html
    page = client.get(revert)
    assert page.status_code == 200 and "<del>Vandalised</del>" in page.content.decode()
    response = client.post(revert, {"version": 2})
    assert response.status_code == 302 and response["Location"] == history_url(claim)
    claim.refresh_from_db()
    assert (claim.text, claim.version) == ("Yes for trade", 3)
    assert claim.history.count() == 3  # nothing rewritten: a new version on top
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CLAIM_REVERTED).count() == 1


def test_restoring_from_a_stale_page_is_a_conflict(client, debate, claim, moderator, teacher):
    services.claim_edit(actor=moderator, claim=claim, text="Second", base_version=1)
    first = claim.history.order_by("history_id").first()
    with pytest.raises(EditConflict):
        services.claim_revert(
            actor=moderator, claim=claim, history_id=first.history_id, base_version=1
        )
    client.force_login(moderator)
    revert = reverse("debates:claim_revert", args=[debate.slug, claim.pk, first.history_id])
    response = client.post(revert, {"version": 1})
    assert response.status_code == 409 and "Someone saved version 2" in response.content.decode()
    claim.refresh_from_db()
    assert claim.text == "Second"


def test_only_moderators_restore_versions(client, debate, claim, moderator, student):
    services.claim_edit(actor=moderator, claim=claim, text="Second", base_version=1)
    first = claim.history.order_by("history_id").first()
    with pytest.raises(PermissionDenied):
        services.claim_revert(
            actor=student, claim=claim, history_id=first.history_id, base_version=2
        )
    client.force_login(student)
    assert "Restore this version" not in client.get(history_url(claim)).content.decode()
    revert = reverse("debates:claim_revert", args=[debate.slug, claim.pk, first.history_id])
    assert client.post(revert, {"version": 2}).status_code == 403
    with pytest.raises(ValidationError, match="not in this claim"):
        services.claim_revert(actor=moderator, claim=claim, history_id=999999, base_version=2)


def test_evidence_history_shows_attached_edited_detached_and_restored(
    client, debate, claim, moderator, source
):
    passage = source.passages.get(label="Costs")
    evidence = services.evidence_attach(actor=moderator, claim=claim, passage=passage)
    services.evidence_edit(actor=moderator, evidence=evidence, relation="context", note="Why")
    services.evidence_detach(actor=moderator, evidence=evidence)
    client.force_login(moderator)
    html = client.get(history_url(claim)).content.decode()
    assert "Re-attach" in html  # moderators see detached evidence to restore
    services.evidence_restore(actor=moderator, evidence=evidence)
    html = client.get(history_url(claim)).content.decode()
    section = html.split('id="evidence-history-title"')[1]
    for word in ("Re-attached", "Detached", "Edited", "Attached"):
        assert word in section, word
    assert section.index("Re-attached") < section.index("Detached") < section.index("Edited")
    assert "Rebuilding cost a fortune" in section and "Moderator" in section


def test_proposed_and_rejected_edits_appear_with_their_reasons(
    client, debate, claim, student, moderator
):
    mine = ClaimFactory(
        debate=debate,
        kind="argument",
        parent=claim,
        relation="supports",
        author=student,
        text="Mills need water",
    )
    result = services.claim_edit(
        actor=student, claim=mine, text="Mills need fast water", base_version=1
    )
    edit = result.proposed_edit
    edit.status, edit.reason = ClaimEdit.Status.REJECTED, "Not what the source says"
    edit.reviewed_by, edit.reviewed_at = moderator, timezone.now()
    edit.save()
    client.force_login(student)
    html = client.get(history_url(mine)).content.decode()
    assert "Proposed edits" in html and "Not what the source says" in html
    assert "<ins>fast </ins>" in html
    client.logout()
    assert "Not what the source says" not in client.get(history_url(mine)).content.decode()


def test_rejected_claims_stay_viewable_to_their_author_and_moderators(
    client, debate, claim, student, moderator, outsider
):
    rejected = ClaimFactory(
        debate=debate,
        kind="argument",
        parent=claim,
        relation="opposes",
        author=student,
        status=Claim.Status.REJECTED,
        status_reason="Off topic",
        text="Bridges are ugly",
    )
    for person in (student, moderator):
        client.force_login(person)
        for page in (rejected.get_absolute_url(), history_url(rejected)):
            response = client.get(page)
            assert response.status_code == 200 and "Off topic" in response.content.decode()
    client.force_login(outsider)
    assert client.get(history_url(rejected)).status_code == 404


def test_deleted_claims_history_is_for_moderators_with_a_restore_button(
    client, debate, claim, moderator, student
):
    services.claim_delete(actor=moderator, claim=claim)
    client.force_login(student)
    assert client.get(history_url(claim)).status_code == 404
    client.force_login(moderator)
    html = client.get(history_url(claim)).content.decode()
    assert "Restore this claim" in html and "Deleted" in html


def test_private_debate_history_is_404_for_outsiders(client, debate, claim, outsider):
    debate.visibility = Debate.Visibility.PRIVATE
    debate.save()
    client.force_login(outsider)
    assert client.get(history_url(claim)).status_code == 404


def test_moderator_restores_an_earlier_state_of_an_evidence_link(
    client, debate, claim, moderator, student, source
):
    passage = source.passages.get(label="Costs")
    evidence = services.evidence_attach(
        actor=moderator, claim=claim, passage=passage, relation="supports", note="Costs matter."
    )
    original = evidence.history.order_by("history_id").first()
    services.evidence_edit(actor=moderator, evidence=evidence, relation="opposes", note="Spam!")
    restore = reverse(
        "debates:evidence_revert", args=[debate.slug, evidence.pk, original.history_id]
    )

    client.force_login(moderator)
    assert restore in client.get(history_url(claim)).content.decode()
    response = client.post(restore)
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.relation, evidence.note) == ("supports", "Costs matter.")
    assert evidence.history.count() == 3  # a new revision, nothing rewritten
    assert AuditEntry.objects.filter(evidence=evidence, action="evidence_edited").count() == 2

    # Now it reads as it did: nothing to restore, said plainly; and only moderators may.
    client.post(restore)
    with pytest.raises(ValidationError, match="nothing to restore"):
        services.evidence_revert(actor=moderator, evidence=evidence, history_id=original.history_id)
    with pytest.raises(PermissionDenied):
        services.evidence_revert(actor=student, evidence=evidence, history_id=original.history_id)
    client.force_login(student)
    assert client.post(restore).status_code == 403
    assert restore not in client.get(history_url(claim)).content.decode()


def test_the_first_version_names_its_author(debate, claim, student, source):

    argument = make_claim(
        debate=debate,
        kind="argument",
        parent=claim,
        relation="supports",
        text="Cheap",
        author=student,
    )
    evidence = make_evidence(claim=argument, passage=source.passages.first(), author=student)
    assert argument.history.get().history_user == student
    assert evidence.history.get().history_user == student
