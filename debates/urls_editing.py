"""Adding, editing, moving, linking claims and their evidence; history and restore."""

urlpatterns: list = []
