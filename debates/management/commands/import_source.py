from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from debates import policy, services


class Command(BaseCommand):
    help = (
        "Import an article (.txt or .md in any encoding, .html, .pdf with text, .docx) as a "
        "new source. "
        "Prints the new source's reader URL path on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A text, markdown, HTML, PDF or Word (.docx) file.")
        parser.add_argument("--title", default="", help="Use this title instead of the text's.")
        parser.add_argument("--author", default="", help="Author or origin.")
        parser.add_argument("--url", default="", help="Where the text comes from.")
        parser.add_argument(
            "--user", default="", help="Username of the importer (default: the console)."
        )

    def handle(self, *args, path, title, author, url, user, **options):
        actor = policy.CONSOLE
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user called {user!r}.")
        file = Path(path)
        try:
            data = file.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise CommandError(f"No such file: {path}") from None
        try:
            source = services.source_import_file(
                actor=actor, data=data, name=file.name, title=title, author=author, url=url
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        passages = source.passages.count()
        self.stdout.write(f"Imported “{source.title}”: {passages} passages.")
        self.stdout.write(source.get_absolute_url())
