"""Claims (list per debate, detail, subtree, create, edit, move, delete), their evidence,
and the moderators' actions on both (approve, reject, merge)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ... import policy, services
from ...models import Claim, ClaimEdit, Evidence, Passage, Source
from ...selectors import lists
from ...selectors.maps import claim_subtree
from ...selectors.reasoning import claim_votes, map_reasoning
from . import serializers as s
from .base import ViewSet, valid
from .debates import SLUG, tree_document
from .docs import doc, example, page_of
from .filters import ClaimFilter, EditFilter, EvidenceFilter

CLAIM_EXAMPLE = {
    "id": 12,
    "debate": "rivers",
    "kind": "argument",
    "parent": 4,
    "relation": "supports",
    "text": "Rivers sustain whole communities.",
    "author": {"username": "student", "name": "Sam"},
    "status": "published",
    "status_reason": "",
    "version": 2,
    "order": 1,
    "merged_into": None,
    "deleted": False,
    "created_at": "2026-01-12T09:40:00Z",
    "updated_at": "2026-01-12T10:02:00Z",
}
PASSAGE_EXAMPLE = {
    "id": 31, "source": 3, "kind": "paragraph", "label": "¶ 4", "section": "Background",
    "page": None, "start": 812, "end": 1104, "exact": "The river was granted…", "anchored": True,
}  # fmt: skip
EVIDENCE_EXAMPLE = {
    "id": 5,
    "claim": 12,
    "relation": "supports",
    "note": "The court's own words.",
    "status": "published",
    "author": {"username": "student", "name": "Sam"},
    "passage": PASSAGE_EXAMPLE,
    "created_at": "2026-01-12T09:45:00Z",
}
CLAIM_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="A claim's id.")


def _claim_or_404(request, pk) -> Claim:
    """The claim as the viewer may see it (the debate's list rules, pseudonyms included)."""
    found = Claim.objects.select_related("debate").filter(pk=pk).first()
    if found is None or not policy.can_view_debate(request.user, found.debate):
        raise Http404("No such claim.")
    claim = lists.debate_claims(debate=found.debate, viewer=request.user).filter(pk=pk).first()
    if claim is None:
        raise Http404("No such claim.")
    return claim


def _claim_in(request, debate, pk, field: str) -> Claim:
    """A claim of `debate` named in the request body, or a 400 naming the field; in the same
    words for a claim the viewer may not open (someone's proposal, withheld work, a deleted
    claim), so the answer does not tell hidden claims from missing ones."""
    claim = Claim.objects.select_related("debate").filter(debate=debate, pk=pk).first()
    if claim is None or not policy.can_open_claim(request.user, claim, debate):
        raise ValidationError({field: [f"No claim {pk} in this debate."]})
    return claim


def _claim_response(request, claim: Claim, status_code=status.HTTP_200_OK) -> Response:
    claim = _claim_or_404(request, claim.pk)
    return Response(s.ClaimSerializer(claim).data, status=status_code)


class DebateClaimViewSet(mixins.ListModelMixin, ViewSet):
    """/debates/{slug}/claims/: the claims of one debate."""

    serializer_class = s.ClaimSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ClaimFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no debate in the URL
            return Claim.objects.none()
        return lists.debate_claims(debate=self.debate_from_url(), viewer=self.request.user)

    @doc(
        "List a debate's claims",
        "The claims you may see one by one, in id order: moderators every claim (deleted, "
        "rejected and merged ones too), everyone else published claims on the map and their "
        "own. Filter by `kind`, `status`, `author` (username), `parent` or `root=true`.",
        responses={200: s.ClaimSerializer(many=True)},
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=SLUG)],
        errors=(400, 404),
        examples=[example("A page of claims", page_of([CLAIM_EXAMPLE]))],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @doc(
        "Add a claim",
        "A new issue (no `parent`; moderators), a position under an issue, or an argument "
        "under a position or argument with a `stance`. Published or proposed as your role "
        "and the debate's contribution mode decide (see `status`).",
        request=s.ClaimCreateSerializer,
        responses={201: s.ClaimSerializer},
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=SLUG)],
        errors=(400, 401, 403, 404),
        examples=[
            example(
                "An argument",
                {"text": "Rivers sustain whole communities.", "parent": 4, "stance": "supports"},
                request=True,
            ),  # fmt: skip
            example("Added", CLAIM_EXAMPLE | {"version": 1}, status=201),
        ],
    )
    def create(self, request, slug=None):
        debate = self.debate_from_url()
        data = valid(s.ClaimCreateSerializer, request)
        parent = None
        if data["parent"] is not None:
            parent = _claim_in(request, debate, data["parent"], "parent")
        claim = services.claim_add(
            actor=request.user,
            debate=debate,
            text=data["text"],
            parent=parent,
            stance=data["stance"],
        )
        return _claim_response(request, claim, status.HTTP_201_CREATED)


_TALLY = {"mine": 3, "shown": True, "count": 4, "mean": 2.75, "distribution": [0, 0, 1, 3, 0]}
REASONING_EXAMPLE = {
    "label": "stands",
    "why": "Stands: every attack on it is answered — “Dams kill fish” is answered by “Fish "
    "ladders”.",
    "strength": 0.71,
    "acceptability": _TALLY,
    "relevance": {"mine": None, "shown": False, "count": None, "mean": None, "distribution": None},
}


class ClaimViewSet(ViewSet):
    """/claims/{id}/: one claim, what is under it, and what may be done to it."""

    serializer_class = s.ClaimSerializer

    def get_queryset(self):  # for the schema; every action loads through `_claim_or_404`
        return (Evidence if self.action == "evidence" else Claim).objects.none()

    @doc(
        "Read a claim",
        "A claim you may see.",
        responses={200: s.ClaimSerializer},
        parameters=[CLAIM_ID],
        errors=(404,),
        examples=[example("A claim", CLAIM_EXAMPLE)],
    )
    def retrieve(self, request, pk=None):
        return Response(s.ClaimSerializer(_claim_or_404(request, pk)).data)

    @doc(
        "Edit a claim's text",
        "Send the `version` you loaded: if someone saved since, the answer is 409 with the "
        "current version. Where you publish the text changes now (200); where you propose "
        "(your own published claim in a reviewed debate) the edit waits for a moderator and "
        "the claim keeps its text (202).",
        request=s.ClaimEditSerializer,
        parameters=[CLAIM_ID],
        responses={200: s.ClaimSerializer, 202: s.ClaimSerializer},
        errors=(400, 401, 403, 404, 409),
        examples=[
            example(
                "New text", {"text": "Rivers sustain communities.", "version": 2}, request=True
            ),  # fmt: skip
            example("Saved", CLAIM_EXAMPLE | {"version": 3}),
            example("Waiting for review", CLAIM_EXAMPLE, status=202),
        ],
    )
    def partial_update(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        data = valid(s.ClaimEditSerializer, request)
        result = services.claim_edit(
            actor=request.user, claim=claim, text=data["text"], base_version=data["version"]
        )
        code = status.HTTP_202_ACCEPTED if result.is_pending else status.HTTP_200_OK
        return _claim_response(request, result.claim, code)

    @doc(
        "Delete or withdraw a claim",
        "Moderators delete any claim (softly: it can be restored); authors withdraw their "
        "own while nobody has replied. An optional `reason` goes to the audit log.",
        request=s.ReasonSerializer,
        parameters=[CLAIM_ID],
        responses={204: None},
        errors=(400, 401, 403, 404),
    )
    def destroy(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        data = valid(s.ReasonSerializer, request)
        services.claim_delete(actor=request.user, claim=claim, reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @doc(
        "Restore a deleted claim",
        "Bring a deleted claim back where it stood (moderators; its parent must be on the map).",
        request=None,
        parameters=[CLAIM_ID],
        responses={200: s.ClaimSerializer},
        errors=(403, 404),
        examples=[example("Restored", CLAIM_EXAMPLE)],
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        return _claim_response(request, services.claim_restore(actor=request.user, claim=claim))

    @doc(
        "A claim's subtree",
        "The claim and every reply below it on your map, nested (as the debate's tree).",
        parameters=[CLAIM_ID],
        responses={200: s.TreeSerializer},
        errors=(404,),
        examples=[
            example(
                "A subtree",
                {
                    "debate": "rivers",
                    "claim_count": 1,
                    "issues": [
                        {
                            "id": 3,
                            "kind": "argument",
                            "relation": "supports",
                            "text": "Rivers sustain whole communities.",
                            "status": "published",
                            "evidence_count": 0,
                            "links": [],
                            "children": [],
                        }
                    ],
                },
            )
        ],  # fmt: skip
    )
    @action(detail=True, methods=["get"])
    def subtree(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        found = claim_subtree(claim=claim, viewer=request.user, budget=1_000_000)
        if found is None:
            raise Http404("This claim is not on your map.")
        return Response(tree_document(claim.debate, found.issues))

    @doc(
        "Move a claim",
        "Put a claim, with everything under it, under another parent (moderators); an "
        "argument takes the `stance` it has towards its new parent.",
        request=s.ClaimMoveSerializer,
        parameters=[CLAIM_ID],
        responses={200: s.ClaimSerializer},
        errors=(400, 401, 403, 404),
        examples=[
            example("Under claim 9", {"parent": 9, "stance": "opposes"}, request=True),
            example("Moved", CLAIM_EXAMPLE | {"parent": 9, "relation": "opposes"}),
        ],
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        data = valid(s.ClaimMoveSerializer, request)
        parent = _claim_in(request, claim.debate, data["parent"], "parent")
        moved = services.claim_move(
            actor=request.user, claim=claim, parent=parent, stance=data["stance"]
        )
        return _claim_response(request, moved)

    @doc(
        "Approve a proposed claim",
        "Publish a claim waiting for review (moderators); with `text`, edit it first.",
        request=s.ApproveSerializer,
        parameters=[CLAIM_ID],
        responses={200: s.ClaimSerializer},
        errors=(400, 401, 403, 404),
        examples=[
            example("Approve", {"reason": "Well sourced."}, request=True),
            example("Approved", CLAIM_EXAMPLE),
        ],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        data = valid(s.ApproveSerializer, request)
        done = services.claim_approve(
            claim=claim, actor=request.user, text=data["text"], reason=data["reason"]
        )
        return _claim_response(request, done)

    @doc(
        "Reject a proposed claim",
        "Refuse a claim waiting for review, saying why (moderators). It is kept, with the "
        "reason, and its author may change it and resubmit.",
        request=s.RequiredReasonSerializer,
        parameters=[CLAIM_ID],
        responses={200: s.ClaimSerializer},
        errors=(400, 401, 403, 404),
        examples=[
            example("Reject", {"reason": "This repeats claim 7."}, request=True),
            example(
                "Rejected",
                CLAIM_EXAMPLE | {"status": "rejected", "status_reason": "This repeats claim 7."},
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        data = valid(s.RequiredReasonSerializer, request)
        done = services.claim_reject(claim=claim, actor=request.user, reason=data["reason"])
        return _claim_response(request, done)

    @doc(
        "Merge a duplicate",
        "Merge this claim into `target`, a published claim of the same kind in the same "
        "debate (moderators): its replies and evidence move to the target.",
        request=s.MergeSerializer,
        parameters=[CLAIM_ID],
        responses={200: s.ClaimSerializer},
        errors=(400, 401, 403, 404),
        examples=[
            example("Merge", {"target": 7, "reason": "Same point."}, request=True),
            example("Merged", CLAIM_EXAMPLE | {"status": "merged", "merged_into": 7}),
        ],
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        data = valid(s.MergeSerializer, request)
        target = _claim_in(request, claim.debate, data["target"], "target")
        done = services.claim_merge(
            claim=claim, target=target, actor=request.user, reason=data["reason"]
        )
        return _claim_response(request, done)

    @doc(
        "Rate a claim",
        "Your answer (0 to 4) to a question about a published claim: `acceptability` (is it "
        "true or acceptable?) or, for an argument, `relevance` (if true, how much does it bear "
        "on its parent?). Members of the debate; sending again changes it.",
        request=s.VoteSerializer,
        parameters=[CLAIM_ID],
        responses={200: s.VoteSerializer},
        errors=(403, 404),
        examples=[
            example("Plausible", {"question": "acceptability", "value": 3}, request=True),
            example("Recorded", {"question": "acceptability", "value": 3}),
        ],
    )
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        data = valid(s.VoteSerializer, request)
        vote = services.vote_cast(
            actor=request.user, claim=claim, question=data["question"], value=data["value"]
        )
        return Response({"question": vote.question, "value": vote.value})

    @doc(
        "Take back a rating",
        "Remove your answer to `question` about the claim.",
        request=s.VoteClearSerializer,
        parameters=[CLAIM_ID],
        responses={204: None},
        errors=(403, 404),
    )
    @vote.mapping.delete
    def vote_clear(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        data = valid(s.VoteClearSerializer, request)
        services.vote_clear(actor=request.user, claim=claim, question=data["question"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @doc(
        "A claim's ratings and label",
        "Its computed label (`stands`, `defeated`, `undecided`, or null when it is not on the "
        "published map) with the reason in words and its DF-QuAD strength, and for each "
        "question your own rating and — once you have rated it, or when the debate shows "
        "totals to all, or to its moderators — the number of ratings, their mean and their "
        "spread over the five steps (0 to 4).",
        parameters=[CLAIM_ID],
        responses={200: s.ReasoningSerializer},
        errors=(404,),
        examples=[example("Rated", REASONING_EXAMPLE)],
    )
    @vote.mapping.get
    def vote_totals(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        reasons = map_reasoning(debate=claim.debate, viewer=request.user)
        tallies = claim_votes(claim=claim, viewer=request.user)

        def tally(t):
            return {
                "mine": t.mine,
                "shown": t.shown,
                "count": t.count if t.shown else None,
                "mean": t.mean if t.shown else None,
                "distribution": t.distribution if t.shown else None,
            }

        return Response(
            {
                "label": reasons.label(claim.pk),
                "why": reasons.why(claim.pk),
                "strength": reasons.scores.get(claim.pk),
                "acceptability": tally(tallies["acceptability"]),
                "relevance": tally(tallies["relevance"]),
            }
        )

    @doc(
        "List a claim's evidence",
        "The passages grounding the claim that you may see, with their quotes.",
        parameters=[CLAIM_ID],
        responses={200: s.EvidenceSerializer(many=True)},
        errors=(404,),
        examples=[example("Evidence", page_of([EVIDENCE_EXAMPLE]))],
        filters=True,
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=s.EvidenceSerializer,
        filter_backends=[DjangoFilterBackend],
        filterset_class=EvidenceFilter,
    )
    def evidence(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        rows = self.filter_queryset(lists.claim_evidence(claim=claim, viewer=request.user))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.EvidenceSerializer(page, many=True).data)

    @doc(
        "Attach evidence",
        "Ground the claim in a passage: give `passage`, or a `source` with the `quote` (or "
        "`start` and `end`) to cite. Published or proposed as for claims.",
        request=s.EvidenceCreateSerializer,
        parameters=[CLAIM_ID],
        responses={201: s.EvidenceSerializer},
        errors=(400, 401, 403, 404),
        examples=[
            example(
                "A passage",
                {"passage": 31, "relation": "supports", "note": "The court's own words."},
                request=True,
            ),  # fmt: skip
            example(
                "A quote",
                {"source": 3, "quote": "The river was granted", "relation": "supports"},
                request=True,
            ),  # fmt: skip
            example("Attached", EVIDENCE_EXAMPLE, status=201),
        ],
    )
    @evidence.mapping.post
    def evidence_attach(self, request, pk=None):
        claim = _claim_or_404(request, pk)
        data = valid(s.EvidenceCreateSerializer, request)
        passage = source = None
        if data["passage"] is not None:
            passage = Passage.objects.select_related("source").filter(pk=data["passage"]).first()
            if passage is None:
                raise ValidationError({"passage": [f"No such passage: {data['passage']}."]})
        elif data["source"] is not None:
            source = Source.objects.filter(pk=data["source"]).first()
            if source is None:
                raise ValidationError({"source": [f"No such source: {data['source']}."]})
        else:
            raise ValidationError("Give a passage, or a source with the quote to cite.")
        evidence = services.evidence_attach(
            actor=request.user,
            claim=claim,
            passage=passage,
            source=source,
            quote=data["quote"],
            start=data["start"],
            end=data["end"],
            relation=data["relation"],
            note=data["note"],
        )
        row = lists.claim_evidence(claim=claim, viewer=request.user).get(pk=evidence.pk)
        return Response(s.EvidenceSerializer(row).data, status=status.HTTP_201_CREATED)


EVIDENCE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="An evidence id.")


class EvidenceViewSet(ViewSet):
    """/evidence/{id}/: one evidence link."""

    serializer_class = s.EvidenceSerializer

    def get_queryset(self):
        return Evidence.objects.none()

    def _evidence(self, pk) -> Evidence:
        evidence = get_object_or_404(
            Evidence.objects.select_related(
                "claim__debate", "passage__anchor", "passage__source", "author"
            ),
            pk=pk,
        )
        _claim_or_404(self.request, evidence.claim_id)
        if not policy.can_view_evidence(self.request.user, evidence, evidence.claim.debate):
            raise Http404("No such evidence.")
        return evidence

    @doc(
        "Read an evidence link",
        "Evidence you may see.",
        responses={200: s.EvidenceSerializer},
        parameters=[EVIDENCE_ID],
        errors=(404,),
        examples=[example("Evidence", EVIDENCE_EXAMPLE)],
    )
    def retrieve(self, request, pk=None):
        return Response(s.EvidenceSerializer(self._evidence(pk)).data)

    @doc(
        "Change evidence",
        "Its relation to the claim and its note: moderators, or its author while it is a "
        "proposal or where they publish directly.",
        request=s.EvidenceEditSerializer,
        parameters=[EVIDENCE_ID],
        responses={200: s.EvidenceSerializer},
        errors=(403, 404),
        examples=[
            example("Context", {"relation": "context", "note": "Background only."}, request=True),
            example(
                "Saved", EVIDENCE_EXAMPLE | {"relation": "context", "note": "Background only."}
            ),
        ],  # fmt: skip
    )
    def partial_update(self, request, pk=None):
        evidence = self._evidence(pk)
        data = valid(s.EvidenceEditSerializer, request)
        services.evidence_edit(
            actor=request.user, evidence=evidence, relation=data["relation"], note=data["note"]
        )
        return Response(s.EvidenceSerializer(self._evidence(pk)).data)

    @doc(
        "Detach evidence",
        "Take the evidence off its claim (moderators; its author while it may change it). "
        "It is kept and a moderator can restore it.",
        request=s.ReasonSerializer,
        parameters=[EVIDENCE_ID],
        responses={204: None},
        errors=(400, 401, 403, 404),
    )
    def destroy(self, request, pk=None):
        evidence = self._evidence(pk)
        data = valid(s.ReasonSerializer, request)
        services.evidence_detach(actor=request.user, evidence=evidence, reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @doc(
        "Approve proposed evidence",
        "Publish evidence waiting for review (moderators).",
        request=None,
        parameters=[EVIDENCE_ID],
        responses={200: s.EvidenceSerializer},
        errors=(400, 401, 403, 404),
        examples=[example("Approved", EVIDENCE_EXAMPLE)],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        evidence = services.evidence_approve(evidence=self._evidence(pk), actor=request.user)
        return Response(s.EvidenceSerializer(self._evidence(evidence.pk)).data)

    @doc(
        "Reject proposed evidence",
        "Refuse evidence waiting for review, saying why (moderators).",
        request=s.RequiredReasonSerializer,
        parameters=[EVIDENCE_ID],
        responses={200: s.EvidenceSerializer},
        errors=(400, 401, 403, 404),
        examples=[
            example("Reject", {"reason": "The passage says the opposite."}, request=True),
            example("Rejected", EVIDENCE_EXAMPLE | {"status": "rejected"}),
        ],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        evidence = self._evidence(pk)
        data = valid(s.RequiredReasonSerializer, request)
        done = services.evidence_reject(
            evidence=evidence, actor=request.user, reason=data["reason"]
        )
        return Response(s.EvidenceSerializer(done).data)


EDIT_EXAMPLE = {
    "id": 3,
    "claim": 12,
    "base_version": 2,
    "text": "Rivers sustain whole communities downstream.",
    "author": {"username": "student", "name": "Sam"},
    "status": "proposed",
    "reason": "",
    "created_at": "2026-01-13T08:00:00Z",
    "reviewed_at": None,
}
EDIT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="A proposed edit's id.")


class DebateEditViewSet(mixins.ListModelMixin, ViewSet):
    """/debates/{slug}/edits/: proposed new texts of the debate's claims."""

    serializer_class = s.PendingEditSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = EditFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no debate in the URL
            return ClaimEdit.objects.none()
        return lists.debate_edits(debate=self.debate_from_url(), viewer=self.request.user)

    @doc(
        "List proposed edits",
        "Edits of published claims waiting for review (and reviewed ones): every one for "
        "the debate's moderators, your own for you. Filter by `status` or `claim`.",
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=SLUG)],
        responses={200: s.PendingEditSerializer(many=True)},
        errors=(404,),
        examples=[example("Edits", page_of([EDIT_EXAMPLE]))],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class EditViewSet(ViewSet):
    """/edits/{id}/: approve or reject a proposed edit."""

    serializer_class = s.PendingEditSerializer

    def get_queryset(self):
        return ClaimEdit.objects.none()

    def _edit(self, pk) -> ClaimEdit:
        found = ClaimEdit.objects.select_related("claim__debate").filter(pk=pk).first()
        if found is None or not policy.can_view_debate(self.request.user, found.claim.debate):
            raise Http404("No such edit.")
        edits = lists.debate_edits(debate=found.claim.debate, viewer=self.request.user)
        edit = edits.select_related("claim__debate").filter(pk=pk).first()
        if edit is None:
            raise Http404("No such edit.")
        return edit

    @doc(
        "Approve a proposed edit",
        "Apply the edit as the claim's next version (moderators); with `text`, change it "
        "first. Refused if the claim changed since the edit was proposed.",
        request=s.ApproveSerializer,
        parameters=[EDIT_ID],
        responses={200: s.PendingEditSerializer},
        errors=(403, 404),
        examples=[
            example("Approve", {}, request=True),
            example("Approved", EDIT_EXAMPLE | {"status": "approved"}),
        ],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = valid(s.ApproveSerializer, request)
        done = services.claim_edit_approve(edit=self._edit(pk), actor=request.user,
                                           text=data["text"])  # fmt: skip
        return Response(s.PendingEditSerializer(self._edit(done.pk)).data)

    @doc(
        "Reject a proposed edit",
        "Refuse the edit, saying why (moderators); the claim keeps its text.",
        request=s.RequiredReasonSerializer,
        parameters=[EDIT_ID],
        responses={200: s.PendingEditSerializer},
        errors=(403, 404),
        examples=[
            example("Reject", {"reason": "The original is clearer."}, request=True),
            example(
                "Rejected",
                EDIT_EXAMPLE | {"status": "rejected", "reason": "The original is clearer."},
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = valid(s.RequiredReasonSerializer, request)
        done = services.claim_edit_reject(edit=self._edit(pk), actor=request.user,
                                          reason=data["reason"])  # fmt: skip
        return Response(s.PendingEditSerializer(self._edit(done.pk)).data)
