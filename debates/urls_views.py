"""Other views of a map: the SVG graph and the balance view."""

from django.urls import path

from . import views

urlpatterns = [
    path("debates/<slug:slug>/graph/", views.not_built_yet, name="graph"),
    path("debates/<slug:slug>/balance/", views.not_built_yet, name="balance"),
]
