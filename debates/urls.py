"""The pages of the `debates` app, by area; the API's routes are in `debates/api/urls.py`."""

from django.urls import include, path

from .views import (
    annotations,
    copies,
    discussion,
    editing,
    graphs,
    history,
    interchange,
    live,
    maps,
    mentions,
    mine,
    moderation,
    pickers,
    present,
    reasoning,
    revisions,
    search,
)

app_name = "debates"

claim = "debates/<slug:slug>/claims/<int:pk>/"
evidence = "debates/<slug:slug>/evidence/<int:pk>/"
members = "debates/<slug:slug>/settings/members/"

urlpatterns = [
    # Home, debates and their maps.
    path("", maps.home, name="home"),
    path("debates/new/", maps.debate_new, name="debate_new"),
    path("debates/import/", interchange.map_import_new, name="map_import"),
    path("imports/<int:pk>/", interchange.import_job, name="import_job"),
    path("my-debates/", mine.my_debates, name="my_debates"),
    path("debates/<slug:slug>/", maps.debate_map, name="map"),
    path(claim, maps.claim_detail, name="claim"),
    path(f"{claim}subtree/", maps.map_subtree, name="map_subtree"),
    path("debates/<slug:slug>/graph/", graphs.graph_page, name="graph"),
    path("debates/<slug:slug>/graph.svg", graphs.graph_svg, name="graph_svg"),
    path("debates/<slug:slug>/balance/", graphs.balance_page, name="balance"),
    path("debates/<slug:slug>/stands/", reasoning.what_stands, name="what_stands"),
    path("debates/<slug:slug>/present/", present.present, name="present"),
    path("debates/<slug:slug>/present/<int:pk>/", present.present, name="present_claim"),
    path("debates/<slug:slug>/handout.pdf", present.handout_pdf, name="handout"),
    path("search/", search.search, name="search"),
    # Sources, their revisions and notes.
    path("sources/", maps.source_list, name="sources"),
    path("sources/new/", maps.source_new, name="source_new"),
    path("sources/<int:pk>/", maps.source_reader, name="source"),
    path("sources/<int:pk>/notes/new/", annotations.annotation_new, name="annotation_new"),
    path("sources/<int:pk>/cite/", annotations.cite, name="cite"),
    path("sources/<int:pk>/claims/pick/", pickers.claim_picker, name="claim_picker"),
    path("sources/<int:pk>/revisions/", revisions.revision_list, name="revisions"),
    path("sources/<int:pk>/revisions/new/", revisions.revision_new, name="revision_new"),
    path("sources/<int:pk>/revisions/<int:number>/", revisions.revision_detail, name="revision"),
    path(
        "sources/<int:pk>/anchors/<int:anchor_id>/reattach/",
        revisions.anchor_reattach,
        name="anchor_reattach",
    ),
    path("notes/<int:pk>/reply/", annotations.annotation_reply, name="annotation_reply"),
    path("notes/<int:pk>/edit/", annotations.annotation_edit, name="annotation_edit"),
    path("notes/<int:pk>/delete/", annotations.annotation_delete, name="annotation_delete"),
    path("notes/<int:pk>/restore/", annotations.annotation_restore, name="annotation_restore"),
    path("notes/<int:pk>/hide/", annotations.annotation_hide, name="annotation_hide"),
    path("notes/<int:pk>/flag/", annotations.annotation_flag, name="annotation_flag"),
    path("notes/<int:pk>/mentions/", mentions.note_mentions, name="note_mentions"),
    # Editing a map in place: claims, evidence, history and restore.
    path("edit/close-panel/", editing.panel_close, name="panel_close"),
    path("debates/<slug:slug>/claims/add/", editing.claim_add, name="claim_add"),
    path("debates/<slug:slug>/claims/similar/", editing.claim_similar, name="claim_similar"),
    path("debates/<slug:slug>/deleted/", editing.deleted_claims, name="deleted_claims"),
    path(f"{claim}edit/", editing.claim_edit, name="claim_edit"),
    path(f"{claim}resubmit/", editing.claim_resubmit, name="claim_resubmit"),
    path(f"{claim}more/", editing.claim_more, name="claim_more"),
    path(f"{claim}reorder/", editing.claim_reorder, name="claim_reorder"),
    path(f"{claim}move/", editing.claim_move, name="claim_move"),
    path(f"{claim}link/", editing.claim_link, name="claim_link"),
    path(f"{claim}delete/", editing.claim_delete, name="claim_delete"),
    path(f"{claim}restore/", editing.claim_restore, name="claim_restore"),
    path(f"{claim}history/", editing.claim_history, name="claim_history"),
    path(f"{claim}history/<int:history_id>/restore/", editing.claim_revert, name="claim_revert"),
    path(
        f"{claim}history/<int:history_id>/redact/",
        history.claim_version_redact,
        name="claim_version_redact",
    ),
    path(f"{claim}evidence/add/", editing.evidence_attach, name="evidence_attach"),
    path(
        "debates/<slug:slug>/links/<int:link_pk>/remove/",
        editing.claim_unlink,
        name="claim_unlink",
    ),
    path(f"{evidence}edit/", editing.evidence_edit, name="evidence_edit"),
    path(f"{evidence}detach/", editing.evidence_detach, name="evidence_detach"),
    path(f"{evidence}restore/", editing.evidence_restore, name="evidence_restore"),
    path(
        f"{evidence}history/<int:history_id>/restore/",
        editing.evidence_revert,
        name="evidence_revert",
    ),
    # Moderation: queues, flags, the audit log, settings and members, notifications.
    path("moderation/", moderation.queue_all, name="queue_all"),
    path("moderation/flags/<int:pk>/<str:act>/", moderation.site_flag_act, name="site_flag_act"),
    path("debates/<slug:slug>/queue/", moderation.queue, name="queue"),
    path(
        "debates/<slug:slug>/queue/<str:kind>/<int:pk>/<str:act>/",
        moderation.queue_act,
        name="queue_act",
    ),
    path(f"{claim}flag/", moderation.claim_flag, name="claim_flag"),
    path(f"{claim}vote/", reasoning.claim_vote, name="claim_vote"),
    path(f"{claim}comments/", discussion.claim_comments, name="claim_comments"),
    path(f"{claim}suggestions/", maps.claim_suggestions, name="claim_suggestions"),
    path(
        "debates/<slug:slug>/comments/<int:pk>/delete/",
        discussion.comment_delete,
        name="comment_delete",
    ),
    path(
        "debates/<slug:slug>/comments/<int:pk>/hide/", discussion.comment_hide, name="comment_hide"
    ),
    path(f"{claim}merge-targets/", pickers.merge_picker_view, name="merge_picker"),
    path("debates/<slug:slug>/audit/", moderation.audit_log, name="audit"),
    path("debates/<slug:slug>/settings/", moderation.debate_settings, name="debate_settings"),
    path("debates/<slug:slug>/copy/", copies.debate_copy, name="debate_copy"),
    path("debates/<slug:slug>/import/", interchange.map_import_into, name="map_import_into"),
    path("debates/<slug:slug>/export/", interchange.map_exchange, name="map_exchange"),
    path("debates/<slug:slug>/export/<str:format>/", interchange.map_export, name="map_export"),
    path(members, moderation.member_add, name="member_add"),
    path(f"{members}<int:user_id>/role/", moderation.member_role, name="member_role"),
    path(f"{members}<int:user_id>/remove/", moderation.member_remove, name="member_remove"),
    path("notifications/", moderation.notifications, name="notifications"),
    path("notifications/read/", moderation.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", moderation.notification_open, name="notification_open"),
    # Live map updates: server-sent events (PostgreSQL) and polling (SQLite).
    path("debates/<slug:slug>/events/", live.map_events, name="map_events"),
    path("debates/<slug:slug>/refresh/", live.map_refresh, name="map_refresh"),
    # The W3C Web Annotation Protocol (and, later, the REST API) in the same namespace.
    path("", include("debates.api.urls")),
]
