"""Forms of map import: a file (or pasted text), its format, and where it goes."""

from __future__ import annotations

from django import forms
from django.conf import settings

from ..models import Debate
from ..services.imports import size_words

FORMAT_CHOICES = [
    ("auto", "Detect it from the file"),
    ("kialo", "Kialo discussion export (.txt)"),
    ("aif", "AIF JSON (AIFdb, OVA)"),
    ("argdown", "Argdown (.argdown)"),
]


class MapImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text="A Kialo export, an AIF .json or an Argdown file, UTF-8.",
    )
    text = forms.CharField(
        label="Or paste it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, initial="auto")

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        text = data.get("text") or ""
        if upload is not None and text.strip():
            raise forms.ValidationError("Upload a file or paste text, not both.")
        if upload is None and not text.strip():
            raise forms.ValidationError("Choose a file to import, or paste its text.")
        if upload is not None:
            limit = settings.CRUX_IMPORT_MAX_BYTES
            if upload.size > limit:
                raise forms.ValidationError(
                    f"The file is {size_words(upload.size)}; at most {size_words(limit)} "
                    "can be imported."
                )
            data["data"] = upload.read()
            data["filename"] = upload.name
        else:
            data["data"] = text
            data["filename"] = ""
        return data


class NewMapImportForm(MapImportForm):
    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="Leave empty to use the file's own title (Kialo's discussion title, "
        "Argdown's front matter).",
    )
    visibility = forms.ChoiceField(
        label="Who can see the debate",
        choices=Debate.Visibility.choices,
        initial=Debate.Visibility.PRIVATE,
        widget=forms.RadioSelect,
    )

    field_order = ["file", "text", "format", "title", "visibility"]


class IntoMapImportForm(MapImportForm):
    under = forms.IntegerField(
        label="Under claim number",
        required=False,
        min_value=1,
        help_text="The number in a claim's address (…/claims/<number>/). Leave empty to add "
        "the file's issue beside this map's issues.",
    )

    field_order = ["file", "text", "format", "under"]
