"""The API's routes, included into the `debates` namespace by `debates/urls.py`."""

from django.urls import path

from . import w3c

urlpatterns = [
    # W3C Web Annotation Protocol: the container ends in "/", an annotation's IRI adds its id.
    path("sources/<int:pk>/annotations/", w3c.ContainerView.as_view(), name="w3c_container"),
    path(
        "sources/<int:pk>/annotations/<int:aid>",
        w3c.AnnotationView.as_view(),
        name="w3c_annotation",
    ),
]
