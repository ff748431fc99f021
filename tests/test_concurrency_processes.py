"""Several processes writing at once, each with its own database connection, on PostgreSQL.

Workers are spawned processes (multiprocessing "spawn": a fresh interpreter, nothing shared
with the test but the database) connected to this run's test database; a barrier lines
them up so their transactions overlap. What they do goes through debates.services as a
request would. Runs on PostgreSQL only, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/crux_conc pytest tests/test_concurrency_processes.py
"""

from __future__ import annotations

import multiprocessing
import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 6
BARRIER_SECONDS = 30


# --- in the worker processes -----------------------------------------------------------


def _init_worker(database_url: str) -> None:
    """Point a fresh interpreter at the test database and set Django up."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    import django

    django.setup()


def _outcome(call) -> str:
    """Run `call`; say how it ended, as text (exceptions need not pickle)."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import connections

    from debates.errors import EditConflict

    try:
        call()
        return "ok"
    except EditConflict as conflict:
        return f"conflict v{conflict.claim.version}"
    except (ValidationError, PermissionDenied) as refusal:
        return f"refused: {' '.join(getattr(refusal, 'messages', [str(refusal)]))}"
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
        return f"error: {error!r}"
    finally:
        connections.close_all()


def _propose_and_annotate(job: tuple) -> list[str]:
    barrier, user_pk, position_pk, source_pk, start, end, rounds = job
    from django.contrib.auth import get_user_model

    from debates import services
    from debates.models import Claim, Source

    user = get_user_model().objects.get(pk=user_pk)
    position = Claim.objects.select_related("debate").get(pk=position_pk)
    source = Source.objects.get(pk=source_pk)
    results = []
    barrier.wait()
    for i in range(rounds):
        results.append(
            _outcome(
                lambda i=i: services.claim_add(
                    actor=user,
                    debate=position.debate,
                    text=f"Argument {i} by {user.username}",
                    parent=position,
                    stance="supports",
                )
            )
        )
        results.append(
            _outcome(
                lambda i=i: services.annotation_create(
                    actor=user,
                    source=source,
                    start=start,
                    end=end,
                    body=f"Note {i} by {user.username}",
                    tags=["shared", f"own-{user.username}"],
                )
            )
        )
    return results


def _review(job: tuple) -> str:
    barrier, actor_pk, claim_pk, act = job
    from django.contrib.auth import get_user_model

    from debates import services
    from debates.models import Claim

    actor = get_user_model().objects.get(pk=actor_pk)
    claim = Claim.objects.select_related("debate").get(pk=claim_pk)
    barrier.wait()
    if act == "approve":
        return _outcome(lambda: services.claim_approve(claim=claim, actor=actor))
    return _outcome(lambda: services.claim_reject(claim=claim, actor=actor, reason="Off topic."))


def _edit(job: tuple) -> str:
    barrier, actor_pk, claim_pk, base_version = job
    from django.contrib.auth import get_user_model

    from debates import services
    from debates.models import Claim

    actor = get_user_model().objects.get(pk=actor_pk)
    claim = Claim.objects.select_related("debate").get(pk=claim_pk)
    barrier.wait()
    return _outcome(
        lambda: services.claim_edit(
            actor=actor, claim=claim, text=f"Edited by {actor.username}", base_version=base_version
        )
    )


# --- in the test -----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and concurrent transactions need PostgreSQL, not SQLite.")


@pytest.fixture(scope="module")
def pool(django_db_setup, django_db_blocker):
    """WORKERS spawned processes on the test database (its name replaces the URL's), shared
    by this module's tests: starting Django in a fresh interpreter is the slow part."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and concurrent transactions need PostgreSQL, not SQLite.")
    settings = connection.settings_dict
    parts = urlsplit(os.environ["DATABASE_URL"])
    url = urlunsplit(parts._replace(path="/" + settings["NAME"]))
    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    workers = context.Pool(WORKERS, initializer=_init_worker, initargs=(url,))
    try:
        yield workers, manager
    finally:
        workers.terminate()
        workers.join()
        manager.shutdown()


def _run(pool, function, jobs):
    """Each job on its own worker at once: every job waits at one barrier with all the
    others, so no worker can take two (the barrier's timeout bounds a stuck run)."""
    workers, _ = pool
    assert len(jobs) <= WORKERS
    return workers.map_async(function, jobs, chunksize=1).get(timeout=BARRIER_SECONDS + 30)


def _barrier(pool, parties):
    return pool[1].Barrier(parties, timeout=BARRIER_SECONDS)


@pytest.fixture
def world(db):
    from debates import services
    from debates.models import Claim, Debate, Membership

    from .factories import ARTICLE, DebateFactory, UserFactory, source_factory

    owner = UserFactory(username="owner")
    debate = DebateFactory(owner=owner, slug="racing", contribution_mode=Debate.Mode.REVIEWED)
    source = source_factory(ARTICLE, created_by=owner)
    debate.sources.add(source)
    students = [UserFactory(username=f"student{i}") for i in range(WORKERS)]
    moderators = [UserFactory(username=f"mod{i}") for i in range(WORKERS)]
    for person, role in [(s, Membership.Role.VIEWER) for s in students] + [
        (m, Membership.Role.MODERATOR) for m in moderators
    ]:
        Membership.objects.create(user=person, debate=debate, role=role)
    issue = services.claim_add(actor=owner, debate=debate, text="Should towns move?")
    position = services.claim_add(actor=owner, debate=debate, text="Yes.", parent=issue)
    assert position.status == Claim.Status.PUBLISHED
    return {
        "debate": debate,
        "source": source,
        "owner": owner,
        "students": students,
        "moderators": moderators,
        "position": position,
    }


def test_students_propose_and_annotate_the_same_passage_at_once(pool, world):
    from debates.models import Annotation, AuditEntry, Claim, Tag

    rounds = 3
    source, position = world["source"], world["position"]
    text = source.current_revision.text
    start = text.index("rivers shape")
    end = start + len("rivers shape the towns")
    barrier = _barrier(pool, WORKERS)
    jobs = [(barrier, s.pk, position.pk, source.pk, start, end, rounds) for s in world["students"]]
    results = _run(pool, _propose_and_annotate, jobs)

    assert all(r == "ok" for rs in results for r in rs), results
    proposals = Claim.objects.filter(parent=position)
    assert proposals.count() == WORKERS * rounds
    assert set(proposals.values_list("status", flat=True)) == {Claim.Status.PROPOSED}
    texts = list(proposals.values_list("text", flat=True))
    assert len(set(texts)) == len(texts)
    for claim in proposals:
        assert claim.history.count() == 1
    assert (
        AuditEntry.objects.filter(action=AuditEntry.Action.CLAIM_PROPOSED).count()
        == WORKERS * rounds
    )
    notes = Annotation.objects.filter(anchor__source=source)
    assert notes.count() == WORKERS * rounds
    assert {n.anchor.exact for n in notes} == {"rivers shape the towns"}
    assert len({n.anchor_id for n in notes}) == WORKERS * rounds  # one anchor per note
    # The tag all of them wrote at once exists once and is on every note.
    assert Tag.objects.filter(name="shared").count() == 1
    assert notes.filter(tags__name="shared").count() == WORKERS * rounds
    assert Tag.objects.filter(name__startswith="own-").count() == WORKERS


def test_approve_and_reject_the_same_proposal_at_once_one_wins(pool, world):
    from debates import services
    from debates.models import AuditEntry, Claim, Notification

    student = world["students"][0]
    mod_a, mod_b = world["moderators"][:2]
    rounds = 3
    outcomes = []
    for i in range(rounds):
        proposal = services.claim_add(
            actor=student,
            debate=world["debate"],
            text=f"Proposal {i}",
            parent=world["position"],
            stance="opposes",
        )
        assert proposal.status == Claim.Status.PROPOSED
        barrier = _barrier(pool, 2)
        jobs = [
            (barrier, mod_a.pk, proposal.pk, "approve"),
            (barrier, mod_b.pk, proposal.pk, "reject"),
        ]
        approve, reject = _run(pool, _review, jobs)
        outcomes.append((approve, reject))
        assert sorted([approve == "ok", reject == "ok"]) == [False, True], (approve, reject)
        loser = reject if approve == "ok" else approve
        assert loser.startswith("refused: ") and "not waiting for review" in loser, loser
        proposal.refresh_from_db()
        expected = Claim.Status.PUBLISHED if approve == "ok" else Claim.Status.REJECTED
        assert proposal.status == expected
        decisions = AuditEntry.objects.filter(
            claim=proposal,
            action__in=[AuditEntry.Action.CLAIM_APPROVED, AuditEntry.Action.CLAIM_REJECTED],
        )
        assert decisions.count() == 1
        assert Notification.objects.filter(recipient=student, url__contains=str(proposal.pk))
        assert (
            Notification.objects.filter(
                recipient=student,
                verb__in=[Notification.Verb.APPROVED, Notification.Verb.REJECTED],
                message__contains=f"Proposal {i}",
            ).count()
            == 1
        )
    assert len(outcomes) == rounds


def test_editors_save_the_same_claim_from_the_same_version_exactly_one_wins(pool, world):
    from debates.models import AuditEntry, Claim

    claim = world["position"]
    claim.refresh_from_db()
    base = claim.version
    history_before = claim.history.count()
    editors = world["moderators"]
    barrier = _barrier(pool, len(editors))
    results = _run(pool, _edit, [(barrier, m.pk, claim.pk, base) for m in editors])

    assert results.count("ok") == 1, results
    conflicts = [r for r in results if r != "ok"]
    assert conflicts == [f"conflict v{base + 1}"] * (len(editors) - 1), results
    claim.refresh_from_db()
    assert claim.version == base + 1
    winner = editors[results.index("ok")]
    assert claim.text == f"Edited by {winner.username}"
    assert claim.history.count() == history_before + 1
    latest = claim.history.order_by("-history_id").first()
    assert latest.text == claim.text and latest.history_user_id == winner.pk
    assert (
        AuditEntry.objects.filter(claim=claim, action=AuditEntry.Action.CLAIM_EDITED).count() == 1
    )
    assert Claim.objects.filter(pk=claim.pk).count() == 1
