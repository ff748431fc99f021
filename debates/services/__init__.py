"""The only code that writes.

Every public service (exported here) is keyword-only and takes the acting person as
`actor`. It asks `policy` (PermissionDenied), validates (ValidationError, or a `Conflict`
from `debates.errors`), writes in one transaction, records history and the audit entry,
and tells people (notifications) and live map viewers (events) once the write commits.
Pages, the API, management commands and the demo call these and nothing else.

One module per entity; the helpers they share start with an underscore or stay unexported.
"""

from .annotations import (
    annotation_create,
    annotation_delete,
    annotation_from_w3c,
    annotation_hide,
    annotation_reply,
    annotation_restore,
    annotation_update,
    quote_span,
)
from .claims import (
    STANCES,
    EditResult,
    claim_add,
    claim_delete,
    claim_edit,
    claim_link,
    claim_move,
    claim_reorder,
    claim_restore,
    claim_resubmit,
    claim_revert,
    claim_unlink,
    claim_version_redact,
    kind_under,
)
from .copies import debate_copies, debate_copy
from .debates import SETTING_FIELDS, debate_create, debate_update
from .discussion import comment_add, comment_delete, comment_hide
from .evidence import (
    argument_with_evidence_add,
    evidence_attach,
    evidence_detach,
    evidence_edit,
    evidence_restore,
    evidence_revert,
)
from .flags import flag_add, flag_dismiss, flag_uphold
from .imports import import_start, map_import
from .members import MEMBER_ROLES, member_grant, member_remove, member_set, member_ungrant
from .notifications import notification_read, notifications_read_all
from .review import (
    claim_approve,
    claim_edit_approve,
    claim_edit_reject,
    claim_merge,
    claim_reject,
    evidence_approve,
    evidence_reject,
)
from .sources import (
    MAX_SOURCE_CHARS,
    MAX_SOURCE_FILE_BYTES,
    anchor_reattach,
    source_import,
    source_import_file,
    source_revise,
)
from .votes import vote_cast, vote_clear

__all__ = [
    "MAX_SOURCE_CHARS",
    "MAX_SOURCE_FILE_BYTES",
    "MEMBER_ROLES",
    "SETTING_FIELDS",
    "STANCES",
    "EditResult",
    "annotation_create",
    "annotation_delete",
    "annotation_from_w3c",
    "annotation_hide",
    "annotation_reply",
    "annotation_restore",
    "annotation_update",
    "anchor_reattach",
    "argument_with_evidence_add",
    "claim_add",
    "claim_approve",
    "claim_delete",
    "claim_edit",
    "claim_edit_approve",
    "claim_edit_reject",
    "claim_link",
    "claim_merge",
    "claim_move",
    "claim_reject",
    "claim_reorder",
    "claim_restore",
    "claim_resubmit",
    "claim_revert",
    "claim_unlink",
    "claim_version_redact",
    "comment_add",
    "comment_delete",
    "comment_hide",
    "debate_copies",
    "debate_copy",
    "debate_create",
    "debate_update",
    "evidence_approve",
    "evidence_attach",
    "evidence_detach",
    "evidence_edit",
    "evidence_reject",
    "evidence_restore",
    "evidence_revert",
    "flag_add",
    "flag_dismiss",
    "flag_uphold",
    "import_start",
    "kind_under",
    "map_import",
    "member_grant",
    "member_remove",
    "member_set",
    "member_ungrant",
    "notification_read",
    "notifications_read_all",
    "quote_span",
    "source_import",
    "source_import_file",
    "source_revise",
    "vote_cast",
    "vote_clear",
]
