from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "classes"
    verbose_name = "Classes"

    def ready(self) -> None:
        from debates import policy as debate_policy

        from . import policy

        # "See classmates' work only after you post" hides work in the debates' pages.
        debate_policy.register_withhold_hook(policy.withheld_authors)
        # "Anonymous to classmates" shows pseudonyms instead of names there.
        debate_policy.register_name_hook(policy.pseudonym_expression)
