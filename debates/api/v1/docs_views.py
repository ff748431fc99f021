"""The API's documentation pages, served offline (drf-spectacular-sidecar) under the
site's strict Content-Security-Policy.

Swagger UI: the split view, so its start-up script is a URL of its own (`?script`), and a
template whose styles are a static file. ReDoc draws with styled-components, which adds
<style> elements at run time: its page allows inline *styles* (never scripts) and blob:
workers (its search), on that one view only.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"


class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # django-csp's csp_update, for this one view (see the module's docstring).
        response._csp_update = {"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]}
        return response
