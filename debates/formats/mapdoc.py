"""The plain data every argument-map format reads into and writes from.

A format module (``kialo``, ``aif``, ``argdown``, ``backup``) is a pair of pure functions:
``parse(text) -> MapDoc`` and ``write(doc) -> str``. No Django, no database: the importer in
``debates.services.imports`` turns a ``MapDoc`` into rows and the exporter in
``debates.selectors.exports`` turns rows into one, so each format is written and tested once.

A ``MapDoc`` speaks Crux's shape, not the format's: one issue at the root (optional when a
subtree is imported under an existing claim), positions that answer it, arguments that
support, oppose or undercut a position or another argument, and cross-links (a claim that
also stands under a second parent). Claims are listed parents first; ``key`` is the format's
own name for the node (a Kialo path, an AIF nodeID, an Argdown title), kept for messages and
for the links and evidence that point at it.
"""

from dataclasses import dataclass, field
from typing import Any

ISSUE, POSITION, ARGUMENT = "issue", "position", "argument"
ANSWERS, SUPPORTS, OPPOSES, UNDERCUTS = "answers", "supports", "opposes", "undercuts"
KINDS = (ISSUE, POSITION, ARGUMENT)
ARGUMENT_RELATIONS = (SUPPORTS, OPPOSES, UNDERCUTS)
# Longest claim text any format may produce: the services' limit (a test keeps them equal).
MAX_CLAIM_CHARS = 2000


class FormatError(ValueError):
    """A file that cannot be read. The message names the line (1-based) or node at fault."""

    def __init__(self, message: str, *, line: int | None = None, node: str | None = None):
        self.line = line
        self.node = node
        where = f"Line {line}: " if line is not None else (f"Node {node}: " if node else "")
        super().__init__(f"{where}{message}")


@dataclass
class MapClaim:
    key: str
    text: str
    kind: str  # ISSUE, POSITION or ARGUMENT
    parent: str | None = None  # key of the parent claim; None for an issue or a subtree root
    relation: str = ""  # "" for an issue, ANSWERS for a position, else ARGUMENT_RELATIONS
    line: int | None = None  # where it was read, for messages
    # A restatement of another claim (AIF's MA rephrase): imported as merged into it.
    merged_into: str | None = None
    tags: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # format-specific, kept for round trips


@dataclass
class MapLink:
    """``claim`` also stands under ``parent`` with ``relation`` (Kialo's ``-> See``)."""

    claim: str
    parent: str
    relation: str


@dataclass
class MapPassage:
    key: str
    exact: str  # the quoted text; it occurs in its source's text
    label: str = ""


@dataclass
class MapSource:
    key: str
    title: str
    text: str  # the whole text the passages are quoted from
    url: str = ""
    passages: list[MapPassage] = field(default_factory=list)


@dataclass
class MapEvidence:
    claim: str  # claim key
    passage: str  # passage key (unique across the document's sources)
    relation: str = SUPPORTS  # SUPPORTS, OPPOSES or "context"
    note: str = ""


@dataclass
class MapDoc:
    title: str
    claims: list[MapClaim] = field(default_factory=list)
    links: list[MapLink] = field(default_factory=list)
    sources: list[MapSource] = field(default_factory=list)
    evidence: list[MapEvidence] = field(default_factory=list)
    description: str = ""
    format: str = ""  # which reader made it: "kialo-flat", "kialo-indented", "aif", "argdown"
    meta: dict[str, Any] = field(default_factory=dict)  # front matter, wrapper fields…

    def claim_keys(self) -> set[str]:
        return {c.key for c in self.claims}


def check(doc: MapDoc) -> MapDoc:
    """Raise FormatError unless ``doc`` is a well-formed Crux map; return it.

    Keys unique; parents listed before their children (so no cycles); kinds and relations as
    Crux allows them; links and evidence point at claims and passages that exist.
    """
    seen: dict[str, MapClaim] = {}
    for claim in doc.claims:
        if claim.key in seen:
            raise _at(claim, f"“{claim.key}” names two claims.")
        if claim.kind not in KINDS:
            raise _at(claim, f"“{claim.kind}” is not a kind of claim.")
        if not claim.text.strip():
            raise _at(claim, "A claim has no text.")
        if len(claim.text) > MAX_CLAIM_CHARS:
            raise _at(
                claim,
                f"A claim is {len(claim.text):,} characters long; at most "
                f"{MAX_CLAIM_CHARS:,} are allowed.",
            )
        if claim.parent is not None:
            parent = seen.get(claim.parent)
            if parent is None:
                raise _at(
                    claim, f"The parent “{claim.parent}” does not exist or comes later (a cycle?)."
                )
            problem = place_problem(claim.kind, parent.kind, claim.relation)
            if problem:
                raise _at(claim, problem)
        elif claim.kind == ISSUE and claim.relation:
            raise _at(claim, "An issue has no relation.")
        seen[claim.key] = claim
    for claim in doc.claims:
        if claim.merged_into is not None and claim.merged_into not in seen:
            raise _at(claim, f"It restates “{claim.merged_into}”, which does not exist.")
    for link in doc.links:
        for key in (link.claim, link.parent):
            if key not in seen:
                raise FormatError(f"A cross-link points at “{key}”, which does not exist.")
        if link.claim == link.parent:
            raise FormatError(f"“{link.claim}” cannot stand under itself.", node=link.claim)
        problem = place_problem(seen[link.claim].kind, seen[link.parent].kind, link.relation)
        if problem:
            raise _at(seen[link.claim], problem)
    passages = set()
    for source in doc.sources:
        for passage in source.passages:
            if passage.exact not in source.text:
                raise FormatError(
                    f"The passage “{passage.key}” is not in its source’s text.", node=passage.key
                )
            passages.add(passage.key)
    for item in doc.evidence:
        if item.claim not in seen:
            raise FormatError(f"Evidence for “{item.claim}”, which does not exist.")
        if item.passage not in passages:
            raise FormatError(f"Evidence quotes “{item.passage}”, which does not exist.")
    return doc


def place_problem(kind: str, parent_kind: str, relation: str) -> str:
    """Why a claim of ``kind`` cannot stand under a ``parent_kind`` with ``relation``, or ""."""
    if kind == ISSUE:
        return "An issue is the root of a map; it has no parent."
    if kind == POSITION and (parent_kind != ISSUE or relation != ANSWERS):
        return "A position answers an issue."
    if kind == ARGUMENT and (parent_kind == ISSUE or relation not in ARGUMENT_RELATIONS):
        return "An argument supports, opposes or undercuts a position or another argument."
    return ""


def _at(claim: MapClaim, message: str) -> FormatError:
    if claim.line is not None:
        return FormatError(message, line=claim.line)
    return FormatError(message, node=claim.key)
