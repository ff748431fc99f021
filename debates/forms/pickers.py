"""The claim picker as a form widget: a search box and a short list of radio buttons
(templates/debates/_claim_picker.html), so `_form.html` renders it like any other field."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


@dataclass
class Picker:
    """What the picker template needs: its field, its first choices, where it searches."""

    id: str
    name: str  # the radio buttons' field name
    url: str  # the htmx endpoint
    picks: list = field(default_factory=list)  # selectors.pickers.Pick
    query: str = ""
    selected: int | None = None
    hint: str = ""
    include: str = ""  # hx-include: the fields the endpoint also needs (the span)
    show_debate: bool = True
    required: bool = True
    waiting: bool = False  # the choices come once words are selected (the reader)
    search_form: str = ""  # id of the page's GET form the box submits without JavaScript


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ClaimPickerWidget(forms.Widget):
    """Renders `picker` (set by the form); the label of its field names the search box."""

    template = "debates/_claim_picker.html"

    def __init__(self, attrs=None, picker: Picker | None = None):
        super().__init__(attrs)
        self.picker = picker
        self.choices: object = ()  # a ModelChoiceField sets its queryset here; never read

    def id_for_label(self, id_):
        return f"{self.picker.id}-q" if self.picker is not None else id_

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def render(self, name, value, attrs=None, renderer=None):
        if self.picker is None:
            return ""
        selected = _as_int(value)
        picker = replace(
            self.picker, name=name, selected=selected if selected else self.picker.selected
        )
        html = render_to_string(self.template, {"picker": picker})
        return mark_safe(html)  # noqa: S308 - a template render, autoescaped
