"""The classes app's part of the REST API (/api/v1/classes/, /api/v1/assignments/): the
classes you are in, creating one, joining one by its code, and their assignments. Routed
with the debates app's endpoints by config/api_urls.py; shares their authentication,
throttles, cursor pages and error shape (debates/api/v1/)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from debates.api.v1.base import ViewSet, valid
from debates.api.v1.docs import doc, example, page_of
from debates.api.v1.serializers import person

from . import policy, services
from .models import Assignment, Classroom, Task
from .selectors import assignment_for
from .selectors.lists import class_assignment_rows, my_class_rows

# --- shapes ------------------------------------------------------------------------------


class PersonField(serializers.Serializer):
    username = serializers.CharField(allow_null=True)
    name = serializers.CharField()


class ClassSerializer(serializers.ModelSerializer):
    teacher = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField(help_text="Your role in the class.")
    archived = serializers.BooleanField(read_only=True)
    join_code = serializers.SerializerMethodField(help_text="Shown to its teachers only.")

    class Meta:
        model = Classroom
        fields = ["id", "name", "description", "role", "teacher", "joining_open", "archived",
                  "join_code", "created_at"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(PersonField)
    def get_teacher(self, obj) -> dict | None:
        return person(obj.created_by)

    def get_role(self, obj) -> str | None:
        return getattr(obj, "role", None)

    def get_join_code(self, obj) -> str | None:
        return obj.display_code if getattr(obj, "role", None) in ("teacher", "co_teacher") else None


class ClassCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                        default="")  # fmt: skip


class JoinSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="The class's join code, as given.")


class JoinedSerializer(serializers.Serializer):
    joined = serializers.BooleanField(help_text="false: you were in the class already.")
    classroom = ClassSerializer()


class TaskSerializer(serializers.ModelSerializer):
    description = serializers.CharField(source="describe", read_only=True)
    debate = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Task
        fields = ["kind", "count", "debate", "claim", "source", "section", "description"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    tasks = TaskSerializer(many=True, read_only=True)
    state = serializers.SerializerMethodField(help_text="open, late or closed.")

    class Meta:
        model = Assignment
        fields = ["id", "classroom", "title", "instructions", "due_at", "late_until",
                  "published", "anonymous", "see_after_post", "state", "tasks"]  # fmt: skip
        read_only_fields = fields

    def get_state(self, obj) -> str:
        return obj.state()


CLASS_EXAMPLE = {
    "id": 4, "name": "Year 10 Geography", "description": "Rivers and people.",
    "role": "teacher", "teacher": {"username": "teacher", "name": "Ms Teacher"},
    "joining_open": True, "archived": False, "join_code": "ABCD-EFGH",
    "created_at": "2026-01-05T08:00:00Z",
}  # fmt: skip
ASSIGNMENT_EXAMPLE = {
    "id": 9, "classroom": 4, "title": "Argue about the Whanganui", "instructions": "",
    "due_at": "2026-02-01T17:00:00Z", "late_until": None, "published": True,
    "anonymous": False, "see_after_post": True, "state": "open",
    "tasks": [{"kind": "argue", "count": 2, "debate": "rivers", "claim": 1, "source": None,
               "section": "", "description": "Add 2 arguments with evidence to an issue"}],
}  # fmt: skip
CLASS_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="A class's id.")


# --- endpoints ---------------------------------------------------------------------------


class ClassViewSet(mixins.ListModelMixin, ViewSet):
    """/classes/: the classes you are in."""

    serializer_class = ClassSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or not self.request.user.is_authenticated:
            return Classroom.objects.none()
        if self.action == "assignments":
            return Assignment.objects.none()
        return my_class_rows(user=self.request.user)

    def _classroom(self, pk) -> Classroom:
        classroom = get_object_or_404(my_class_rows(user=self.request.user).order_by(), pk=pk)
        if not policy.can_view_class(self.request.user, classroom):
            raise Http404("No such class.")
        return classroom

    @doc(
        "List your classes",
        "The classes you teach or study in now, in the order they were made; their teachers "
        "see the join code.",
        responses={200: ClassSerializer(many=True)},
        errors=(401,),
        examples=[example("Classes", page_of([CLASS_EXAMPLE]))],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @doc(
        "Read a class",
        "A class you are in.",
        responses={200: ClassSerializer},
        parameters=[CLASS_ID],
        errors=(401, 404),
        examples=[example("A class", CLASS_EXAMPLE)],
    )
    def retrieve(self, request, pk=None):
        return Response(ClassSerializer(self._classroom(pk)).data)

    @doc(
        "Create a class",
        "A new class with you as its teacher, a fresh join code, open for joining.",
        request=ClassCreateSerializer,
        responses={201: ClassSerializer},
        errors=(400, 401),
        examples=[
            example("New class", {"name": "Year 10 Geography"}, request=True),
            example("Created", CLASS_EXAMPLE, status=201),
        ],
    )
    def create(self, request):
        data = valid(ClassCreateSerializer, request)
        made = services.class_create(actor=request.user, **data)
        return Response(
            ClassSerializer(self._classroom(made.pk)).data, status=status.HTTP_201_CREATED
        )

    @doc(
        "Join a class by its code",
        "Join as a student with the code your teacher gave (with or without its hyphen).",
        request=JoinSerializer,
        responses={200: JoinedSerializer},
        errors=(400, 401, 403),
        examples=[
            example("A code", {"code": "ABCD-EFGH"}, request=True),
            example(
                "Joined",
                {
                    "joined": True,
                    "classroom": CLASS_EXAMPLE | {"role": "student", "join_code": None},
                },
            ),
        ],  # fmt: skip
    )
    @action(detail=False, methods=["post"])
    def join(self, request):
        data = valid(JoinSerializer, request)
        result = services.class_join(actor=request.user, code=data["code"])
        classroom = self._classroom(result.member.classroom_id)
        return Response({"joined": result.joined, "classroom": ClassSerializer(classroom).data})

    @doc(
        "List a class's assignments",
        "The assignments set to the class, by id (drafts: its teachers only).",
        parameters=[CLASS_ID],
        responses={200: AssignmentSerializer(many=True)},
        errors=(401, 404),
        examples=[example("Assignments", page_of([ASSIGNMENT_EXAMPLE]))],
    )
    @action(detail=True, methods=["get"], serializer_class=AssignmentSerializer)
    def assignments(self, request, pk=None):
        classroom = self._classroom(pk)
        rows = class_assignment_rows(user=request.user, classroom=classroom)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AssignmentSerializer(page, many=True).data)


class AssignmentViewSet(ViewSet):
    """/assignments/{id}/: one assignment."""

    serializer_class = AssignmentSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Assignment.objects.none()

    @doc(
        "Read an assignment",
        "An assignment of a class you are in, with its tasks.",
        responses={200: AssignmentSerializer},
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        errors=(401, 404),
        examples=[example("An assignment", ASSIGNMENT_EXAMPLE)],
    )
    def retrieve(self, request, pk=None):
        found = Assignment.objects.select_related("classroom").filter(pk=pk).first()
        if found is None or not policy.can_view_class(request.user, found.classroom):
            raise Http404("No such assignment.")
        assignment = assignment_for(user=request.user, classroom=found.classroom, pk=found.pk)
        if assignment is None:
            raise Http404("No such assignment.")
        rows = class_assignment_rows(user=request.user, classroom=found.classroom)
        return Response(AssignmentSerializer(rows.get(pk=assignment.pk)).data)


router = SimpleRouter()
router.register("classes", ClassViewSet, basename="class")
router.register("assignments", AssignmentViewSet, basename="assignment")
urlpatterns = router.urls
