from django.apps import AppConfig


class DebatesConfig(AppConfig):
    name = "debates"
    verbose_name = "Debates and sources"

    def ready(self) -> None:
        # Live map updates: every committed change to a map tells its viewers.
        from . import live

        live.connect_signals()
