"""Hypothesis strategies for generated argument maps (``debates.formats.mapdoc.MapDoc``).

``map_docs()`` draws a well-formed Crux map: one issue, positions answering it, arguments
supporting, opposing or undercutting positions and arguments, optional cross-links. Texts mix
scripts (Latin, Cyrillic, Arabic and Hebrew right-to-left, CJK), markdown and punctuation the
formats escape. The format tests use it for their round-trip properties.
"""

from hypothesis import strategies as st

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
    MapLink,
)

WORDS = [
    "cities",
    "charge",
    "congestion",
    "Пхеньян",
    "Москва",
    "مدينة",
    "עיר",
    "北朝鮮",
    "naïve",
    "ﬁnance",
    "“quoted”",
    "**bold**",
    "_emphasis_",
    "[link](https://example.org/a_(b))",
    "(p. 12)",
    "50%",
    "#hashtag",
    "a-b",
    "x:y",
    "->",
    "1.2.",
    "\\(",
    "[1]",
]

# One claim's text: a few words, never blank, no line breaks (formats differ on those).
claim_texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)


@st.composite
def map_docs(
    draw,
    *,
    max_claims: int = 25,
    relations: tuple[str, ...] = (SUPPORTS, OPPOSES, UNDERCUTS),
    links: bool = True,
    max_positions: int = 3,
) -> MapDoc:
    """A map of 2..max_claims claims; ``relations`` limits the arguments' (Kialo has no
    undercut); ``links`` adds cross-links between existing claims."""
    doc = MapDoc(title=draw(claim_texts))
    doc.claims.append(MapClaim(key="c0", text=doc.title, kind=ISSUE))
    positions = draw(st.integers(min_value=1, max_value=max_positions))
    for i in range(1, positions + 1):
        doc.claims.append(
            MapClaim(
                key=f"c{i}", text=draw(claim_texts), kind=POSITION, parent="c0", relation=ANSWERS
            )
        )
    count = draw(st.integers(min_value=0, max_value=max(0, max_claims - positions - 1)))
    for i in range(positions + 1, positions + 1 + count):
        # Any position or argument so far may be the parent.
        parent = draw(st.integers(min_value=1, max_value=i - 1))
        doc.claims.append(
            MapClaim(
                key=f"c{i}",
                text=draw(claim_texts),
                kind=ARGUMENT,
                parent=f"c{parent}",
                relation=draw(st.sampled_from(relations)),
            )
        )
    if links and count:
        arguments = [c for c in doc.claims if c.kind == ARGUMENT]
        pairs = set()
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            claim = draw(st.sampled_from(arguments))
            parent = draw(st.sampled_from([c for c in doc.claims if c.kind != ISSUE]))
            if parent.key in (claim.key, claim.parent) or (claim.key, parent.key) in pairs:
                continue
            pairs.add((claim.key, parent.key))
            doc.links.append(
                MapLink(
                    claim=claim.key, parent=parent.key, relation=draw(st.sampled_from(relations))
                )
            )
    return doc


def shape(doc: MapDoc) -> tuple:
    """What a round trip must keep, whatever the keys: each claim's text, kind, relation and
    parent's text (in order), and the cross-links by text."""
    by_key = {c.key: c for c in doc.claims}
    claims = tuple(
        (c.text, c.kind, c.relation, by_key[c.parent].text if c.parent else None)
        for c in doc.claims
    )
    links = tuple(
        sorted((by_key[x.claim].text, by_key[x.parent].text, x.relation) for x in doc.links)
    )
    return claims, links
