"""A bounded property-based run of the REST API against its own OpenAPI schema
(schemathesis 4): a few generated requests per operation, authenticated as a moderator of
a seeded debate, through the WSGI app in this test's transaction. No response may be a 5xx
or break the schema (status codes, bodies)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from accounts import services as accounts_services
from debates.models import Membership

from .factories import annotate_quote, build_map, make_evidence

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 4


@pytest.fixture
def app_in_this_transaction(settings):
    """Django's WSGI app, called in this thread: the requests see the test's rows. As the
    test client does, requests must not close the connection (and with it the transaction)."""
    from config.wsgi import application

    settings.ALLOWED_HOSTS = ["*"]
    rates = {"anon": None, "user": None, "write": None, "token": None}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(debate, teacher, moderator, student, source):
    """A debate with a small map, evidence and notes, and a class the moderator teaches:
    the moderator's token, and real values for the path parameters."""
    from classes import services as class_services

    passage = source.passages.first()
    claims = build_map(debate, 12)
    evidence = make_evidence(claim=claims[-1], passage=passage, author=student,
                             status="proposed")  # fmt: skip
    note = annotate_quote(source, "rivers shape", student, body="Why?", visibility="debate",
                          debate=debate, tags=["q"])  # fmt: skip
    classroom = class_services.class_create(actor=moderator, name="Geography")
    assert Membership.objects.filter(user=moderator, debate=debate, role="moderator").exists()
    ids = {"claims": claims[-1].pk, "evidence": evidence.pk, "annotations": note.pk,
           "sources": source.pk, "classes": classroom.pk}  # fmt: skip
    known = {"slug": debate.slug, "user_id": student.pk, "number": 1}
    return accounts_services.api_token(actor=moderator), ids, known


def _real_parameters(case, ids: dict, known: dict) -> None:
    """Point a generated request at rows that exist, so it goes past the 404."""
    parameters = dict(case.path_parameters or {})
    for name in parameters:
        if name == "id":
            collection = case.operation.path.split("/")[3]
            parameters[name] = ids.get(collection, parameters[name])
        elif name in known:
            parameters[name] = known[name]
    case.path_parameters = parameters


def _exercise(operation, *, headers: dict, ids: dict, known: dict, report: dict) -> None:
    """A few derandomized requests to one operation, every other one at rows that exist;
    failures and successes go into `report`."""
    calls = [0]

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        calls[0] += 1
        if calls[0] % 2:
            _real_parameters(case, ids, known)
        anonymous = operation.path == "/api/v1/auth/token/"
        case.headers = {} if anonymous else {**(case.headers or {}), **headers}
        response = case.call()
        if response.status_code < 300:
            report["succeeded"].add(f"{case.method} {operation.path}")
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as error:  # collected: one run, every failure
            report["failures"].append(f"{case.method} {case.formatted_path}: {error}")

    run()


def test_no_operation_answers_5xx_or_breaks_the_schema(app_in_this_transaction, seeded):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app_in_this_transaction)
    token, ids, known = seeded
    report: dict = {"failures": [], "succeeded": set()}
    operations = 0
    for result in schema.get_all_operations():
        operations += 1
        _exercise(result.ok(), headers={"Authorization": f"Token {token}"}, ids=ids,
                  known=known, report=report)  # fmt: skip
    assert operations > 30
    # The run reached the endpoints' work, not only their 404s and 400s.
    assert len(report["succeeded"]) >= operations // 3, sorted(report["succeeded"])
    assert not report["failures"], "\n\n".join(report["failures"][:10])
