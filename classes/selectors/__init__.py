"""Every read the class pages share, with a fixed number of queries; never writes."""

from .assignments import (
    AssignmentPage,
    StudentProgress,
    assignment_for,
    assignment_page,
    class_assignments,
    progress,
    task_choices,
)
from .classrooms import (
    ClassPage,
    MyClass,
    Roster,
    SharedMap,
    class_by_code,
    class_page,
    my_classes,
    roster,
    shareable_maps,
)
from .groups import (
    GroupRow,
    GroupsPage,
    MyGroup,
    class_copies,
    copy_templates,
    groups_page,
    my_group,
)

__all__ = [
    "GroupRow",
    "GroupsPage",
    "MyGroup",
    "class_copies",
    "copy_templates",
    "groups_page",
    "my_group",
    "AssignmentPage",
    "StudentProgress",
    "assignment_for",
    "assignment_page",
    "class_assignments",
    "progress",
    "task_choices",
    "ClassPage",
    "MyClass",
    "Roster",
    "SharedMap",
    "class_by_code",
    "class_page",
    "my_classes",
    "roster",
    "shareable_maps",
]
