"""Live map updates: server-sent events (PostgreSQL) and polling (SQLite)."""

urlpatterns: list = []
