from django import forms
from django.core.exceptions import ValidationError

from .models import Debate, Source
from .services import MAX_SOURCE_CHARS

MAX_UPLOAD_BYTES = 4 * 1024 * 1024


class SourceImportForm(forms.Form):
    title = forms.CharField(
        max_length=300,
        required=False,
        help_text="Leave empty to take the title from the text's first line or # heading.",
    )
    author = forms.CharField(label="Author or origin", max_length=300, required=False)
    url = forms.URLField(
        label="Original address", required=False, max_length=500, assume_scheme="https"
    )
    licence = forms.CharField(max_length=200, required=False)
    file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text="Plain text or markdown (.txt, .md), UTF-8, up to 4 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".txt,.md,.markdown,text/plain,text/markdown"}
        ),
    )
    text = forms.CharField(
        label="…or paste the text",
        required=False,
        max_length=MAX_SOURCE_CHARS,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Scraped encyclopedia text, plain paragraphs or markdown with # headings.",
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The file is larger than 4 MB.")
        raw = upload.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                "The file is not UTF-8 text. Save it as plain text (UTF-8) and try again."
            ) from None

    def clean(self):
        data = super().clean()
        file_text, pasted = data.get("file") or "", (data.get("text") or "").strip()
        if file_text and pasted:
            raise ValidationError("Upload a file or paste text, not both.")
        if not file_text and not pasted and not self.errors:
            raise ValidationError("Upload a file or paste the article's text.")
        data["body"] = file_text or data.get("text") or ""
        return data


class DebateForm(forms.ModelForm):
    sources = forms.ModelMultipleChoiceField(
        queryset=Source.objects.order_by("title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The sources this map is grounded in.",
    )

    class Meta:
        model = Debate
        fields = ("title", "description", "visibility", "contribution_mode", "sources")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
