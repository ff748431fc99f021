"""Adding, editing, moving, linking claims and their evidence; history and restore."""

from django.urls import path

from . import edit_views

claim = "debates/<slug:slug>/claims/<int:pk>/"
evidence = "debates/<slug:slug>/evidence/<int:pk>/"

urlpatterns = [
    path("edit/close-panel/", edit_views.panel_close, name="panel_close"),
    path("debates/<slug:slug>/claims/add/", edit_views.claim_add, name="claim_add"),
    path("debates/<slug:slug>/deleted/", edit_views.deleted_claims, name="deleted_claims"),
    path(f"{claim}edit/", edit_views.claim_edit, name="claim_edit"),
    path(f"{claim}more/", edit_views.claim_more, name="claim_more"),
    path(f"{claim}reorder/", edit_views.claim_reorder, name="claim_reorder"),
    path(f"{claim}move/", edit_views.claim_move, name="claim_move"),
    path(f"{claim}link/", edit_views.claim_link, name="claim_link"),
    path(f"{claim}delete/", edit_views.claim_delete, name="claim_delete"),
    path(f"{claim}restore/", edit_views.claim_restore, name="claim_restore"),
    path(f"{claim}history/", edit_views.claim_history, name="claim_history"),
    path(
        f"{claim}history/<int:history_id>/restore/",
        edit_views.claim_revert,
        name="claim_revert",
    ),
    path(f"{claim}evidence/add/", edit_views.evidence_attach, name="evidence_attach"),
    path(
        "debates/<slug:slug>/links/<int:link_pk>/remove/",
        edit_views.claim_unlink,
        name="claim_unlink",
    ),
    path(f"{evidence}edit/", edit_views.evidence_edit, name="evidence_edit"),
    path(f"{evidence}detach/", edit_views.evidence_detach, name="evidence_detach"),
    path(f"{evidence}restore/", edit_views.evidence_restore, name="evidence_restore"),
    path(
        f"{evidence}history/<int:history_id>/restore/",
        edit_views.evidence_revert,
        name="evidence_revert",
    ),
]
