"""Forms for the class pages. They check shape only; the rules live in `services`, whose
ValidationErrors the views add to these forms."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import QueryDict

from .models import MAX_TASK_COUNT, Assignment, ClassMember, GroupCopy, MapShare, Task
from .services._base import MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS
from .services.assignments import MAX_TASKS, RUBRIC_KEYS


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


TASK_FIELDS = ("kind", "count", "debate", "claim", "source", "section")
_TASK_KEY = re.compile(r"^task(\d+)_(" + "|".join(TASK_FIELDS) + r")$")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]


class _When(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


def claim_number(text: str) -> int | None:
    """A claim's number typed as such ("123") or as its address (…/claims/123/)."""
    text = (text or "").strip().rstrip("/")
    if not text:
        return None
    tail = text.rsplit("/", 1)[-1]
    if not tail.isdigit():
        raise forms.ValidationError("Give the claim's number or its address.")
    return int(tail)


def task_rows_in(data) -> int:
    """How many task rows a submitted form holds: the highest row number among its
    `task<n>_<field>` keys (rows left empty are sent too), 0 when it holds none."""
    numbers = [int(m.group(1)) for m in map(_TASK_KEY.match, data or ()) if m]
    return max(numbers, default=0)


def without_task_row(data, n: int) -> QueryDict:
    """The submitted data with task row `n` taken out and the rows after it moved up one."""
    kept: dict = {}
    for key in data:
        values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
        match = _TASK_KEY.match(key)
        if match is None:
            kept[key] = values
            continue
        row = int(match.group(1))
        if row == n:
            continue
        kept[f"task{row - 1 if row > n else row}_{match.group(2)}"] = values
    result = QueryDict(mutable=True)
    for key, values in kept.items():
        result.setlist(key, values)
    return result


class AssignmentForm(forms.Form):
    """The assignment and its tasks, one row of fields per task (`task<n>_kind`, ...; a row
    with no kind is left out). As many rows as the data holds (`task_rows_in`), or as
    `rows` says, at least one and at most `MAX_TASKS`; the view adds an empty row ("Add
    another task") or takes one out ("Remove"). The view gives the class's shared maps
    (`maps`) and readings (`readings`) to choose from."""

    max_tasks = MAX_TASKS

    title = forms.CharField(label="Title", max_length=200)
    instructions = forms.CharField(
        label="Instructions (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    due_at = forms.DateTimeField(label="Due", input_formats=DATETIME_FORMATS, widget=_When())
    late_until = forms.DateTimeField(
        label="Late work accepted until (optional)",
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=_When(),
        help_text="Work after the due date and before this counts, marked late; nothing "
        "after it counts. Empty: nothing after the due date counts.",
    )
    see_after_post = forms.BooleanField(
        label="Students see classmates' work only after they post",
        required=False,
        help_text="Until a student has made one contribution that counts, the assignment's "
        "maps and readings hide their classmates' claims and notes from them.",
    )
    anonymous = forms.BooleanField(
        label="Anonymous to classmates",
        required=False,
        help_text="Classmates see pseudonyms such as “Student 7”; you always see names.",
    )
    published = forms.BooleanField(
        label="Published (students see it)", required=False, initial=True
    )
    # The grading rubric's weights (empty: the default stays).
    rubric_claim = forms.IntegerField(
        label="Points per claim", min_value=0, max_value=100, required=False
    )
    rubric_grounded = forms.IntegerField(
        label="Extra points per claim that cites the source",
        min_value=0,
        max_value=100,
        required=False,
    )
    rubric_passage = forms.IntegerField(
        label="Points per passage covered (cited or annotated)",
        min_value=0,
        max_value=100,
        required=False,
    )
    rubric_reply = forms.IntegerField(
        label="Points per reply to a classmate", min_value=0, max_value=100, required=False
    )
    rubric_task = forms.IntegerField(
        label="Points per task completed (half when late)",
        min_value=0,
        max_value=100,
        required=False,
    )

    def __init__(self, *args, maps=(), readings=(), rows: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if rows is None:
            sent = task_rows_in(self.data) if self.is_bound else task_rows_in(self.initial)
            # More rows than allowed: the extra ones are refused in `clean`, not dropped.
            self.too_many_rows = sent > MAX_TASKS
            rows = sent
        else:
            self.too_many_rows = False
        self.rows = max(1, min(rows, MAX_TASKS))
        defaults = Assignment()  # the model's default weights, for a new assignment
        for key in RUBRIC_KEYS:
            name = f"rubric_{key}"
            self.fields[name].initial = getattr(defaults, name)
        map_choices = [("", "—")] + [(str(d.pk), d.title) for d in maps]
        source_choices = [("", "—")] + [(str(s.pk), s.title) for s in readings]
        kinds = [("", "— no task —"), *Task.Kind.choices]
        for n in range(1, self.rows + 1):
            self.fields[f"task{n}_kind"] = forms.ChoiceField(
                label=f"Task {n}", choices=kinds, required=False
            )
            self.fields[f"task{n}_count"] = forms.IntegerField(
                label="How many", min_value=1, max_value=MAX_TASK_COUNT, initial=1, required=False
            )
            self.fields[f"task{n}_debate"] = forms.ChoiceField(
                label="In the map", choices=map_choices, required=False
            )
            self.fields[f"task{n}_claim"] = forms.CharField(
                label="Issue or counterargument (its number or address)",
                required=False,
                max_length=500,
            )
            self.fields[f"task{n}_source"] = forms.ChoiceField(
                label="Reading", choices=source_choices, required=False
            )
            self.fields[f"task{n}_section"] = forms.CharField(
                label="Section (optional)", required=False, max_length=300
            )

    def rubric_fields(self):
        return [self[f"rubric_{key}"] for key in RUBRIC_KEYS]

    def rubric(self) -> dict:
        return {key: self.cleaned_data.get(f"rubric_{key}") for key in RUBRIC_KEYS}

    @property
    def can_add_task(self) -> bool:
        return self.rows < MAX_TASKS

    def task_rows(self):
        """The bound fields of each task row, for the template."""
        return [[self[f"task{n}_{name}"] for name in TASK_FIELDS] for n in range(1, self.rows + 1)]

    def redisplay(self) -> AssignmentForm:
        """Show what was sent without judging it (after "Add another task" or "Remove"):
        no field is marked wrong for being still empty."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        return self

    def clean(self):
        data = super().clean() or {}
        if self.too_many_rows:
            raise forms.ValidationError(f"At most {MAX_TASKS} tasks.")
        for n in range(1, self.rows + 1):
            field = f"task{n}_claim"
            if field in data:
                try:
                    data[field] = claim_number(data[field])
                except forms.ValidationError as error:
                    self.add_error(field, error)
        return data

    def task_specs(self):
        """The filled rows as `TaskSpec`s (maps, claims and sources looked up in bulk)."""
        from debates.models import Claim, Debate, Source

        from .services import TaskSpec

        data = self.cleaned_data
        rows = [n for n in range(1, self.rows + 1) if data.get(f"task{n}_kind")]
        debates = Debate.objects.in_bulk(
            [int(data[f"task{n}_debate"]) for n in rows if data.get(f"task{n}_debate")]
        )
        claims = Claim.objects.in_bulk(
            [data[f"task{n}_claim"] for n in rows if data.get(f"task{n}_claim")]
        )
        sources = Source.objects.in_bulk(
            [int(data[f"task{n}_source"]) for n in rows if data.get(f"task{n}_source")]
        )
        specs = []
        for n in rows:
            claim_id = data.get(f"task{n}_claim")
            if claim_id and claim_id not in claims:
                raise ValidationError(f"Task {n}: there is no claim number {claim_id}.")
            specs.append(
                TaskSpec(
                    kind=data[f"task{n}_kind"],
                    count=data.get(f"task{n}_count") or 1,
                    debate=debates.get(int(data[f"task{n}_debate"]))
                    if data.get(f"task{n}_debate")
                    else None,
                    claim=claims.get(claim_id) if claim_id else None,
                    source=sources.get(int(data[f"task{n}_source"]))
                    if data.get(f"task{n}_source")
                    else None,
                    section=data.get(f"task{n}_section") or "",
                )
            )
        return specs


def assignment_initial(assignment, tasks) -> dict:
    """The form's initial data for an existing assignment."""
    from django.utils import timezone

    def local(when):
        return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M") if when else ""

    initial = {
        "title": assignment.title,
        "instructions": assignment.instructions,
        "due_at": local(assignment.due_at),
        "late_until": local(assignment.late_until),
        "see_after_post": assignment.see_after_post,
        "anonymous": assignment.anonymous,
        "published": assignment.published,
        **{f"rubric_{key}": getattr(assignment, f"rubric_{key}") for key in RUBRIC_KEYS},
    }
    for n, task in enumerate(tasks[:MAX_TASKS], start=1):
        initial.update(
            {
                f"task{n}_kind": task.kind,
                f"task{n}_count": task.count,
                f"task{n}_debate": str(task.debate_id or ""),
                f"task{n}_claim": str(task.claim_id or ""),
                f"task{n}_source": str(task.source_id or ""),
                f"task{n}_section": task.section,
            }
        )
    return initial


# --- groups and their copies (templates/classes/groups.html) -------------------------------


class GroupForm(forms.Form):
    """A group made by hand; the students to pick from are set by the view (`students`)."""

    name = forms.CharField(label="Name", max_length=100)
    students = forms.TypedMultipleChoiceField(
        label="Students",
        coerce=int,
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text="A student in another group moves to this one.",
    )

    def __init__(self, *args, students=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].choices = [
            (u.pk, f"{u.public_name} (@{u.username})") for u in students
        ]


class RandomGroupsForm(forms.Form):
    how = forms.ChoiceField(
        label="Divide the class into",
        choices=[("count", "this many groups"), ("size", "groups of at most this many")],
        initial="count",
    )
    number = forms.IntegerField(label="Number", min_value=1, max_value=200, initial=4)


class GroupMoveForm(forms.Form):
    """Move a student to a group, or out of every group (group left empty)."""

    student = forms.TypedChoiceField(label="Student", coerce=int, choices=[])
    group = forms.TypedChoiceField(
        label="To", coerce=int, choices=[], required=False, empty_value=None
    )

    def __init__(self, *args, students=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [
            (u.pk, f"{u.public_name} (@{u.username})") for u in students
        ]
        self.fields["group"].choices = [("", "no group")] + [(g.pk, g.name) for g in groups]


class CopiesForm(forms.Form):
    """Give copies of a template map; the maps are set by the view (`templates`)."""

    template = forms.TypedChoiceField(label="Template map", coerce=int, choices=[])
    copy_for = forms.ChoiceField(
        label="One copy for",
        choices=GroupCopy.For.choices,
        initial=GroupCopy.For.GROUP,
    )
    mode = forms.ChoiceField(
        label="Students may",
        choices=MapShare.Mode.choices,
        initial=MapShare.Mode.CONTRIBUTE,
        help_text="Each copy is private: its students get this role, the class's teachers "
        "moderate it. What one copy's students write shows in no other copy, nor in the "
        "template.",
    )

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(d.pk, d.title) for d in templates]


# --- grading (templates/classes/assignment.html, grading_student.html) ----------------------


class GradeForm(forms.Form):
    """A student's grade for the assignment: the teacher's score (empty: the auto-score
    stands) and comment."""

    score = forms.IntegerField(label="Score", min_value=0, max_value=10000, required=False)
    comment = forms.CharField(
        label="Comment", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class FeedbackForm(forms.Form):
    """A private comment on one of a student's contributions."""

    kind = forms.ChoiceField(
        choices=[("claim", "claim"), ("evidence", "evidence"), ("note", "note")]
    )
    object_id = forms.IntegerField(min_value=1)
    comment = forms.CharField(
        label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    points = forms.IntegerField(
        label="Points (optional)", min_value=-1000, max_value=1000, required=False
    )
