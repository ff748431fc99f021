"""Search results drawn as HTML: snippets are data (`selectors.search.Run`s) until here."""

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def marked(snippet) -> SafeString:
    """A snippet's runs as HTML: all text escaped, the matches in `<mark>`. Plain text (a
    title with no match to show) is escaped as it is."""
    if isinstance(snippet, str):
        return conditional_escape(snippet)
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<mark>{}</mark>", run.text) if run.marked else run.text,)
            for run in snippet or ()
        ),
    )
