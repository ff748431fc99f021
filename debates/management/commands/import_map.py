"""manage.py import_map --format {kialo,aif,argdown,backup} PATH [--into SLUG --under CLAIM]

Reads a map file into a new debate (owned by --user, by default the first superuser), or
into an existing debate beside its issues (--into) or under one of its claims (--under, a
claim id; --into may then be left out). A Crux backup restores a whole debate. All or
nothing; the last line printed is the new or target debate's path.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from debates.models import Claim, Debate
from debates.services import imports

FORMATS = [*imports.READERS, "backup"]


def console_user(username: str | None):
    """The user a command acts as: --user, else the first superuser."""
    users = get_user_model().objects
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        return user
    user = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError("Name the user to act as with --user (there is no superuser).")
    return user


class Command(BaseCommand):
    help = "Import a Kialo, AIF or Argdown map, or restore a Crux backup, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("path", help="The file to read (UTF-8 text or JSON).")
        parser.add_argument("--into", metavar="SLUG", help="Add to this existing debate.")
        parser.add_argument(
            "--under", metavar="CLAIM", type=int, help="Hang the imported claims under this claim."
        )
        parser.add_argument("--user", help="Who imports (default: the first superuser).")
        parser.add_argument("--title", default="", help="The new debate's title.")

    def handle(self, *args, format, path, into, under, user, title, **options):
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        actor = console_user(user)
        try:
            if format == "backup":
                if into or under:
                    raise CommandError(
                        "A backup restores a whole debate; --into and --under do not apply."
                    )
                debate = imports.backup_restore(actor=actor, data=data)
                self.stdout.write(f"Restored “{debate.title}”.")
                self.stdout.write(f"/debates/{debate.slug}/")
                return
            target = self._target(into, under)
            doc = imports.map_parse(format=format, data=data)
            result = imports.map_import(
                actor=actor,
                doc=doc,
                into=target[0],
                under=target[1],
                title=title,
                source_name=Path(path).name,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        kind = doc.format or format
        self.stdout.write(
            f"Imported {result.claims:,} claims ({kind}) into “{result.debate.title}”."
        )
        self.stdout.write(f"/debates/{result.debate.slug}/")

    def _target(self, into: str | None, under: int | None) -> tuple[Debate | None, Claim | None]:
        debate = None
        if into:
            debate = Debate.objects.filter(slug=into).first()
            if debate is None:
                raise CommandError(f"No debate at /debates/{into}/.")
        claim = None
        if under is not None:
            claim = Claim.objects.select_related("debate").filter(pk=under).first()
            if claim is None or (debate is not None and claim.debate_id != debate.pk):
                where = f" in /debates/{into}/" if debate is not None else ""
                raise CommandError(f"No claim {under}{where}.")
        return debate, claim
