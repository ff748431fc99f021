"""Lists the REST API pages through (with a cursor), as querysets with a fixed number of
queries whatever their length: the same rules as the class pages, from `classes.policy`."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from .. import policy
from ..models import Assignment, ClassMember, Classroom, Task
from .assignments import _visible_assignments


def my_class_rows(*, user) -> QuerySet[Classroom]:
    """The classes the person belongs to now, with their `role` in each."""
    role = ClassMember.objects.filter(
        classroom=OuterRef("pk"), user=user.pk, left_at__isnull=True
    ).values("role")[:1]
    return (
        Classroom.objects.filter(policy.visible_classes_q(user))
        .distinct()
        .annotate(role=Subquery(role))
        .select_related("created_by")
    )


def class_assignment_rows(*, user, classroom: Classroom) -> QuerySet[Assignment]:
    """The class's assignments the person may see (drafts: its teachers), with tasks."""
    return (
        _visible_assignments(user, classroom)
        .select_related("classroom")
        .prefetch_related(
            Prefetch("tasks", queryset=Task.objects.select_related("claim", "source", "debate"))
        )
    )
