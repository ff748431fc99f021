"""Template helpers for the reader's notes and for quoted passages.

Quotes: the importer keeps a scraped article's list items in one line, separated by " - "
("… for related topics. - Security and deterrence: Russia’s …"), and an anchor's context is
its 32 characters either side, cut anywhere. These filters show a quote as prose: item
separators dropped, context cut at word, item and paragraph boundaries, with an ellipsis only
where words were left out.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django import template

from debates.anchoring import QUOTE_CONTEXT

register = template.Library()

# A note saved again within this long of its creation was not edited (the two timestamps
# of one save differ by microseconds).
EDIT_GRACE = timedelta(minutes=1)

# " - " before a list item's label ("Security and deterrence: …"), as the importer splits them.
_ITEM_SEPARATOR = re.compile(r"[ \t]+-[ \t]+(?=[^\s:.!?][^:\n.!?]{0,79}:\s)")
_SEPARATOR = re.compile(r"[ \t]+-[ \t]+|\n")


@register.filter
def was_edited(note) -> bool:
    """Whether the note changed after it was written (not merely saved once)."""
    created, updated = getattr(note, "created_at", None), getattr(note, "updated_at", None)
    if created is None or updated is None:
        return False
    return updated - created > EDIT_GRACE


@register.filter
def quote_text(exact: str) -> str:
    """A quoted passage without the importer's item separators."""
    text = _ITEM_SEPARATOR.sub(" ", exact or "")
    text = re.sub(r"^\s*-[ \t]+", "", text)
    return re.sub(r"[ \t]+-\s*$", "", text)


def context_before(prefix: str) -> tuple[str, bool]:
    """The words of `prefix` (the text before a quote) worth showing, and whether words were
    left out before them (an ellipsis): from the last paragraph or item start, else from the
    first whole word."""
    parts = _SEPARATOR.split(prefix or "")
    if len(parts) > 1:
        return parts[-1].lstrip(), False
    text = parts[0]
    if len(text) >= QUOTE_CONTEXT:  # cut by the anchor, maybe inside a word
        text = text.split(None, 1)[1] if len(text.split(None, 1)) > 1 else ""
        return text.lstrip(), True
    return text.lstrip(), False


def context_after(suffix: str) -> tuple[str, bool]:
    """As `context_before`, for the text after a quote."""
    parts = _SEPARATOR.split(suffix or "")
    if len(parts) > 1:
        return parts[0].rstrip(), False
    text = parts[0]
    if len(text) >= QUOTE_CONTEXT:
        text = text.rsplit(None, 1)[0] if len(text.rsplit(None, 1)) > 1 else ""
        return text.rstrip(), True
    return text.rstrip(), False


@register.inclusion_tag("debates/_quote.html")
def quote_in_context(anchor, href: str = ""):
    """An anchor's words with their context, as prose (see the module's docstring)."""
    before, cut_before = context_before(anchor.prefix)
    after, cut_after = context_after(anchor.suffix)
    return {
        "before": before,
        "cut_before": cut_before,
        "exact": quote_text(anchor.exact),
        "after": after,
        "cut_after": cut_after,
        "href": href,
    }
