"""Pickers: the debates a note may be addressed to and the claims a passage may be cited
for, from the reader; the claims a duplicate may be merged into, from the queue.

Every picker is a bounded read: at most `CANDIDATES` rows come back from the database (those
sharing a word with the text they are ranked against first), and the ranking itself is done
here, in Python, over those few hundred rows, so a map of 10,000 claims costs what a map of
300 does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import Q, QuerySet

from .. import policy
from ..models import Claim, Debate, Membership, Source
from .activity import debates_visible_to
from .maps import OFF_MAP, merge_targets

CANDIDATES = 300  # rows read from the database for one ranking
RESULTS = 12  # choices shown
QUERY_WORDS = 6  # words of a search that must all occur
KEYWORDS = 8  # words of the text ranked against that pick the first candidates

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_STOP = frozenset(
    """a about after against also an and any are as at be because been before being but by
    can could did do does for from had has have he her his how i if in into is it its itself
    may might more most much must no nor not of on only or other our over own same she should
    so some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would
    you your""".split()
)
_SUFFIXES = ("ing", "ies", "es", "ed", "ly", "s")


def _stem(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> set[str]:
    """The text's content words, lower-cased and crudely stemmed ("sanctions" → "sanction")."""
    return {
        _stem(w)
        for w in (m.group().lower().replace("’", "'") for m in _WORD.finditer(text or ""))
        if len(w) > 1 and w not in _STOP
    }


def similarity(a: set[str], b: set[str]) -> float:
    """How alike two texts are by the words they share (cosine of word sets, 0 to 1)."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _keywords(stems: Iterable[str]) -> list[str]:
    """The longest words of a text: those most likely to pick out claims about it."""
    return sorted((s for s in stems if len(s) >= 4), key=lambda s: (-len(s), s))[:KEYWORDS]


def _search_words(query: str) -> list[str]:
    return [m.group() for m in _WORD.finditer(query or "")][:QUERY_WORDS]


@dataclass(frozen=True)
class Pick:
    """One choice of a picker: the claim and how alike it is to what it is ranked against."""

    claim: Claim
    score: float


def _ranked(
    claims: QuerySet[Claim], *, like: str, query: str, limit: int, keep: int | None = None
) -> list[Pick]:
    """At most `limit` claims of `claims`, most like `like` first.

    With a `query`, only claims holding every one of its words; without, the candidates are
    those sharing a keyword with `like`, topped up in map order. At most two queries, each
    LIMITed to CANDIDATES rows. `keep` (a claim's pk, say the one already chosen) is listed
    whatever its rank, when it is among `claims`.
    """
    target = words(like) | words(query)
    terms = _search_words(query)
    candidates: dict[int, Claim] = {}
    if terms:
        matching = claims.filter(reduce(and_, (Q(text__icontains=t) for t in terms)))
        candidates.update((c.pk, c) for c in matching[:CANDIDATES])
    else:
        keywords = _keywords(target)
        if keywords:
            sharing = claims.filter(reduce(or_, (Q(text__icontains=k) for k in keywords)))
            candidates.update((c.pk, c) for c in sharing[:CANDIDATES])
        if len(candidates) < limit:
            rest = claims.exclude(pk__in=list(candidates)).order_by("order", "pk")
            candidates.update((c.pk, c) for c in rest[: limit - len(candidates)])
    if keep is not None and keep not in candidates:
        kept = claims.filter(pk=keep).first()
        if kept is not None:
            candidates[kept.pk] = kept
    kinds: dict[str, int] = {Claim.Kind.ISSUE: 0, Claim.Kind.POSITION: 1, Claim.Kind.ARGUMENT: 2}
    picks = sorted(
        (Pick(c, similarity(target, words(c.text))) for c in candidates.values()),
        key=lambda p: (-p.score, kinds.get(p.claim.kind, 3), p.claim.order, p.claim.pk),
    )
    shown = picks[:limit]
    if keep is not None and all(p.claim.pk != keep for p in shown):
        shown += [p for p in picks if p.claim.pk == keep]
    return shown


# --- the reader ----------------------------------------------------------------------------


def _member_debates(viewer) -> QuerySet[Debate]:
    member_of = Membership.objects.filter(user=viewer).values("debate")
    return Debate.objects.filter(Q(pk__in=member_of) | Q(owner=viewer))


def grounded_debates(*, source: Source, viewer) -> list[Debate]:
    """The debates grounded in `source` that the viewer belongs to (owns or is a member of),
    by title: those a note on it may be addressed to, the first being a new note's default.
    One query."""
    if not viewer.is_authenticated:
        return []
    return list(_member_debates(viewer).filter(sources=source).order_by("title", "pk"))


def _citable_debates(*, source: Source, viewer) -> QuerySet[Debate]:
    """Debates grounded in `source` where the viewer may cite it: open to them, not closed,
    and theirs (owned or joined; staff may cite in any they can see)."""
    debates = (
        debates_visible_to(viewer)
        .filter(sources=source)
        .exclude(contribution_mode=Debate.Mode.CLOSED)
    )
    if not viewer.is_staff:
        member_of = Membership.objects.filter(user=viewer).values("debate")
        debates = debates.filter(Q(pk__in=member_of) | Q(owner=viewer))
    return debates


def _citable_claims(*, source: Source, viewer) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(debate__in=_citable_debates(source=source, viewer=viewer).values("pk"))
        .filter(policy.visible_claims_q(viewer))
        .exclude(status__in=OFF_MAP)
        .select_related("debate")
    )


def can_cite_from(*, source: Source, viewer) -> bool:
    """Whether the viewer may cite this source in any debate grounded in it (one query)."""
    if not viewer.is_authenticated:
        return False
    return _citable_debates(source=source, viewer=viewer).exists()


def claim_picks(
    *,
    source: Source,
    viewer,
    like: str = "",
    query: str = "",
    limit: int = RESULTS,
    keep: int | None = None,
) -> list[Pick]:
    """Claims the viewer may cite a passage of `source` for, in the debates grounded in it,
    those most like the passage (`like`) first; with `query`, only claims holding its words.
    Bounded: see `_ranked`."""
    if not viewer.is_authenticated:
        return []
    claims = _citable_claims(source=source, viewer=viewer)
    return _ranked(claims, like=like, query=query, limit=limit, keep=keep)


def citable_claim(*, source: Source, viewer, pk: int) -> Claim | None:
    """The claim `pk` if the viewer may cite `source` for it (the picker would offer it)."""
    if not viewer.is_authenticated:
        return None
    return _citable_claims(source=source, viewer=viewer).filter(pk=pk).first()


# --- the moderation queue ------------------------------------------------------------------


def merge_picks(
    *, claim: Claim, query: str = "", limit: int = RESULTS, keep: int | None = None
) -> list[Pick]:
    """Claims `claim` may be merged into (see `merge_targets`), those most like it first; with
    `query`, only claims holding its words. Bounded: see `_ranked`."""
    targets = merge_targets(claim=claim).select_related("debate")
    return _ranked(targets, like=claim.text, query=query, limit=limit, keep=keep)
