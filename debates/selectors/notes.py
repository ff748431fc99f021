"""One note thread, for the reader's in-place updates (the whole list is `source_annotations`)."""

from __future__ import annotations

from .. import policy
from ..models import Annotation
from .sources import AnnotationThread


def note_thread(*, annotation: Annotation, viewer) -> AnnotationThread:
    """`annotation` as the reader shows it: a thread root with the replies the viewer may
    see, oldest first, or a reply alone. Two queries."""
    if annotation.parent_id is not None:
        return AnnotationThread(annotation)
    replies = (
        Annotation.objects.filter(parent=annotation)
        .filter(policy.visible_annotations_q(viewer))
        .select_related("anchor", "author", "debate")
        .prefetch_related("tags")
        .order_by("created_at", "pk")
    )
    return AnnotationThread(annotation, list(replies))
