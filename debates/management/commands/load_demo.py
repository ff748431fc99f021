from django.core.management.base import BaseCommand

from debates.demo.build import DEMO_USERS, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo: the seed article as a source, the 'Russia–North Korea relations' "
        "map and demo users. Safe to run again; prints the map's URL path last."
    )

    def handle(self, *args, **options):
        result = load_demo()
        verb = "Built" if result.created_map else "Kept"
        claims = result.debate.claims.count()
        self.stdout.write(f"{verb} the debate “{result.debate.title}” ({claims} claims).")
        self.stdout.write(f"Source: {result.source.get_absolute_url()}")
        self.stdout.write("Demo users (local use only):")
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.username:<12} password {spec.password:<24} {spec.role}")
        pending = result.debate.claims.filter(status="proposed").count()
        self.stdout.write(
            f"Moderation queue ({pending} waiting; log in as teacher or moderator): "
            f"/debates/{result.debate.slug}/queue/"
        )
        self.stdout.write(result.debate.get_absolute_url())
