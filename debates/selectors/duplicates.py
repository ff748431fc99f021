"""Duplicates at write time: the claims of a debate most like a text being written, and the
pending proposals that look like published claims (the moderators' "likely duplicates").

Two engines, one meaning: a score from 0 to 1, best first, and nothing below a threshold.

* PostgreSQL (pg_trgm, migration 0019): `similarity(text, q)` (the trigram sets of the two
  whole texts) weighted two to one with `word_similarity(q, text)` (how well `q` matches
  some stretch of `text`: a short new claim restating part of a long one, which alone would
  score a prefix of a claim as a copy of it). The candidates are the nearest claims by
  each measure, read in distance order from the GiST trigram index (`ORDER BY text <-> q
  LIMIT k` and `q <<-> text`): pg_trgm's operators are costly per row (a scan comparing
  all 10,000 claims takes half a second) and the planner, not knowing it, prefers such a
  scan to a filter on the index; a nearest-first scan it always takes from the index, and
  stops after k rows. The best few by the weighted mean are among the best `CANDIDATES`
  by either part.
* SQLite (rapidfuzz): the mean of `token_sort_ratio` (the words in order, whatever the
  order they were written in) and `token_set_ratio` (the words shared, forgiving what one
  text adds). The debate's texts are read with one query and compared here; the sorted
  words of each text are compared with plain `ratio` first (what `token_sort_ratio` is),
  which is fast and bounds the score, and only those that could reach the threshold get
  the slower `token_set_ratio`.

The two scales differ (trigram sets are stricter than edit distances), so each engine has
its own thresholds: `hint` (offered while typing), `likely` (the moderators' list) and
`hold` (the add form stops and asks "add it anyway?"; high, so distinct claims pass).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import (
    TrigramDistance,
    TrigramSimilarity,
    TrigramWordDistance,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import BigIntegerField, FloatField, QuerySet, Value
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import Cast
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from .. import policy
from ..models import Claim, Debate
from .maps import OFF_MAP


@dataclass(frozen=True)
class Thresholds:
    hint: float  # offered while typing
    likely: float  # listed for moderators
    hold: float  # the add form asks before writing


TRIGRAM = Thresholds(hint=0.5, likely=0.65, hold=0.85)
RAPIDFUZZ = Thresholds(hint=0.7, likely=0.85, hold=0.9)

MAX_QUERY_CHARS = 1000  # of a long text, the part compared
MIN_QUERY_CHARS = 3  # letters and digits a text needs before it is compared at all
PENDING_COMPARED = 50  # pending proposals `likely_duplicates` compares, oldest first
PER_PROPOSAL = 3  # published claims listed for one proposal
CANDIDATES = 20  # PostgreSQL: nearest claims read by each measure (and per proposal)


def thresholds() -> Thresholds:
    """The thresholds of the engine in use."""
    return TRIGRAM if connection.vendor == "postgresql" else RAPIDFUZZ


def _query(text: str) -> str:
    """The part of `text` compared, or "" when it is too short to compare."""
    text = (text or "").strip()[:MAX_QUERY_CHARS]
    return text if len(default_process(text).replace(" ", "")) >= MIN_QUERY_CHARS else ""


def _debate_key(debate: Debate):
    """The debate's id as the trigram index can use it: on PostgreSQL cast to bigint, since a
    parameter sent as a plain integer compares across types, which btree_gist's operator
    class (the index's first column) does not serve — the scan then reads every debate's
    claims in distance order (200 ms instead of 10 on 36,000 claims)."""
    if connection.vendor == "postgresql":
        return Cast(Value(debate.pk), output_field=BigIntegerField())
    return debate.pk


def _visible(*, debate: Debate, viewer) -> QuerySet[Claim]:
    """The claims of `debate` the viewer may be offered: those they see on the map (published
    on a live path, and their own proposals), never deleted, rejected, withdrawn or merged
    ones, and none that another app withholds from them (moderators are withheld nothing)."""
    claims = (
        Claim.objects.filter(debate_id=_debate_key(debate))
        .filter(policy.visible_claims_q(viewer))
        .exclude(status__in=OFF_MAP)
    )
    if not policy.can_moderate(viewer, debate):
        claims = claims.filter(policy.withheld_q(viewer, debate=debate))
    return claims


def similar_claims(
    *,
    debate: Debate,
    text: str,
    viewer,
    limit: int = 5,
    exclude: Iterable[int] | None = None,
    min_score: float | None = None,
) -> list[tuple[Claim, float]]:
    """The claims of `debate` the viewer can see that are most like `text`, best first, each
    with its score (0 to 1), none below `min_score` (default: the engine's `hint`
    threshold); `exclude`: pks never offered (the claim being answered, say).

    Two queries (SQLite: the debate's texts, then the claims offered; PostgreSQL: the
    nearest claims by each measure), plus the viewer's role in the debate if not yet known.
    """
    query = _query(text)
    if not query or limit <= 0 or not policy.can_view_debate(viewer, debate):
        return []
    if min_score is None:
        min_score = thresholds().hint
    claims = _visible(debate=debate, viewer=viewer)
    excluded = [pk for pk in (exclude or ()) if pk is not None]
    if excluded:
        claims = claims.exclude(pk__in=excluded)
    if connection.vendor == "postgresql":
        return _trigram_ranked(claims, query, min_score=min_score, limit=limit)
    rows = list(claims.order_by("pk").values_list("pk", "text"))
    ranked = _fuzzy_ranked(
        _sorted_words(query), [_sorted_words(t) for _, t in rows], min_score=min_score
    )[:limit]
    if not ranked:
        return []
    by_pk = Claim.objects.in_bulk([rows[i][0] for i, _ in ranked])
    return [(by_pk[rows[i][0]], score) for i, score in ranked if rows[i][0] in by_pk]


# --- the moderators' list ------------------------------------------------------------------


@dataclass(frozen=True)
class LikelyDuplicate:
    """A pending proposal that looks like a published claim it may be merged into."""

    claim: Claim  # the proposal (pending review)
    target: Claim  # a published claim of the same kind in the same debate
    score: float


def likely_duplicates(*, debate: Debate, limit: int = 50) -> list[LikelyDuplicate]:
    """Pending proposals of `debate` (the oldest `PENDING_COMPARED`) paired with published
    claims of the same kind that look alike (the engine's `likely` threshold), best first;
    at most `PER_PROPOSAL` targets per proposal, `limit` pairs in all. Targets stand on a
    live path (a merge needs a published target; one below the proposal never is). For the
    debate's moderators: the caller checks. Three queries (two on PostgreSQL)."""
    threshold = thresholds().likely
    pending = (
        Claim.objects.filter(debate=debate, status=Claim.Status.PROPOSED, deleted_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", "kind", "text")[:PENDING_COMPARED]
    )
    if connection.vendor == "postgresql":
        pairs = _trigram_pairs(debate, threshold)
    else:
        pairs = _fuzzy_pairs(debate, list(pending), threshold)
    kept: list[tuple[int, int, float]] = []
    per_claim: dict[int, int] = {}
    for claim_pk, target_pk, score in sorted(pairs, key=lambda p: (-p[2], p[0], p[1])):
        if per_claim.get(claim_pk, 0) >= PER_PROPOSAL:
            continue
        per_claim[claim_pk] = per_claim.get(claim_pk, 0) + 1
        kept.append((claim_pk, target_pk, score))
        if len(kept) >= limit:
            break
    if not kept:
        return []
    by_pk = Claim.objects.in_bulk({pk for pair in kept for pk in pair[:2]})
    return [
        LikelyDuplicate(claim=by_pk[c], target=by_pk[t], score=s)
        for c, t, s in kept
        if c in by_pk and t in by_pk
    ]


def _published_targets(debate: Debate) -> QuerySet[Claim]:
    return Claim.objects.published().filter(debate=debate).filter(policy.live_paths_q())


# --- PostgreSQL: pg_trgm --------------------------------------------------------------------


def _trigram_score(query: str) -> ExpressionWrapper:
    return ExpressionWrapper(
        (TrigramSimilarity("text", query) * Value(2.0) + TrigramWordSimilarity(query, "text"))
        / Value(3.0),
        output_field=FloatField(),
    )


def _trigram_ranked(
    claims: QuerySet[Claim], query: str, *, min_score: float, limit: int
) -> list[tuple[Claim, float]]:
    """The nearest `CANDIDATES` of `claims` by whole-text and by word distance (one query
    each, both from the GiST index), scored, the best `limit` at or above `min_score`."""
    scored = claims.annotate(dup_score=_trigram_score(query))
    found: dict[int, tuple[Claim, float]] = {}
    for distance in (TrigramDistance("text", query), TrigramWordDistance(query, "text")):
        # By the distance alone: the index gives that order, not one with a tie-breaker.
        for claim in scored.alias(distance=distance).order_by("distance")[:CANDIDATES]:
            if claim.dup_score >= min_score:
                found[claim.pk] = (claim, float(claim.dup_score))
    return sorted(found.values(), key=lambda pair: (-pair[1], pair[0].pk))[:limit]


# Each pending proposal against the published claims of its kind: the nearest ones by
# whole-text distance, from the GiST trigram index (one nearest-first index scan per
# proposal, LATERAL). {live} is policy's walk below the cuts (run once), so a target is on
# a live path.
_PAIRS_SQL = (
    "WITH pending AS ("
    " SELECT id, kind, text FROM debates_claim"
    " WHERE debate_id = %s::bigint AND status = %s AND deleted_at IS NULL"
    " ORDER BY created_at, id LIMIT %s)"
    " SELECT p.id, near.id, near.score FROM pending p CROSS JOIN LATERAL ("
    " SELECT c.id,"
    " (2 * similarity(c.text, p.text) + word_similarity(p.text, c.text)) / 3 AS score"
    " FROM debates_claim c"
    " WHERE c.debate_id = %s::bigint AND c.kind = p.kind AND c.status = %s"
    " AND c.deleted_at IS NULL"
    " AND c.id NOT IN ({live})"
    " ORDER BY c.text <-> p.text LIMIT %s) near"
    " WHERE near.score >= %s"
)


def _trigram_pairs(debate: Debate, threshold: float) -> list[tuple[int, int, float]]:
    published = Claim.Status.PUBLISHED
    sql = _PAIRS_SQL.format(live=policy.UNDER_CUT_SQL)
    params: list[int | float | str] = [
        debate.pk,
        Claim.Status.PROPOSED,
        PENDING_COMPARED,
        debate.pk,
        published,
        published,  # the walk's parameter
        CANDIDATES,
        threshold,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1], float(row[2])) for row in cursor.fetchall()]


# --- SQLite: rapidfuzz ----------------------------------------------------------------------


def _sorted_words(text: str) -> str:
    """The text lower-cased, without punctuation, its words sorted: `token_sort_ratio` of two
    texts is plain `ratio` of these, and `token_set_ratio` reads them as well as the texts."""
    return " ".join(sorted(default_process(text or "").split()))


def _fuzzy_ranked(query: str, choices: list[str], *, min_score: float) -> list[tuple[int, float]]:
    """(index in `choices`, score) of the choices scoring at least `min_score`, best first.

    The score is the mean of the two ratios; `token_set_ratio` is at most 100, so a choice
    whose `token_sort_ratio` is below `2 * min_score - 1` cannot reach the threshold and is
    never given the slower second ratio.
    """
    if not query:
        return []
    bound = max(0.0, (2 * min_score - 1) * 100)
    found = process.extract(
        query, choices, scorer=fuzz.ratio, processor=None, score_cutoff=bound, limit=None
    )
    ranked = []
    for choice, sort_ratio, index in found:
        score = (sort_ratio + fuzz.token_set_ratio(query, choice)) / 200
        if score >= min_score:
            ranked.append((index, score))
    ranked.sort(key=lambda r: (-r[1], r[0]))
    return ranked


def _fuzzy_pairs(
    debate: Debate, pending: list[tuple[int, str, str]], threshold: float
) -> list[tuple[int, int, float]]:
    if not pending:
        return []
    by_kind: dict[str, tuple[list[int], list[str]]] = {}
    for pk, kind, text in (
        _published_targets(debate).order_by("pk").values_list("pk", "kind", "text")
    ):
        pks, texts = by_kind.setdefault(kind, ([], []))
        pks.append(pk)
        texts.append(_sorted_words(text))
    pairs = []
    for claim_pk, kind, text in pending:
        pks, texts = by_kind.get(kind, ([], []))
        query = _sorted_words(_query(text))
        for index, score in _fuzzy_ranked(query, texts, min_score=threshold)[:PER_PROPOSAL]:
            if pks[index] != claim_pk:
                pairs.append((claim_pk, pks[index], score))
    return pairs
