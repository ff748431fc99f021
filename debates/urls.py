from django.urls import path

from . import views

app_name = "debates"

urlpatterns = [
    path("", views.home, name="home"),
    path("debates/new/", views.debate_new, name="debate_new"),
    path("debates/<slug:slug>/", views.debate_map, name="map"),
    path("debates/<slug:slug>/claims/<int:pk>/", views.claim_detail, name="claim"),
    path("sources/", views.source_list, name="sources"),
    path("sources/new/", views.source_new, name="source_new"),
    path("sources/<int:pk>/", views.source_reader, name="source"),
]
