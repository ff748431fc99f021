"""Markdown for annotation bodies: rendered by Python-Markdown, then sanitised by nh3.

Only a small, inert subset of HTML survives: no scripts, no styles, no images (which
could track readers), links (bare addresses too) forced to rel="nofollow noopener ugc".
An `@username` in the text (not in code or a link) becomes a link to that person's
profile: a mention, which `mentioned_usernames` reads the same way, so what notifies is
what shows as one.
"""

import functools
import re
import threading
from urllib.parse import quote

import markdown as md
import nh3
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .markdown_links import BareUrlExtension

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
        parser = _local.parser = md.Markdown(
            extensions=["sane_lists", BareUrlExtension()], output_format="html"
        )
    return parser


def _sanitised(text: str) -> str:
    """A body as safe HTML. Pure in `text`, so a process remembers the bodies it rendered
    last: a source's readers see the same notes again and again (a third of the reader's
    time with 50 notes was this)."""
    if len(text or "") > _CACHED_BODY_LIMIT:
        return _convert(text)
    return _convert_cached(text or "")


_CACHED_BODY_LIMIT = 4000  # characters; longer bodies (rare) are rendered every time


def _convert(text: str) -> str:
    parser = _parser()
    try:
        html = parser.convert(text or "")
    finally:
        parser.reset()
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",  # user-generated content
    )


_convert_cached = functools.lru_cache(maxsize=2048)(_convert)


# `@` then a username (Django's characters but `@`), not inside a word or an address
# (`ann@example.org` mentions nobody). A trailing dot or dash is the sentence's, not the name's.
MENTION = re.compile(r"(?<![\w.+@-])@([\w][\w.+-]{0,149})")
MAX_MENTIONS = 20  # names read from one note; more are plain text to the notifier
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
_NO_MENTIONS_IN = {"a", "code", "pre"}
_STAND_IN = "crux-mention-stand-in"


def _mentions(html: str, link: bool) -> tuple[str, list[str]]:
    """`html` with its mentions linked (when `link`), and the names mentioned, in order,
    each once. Text inside links and code is left alone: a tag-by-tag walk of nh3's
    output, whose tags are all well formed."""
    found: list[str] = []
    if "@" not in html:
        return html, found
    profile = reverse("accounts:profile", args=[_STAND_IN]) if link else ""
    inside: list[str] = []
    out: list[str] = []

    def replace(match: re.Match) -> str:
        name = match.group(1).rstrip(".-+")
        rest = match.group(1)[len(name) :]
        if name not in found:
            found.append(name)
        if not link:
            return match.group(0)
        href = escape(profile.replace(_STAND_IN, quote(name)))
        return f'<a href="{href}" class="mention">@{escape(name)}</a>{escape(rest)}'

    for part in _TAG.split(html):
        if part.startswith("<"):
            tag = _TAG_NAME.match(part)
            name = tag.group(1).lower() if tag else ""
            if name in _NO_MENTIONS_IN:
                if part.startswith("</"):
                    if name in inside:
                        inside.remove(name)
                elif not part.endswith("/>"):
                    inside.append(name)
            out.append(part)
        elif inside or "@" not in part:
            out.append(part)
        else:
            out.append(MENTION.sub(replace, part))
    return "".join(out), found


def render_markdown(text: str) -> SafeString:
    html, _ = _mentions(_sanitised(text), link=True)
    # nh3 sanitised the text; the mention links are built from escaped names.
    return mark_safe(html)  # noqa: S308


def mentioned_usernames(text: str) -> list[str]:
    """The usernames a note's body mentions as it renders (at most `MAX_MENTIONS`)."""
    if "@" not in (text or ""):
        return []
    return _mentions(_sanitised(text), link=False)[1][:MAX_MENTIONS]
