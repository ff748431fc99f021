from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from classes.demo import DEMO_STUDENTS, load_class_demo
from debates.demo.build import DEMO_USERS, load_demo

# The command lives in `classes` because the demo has a class in it, and `debates` imports
# nothing of `classes` (import-linter); the map and its users are still built by debates.


class Command(BaseCommand):
    help = (
        "Load the demo: the seed article as a source, the 'Russia–North Korea relations' "
        "map, a seminar class around it, and demo users. Safe to run again; prints the "
        "map's URL path last."
    )

    def handle(self, *args, **options):
        # The demo's notifications stay in the app: their emails (to example.org addresses)
        # would bury the passwords this command prints under fifty lines of mail.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._load()

    def _load(self):
        result = load_demo()
        verb = "Built" if result.created_map else "Kept"
        claims = result.debate.claims.count()
        self.stdout.write(f"{verb} the debate “{result.debate.title}” ({claims} claims).")
        self.stdout.write(f"Source: {result.source.get_absolute_url()}")
        names = [spec.username for spec in DEMO_USERS]
        people = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
        demo = load_class_demo(debate=result.debate, source=result.source, people=people)
        verb = "Built" if demo.created else "Kept"
        self.stdout.write(
            f"{verb} the class “{demo.classroom.name}”: {demo.classroom.get_absolute_url()} "
            f"(join code {demo.classroom.display_code})"
        )
        self.stdout.write("Demo users (local use only):")
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.username:<12} password {spec.password:<24} {spec.role}")
        for student in DEMO_STUDENTS:
            self.stdout.write(
                f"  {student.username:<12} password {student.password:<24} student of the class"
            )
        pending = result.debate.claims.filter(status="proposed").count()
        self.stdout.write(
            f"Moderation queue ({pending} waiting; log in as teacher or moderator): "
            f"/debates/{result.debate.slug}/queue/"
        )
        self.stdout.write(result.debate.get_absolute_url())
