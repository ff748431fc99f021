"""Crux benchmark suite (issue 9, point 6): a benchmark that prints, not a timed test.

Builds its datasets through the services (`debates.services`) in its OWN database, caches
them there between runs (keyed by DATASET_VERSION), then measures the pages in-process with
django.test.Client and prints, for each measurement, the median of repeated runs, the
floor (the same rows fetched with one raw SQL query and dumped with `json.dumps`, measured
in the same run), the ratio, the SQL query count, the response size and the target.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crux_bench python bench/suite.py
    python bench/suite.py                      # SQLite file in the temp dir
    BENCH_SIZES=1000,5000 python bench/suite.py  # a quicker curve

Environment:
    DATABASE_URL     the benchmark's own database (created if missing on PostgreSQL);
                     default: sqlite file $TMPDIR/crux_bench.sqlite3
    BENCH_SIZES      map sizes for the growth curve (default 1000,5000,10000,20000)
    BENCH_MAIN       the map the detailed table uses (default 10000)
    BENCH_RUNS       repetitions per measurement (default 7)
    BENCH_SERVICE_LIMIT  claims per map built one by one through services.claim_add; the
                     rest of a bigger map is bulk-inserted (default: no limit)
    BENCH_REBUILD=1  drop the cached datasets and build again
    BENCH_WRITE_DOC=path  also write the report (markdown) there
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
sys.path.insert(0, str(ROOT))

DATASET_VERSION = "bench-v1"
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,5000,10000,20000").split(",") if n]
MAIN = int(os.environ.get("BENCH_MAIN", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
SERVICE_LIMIT = int(os.environ.get("BENCH_SERVICE_LIMIT", "0")) or None
PARAGRAPHS = 200
NOTE_COUNTS = tuple(int(n) for n in os.environ.get("BENCH_NOTES", "50,5000").split(","))
PROPOSALS = int(os.environ.get("BENCH_PROPOSALS", "1000"))
SPINE = 14  # a chain of arguments this long under the first position: depth >= 16

if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / 'crux_bench.sqlite3'}"
# config.test_settings is config.settings (+ DATABASE_URL) with a throwaway SECRET_KEY, no SSL
# redirect and plain static storage (no collectstatic), which a benchmark needs too.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
# 1,000 proposals by 20 viewers: lift the per-person daily pending limit (20 by default).
os.environ.setdefault("CRUX_MAX_PENDING_PER_DAY", "0")
os.environ.setdefault("CONN_MAX_AGE", "0")


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database if it does not exist yet."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    if "postgres" not in cfg["ENGINE"]:
        return
    with psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


ensure_postgres_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from config.startup import settle  # noqa: E402
from debates import selectors, services  # noqa: E402
from debates.models import Claim, Debate, Evidence, Source  # noqa: E402

WORDS = (
    "trade tariffs growth wages jobs prices imports exports industry farmers workers "
    "consumers inflation subsidy market policy evidence study data region climate energy "
    "emissions cost benefit risk health schools housing transport tax budget debt savings "
    "innovation competition regulation safety privacy security education research"
).split()


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return (" ".join(words)).capitalize() + "."


# --------------------------------------------------------------------------- bookkeeping
def manifest() -> Debate | None:
    return Debate.objects.filter(slug="bench-manifest").first()


def manifest_data() -> dict:
    m = manifest()
    if m is None:
        return {}
    try:
        return json.loads(m.description)
    except ValueError:
        return {}


def manifest_record(owner, name: str, info: dict) -> None:
    data = manifest_data()
    data["version"] = DATASET_VERSION
    data.setdefault("built", {})[name] = info
    Debate.objects.update_or_create(
        slug="bench-manifest",
        defaults={"title": "bench manifest", "owner": owner, "description": json.dumps(data)},
    )


def user(name: str, **fields) -> User:
    found, _ = User.objects.get_or_create(username=name, defaults=fields)
    return found


# --------------------------------------------------------------------------- datasets
def source_text(rng: random.Random, title: str) -> str:
    parts = [f"# {title}", ""]
    for i in range(PARAGRAPHS):
        if i % 25 == 0:
            parts += [f"## Section {i // 25 + 1}", ""]
        parts += [" ".join(sentence(rng, rng.randint(10, 18)) for _ in range(4)), ""]
    return "\n".join(parts)


def build_source(owner, notes: int, noters: list[User]) -> tuple[Source, dict]:
    """A 200-paragraph public source with `notes` public notes (a tenth of them replies)."""
    rng = random.Random(notes)
    started = time.perf_counter()
    title = f"Bench source with {notes} notes"
    source = services.source_import(
        actor=owner, text=source_text(rng, title), title=title, visibility="public"
    )
    text = source.current_revision.text
    paragraphs = [p for p in source.passages.select_related("anchor") if p.kind == "paragraph"]
    roots = []
    for i in range(notes):
        if roots and i % 10 == 9:
            services.annotation_reply(
                actor=noters[i % len(noters)], parent=rng.choice(roots), body=sentence(rng, 12)
            )
            continue
        anchor = paragraphs[i % len(paragraphs)].anchor
        start = rng.randrange(anchor.start, max(anchor.start + 1, anchor.end - 40))
        end = min(anchor.end, start + rng.randint(8, 40))
        while end > start + 1 and text[end - 1] == " ":
            end -= 1
        if text[start] == " ":
            start += 1
        note = services.annotation_create(
            actor=noters[i % len(noters)],
            source=source,
            start=start,
            end=end,
            body=f"{sentence(rng, 15)} **{rng.choice(WORDS)}** {sentence(rng, 8)}",
            tags=[rng.choice(WORDS)] if i % 3 == 0 else (),
            visibility="public",
        )
        roots.append(note)
    secs = time.perf_counter() - started
    return source, {"pk": source.pk, "seconds": round(secs, 1), "notes": notes}


def build_map(owner, size: int, source: Source) -> dict:
    """A published map of `size` claims through the services: a few issues, three positions
    each, a 14-argument chain under the first position (depth >= 16), then layers of
    arguments (two replies each), 1 % cross-links, evidence on half the arguments."""
    rng = random.Random(size)
    started = time.perf_counter()
    passages = list(source.passages.filter(kind="paragraph"))
    debate = services.debate_create(
        actor=owner,
        title=f"Bench map of {size:,} claims",
        slug=f"bench-{size}",
        visibility="public",
        contribution_mode="reviewed",
        sources=[source],
    )
    by_service = 0
    made: list[tuple[Claim, int]] = []  # (claim, depth)

    def add(parent: Claim | None, depth: int, stance: str = "") -> Claim:
        nonlocal by_service
        claim = services.claim_add(
            actor=owner, debate=debate, parent=parent, stance=stance, text=sentence(rng, 14)
        )
        by_service += 1
        made.append((claim, depth))
        return claim

    issues = [add(None, 1) for _ in range(max(1, size // 2000))]
    positions = [add(issue, 2) for issue in issues for _ in range(3)]
    parent = positions[0]
    deep = parent
    for i in range(SPINE):
        deep = add(parent, 3 + i, "supports" if i % 2 == 0 else "opposes")
        parent = deep
    layer: list[tuple[Claim, int]] = [(p, 2) for p in positions]
    bulk_rows = 0
    while len(made) < size:
        nxt: list[tuple[Claim, int]] = []
        for i in range(2 * len(layer)):
            if len(made) >= size:
                break
            p, d = layer[i % len(layer)]
            stance = ("supports", "opposes", "undercuts")[i % 3 if i % 7 == 0 else i % 2]
            if SERVICE_LIMIT is None or len(made) < SERVICE_LIMIT:
                c = add(p, d + 1, stance)
            else:  # bulk, for the part beyond BENCH_SERVICE_LIMIT
                c = Claim(
                    debate=debate,
                    kind="argument",
                    parent=p,
                    relation=stance,
                    text=sentence(rng, 14),
                    author=owner,
                    status="published",
                    order=i,
                )
                made.append((c, d + 1))
                bulk_rows += 1
            nxt.append((c, d + 1))
        pending = [c for c, _ in nxt if c.pk is None]
        if pending:
            Claim.objects.bulk_create(pending)
        layer = nxt
    arguments = [(c, d) for c, d in made if c.kind == "argument"]
    # Evidence on every other argument.
    bulk_evidence = []
    for n, (c, _) in enumerate(arguments[::2]):
        passage = passages[n % len(passages)]
        if SERVICE_LIMIT is None or n < SERVICE_LIMIT // 2:
            services.evidence_attach(actor=owner, claim=c, passage=passage)
        else:
            bulk_evidence.append(
                Evidence(claim=c, passage=passage, author=owner, status="published")
            )
    Evidence.objects.bulk_create(bulk_evidence)
    # 1 % cross-links: a deep argument also stands under a shallower argument of another issue.
    shallow = [(c, d) for c, d in arguments if d <= 4]
    links = 0
    for c, d in rng.sample(arguments, k=min(len(arguments), size // 100)):
        choices = [(p, pd) for p, pd in shallow if pd < d and p.pk != c.parent_id]
        if not choices:
            continue
        p, _ = rng.choice(choices)
        try:
            services.claim_link(actor=owner, claim=c, parent=p, stance="supports")
            links += 1
        except Exception:  # noqa: BLE001, S112 - a refused link (cycle, duplicate) is skipped
            continue
    secs = time.perf_counter() - started
    depth = max(d for _, d in made)
    # A claim with many replies below it, at depth 3: the subtree fragment's claim.
    first_layer = [c for c, d in made if d == 3 and c.parent_id != positions[0].pk]
    return {
        "slug": debate.slug,
        "seconds": round(secs, 1),
        "claims": len(made),
        "by_service": by_service,
        "bulk": bulk_rows,
        "bulk_evidence": len(bulk_evidence),
        "evidence": len(arguments[::2]),
        "links": links,
        "depth": depth,
        "deep_pk": deep.pk,
        "deep_depth": 2 + SPINE,
        "subtree_pk": (first_layer or [positions[0]])[0].pk,
    }


def build_queue(owner, viewers: list[User]) -> dict:
    """A reviewed debate of 50 published claims and 1,000 proposals by 20 viewers."""
    rng = random.Random(7)
    started = time.perf_counter()
    debate = services.debate_create(
        actor=owner, title="Bench moderation queue", slug="bench-queue", visibility="public"
    )
    issue = services.claim_add(actor=owner, debate=debate, text="Queue issue?")
    published = [issue] + [
        services.claim_add(actor=owner, debate=debate, parent=issue, text=sentence(rng, 10))
        for _ in range(49)
    ]
    for v in viewers:
        services.member_set(debate=debate, actor=owner, user=v, role="viewer")
    for i in range(PROPOSALS):
        parent = published[1 + i % 49]
        services.claim_add(
            actor=viewers[i % len(viewers)],
            debate=debate,
            parent=parent,
            stance="supports" if i % 2 else "opposes",
            text=sentence(rng, 14),
        )
    return {"slug": debate.slug, "seconds": round(time.perf_counter() - started, 1)}


def ensure_datasets() -> dict:
    call_command("migrate", verbosity=0, interactive=False)
    data = manifest_data()
    if os.environ.get("BENCH_REBUILD") == "1" or (data and data.get("version") != DATASET_VERSION):
        print("dropping the cached datasets (rebuild or new version)", flush=True)
        call_command("flush", verbosity=0, interactive=False)
        data = {}
    built = data.get("built", {})
    expected = {f"map-{n}" for n in SIZES} | {f"source-{n}" for n in NOTE_COUNTS} | {"queue"}
    # Rows of a dataset that is not in the manifest: an interrupted build. Start over.
    partial = (
        Debate.objects.exclude(slug="bench-manifest")
        .exclude(slug__in=[v["slug"] for v in built.values() if "slug" in v])
        .exists()
        or Source.objects.exclude(pk__in=[v["pk"] for v in built.values() if "pk" in v]).exists()
    )
    if partial:
        print("an interrupted build left rows behind: flushing and building again", flush=True)
        call_command("flush", verbosity=0, interactive=False)
        built = {}
    owner = user("bench-owner", email="owner@bench.invalid")
    noters = [user(f"bench-noter-{i}") for i in range(10)]
    viewers = [user(f"bench-viewer-{i}") for i in range(20)]
    for n in NOTE_COUNTS:
        name = f"source-{n}"
        if name not in built:
            print(f"building {name} through the services…", flush=True)
            _, info = build_source(owner, n, noters)
            manifest_record(owner, name, info)
            built[name] = info
            print(f"  {info}", flush=True)
    source = Source.objects.get(pk=built[f"source-{min(NOTE_COUNTS)}"]["pk"])
    for n in sorted(SIZES):
        name = f"map-{n}"
        if name not in built:
            print(f"building {name} through the services…", flush=True)
            info = build_map(owner, n, source)
            manifest_record(owner, name, info)
            built[name] = info
            print(f"  {info}", flush=True)
    if "queue" not in built:
        print("building the moderation queue through the services…", flush=True)
        info = build_queue(owner, viewers)
        manifest_record(owner, "queue", info)
        built["queue"] = info
        print(f"  {info}", flush=True)
    missing = expected - set(built)
    assert not missing, missing
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would have them on a live site a while after a
        # bulk build; a plan made from empty-table estimates is not the one users get.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return built


# --------------------------------------------------------------------------- measuring
def timed(fn, runs: int) -> tuple[float, object]:
    fn()  # warm-up (template and URL caches, connection)
    samples = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, result


def floor_of(sql: str, params: list, runs: int) -> float:
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cols = [c[0] for c in cursor.description]
            rows = [dict(zip(cols, r, strict=True)) for r in cursor.fetchall()]
        return json.dumps(rows, default=str)

    ms, _ = timed(run, runs)
    return ms


MAP_SQL = """
SELECT c.id, c.parent_id, c.kind, c.relation, c.text, c.status, c."order", u.username,
       (SELECT COUNT(*) FROM debates_evidence e WHERE e.claim_id = c.id) AS evidence
FROM debates_claim c JOIN accounts_user u ON u.id = c.author_id
WHERE c.debate_id = %s AND c.deleted_at IS NULL ORDER BY c.parent_id, c."order"
"""
PATH_SQL = """
WITH RECURSIVE up(id) AS (
  SELECT id FROM debates_claim WHERE id = %s UNION ALL
  SELECT c.parent_id FROM debates_claim c JOIN up ON c.id = up.id WHERE c.parent_id IS NOT NULL)
SELECT c.id, c.parent_id, c.kind, c.relation, c.text, c.status, u.username
FROM debates_claim c JOIN accounts_user u ON u.id = c.author_id
WHERE c.id IN (SELECT id FROM up) OR c.parent_id = %s
"""
SUBTREE_SQL = """
WITH RECURSIVE down(id, depth) AS (
  SELECT id, 0 FROM debates_claim WHERE id = %s UNION ALL
  SELECT c.id, d.depth + 1 FROM debates_claim c JOIN down d ON c.parent_id = d.id)
SELECT c.id, c.parent_id, c.kind, c.relation, c.text, c.status, u.username
FROM down d JOIN debates_claim c ON c.id = d.id JOIN accounts_user u ON u.id = c.author_id
ORDER BY d.depth, c."order" LIMIT 100
"""
NOTES_SQL = """
SELECT a.id, a.parent_id, a.body, a.visibility, an.start, an."end", an.exact, u.username,
       CASE WHEN ROW_NUMBER() OVER (ORDER BY an.start, an."end", a.id) = 1
            THEN r.text END AS revision_text
FROM debates_annotation a JOIN debates_anchor an ON an.id = a.anchor_id
JOIN accounts_user u ON u.id = a.author_id
JOIN debates_sourcerevision r ON r.id = an.revision_id
WHERE an.source_id = %s AND a.deleted_at IS NULL ORDER BY an.start, an."end"
"""
W3C_SQL = """
SELECT a.id, a.body, a.motivation, a.created_at, an.start, an."end", an.exact, an.prefix,
       an.suffix, u.username
FROM debates_annotation a JOIN debates_anchor an ON an.id = a.anchor_id
JOIN accounts_user u ON u.id = a.author_id
WHERE an.source_id = %s AND a.deleted_at IS NULL ORDER BY an.start, an."end" LIMIT 50
"""
SEARCH_SQL = """
SELECT c.id, c.text, c.debate_id FROM debates_claim c
WHERE LOWER(c.text) LIKE %s AND c.deleted_at IS NULL ORDER BY c.id DESC LIMIT 20
"""
QUEUE_SQL = """
SELECT c.id, c.text, c.relation, c.created_at, p.text AS parent_text, u.username
FROM debates_claim c JOIN accounts_user u ON u.id = c.author_id
LEFT JOIN debates_claim p ON p.id = c.parent_id
WHERE c.debate_id = %s AND c.status = 'proposed' ORDER BY c.created_at
"""


def map_json(debate: Debate, viewer) -> str:
    """The app-side "map JSON": `selectors.debate_map` serialised, a dict per node (there
    is no JSON API for maps yet)."""
    the_map = selectors.debate_map(debate=debate, viewer=viewer)
    nodes = []
    for node in the_map.nodes.values():
        c = node.claim
        nodes.append(
            {
                "id": c.pk,
                "parent": c.parent_id,
                "kind": c.kind,
                "relation": c.relation,
                "text": c.text,
                "status": c.status,
                "evidence": getattr(c, "evidence_count", 0),
                "children": [child.claim.pk for child in node.children],
                "links": [link.claim_id for link in node.links],
            }
        )
    return json.dumps({"debate": debate.slug, "nodes": nodes})


class Bench:
    def __init__(self, client: Client, runs: int):
        self.client = client
        self.runs = runs
        self.rows: list[dict] = []

    def page(self, url: str, *, headers=None, runs=None) -> tuple[float, int, int]:
        headers = headers or {}

        def get():
            response = self.client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code)
            return response

        ms, response = timed(get, runs or self.runs)
        with CaptureQueriesContext(connection) as queries:
            get()
        return ms, len(queries), len(response.content)

    def add(self, name, ms, floor, queries, size, target="", ok=None):
        row = {
            "name": name,
            "ms": ms,
            "floor": floor,
            "ratio": ms / floor if floor else None,
            "queries": queries,
            "bytes": size,
            "target": target,
            "met": "" if ok is None else ("met" if ok else "NOT met"),
        }
        self.rows.append(row)
        print(fmt_row(row, self.runs), flush=True)
        return row


def fmt_row(row: dict, runs: int) -> str:
    ratio = f"{row['ratio']:.1f}×" if row["ratio"] else "—"
    q = "—" if row["queries"] is None else str(row["queries"])
    size = "—" if not row["bytes"] else f"{row['bytes'] / 1024:,.0f} KB"
    return (
        f"| {row['name']} | {row['ms']:,.1f} | {row['floor']:,.1f} | {ratio} | {q} | {size} "
        f"| {row['target'] or '—'} | {row['met'] or '—'} |"
    )


def main() -> None:
    setup_test_environment()
    built = ensure_datasets()
    # As a serving process does after loading the app (config/wsgi.py, config/asgi.py):
    # views and base templates loaded, startup objects frozen out of the cycle collector.
    settle()
    owner = User.objects.get(username="bench-owner")
    client = Client()
    client.force_login(owner)
    bench = Bench(client, RUNS)
    out: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        out.append(line)

    say(f"engine: {connection.vendor}; median of {RUNS} runs after one warm-up; times in ms")
    say()
    say("## Build times (through the services unless noted)")
    say()
    say("| dataset | seconds | detail |")
    say("|---|---|---|")
    for name, info in built.items():
        detail = ", ".join(f"{k}={v}" for k, v in info.items() if k not in ("seconds", "pk"))
        say(f"| {name} | {info['seconds']} | {detail} |")
    say()

    main_info = built[f"map-{MAIN}"]
    debate = Debate.objects.get(slug=main_info["slug"])
    header = "| measurement | median ms | floor ms | ratio | queries | size | target | met |"
    say(f"## Pages on the {MAIN:,}-claim map and the sources (median of {RUNS} runs)")
    say()
    say(header)
    say("|---|---|---|---|---|---|---|---|")
    start = len(bench.rows)

    map_floor = floor_of(MAP_SQL, [debate.pk], RUNS)
    ms, q, size = bench.page(debate.get_absolute_url())
    bench.add(f"map page, first render ({MAIN:,})", ms, map_floor, q, size, "≤ 300 ms", ms <= 300)
    ms, payload = timed(lambda: map_json(debate, owner), RUNS)
    with CaptureQueriesContext(connection) as queries:
        map_json(debate, owner)
    bench.add(
        "map JSON (debate_map → json.dumps)",
        ms,
        map_floor,
        len(queries),
        len(payload),
        "≤ 3× floor",
        ms <= 3 * map_floor,
    )

    deep_pk = main_info["deep_pk"]
    url = reverse("debates:claim", args=[debate.slug, deep_pk])
    ms, q, size = bench.page(url)
    floor = floor_of(PATH_SQL, [deep_pk, deep_pk], RUNS)
    bench.add(
        f"claim page, depth {main_info['deep_depth']}", ms, floor, q, size, "≤ 50 ms", ms <= 50
    )

    sub_pk = main_info["subtree_pk"]
    url = reverse("debates:map_subtree", args=[debate.slug, sub_pk]) + "?level=3"
    ms, q, size = bench.page(url, headers={"HX-Request": "true"})
    floor = floor_of(SUBTREE_SQL, [sub_pk], RUNS)
    bench.add("subtree fragment (depth 3)", ms, floor, q, size, "≤ 50 ms", ms <= 50)

    svg_runs = max(3, RUNS // 2)
    ms, q, size = bench.page(reverse("debates:graph_svg", args=[debate.slug]), runs=svg_runs)
    bench.add(f"SVG ({svg_runs} runs)", ms, map_floor, q, size)
    ms, q, size = bench.page(reverse("debates:balance", args=[debate.slug]), runs=svg_runs)
    bench.add(f"balance ({svg_runs} runs)", ms, map_floor, q, size)

    for n in NOTE_COUNTS:
        pk = built[f"source-{n}"]["pk"]
        ms, q, size = bench.page(reverse("debates:source", args=[pk]))
        floor = floor_of(NOTES_SQL, [pk], RUNS)
        target, ok = ("≤ 300 ms", ms <= 300) if n == max(NOTE_COUNTS) else ("", None)
        bench.add(f"reader, {n:,} notes", ms, floor, q, size, target, ok)
    # The same reader for a signed-in person who is a member of no debate: no cite form
    # listing every claim of the owner's maps (the owner's row above has one).
    outsider = Client()
    outsider.force_login(User.objects.get(username="bench-noter-0"))
    plain = Bench(outsider, RUNS)
    for n in NOTE_COUNTS:
        pk = built[f"source-{n}"]["pk"]
        ms, q, size = plain.page(reverse("debates:source", args=[pk]))
        floor = floor_of(NOTES_SQL, [pk], RUNS)
        target, ok = ("≤ 300 ms", ms <= 300) if n == max(NOTE_COUNTS) else ("", None)
        row = plain.add(f"reader, {n:,} notes, non-member", ms, floor, q, size, target, ok)
        bench.rows.append(row)

    pk = built[f"source-{max(NOTE_COUNTS)}"]["pk"]
    ms, q, size = bench.page(
        reverse("debates:w3c_container", args=[pk]), headers={"Accept": "application/ld+json"}
    )
    bench.add(
        f"W3C container ({max(NOTE_COUNTS):,} notes)", ms, floor_of(W3C_SQL, [pk], RUNS), q, size
    )

    ms, q, size = bench.page(reverse("debates:search") + "?q=trade")
    bench.add("search “trade”", ms, floor_of(SEARCH_SQL, ["%trade%"], RUNS), q, size)

    queue = Debate.objects.get(slug="bench-queue")
    ms, q, size = bench.page(reverse("debates:queue", args=[queue.slug]))
    floor = floor_of(QUEUE_SQL, [queue.pk], RUNS)
    bench.add(f"moderation queue, {PROPOSALS:,} proposals", ms, floor, q, size)
    for row in bench.rows[start:]:
        out.append(fmt_row(row, RUNS))
    say()

    say("## Growth with map size (the same pages on each map)")
    say()
    say(
        "| claims | map page ms | ms per 1k claims | queries | map floor ms | ratio "
        "| claim page ms | q | subtree ms | q |"
    )
    say("|---|---|---|---|---|---|---|---|---|---|")
    curve = []
    for n in sorted(SIZES):
        info = built[f"map-{n}"]
        d = Debate.objects.get(slug=info["slug"])
        floor = floor_of(MAP_SQL, [d.pk], RUNS)
        ms, q, _ = bench.page(d.get_absolute_url())
        cms, cq, _ = bench.page(reverse("debates:claim", args=[d.slug, info["deep_pk"]]))
        url = reverse("debates:map_subtree", args=[d.slug, info["subtree_pk"]]) + "?level=3"
        sms, sq, _ = bench.page(url, headers={"HX-Request": "true"})
        curve.append((n, ms, q))
        say(
            f"| {n:,} | {ms:,.1f} | {ms / (n / 1000):,.1f} | {q} | {floor:,.1f} "
            f"| {ms / floor:.1f}× | {cms:,.1f} | {cq} | {sms:,.1f} | {sq} |"
        )
    if len(curve) >= 2:
        (n0, t0, _), (n1, t1, _) = curve[0], curve[-1]
        slope = (t1 - t0) / ((n1 - n0) / 1000)
        say()
        say(
            f"Map page: {t0:,.0f} ms at {n0:,} → {t1:,.0f} ms at {n1:,} claims: about "
            f"{slope:,.1f} ms per extra 1k claims; time ratio {t1 / t0:.1f}× for "
            f"{n1 / n0:.0f}× the claims ({'no worse than' if t1 / t0 <= n1 / n0 else 'WORSE than'}"
            f" linear); queries {'the same' if len({c[2] for c in curve}) == 1 else 'VARY'} "
            f"at every size ({', '.join(str(c[2]) for c in curve)})."
        )
    interchange_section(built, owner, say)
    reasoning_section(built, owner, say)
    connection.close()
    doc = os.environ.get("BENCH_WRITE_DOC")
    if doc:
        Path(doc).write_text("\n".join(out) + "\n")


def reasoning_section(built: dict, owner, say) -> None:
    """Issue 13: the labels and scores of the main map recomputed after a change (the
    selector's three queries plus the pure functions), and the pure functions alone."""
    from debates import reasoning
    from debates.selectors import reasoning as reasoning_reads

    info = built[f"map-{MAIN}"]
    debate = Debate.objects.get(slug=info["slug"])
    runs = RUNS
    floor = floor_of(MAP_SQL, [debate.pk], runs)
    say(f"## Reasoning: labels and scores of the {MAIN:,}-claim map (median of {runs} runs)")
    say()
    say("| measurement | median ms | floor ms | ratio | target | met |")
    say("|---|---|---|---|---|---|")
    ms, result = timed(lambda: reasoning_reads._compute(debate, owner, True), runs)
    say(
        f"| recompute after a change (read + grounded + DF-QuAD) | {ms:,.1f} | {floor:,.1f} "
        f"| {ms / floor:.1f}× | ≤ 100 ms | {'met' if ms <= 100 else 'NOT met'} |"
    )
    rows = list(
        Claim.objects.filter(debate=debate).published().values_list("pk", "parent_id", "relation")
    )
    graph = reasoning.Graph.build(rows)
    ms, _ = timed(lambda: (reasoning.grounded(graph), reasoning.df_quad(graph)), runs)
    say(
        f"| grounded labels + DF-QuAD scores alone, collector on ({len(rows):,} claims) "
        f"| {ms:,.1f} | — | — | — | — |"
    )
    labels = set(result.verdicts.labels.values())
    say()
    say(f"Labels found on this map: {', '.join(sorted(labels))}.")
    say()
    try:
        from bench import duplicates
    except ImportError:
        return
    duplicates.run(say)


class _RollBack(Exception):
    """Undo a measured import, so every run starts from the same database."""


def interchange_section(built: dict, owner, say) -> None:
    """Issue 12, point 5: export and import of the biggest map (AIF and Kialo), times
    against their targets, import peak memory (tracemalloc, a separate run)."""
    import tracemalloc

    from django.db import transaction

    from debates.selectors import interchange
    from debates.services import imports

    size = max(SIZES)
    debate = Debate.objects.get(slug=built[f"map-{size}"]["slug"])
    runs = max(3, RUNS // 2)
    floor = floor_of(MAP_SQL, [debate.pk], runs)
    say(f"## Interchange: the {size:,}-claim map out and back in (median of {runs} runs)")
    say()
    say("| measurement | median ms | floor ms | ratio | size | peak memory | target | met |")
    say("|---|---|---|---|---|---|---|---|")
    for fmt in ("aif", "kialo"):
        ms, text = timed(
            lambda fmt=fmt: interchange.export_text(format=fmt, debate=debate, viewer=owner), runs
        )
        say(
            f"| export {fmt} | {ms:,.0f} | {floor:,.1f} | {ms / floor:.1f}× "
            f"| {len(text.encode()) / 1024:,.0f} KB | — | ≤ 3,000 ms "
            f"| {'met' if ms <= 3000 else 'NOT met'} |"
        )

        def import_once(fmt=fmt, text=text):
            try:
                with transaction.atomic():
                    doc = imports.map_parse(format=fmt, data=text)
                    imports.map_import(actor=owner, doc=doc)
                    raise _RollBack
            except _RollBack:
                pass

        ms, _ = timed(import_once, runs)
        tracemalloc.start()
        import_once()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        say(
            f"| import {fmt} (parse + write, rolled back) | {ms:,.0f} | — | — "
            f"| {len(text.encode()) / 1024:,.0f} KB | {peak / 1024 / 1024:,.0f} MB | ≤ 10,000 ms "
            f"| {'met' if ms <= 10000 else 'NOT met'} |"
        )
    say()
    say(
        "Peak memory is Python's own allocations during one import (tracemalloc), the file's "
        "text included; it grows with the file, bounded by CRUX_IMPORT_MAX_BYTES."
    )
    say()


if __name__ == "__main__":
    main()
