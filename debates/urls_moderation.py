"""The moderation queues, audit log, notifications and debate settings."""

urlpatterns: list = []
