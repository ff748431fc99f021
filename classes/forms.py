"""Forms for the class pages. They check shape only; the rules live in `services`, whose
ValidationErrors the views add to these forms."""

from __future__ import annotations

from django import forms

from .models import ClassMember, MapShare
from .services._base import MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS


class ClassForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=MAX_NAME_CHARS,
        help_text="As your students know it, e.g. “7B History, spring term”.",
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=MAX_DESCRIPTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=20,
        help_text="The code your teacher gave you, such as ABCD-2345 (capitals or not).",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class BulkAddForm(forms.Form):
    entries = forms.CharField(
        label="Usernames or email addresses",
        max_length=30_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line, or separated by commas. They join as students; anyone not "
        "found is listed for you to check.",
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=[
            (ClassMember.Role.STUDENT.value, ClassMember.Role.STUDENT.label),
            (ClassMember.Role.CO_TEACHER.value, ClassMember.Role.CO_TEACHER.label),
        ],
    )


class ShareForm(forms.Form):
    """Share one of the teacher's maps; the choices are set by the view (`maps`)."""

    debate = forms.TypedChoiceField(label="Map", coerce=int, choices=[])
    mode = forms.ChoiceField(
        label="Students may",
        choices=MapShare.Mode.choices,
        initial=MapShare.Mode.PROPOSE,
        help_text="Read only: they read the map and its sources. Propose: what they add waits "
        "for a moderator's review (in a reviewed map). Contribute: they add directly. "
        "Teachers of the class moderate the map.",
    )

    def __init__(self, *args, maps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["debate"].choices = [(d.pk, d.title) for d in maps]


class ShareModeForm(forms.Form):
    mode = forms.ChoiceField(label="Students may", choices=MapShare.Mode.choices)
