"""Classes: a class and its roster (`classrooms`), the maps shared with it and the debate
roles those shares granted (`sharing`), and the class's own audit log (`audit`)."""

from .audit import ClassAuditEntry
from .classrooms import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    ClassMember,
    Classroom,
    normal_join_code,
)
from .sharing import ClassGrant, MapShare

__all__ = [
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "ClassAuditEntry",
    "ClassGrant",
    "ClassMember",
    "Classroom",
    "MapShare",
    "normal_join_code",
]
