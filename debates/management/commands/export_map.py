"""manage.py export_map --format {kialo,aif,argdown,backup} SLUG [--claim ID]

Writes a debate's map (or the subtree of one claim) to standard output as a reader of the
map sees it; a Crux backup holds the whole debate, history and members included.
"""

from django.core.management.base import BaseCommand, CommandError

from debates.models import Claim, Debate
from debates.selectors import interchange

FORMATS = [*interchange.WRITERS, "backup"]


class Command(BaseCommand):
    help = "Export a debate's map, or one claim's subtree, as Kialo, AIF, Argdown or a backup."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("slug", help="The debate's address: /debates/<slug>/.")
        parser.add_argument("--claim", type=int, help="Export only this claim's subtree.")

    def handle(self, *args, format, slug, claim, **options):
        debate = Debate.objects.filter(slug=slug).first()
        if debate is None:
            raise CommandError(f"No debate at /debates/{slug}/.")
        if format == "backup":
            if claim is not None:
                raise CommandError("A backup holds the whole debate; --claim does not apply.")
            self.stdout.write(interchange.backup_text(debate), ending="")
            return
        top = None
        if claim is not None:
            top = Claim.objects.filter(pk=claim, debate=debate).first()
            if top is None:
                raise CommandError(f"No claim {claim} in /debates/{slug}/.")
        text = interchange.export_text(format=format, debate=debate, viewer=None, claim=top)
        self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
