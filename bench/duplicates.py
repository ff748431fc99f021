"""Duplicate search benchmark (issue 13, point 3): `selectors.duplicates.similar_claims` on a
map of 10,000 claims against its target (≤ 300 ms), and the moderators' `likely_duplicates`.

Prints, like bench/suite.py, the median of repeated runs, the floor (the debate's texts read
with one raw SQL query and dumped with `json.dumps`, in the same run) and their ratio, on
whichever database DATABASE_URL names (pg_trgm on PostgreSQL, rapidfuzz on SQLite).

    python bench/duplicates.py                     # SQLite file in the temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crux_bench_dup python bench/duplicates.py

Standalone, it uses its own database (created if missing on PostgreSQL) and keeps the map
there between runs. `run(say)` is for bench/suite.py, with Django set up on the suite's
database: the map is built inside a transaction that is rolled back afterwards, so the
suite's cached datasets are left as they were.

Environment:
    DATABASE_URL      default: sqlite file $TMPDIR/crux_bench_duplicates.sqlite3
    BENCH_DUP_SIZE    claims in the map (default 10000)
    BENCH_RUNS        repetitions per measurement (default 7)
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZE = int(os.environ.get("BENCH_DUP_SIZE", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
TARGET_MS = 300
PENDING = 50  # proposals waiting for review, a third of them near copies
DATASET_VERSION = 2  # raised when the map built changes
SLUG = f"bench-duplicates-{SIZE}-v{DATASET_VERSION}"

# A vocabulary wide enough that claims differ as real ones do (a map's claims share a topic,
# not every word).
SUBJECTS = """towns rivers barges farmers mills harbours floods tolls roads bridges canals
ferries merchants guilds markets ports dams weirs fisheries wharves railways tariffs wages
prices taxes councils schools families children workers sailors builders bankers lenders
insurers engineers surveyors courts laws charters treaties kings bishops monks abbeys
villages cities regions valleys deltas estuaries marshes meadows forests quarries mines
granaries warehouses inns bakeries breweries tanneries dyers weavers spinners potters
smiths carpenters masons""".split()
VERBS = """raise lower protect destroy enrich impoverish attract repel feed drown connect divide
shape limit favour harm encourage discourage speed slow cheapen double halve spread
concentrate secure threaten tax subsidise regulate free employ displace supply drain
irrigate flood shelter expose""".split()
OBJECTS = """trade grain wool timber salt fish cloth wine iron coal stone bread beer leather
cattle horses passengers pilgrims soldiers news ideas disease fires rents profits debts
savings harvests yields exports imports wages prices markets fairs crafts skills labour
capital credit houses streets walls gates docks locks sluices""".split()
LINKS = ("because", "since", "as", "while", "unless", "so that", "even though", "whenever")
PLACES = ("in the north", "in the south", "upstream", "downstream", "on the coast", "inland")


def clause(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"


def claim_text(rng: random.Random) -> str:
    text = clause(rng)
    if rng.random() < 0.6:
        text += f" {rng.choice(('and', 'or', 'but not'))} {rng.choice(OBJECTS)}"
    if rng.random() < 0.7:
        text += f" {rng.choice(LINKS)} {clause(rng)}"
    if rng.random() < 0.4:
        text += f", {rng.choice(PLACES)} after {rng.randint(1100, 1900)}"
    return text.capitalize() + "."


def near_copy(rng: random.Random, text: str) -> str:
    """A classmate's version of `text`: a word dropped, two swapped, another ending."""
    words = text.rstrip(".").split()
    if len(words) > 4:
        del words[rng.randrange(1, len(words))]
        i = rng.randrange(0, len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words) + ("!" if rng.random() < 0.5 else ".")


def _setup_standalone() -> None:
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.gettempdir()) / "crux_bench_duplicates.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    os.environ.setdefault("CONN_MAX_AGE", "0")
    import dj_database_url

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    if "postgres" in cfg["ENGINE"]:
        import psycopg

        with psycopg.connect(
            host=cfg["HOST"] or None,
            port=cfg["PORT"] or None,
            user=cfg["USER"] or None,
            password=cfg["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
            ).fetchone():
                conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_dataset():
    """The benchmark's map: `SIZE` published claims (issues, positions, layers of arguments)
    with varied texts, and `PENDING` proposals by a student, a third of them near copies of
    published claims. Bulk inserts: a few seconds. Returns (debate, owner, student)."""
    from accounts.models import User
    from debates.models import Claim, Debate, Membership

    owner, _ = User.objects.get_or_create(username="bench-dup-owner")
    student, _ = User.objects.get_or_create(username="bench-dup-student")
    debate = Debate.objects.filter(slug=SLUG).first()
    if debate is not None and debate.claims.count() == SIZE + PENDING:
        return debate, owner, student
    # An older or interrupted build goes first.
    for stale in Debate.objects.filter(slug__startswith="bench-duplicates-"):
        stale.delete()
    rng = random.Random(SIZE)
    debate = Debate.objects.create(
        title=f"Duplicate search on {SIZE:,} claims",
        slug=SLUG,
        owner=owner,
        visibility=Debate.Visibility.PUBLIC,
        contribution_mode=Debate.Mode.REVIEWED,
    )
    Membership.objects.create(user=student, debate=debate, role=Membership.Role.VIEWER)

    def claim(parent, kind, relation, text, status="published", author=owner, order=0):
        return Claim(
            debate=debate,
            kind=kind,
            parent=parent,
            relation=relation,
            text=text,
            author=author,
            status=status,
            order=order,
        )

    issues = Claim.objects.bulk_create(
        claim(None, "issue", "", f"Should {rng.choice(SUBJECTS)} be near the river? ({i})")
        for i in range(max(1, SIZE // 1000))
    )
    made = list(issues)
    layer = Claim.objects.bulk_create(
        claim(issues[i % len(issues)], "position", "answers", claim_text(rng), order=i)
        for i in range(min(SIZE - len(made), 3 * len(issues)))
    )
    made += layer
    while len(made) < SIZE:
        count = min(SIZE - len(made), 3 * len(layer))
        layer = Claim.objects.bulk_create(
            claim(
                layer[i % len(layer)],
                "argument",
                ("supports", "opposes")[i % 2],
                claim_text(rng),
                order=i,
            )
            for i in range(count)
        )
        made += layer
    arguments = [c for c in made if c.kind == "argument"]
    # A near copy remembers its original in `order` (unused by proposals), for the report.
    Claim.objects.bulk_create(
        claim(
            original.parent,
            "argument",
            original.relation,
            near_copy(rng, original.text) if i % 3 == 0 else claim_text(rng),
            status="proposed",
            author=student,
            order=original.pk if i % 3 == 0 else 0,
        )
        for i, original in enumerate(rng.sample(arguments, PENDING))
    )
    return debate, owner, student


def _timed(fn, runs: int) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


FLOOR_SQL = (
    "SELECT id, text FROM debates_claim WHERE debate_id = %s AND status = %s AND deleted_at IS NULL"
)


def measure(say, runs: int = RUNS) -> None:
    from django.db import connection

    from debates.models import Claim
    from debates.selectors.duplicates import likely_duplicates, similar_claims

    debate, owner, student = ensure_dataset()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE debates_claim")
    rng = random.Random(7)
    published = list(
        Claim.objects.filter(debate=debate, status="published", kind="argument")
        .order_by("pk")
        .values_list("text", flat=True)
    )
    originals = [(text, near_copy(rng, text)) for text in rng.sample(published, runs + 1)]
    queries = {
        "a near copy": [copy for _, copy in originals],
        "a new claim": [claim_text(rng) for _ in range(runs + 1)],
        "half typed": [" ".join(rng.choice(published).split()[:4]) for _ in range(runs + 1)],
    }

    def floor() -> str:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [debate.pk, "published"])
            rows = [{"id": r[0], "text": r[1]} for r in cursor.fetchall()]
        return json.dumps(rows)

    floor_ms = statistics.median(_timed(floor, runs))
    say(
        f"## Duplicate search on the {SIZE:,}-claim map ({connection.vendor}; median of "
        f"{runs} runs; times in ms)"
    )
    say()
    say("| measurement | median ms | floor ms | ratio | target | met |")
    say("|---|---|---|---|---|---|")
    every: list[float] = []
    rows = []
    found_first = 0
    for name, texts in queries.items():
        pending = iter(texts)

        def search(pending=pending):
            student.__dict__.pop("_crux_roles", None)  # one request: its role read afresh
            return similar_claims(debate=debate, text=next(pending), viewer=student)

        samples = _timed(search, runs)
        every += samples
        rows.append((name, statistics.median(samples)))
    for original, text in originals:
        student.__dict__.pop("_crux_roles", None)
        found = similar_claims(debate=debate, text=text, viewer=student, limit=1)
        found_first += bool(found) and found[0][0].text == original
    median = statistics.median(every)
    met = "met" if median <= TARGET_MS else "NOT met"
    say(
        f"| duplicate search, {SIZE:,} claims | {median:,.1f} | {floor_ms:,.1f} "
        f"| {median / floor_ms:.1f}× | ≤ {TARGET_MS} ms | {met} |"
    )
    for name, ms in rows:
        say(f"| … {name} | {ms:,.1f} | {floor_ms:,.1f} | {ms / floor_ms:.1f}× | — | — |")
    likely_ms = statistics.median(_timed(lambda: likely_duplicates(debate=debate), runs))
    pairs = likely_duplicates(debate=debate)
    say(
        f"| likely duplicates, {PENDING} pending × {SIZE:,} | {likely_ms:,.1f} | {floor_ms:,.1f} "
        f"| {likely_ms / floor_ms:.1f}× | — | — |"
    )
    say()
    copies = Claim.objects.filter(debate=debate, status="proposed").exclude(order=0).count()
    paired = {p.claim.pk for p in pairs if p.target.pk == p.claim.order}
    others = {p.claim.pk for p in pairs if not p.claim.order}
    say(
        f"A near copy (a word dropped, two swapped) found its original first in {found_first} "
        f"of {len(originals)} searches. The moderators' list paired {len(paired)} of the {copies} "
        f"near-copy proposals with their originals, and {len(others)} of the other "
        f"{PENDING - copies} proposals with some claim."
    )
    say()


def run(say, runs: int = RUNS) -> None:
    """For bench/suite.py (Django set up on its database): measure on a map built inside a
    transaction that is rolled back, leaving the suite's datasets as they were."""
    from django.db import transaction

    with transaction.atomic():
        measure(say, runs)
        transaction.set_rollback(True)


if __name__ == "__main__":
    started = time.perf_counter()
    _setup_standalone()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    measure(lambda line="": print(line, flush=True))
    print(f"(whole run {time.perf_counter() - started:.0f} s)")
