"""The moderation queues, audit log, notifications and debate settings."""

from django.urls import path

from . import views

urlpatterns = [
    path("debates/<slug:slug>/queue/", views.not_built_yet, name="queue"),
    path("debates/<slug:slug>/audit/", views.not_built_yet, name="audit"),
    path("debates/<slug:slug>/settings/", views.not_built_yet, name="debate_settings"),
]
