"""Reads for a class's report, for its teachers: who takes part, each student's work with
the items behind every number, how much of each reading the class's maps cite, where
questions cluster, and contributions per day for a chart.

The class's maps are the maps shared with it and the copies given to it, its groups or its
students; its readings are the sources those maps are grounded in. With an assignment, only
work in the maps and readings its tasks name (and the readings of those maps), made between
the assignment's creation and the end of its late window (`Assignment.closes_at`), counts.

What counts, per student (current and former students; never teachers or outsiders):
claims put forward (any status but deleted), of which approved (published) and rejected;
evidence they attached (not deleted, rejected or withdrawn); notes on the readings (not
private, hidden or deleted, replies apart); replies to a classmate (a note replying to a
classmate's note, or a claim under a classmate's claim). Everything is a fixed number of
queries whatever the size of the class or of its work.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from debates.models import Annotation, Claim, Evidence, Passage, Source, Vote

from ..models import Assignment, ClassMember, Classroom, GroupCopy, MapShare, Task

Role = ClassMember.Role
KINDS = {
    "proposed": "claims put forward",
    "approved": "claims approved",
    "rejected": "claims rejected",
    "evidence": "evidence cited",
    "notes": "notes",
    "replies": "replies to classmates",
    "votes": "claims rated",
}
BLOCK_KINDS = (Passage.Kind.PARAGRAPH, Passage.Kind.LIST_ITEM)
UNCOUNTED_EVIDENCE = (Evidence.Status.REJECTED, Evidence.Status.WITHDRAWN)
CHART_DAYS = 30
CHART_MAX_DAYS = 120
# The chart's drawing area, in SVG user units.
CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM = 600, 160, 14, 24


@dataclass
class Item:
    """One piece of a student's work, as listed in a drill-down."""

    kind: str  # "claim", "evidence" or "note"
    pk: int
    text: str
    created_at: datetime
    url: str
    where: str = ""
    status: str = ""


@dataclass
class StudentRow:
    member: ClassMember
    items: dict[str, list[Item]] = field(default_factory=lambda: {k: [] for k in KINDS})

    @property
    def former(self) -> bool:
        return self.member.left_at is not None

    def count(self, kind: str) -> int:
        return len(self.items[kind])

    @property
    def counts(self) -> list[tuple[str, int]]:
        return [(kind, len(self.items[kind])) for kind in KINDS]

    @property
    def last_activity(self) -> datetime | None:
        times = [item.created_at for items in self.items.values() for item in items]
        return max(times) if times else None

    @property
    def active(self) -> bool:
        return any(self.items.values())


@dataclass
class Block:
    """A paragraph (or list item) of a reading: how often the class's maps cite it and how
    many questioning notes the class's students left on it."""

    passage_id: int
    start: int
    end: int
    label: str
    cited: int = 0
    questions: int = 0
    url: str = ""

    @property
    def heat(self) -> int:
        """0 (not cited) to 4, for the strip's shading."""
        return min(self.cited, 4)


@dataclass
class Coverage:
    source: Source
    blocks: list[Block]

    @property
    def cited(self) -> list[Block]:
        return [b for b in self.blocks if b.cited]

    @property
    def uncited(self) -> list[Block]:
        return [b for b in self.blocks if not b.cited]

    @property
    def percent(self) -> int:
        return round(100 * len(self.cited) / len(self.blocks)) if self.blocks else 0

    @property
    def question_clusters(self) -> list[Block]:
        """The paragraphs with questions, most questioned first (five at most)."""
        asked = [b for b in self.blocks if b.questions]
        return sorted(asked, key=lambda b: (-b.questions, b.start))[:5]


@dataclass
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Chart:
    bars: list[Bar]
    peak: int
    first: date
    last: date
    total: int
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    baseline: int = CHART_HEIGHT - CHART_BOTTOM


@dataclass
class Report:
    classroom: Classroom
    assignment: Assignment | None
    assignments: list[Assignment]
    students: list[StudentRow]
    readings: list[Coverage]
    chart: Chart

    @property
    def current(self) -> list[StudentRow]:
        return [row for row in self.students if not row.former]

    @property
    def active_count(self) -> int:
        return sum(1 for row in self.current if row.active)


def _trim(text: str, limit: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _scope(classroom: Classroom, assignment: Assignment | None):
    """The maps and readings whose work counts, and the time window (or None)."""
    if assignment is None:
        maps = set(MapShare.objects.filter(classroom=classroom).values_list("debate_id", flat=True))
        maps |= set(
            GroupCopy.objects.filter(classroom=classroom).values_list("debate_id", flat=True)
        )
        readings = Source.objects.filter(debates__in=maps)
        return maps, readings, None
    tasks = list(Task.objects.filter(assignment=assignment).values_list("debate_id", "source_id"))
    maps = {d for d, _ in tasks if d is not None}
    named = {s for _, s in tasks if s is not None}
    readings = Source.objects.filter(Q(pk__in=named) | Q(debates__in=maps))
    return maps, readings, (assignment.created_at, assignment.closes_at)


def _in_window(window) -> dict:
    if window is None:
        return {}
    return {"created_at__gte": window[0], "created_at__lte": window[1]}


def class_report(*, classroom: Classroom, assignment: Assignment | None = None) -> Report:
    """The whole report: twelve queries at most, whatever the number of students or items."""
    members = list(
        ClassMember.objects.filter(classroom=classroom, role=Role.STUDENT)
        .select_related("user")
        .order_by("pk")
    )
    # Current students first, then former ones; within each, by name.
    members.sort(key=lambda m: (m.left_at is not None, m.user.public_name.lower(), m.pk))
    rows = {m.user_id: StudentRow(m) for m in members}
    ids = list(rows)
    maps, readings_q, window = _scope(classroom, assignment)
    readings = list(readings_q.distinct().order_by("title", "pk"))
    reading_ids = [s.pk for s in readings]
    titles = {s.pk: s.title for s in readings}
    when = _in_window(window)

    claims = Claim.objects.filter(
        debate_id__in=maps, author_id__in=ids, deleted_at__isnull=True, **when
    ).values(
        "pk",
        "text",
        "status",
        "author_id",
        "parent__author_id",
        "created_at",
        "debate__slug",
        "debate__title",
    )
    for c in claims.order_by("created_at", "pk") if ids and maps else []:
        url = reverse("debates:claim", args=[c["debate__slug"], c["pk"]])
        item = Item(
            "claim",
            c["pk"],
            _trim(c["text"]),
            c["created_at"],
            url,
            c["debate__title"],
            c["status"],
        )
        row = rows[c["author_id"]]
        row.items["proposed"].append(item)
        if c["status"] == Claim.Status.PUBLISHED:
            row.items["approved"].append(item)
        elif c["status"] == Claim.Status.REJECTED:
            row.items["rejected"].append(item)
        parent_author = c["parent__author_id"]
        if parent_author in rows and parent_author != c["author_id"]:
            row.items["replies"].append(item)

    evidence = (
        Evidence.objects.filter(
            claim__debate_id__in=maps,
            author_id__in=ids,
            deleted_at__isnull=True,
            claim__deleted_at__isnull=True,
            **when,
        )
        .exclude(status__in=UNCOUNTED_EVIDENCE)
        .values(
            "pk",
            "author_id",
            "created_at",
            "status",
            "claim_id",
            "claim__text",
            "claim__debate__slug",
            "passage__anchor__exact",
            "passage__source__title",
        )
    )
    for e in evidence.order_by("created_at", "pk") if ids and maps else []:
        url = reverse("debates:claim", args=[e["claim__debate__slug"], e["claim_id"]])
        rows[e["author_id"]].items["evidence"].append(
            Item(
                "evidence",
                e["pk"],
                f"“{_trim(e['passage__anchor__exact'], 100)}” for “{_trim(e['claim__text'], 80)}”",
                e["created_at"],
                f"{url}#evidence-title",
                e["passage__source__title"],
                e["status"],
            )
        )

    notes = (
        Annotation.objects.filter(
            anchor__source_id__in=reading_ids,
            author_id__in=ids,
            deleted_at__isnull=True,
            hidden=False,
            **when,
        )
        .exclude(visibility=Annotation.Visibility.PRIVATE)
        .values(
            "pk",
            "author_id",
            "body",
            "motivation",
            "created_at",
            "parent_id",
            "parent__author_id",
            "anchor__source_id",
            "anchor__start",
            "anchor__exact",
        )
    )
    questions: dict[int, list[int]] = defaultdict(list)
    for n in notes.order_by("created_at", "pk") if ids and reading_ids else []:
        reader = reverse("debates:source", args=[n["anchor__source_id"]])
        item = Item(
            "note",
            n["pk"],
            _trim(n["body"]) or f"on “{_trim(n['anchor__exact'], 100)}”",
            n["created_at"],
            f"{reader}#note-{n['pk']}",
            titles.get(n["anchor__source_id"], ""),
            n["motivation"],
        )
        row = rows[n["author_id"]]
        if n["parent_id"] is None:
            row.items["notes"].append(item)
            if n["motivation"] == Annotation.Motivation.QUESTIONING:
                questions[n["anchor__source_id"]].append(n["anchor__start"])
        else:
            parent_author = n["parent__author_id"]
            if parent_author in rows and parent_author != n["author_id"]:
                row.items["replies"].append(item)

    # Ratings (acceptability and relevance apart), one item per claim rated.
    votes = Vote.objects.filter(
        claim__debate_id__in=maps, user_id__in=ids, claim__deleted_at__isnull=True, **when
    ).values(
        "claim_id",
        "user_id",
        "question",
        "value",
        "created_at",
        "claim__text",
        "claim__debate__slug",
        "claim__debate__title",
    )
    rated: dict[tuple[int, int], Item] = {}
    for v in votes.order_by("created_at", "pk") if ids and maps else []:
        key = (v["user_id"], v["claim_id"])
        found = rated.get(key)
        if found is None:
            url = reverse("debates:claim", args=[v["claim__debate__slug"], v["claim_id"]])
            found = rated[key] = Item(
                "vote",
                v["claim_id"],
                _trim(v["claim__text"]),
                v["created_at"],
                f"{url}#votes",
                v["claim__debate__title"],
            )
            rows[v["user_id"]].items["votes"].append(found)
        found.status = ", ".join(filter(None, [found.status, f"{v['question']} {v['value']}/4"]))

    coverage = _coverage(readings, maps, questions, when)
    return Report(
        classroom=classroom,
        assignment=assignment,
        assignments=list(Assignment.objects.filter(classroom=classroom).order_by("due_at", "pk")),
        students=list(rows.values()),
        readings=coverage,
        chart=_chart(list(rows.values()), window),
    )


def _coverage(
    readings: list[Source], maps: set[int], questions: dict[int, list[int]], when: dict
) -> list[Coverage]:
    """Each reading's paragraphs (of its current text) with how often the class's maps
    cite them (evidence by anyone, not deleted, rejected or withdrawn) and how many
    questioning notes the class's students left on them: two queries."""
    if not readings:
        return []
    blocks: dict[int, list[Block]] = defaultdict(list)
    passages = (
        Passage.objects.filter(
            source__in=readings,
            kind__in=BLOCK_KINDS,
            anchor__revision_id__in=[s.current_revision_id for s in readings],
        )
        .values("pk", "source_id", "label", "anchor__start", "anchor__end", "anchor__exact")
        .order_by("source_id", "anchor__start", "pk")
    )
    for p in passages:
        reader = reverse("debates:source", args=[p["source_id"]])
        blocks[p["source_id"]].append(
            Block(
                p["pk"],
                p["anchor__start"],
                p["anchor__end"],
                _trim(p["label"] or p["anchor__exact"], 90),
                url=f"{reader}?passage={p['pk']}#passage-{p['pk']}",
            )
        )
    starts = {sid: [b.start for b in bs] for sid, bs in blocks.items()}

    def block_at(source_id: int, offset: int) -> Block | None:
        i = bisect_right(starts.get(source_id, []), offset) - 1
        if i < 0:
            return None
        block = blocks[source_id][i]
        return block if offset < block.end else None

    cited = (
        Evidence.objects.filter(
            claim__debate_id__in=maps,
            passage__source__in=readings,
            deleted_at__isnull=True,
            claim__deleted_at__isnull=True,
            **when,
        )
        .exclude(status__in=UNCOUNTED_EVIDENCE)
        .exclude(claim__status__in=(Claim.Status.REJECTED, Claim.Status.WITHDRAWN))
        .values_list("passage__source_id", "passage__anchor__start")
    )
    for source_id, start in cited if maps else []:
        block = block_at(source_id, start)
        if block is not None:
            block.cited += 1
    for source_id, offsets in questions.items():
        for start in offsets:
            block = block_at(source_id, start)
            if block is not None:
                block.questions += 1
    return [Coverage(source, blocks.get(source.pk, [])) for source in readings]


def _chart(rows: list[StudentRow], window) -> Chart:
    """Contributions (claims, evidence, notes and replies, each once) per day: the last
    30 days, or the assignment's window (its last 120 days at most)."""
    today = timezone.localdate()
    if window is None:
        first, last = today - timedelta(days=CHART_DAYS - 1), today
    else:
        first = timezone.localtime(window[0]).date()
        last = timezone.localtime(window[1]).date()
        first = max(first, last - timedelta(days=CHART_MAX_DAYS - 1))
    per_day: dict[date, int] = defaultdict(int)
    for row in rows:
        seen: set[tuple[str, int]] = set()
        for items in row.items.values():
            for item in items:
                if item.kind == "vote" or (item.kind, item.pk) in seen:
                    continue  # a rating is not a contribution to the map
                seen.add((item.kind, item.pk))
                per_day[timezone.localtime(item.created_at).date()] += 1
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    peak = max([per_day[d] for d in days] + [1])
    slot = CHART_WIDTH / len(days)
    usable = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    bars = []
    for i, day in enumerate(days):
        count = per_day[day]
        height = round(usable * count / peak, 1)
        bars.append(
            Bar(
                day=day,
                count=count,
                x=round(i * slot + slot * 0.1, 1),
                y=round(CHART_HEIGHT - CHART_BOTTOM - height, 1),
                width=round(slot * 0.8, 1),
                height=height,
            )
        )
    return Chart(bars, peak, first, last, sum(b.count for b in bars))


def student_items(
    *, report: Report, user_id: int, kind: str
) -> tuple[StudentRow, list[Item]] | None:
    """One student's items behind one number of the report; None if the person is no
    student (current or former) of the class, or the kind is unknown."""
    if kind not in KINDS:
        return None
    for row in report.students:
        if row.member.user_id == user_id:
            return row, row.items[kind]
    return None


# --- CSV -------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def report_csv(report: Report) -> str:
    """The report's students as CSV, one row each, with a byte-order mark so spreadsheets
    read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Student",
            "Username",
            "Status",
            "Claims proposed",
            "Claims approved",
            "Claims rejected",
            "Evidence cited",
            "Notes",
            "Replies to classmates",
            "Claims rated",
            "Last activity",
        ]
    )
    for row in report.students:
        user = row.member.user
        last = row.last_activity
        writer.writerow(
            [
                safe_cell(user.public_name),
                safe_cell(user.username),
                "former" if row.former else "current",
                *(n for _, n in row.counts),
                timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "",
            ]
        )
    return "\ufeff" + out.getvalue()
