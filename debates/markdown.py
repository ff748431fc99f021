"""Markdown for annotation bodies: rendered by Python-Markdown, then sanitised by nh3.

Only a small, inert subset of HTML survives: no scripts, no styles, no images (which
could track readers), links forced to rel="nofollow noopener noreferrer".
"""

import threading

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "hr", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
MAX_BODY_CHARS = 10_000


_local = threading.local()


def _parser() -> md.Markdown:
    """One parser per thread, reset between bodies: building one per note was a reader
    hot spot (a Markdown instance is not thread-safe, so not one per process)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = md.Markdown(extensions=["sane_lists"], output_format="html")
    return parser


def render_markdown(text: str) -> SafeString:
    parser = _parser()
    try:
        html = parser.convert(text or "")
    finally:
        parser.reset()
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
