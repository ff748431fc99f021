"""Evidence suggestions: the passages of a debate's sources that may bear on a claim.

The candidates are the passages of the debate's sources that the viewer may read, on each
source's current revision and still anchored, less those the claim already cites. They are
ranked by how well their text matches the claim's:

* on PostgreSQL by full-text ranking: the claim's words joined with OR into a `websearch`
  query (English stemming, stop words dropped), so a passage sharing some of the words is
  a candidate and one sharing more ranks higher; `SearchRank` with cover density, length
  normalised, over the same `to_tsvector('english', exact)` expression that the GIN index
  of migration 0010 covers;
* elsewhere (SQLite) by a BM25 score computed in Python over the debate's passages, read
  in one query, with the same idea: shared (lightly stemmed) words, rarer ones weigh more.

A passage sharing no word with the claim is not suggested. Two queries at most, whatever
the number of sources and passages.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, QuerySet

from .. import policy
from ..models import Claim, Evidence, Passage

SEARCH_CONFIG = "english"
# The claim's words that make the query (a claim is at most 2,000 characters).
MAX_QUERY_WORDS = 40
# SearchRank's normalisation: 1 divides by 1 + log(document length), so a long paragraph
# does not win by length alone; 32 maps the rank into [0, 1).
NORMALIZATION = 1 | 32

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# English words too common to say what a passage is about (the fallback's stop list; on
# PostgreSQL the "english" configuration drops its own).
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just me more most my no nor not now of off on once only or other our
    ours out over own same she should so some such than that the their theirs them then
    there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours also""".split()
)


@dataclass
class Suggestion:
    passage: Passage
    score: float


def _words(text: str) -> list[str]:
    """The claim's distinct words, in order, without stop words, at most MAX_QUERY_WORDS."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        word = word.replace("’", "'")
        if word in STOP_WORDS or len(word) < 2 or word in seen:
            continue
        seen[word] = None
        if len(seen) >= MAX_QUERY_WORDS:
            break
    return list(seen)


def _stem(word: str) -> str:
    """A light English stemmer for the fallback: enough that "floods" meets "flood" and
    "trade" meets "traded" and "trading"."""
    word = word.removesuffix("'s")
    for suffix in ("ations", "ation", "ings", "ing", "edly", "ied", "ed", "ies", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            break
    # "trade", "traded" and "trading" all become "trad".
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _terms(text: str) -> list[str]:
    return [
        _stem(w.replace("’", "'"))
        for w in _WORD.findall(text.lower())
        if w not in STOP_WORDS and len(w) >= 2
    ]


def candidates(*, claim: Claim, viewer) -> QuerySet[Passage]:
    """The passages that may be suggested for `claim` to `viewer` (no query runs here)."""
    cited = Evidence.objects.filter(claim=claim, deleted_at__isnull=True).values("passage_id")
    return (
        Passage.objects.filter(
            source__debates=claim.debate_id,
            anchor__status="anchored",
            anchor__revision_id=F("source__current_revision_id"),
        )
        .filter(policy.visible_sources_q(viewer, "source__"))
        .exclude(pk__in=cited)
    )


def evidence_suggestions(*, claim: Claim, viewer, limit: int = 5) -> list[Suggestion]:
    """Up to `limit` passages of the debate's sources that best match the claim's text,
    best first (see the module's note); none when the claim has no words to match."""
    words = _words(claim.text)
    if not words or limit <= 0:
        return []
    passages = candidates(claim=claim, viewer=viewer)
    if connection.vendor == "postgresql":
        return _ranked_full_text(passages, words, limit)
    return _ranked_bm25(passages, words, limit)


def _ranked_full_text(passages: QuerySet[Passage], words: list[str], limit: int) -> list:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    # "or" is websearch's operator: as a word of the claim it is a stop word anyway.
    query = SearchQuery(
        " or ".join(w for w in words if w != "or"), search_type="websearch", config=SEARCH_CONFIG
    )
    ranked = (
        passages.alias(document=SearchVector("anchor__exact", config=SEARCH_CONFIG))
        .filter(document=query)
        .annotate(
            rank=SearchRank(F("document"), query, cover_density=True, normalization=NORMALIZATION)
        )
        .select_related("anchor", "source")
        .order_by("-rank", "source__title", "anchor__start", "pk")[:limit]
    )
    return [Suggestion(passage, float(passage.rank)) for passage in ranked]


# BM25's usual constants: how fast repeats of a word stop counting, and how much a long
# passage is discounted.
K1 = 1.2
B = 0.75


def _ranked_bm25(passages: QuerySet[Passage], words: list[str], limit: int) -> list:
    wanted = {_stem(w) for w in words}
    rows = list(passages.values_list("pk", "anchor__exact"))
    if not rows:
        return []
    documents = {pk: Counter(_terms(text)) for pk, text in rows}
    lengths = {pk: sum(terms.values()) for pk, terms in documents.items()}
    average = (sum(lengths.values()) / len(lengths)) or 1.0
    having = Counter(term for terms in documents.values() for term in wanted & terms.keys())
    total = len(documents)
    idf = {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in having.items()}
    scores: list[tuple[float, int]] = []
    for pk, terms in documents.items():
        score = 0.0
        for term in wanted & terms.keys():
            tf = terms[term]
            score += idf[term] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[pk] / average))
        if score > 0:
            scores.append((score, pk))
    scores.sort(key=lambda pair: (-pair[0], pair[1]))
    best = {pk: score for score, pk in scores[:limit]}
    found = {
        p.pk: p for p in Passage.objects.filter(pk__in=best).select_related("anchor", "source")
    }
    return [Suggestion(found[pk], score) for pk, score in best.items() if pk in found]
