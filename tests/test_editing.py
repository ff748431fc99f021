"""In-place editing of maps: add, edit, reorder, move, cross-link, delete/restore claims and
attach/edit/detach/restore evidence — services and views, allowed and refused, with htmx
and without."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates import selectors, services
from debates.errors import EditConflict
from debates.models import (
    AuditEntry,
    Claim,
    ClaimEdit,
    ClaimLink,
    Debate,
    Evidence,
    Membership,
    Notification,
)

from .factories import ClaimFactory, UserFactory, build_map

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def tree(debate, teacher):
    """An issue, two positions, and an argument under the first position (all by teacher)."""
    issue = ClaimFactory(debate=debate, text="Should towns be built on rivers?")
    yes = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes, for trade"
    )
    no = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="No, floods"
    )
    barges = ClaimFactory(
        debate=debate,
        kind="argument",
        parent=yes,
        relation="supports",
        text="Barges carried grain cheaply",
        order=1,
    )
    return {"issue": issue, "yes": yes, "no": no, "barges": barges}


def url(name, debate, *args):
    return reverse(f"debates:{name}", args=[debate.slug, *args])


def audit_actions(debate):
    return list(AuditEntry.objects.filter(debate=debate).values_list("action", flat=True))


# --- adding ----------------------------------------------------------------------------


def test_moderator_adds_an_issue_a_position_and_arguments_of_every_stance(
    debate, moderator, teacher
):
    issue = services.claim_add(actor=moderator, debate=debate, text="Is rain good?")
    position = services.claim_add(actor=moderator, debate=debate, text="Yes", parent=issue)
    pro = services.claim_add(
        actor=moderator, debate=debate, text="Crops grow", parent=position, stance="supports"
    )
    counter = services.claim_add(
        actor=moderator, debate=debate, text="Not in floods", parent=pro, stance="opposes"
    )
    undercut = services.claim_add(
        actor=moderator, debate=debate, text="Irrelevant here", parent=pro, stance="undercuts"
    )
    assert (issue.kind, position.kind, pro.kind) == ("issue", "position", "argument")
    assert position.relation == "answers"
    assert counter.is_counterargument and undercut.relation == "undercuts"
    assert {c.status for c in (issue, position, pro, counter, undercut)} == {"published"}
    assert audit_actions(debate).count(AuditEntry.Action.CLAIM_ADDED) == 5
    # The history names who made the claim.
    assert pro.history.first().history_user == moderator


def test_publishing_under_someone_elses_claim_notifies_its_author(debate, tree, moderator, teacher):
    services.claim_add(
        actor=moderator, debate=debate, text="Rivers flood", parent=tree["yes"], stance="opposes"
    )
    note = Notification.objects.get(recipient=teacher)
    assert note.verb == "answered" and "Yes, for trade" in note.message


def test_viewer_proposes_in_a_reviewed_debate(debate, tree, student):
    claim = services.claim_add(
        actor=student, debate=debate, text="Mills need water", parent=tree["yes"], stance="supports"
    )
    assert claim.status == Claim.Status.PROPOSED
    assert AuditEntry.objects.get(claim=claim).action == AuditEntry.Action.CLAIM_PROPOSED
    assert not Notification.objects.exists()  # nobody hears of a proposal before review


@override_settings(CRUX_MAX_PENDING_PER_DAY=2)
def test_third_proposal_in_a_day_is_refused_with_a_clear_message(client, debate, tree, student):
    for n in range(2):
        services.claim_add(
            actor=student, debate=debate, text=f"Idea {n}", parent=tree["yes"], stance="supports"
        )
    with pytest.raises(ValidationError, match="waiting for review"):
        services.claim_add(
            actor=student, debate=debate, text="Idea 3", parent=tree["yes"], stance="supports"
        )
    client.force_login(student)
    response = client.post(
        url("claim_add", debate),
        {"parent": tree["yes"].pk, "text": "Idea 3", "stance": "supports"},
    )
    assert response.status_code == 400
    assert "waiting for review" in response.content.decode()
    assert not Claim.objects.filter(text="Idea 3").exists()


def test_closed_debate_and_outsiders_refuse_additions(debate, tree, student, outsider):
    with pytest.raises(PermissionDenied):
        services.claim_add(
            actor=outsider, debate=debate, text="x", parent=tree["yes"], stance="supports"
        )
    with pytest.raises(PermissionDenied):
        services.claim_add(actor=student, debate=debate, text="A new issue?")
    debate.contribution_mode = Debate.Mode.CLOSED
    debate.save()
    with pytest.raises(PermissionDenied):
        services.claim_add(
            actor=student, debate=debate, text="x", parent=tree["yes"], stance="supports"
        )


def test_an_argument_needs_a_stance_and_text(debate, tree, moderator):
    with pytest.raises(ValidationError, match="supports, opposes or undercuts"):
        services.claim_add(actor=moderator, debate=debate, text="x", parent=tree["yes"], stance="")
    with pytest.raises(ValidationError, match="needs some text"):
        services.claim_add(
            actor=moderator, debate=debate, text="   ", parent=tree["yes"], stance="supports"
        )


def test_add_form_without_js_redirects_to_the_new_claim_with_a_message(
    client, debate, tree, moderator
):
    client.force_login(moderator)
    page = client.get(url("claim_add", debate) + f"?parent={tree['yes'].pk}&stance=opposes")
    html = page.content.decode()
    assert page.status_code == 200 and "<html" in html and "Add a argument" not in html
    assert 'value="opposes" selected' in html
    response = client.post(
        url("claim_add", debate),
        {"parent": tree["yes"].pk, "text": "Rivers flood", "stance": "opposes"},
        follow=True,
    )
    claim = Claim.objects.get(text="Rivers flood")
    assert response.redirect_chain[0][0] == f"/debates/{debate.slug}/#claim-{claim.pk}"
    assert "Your argument is published." in response.content.decode()


def test_add_with_htmx_loads_the_form_fragment_then_swaps_the_map_tree(
    client, debate, tree, moderator
):
    client.force_login(moderator)
    fragment = client.get(url("claim_add", debate) + f"?parent={tree['yes'].pk}", **HX)
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert 'hx-post="/debates/rivers/claims/add/"' in html and 'hx-target="#map-tree"' in html
    response = client.post(
        url("claim_add", debate),
        {"parent": tree["yes"].pk, "text": "Rivers flood", "stance": "opposes"},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="map-tree"') and "Rivers flood" in html
    assert 'id="edit-status"' in html and "published" in html


def test_add_with_htmx_and_bad_input_returns_the_form_into_the_panel(
    client, debate, tree, moderator
):
    client.force_login(moderator)
    before = Claim.objects.count()
    response = client.post(
        url("claim_add", debate), {"parent": tree["yes"].pk, "text": "", "stance": "opposes"}, **HX
    )
    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#claim-{tree['yes'].pk}-panel"
    assert response["HX-Reswap"] == "innerHTML"
    assert "This field is required." in response.content.decode()
    assert Claim.objects.count() == before


def test_edit_urls_are_403_in_a_visible_debate_and_404_in_a_private_one(
    client, debate, tree, student, outsider
):
    client.force_login(outsider)
    issue = tree["issue"]
    assert client.get(url("claim_edit", debate, issue.pk)).status_code == 403
    assert client.post(url("claim_add", debate), {"text": "New?"}).status_code == 403
    client.force_login(student)
    assert client.get(url("claim_add", debate)).status_code == 403  # issues are moderators'
    assert (
        client.post(url("claim_reorder", debate, issue.pk), {"direction": "up"}).status_code == 403
    )
    debate.visibility = Debate.Visibility.PRIVATE
    debate.save()
    client.force_login(outsider)
    for name in ("claim_edit", "claim_move", "claim_delete", "evidence_attach", "claim_history"):
        assert client.get(url(name, debate, issue.pk)).status_code == 404, name
    assert client.get(url("claim_add", debate)).status_code == 404


def test_anonymous_people_are_sent_to_log_in(client, debate, tree):
    response = client.get(url("claim_edit", debate, tree["yes"].pk))
    assert response.status_code == 302 and "/login" in response["Location"]


# --- editing ---------------------------------------------------------------------------


def test_moderator_edit_makes_a_new_version_named_in_history_and_tells_the_author(
    debate, tree, moderator, teacher
):
    claim = tree["yes"]
    result = services.claim_edit(
        actor=moderator, claim=claim, text="Yes, for trade and mills", base_version=1
    )
    claim.refresh_from_db()
    assert not result.is_pending
    assert claim.version == 2 and claim.text == "Yes, for trade and mills"
    newest = claim.history.first()
    assert newest.history_user == moderator and newest.version == 2
    assert AuditEntry.objects.get(action=AuditEntry.Action.CLAIM_EDITED).actor == moderator
    assert Notification.objects.get(recipient=teacher).verb == "edited"


def test_stale_edit_raises_a_conflict_and_saves_nothing(debate, tree, moderator, teacher):
    claim = tree["yes"]
    services.claim_edit(actor=teacher, claim=claim, text="Theirs", base_version=1)
    with pytest.raises(EditConflict) as caught:
        services.claim_edit(actor=moderator, claim=claim, text="Mine", base_version=1)
    assert caught.value.claim.text == "Theirs" and caught.value.claim.version == 2
    claim.refresh_from_db()
    assert claim.text == "Theirs"


@pytest.mark.parametrize("htmx", [False, True])
def test_conflict_page_is_409_and_shows_both_versions(
    client, debate, tree, moderator, teacher, htmx
):
    claim = tree["yes"]
    services.claim_edit(actor=teacher, claim=claim, text="Their newer text", base_version=1)
    client.force_login(moderator)
    headers = HX if htmx else {}
    response = client.post(
        url("claim_edit", debate, claim.pk), {"text": "My text", "version": 1}, **headers
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Their newer text" in html and "My text" in html
    assert "Ms Teacher" in html  # who saved the version now shown
    assert 'name="version" value="2"' in html  # saving again goes on top of theirs
    if htmx:
        assert response["HX-Retarget"] == f"#claim-{claim.pk}-panel"
    # Saving again from the conflict form works.
    again = client.post(url("claim_edit", debate, claim.pk), {"text": "My text", "version": 2})
    assert again.status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.version) == ("My text", 3)


def test_unchanged_text_is_a_400_with_a_message(client, debate, tree, moderator):
    client.force_login(moderator)
    response = client.post(
        url("claim_edit", debate, tree["yes"].pk), {"text": "Yes, for trade", "version": 1}
    )
    assert response.status_code == 400 and "unchanged" in response.content.decode()


def test_approval_is_pinned_a_viewers_edit_waits_while_the_map_shows_the_approved_text(
    client, debate, tree, student, moderator
):
    claim = ClaimFactory(
        debate=debate,
        kind="argument",
        parent=tree["yes"],
        relation="supports",
        text="Approved wording",
        author=student,
    )
    client.force_login(student)
    response = client.post(
        url("claim_edit", debate, claim.pk), {"text": "Sneaky new wording", "version": 1}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.text == "Approved wording" and claim.version == 1
    edit = ClaimEdit.objects.get(claim=claim)
    assert edit.status == ClaimEdit.Status.PROPOSED and edit.base_version == 1
    assert AuditEntry.objects.get(claim=claim).action == AuditEntry.Action.EDIT_PROPOSED
    for person in (student, moderator):
        client.force_login(person)
        html = client.get(debate.get_absolute_url()).content.decode()
        assert "Approved wording" in html
        assert "Edit waiting for review" in html and "Sneaky new wording" in html
        detail = client.get(claim.get_absolute_url()).content.decode()
        assert "Edit waiting for review" in detail and "Sneaky new wording" in detail
    client.logout()
    html = client.get(debate.get_absolute_url()).content.decode()
    assert "Approved wording" in html and "Sneaky new wording" not in html


@override_settings(CRUX_MAX_PENDING_PER_DAY=2)
def test_proposed_edits_count_against_the_pending_limit(debate, tree, student):
    for n in range(2):
        services.claim_add(
            actor=student, debate=debate, text=f"Idea {n}", parent=tree["yes"], stance="supports"
        )
    mine = ClaimFactory(
        debate=debate, kind="argument", parent=tree["yes"], relation="opposes", author=student
    )
    with pytest.raises(ValidationError, match="waiting for review"):
        services.claim_edit(actor=student, claim=mine, text="Changed", base_version=1)
    assert not ClaimEdit.objects.exists()


def test_others_cannot_edit_a_claim(debate, tree, student):
    with pytest.raises(PermissionDenied):
        services.claim_edit(actor=student, claim=tree["yes"], text="Mine now", base_version=1)


# --- restructuring ---------------------------------------------------------------------


def test_reorder_moves_a_claim_among_its_siblings_keeping_history(client, debate, tree, moderator):
    yes, no = tree["yes"], tree["no"]
    client.force_login(moderator)
    response = client.post(url("claim_reorder", debate, no.pk), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == f"/debates/{debate.slug}/#claim-{no.pk}"
    yes.refresh_from_db()
    no.refresh_from_db()
    assert no.order < yes.order
    assert no.history.first().history_user == moderator
    assert AuditEntry.Action.CLAIM_REORDERED in audit_actions(debate)
    refused = client.post(url("claim_reorder", debate, no.pk), {"direction": "up"}, **HX)
    assert refused.status_code == 400 and "already first" in refused.content.decode()
    moved = client.post(url("claim_reorder", debate, no.pk), {"direction": "down"}, **HX)
    assert moved.status_code == 200 and 'id="map-tree"' in moved.content.decode()


def test_move_under_another_parent_with_a_stance(debate, tree, moderator):
    barges = services.claim_move(
        actor=moderator, claim=tree["barges"], parent=tree["no"], stance="opposes"
    )
    barges.refresh_from_db()
    assert barges.parent == tree["no"] and barges.relation == "opposes"
    assert AuditEntry.Action.CLAIM_MOVED in audit_actions(debate)


def test_move_refuses_cycles_wrong_kinds_and_other_debates(debate, tree, moderator):
    child = ClaimFactory(debate=debate, kind="argument", parent=tree["barges"], relation="supports")
    with pytest.raises(ValidationError, match="circle"):
        services.claim_move(actor=moderator, claim=tree["barges"], parent=child, stance="supports")
    with pytest.raises(ValidationError):
        services.claim_move(
            actor=moderator, claim=tree["barges"], parent=tree["issue"], stance="supports"
        )
    elsewhere = ClaimFactory(kind="issue")
    with pytest.raises(ValidationError, match="another debate"):
        services.claim_move(actor=moderator, claim=tree["yes"], parent=elsewhere)
    tree["barges"].refresh_from_db()
    assert tree["barges"].parent == tree["yes"]
    parents = selectors.valid_parents(claim=tree["barges"])
    assert tree["no"] in parents and child not in parents and tree["barges"] not in parents


def test_move_form_lists_valid_parents_and_refuses_viewers(
    client, debate, tree, moderator, student
):
    client.force_login(student)
    assert client.get(url("claim_move", debate, tree["barges"].pk)).status_code == 403
    client.force_login(moderator)
    html = client.get(url("claim_move", debate, tree["barges"].pk)).content.decode()
    assert "No, floods" in html and "Should towns be built" not in html.split("<form")[1]
    response = client.post(
        url("claim_move", debate, tree["barges"].pk), {"parent": tree["no"].pk, "stance": "opposes"}
    )
    assert response.status_code == 302
    bad = client.post(url("claim_move", debate, tree["barges"].pk), {"parent": 999999})
    assert bad.status_code == 400


def test_cross_link_and_unlink(client, debate, tree, moderator):
    link = services.claim_link(
        actor=moderator, claim=tree["barges"], parent=tree["no"], stance="opposes"
    )
    assert link.relation == "opposes" and link.history.first().history_user == moderator
    with pytest.raises(ValidationError, match="already cross-linked"):
        services.claim_link(
            actor=moderator, claim=tree["barges"], parent=tree["no"], stance="opposes"
        )
    with pytest.raises(ValidationError, match="already stands under"):
        services.claim_link(
            actor=moderator, claim=tree["barges"], parent=tree["yes"], stance="opposes"
        )
    client.force_login(moderator)
    html = client.get(debate.get_absolute_url()).content.decode()
    assert "See also: Barges carried grain cheaply" in html
    response = client.post(url("claim_unlink", debate, link.pk), **HX)
    assert response.status_code == 200
    assert not ClaimLink.objects.exists()
    assert ClaimLink.history.filter(history_type="-").count() == 1
    assert {AuditEntry.Action.CLAIM_LINKED, AuditEntry.Action.CLAIM_UNLINKED} <= set(
        audit_actions(debate)
    )


# --- delete and restore ----------------------------------------------------------------


def test_author_deletes_their_own_unanswered_claim_but_not_one_with_replies(
    client, debate, tree, student
):
    debate.contribution_mode = Debate.Mode.OPEN
    debate.save()
    mine = services.claim_add(
        actor=student, debate=debate, text="Mine", parent=tree["yes"], stance="supports"
    )
    answered = services.claim_add(
        actor=student, debate=debate, text="Answered", parent=tree["yes"], stance="supports"
    )
    ClaimFactory(debate=debate, kind="argument", parent=answered, relation="opposes")
    client.force_login(student)

    def more(claim):
        more_url = url("claim_more", debate, claim.pk)
        return client.get(more_url, HTTP_HX_REQUEST="true").content.decode()

    assert f"/claims/{mine.pk}/delete/" in more(mine)
    assert f"/claims/{answered.pk}/delete/" not in more(answered)
    assert client.post(url("claim_delete", debate, mine.pk)).status_code == 302
    mine.refresh_from_db()
    assert mine.deleted_at is not None
    refused = client.post(url("claim_delete", debate, answered.pk))
    assert refused.status_code == 400 and "replied" in refused.content.decode()
    answered.refresh_from_db()
    assert answered.deleted_at is None
    assert client.post(url("claim_delete", debate, tree["yes"].pk)).status_code == 403
    assert "Mine" not in client.get(debate.get_absolute_url()).content.decode()
    # The author no longer sees it, so its pages are gone for them.
    assert client.get(url("claim_edit", debate, mine.pk)).status_code == 404


def test_moderator_deletes_and_restores_with_the_deleted_list(
    client, debate, tree, moderator, student
):
    client.force_login(moderator)
    response = client.post(
        url("claim_delete", debate, tree["yes"].pk), {"reason": "duplicate"}, **HX
    )
    assert response.status_code == 200 and "Yes, for trade" not in response.content.decode()
    assert AuditEntry.objects.get(action=AuditEntry.Action.CLAIM_DELETED).reason == "duplicate"
    listing = client.get(url("deleted_claims", debate)).content.decode()
    assert "Yes, for trade" in listing
    restored = client.post(url("claim_restore", debate, tree["yes"].pk))
    assert restored.status_code == 302
    tree["yes"].refresh_from_db()
    assert tree["yes"].deleted_at is None
    html = client.get(debate.get_absolute_url()).content.decode()
    assert "Yes, for trade" in html and "Barges carried grain cheaply" in html  # its subtree too
    client.force_login(student)
    assert client.get(url("deleted_claims", debate)).status_code == 403


def test_restoring_under_a_deleted_parent_is_refused(debate, tree, moderator):
    services.claim_delete(actor=moderator, claim=tree["barges"])
    services.claim_delete(actor=moderator, claim=tree["yes"])
    with pytest.raises(ValidationError, match="restore that first"):
        services.claim_restore(actor=moderator, claim=tree["barges"])


def test_viewer_cannot_restore(debate, tree, moderator, student):
    services.claim_delete(actor=moderator, claim=tree["barges"])
    with pytest.raises(PermissionDenied):
        services.claim_restore(actor=student, claim=tree["barges"])


# --- evidence --------------------------------------------------------------------------


def test_attach_evidence_by_choosing_a_passage(client, debate, tree, moderator, source):
    passage = source.passages.get(label="Costs")
    client.force_login(moderator)
    page = client.get(url("evidence_attach", debate, tree["no"].pk)).content.decode()
    assert "<optgroup" in page and "Floods" in page  # grouped by source and section
    response = client.post(
        url("evidence_attach", debate, tree["no"].pk),
        {"passage": passage.pk, "relation": "supports", "note": "The cost of floods"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(claim=tree["no"])
    assert evidence.status == "published" and evidence.note == "The cost of floods"
    assert evidence.history.first().history_user == moderator
    assert AuditEntry.objects.get(evidence=evidence).action == AuditEntry.Action.EVIDENCE_ADDED


def test_attach_evidence_by_pasting_an_exact_quote(debate, tree, student, source):
    evidence = services.evidence_attach(
        actor=student,
        claim=tree["barges"],
        source=source,
        quote="Barges carried grain cheaply.",
        relation="supports",
    )
    assert evidence.passage.anchor.exact == "Barges carried grain cheaply."
    assert evidence.status == "proposed"  # a viewer in a reviewed debate proposes
    assert AuditEntry.objects.get(evidence=evidence).action == AuditEntry.Action.EVIDENCE_PROPOSED


def test_a_quote_not_in_the_source_is_a_400_and_writes_nothing(
    client, debate, tree, moderator, source
):
    client.force_login(moderator)
    response = client.post(
        url("evidence_attach", debate, tree["no"].pk),
        {"source": source.pk, "quote": "Words nobody wrote", "relation": "supports"},
        **HX,
    )
    assert response.status_code == 400
    assert "is not in" in response.content.decode()
    assert response["HX-Retarget"] == f"#claim-{tree['no'].pk}-panel"
    assert not Evidence.objects.exists()


def test_edit_detach_and_restore_evidence(client, debate, tree, moderator, student, source):
    passage = source.passages.get(label="Costs")
    evidence = services.evidence_attach(
        actor=moderator, claim=tree["no"], passage=passage, relation="supports"
    )
    with pytest.raises(PermissionDenied):
        services.evidence_edit(actor=student, evidence=evidence, relation="opposes")
    client.force_login(moderator)
    response = client.post(
        url("evidence_edit", debate, evidence.pk), {"relation": "context", "note": "Background"}
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.relation, evidence.note) == ("context", "Background")
    assert client.post(url("evidence_detach", debate, evidence.pk), **HX).status_code == 200
    evidence.refresh_from_db()
    assert evidence.deleted_at is not None
    assert "0 evidence" in client.get(debate.get_absolute_url()).content.decode()
    assert client.post(url("evidence_restore", debate, evidence.pk)).status_code == 302
    evidence.refresh_from_db()
    assert evidence.deleted_at is None
    assert [a for a in audit_actions(debate) if a.startswith("evidence")] == [
        "evidence_restored",
        "evidence_detached",
        "evidence_edited",
        "evidence_added",
    ]
    client.force_login(student)
    assert client.get(url("evidence_edit", debate, evidence.pk)).status_code == 403


@override_settings(CRUX_MAX_PENDING_PER_DAY=2)
def test_proposed_evidence_counts_against_the_pending_limit(debate, tree, student, source):
    quotes = ["Barges carried grain cheaply.", "Floods left fertile soil behind."]
    for quote in quotes:
        services.evidence_attach(actor=student, claim=tree["barges"], source=source, quote=quote)
    with pytest.raises(ValidationError, match="waiting for review"):
        services.evidence_attach(
            actor=student, claim=tree["barges"], source=source, quote="Rebuilding cost a fortune."
        )
    assert Evidence.objects.count() == 2


def test_citing_from_the_reader_goes_through_the_editing_services(
    client, debate, tree, student, source
):
    text = source.current_revision.text
    start = text.index("Barges carried")
    client.force_login(student)
    response = client.post(
        reverse("debates:cite", args=[source.pk]),
        {
            "cite-mode": "argue",
            "cite-claim": tree["yes"].pk,
            "cite-stance": "supports",
            "cite-text": "Cheap transport",
            "cite-relation": "supports",
            "cite-start": start,
            "cite-end": start + len("Barges carried grain cheaply."),
            "cite-revision": 1,
        },
    )
    assert response.status_code == 302
    argument = Claim.objects.get(text="Cheap transport")
    assert argument.status == "proposed" and argument.evidence.get().status == "proposed"
    assert {AuditEntry.Action.CLAIM_PROPOSED, AuditEntry.Action.EVIDENCE_PROPOSED} <= set(
        audit_actions(debate)
    )


# --- the toolbar -----------------------------------------------------------------------


def test_toolbar_offers_only_what_the_viewer_may_do(client, debate, tree, moderator, student):
    yes = tree["yes"]
    client.force_login(moderator)
    html = client.get(debate.get_absolute_url()).content.decode()
    for name in ("claim_edit", "evidence_attach", "claim_more"):
        assert url(name, debate, yes.pk) in html, name
    assert 'aria-label="Actions on “Yes, for trade”"' in html
    assert f'id="claim-{yes.pk}-panel"' in html and 'hx-target="#claim-' in html
    # The rarer actions load into the panel from "More" (the claim page lists them too).
    more = client.get(url("claim_more", debate, yes.pk), HTTP_HX_REQUEST="true")
    more_html = more.content.decode()
    for name in ("claim_move", "claim_link", "claim_delete", "claim_reorder", "claim_history"):
        assert url(name, debate, yes.pk) in more_html, name
    assert "stance=undercuts" in more_html
    no_js = client.get(url("claim_more", debate, yes.pk))
    assert no_js["Location"] == f"{yes.get_absolute_url()}#claim-actions"
    assert "+ Add an issue" in html
    client.force_login(student)
    html = client.get(debate.get_absolute_url()).content.decode()
    assert url("claim_add", debate) + f"?parent={yes.pk}" in html  # viewers propose
    assert url("claim_edit", debate, yes.pk) not in html
    more = client.get(url("claim_more", debate, yes.pk), HTTP_HX_REQUEST="true").content.decode()
    for name in ("claim_move", "claim_reorder", "claim_delete"):
        assert url(name, debate, yes.pk) not in more, name
    assert "stance=undercuts" in more  # viewers may propose an undercut
    assert "+ Add an issue" not in html
    client.logout()
    html = client.get(debate.get_absolute_url()).content.decode()
    assert "node-tools" not in html


def test_claim_page_shows_the_same_actions_as_plain_links(client, debate, tree, moderator):
    client.force_login(moderator)
    html = client.get(tree["yes"].get_absolute_url()).content.decode()
    assert url("claim_edit", debate, tree["yes"].pk) + "?next=" in html
    assert url("claim_history", debate, tree["yes"].pk) in html
    response = client.post(
        url("claim_edit", debate, tree["yes"].pk),
        {"text": "Yes, for trade above all", "version": 1, "next": tree["yes"].get_absolute_url()},
    )
    assert response["Location"] == tree["yes"].get_absolute_url()
    evil = client.post(
        url("claim_edit", debate, tree["yes"].pk),
        {"text": "Again", "version": 2, "next": "https://evil.example/"},
    )
    assert evil["Location"] == f"/debates/{debate.slug}/#claim-{tree['yes'].pk}"


def test_map_toolbar_costs_no_query_per_node(client, teacher, student, source):
    from .factories import DebateFactory

    small = DebateFactory(owner=teacher, slug="small")
    big = DebateFactory(owner=teacher, slug="big")
    build_map(small, 10)
    build_map(big, 300)
    for debate in (small, big):
        Membership.objects.create(user=student, debate=debate, role=Membership.Role.CONTRIBUTOR)
    for person in (teacher, student):
        client.force_login(person)
        counts = []
        for debate in (small, big):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(debate.get_absolute_url()).status_code == 200
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1], person


def test_a_staff_member_edits_anywhere(debate, tree):
    staff = UserFactory(username="staffer", is_staff=True)
    services.claim_edit(
        actor=staff, claim=tree["issue"], text="Where to build towns?", base_version=1
    )
    tree["issue"].refresh_from_db()
    assert tree["issue"].version == 2
