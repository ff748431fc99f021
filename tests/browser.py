"""Shared Playwright set-up: Debian's chromium, driven against pytest-django's live server."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    if shutil.which("chromium") or os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CRUX_REQUIRE_BROWSER"):
        pytest.fail("chromium is not installed (apt-get install -y chromium)")
    pytest.skip("chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the ORM calls in
    # fixtures and assertions are still plain synchronous code, so allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


SELECT_TEXT = """
(quote) => {
  const root = document.querySelector("[data-annotatable]");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.parentElement.closest("[data-skip]")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const nodes = [];
  let joined = "";
  while (walker.nextNode()) {
    nodes.push([walker.currentNode, joined.length]);
    joined += walker.currentNode.textContent;
  }
  const at = joined.indexOf(quote);
  if (at < 0) return false;
  const locate = (offset) => {
    for (let i = nodes.length - 1; i >= 0; i--) {
      if (nodes[i][1] <= offset) return [nodes[i][0], offset - nodes[i][1]];
    }
  };
  const range = document.createRange();
  range.setStart(...locate(at));
  range.setEnd(...locate(at + quote.length));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return true;
}
"""


def select_text(page, quote: str) -> None:
    """Select `quote` in the reader as a person dragging over it would."""
    assert page.evaluate(SELECT_TEXT, quote), f"not on the page: {quote}"
