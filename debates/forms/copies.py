"""The "Make a copy" form of a map (services.debate_copy)."""

from __future__ import annotations

from django import forms

from ..models import Debate


class DebateCopyForm(forms.Form):
    title = forms.CharField(label="Title of the copy", max_length=200)
    visibility = forms.ChoiceField(
        label="Who can see the copy",
        choices=Debate.Visibility.choices,
        initial=Debate.Visibility.PRIVATE,
    )
