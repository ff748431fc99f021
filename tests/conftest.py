"""Fixtures named for roles (teacher, moderator, student, outsider) and a demo-like debate."""

import pytest

from debates.models import Debate, Membership

from .asgi_server import asgi_live_server  # noqa: F401 - uvicorn for live-update tests
from .browser import browser, page  # noqa: F401 - Playwright fixtures, defined once here
from .factories import ARTICLE, DebateFactory, UserFactory, source_factory


@pytest.fixture
def teacher(db):
    return UserFactory(username="teacher", display_name="Ms Teacher")


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator")


@pytest.fixture
def student(db):
    return UserFactory(username="student")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def source(db, teacher):
    return source_factory(ARTICLE, created_by=teacher)


@pytest.fixture
def debate(db, teacher, moderator, student, source):
    debate = DebateFactory(
        title="Rivers", slug="rivers", owner=teacher, visibility=Debate.Visibility.PUBLIC
    )
    debate.sources.add(source)
    Membership.objects.create(user=moderator, debate=debate, role=Membership.Role.MODERATOR)
    Membership.objects.create(user=student, debate=debate, role=Membership.Role.VIEWER)
    return debate


@pytest.fixture
def demo(db):
    from debates.demo.build import load_demo

    return load_demo()


@pytest.fixture(autouse=True)
def _generous_write_throttle(settings):
    """The write throttle stays on in the suite, with room for any test's writes;
    tests/test_throttle.py sets the real limits."""
    settings.CRUX_WRITE_RATE = 1000
    settings.CRUX_WRITE_BURST = 1000


@pytest.fixture(autouse=True)
def _fresh_reasoning_cache():
    """Each test reasons about its maps afresh (the cache is keyed by a debate's change
    stamp, which a test's rolled-back writes may leave unchanged)."""
    from debates.selectors import reasoning

    reasoning._CACHE.clear()
