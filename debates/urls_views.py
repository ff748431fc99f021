"""Other views of a map: the SVG graph and the balance view."""

from django.urls import path

from . import map_views

urlpatterns = [
    path("debates/<slug:slug>/graph/", map_views.graph_page, name="graph"),
    path("debates/<slug:slug>/graph.svg", map_views.graph_svg, name="graph_svg"),
    path("debates/<slug:slug>/balance/", map_views.balance_page, name="balance"),
]
