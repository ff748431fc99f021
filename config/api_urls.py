"""/api/v1/: the debates app's routes (debates/api/v1/urls.py) and the classes app's
(classes/api.py), in one `api` namespace."""

from classes.api import urlpatterns as classes_api
from debates.api.v1.urls import urlpatterns as debates_api

urlpatterns = [*debates_api, *classes_api]
