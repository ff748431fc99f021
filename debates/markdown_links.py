"""Bare web addresses in a note become links ("see https://example.org/x." links the address,
not the full stop). A Python-Markdown inline pattern, so addresses inside code, inside
[text](links) and <autolinks> are left as they are; nh3 then sanitises the result and sets
the links' rel (debates/markdown.py)."""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

# http(s):// and what follows up to a space, a quote or an angle bracket; not in a word, a
# path or an HTML attribute.
BARE_URL = r"(?<![\w/\"'=])(https?://[^\s<>\"'`]+)"
_TRAILING = ".,;:!?*_~"


class BareUrlPattern(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's name
        url = m.group(1)
        # A sentence's punctuation, or a closing bracket the address did not open, is not
        # the address's.
        while url and (
            url[-1] in _TRAILING
            or (url[-1] == ")" and url.count(")") > url.count("("))
            or (url[-1] == "]" and url.count("]") > url.count("["))
        ):
            url = url[:-1]
        if len(url) <= len("https://"):
            return None, None, None
        link = etree.Element("a")
        link.set("href", url)
        link.text = AtomicString(url)
        return link, m.start(0), m.start(0) + len(url)


class BareUrlExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # After <autolinks> (120) and [links](…) (160), before emphasis, so an address's
        # underscores stay its own.
        md.inlinePatterns.register(BareUrlPattern(BARE_URL, md), "bare_url", 115)
