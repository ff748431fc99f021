"""PDF files from HTML, with WeasyPrint.

WeasyPrint loads Pango, HarfBuzz and fontconfig (system libraries) when it is imported; on a
machine without them the import fails, and `unavailable()` says which library is missing so
a page can answer 503 with a reason instead of a server error. The HTML given is rendered
with nothing fetched from outside it: no stylesheet, image or font by address, so text that
people wrote can never make the server request a URL or read a local file.
"""

from __future__ import annotations

from functools import cache


@cache
def unavailable() -> str | None:
    """Why PDFs cannot be made here (naming the missing library), or None when they can."""
    try:
        import weasyprint  # noqa: F401
    except ImportError as error:
        return f"WeasyPrint is not installed ({error})"
    except OSError as error:
        # cffi's message names the library: "cannot load library 'libpango-1.0-0': …".
        return f"a system library WeasyPrint needs is missing: {error}"
    return None


@cache
def _stylesheet_text(name: str) -> str:
    """A stylesheet of the app's static files, read from disk (found as collectstatic
    would find it): the pages' CSP forbids styles inside the HTML, handouts included."""
    from django.contrib.staticfiles import finders

    path = finders.find(name)
    if not path:
        raise FileNotFoundError(f"static file {name} not found")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def write_pdf(html: str, *, stylesheet: str = "crux/handout.css") -> bytes:
    """The PDF of a whole HTML document, styled by one of the app's static stylesheets."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class _FetchNothing(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"a handout loads nothing from outside itself: {url}")

    fetcher = _FetchNothing()
    css = CSS(string=_stylesheet_text(stylesheet), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css])
