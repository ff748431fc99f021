from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Anchor,
    Annotation,
    Claim,
    ClaimLink,
    Debate,
    Evidence,
    Flag,
    Membership,
    Passage,
    Source,
    SourceRevision,
    Tag,
)


class RevisionInline(admin.TabularInline):
    model = SourceRevision
    fields = ("number", "note", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "language", "created_at")
    list_filter = ("language",)
    search_fields = ("title", "author", "url")
    raw_id_fields = ("created_by", "current_revision")
    inlines = [RevisionInline]


@admin.register(SourceRevision)
class SourceRevisionAdmin(admin.ModelAdmin):
    list_display = ("source", "number", "note", "created_at")
    list_filter = ("source",)
    search_fields = ("source__title", "text", "note")
    raw_id_fields = ("source", "created_by")

    def get_readonly_fields(self, request, obj=None):
        # Revisions are immutable once written.
        return [f.name for f in self.model._meta.fields] if obj else []


@admin.register(Anchor)
class AnchorAdmin(admin.ModelAdmin):
    list_display = ("__str__", "source", "revision", "status")
    list_filter = ("status", "source")
    search_fields = ("exact", "source__title")
    raw_id_fields = ("source", "revision")


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "section", "source")
    list_filter = ("kind", "source")
    search_fields = ("label", "section", "anchor__exact")
    raw_id_fields = ("anchor", "source", "created_by")
    list_select_related = ("anchor", "source")


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Debate)
class DebateAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "visibility", "contribution_mode", "updated_at")
    list_filter = ("visibility", "contribution_mode")
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("owner", "copied_from")
    filter_horizontal = ("sources",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "debate", "role", "created_at")
    list_filter = ("role", "debate")
    search_fields = ("user__username", "user__display_name", "debate__title")
    raw_id_fields = ("user", "debate")


class EvidenceInline(admin.TabularInline):
    model = Evidence
    raw_id_fields = ("passage", "author")
    extra = 0


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "kind", "relation", "status", "debate", "author", "version")
    list_filter = ("kind", "relation", "status", "debate")
    search_fields = ("text", "author__username", "debate__title")
    raw_id_fields = ("debate", "parent", "author")
    readonly_fields = ("version", "created_at", "updated_at")
    list_select_related = ("debate", "author")
    inlines = [EvidenceInline]


@admin.register(ClaimLink)
class ClaimLinkAdmin(SimpleHistoryAdmin):
    list_display = ("claim", "relation", "parent", "debate")
    list_filter = ("relation", "debate")
    search_fields = ("claim__text", "parent__text")
    raw_id_fields = ("debate", "claim", "parent", "author")


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ("claim", "relation", "passage", "status")
    list_filter = ("relation", "status", "claim__debate")
    search_fields = ("claim__text", "passage__anchor__exact", "note")
    raw_id_fields = ("claim", "passage", "author")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Annotation)
class AnnotationAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "motivation", "visibility", "hidden", "created_at")
    list_filter = ("motivation", "visibility", "hidden", "anchor__source")
    search_fields = ("body", "author__username", "anchor__exact")
    raw_id_fields = ("anchor", "author", "parent", "debate")
    filter_horizontal = ("tags",)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("__str__", "reason", "status", "created_by", "created_at")
    list_filter = ("reason", "status")
    search_fields = ("note", "claim__text", "annotation__body")
    raw_id_fields = ("claim", "annotation", "created_by", "resolved_by")
