from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from .. import policy
from ..models import Annotation, Debate, Evidence, Flag, Source
from ..services import MAX_SOURCE_CHARS
from ..services._base import MAX_CLAIM_CHARS
from ..services.debates import MAX_DESCRIPTION_CHARS

MAX_UPLOAD_BYTES = 4 * 1024 * 1024


class TextUploadForm(forms.Form):
    """An article's text, uploaded as a file or pasted; cleaned_data["body"] is the text."""

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
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                "The file is not UTF-8 text. Save it as plain text (UTF-8) and try again."
            ) from None
        if "\x00" in text:
            raise ValidationError(
                "The file contains NUL bytes, so it is not plain text. Save it as plain text "
                "(UTF-8) and try again."
            )
        return text

    def clean(self):
        data = super().clean()
        file_text, pasted = data.get("file") or "", (data.get("text") or "").strip()
        if file_text and pasted:
            raise ValidationError("Upload a file or paste text, not both.")
        if not file_text and not pasted and not self.errors:
            raise ValidationError("Upload a file or paste the article's text.")
        data["body"] = file_text or data.get("text") or ""
        return data


class SourceImportForm(TextUploadForm):
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
    visibility = forms.ChoiceField(
        label="Who can read it",
        choices=Source.Visibility.choices,
        initial=Source.Visibility.PRIVATE,
        required=False,
        widget=forms.RadioSelect,
        help_text=(
            "Private: only you, site staff and the members of debates grounded in it can "
            "read it. Public: everyone, signed in or not."
        ),
    )

    field_order = ["title", "author", "url", "licence", "visibility", "file", "text"]

    def clean_visibility(self) -> str:
        # An import that names no visibility (an older form, a script) stays private.
        return self.cleaned_data.get("visibility") or Source.Visibility.PRIVATE


class DebateForm(forms.ModelForm):
    sources = forms.ModelMultipleChoiceField(
        queryset=Source.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The sources this map is grounded in.",
    )

    description = forms.CharField(
        required=False, max_length=MAX_DESCRIPTION_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = Debate
        fields = ("title", "description", "visibility", "contribution_mode", "sources")

    def __init__(self, *args, user=None, **kwargs):
        """`user`: the person creating the debate, offered only the sources they may read
        (public ones without a user)."""
        super().__init__(*args, **kwargs)
        readable = policy.visible_sources_q(user if user is not None else AnonymousUser())
        self.fields["sources"].queryset = Source.objects.filter(readable).order_by("title")


class SpanForm(forms.Form):
    """A span of a source's current revision, as the reader's script or a passage sends it."""

    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    def clean(self):
        data = super().clean()
        revision = self.source.current_revision
        if data.get("revision") and data["revision"] != revision.number:
            raise ValidationError(
                "The source has a newer revision since you opened it. Reload the page and "
                "select the text again."
            )
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None:
            if not start < end <= len(revision.text):
                raise ValidationError("Select some text of the source first.")
            if not revision.text[start:end].strip():
                raise ValidationError("Select some words, not only spaces.")
        return data


class AnnotationForm(SpanForm):
    body = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown: **bold**, *italic*, [links](https://…), lists.",
    )
    tags = forms.CharField(
        required=False, max_length=400, help_text="Separate tags with spaces or commas."
    )
    motivation = forms.ChoiceField(
        choices=[(v, label) for v, label in Annotation.Motivation.choices if v != "replying"],
        initial="commenting",
    )
    visibility = forms.ChoiceField(
        label="Who can see it", choices=Annotation.Visibility.choices, initial="private"
    )
    debate = forms.ModelChoiceField(
        queryset=Debate.objects.none(),
        required=False,
        empty_label="— no debate —",
        help_text="Needed for “debate members”.",
    )

    def __init__(self, *args, debates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["debate"].queryset = Debate.objects.filter(pk__in=[d.pk for d in debates])


class AnnotationEditForm(forms.Form):
    body = AnnotationForm.base_fields["body"]
    tags = AnnotationForm.base_fields["tags"]
    motivation = AnnotationForm.base_fields["motivation"]
    visibility = AnnotationForm.base_fields["visibility"]
    debate = forms.ModelChoiceField(queryset=Debate.objects.none(), required=False)

    def __init__(self, *args, debates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["debate"].queryset = Debate.objects.filter(pk__in=[d.pk for d in debates])


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply", widget=forms.Textarea(attrs={"rows": 2}), max_length=10_000
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(choices=Flag.Reason.choices)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CiteForm(SpanForm):
    """Cite the selection as evidence for a claim, or propose a new argument resting on it."""

    MODES = [("attach", "Attach to an existing claim"), ("argue", "Propose a new argument")]

    mode = forms.ChoiceField(choices=MODES, initial="attach", widget=forms.RadioSelect)
    claim = forms.TypedChoiceField(
        label="Claim", coerce=int, choices=(), help_text="The claim this passage bears on."
    )
    relation = forms.ChoiceField(
        label="The passage", choices=Evidence.Relation.choices, initial="supports"
    )
    stance = forms.ChoiceField(
        label="The new argument",
        choices=[("supports", "supports the claim"), ("opposes", "opposes the claim")],
        initial="supports",
        required=False,
    )
    text = forms.CharField(
        label="Argument",
        required=False,
        max_length=MAX_CLAIM_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, claims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.claims = {c.pk: c for c in claims}
        groups: dict[str, list] = {}
        for claim in claims:
            label = f"{claim.get_kind_display().capitalize()}: {claim.text[:90]}"
            groups.setdefault(claim.debate.title, []).append((claim.pk, label))
        self.fields["claim"].choices = [("", "— choose a claim —"), *groups.items()]

    def clean(self):
        data = super().clean()
        claim_id = data.get("claim")
        if claim_id is not None:
            data["claim_obj"] = self.claims.get(claim_id)
        if data.get("mode") == "argue":
            if not (data.get("text") or "").strip():
                self.add_error("text", "Write the argument.")
            claim = data.get("claim_obj")
            if claim is not None and claim.kind == "issue":
                self.add_error("claim", "Arguments stand under a position or an argument.")
        return data


class RedactForm(forms.Form):
    reason = forms.CharField(
        max_length=500, help_text="Why the text goes (the audit log keeps the reason)."
    )


class RevisionForm(TextUploadForm):
    note = forms.CharField(
        label="What changed",
        max_length=300,
        required=False,
        help_text="A short note for the history.",
    )


class ReattachForm(forms.Form):
    quote = forms.CharField(
        label="Attach to these words",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Copy the words from the current text; they must occur once.",
    )
