"""Classes: a class and its roster (`classrooms`), the maps shared with it and the debate
roles those shares granted (`sharing`), and the class's own audit log (`audit`)."""

from .assignments import MAX_TASK_COUNT, Assignment, Task
from .audit import ClassAuditEntry
from .classrooms import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    ClassMember,
    Classroom,
    normal_join_code,
)
from .grading import FeedbackItem, Grade
from .groups import ClassGroup, ClassGroupMember, GroupCopy
from .sharing import ClassGrant, MapShare

__all__ = [
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "MAX_TASK_COUNT",
    "Assignment",
    "ClassAuditEntry",
    "ClassGrant",
    "ClassGroup",
    "ClassGroupMember",
    "ClassMember",
    "Classroom",
    "FeedbackItem",
    "Grade",
    "GroupCopy",
    "MapShare",
    "Task",
    "normal_join_code",
]
