"""While the database restarts, pages say so with 503 and Retry-After, not a bare 500."""

import pytest
from django.db import OperationalError
from django.test import Client

from debates import selectors


@pytest.fixture
def failing_database(monkeypatch):
    def unreachable(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(selectors, "public_debates", unreachable)


def test_a_page_answers_503_with_retry_after_when_the_database_is_unreachable(db, failing_database):
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "cannot reach its database" in response.content.decode()


def test_a_json_client_gets_a_json_503(db, failing_database):
    response = Client(raise_request_exception=False).get("/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert "database" in response.json()["error"]


def test_other_errors_stay_a_plain_500(db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "public_debates", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
