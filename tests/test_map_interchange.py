"""Maps in and out (issue 12, points 3–5): the importer and exporter behind every format,
the import pages and their background jobs, the downloads and the two commands.

The formats themselves are tested on their own (tests/test_format_*.py); here a document
goes into the database and comes back out, whole or as a subtree, all or nothing.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates.formats import kialo, mapdoc
from debates.formats.mapdoc import (
    ANSWERS,
    ARGUMENT,
    ISSUE,
    OPPOSES,
    POSITION,
    SUPPORTS,
    UNDERCUTS,
    MapClaim,
    MapDoc,
    MapEvidence,
    MapLink,
    MapPassage,
    MapSource,
)
from debates.models import (
    AuditEntry,
    Claim,
    ClaimLink,
    Debate,
    Evidence,
    ImportJob,
    Membership,
    Passage,
    Source,
)
from debates.selectors import interchange
from debates.services import _base, imports

from .factories import UserFactory, build_map

KIALO = """Discussion Title: Should cities charge for congestion?

1. Cities should charge drivers for congestion.
1.1. Pro: Road space is scarce at peak hours.
1.1.1. Con: Scarcity alone does not justify a \\(regressive\\) charge.
1.2. Con: It burdens shift workers.
1.2.1. Pro: -> See 1.1.1.
"""


def counts() -> dict[str, int]:
    models = (Debate, Claim, ClaimLink, Evidence, Source, Passage, Membership, AuditEntry)
    history = (Claim.history.model, Evidence.history.model, ClaimLink.history.model)
    return {m.__name__: m._default_manager.count() for m in (*models, *history)}


def rich_doc() -> MapDoc:
    """An issue, two positions, arguments of every relation, a cross-link, a merged
    restatement and evidence quoting a source."""
    doc = MapDoc(title="Congestion charges", description="From a test file.", format="test")
    doc.claims = [
        MapClaim("i", "Should cities charge for congestion?", ISSUE),
        MapClaim("p1", "Yes, they should.", POSITION, "i", ANSWERS),
        MapClaim("p2", "No, they should not.", POSITION, "i", ANSWERS),
        MapClaim("a1", "Road space is scarce.", ARGUMENT, "p1", SUPPORTS),
        MapClaim("a2", "It burdens shift workers.", ARGUMENT, "p1", OPPOSES),
        MapClaim("a3", "Scarcity is not the point.", ARGUMENT, "a1", UNDERCUTS),
        MapClaim("a4", "Roads are scarce at peak.", ARGUMENT, "p1", SUPPORTS, merged_into="a1"),
    ]
    doc.links = [MapLink("a2", "p2", SUPPORTS)]
    text = "Peak-hour speeds fell by a fifth.\n\nShift workers drive at night."
    doc.sources = [
        MapSource(
            "s",
            "Traffic study",
            text,
            url="https://example.org/study",
            passages=[
                MapPassage("q1", "Peak-hour speeds fell by a fifth."),
                MapPassage("q2", "Shift workers drive at night."),
            ],
        )
    ]
    doc.evidence = [MapEvidence("a1", "q1"), MapEvidence("a2", "q2", OPPOSES, note="night")]
    return mapdoc.check(doc)


# --- the importer ---------------------------------------------------------------------------


def test_limits_agree():
    assert mapdoc.MAX_CLAIM_CHARS == _base.MAX_CLAIM_CHARS


def test_import_makes_a_new_debate_with_everything_published(db, teacher):
    result = imports.map_import(actor=teacher, doc=rich_doc(), source_name="study.txt")
    debate = result.debate
    assert debate.title == "Congestion charges" and debate.owner == teacher
    assert debate.visibility == Debate.Visibility.PRIVATE
    assert Membership.objects.get(debate=debate).role == Membership.Role.OWNER
    claims = {c.text: c for c in Claim.objects.filter(debate=debate)}
    assert result.claims == len(claims) == 7
    issue = claims["Should cities charge for congestion?"]
    assert issue.kind == ISSUE and issue.parent is None
    undercut = claims["Scarcity is not the point."]
    assert undercut.relation == UNDERCUTS and undercut.parent == claims["Road space is scarce."]
    merged = claims["Roads are scarce at peak."]
    assert merged.status == Claim.Status.MERGED
    assert merged.merged_into == claims["Road space is scarce."]
    assert all(c.author == teacher for c in claims.values())
    assert {c.status for c in claims.values()} == {Claim.Status.PUBLISHED, Claim.Status.MERGED}
    # Siblings keep the file's order.
    assert [c.text for c in Claim.objects.filter(parent=claims["Yes, they should."])] == [
        "Road space is scarce.",
        "It burdens shift workers.",
        "Roads are scarce at peak.",
    ]
    link = ClaimLink.objects.get(debate=debate)
    assert (link.claim.text, link.parent.text, link.relation) == (
        "It burdens shift workers.",
        "No, they should not.",
        SUPPORTS,
    )
    evidence = Evidence.objects.filter(claim__debate=debate).select_related("passage__anchor")
    assert sorted((e.claim.text, e.passage.anchor.exact, e.relation) for e in evidence) == [
        ("It burdens shift workers.", "Shift workers drive at night.", OPPOSES),
        ("Road space is scarce.", "Peak-hour speeds fell by a fifth.", SUPPORTS),
    ]
    assert debate.sources.get().url == "https://example.org/study"
    # One history record per row, naming the file; one audit entry.
    record = Claim.history.filter(id=issue.pk).get()
    assert record.history_user == teacher and "study.txt" in record.history_change_reason
    entry = AuditEntry.objects.get(debate=debate, action=AuditEntry.Action.MAP_IMPORTED)
    assert "7 claims" in entry.summary and "1 cross-link" in entry.summary


def test_import_under_an_issue_drops_the_files_issue(db, debate, moderator):
    issue = Claim.objects.create(
        debate=debate, kind=ISSUE, text="Host issue", status=Claim.Status.PUBLISHED
    )
    result = imports.map_import(actor=moderator, doc=rich_doc(), under=issue)
    assert result.debate == debate
    positions = Claim.objects.filter(parent=issue).order_by("order")
    assert [p.text for p in positions] == ["Yes, they should.", "No, they should not."]
    assert not Claim.objects.filter(debate=debate, text="Should cities charge for congestion?")


def test_import_under_an_argument_turns_positions_into_arguments(db, debate, moderator):
    issue = Claim.objects.create(debate=debate, kind=ISSUE, text="Q", status="published")
    position = Claim.objects.create(
        debate=debate, kind=POSITION, parent=issue, relation=ANSWERS, text="P", status="published"
    )
    imports.map_import(actor=moderator, doc=rich_doc(), under=position)
    tops = Claim.objects.filter(parent=position).order_by("order")
    assert [(c.kind, c.relation) for c in tops] == [(ARGUMENT, SUPPORTS), (ARGUMENT, SUPPORTS)]
    # A subtree exported from one map goes under a claim of another, relation and all.
    sub = interchange.map_document(
        debate=debate, viewer=moderator, claim=Claim.objects.get(text="It burdens shift workers.")
    )
    assert sub.claims[0].parent is None and sub.claims[0].relation == OPPOSES
    imports.map_import(actor=moderator, doc=sub, under=position)
    moved = Claim.objects.get(parent=position, text="It burdens shift workers.")
    assert moved.relation == OPPOSES
    assert Claim.objects.filter(debate=debate, text="It burdens shift workers.").count() == 2


def test_a_part_of_a_map_needs_a_place(db, teacher):
    doc = MapDoc(title="", claims=[MapClaim("a", "An argument", ARGUMENT, None, SUPPORTS)])
    with pytest.raises(ValidationError, match="import it under a claim"):
        imports.map_import(actor=teacher, doc=doc)


def test_only_moderators_import_into_a_map(db, debate, student):
    before = counts()
    with pytest.raises(PermissionDenied):
        imports.map_import(actor=student, doc=rich_doc(), into=debate)
    with pytest.raises(PermissionDenied):
        imports.map_import(actor=AnonymousUser(), doc=rich_doc())
    assert counts() == before


def test_an_import_that_fails_half_way_leaves_nothing(db, teacher, monkeypatch):
    before = counts()
    real = imports.insert_with_history

    def failing(model, objs, **kwargs):
        real(model, objs, **kwargs)
        if model is Evidence:  # claims, links and the source are written by now
            raise RuntimeError("the worker was killed")

    monkeypatch.setattr(imports, "insert_with_history", failing)
    with pytest.raises(RuntimeError):
        imports.map_import(actor=teacher, doc=rich_doc())
    assert counts() == before


def test_claims_longer_than_the_limit_are_refused_by_line(db, teacher):
    doc = MapDoc(title="T", claims=[MapClaim("i", "x" * 2001, ISSUE, line=3)])
    with pytest.raises(ValidationError, match="Line 3"):
        imports.map_parse(format="kialo", data=f"Discussion Title: t\n\n1. {'x' * 2001}\n")
    with pytest.raises(mapdoc.FormatError, match="Line 3"):
        mapdoc.check(doc)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not text"),
        (b"Discussion Title: x\n\n1. a\x00b\n", "NUL"),
        ("", "empty"),
        (b"   \n\n", "empty"),
    ],
)
def test_files_that_are_not_maps_are_refused(db, data, message):
    with pytest.raises(ValidationError, match=message):
        imports.map_parse(format="kialo", data=data)


def test_the_size_limit(settings):
    settings.CRUX_IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="The file is 1 KB; at most 1 KB can be imported"):
        imports.decode(b"x" * 101)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"nodes": [], "edges": []}', "aif"),
        ('{"format": "crux-backup", "version": 1}', "backup"),
        ("Discussion Title: x\n\n1. y\n", "kialo"),
        ("\ufeffDiscussion Name:\nx\n", "kialo"),
        ("===\ntitle: x\n===\n[A]: a\n", "argdown"),
    ],
)
def test_detect_format(text, expected):
    assert imports.detect_format(text) == expected


# --- the exporter ---------------------------------------------------------------------------


def test_export_is_what_a_reader_sees_in_a_fixed_number_of_queries(db, debate, teacher):
    build_map(debate, 12)
    with CaptureQueriesContext(connection) as small:
        interchange.map_document(debate=debate, viewer=teacher)
    build_map(debate, 60)
    with CaptureQueriesContext(connection) as large:
        doc = interchange.map_document(debate=debate, viewer=teacher)
    assert len(small) == len(large) <= 5
    assert len(doc.claims) == Claim.objects.filter(debate=debate).published().count()
    mapdoc.check(doc)


def test_round_trip_through_the_database_keeps_the_map(db, teacher):
    first = imports.map_import(actor=teacher, doc=rich_doc()).debate
    out = interchange.map_document(debate=first, viewer=teacher)
    second = imports.map_import(actor=teacher, doc=out).debate
    again = interchange.map_document(debate=second, viewer=teacher)

    def shape(doc):
        texts = {c.key: c.text for c in doc.claims}
        return (
            [(c.text, c.kind, c.relation, texts.get(c.parent)) for c in doc.claims],
            sorted((texts[x.claim], texts[x.parent], x.relation) for x in doc.links),
            sorted((texts[e.claim], e.relation, e.note) for e in doc.evidence),
            [[p.exact for p in s.passages] for s in doc.sources],
        )

    assert shape(out) == shape(again)
    # The merged restatement is not on the map a reader sees, so it is not exported.
    assert "Roads are scarce at peak." not in [c.text for c in out.claims]


def test_deep_maps_export_and_import_without_recursion(db, teacher):
    doc = MapDoc(title="Deep", claims=[MapClaim("i", "Deep issue", ISSUE)])
    doc.claims.append(MapClaim("c0", "level 0", POSITION, "i", ANSWERS))
    for level in range(1, 1000):
        doc.claims.append(
            MapClaim(f"c{level}", f"level {level}", ARGUMENT, f"c{level - 1}", OPPOSES)
        )
    debate = imports.map_import(actor=teacher, doc=doc).debate
    assert Claim.objects.filter(debate=debate).count() == 1001
    text = interchange.export_text(format="kialo", debate=debate, viewer=teacher)
    assert text.count("\n") >= 1001
    again = kialo.parse(text)
    assert len(again.claims) == 1001


# --- pages ----------------------------------------------------------------------------------


def test_import_page_makes_a_debate_from_a_small_file(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("debates:map_import")).status_code == 200
    upload = io.BytesIO(KIALO.encode())
    upload.name = "congestion.txt"
    response = client.post(
        reverse("debates:map_import"), {"file": upload, "format": "auto", "visibility": "private"}
    )
    debate = Debate.objects.get(title="Should cities charge for congestion?")
    assert response.status_code == 302 and response["Location"] == debate.get_absolute_url()
    assert Claim.objects.filter(debate=debate).count() == 5
    assert ClaimLink.objects.filter(debate=debate).count() == 1


def test_import_page_shows_the_line_at_fault_and_writes_nothing(client, teacher):
    client.force_login(teacher)
    before = counts()
    response = client.post(
        reverse("debates:map_import"),
        {
            "text": "Discussion Title: x\n\n1. a\n1.3.1. Pro: orphan\n",
            "format": "kialo",
            "visibility": "private",
        },
    )
    assert response.status_code == 400
    assert "Line 4" in response.content.decode()
    assert counts() == before


def test_big_files_go_to_a_background_job_with_a_progress_page(client, teacher, settings):
    settings.CRUX_IMPORT_INLINE_BYTES = 10
    client.force_login(teacher)
    response = client.post(
        reverse("debates:map_import"),
        {"text": KIALO, "format": "kialo", "visibility": "private"},
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("debates:import_job", args=[job.pk])
    assert job.status == ImportJob.Status.QUEUED and not Claim.objects.exists()
    page = client.get(response["Location"])
    assert b"<progress" in page.content and b'hx-trigger="every 1s"' in page.content
    job = imports.import_job_run(job.pk)
    assert job.status == ImportJob.Status.DONE and job.claims == 5 and job.data == ""
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert fragment["HX-Redirect"] == job.debate.get_absolute_url()
    # Someone else's job is not theirs to see.
    client.force_login(UserFactory())
    assert client.get(response["Location"]).status_code == 404


def test_a_failed_job_says_why_and_leaves_nothing(client, teacher):
    job = imports.import_start(
        actor=teacher, format="kialo", data="Discussion Title: x\n\n1. a\n1.2. Pro: gap\n"
    )
    before = counts()
    job = imports.import_job_run(job.pk)
    assert job.status == ImportJob.Status.FAILED and "Line 4" in job.message
    assert counts() == before
    client.force_login(teacher)
    page = client.get(reverse("debates:import_job", args=[job.pk])).content.decode()
    assert "Line 4" in page and "Nothing was imported" in page and "hx-trigger" not in page


def test_a_job_whose_worker_died_is_reported_stalled(db, teacher, settings):
    job = imports.import_start(actor=teacher, format="kialo", data=KIALO)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    settings.CRUX_IMPORT_STALE_MINUTES = 0
    job.refresh_from_db()
    assert imports.job_stalled(job)


def test_import_into_a_map_under_a_claim(client, debate, moderator, student):
    issue = Claim.objects.create(debate=debate, kind=ISSUE, text="Host", status="published")
    url = reverse("debates:map_import_into", args=[debate.slug])
    client.force_login(student)
    assert client.get(url).status_code == 403
    client.force_login(moderator)
    assert client.get(f"{url}?under={issue.pk}").status_code == 200
    response = client.post(url, {"text": KIALO, "format": "kialo", "under": issue.pk})
    assert response.status_code == 302
    position = Claim.objects.get(parent=issue)
    assert position.text == "Cities should charge drivers for congestion."
    response = client.post(url, {"text": KIALO, "format": "kialo", "under": 999999})
    assert response.status_code == 400 and b"no claim number 999999" in response.content


def test_downloads(client, debate, teacher, student):
    build_map(debate, 8)
    for format in ("kialo", "aif", "argdown"):
        response = client.get(reverse("debates:map_export", args=[debate.slug, format]))
        assert response.status_code == 200, format
        assert response["Content-Disposition"].startswith('attachment; filename="rivers')
    assert client.get(reverse("debates:map_exchange", args=[debate.slug])).status_code == 200
    assert client.get(reverse("debates:map_export", args=[debate.slug, "pdf"])).status_code == 404
    backup = reverse("debates:map_export", args=[debate.slug, "backup"])
    client.force_login(student)
    assert client.get(backup).status_code == 403
    client.force_login(teacher)
    assert client.get(backup).status_code == 200
    claim = Claim.objects.filter(debate=debate, kind=ARGUMENT).first()
    sub = client.get(
        reverse("debates:map_export", args=[debate.slug, "kialo"]) + f"?claim={claim.pk}"
    )
    assert sub.status_code == 200 and claim.text.split()[0] in sub.content.decode()


# --- commands -------------------------------------------------------------------------------


def test_commands_import_and_export(db, tmp_path, teacher):
    teacher.is_superuser = True
    teacher.save()
    path = tmp_path / "congestion.txt"
    path.write_text(KIALO.replace("\n", "\r\n"), encoding="utf-8")
    out = io.StringIO()
    call_command("import_map", "--format", "kialo", str(path), stdout=out)
    debate = Debate.objects.get()
    assert out.getvalue().splitlines()[-1] == f"/debates/{debate.slug}/"
    exported = io.StringIO()
    call_command("export_map", "--format", "kialo", debate.slug, stdout=exported)
    assert exported.getvalue() == kialo.write(kialo.parse(KIALO))
    # A subtree into the same map under a claim.
    position = Claim.objects.get(debate=debate, kind=POSITION)
    sub = tmp_path / "sub.txt"
    argument = Claim.objects.get(debate=debate, text="It burdens shift workers.")
    sub_text = io.StringIO()
    call_command(
        "export_map", "--format", "kialo", debate.slug, "--claim", str(argument.pk), stdout=sub_text
    )
    sub.write_text(sub_text.getvalue(), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_map", "--format", "kialo", str(sub), "--under", str(position.pk), stdout=out
    )
    assert out.getvalue().splitlines()[-1] == f"/debates/{debate.slug}/"
    with pytest.raises(CommandError, match="No claim"):
        call_command("import_map", "--format", "kialo", str(sub), "--under", "999999")
    with pytest.raises(CommandError, match="Line"):
        bad = tmp_path / "bad.txt"
        bad.write_text("Discussion Title: x\n\n1. a\n1.1.1.1. Pro: deep orphan\n")
        call_command("import_map", "--format", "kialo", str(bad))


def test_commands_back_up_and_restore_a_whole_debate(db, tmp_path, teacher):
    teacher.is_superuser = teacher.is_staff = True
    teacher.save()
    debate = imports.map_import(actor=teacher, doc=rich_doc()).debate
    out = io.StringIO()
    call_command("export_map", "--format", "backup", debate.slug, stdout=out)
    path = tmp_path / "backup.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    restored = io.StringIO()
    call_command("import_map", "--format", "backup", str(path), stdout=restored)
    copy = Debate.objects.exclude(pk=debate.pk).get()
    assert restored.getvalue().splitlines()[-1] == f"/debates/{copy.slug}/"
    assert Claim.objects.filter(debate=copy).count() == Claim.objects.filter(debate=debate).count()
    before = counts()
    path.write_text(out.getvalue()[:-40], encoding="utf-8")
    with pytest.raises(CommandError, match="Crux backup"):
        call_command("import_map", "--format", "backup", str(path))
    assert counts() == before


# --- the API --------------------------------------------------------------------------------


def test_api_imports_a_small_file_at_once_and_a_big_one_as_a_job(client, teacher, settings):
    client.force_login(teacher)
    url = reverse("api:import")
    response = client.post(url, {"format": "kialo", "text": KIALO}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["claims"] == 5 and body["url"] == f"/debates/{body['debate']}/"
    settings.CRUX_IMPORT_INLINE_BYTES = 10
    upload = io.BytesIO(KIALO.encode())
    upload.name = "big.txt"
    response = client.post(url, {"file": upload})
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued" and job["filename"] == "big.txt"
    imports.import_job_run(job["id"])
    done = client.get(job["url"]).json()
    assert done["status"] == "done" and done["claims"] == 5 and done["debate"]
    client.force_login(UserFactory())
    assert client.get(job["url"]).status_code == 404


def test_api_import_errors_name_the_line_and_write_nothing(client, teacher, debate, student):
    client.force_login(teacher)
    before = counts()
    response = client.post(
        reverse("api:import"),
        {"format": "kialo", "text": "Discussion Title: x\n\n1. a\n1.2.3. Pro: gap\n"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Line 4" in response.json()["error"]["message"]
    assert counts() == before
    client.force_login(student)
    response = client.post(
        reverse("api:import"),
        {"format": "kialo", "text": KIALO, "into": debate.slug},
        content_type="application/json",
    )
    assert response.status_code == 403 and counts() == before


def test_api_exports_every_format(client, debate, teacher, student):
    build_map(debate, 6)

    def url(kind, slug=debate.slug):
        return reverse("api:debate-export", args=[slug, kind])

    for format in ("kialo", "aif", "argdown"):
        response = client.get(url(format))
        assert response.status_code == 200, format
    claim = Claim.objects.filter(debate=debate, kind=ARGUMENT).first()
    assert claim.text in client.get(url("argdown"), {"claim": claim.pk}).content.decode()
    assert client.get(url("pdf")).status_code == 404
    client.force_login(student)
    assert client.get(url("backup")).status_code == 403
    client.force_login(teacher)
    backup = client.get(url("backup"))
    assert backup.status_code == 200 and backup.json()["format"] == "crux-backup"
    private = Debate.objects.create(title="Private", slug="private", owner=teacher)
    client.logout()
    assert client.get(url("aif", private.slug)).status_code == 404


BAD_FILES = [
    ("aif", '{"nodes": [{"nodeID": "1", "text": "A", "type": "I"}', "Line 1"),
    ("aif", '{"nodes": "none", "edges": []}', "nodes"),
    (
        "aif",
        '{"nodes": [{"nodeID": "1", "text": "A", "type": "I"}], '
        '"edges": [{"edgeID": "9", "fromID": "1", "toID": "77"}]}',
        "77",
    ),  # fmt: skip
    ("aif", "[" * 100_000, "deep"),
    ("kialo", "Discussion Title: x\n\n1. a\n1.1. Pro: b\n1.3. Pro: gap\n", "Line 5"),
    ("kialo", "Discussion Title: x\n\n1. a\n1.1. Pro: -> See 1.9.\n", "Line 4"),
    ("argdown", "[A]: a\n  + [B]: b\n    - [A]\n      + [B]\n", ""),  # a cycle: kept, not looped
    ("argdown", "    + [Orphan]: no parent\n", "Line 1"),
    ("kialo", "\x01\x02\x03 binary \x04", ""),
]


@pytest.mark.parametrize("format, text, named", BAD_FILES)
def test_bad_files_get_a_form_error_naming_the_place_and_change_nothing(
    client, teacher, format, text, named
):
    client.force_login(teacher)
    before = counts()
    response = client.post(
        reverse("debates:map_import"), {"text": text, "format": format, "visibility": "private"}
    )
    if response.status_code == 302:  # read, cycle and all: a map was made, nothing else
        assert format == "argdown"
        return
    assert response.status_code == 400
    assert named in response.content.decode()
    assert counts() == before


def test_a_file_over_the_size_limit_is_refused(client, teacher, settings):
    settings.CRUX_IMPORT_MAX_BYTES = 1024
    client.force_login(teacher)
    upload = io.BytesIO(KIALO.encode() * 40)
    upload.name = "big.txt"
    before = counts()
    response = client.post(reverse("debates:map_import"), {"file": upload, "format": "kialo"})
    page = response.content.decode()
    assert response.status_code == 400 and "at most 1 KB can be imported" in page
    assert counts() == before
