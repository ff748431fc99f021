"""The moderation queues, audit log, notifications and debate settings."""

from django.urls import path

from . import moderation_views as views

urlpatterns = [
    path("moderation/", views.queue_all, name="queue_all"),
    path("moderation/flags/<int:pk>/<str:act>/", views.site_flag_act, name="site_flag_act"),
    path("debates/<slug:slug>/queue/", views.queue, name="queue"),
    path(
        "debates/<slug:slug>/queue/<str:kind>/<int:pk>/<str:act>/",
        views.queue_act,
        name="queue_act",
    ),
    path("debates/<slug:slug>/claims/<int:pk>/flag/", views.claim_flag, name="claim_flag"),
    path("debates/<slug:slug>/audit/", views.audit_log, name="audit"),
    path("debates/<slug:slug>/settings/", views.debate_settings, name="debate_settings"),
    path("debates/<slug:slug>/settings/members/", views.member_add, name="member_add"),
    path(
        "debates/<slug:slug>/settings/members/<int:user_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "debates/<slug:slug>/settings/members/<int:user_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
]
