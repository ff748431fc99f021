from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from debates import services


class Command(BaseCommand):
    help = (
        "Import a plain-text or markdown article as a new source. "
        "Prints the new source's reader URL path on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A UTF-8 text or markdown file.")
        parser.add_argument("--title", default="", help="Use this title instead of the text's.")
        parser.add_argument("--author", default="", help="Author or origin.")
        parser.add_argument("--url", default="", help="Where the text comes from.")

    def handle(self, *args, path, title, author, url, **options):
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text.") from None
        try:
            source = services.source_import(text=text, title=title, author=author, url=url)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        passages = source.passages.count()
        self.stdout.write(f"Imported “{source.title}”: {passages} passages.")
        self.stdout.write(source.get_absolute_url())
