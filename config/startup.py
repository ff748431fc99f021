"""What a serving process does once, after Django is set up and before its first request.

`settle()` imports every view (through the URLconf) and the templates every page extends,
then moves all the objects made so far into the permanent generation of Python's cycle
collector (`gc.freeze`). Without it, each full collection walks the ~150,000 objects of
Django, Crux and their libraries again; a request that builds a map of 10,000 claims
allocates enough to trigger several, and on such a map they were about 40 % of the page's
time (bench/suite.py). Objects made later are collected as usual; the frozen ones live as
long as the process anyway. Under gunicorn with `--preload` the collector also stops
writing to the frozen objects, so forked workers share more of their memory pages (their
reference counts still change).
"""

import gc


def settle() -> None:
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    for name in ("base.html", "debates/map.html", "debates/reader.html"):
        get_template(name)
    gc.collect()
    gc.freeze()
