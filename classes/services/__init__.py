"""The only code that writes classes.

Like `debates.services`: every public service is keyword-only and takes the acting person
as `actor`; it asks `classes.policy` (PermissionDenied), validates (ValidationError),
writes in one transaction and records the act in the class's audit log. Roles in shared
maps are granted and taken back through `debates.services` (member_grant, member_ungrant),
so the debates' own audit logs say so too.
"""

from .assignments import TaskSpec, assignment_create, assignment_delete, assignment_update
from .classrooms import (
    class_archive,
    class_code_regenerate,
    class_create,
    class_joining_set,
    class_unarchive,
    class_update,
)
from .grading import feedback_add, grade_set, grades_release
from .groups import (
    class_copies_give,
    group_create,
    group_delete,
    group_member_add,
    group_member_remove,
    groups_make_random,
)
from .roster import (
    MAX_BULK_ENTRIES,
    BulkAddResult,
    JoinResult,
    class_join,
    class_leave,
    class_member_remove,
    class_member_role_set,
    class_members_add,
)
from .sharing import class_map_share, class_map_unshare

__all__ = [
    "MAX_BULK_ENTRIES",
    "BulkAddResult",
    "JoinResult",
    "TaskSpec",
    "assignment_create",
    "assignment_delete",
    "assignment_update",
    "class_archive",
    "class_copies_give",
    "class_code_regenerate",
    "class_create",
    "class_join",
    "class_joining_set",
    "class_leave",
    "class_map_share",
    "class_map_unshare",
    "class_member_remove",
    "class_member_role_set",
    "class_members_add",
    "class_unarchive",
    "class_update",
    "feedback_add",
    "grade_set",
    "grades_release",
    "group_create",
    "group_delete",
    "group_member_add",
    "group_member_remove",
    "groups_make_random",
]
