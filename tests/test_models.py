"""The data model's invariants hold in the database itself, whatever writes the rows."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from debates.models import Anchor, Annotation, Claim, ClaimLink, Evidence, Flag, Membership

from .factories import ClaimFactory, DebateFactory, make_claim


def integrity_error(**match):
    return pytest.raises(IntegrityError, **match)


@pytest.fixture
def issue(debate):
    return ClaimFactory(debate=debate, kind="issue", text="Should towns be built on rivers?")


@pytest.fixture
def position(debate, issue):
    return ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes."
    )


@pytest.fixture
def argument(debate, position):
    return ClaimFactory(
        debate=debate, kind="argument", parent=position, relation="supports", text="Trade."
    )


def test_a_position_whose_parent_is_an_argument_is_refused_by_the_database(debate, argument):
    with integrity_error(match="position must answer an issue"), transaction.atomic():
        Claim.objects.create(
            debate=debate, kind="position", parent=argument, relation="answers", text="x"
        )


def test_an_argument_directly_under_an_issue_is_refused_by_the_database(debate, issue):
    with integrity_error(match="argument must stand under"), transaction.atomic():
        Claim.objects.create(
            debate=debate, kind="argument", parent=issue, relation="supports", text="x"
        )


def test_a_parent_from_another_debate_is_refused_by_the_database(debate, issue):
    other = DebateFactory()
    with integrity_error(match="same debate"), transaction.atomic():
        Claim.objects.create(
            debate=other, kind="position", parent=issue, relation="answers", text="x"
        )


def test_moving_a_position_under_an_argument_is_refused_on_update(position, argument):
    other_position = ClaimFactory(
        debate=position.debate, kind="position", parent=position.parent, relation="answers"
    )
    with integrity_error(match="position must answer an issue"), transaction.atomic():
        Claim.objects.filter(pk=other_position.pk).update(parent=argument)


def test_a_claim_with_children_cannot_change_kind(position, argument):
    with integrity_error(match="cannot change its kind"), transaction.atomic():
        Claim.objects.filter(pk=position.pk).update(kind="argument", relation="supports")


@pytest.mark.parametrize(
    ("kind", "relation", "has_parent"),
    [
        ("issue", "answers", False),
        ("issue", "", True),
        ("position", "supports", True),
        ("position", "answers", False),
        ("argument", "answers", True),
        ("argument", "", True),
    ],
)
def test_kind_and_relation_must_agree(debate, issue, position, kind, relation, has_parent):
    parent = (issue if kind == "position" else position) if has_parent else None
    if kind == "issue" and has_parent:
        parent = issue
    with integrity_error(), transaction.atomic():
        Claim.objects.create(debate=debate, kind=kind, parent=parent, relation=relation, text="x")


def test_a_valid_map_of_every_kind_is_accepted(argument):
    counter = ClaimFactory(
        debate=argument.debate, kind="argument", parent=argument, relation="opposes"
    )
    undercut = ClaimFactory(
        debate=argument.debate, kind="argument", parent=argument, relation="undercuts"
    )
    assert counter.is_counterargument
    assert not argument.is_counterargument
    assert undercut.parent == argument


def test_blank_claim_text_is_refused(debate):
    with integrity_error(), transaction.atomic():
        Claim.objects.create(debate=debate, kind="issue", text="")


def test_cross_link_must_respect_kinds_and_debate(debate, issue, position, argument):
    second_issue = ClaimFactory(debate=debate, kind="issue")
    ClaimLink.objects.create(debate=debate, claim=position, parent=second_issue, relation="answers")
    with integrity_error(match="position must answer an issue"), transaction.atomic():
        ClaimLink.objects.create(debate=debate, claim=position, parent=argument, relation="answers")
    with integrity_error(match="same debate"), transaction.atomic():
        ClaimLink.objects.create(
            debate=DebateFactory(), claim=argument, parent=position, relation="supports"
        )
    with integrity_error(), transaction.atomic():
        ClaimLink.objects.create(debate=debate, claim=argument, parent=argument, relation="opposes")


def test_a_person_has_one_membership_per_debate(debate, student):
    with integrity_error(), transaction.atomic():
        Membership.objects.create(user=student, debate=debate, role="contributor")


def test_a_passage_is_cited_once_per_claim(debate, argument, source, teacher):
    passage = source.passages.first()
    Evidence.objects.create(claim=argument, passage=passage, author=teacher)
    with integrity_error(), transaction.atomic():
        Evidence.objects.create(claim=argument, passage=passage, author=teacher)


def test_an_empty_anchor_is_refused(source):
    revision = source.current_revision
    with integrity_error(), transaction.atomic():
        Anchor.objects.create(source=source, revision=revision, start=5, end=5, exact="")


def test_a_debate_annotation_must_name_its_debate(source, student):
    anchor = source.passages.first().anchor
    with integrity_error(), transaction.atomic():
        Annotation.objects.create(anchor=anchor, author=student, visibility="debate", body="x")


def test_a_flag_names_exactly_one_target(argument, student):
    with integrity_error(), transaction.atomic():
        Flag.objects.create(reason="unclear", created_by=student)
    flag = Flag.objects.create(claim=argument, reason="unclear", created_by=student)
    assert flag.status == "open"


def test_source_revisions_are_immutable(source):
    revision = source.current_revision
    revision.text = "changed"
    with pytest.raises(ValueError, match="immutable"):
        revision.save()


def test_services_explain_a_misplaced_claim_before_the_database_does(debate, issue, teacher):
    with pytest.raises(
        ValidationError,
        match="An argument stands under a position or an argument, not under an issue",
    ):
        make_claim(
            debate=debate,
            kind="argument",
            parent=issue,
            relation="supports",
            text="x",
            author=teacher,
        )
    with pytest.raises(ValidationError, match="needs some text"):
        make_claim(debate=debate, kind="issue", text="  ", author=teacher)


def test_claim_edits_are_kept_in_history(issue):
    issue.text = "Should towns be built beside rivers?"
    issue.save()
    assert [h.text for h in issue.history.order_by("history_date")] == [
        "Should towns be built on rivers?",
        "Should towns be built beside rivers?",
    ]
