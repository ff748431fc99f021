"""Forms for moderators' acts, flags, the audit log's filters and debate settings.

They check shape only (a reason is given, a username exists); the rules live in
`moderation.py`, whose ValidationErrors the views add to these forms.
"""

from django import forms
from django.contrib.auth import get_user_model

from ..models import AuditEntry, Debate, Flag
from ..services import MEMBER_ROLES
from ..services._base import MAX_CLAIM_CHARS
from ..services.debates import MAX_DESCRIPTION_CHARS
from .pickers import ClaimPickerWidget, Picker

REASON_HELP = "Its author reads this in their notification and on the claim."


class ReasonForm(forms.Form):
    """Rejecting needs a reason the author can learn from."""

    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
        error_messages={"required": "Give a reason; its author will read it."},
    )


class NoteForm(forms.Form):
    """Approving, dismissing: a reason is welcome but not needed."""

    reason = forms.CharField(
        label="Note for the audit log (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EditApproveForm(NoteForm):
    text = forms.CharField(
        label="Text to publish",
        max_length=MAX_CLAIM_CHARS,  # the limit of every claim write
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Published as the claim's next version; its author is told you edited it.",
    )
    field_order = ["text", "reason"]


class MergeForm(NoteForm):
    # Chosen with the claim picker (the closest claims first, a search for the rest); the
    # queryset only checks the choice.
    target = forms.ModelChoiceField(
        label="Merge into",
        queryset=None,
        widget=ClaimPickerWidget,
        help_text="Claims of the same kind in this debate, those closest to this one first; "
        "type to search them all. Its replies, evidence and cross-links move there; it is "
        "marked merged.",
        error_messages={"required": "Choose the claim this one duplicates."},
    )
    field_order = ["target", "reason"]

    def __init__(self, *args, targets, picker: Picker | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets
        self.fields["target"].widget = ClaimPickerWidget(picker=picker)


class FlagResolveForm(NoteForm):
    hide_note = forms.BooleanField(label="Hide the note as well", required=False)
    reject_claim = forms.BooleanField(
        label="Reject the claim as well (the note above is its reason)", required=False
    )

    def __init__(self, *args, flag=None, **kwargs):
        super().__init__(*args, **kwargs)
        if flag is None or not flag.annotation_id or flag.annotation.hidden:
            del self.fields["hide_note"]
        if flag is None or not flag.claim_id or flag.claim.status != "proposed":
            del self.fields["reject_claim"]


class ClaimFlagForm(forms.Form):
    reason = forms.ChoiceField(label="What is wrong with it?", choices=Flag.Reason.choices)
    note = forms.CharField(
        label="Details (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "any action"), *AuditEntry.Action.choices]
    )
    person = forms.ChoiceField(label="Person", required=False, choices=[("", "anyone")])

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            ("", "anyone"),
            *((p.username, p.public_name) for p in people),
        ]


class DebateSettingsForm(forms.ModelForm):
    description = forms.CharField(
        required=False, max_length=MAX_DESCRIPTION_CHARS, widget=forms.Textarea(attrs={"rows": 4})
    )

    class Meta:
        model = Debate
        fields = ["title", "description", "visibility", "contribution_mode", "vote_totals"]
        labels = {
            "visibility": "Who can see it",
            "contribution_mode": "How people contribute",
            "vote_totals": "Show rating totals",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form (or a script) that leaves it out keeps the debate's current choice.
        self.fields["vote_totals"].required = False

    def clean_vote_totals(self) -> str:
        return self.cleaned_data.get("vote_totals") or self.instance.vote_totals


class MemberAddForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    role = forms.ChoiceField(label="Role", choices=MEMBER_ROLES, initial="viewer")

    def clean_username(self):
        username = self.cleaned_data["username"].strip().lstrip("@")
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(f"Nobody on Crux has the username “{username}”.")
        self.cleaned_data["user"] = user
        return user.username


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=MEMBER_ROLES)
