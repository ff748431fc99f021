from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from debates.api.v1.docs_views import RedocView, SwaggerView

api_v1 = include(("config.api_urls", "api"), namespace="api")

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("classes/", include("classes.urls")),
    # The REST API (debates/api/v1/, classes/api.py) and its OpenAPI schema and docs.
    path("api/v1/", api_v1),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("api/redoc/", RedocView.as_view(url_name="api_schema"), name="api_redoc"),
    path("", include("debates.urls")),
]

# A database that cannot be reached answers 503 with Retry-After instead of a bare 500.
handler500 = "debates.views.failures.server_error"
# A URL under /api/ that names nothing: the REST API's JSON error; elsewhere the 404 page.
handler404 = "debates.api.v1.errors.not_found"
