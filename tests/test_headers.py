"""Security headers: a strict Content-Security-Policy the pages live within, Permissions-Policy,
and no-store for signed-in people (config/headers.py, CONTENT_SECURITY_POLICY in settings)."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from debates.demo.build import load_demo
from debates.models import Claim
from debates.selectors.balance import PALETTE

ROOT = Path(__file__).resolve().parent.parent

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class InlineCode(HTMLParser):
    """Collects whatever a policy without 'unsafe-inline' or 'unsafe-eval' would refuse."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.htmx_config: str | None = None
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script":
            if not names.get("src"):
                self.found.append("inline <script>")
            self._in_script = True
        if tag == "style":
            self.found.append("<style> element")
        if tag == "meta" and names.get("name") == "htmx-config":
            self.htmx_config = names.get("content")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style attribute on <{tag}>: {value!r}")
            elif name.startswith("on"):
                self.found.append(f"{name}= handler on <{tag}>")
            elif (
                name.startswith(("hx-on", "data-hx-on"))
                or name in ("hx-vars", "data-hx-vars")
                or (name in ("hx-vals", "data-hx-vals") and (value or "").startswith("js:"))
            ):
                self.found.append(f"{name} (evaluated by htmx) on <{tag}>")
            elif name in ("hx-trigger", "data-hx-trigger") and "[" in (value or ""):
                self.found.append(f"hx-trigger filter (needs eval) on <{tag}>: {value!r}")
            elif value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name} on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def inline_code(html: str) -> InlineCode:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser


def parse_policy(header: str) -> dict[str, str]:
    parts = (d.strip().split(None, 1) for d in header.split(";") if d.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


@pytest.fixture
def demo(db):
    return load_demo()


def pages(demo) -> dict[str, str]:
    debate, source = demo.debate, demo.source
    claim = Claim.objects.filter(debate=debate, parent__isnull=False).order_by("pk").first()
    return {
        "home": reverse("debates:home"),
        "map": debate.get_absolute_url(),
        "claim": claim.get_absolute_url(),
        "reader": source.get_absolute_url(),
        "search": reverse("debates:search") + "?q=river",
        "sources": reverse("debates:sources"),
        "profile": reverse("accounts:profile", args=["teacher"]),
        "moderation queue": reverse("debates:queue", args=[debate.slug]),
        "history": reverse("debates:claim_history", args=[debate.slug, claim.pk]),
        "graph": reverse("debates:graph", args=[debate.slug]),
        "balance": reverse("debates:balance", args=[debate.slug]),
        "deleted": reverse("debates:deleted_claims", args=[debate.slug]),
        "audit": reverse("debates:audit", args=[debate.slug]),
        "settings": reverse("debates:debate_settings", args=[debate.slug]),
        "notifications": reverse("debates:notifications"),
        "site moderation": reverse("debates:queue_all"),
        "profile edit": reverse("accounts:profile_edit"),
        "new debate": reverse("debates:debate_new"),
        "import a source": reverse("debates:source_new"),
    }


ANONYMOUS_PAGES = {
    "login": "login",
    "signup": "accounts:signup",
    "password reset": "accounts:password_reset",
}


def assert_strict(response, label: str) -> None:
    assert response.status_code == 200, f"{label}: {response.status_code}"
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{label}: no Content-Security-Policy"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, label
    assert parse_policy(header) == POLICY, f"{label}: {header}"
    assert "Permissions-Policy" in response.headers, label
    found = inline_code(response.content.decode())
    assert not found.found, f"{label}: {found.found}"


def test_the_policy_is_strict_and_as_documented():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert {k: " ".join(v) for k, v in directives.items()} == POLICY


def test_every_page_a_signed_in_owner_sees_keeps_within_the_policy(client, demo):
    client.login(username="teacher", password="crux-teacher-demo")
    for label, url in pages(demo).items():
        response = client.get(url)
        assert_strict(response, label)
        found = inline_code(response.content.decode())
        config = json.loads(found.htmx_config)
        assert config["allowEval"] is False, label  # trigger filters, hx-on, js: values
        assert config["includeIndicatorStyles"] is False, label  # htmx's injected <style>


def test_every_page_an_anonymous_visitor_sees_keeps_within_the_policy(client, demo):
    for label, url in pages(demo).items():
        if label in ("home", "map", "claim", "reader", "search", "sources", "graph", "balance"):
            assert_strict(client.get(url), f"anonymous {label}")
    for label, name in ANONYMOUS_PAGES.items():
        assert_strict(client.get(reverse(name)), label)


def test_the_standalone_graph_has_the_policy_and_no_script(client, demo):
    response = client.get(reverse("debates:graph_svg", args=[demo.debate.slug]))
    assert response.status_code == 200
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    svg = response.content.decode()
    assert "<script" not in svg and "<style" not in svg and " style=" not in svg


def test_htmx_fragments_keep_within_the_policy(client, demo):
    """What htmx swaps in is held to the page's policy too: no inline code in fragments."""
    client.login(username="teacher", password="crux-teacher-demo")
    debate = demo.debate
    claim = Claim.objects.filter(debate=debate, parent__isnull=False).order_by("pk").first()
    htmx = {"HTTP_HX_REQUEST": "true"}
    for url in (
        reverse("debates:claim_edit", args=[debate.slug, claim.pk]),
        reverse("debates:claim_more", args=[debate.slug, claim.pk]),
        reverse("debates:claim_add", args=[debate.slug]) + f"?parent={claim.pk}",
        reverse("debates:map_refresh", args=[debate.slug]),
    ):
        response = client.get(url, **htmx)
        assert response.status_code in (200, 204), url
        assert not inline_code(response.content.decode()).found, url


def test_no_template_carries_inline_code():
    """Pages the lists above miss (error pages, e-mails' pages, fragments) stay clean too."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"<style\b",
            r"\sstyle=",
            r"\son[a-z]+=",
            r"hx-on",
            r"javascript:",
            r'hx-trigger="[^"]*\[',
        ):
            if re.search(pattern, text, re.IGNORECASE):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert not offenders, offenders


def test_every_balance_colour_has_its_rule_in_the_style_sheet():
    """Colours come as data-side (no style attribute): views.css must name each of them."""
    css = (ROOT / "static" / "crux" / "views.css").read_text()
    for colour in PALETTE:
        assert f'[data-side="{colour}"] {{ --side: {colour}; }}' in css, colour


def test_permissions_policy_refuses_the_powerful_features(client, db):
    header = client.get(reverse("debates:home")).headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert f"{feature}=()" in header


def test_signed_in_pages_are_not_stored_and_anonymous_ones_may_be(client, demo):
    url = demo.debate.get_absolute_url()
    anonymous = client.get(url)
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")

    client.login(username="student", password="crux-student-demo")
    for path in (url, reverse("debates:home"), demo.source.get_absolute_url()):
        response = client.get(path)
        assert "no-store" in response.headers["Cache-Control"], path
        assert "private" in response.headers["Cache-Control"], path
        assert "Cookie" in response.headers["Vary"], path


def test_api_requests_with_a_token_are_not_stored(client, demo):
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    token = Token.objects.create(user=User.objects.get(username="teacher"))
    container = reverse("debates:w3c_container", args=[demo.source.pk])
    response = client.get(container, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_static_files_are_not_marked_no_store(client, demo, settings):
    """WhiteNoise answers static files before the header middleware (and they hold nothing
    personal): a signed-in person's browser may cache them."""
    settings.WHITENOISE_USE_FINDERS = True  # read when the client's handler is built
    client.login(username="student", password="crux-student-demo")
    response = client.get(settings.STATIC_URL + "crux/crux.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
