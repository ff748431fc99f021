"""Live map updates: server-sent events (PostgreSQL) and polling (SQLite)."""

from django.urls import path

from . import live_views

urlpatterns = [
    path("debates/<slug:slug>/events/", live_views.map_events, name="map_events"),
    path("debates/<slug:slug>/refresh/", live_views.map_refresh, name="map_refresh"),
]
