"""manage.py import_annotations SOURCE_ID FILE --user USERNAME

Reads a W3C Web Annotation file (one annotation, a JSON list, an AnnotationPage, or an
AnnotationCollection with its pages embedded) onto a source, all or nothing. Quotes are found
again in the source's current text the same way the protocol's POST does
(``services.annotation_from_w3c``); a file exported from one source imports onto another with
the same text. Replies follow their parent by the ids in the file.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import Resolver404, resolve

from debates import policy, services
from debates.formats.w3c import (
    W3CError,
    annotation_from_jsonld,
    check_json_values,
    collection_items,
)
from debates.models import Annotation, Source

VISIBILITY_KEY = "crux:visibility"


class Command(BaseCommand):
    help = (
        "Import W3C Web Annotations (JSON-LD: an annotation, a list, a page or a collection) "
        "onto a source as USERNAME's annotations, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("source_id", type=int, help="The id of the source to annotate.")
        parser.add_argument("file", help="A UTF-8 JSON-LD file.")
        parser.add_argument("--user", required=True, help="Username of the annotations' author.")
        parser.add_argument(
            "--visibility",
            choices=[Annotation.Visibility.PRIVATE, Annotation.Visibility.PUBLIC],
            default=Annotation.Visibility.PRIVATE,
            help=f"For annotations without a {VISIBILITY_KEY!r} of their own (default: private).",
        )

    def handle(self, *args, source_id, file, user, visibility, **options):
        source = Source.objects.select_related("current_revision").filter(pk=source_id).first()
        if source is None:
            raise CommandError(f"No source with id {source_id}.")
        author = get_user_model().objects.filter(username=user).first()
        if author is None:
            raise CommandError(f"No user called {user!r}.")
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        try:
            items = collection_items(text)
            check_json_values(items)
        except W3CError as error:
            raise CommandError(f"{file}: {error}") from None
        with transaction.atomic():
            count = self.import_items(items, source=source, author=author, visibility=visibility)
        self.stdout.write(f"Imported {count} annotation{'s' * (count != 1)} onto “{source}”.")

    def import_items(self, items: list[dict], *, source, author, visibility) -> int:
        parsed_items = []
        for index, item in enumerate(items):
            try:
                parsed = annotation_from_jsonld(item)
                own = item.get(VISIBILITY_KEY, visibility)
                if own not in (Annotation.Visibility.PRIVATE, Annotation.Visibility.PUBLIC):
                    raise W3CError(f'{VISIBILITY_KEY}: expected "public" or "private", got {own!r}')
            except W3CError as error:
                raise CommandError(f"item {index}: {error}") from None
            parsed_items.append((index, parsed, own))
        # Thread roots first, so every reply finds its parent whatever the file's order.
        parsed_items.sort(key=lambda entry: entry[1].in_reply_to is not None)
        made: dict[str, Annotation] = {}
        for index, parsed, own in parsed_items:
            parent = None
            if parsed.in_reply_to is not None:
                parent = made.get(parsed.in_reply_to) or _existing(
                    parsed.in_reply_to, source, author
                )
            try:
                annotation = services.annotation_from_w3c(
                    actor=author, source=source, parsed=parsed, visibility=own, parent=parent
                )
            except ValidationError as error:
                raise CommandError(f"item {index}: {' '.join(error.messages)}") from None
            if parsed.id:
                made[parsed.id] = annotation
        return len(parsed_items)


def _existing(iri: str, source: Source, author) -> Annotation | None:
    """An annotation on `source`, visible to `author`, that a reply names by its Crux IRI."""
    try:
        match = resolve(urlsplit(iri).path)
    except Resolver404:
        return None
    if match.view_name != "debates:w3c_annotation" or match.kwargs["pk"] != source.pk:
        return None
    parent = (
        Annotation.objects.select_related("anchor", "debate")
        .filter(pk=match.kwargs["aid"], anchor__source=source, deleted_at=None)
        .first()
    )
    return parent if parent and policy.can_view_annotation(author, parent) else None
