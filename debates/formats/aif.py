"""AIF JSON (AIFdb / OVA nodesets) read into and written from a ``MapDoc``.

AIF is a graph: I-nodes (propositions) joined through S-nodes (RA inference, CA conflict, MA
rephrase), plus L-nodes (locutions) tied to propositions by YA (illocution) nodes. Crux keeps a
tree with one issue at the root and cross-links for extra parents, so ``parse`` maps as follows:

* Every I-node is a claim keyed by its nodeID (ints are accepted and stringified). An I-node
  that is a premise of nothing (a root, or an isolated node) is a POSITION answering the issue.
  The issue is the I-node ``write`` marked (``"crux": {"issue": true}``), else a synthetic one
  whose text is the file's ``title`` (top level or wrapper) or "Imported AIF map".
* premise → RA → conclusion: the premise SUPPORTS the conclusion; premise → CA → I-node:
  it OPPOSES it; attacker → CA → RA/CA (an attack on a relation): the attacker UNDERCUTS and
  stands under the first premise of the attacked relation. Several premises into one RA/CA
  (linked premises) each become a child; claims whose tree relation shares one S-node carry
  ``extra["aif_group"]`` (that S-node's id) so ``write`` puts them back into one node.
* A premise of several relations stands under the first (in the order the S-nodes are listed)
  and the others become cross-links. Cycles (A supports B supports A) are broken at the node
  of the cycle listed first: it moves to its next relation that does not close a cycle (the
  skipped ones become cross-links); with none left it becomes a position and the relations it
  had are dropped (a position cannot be the child of a cross-link). Relations that cannot be
  kept — to the issue, of an issue, of a position, of a node to itself — are listed in
  ``doc.meta["dropped_relations"]``.
* rephrasing I → MA → rephrased I sets the rephrasing claim's ``merged_into``; an MA that would
  close a loop of restatements, or a second MA from the same claim, is dropped.
* L-nodes are the passages of ONE transcript source (one locution per line, in file order, a
  node listed twice counted once; blank locutions skipped); the passage label is the speaker of
  "Speaker : words". L → YA → I makes evidence (relation "context", note = the YA's text).
* Ignored: TA (transitions) and PA (preferences), silently: they are dialogue structure Crux
  does not hold. Ignored and counted in ``doc.meta["ignored_nodes"]``: YA that do not join an
  L-node to an I-node (e.g. TA → YA → RA), node types AIF does not define (with their edges),
  RA/CA/MA with no edges at all, an RA whose only conclusions are S-nodes (support of an
  inference), a CA aimed only at an MA. The ``locutions`` list is checked to be a list and
  otherwise not read (speakers and times are not kept); the L-nodes carry the words.
* Errors (``FormatError`` naming the JSON line/column or the node): invalid or truncated JSON,
  absurd nesting, wrong types, ids that are neither strings nor integers, a node listed twice
  with different content, an edge to a node that does not exist, an RA/CA/MA with a premise but
  no conclusion or the reverse, an I-node without text, NUL or lone surrogates in a text.

``write`` gives every claim an I-node (ids renumbered "1", "2"…, claims first), the issue marked
as above, each position an RA into the issue, each supporting/opposing argument an RA/CA into
its parent, each undercut a CA aimed at the S-node of its parent's own relation, each
cross-link one more RA/CA, each ``merged_into`` an MA, each passage an L-node (with a
``locutions`` entry) and each evidence item a YA (its relation kept in ``"crux"`` unless it is
"context"). Lost on the way: source titles, URLs and full texts (passages are written as bare
locutions), passage labels, claim ``extra`` other than the group, the original AIF ids, and
``line``. Shapes that do not come back the same: a map without an issue (a subtree) reads back
under a synthetic issue, its roots as positions; an undercut of a claim that has no relation
of its own (such a root) is written as a CA on its I-node and reads back as OPPOSES; an
undercut of one member of a linked group reads back under the group's first premise; an AIF
attack on a relation that Crux holds as a cross-link lands on the premise's tree relation.
The top level also carries ``title`` and ``description``. Output is deterministic (claims in
order, cross-links in the order of their claims), so ``write(parse(write(doc))) == write(doc)``.

Pure functions over plain data: no Django, no database, no I/O.
"""

import json
import re
from collections import Counter
from typing import Any

from debates.formats.mapdoc import (
    ANSWERS,
    ARGUMENT,
    ISSUE,
    MAX_CLAIM_CHARS,
    OPPOSES,
    POSITION,
    SUPPORTS,
    UNDERCUTS,
    FormatError,
    MapClaim,
    MapDoc,
    MapEvidence,
    MapLink,
    MapPassage,
    MapSource,
    check,
)
from debates.formats.unstorable import UNSTORABLE as _UNSTORABLE

FORMAT = "aif"
DEFAULT_TITLE = "Imported AIF map"
TRANSCRIPT_KEY = "aif-transcript"
TRANSCRIPT_TITLE = "Transcript"
CONTEXT = "context"
GROUP = "aif_group"  # MapClaim.extra key: the S-node shared by linked premises
MARK = "crux"  # node field AIF tools ignore: {"issue": true}, {"tags": [...]}, {"relation": …}
KNOWN_TYPES = frozenset({"I", "L", "RA", "CA", "MA", "YA", "TA", "PA"})
RELATION_TYPES = ("RA", "CA", "MA")
_SPEAKER = re.compile(r"^\s*([^:\n]{1,200}?)\s*:\s")


# --------------------------------------------------------------------------------------------
# Reading


def parse(text: str | bytes) -> MapDoc:
    """Read AIF JSON (bare, or wrapped as ``{"AIF": {...}, "text": ..., "OVA": ...}``)."""
    data = _load(text)
    if not isinstance(data, dict):
        raise FormatError("An AIF file is a JSON object with a “nodes” list.")
    body: dict[str, Any] = data
    wrapper: dict[str, Any] = {}
    if "AIF" in data and "nodes" not in data:
        if not isinstance(data["AIF"], dict):
            raise FormatError("“AIF” must be an object with a “nodes” list.")
        body, wrapper = data["AIF"], data
    if "nodes" not in body:
        raise FormatError("No “nodes” list: this is not an AIF file.")
    return _Reader(body, wrapper).read()


def _load(text: str | bytes) -> Any:
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as error:
            raise FormatError(
                f"The file is not UTF-8 text (byte {error.start + 1} cannot be read)."
            ) from None
    if not isinstance(text, str):
        raise FormatError("An AIF file is JSON text.")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise FormatError("The file is empty.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(
            f"Not valid JSON at column {error.colno}: {error.msg}.", line=error.lineno
        ) from None
    except RecursionError:
        raise FormatError("The JSON is nested too deeply to be an AIF file.") from None
    except ValueError as error:  # e.g. an integer too long to convert
        raise FormatError(f"Not valid JSON: {error}.") from None


def _node_id(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FormatError(f"{what} must be a string or an integer, not {_json_type(value)}.")
    ident = str(value)
    if not ident.strip():
        raise FormatError(f"{what} is empty.")
    if _UNSTORABLE.search(ident):
        raise FormatError(f"{what} holds a NUL or an invalid character.")
    return ident


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _optional_str(container: dict[str, Any], key: str) -> str:
    value = container.get(key)
    return value if isinstance(value, str) and not _UNSTORABLE.search(value) else ""


class _Node:
    __slots__ = ("ident", "kind", "text", "index", "mark", "ins", "outs")

    def __init__(self, ident: str, kind: str, text: str, index: int, mark: dict[str, Any]):
        self.ident = ident
        self.kind = kind
        self.text = text
        self.index = index
        self.mark = mark
        self.ins: list[str] = []  # ids of nodes with an edge to this one, in edge order
        self.outs: list[str] = []


class _Reader:
    def __init__(self, body: dict[str, Any], wrapper: dict[str, Any]):
        self.body = body
        self.wrapper = wrapper
        self.nodes: dict[str, _Node] = {}
        self.order: list[_Node] = []
        self.ignored: Counter[str] = Counter()
        self.dropped: list[dict[str, str]] = []
        self.premises: dict[str, list[str]] = {}  # S-node id -> its I-node premises

    # -- structure ---------------------------------------------------------------------------

    def read(self) -> MapDoc:
        self._read_nodes()
        self._read_edges()
        self._read_locutions()
        inodes = [n for n in self.order if n.kind == "I"]
        issues = [n.ident for n in inodes if n.mark.get("issue") is True]
        title = _optional_str(self.body, "title") or _optional_str(self.wrapper, "title")
        doc = MapDoc(
            title="",
            description=_optional_str(self.body, "description"),
            format=FORMAT,
        )
        candidates = self._relations()
        claims = self._tree(inodes, issues, candidates, doc, title)
        doc.title = title if title.strip() else doc.claims[0].text
        self._merges(claims)
        self._evidence(doc, claims)
        wrapped_text = _optional_str(self.wrapper, "text")
        if wrapped_text:
            doc.meta["text"] = wrapped_text
        if self.ignored:
            doc.meta["ignored_nodes"] = dict(sorted(self.ignored.items()))
        if self.dropped:
            doc.meta["dropped_relations"] = self.dropped
        return check(doc)

    def _read_nodes(self) -> None:
        nodes = self.body["nodes"]
        if not isinstance(nodes, list):
            raise FormatError(f"“nodes” must be a list, not {_json_type(nodes)}.")
        for position, raw in enumerate(nodes, start=1):
            if not isinstance(raw, dict):
                raise FormatError(f"Entry {position} of “nodes” is not an object.")
            if "nodeID" not in raw:
                raise FormatError(f"Entry {position} of “nodes” has no nodeID.")
            ident = _node_id(raw["nodeID"], f"The nodeID of entry {position} of “nodes”")
            kind = raw.get("type")
            if not isinstance(kind, str) or not kind.strip():
                raise FormatError("The node has no type (I, RA, CA, MA, L, YA…).", node=ident)
            kind = kind.strip()
            text = raw.get("text", "")
            if text is None and kind != "I":
                text = ""
            if not isinstance(text, str):
                raise FormatError(f"Its text must be a string, not {_json_type(text)}.", node=ident)
            if _UNSTORABLE.search(text):
                raise FormatError("Its text holds a NUL or an invalid character.", node=ident)
            if kind == "I" and not text.strip():
                raise FormatError("An I-node (a proposition) has no text.", node=ident)
            mark = raw.get(MARK)
            node = _Node(ident, kind, text, len(self.order), mark if isinstance(mark, dict) else {})
            known = self.nodes.get(ident)
            if known is not None:
                if known.kind == kind and known.text == text:
                    continue  # the same node listed twice
                raise FormatError("Two different nodes have this nodeID.", node=ident)
            self.nodes[ident] = node
            self.order.append(node)
            if kind not in KNOWN_TYPES:
                self.ignored[kind] += 1

    def _read_edges(self) -> None:
        edges = self.body.get("edges", [])
        if edges is None:
            edges = []
        if not isinstance(edges, list):
            raise FormatError(f"“edges” must be a list, not {_json_type(edges)}.")
        seen: set[tuple[str, str]] = set()
        for position, raw in enumerate(edges, start=1):
            if not isinstance(raw, dict):
                raise FormatError(f"Entry {position} of “edges” is not an object.")
            name = f"entry {position} of “edges”"
            if "edgeID" in raw and raw["edgeID"] is not None:
                name = f"edge {_node_id(raw['edgeID'], f'The edgeID of {name}')}"
            ends = []
            for end in ("fromID", "toID"):
                if end not in raw:
                    raise FormatError(f"{name.capitalize()} has no {end}.")
                ident = _node_id(raw[end], f"The {end} of {name}")
                if ident not in self.nodes:
                    raise FormatError(
                        f"{name.capitalize()} points at it ({end}), but there is no such node.",
                        node=ident,
                    )
                ends.append(ident)
            source, target = ends
            if (source, target) in seen:
                continue
            seen.add((source, target))
            self.nodes[source].outs.append(target)
            self.nodes[target].ins.append(source)

    def _read_locutions(self) -> None:
        locutions = self.body.get("locutions", [])
        if locutions is not None and not isinstance(locutions, list):
            raise FormatError(f"“locutions” must be a list, not {_json_type(locutions)}.")
        # Speakers, times and the like are not kept; the L-nodes carry the words.

    # -- relations ---------------------------------------------------------------------------

    def _relations(self) -> dict[str, list[tuple[str, str, str]]]:
        """For each I-node, the (parent key, relation, S-node id) it could stand under, in the
        order the S-nodes are listed."""
        premises: dict[str, list[str]] = {}
        for node in self.order:
            if node.kind not in RELATION_TYPES:
                continue
            ins = [i for i in node.ins if self.nodes[i].kind == "I"]
            if not node.ins and not node.outs:
                self.ignored[f"{node.kind} without edges"] += 1
                continue
            name = {"RA": "An inference (RA)", "CA": "A conflict (CA)", "MA": "A rephrase (MA)"}
            if not ins:
                raise FormatError(
                    f"{name[node.kind]} node has no premise: no I-node points at it.",
                    node=node.ident,
                )
            if not node.outs:
                raise FormatError(
                    f"{name[node.kind]} node has no conclusion: it points at no node.",
                    node=node.ident,
                )
            premises[node.ident] = ins
        candidates: dict[str, list[tuple[str, str, str]]] = {}
        for node in self.order:
            if node.ident not in premises or node.kind == "MA":
                continue
            found = []
            for target in node.outs:
                kind = self.nodes[target].kind
                if kind == "I":
                    found.append((target, SUPPORTS if node.kind == "RA" else OPPOSES))
                elif node.kind == "CA" and kind in ("RA", "CA") and target in premises:
                    found.append((premises[target][0], UNDERCUTS))
            if not found:
                self.ignored[f"{node.kind} without an I-node conclusion"] += 1
            for premise in premises[node.ident]:
                for parent, relation in found:
                    candidates.setdefault(premise, []).append((parent, relation, node.ident))
        self.premises = premises
        return candidates

    def _drop(self, claim: str, parent: str, relation: str, why: str) -> None:
        self.dropped.append({"claim": claim, "parent": parent, "relation": relation, "why": why})

    def _tree(
        self,
        inodes: list[_Node],
        issues: list[str],
        candidates: dict[str, list[tuple[str, str, str]]],
        doc: MapDoc,
        title: str,
    ) -> dict[str, MapClaim]:
        issue_set = set(issues)
        # Usable candidates: never an issue's, never to oneself, never an undercut of an issue.
        usable: dict[str, list[tuple[str, str, str]]] = {}
        for node in inodes:
            for above, relation, via in candidates.get(node.ident, []):
                if node.ident in issue_set:
                    self._drop(node.ident, above, relation, "an issue stands under nothing")
                elif above == node.ident:
                    self._drop(node.ident, above, relation, "a claim cannot stand under itself")
                elif above in issue_set and relation == UNDERCUTS:
                    self._drop(node.ident, above, relation, "an issue has no relation to undercut")
                else:
                    usable.setdefault(node.ident, []).append((above, relation, via))
        chosen: dict[str, int] = {}  # key -> index into usable[key]
        parent: dict[str, str] = {}
        for key, options in usable.items():
            chosen[key] = 0
            parent[key] = options[0][0]
        detached = self._break_cycles(inodes, parent)
        self._reattach(detached, usable, chosen, parent)

        claims: dict[str, MapClaim] = {}
        if not issues:
            # No issue in the file: a synthetic one, listed first.
            synthetic = _fresh_key("issue", self.nodes)
            issue_text = title.strip()[:MAX_CLAIM_CHARS] or DEFAULT_TITLE
            claims[synthetic] = MapClaim(key=synthetic, text=issue_text, kind=ISSUE)
            issues = [synthetic]
        for node in inodes:
            key = node.ident
            claim = MapClaim(key=key, text=node.text, kind=POSITION)
            tags = node.mark.get("tags")
            if isinstance(tags, list):
                claim.tags = [t for t in tags if isinstance(t, str) and not _UNSTORABLE.search(t)]
            if key in issue_set:
                claim.kind = ISSUE
            elif key in parent:
                claim.parent = parent[key]
                _, relation, _ = usable[key][chosen[key]]
                if parent[key] in issue_set:
                    claim.relation = ANSWERS
                else:
                    claim.kind, claim.relation = ARGUMENT, relation
            else:
                claim.parent, claim.relation = issues[0], ANSWERS
            claims[key] = claim
        self._groups(claims, usable, chosen)
        self._links(doc, claims, usable, chosen, issue_set)
        doc.claims = _parents_first(list(claims.values()))
        return claims

    def _break_cycles(self, inodes: list[_Node], parent: dict[str, str]) -> list[str]:
        """Cut each cycle of first choices at its node listed first; return those nodes."""
        state: dict[str, int] = {}  # 1 on the current walk, 2 done
        index = {n.ident: n.index for n in inodes}
        detached = []
        for node in inodes:
            walk = []
            key: str | None = node.ident
            while key is not None and key not in state:
                state[key] = 1
                walk.append(key)
                key = parent.get(key)
            if key is not None and state[key] == 1:
                loop = walk[walk.index(key) :]
                first = min(loop, key=index.__getitem__)
                del parent[first]
                detached.append(first)
            for item in walk:
                state[item] = 2
        return sorted(detached, key=index.__getitem__)

    def _reattach(
        self,
        detached: list[str],
        usable: dict[str, list[tuple[str, str, str]]],
        chosen: dict[str, int],
        parent: dict[str, str],
    ) -> None:
        """Give each cut node its next relation that closes no cycle, using a union-find of
        the trees (a node may go under any node outside its own tree)."""
        if not detached:
            return
        tree: dict[str, str] = {}

        def find(key: str) -> str:
            root = key
            while tree.get(root, root) != root:
                root = tree[root]
            while tree.get(key, key) != root:
                tree[key], key = root, tree[key]
            return root

        for key, above in parent.items():
            tree[key] = above
        for key in detached:
            for number, (above, _, _) in enumerate(usable[key]):
                if find(above) != find(key):
                    chosen[key] = number
                    parent[key] = above
                    tree[key] = above
                    break
            else:
                del chosen[key]
                for above, relation, _ in usable.pop(key):
                    self._drop(key, above, relation, "it closes a cycle")

    def _groups(
        self,
        claims: dict[str, MapClaim],
        usable: dict[str, list[tuple[str, str, str]]],
        chosen: dict[str, int],
    ) -> None:
        members: dict[str, list[str]] = {}
        for key, number in chosen.items():
            via = usable[key][number][2]
            if len(self.premises[via]) > 1 and claims[key].kind == ARGUMENT:
                members.setdefault(via, []).append(key)
        for via, keys in members.items():
            if len(keys) > 1:
                for key in keys:
                    claims[key].extra[GROUP] = via

    def _links(
        self,
        doc: MapDoc,
        claims: dict[str, MapClaim],
        usable: dict[str, list[tuple[str, str, str]]],
        chosen: dict[str, int],
        issue_set: set[str],
    ) -> None:
        for key, options in usable.items():
            claim = claims[key]
            seen = {(claim.parent, claim.relation)}
            for number, (above, relation, _) in enumerate(options):
                if number == chosen.get(key) or (above, relation) in seen:
                    continue
                seen.add((above, relation))
                if claim.kind != ARGUMENT:
                    self._drop(key, above, relation, "a position cannot be cross-linked")
                elif above in issue_set:
                    self._drop(key, above, relation, "an argument cannot answer the issue")
                else:
                    doc.links.append(MapLink(claim=key, parent=above, relation=relation))

    def _merges(self, claims: dict[str, MapClaim]) -> None:
        """MA: rephrasing → rephrased. Refuse loops of restatements with a union-find."""
        into: dict[str, str] = {}

        def end(key: str) -> str:
            root = key
            while root in into:
                root = into[root]
            while key in into and into[key] != root:
                into[key], key = root, into[key]
            return root

        for node in self.order:
            if node.kind != "MA" or node.ident not in self.premises:
                continue
            targets = [t for t in node.outs if self.nodes[t].kind == "I"]
            if not targets:
                self.ignored["MA without an I-node conclusion"] += 1
                continue
            target = targets[0]
            for premise in self.premises[node.ident]:
                claim = claims[premise]
                if claim.merged_into is not None or premise == target:
                    self._drop(premise, target, "merged", "it already restates a claim")
                    continue
                if end(target) == premise:
                    self._drop(premise, target, "merged", "it closes a loop of restatements")
                    continue
                claim.merged_into = target
                into[premise] = end(target)

    def _evidence(self, doc: MapDoc, claims: dict[str, MapClaim]) -> None:
        passages = []
        lines = []
        for node in self.order:
            if node.kind == "L" and node.text.strip():
                match = _SPEAKER.match(node.text)
                label = match.group(1).strip() if match else ""
                passages.append(MapPassage(key=node.ident, exact=node.text, label=label))
                lines.append(node.text)
        if not passages:
            return
        doc.sources.append(
            MapSource(
                key=TRANSCRIPT_KEY, title=TRANSCRIPT_TITLE, text="\n".join(lines), passages=passages
            )
        )
        known = {p.key for p in passages}
        seen: set[tuple[str, str, str, str]] = set()
        for node in self.order:
            if node.kind != "YA":
                continue
            speakers = [i for i in node.ins if i in known]
            targets = [o for o in node.outs if self.nodes[o].kind == "I"]
            if not speakers or not targets:
                self.ignored["YA not joining an L-node to an I-node"] += 1
                continue
            relation = node.mark.get("relation")
            if relation not in (SUPPORTS, OPPOSES):
                relation = CONTEXT
            for passage in speakers:
                for claim in targets:
                    item = (claim, passage, relation, node.text)
                    if item not in seen:
                        seen.add(item)
                        doc.evidence.append(MapEvidence(*item))


def _fresh_key(base: str, taken: dict[str, Any]) -> str:
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key


def _parents_first(claims: list[MapClaim]) -> list[MapClaim]:
    """Keep the file's order, except that a claim waits until its parent has been listed."""
    done: set[str] = set()
    waiting: dict[str, list[MapClaim]] = {}
    out: list[MapClaim] = []
    for claim in claims:
        if claim.parent is not None and claim.parent not in done:
            waiting.setdefault(claim.parent, []).append(claim)
            continue
        stack = [claim]
        while stack:
            item = stack.pop()
            out.append(item)
            done.add(item.key)
            stack.extend(reversed(waiting.pop(item.key, [])))
    return out


# --------------------------------------------------------------------------------------------
# Writing


_TEXTS = {
    "RA": "Default Inference",
    "CA": "Default Conflict",
    "MA": "Default Rephrase",
}


def write(doc: MapDoc) -> str:
    """AIF JSON for ``doc`` (see the module docstring for what is kept)."""
    check(doc)
    writer = _Writer(doc)
    return writer.write()


class _Writer:
    def __init__(self, doc: MapDoc):
        self.doc = doc
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, str]] = []
        self.locutions: list[dict[str, str]] = []
        self.count = len(doc.claims)
        self.ids = {c.key: str(number) for number, c in enumerate(doc.claims, start=1)}
        self.relation_node: dict[str, str] = {}  # claim key -> the S-node of its tree relation

    def _new(self, kind: str, text: str, **extra: Any) -> str:
        self.count += 1
        ident = str(self.count)
        self.nodes.append({"nodeID": ident, "text": text, "type": kind, **extra})
        return ident

    def _edge(self, source: str, target: str) -> None:
        self.edges.append({"edgeID": str(len(self.edges) + 1), "fromID": source, "toID": target})

    def _s_node(self, relation: str) -> str:
        kind = "RA" if relation in (SUPPORTS, ANSWERS) else "CA"
        if relation == ANSWERS:
            return self._new(kind, "Answering", scheme="Answering", **{MARK: {"relation": ANSWERS}})
        return self._new(kind, _TEXTS[kind], scheme=_TEXTS[kind])

    def _target(self, parent: str, relation: str) -> str:
        """The node a relation to ``parent`` points at: the parent itself, or for an undercut
        the S-node of the parent's own relation (the parent's I-node if it has none)."""
        if relation == UNDERCUTS:
            return self.relation_node.get(parent, self.ids[parent])
        return self.ids[parent]

    def write(self) -> str:
        doc = self.doc
        by_key = {c.key: c for c in doc.claims}
        groups: dict[tuple[str, str, str], list[MapClaim]] = {}
        for claim in doc.claims:
            group = claim.extra.get(GROUP)
            if group is not None and claim.parent is not None and claim.kind == ARGUMENT:
                groups.setdefault((str(group), claim.parent, claim.relation), []).append(claim)
        grouped: dict[str, str] = {}  # claim key -> S-node already written for its group
        for claim in doc.claims:
            node: dict[str, Any] = {"nodeID": self.ids[claim.key], "text": claim.text, "type": "I"}
            mark: dict[str, Any] = {}
            if claim.kind == ISSUE:
                mark["issue"] = True
            if claim.tags:
                mark["tags"] = list(claim.tags)
            if mark:
                node[MARK] = mark
            self.nodes.append(node)
            if claim.parent is None:
                continue
            if claim.key in grouped:
                self.relation_node[claim.key] = grouped[claim.key]
                continue
            relation = ANSWERS if by_key[claim.parent].kind == ISSUE else claim.relation
            members = [claim]
            group = claim.extra.get(GROUP)
            if group is not None and claim.kind == ARGUMENT:
                members = groups[(str(group), claim.parent, claim.relation)]
            s_node = self._s_node(relation)
            for member in members:
                self._edge(self.ids[member.key], s_node)
                grouped[member.key] = s_node
            self._edge(s_node, self._target(claim.parent, relation))
            self.relation_node[claim.key] = s_node
        order = {c.key: number for number, c in enumerate(doc.claims)}
        for link in sorted(doc.links, key=lambda x: order[x.claim]):
            s_node = self._s_node(link.relation)
            self._edge(self.ids[link.claim], s_node)
            self._edge(s_node, self._target(link.parent, link.relation))
        for claim in doc.claims:
            if claim.merged_into is not None:
                s_node = self._new("MA", _TEXTS["MA"], scheme=_TEXTS["MA"])
                self._edge(self.ids[claim.key], s_node)
                self._edge(s_node, self.ids[claim.merged_into])
        self._write_evidence()
        out: dict[str, Any] = {"title": doc.title}
        if doc.description:
            out["description"] = doc.description
        out.update(nodes=self.nodes, edges=self.edges, locutions=self.locutions)
        return _dump(out)

    def _write_evidence(self) -> None:
        passages: dict[str, str] = {}
        for source in self.doc.sources:
            for passage in source.passages:
                if passage.exact.strip():
                    passages[passage.key] = self._new("L", passage.exact)
                    self.locutions.append({"nodeID": passages[passage.key]})
        seen: set[tuple[str, str, str, str]] = set()
        for item in self.doc.evidence:
            key = (item.claim, item.passage, item.relation, item.note)
            if item.passage not in passages or key in seen:
                continue
            seen.add(key)
            extra: dict[str, Any] = {}
            if item.relation != CONTEXT:
                extra[MARK] = {"relation": item.relation}
            s_node = self._new("YA", item.note or "Asserting", **extra)
            self._edge(passages[item.passage], s_node)
            self._edge(s_node, self.ids[item.claim])


def _dump(out: dict[str, Any]) -> str:
    """JSON with one node, edge or locution a line: readable, diffable, deterministic."""
    lines = []
    for key, value in out.items():
        name = json.dumps(key)
        if isinstance(value, list) and value:
            items = ",\n".join(f"  {json.dumps(item, ensure_ascii=False)}" for item in value)
            lines.append(f"{name}: [\n{items}\n ]")
        else:
            lines.append(f"{name}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n " + ",\n ".join(lines) + "\n}\n"
