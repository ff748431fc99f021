"""The shapes of the API's documents. Serializers check shape only (types, lengths the
database needs, choices); what a value means (may this person, does that parent take this
kind of claim, is the text new) is the services' to say."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...models import (
    Annotation,
    Claim,
    ClaimEdit,
    Debate,
    Evidence,
    Membership,
    Passage,
    Source,
    SourceRevision,
    Vote,
)
from ...services import MEMBER_ROLES, STANCES

STANCE_CHOICES = [("", "(none)"), *[(str(value), label) for value, label in STANCES.items()]]

# --- people ------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    """Who wrote something, as the viewer may see them (a pseudonym hides the username)."""

    username = serializers.CharField(allow_null=True)
    name = serializers.CharField()


def person(user, pseudonym: str | None = None) -> dict | None:
    if pseudonym:
        return {"username": None, "name": pseudonym}
    if user is None:
        return None
    return {"username": user.username, "name": user.public_name}


class _Authored(serializers.Serializer):
    author = serializers.SerializerMethodField()

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_author(self, obj) -> dict | None:
        return person(obj.author, getattr(obj, "shown_author", None))


# --- debates -----------------------------------------------------------------------------


class DebateSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Debate
        fields = [
            "slug",
            "title",
            "description",
            "visibility",
            "contribution_mode",
            "owner",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_owner(self, obj) -> dict | None:
        return person(obj.owner)

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class DebateDetailSerializer(DebateSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in the debate, if any.")

    class Meta(DebateSerializer.Meta):
        fields = [*DebateSerializer.Meta.fields, "role", "sources"]
        read_only_fields = fields

    def get_role(self, obj) -> str | None:
        return self.context.get("role")


class DebateCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(
        Debate.Visibility.choices, default=Debate.Visibility.PRIVATE
    )
    contribution_mode = serializers.ChoiceField(Debate.Mode.choices, default=Debate.Mode.REVIEWED)
    sources = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=100
    )


class DebateUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(Debate.Visibility.choices, required=False)
    contribution_mode = serializers.ChoiceField(Debate.Mode.choices, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- claims ------------------------------------------------------------------------------


class ClaimSerializer(_Authored, serializers.ModelSerializer):
    debate = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    deleted = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "debate",
            "kind",
            "parent",
            "relation",
            "text",
            "author",
            "status",
            "status_reason",
            "version",
            "order",
            "merged_into",
            "deleted",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_deleted(self, obj) -> bool:
        return obj.deleted_at is not None


class ClaimCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000, trim_whitespace=False)
    parent = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None,
        help_text="The claim this one answers; none for a new issue (moderators).",
    )  # fmt: skip
    stance = serializers.ChoiceField(
        STANCE_CHOICES, required=False, default="",
        help_text="For an argument: supports, opposes or undercuts its parent.",
    )  # fmt: skip


class ClaimEditSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000, trim_whitespace=False)
    version = serializers.IntegerField(
        min_value=1, help_text="The version you loaded; a newer one answers 409."
    )


class PendingEditSerializer(_Authored, serializers.ModelSerializer):
    """A proposed new text for a published claim, waiting for a moderator."""

    class Meta:
        model = ClaimEdit
        fields = ["id", "claim", "base_version", "text", "author", "status", "reason",
                  "created_at", "reviewed_at"]  # fmt: skip
        read_only_fields = fields


class ClaimMoveSerializer(serializers.Serializer):
    parent = serializers.IntegerField(min_value=1)
    stance = serializers.ChoiceField(STANCE_CHOICES, required=False, default="")


class VoteSerializer(serializers.Serializer):
    question = serializers.ChoiceField(Vote.Question.choices)
    value = serializers.IntegerField(
        min_value=0, max_value=4, help_text="0 (no / not at all) to 4 (yes / decisively)."
    )


class VoteClearSerializer(serializers.Serializer):
    question = serializers.ChoiceField(Vote.Question.choices)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RequiredReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class MergeSerializer(serializers.Serializer):
    target = serializers.IntegerField(min_value=1, help_text="The claim it duplicates.")
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApproveSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=10000, required=False, allow_null=True, default=None,
        help_text="Edit, then approve: the text to publish instead.",
    )  # fmt: skip
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class HideSerializer(serializers.Serializer):
    hidden = serializers.BooleanField(default=True)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TreeNodeSerializer(serializers.Serializer):
    """One claim of a map with the replies under it."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    relation = serializers.CharField()
    text = serializers.CharField()
    status = serializers.CharField()
    evidence_count = serializers.IntegerField()
    links = serializers.ListField(
        child=serializers.DictField(), help_text="Claims cross-linked here: id, relation."
    )
    children = serializers.ListField(child=serializers.DictField(), help_text="Nested nodes.")


class TreeSerializer(serializers.Serializer):
    debate = serializers.CharField()
    claim_count = serializers.IntegerField()
    issues = TreeNodeSerializer(many=True)


def tree_node(node) -> dict:
    claim = node.claim
    return {
        "id": claim.pk,
        "kind": claim.kind,
        "relation": claim.relation,
        "text": claim.text,
        "status": claim.status,
        "evidence_count": getattr(claim, "evidence_count", 0),
        "links": [{"id": link.claim_id, "relation": link.relation} for link in node.links],
        "children": [tree_node(child) for child in node.children],
    }


# --- sources -----------------------------------------------------------------------------


class SourceSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True, help_text="Where it was copied from, if known.")
    current_revision = serializers.SerializerMethodField()
    revision_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "author",
            "url",
            "licence",
            "language",
            "visibility",
            "current_revision",
            "revision_count",
            "created_at",
        ]
        read_only_fields = fields

    def get_current_revision(self, obj) -> int | None:
        return obj.current_revision.number if obj.current_revision_id else None


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SourceRevision
        fields = ["number", "note", "report", "created_at"]
        read_only_fields = fields


class RevisionDetailSerializer(RevisionSerializer):
    class Meta(RevisionSerializer.Meta):
        fields = [*RevisionSerializer.Meta.fields, "text", "structure"]
        read_only_fields = fields


class PassageSerializer(serializers.ModelSerializer):
    start = serializers.IntegerField(source="anchor.start", read_only=True)
    end = serializers.IntegerField(source="anchor.end", read_only=True)
    exact = serializers.CharField(source="anchor.exact", read_only=True)
    anchored = serializers.SerializerMethodField()

    class Meta:
        model = Passage
        fields = ["id", "source", "kind", "label", "section", "page", "start", "end", "exact",
                  "anchored"]  # fmt: skip
        read_only_fields = fields

    def get_anchored(self, obj) -> bool:
        return obj.anchor.status == "anchored"


# --- evidence ----------------------------------------------------------------------------


class EvidenceSerializer(_Authored, serializers.ModelSerializer):
    passage = PassageSerializer(read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "claim", "relation", "note", "status", "author", "passage", "created_at"]
        read_only_fields = fields


class EvidenceCreateSerializer(serializers.Serializer):
    passage = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None,
        help_text="A passage to cite; or give `source` with `quote` (or `start` and `end`).",
    )  # fmt: skip
    source = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    quote = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    start = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    end = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    relation = serializers.ChoiceField(Evidence.Relation.choices, default="supports")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class EvidenceEditSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(Evidence.Relation.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


# --- annotations -------------------------------------------------------------------------


class AnnotationSerializer(_Authored, serializers.ModelSerializer):
    source = serializers.IntegerField(source="anchor.source_id", read_only=True)
    start = serializers.IntegerField(source="anchor.start", read_only=True)
    end = serializers.IntegerField(source="anchor.end", read_only=True)
    exact = serializers.CharField(source="anchor.exact", read_only=True)
    debate = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Annotation
        fields = ["id", "source", "start", "end", "exact", "parent", "body", "tags",
                  "motivation", "visibility", "debate", "hidden", "author", "created_at",
                  "updated_at"]  # fmt: skip
        read_only_fields = fields


MOTIVATIONS = [c for c in Annotation.Motivation.choices if c[0] != "replying"]


class AnnotationCreateSerializer(serializers.Serializer):
    start = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    end = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    exact = serializers.CharField(
        max_length=10000, required=False, allow_null=True, default=None,
        help_text="The quoted text; with it, start and end may be left out.",
    )  # fmt: skip
    parent = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None,
        help_text="Reply to this annotation (then only `body` counts).",
    )  # fmt: skip
    body = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, default=list, max_length=50
    )
    motivation = serializers.ChoiceField(MOTIVATIONS, default="commenting")
    visibility = serializers.ChoiceField(Annotation.Visibility.choices, default="private")
    debate = serializers.SlugField(
        required=False, allow_null=True, default=None,
        help_text="The debate whose members may read it (visibility `debate`).",
    )  # fmt: skip


class AnnotationUpdateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, default=list, max_length=50
    )
    motivation = serializers.ChoiceField(MOTIVATIONS, required=False, allow_null=True, default=None)
    visibility = serializers.ChoiceField(
        Annotation.Visibility.choices, required=False, allow_null=True, default=None
    )
    debate = serializers.SlugField(required=False, allow_null=True, default=None)


# --- members -----------------------------------------------------------------------------


class MembershipSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()
    user_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Membership
        fields = ["user_id", "user", "role", "created_at"]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_user(self, obj) -> dict | None:
        return person(obj.user)


class MemberSetSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(MEMBER_ROLES)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TallySerializer(serializers.Serializer):
    mine = serializers.IntegerField(allow_null=True, help_text="Your rating, 0 to 4.")
    shown = serializers.BooleanField(help_text="Whether you may see the totals.")
    count = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    distribution = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, help_text="Ratings per step 0..4."
    )


class ReasoningSerializer(serializers.Serializer):
    label = serializers.ChoiceField(choices=["stands", "defeated", "undecided"], allow_null=True)
    why = serializers.CharField()
    strength = serializers.FloatField(allow_null=True)
    acceptability = TallySerializer()
    relevance = TallySerializer()
