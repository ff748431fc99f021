from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from .. import policy
from ..formats.documents import Document, DocumentError, read_pasted, read_upload
from ..models import Annotation, Debate, Evidence, Flag, Source
from ..services import MAX_SOURCE_CHARS, MAX_SOURCE_FILE_BYTES
from ..services._base import MAX_CLAIM_CHARS
from ..services.debates import MAX_DESCRIPTION_CHARS
from .pickers import ClaimPickerWidget, Picker

MAX_UPLOAD_BYTES = MAX_SOURCE_FILE_BYTES
_UPLOAD_TYPES = (
    ".txt,.md,.markdown,.html,.htm,.pdf,.docx,text/plain,text/markdown,text/html,"
    "application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)


class TextUploadForm(forms.Form):
    """An article, uploaded as a file or pasted. cleaned_data["document"] is what was read
    (debates.formats.documents.Document) and cleaned_data["body"] its text."""

    file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text=(
            "Text or markdown (.txt, .md, in any encoding), a web page (.html), a PDF with "
            "selectable text (.pdf) or a Word document (.docx), up to 4 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": _UPLOAD_TYPES}),
    )
    text = forms.CharField(
        label="…or paste the text",
        required=False,
        max_length=MAX_SOURCE_CHARS,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=(
            "Scraped encyclopedia text, plain paragraphs, markdown with # headings, or a web "
            "page's HTML."
        ),
    )

    def clean_file(self) -> Document | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The file is larger than 4 MB.")
        try:
            return read_upload(
                upload.read(),
                name=upload.name or "",
                content_type=upload.content_type or "",
                max_chars=MAX_SOURCE_CHARS,
            )
        except DocumentError as error:
            raise ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        document, pasted = data.get("file"), (data.get("text") or "").strip()
        if document and pasted:
            raise ValidationError("Upload a file or paste text, not both.")
        if not document and not pasted and not self.errors:
            raise ValidationError("Upload a file or paste the article's text.")
        if not document and pasted:
            try:
                document = read_pasted(data.get("text") or "", max_chars=MAX_SOURCE_CHARS)
            except DocumentError as error:
                raise ValidationError(str(error)) from None
        data["document"] = document
        data["body"] = document.text if document else ""
        return data


class SourceImportForm(TextUploadForm):
    title = forms.CharField(
        max_length=300,
        required=False,
        help_text=(
            "Leave empty to use the document's own: its first line or # heading, a web "
            "page's title, a PDF's or Word document's title."
        ),
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
    # Chosen from the claim picker (templates/debates/_claim_picker.html): a search-as-you-type
    # list of the claims of debates grounded in this source, not a <select> of all of them.
    claim = forms.IntegerField(
        label="Claim",
        min_value=1,
        widget=ClaimPickerWidget,
        help_text="The claims of debates grounded in this source, those closest to the "
        "selected words first; type to search them all.",
        error_messages={"required": "Choose the claim this passage bears on."},
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

    def __init__(self, *args, lookup=None, picker: Picker | None = None, **kwargs):
        """`lookup(pk)`: the claim with that pk if the person may cite this source for it,
        else None; `picker`: the claim picker's first choices and where it searches."""
        super().__init__(*args, **kwargs)
        self.lookup = lookup
        self.fields["claim"].widget = ClaimPickerWidget(picker=picker)

    def clean(self):
        data = super().clean()
        claim_id = data.get("claim")
        if claim_id is not None:
            claim = self.lookup(claim_id) if self.lookup is not None else None
            data["claim_obj"] = claim
            if claim is None:
                self.add_error(
                    "claim",
                    "Choose a claim you may cite this source for, in a debate grounded in it.",
                )
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
