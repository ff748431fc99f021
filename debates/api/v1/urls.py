"""The REST API's routes (/api/v1/, included by config/urls.py in the `api` namespace).

One router: register another viewset with `router.register(prefix, ViewSet, basename=…)`
(or append to `urlpatterns` for a plain APIView); the classes app adds its own in
classes/api.py.
"""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .auth import TokenView
from .claims import (
    ClaimViewSet,
    DebateClaimViewSet,
    DebateEditViewSet,
    EditViewSet,
    EvidenceViewSet,
)
from .debates import SLUG, DebateViewSet
from .interchange import ExportView, ImportView, JobView
from .sources import AnnotationViewSet, DebateNoteViewSet, SourceViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("debates", DebateViewSet, basename="debate")
router.register(rf"debates/(?P<slug>{SLUG})/claims", DebateClaimViewSet, basename="debate-claim")
router.register(
    rf"debates/(?P<slug>{SLUG})/annotations", DebateNoteViewSet, basename="debate-annotation"
)
router.register(rf"debates/(?P<slug>{SLUG})/edits", DebateEditViewSet, basename="debate-edit")
router.register("claims", ClaimViewSet, basename="claim")
router.register("edits", EditViewSet, basename="edit")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("sources", SourceViewSet, basename="source")
router.register("annotations", AnnotationViewSet, basename="annotation")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("imports/", ImportView.as_view(), name="import"),
    path("imports/<int:pk>/", JobView.as_view(), name="import-job"),
    path("debates/<slug:slug>/export/<str:kind>/", ExportView.as_view(), name="debate-export"),
    *router.urls,
]
