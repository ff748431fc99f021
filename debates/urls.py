from django.urls import include, path

from . import annotation_views, revision_views, search_views, views, w3c_views

app_name = "debates"

urlpatterns = [
    path("", views.home, name="home"),
    path("debates/new/", views.debate_new, name="debate_new"),
    path("debates/<slug:slug>/", views.debate_map, name="map"),
    path("debates/<slug:slug>/claims/<int:pk>/", views.claim_detail, name="claim"),
    path("debates/<slug:slug>/claims/<int:pk>/subtree/", views.map_subtree, name="map_subtree"),
    path("search/", search_views.search, name="search"),
    path("sources/", views.source_list, name="sources"),
    path("sources/new/", views.source_new, name="source_new"),
    path("sources/<int:pk>/", views.source_reader, name="source"),
    path("sources/<int:pk>/notes/new/", annotation_views.annotation_new, name="annotation_new"),
    path("sources/<int:pk>/cite/", annotation_views.cite, name="cite"),
    # W3C Web Annotation Protocol: the container ends in "/", an annotation's IRI adds its id.
    path("sources/<int:pk>/annotations/", w3c_views.ContainerView.as_view(), name="w3c_container"),
    path(
        "sources/<int:pk>/annotations/<int:aid>",
        w3c_views.AnnotationView.as_view(),
        name="w3c_annotation",
    ),
    path("sources/<int:pk>/revisions/", revision_views.revision_list, name="revisions"),
    path("sources/<int:pk>/revisions/new/", revision_views.revision_new, name="revision_new"),
    path(
        "sources/<int:pk>/revisions/<int:number>/",
        revision_views.revision_detail,
        name="revision",
    ),
    path(
        "sources/<int:pk>/anchors/<int:anchor_id>/reattach/",
        revision_views.anchor_reattach,
        name="anchor_reattach",
    ),
    path("notes/<int:pk>/reply/", annotation_views.annotation_reply, name="annotation_reply"),
    path("notes/<int:pk>/edit/", annotation_views.annotation_edit, name="annotation_edit"),
    path("notes/<int:pk>/delete/", annotation_views.annotation_delete, name="annotation_delete"),
    path("notes/<int:pk>/restore/", annotation_views.annotation_restore, name="annotation_restore"),
    path("notes/<int:pk>/hide/", annotation_views.annotation_hide, name="annotation_hide"),
    path("notes/<int:pk>/flag/", annotation_views.annotation_flag, name="annotation_flag"),
    # Each feature keeps its routes in its own module, inside this app's namespace.
    path("", include("debates.urls_editing")),
    path("", include("debates.urls_moderation")),
    path("", include("debates.urls_live")),
    path("", include("debates.urls_views")),
]
