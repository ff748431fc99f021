"""As people would: a member replies to a note, mentions a colleague picked from the
@-suggestions, and that colleague, logging in, finds the notification."""

import pytest
from playwright.sync_api import expect

from debates.models import Annotation, Debate, Membership, Notification

from .browser import log_in
from .factories import ARTICLE, DebateFactory, UserFactory, annotate_quote, source_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"  # UserFactory's
QUOTE = "Barges carried grain cheaply."


@pytest.fixture
def site(live_server):
    teacher = UserFactory(username="teacher", display_name="Ms Teacher")
    student = UserFactory(username="student", display_name="Sam Student")
    moderator = UserFactory(username="moderator", display_name="Mo Moderator")
    UserFactory(username="outsider")
    source = source_factory(ARTICLE, created_by=teacher)
    debate = DebateFactory(
        title="Rivers", slug="rivers", owner=teacher, visibility=Debate.Visibility.PRIVATE
    )
    debate.sources.add(source)
    Membership.objects.create(user=student, debate=debate, role="viewer")
    Membership.objects.create(user=moderator, debate=debate, role="moderator")
    note = annotate_quote(
        source, QUOTE, teacher, body="Is this still true?", visibility="debate", debate=debate
    )
    return live_server.url, source, note


def test_a_member_mentions_a_colleague_who_then_sees_the_notification(page, browser, site):
    base, source, note = site
    log_in(page, base, "student", PASSWORD)
    page.goto(f"{base}{source.get_absolute_url()}#note-{note.pk}")
    thread = page.locator(f"#note-{note.pk}")
    thread.locator("summary", has_text="Reply").click()
    box = page.locator(f"#reply-{note.pk}")
    box.click()
    box.press_sequentially("Ask @mo")
    suggestion = page.locator(".mention-list [role=option]", has_text="@moderator")
    expect(suggestion).to_be_visible()
    expect(suggestion).to_contain_text("Mo Moderator")
    # Only the debate's members who may read the note are offered.
    expect(page.locator(".mention-list [role=option]")).to_have_count(1)
    suggestion.click()
    expect(box).to_have_value("Ask @moderator ")
    expect(page.locator(".mention-list")).to_have_count(0)
    box.press_sequentially("about barges.")
    box.locator("xpath=ancestor::form").get_by_role("button", name="Reply").click()
    # Back in the reader, the reply shows the mention as a link to the profile.
    mention = page.locator(f"#note-{note.pk} .replies a.mention")
    expect(mention).to_have_text("@moderator")
    expect(mention).to_have_attribute("href", "/accounts/people/moderator/")
    reply = Annotation.objects.get(parent=note)
    assert reply.body == "Ask @moderator about barges."

    other = browser.new_context().new_page()
    log_in(other, base, "moderator", PASSWORD)
    expect(other.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    other.get_by_role("link", name="Notifications, 1 unread").click()
    item = other.locator(".notification", has_text="mentioned you")
    expect(item).to_contain_text("Sam Student mentioned you in a reply on")
    expect(item).to_contain_text("Ask @moderator about barges.")
    item.get_by_role("button").click()  # opens the reply in the reader, marked read
    expect(other.locator(f"#note-{reply.pk}")).to_be_visible()
    other.context.close()
    assert Notification.objects.get(recipient__username="moderator").read_at is not None
    # The note's author heard of the reply; the student heard of nothing of their own.
    assert Notification.objects.filter(recipient__username="teacher", verb="replied").exists()
    assert not Notification.objects.filter(recipient__username="student").exists()
