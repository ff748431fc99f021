"""Forms for editing a map in place. They check shapes; the rules live in `editing`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F

from ..models import Claim, Evidence, Passage
from ..services._base import MAX_CLAIM_CHARS

STANCE_CHOICES = [
    ("supports", "Pro — supports it"),
    ("opposes", "Con — opposes it"),
    ("undercuts", "Undercut — attacks the link to its parent"),
]


def _claim_label(claim: Claim) -> str:
    text = claim.text if len(claim.text) <= 90 else claim.text[:89] + "…"
    pending = " (pending)" if claim.status != Claim.Status.PUBLISHED else ""
    return f"{claim.get_kind_display().capitalize()} #{claim.pk}: {text}{pending}"


class ClaimAddForm(forms.Form):
    text = forms.CharField(
        label="Text",
        max_length=MAX_CLAIM_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One clear claim, in a sentence or two.",
    )
    stance = forms.ChoiceField(label="Stance", choices=STANCE_CHOICES, initial="supports")

    def __init__(self, *args, parent: Claim | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Issues and positions take no stance: an issue is a root, a position answers.
        if parent is None or parent.kind == Claim.Kind.ISSUE:
            del self.fields["stance"]
        if parent is None:
            self.fields["text"].label = "Issue"
            self.fields["text"].help_text = "The controversy, as a question."
        elif parent.kind == Claim.Kind.ISSUE:
            self.fields["text"].label = "Position"
            self.fields["text"].help_text = "An answer to the issue."
        else:
            self.fields["text"].label = "Argument"


class ClaimEditForm(forms.Form):
    text = forms.CharField(
        label="Text", max_length=MAX_CLAIM_CHARS, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ParentForm(forms.Form):
    """Choose a new parent (move) or a second one (cross-link), and the stance towards it."""

    parent = forms.TypedChoiceField(label="Under", coerce=int, choices=())
    stance = forms.ChoiceField(label="Stance", choices=STANCE_CHOICES, initial="supports")

    def __init__(self, *args, claim: Claim, parents: list[Claim], **kwargs):
        super().__init__(*args, **kwargs)
        self.parents = {p.pk: p for p in parents}
        self.fields["parent"].choices = [("", "— choose a claim —")] + [
            (p.pk, _claim_label(p)) for p in parents
        ]
        if claim.kind != Claim.Kind.ARGUMENT:
            del self.fields["stance"]
        else:
            self.fields["stance"].initial = claim.relation or "supports"

    def clean_parent(self):
        pk = self.cleaned_data["parent"]
        if pk not in self.parents:
            raise ValidationError("Choose one of the listed claims.")
        return self.parents[pk]


class EvidenceForm(forms.Form):
    passage = forms.TypedChoiceField(
        label="Passage", coerce=int, choices=(), required=False, empty_value=None
    )
    source = forms.TypedChoiceField(
        label="…or quote from", coerce=int, choices=(), required=False, empty_value=None
    )
    quote = forms.CharField(
        label="Exact quote",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Copy the words exactly; they must occur once in the source.",
    )
    relation = forms.ChoiceField(
        label="The passage", choices=Evidence.Relation.choices, initial="supports"
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why this passage bears on the claim (optional).",
    )

    def __init__(self, *args, sources=(), passages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = {s.pk: s for s in sources}
        self.passages = {p.pk: p for p in passages}
        groups: dict[str, list] = {}
        for passage in passages:
            group = passage.source.title + (f" — {passage.section}" if passage.section else "")
            exact = passage.anchor.exact
            text = exact if len(exact) <= 100 else exact[:99] + "…"
            groups.setdefault(group, []).append((passage.pk, text))
        self.fields["passage"].choices = [("", "— choose a passage —"), *groups.items()]
        self.fields["source"].choices = [("", "— choose a source —")] + [
            (s.pk, s.title) for s in sources
        ]

    def clean(self):
        data = super().clean()
        passage_id, quote = data.get("passage"), (data.get("quote") or "").strip()
        if passage_id is not None and quote:
            raise ValidationError("Choose a passage or paste a quote, not both.")
        if passage_id is None and not quote:
            raise ValidationError("Choose a passage, or paste a quote from one of the sources.")
        if passage_id is not None:
            if passage_id not in self.passages:
                self.add_error("passage", "Choose one of the listed passages.")
            else:
                data["passage_obj"] = self.passages[passage_id]
        else:
            source_id = data.get("source")
            if source_id is None and len(self.sources) == 1:
                source_id = next(iter(self.sources))
            if source_id not in self.sources:
                self.add_error("source", "Choose the source the quote is from.")
            else:
                data["source_obj"] = self.sources[source_id]
        return data


def passages_for(debate) -> list[Passage]:
    """The citable passages of a debate's sources (current revision, still anchored)."""
    return list(
        Passage.objects.filter(
            source__debates=debate,
            anchor__status="anchored",
            anchor__revision_id=F("source__current_revision_id"),
        )
        .select_related("anchor", "source")
        .order_by("source__title", "source_id", "anchor__start")
    )


class EvidenceEditForm(forms.Form):
    relation = EvidenceForm.base_fields["relation"]
    note = EvidenceForm.base_fields["note"]


class ConfirmForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the audit log.",
    )


class RevertForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ActionForm(forms.Form):
    """A confirmation with nothing to fill in (reorder, restore, unlink); it carries the
    errors the service gives back, so it is always bound (there is nothing to fill in)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("data", {})
        super().__init__(*args, **kwargs)
