"""Argdown (https://argdown.org) read into and written from a ``MapDoc``.

``parse(text) -> MapDoc`` reads the Argdown that real files use; ``write(doc) -> str`` writes a
map back so that ``parse(write(doc))`` keeps every claim's text, kind, relation and parent, and
every cross-link. Pure functions: no Django, no I/O.

What is read
    Front matter between ``===`` lines (flat ``key: value`` YAML, block or ``[a, b]`` lists and
    one level of nested keys) goes to ``doc.meta``; ``title`` is the map's title and the issue's
    text, ``description`` the description. Statements ``[Title]: text``, arguments
    ``<Title>: text`` and untitled statements (plain text); a text may wrap onto the following
    lines (joined with one space). A later mention by title alone is the same element, and may
    come before the definition. Relations by indentation under the nearest less-indented line:
    ``+``/``<+`` the child supports the parent, ``-``/``<-`` attacks it, ``+>``/``->`` the
    parent supports/attacks the child, ``><`` contradiction (= attack), ``<_`` the child
    undercuts the parent, ``_>`` the reverse. Premise–conclusion structures: numbered lines
    ``(n)``, inference lines (``--``, ``----``, ``-- rule {data} --``), then the conclusion.
    ``#`` headings, ``#tag`` / ``#(multi word)`` tags, ``{key: value}`` data and comments
    (``//`` at a line start or after a space, ``/* */``, ``<!-- -->``).

How it maps onto Crux's tree
    Every relation is an edge "child stands under parent": for ``+``, ``-``, ``><``, ``<_`` the
    indented element is the child; for the reversed ``+>``, ``->``, ``_>`` the indented element
    is the parent (so ``[A]`` / ``  +> [B]`` puts A under B as a supporting argument).
    Edges are read in file order; an element's first edge is its tree parent and any later
    edge a ``MapLink``, unless that first edge would close a cycle (then it too becomes a
    link and the element stays a root). The same relation written at both ends is one edge.
    Elements that stand under nothing are the positions; everything else is an argument
    with the relation of its tree edge. Where the top-level is written does not matter: a
    top-level element that supports something (a premise–conclusion argument, a block that
    only hosts children) is an argument.

    A premise–conclusion structure after an argument line ``<A>`` makes ``<A>`` support the
    conclusion and every other numbered statement (premises and intermediate conclusions)
    support ``<A>``; without an argument line the premises support the conclusion directly.

    The issue is the front-matter ``title``. Without one, a map with exactly one root uses
    that root as the issue (its children then answer it: their relation becomes "answers"
    and the written one is kept in ``extra["argdown_relation"]``); a map with several roots
    gets the issue "Imported Argdown map" and its roots as positions. An element given no
    text anywhere uses its title as text (Argdown allows title-only elements; a warning
    names its line, so a mistyped title is visible).

    Keys are the titles (an argument sharing a statement's title gets ``<title>``; untitled
    statements get "Untitled n"; the issue "issue"). ``extra`` keeps ``title``, ``element``
    ("statement" or "argument"), ``data`` (the ``{}`` data) and ``group`` (the innermost
    ``#`` heading above the element's first mention).

What is lost (listed in ``doc.meta["warnings"]`` when it happens)
    Edges Crux cannot hold: a relation into a claim that had to become the issue or a
    position (a position only answers the issue), a self-relation, a second relation of
    another kind between the same two elements (the first wins), the relation that would
    close a cycle when its element had to become a position. A second, different text for
    the same title (the first wins). Inference rules and their data, the order of premises
    inside a premise–conclusion structure, headings as structure.

What is written
    Front matter (title = the issue's text, description, simple meta values), then the claims
    in the document's order: each position at top level, each argument indented two spaces
    under its parent with ``+``, ``-`` or ``<_``. When a claim's parent is not on the current
    indentation path (or the path is already ``MAX_WRITE_DEPTH`` deep) a new top-level block
    starts with a mention of the parent. Cross-links come last, as relations between
    mentions. Titles are the claims' ``extra["title"]`` or the first words of their text, made
    unique with " (2)", " (3)"… Texts are written on one line: line breaks become spaces
    (this is the one change a round trip makes to a text), control characters spaces, and
    ``\\``, ``#``, ``{``, ``}`` and comment openers are escaped with a backslash. Sources,
    evidence and ``merged_into`` have no Argdown form and are not written.
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from debates.formats.mapdoc import (
    ANSWERS,
    ARGUMENT,
    ISSUE,
    OPPOSES,
    POSITION,
    SUPPORTS,
    UNDERCUTS,
    FormatError,
    MapClaim,
    MapDoc,
    MapLink,
    check,
)

FORMAT = "argdown"
DEFAULT_ISSUE = "Imported Argdown map"
INDENT = "  "
# Deeper chains are continued in a new block that starts with a mention of the parent, so the
# output stays linear in size however deep the map is.
MAX_WRITE_DEPTH = 60
STATEMENT, ARGUMENT_ELEMENT = "statement", "argument"

# symbol -> (Crux relation, reversed: the indented element is the parent)
_SYMBOLS: dict[str, tuple[str, bool]] = {
    "+": (SUPPORTS, False),
    "<+": (SUPPORTS, False),
    "-": (OPPOSES, False),
    "<-": (OPPOSES, False),
    "><": (OPPOSES, False),
    "<_": (UNDERCUTS, False),
    "+>": (SUPPORTS, True),
    "->": (OPPOSES, True),
    "_>": (UNDERCUTS, True),
}
_WRITE_SYMBOLS = {SUPPORTS: "+", OPPOSES: "-", UNDERCUTS: "<_"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_COMMENTS = re.compile(r"\\.|/\*.*?\*/|<!--.*?-->|(?<!\S)//[^\n]*|/\*|<!--", re.S)
_RELATION = re.compile(r"(<\+|<-|\+>|->|><|<_|_>|\+|-)[ \t]+(\S.*)$")
_ELEMENT = re.compile(r"(?:\[([^\]\n]*)\]|<([^>\n]*)>)(.*)$")
_HEADING = re.compile(r"#{1,6}[ \t]+(.*)$")
_NUMBERED = re.compile(r"\((\d+)\)[ \t]*(.*)$")
_INFERENCE = re.compile(r"-{2,}(?:.*-{2,})?$")
_TEXT_TOKENS = re.compile(
    r"\\(.)|(?<!\S)#\(([^)\n]*)\)[ \t]?|(?<!\S)#([\w-]+)[ \t]?|\{([^{}\n]*)\}[ \t]?", re.S
)
_ESCAPABLE = frozenset("\\#{}/<")
_FM_KEY = re.compile(r"(\w[\w .-]*?)[ \t]*:(?:[ \t]+(.*))?$")
_ESCAPE = re.compile(r"[\\#{}]|/(?=\*)|(?<!\S)/(?=/)|<(?=!--)")
_DATA_KEY = re.compile(r"[\w-]+")
_META_KEY = re.compile(r"[A-Za-z_][\w-]*")
_PLAIN_VALUE = re.compile(r"[\w.-]+(?: [\w.-]+)*")
_TITLE_BRACKETS = re.compile(r"[\[\]<>]")
_TITLE_SLASHES = re.compile(r"/(?=[/*])")
_TITLE_SYMBOLS = re.compile(r"^(?:[-+_]+(?: |$))+")
_NOT_TITLE_WORD = re.compile(r"[^\w\s'-]")
_LINE_BREAKS = re.compile(r"\r\n?|\n|\u2028|\u2029")
_SIMPLE_TAG = re.compile(r"[\w-]+")
# Texts without these characters need no escaping or token scanning.
_PLAIN_TEXT = re.compile(r"[^\\#{}/<\r\n\u2028\u2029\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*")


# --------------------------------------------------------------------------------- reading


@dataclass(eq=False)
class _Element:
    kind: str  # STATEMENT or ARGUMENT_ELEMENT
    title: str | None
    order: int
    line: int
    group: str
    text: str = ""
    text_line: int | None = None
    tags: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    key: str = ""


@dataclass
class _Pcs:
    """A premise–conclusion structure being read."""

    argument: _Element | None
    line: int
    statements: list[tuple[_Element, int]] = field(default_factory=list)
    inferences: list[tuple[int, int]] = field(default_factory=list)  # (statements so far, line)


class _Reader:
    def __init__(self) -> None:
        self.elements: list[_Element] = []
        self.by_title: dict[tuple[str, str], _Element] = {}
        # (line, sequence, child, parent, relation), child stands under parent
        self.edges: list[tuple[int, int, _Element, _Element, str]] = []
        self.warnings: list[str] = []
        self.group = ""
        self.pending: tuple[_Element, list[str], int] | None = None
        self.stack: list[tuple[int, _Element]] = []
        self.last_top: _Element | None = None
        self.pcs: _Pcs | None = None

    # ---- elements and their texts

    def element(self, kind: str, title: str | None, line: int) -> _Element:
        if title is not None:
            found = self.by_title.get((kind, title))
            if found is not None:
                return found
        element = _Element(kind, title, len(self.elements), line, self.group)
        self.elements.append(element)
        if title is not None:
            self.by_title[(kind, title)] = element
        return element

    def occurrence(self, source: str, line: int) -> _Element:
        """The element a line (after any relation symbol or number) names; opens its text."""
        match = _ELEMENT.match(source)
        if match:
            bracket = match.group(1)
            title = _norm_title(bracket if bracket is not None else match.group(2))
            rest = match.group(3)
            kind = STATEMENT if bracket is not None else ARGUMENT_ELEMENT
            if title and rest.startswith(":"):
                return self.open(self.element(kind, title, line), rest[1:], line)
            if title and not _split_text(rest)[0]:
                return self.open(self.element(kind, title, line), rest, line)
        return self.open(self.element(STATEMENT, None, line), source, line)

    def open(self, element: _Element, text: str, line: int) -> _Element:
        self.finish()
        self.pending = (element, [text], line)
        return element

    def finish(self) -> None:
        if self.pending is None:
            return
        element, parts, line = self.pending
        self.pending = None
        raw = " ".join(part.strip() for part in parts if part.strip())
        text, tags, data = _split_text(raw)
        for tag in tags:
            if tag not in element.tags:
                element.tags.append(tag)
        element.data.update(data)
        if not text:
            return
        if not element.text:
            element.text, element.text_line = text, line
        elif element.text != text:
            self.warnings.append(
                f"Line {line}: {_label(element)} already has a text (line "
                f"{element.text_line}); the first one is kept."
            )

    # ---- structure

    def edge(self, child: _Element, parent: _Element, relation: str, line: int) -> None:
        self.edges.append((line, len(self.edges), child, parent, relation))

    def close_pcs(self) -> None:
        pcs, self.pcs = self.pcs, None
        if pcs is None:
            return
        if not pcs.inferences:
            raise FormatError(
                "Numbered statements need an inference line (----) before their conclusion.",
                line=pcs.line,
            )
        count, inference_line = pcs.inferences[-1]
        if count >= len(pcs.statements):
            raise FormatError(
                "An inference line must be followed by a numbered conclusion.",
                line=inference_line,
            )
        conclusion, conclusion_line = pcs.statements[-1]
        target = pcs.argument or conclusion
        for premise, line in pcs.statements[:-1]:
            self.edge(premise, target, SUPPORTS, line)
        if pcs.argument is not None:
            self.edge(pcs.argument, conclusion, SUPPORTS, conclusion_line)

    def read(self, lines: list[str], first_line: int) -> None:
        for index, raw in enumerate(lines):
            line = first_line + index
            stripped = raw.lstrip(" \t")
            if not stripped.strip():
                self.finish()
                continue
            indent = len(raw[: len(raw) - len(stripped)].expandtabs(4))
            source = stripped.rstrip()
            if indent == 0 and (heading := _HEADING.match(source)):
                self.finish()
                self.close_pcs()
                self.group = heading.group(1).strip()
                self.stack, self.last_top = [], None
                continue
            if indent == 0 and _INFERENCE.match(source):
                self.finish()
                if self.pcs is None or not self.pcs.statements:
                    raise FormatError(
                        "An inference line (----) must follow numbered premises such as “(1) …”.",
                        line=line,
                    )
                self.pcs.inferences.append((len(self.pcs.statements), line))
                self.stack = []
                continue
            if indent == 0 and (numbered := _NUMBERED.match(source)):
                if not numbered.group(2).strip():
                    raise FormatError("A numbered line has no statement.", line=line)
                if self.pcs is None:
                    top = self.last_top
                    argument = top if top is not None and top.kind == ARGUMENT_ELEMENT else None
                    self.pcs = _Pcs(argument, line)
                self.last_top = None
                element = self.occurrence(numbered.group(2), line)
                self.pcs.statements.append((element, line))
                self.stack = [(0, element)]
                continue
            if relation := _RELATION.match(source):
                while self.stack and self.stack[-1][0] >= indent:
                    self.stack.pop()
                if not self.stack:
                    raise FormatError(
                        f"The relation “{relation.group(1)}” has nothing to stand under: "
                        "indent it below a statement or an argument.",
                        line=line,
                    )
                parent = self.stack[-1][1]
                child = self.occurrence(relation.group(2), line)
                kind, reverse = _SYMBOLS[relation.group(1)]
                if reverse:
                    self.edge(parent, child, kind, line)
                else:
                    self.edge(child, parent, kind, line)
                self.stack.append((indent, child))
                continue
            if self.pending is not None and (indent > 0 or not _starts_element(source)):
                self.pending[1].append(source)  # the text wraps onto this line
                continue
            if indent > 0:
                raise FormatError(
                    "An indented line must be a relation (+, -, <_, …) or continue the text "
                    "of the line above.",
                    line=line,
                )
            self.close_pcs()
            element = self.occurrence(source, line)
            self.stack, self.last_top = [(0, element)], element
        self.finish()
        self.close_pcs()


def parse(text: str) -> MapDoc:
    """Read an Argdown document into a ``MapDoc``; raise ``FormatError`` naming the line."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        raise FormatError(
            f"The control character U+{ord(bad.group()):04X} is not allowed.",
            line=text.count("\n", 0, bad.start()) + 1,
        )
    lines = text.split("\n")
    meta, title_line, body_start = _read_front_matter(lines)
    body = _strip_comments("\n".join(lines[body_start:]), body_start)
    reader = _Reader()
    reader.read(body.split("\n"), body_start + 1)
    return _build(reader, meta, title_line)


def _build(reader: _Reader, meta: dict[str, Any], title_line: int | None) -> MapDoc:
    elements, warnings = reader.elements, reader.warnings
    for element in elements:
        if not element.text and element.title:
            element.text = element.title
            warnings.append(
                f"Line {element.line}: {_label(element)} is never given a text; its title is used."
            )

    # Tree parents: the first edge of each element in reading order, unless it closes a cycle.
    rep = list(range(len(elements)))

    def find(i: int) -> int:
        root = i
        while rep[root] != root:
            root = rep[root]
        while rep[i] != root:
            rep[i], i = root, rep[i]
        return root

    tree: dict[int, tuple[_Element, str]] = {}
    seen_pairs: dict[tuple[int, int], str] = {}
    extra_edges: list[tuple[_Element, _Element, str, int]] = []
    # (line, sequence) is unique, so the sort never compares elements.
    for line, _, child, parent, relation in sorted(reader.edges):
        if child is parent:
            warnings.append(f"Line {line}: {_label(child)} cannot relate to itself; ignored.")
            continue
        pair = (child.order, parent.order)
        if pair in seen_pairs:
            if seen_pairs[pair] != relation:
                warnings.append(
                    f"Line {line}: {_label(child)} already {seen_pairs[pair]} "
                    f"{_label(parent)}; the second relation is ignored."
                )
            continue
        seen_pairs[pair] = relation
        if child.order not in tree and find(child.order) != find(parent.order):
            tree[child.order] = (parent, relation)
            rep[find(child.order)] = find(parent.order)
        else:
            extra_edges.append((child, parent, relation, line))

    roots = [e for e in elements if e.order not in tree]
    title = meta.get("title")
    if title is not None and not isinstance(title, str):
        raise FormatError("The front matter’s title must be text.", line=title_line)
    title = (title or "").strip()
    issue_element = roots[0] if not title and len(roots) == 1 else None
    _assign_keys(elements)
    if issue_element is not None:
        issue_key, issue_text, issue_line = issue_element.key, issue_element.text, None
    else:
        used = {e.key for e in elements}
        issue_key = _unique("issue", used)
        issue_text, issue_line = title or DEFAULT_ISSUE, title_line
    description = meta.get("description")
    doc = MapDoc(
        title=issue_text,
        description=description if isinstance(description, str) else "",
        format=FORMAT,
        meta=dict(meta),
    )

    claims: dict[int, MapClaim] = {}
    for element in elements:
        extra: dict[str, Any] = {"element": element.kind}
        if element.title:
            extra["title"] = element.title
        if element.data:
            extra["data"] = element.data
        if element.group:
            extra["group"] = element.group
        claim = MapClaim(
            key=element.key,
            text=element.text,
            kind=ARGUMENT,
            line=element.text_line or element.line,
            tags=element.tags,
            extra=extra,
        )
        placed = tree.get(element.order)
        if element is issue_element:
            claim.kind = ISSUE
        elif placed is None or placed[0] is issue_element:
            claim.kind, claim.parent, claim.relation = POSITION, issue_key, ANSWERS
            if placed is not None:
                extra["argdown_relation"] = placed[1]
        else:
            claim.parent, claim.relation = placed[0].key, placed[1]
        claims[element.order] = claim

    for child, parent, relation, line in extra_edges:
        if claims[child.order].kind != ARGUMENT or parent is issue_element:
            warnings.append(
                f"Line {line}: “{_label(child)} {relation} {_label(parent)}” is dropped: "
                "only an argument can stand under a second parent, and not under the issue."
            )
            continue
        doc.links.append(MapLink(claim=child.key, parent=parent.key, relation=relation))

    # Parents first, otherwise in order of first mention.
    if issue_element is None:
        doc.claims.append(MapClaim(key=issue_key, text=issue_text, kind=ISSUE, line=issue_line))
    else:
        doc.claims.append(claims[issue_element.order])
    emitted = {doc.claims[0].key}
    waiting: dict[str, list[MapClaim]] = defaultdict(list)
    for element in elements:
        if element is issue_element:
            continue
        todo = [claims[element.order]]
        while todo:
            claim = todo.pop()
            if claim.parent not in emitted:
                waiting[str(claim.parent)].append(claim)
                continue
            doc.claims.append(claim)
            emitted.add(claim.key)
            todo.extend(reversed(waiting.pop(claim.key, [])))
    if warnings:
        doc.meta["warnings"] = warnings
    return check(doc)


def _assign_keys(elements: list[_Element]) -> None:
    used: set[str] = set()
    for element in elements:
        if element.kind == STATEMENT and element.title:
            element.key = element.title
            used.add(element.key)
    for element in elements:
        if element.kind == ARGUMENT_ELEMENT and element.title:
            element.key = _unique(element.title, used, f"<{element.title}>")
    number = 1
    for element in elements:
        if not element.title:
            while f"Untitled {number}" in used:
                number += 1
            element.key = f"Untitled {number}"
            used.add(element.key)


def _unique(base: str, used: set[str], second: str | None = None) -> str:
    """``base`` (or ``second``, then numbered variants) not yet in ``used``; marks it used."""
    candidate, number = base, 2
    if candidate in used and second is not None:
        candidate = base = second
    while candidate in used:
        candidate = f"{base} ({number})"
        number += 1
    used.add(candidate)
    return candidate


def _label(element: _Element) -> str:
    if element.title is None:
        return f"the statement on line {element.line}"
    return f"[{element.title}]" if element.kind == STATEMENT else f"<{element.title}>"


def _norm_title(title: str) -> str:
    return " ".join(title.split())


def _starts_element(source: str) -> bool:
    """Does a top-level line define or mention a titled element (rather than wrap text)?"""
    match = _ELEMENT.match(source)
    if not match:
        return False
    bracket = match.group(1)
    title = _norm_title(bracket if bracket is not None else match.group(2))
    rest = match.group(3)
    return bool(title) and (rest.startswith(":") or not _split_text(rest)[0])


def _split_text(raw: str) -> tuple[str, list[str], dict[str, Any]]:
    """A written text -> (the text with escapes resolved, its tags, its {data})."""
    if _PLAIN_TEXT.fullmatch(raw):
        return raw.strip(), [], {}
    tags: list[str] = []
    data: dict[str, Any] = {}

    def token(match: re.Match[str]) -> str:
        escaped, long_tag, tag, block = match.groups()
        if escaped is not None:
            return escaped if escaped in _ESCAPABLE else match.group()
        if long_tag is not None or tag is not None:
            name = " ".join((long_tag if long_tag is not None else tag).split())
            if name and name not in tags:
                tags.append(name)
            return ""
        data.update(_flow_mapping(block))
        return ""

    return _TEXT_TOKENS.sub(token, raw).strip(), tags, data


def _split_flow(content: str) -> list[str]:
    """Split ``a, "b, c", d`` on the commas outside quotes."""
    parts: list[str] = []
    current: list[str] = []
    quote = ""
    escaped = False
    for char in content:
        if quote:
            current.append(char)
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = ""
        elif char == ",":
            parts.append("".join(current))
            current = []
        else:
            if char in "\"'":
                quote = char
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _flow_mapping(content: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for part in _split_flow(content):
        key, colon, value = part.partition(":")
        result[key.strip()] = _scalar(value, None, strict=False) if colon else None
    return result


def _scalar(value: str, line: int | None, *, strict: bool = True) -> Any:
    value = value.strip()
    if value.startswith('"'):
        try:
            return json.loads(value)
        except ValueError:
            if strict:
                raise FormatError("A quoted value is not closed properly.", line=line) from None
            return value
    if value.startswith("'"):
        if len(value) < 2 or not value.endswith("'"):
            if strict:
                raise FormatError("A quoted value is not closed properly.", line=line)
            return value
        return value[1:-1].replace("''", "'")
    if value.startswith("[") and value.endswith("]"):
        return [_scalar(part, line, strict=strict) for part in _split_flow(value[1:-1])]
    return re.sub(r"[ \t]+#.*$", "", value)


def _read_front_matter(lines: list[str]) -> tuple[dict[str, Any], int | None, int]:
    """(meta, line of the title, index of the first body line)."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines) or lines[start].strip() != "===":
        return {}, None, 0
    end = start + 1
    while end < len(lines) and lines[end].strip() != "===":
        end += 1
    if end == len(lines):
        raise FormatError("The front matter opened here is never closed by “===”.", line=start + 1)
    meta: dict[str, Any] = {}
    title_line = None
    open_key: str | None = None
    for index in range(start + 1, end):
        raw, line = lines[index], index + 1
        source = raw.strip()
        if not source or source.startswith("#"):
            continue
        if raw[0] not in " \t":
            match = _FM_KEY.match(raw.rstrip())
            if not match:
                raise FormatError(
                    "A front matter line must read “key: value”.",
                    line=line,
                )
            key, value = match.group(1).strip(), match.group(2)
            if key == "title":
                title_line = line
            if value is None or not value.strip():
                meta[key], open_key = None, key
            else:
                meta[key], open_key = _scalar(value, line), None
            continue
        if open_key is None:
            raise FormatError("This indented front matter line belongs to no key.", line=line)
        current = meta[open_key]
        if source == "-" or source.startswith("- "):
            if current is None:
                current = meta[open_key] = []
            if not isinstance(current, list):
                raise FormatError("A list item among keys.", line=line)
            current.append(_scalar(source[1:], line))
            continue
        match = _FM_KEY.match(source)
        if not match or match.group(2) is None:
            raise FormatError("A front matter line must read “key: value”.", line=line)
        if current is None:
            current = meta[open_key] = {}
        if not isinstance(current, dict):
            raise FormatError("A “key: value” line among list items.", line=line)
        current[match.group(1).strip()] = _scalar(match.group(2), line)
    for key, value in meta.items():
        if value is None:
            meta[key] = ""
    return meta, title_line, end + 1


def _strip_comments(body: str, first_index: int) -> str:
    """Remove comments, keeping line breaks so that line numbers stay right."""

    def replace(match: re.Match[str]) -> str:
        found = match.group()
        if found.startswith("\\"):
            return found
        if found in ("/*", "<!--"):
            line = first_index + body.count("\n", 0, match.start()) + 1
            closer = "*/" if found == "/*" else "-->"
            raise FormatError(f"The comment “{found}” is never closed by “{closer}”.", line=line)
        return "\n" * found.count("\n")

    return _COMMENTS.sub(replace, body)


# --------------------------------------------------------------------------------- writing


def write(doc: MapDoc) -> str:
    """Write a well-formed ``MapDoc`` as Argdown (see the module's docstring)."""
    check(doc)
    issue = next((c for c in doc.claims if c.kind == ISSUE and c.parent is None), None)
    out = _write_front_matter(issue.text if issue else doc.title, doc)
    claims = [c for c in doc.claims if c is not issue]
    titles = _titles(claims)
    by_key = {c.key: c for c in claims}
    issue_key = issue.key if issue else None
    path: list[str] = []
    depth: dict[str, int] = {}

    def restart(key: str, line: str) -> None:
        while path:
            depth.pop(path.pop())
        if out:
            out.append("")
        out.append(line)
        path.append(key)
        depth[key] = 0

    for claim in claims:
        if claim.parent is None or claim.parent == issue_key:
            restart(claim.key, _definition(claim, titles))
            continue
        level = depth.get(claim.parent)
        if level is None or level + 1 > MAX_WRITE_DEPTH:
            restart(claim.parent, _mention(by_key[claim.parent], titles))
            level = 0
        while len(path) > level + 1:
            depth.pop(path.pop())
        symbol = _WRITE_SYMBOLS[claim.relation]
        out.append(f"{INDENT * (level + 1)}{symbol} {_definition(claim, titles)}")
        path.append(claim.key)
        depth[claim.key] = level + 1
    previous = None
    for link in doc.links:
        if link.parent != previous:
            out.append("")
            out.append(_mention(by_key[link.parent], titles))
            previous = link.parent
        symbol = _WRITE_SYMBOLS[link.relation]
        out.append(f"{INDENT}{symbol} {_mention(by_key[link.claim], titles)}")
    return "\n".join(out) + "\n"


def _write_front_matter(title: str, doc: MapDoc) -> list[str]:
    lines: list[str] = []
    if title.strip():
        lines.append(f"title: {_quote(title)}")
    if doc.description:
        lines.append(f"description: {_quote(doc.description)}")
    for key, value in doc.meta.items():
        if key in ("title", "description", "warnings") or not _META_KEY.fullmatch(key):
            continue
        if isinstance(value, str | int | float | bool):
            lines.append(f"{key}: {_quote(_as_text(value))}")
        elif isinstance(value, list) and all(_is_scalar(v) for v in value):
            if not value:
                lines.append(f"{key}: []")
            else:
                lines.append(f"{key}:")
                lines.extend(f"  - {_quote(_as_text(v))}" for v in value)
        elif isinstance(value, dict) and value and all(_is_scalar(v) for v in value.values()):
            items = [(k, v) for k, v in value.items() if isinstance(k, str)]
            items = [(k, v) for k, v in items if _META_KEY.fullmatch(k)]
            if items:
                lines.append(f"{key}:")
                lines.extend(f"  {k}: {_quote(_as_text(v))}" for k, v in items)
    return ["===", *lines, "==="] if lines else []


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _quote(value: str) -> str:
    """A JSON string (valid YAML) that survives the reader's comment and control checks."""
    quoted = json.dumps(value, ensure_ascii=False)
    quoted = quoted.replace("/", "\\/").replace("{", "\\u007b").replace("}", "\\u007d")
    quoted = quoted.replace("<", "\\u003c").replace("#", "\\u0023")
    return re.sub(r"[\x7f-\x9f\u2028\u2029]", lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _titles(claims: list[MapClaim]) -> dict[str, str]:
    used: set[str] = set()
    counters: dict[str, int] = {}
    titles: dict[str, str] = {}
    for claim in claims:
        wanted = claim.extra.get("title")
        base = _clean_title(wanted) if isinstance(wanted, str) else ""
        if not base:
            base = _title_from_text(claim.text)
        title = base
        while title in used:
            number = counters.get(base, 1) + 1
            counters[base] = number
            title = f"{base} ({number})"
        used.add(title)
        titles[claim.key] = title
    return titles


def _clean_title(title: str) -> str:
    title = _CONTROL.sub(" ", _TITLE_BRACKETS.sub("", title))
    title = " ".join(_TITLE_SLASHES.sub("", title).split())
    # "<- x>" at a line start would read as the relation "<-".
    return _TITLE_SYMBOLS.sub("", title)


def _title_from_text(text: str) -> str:
    words = _NOT_TITLE_WORD.sub(" ", text).split()
    title = " ".join(words[:6])[:40].strip()
    return _clean_title(title) or "Claim"


def _brackets(claim: MapClaim) -> tuple[str, str]:
    element = claim.extra.get("element")
    if element == STATEMENT or (element != ARGUMENT_ELEMENT and claim.kind != ARGUMENT):
        return "[", "]"
    return "<", ">"


def _mention(claim: MapClaim, titles: dict[str, str]) -> str:
    opening, closing = _brackets(claim)
    return f"{opening}{titles[claim.key]}{closing}"


def _definition(claim: MapClaim, titles: dict[str, str]) -> str:
    text = claim.text
    if not _PLAIN_TEXT.fullmatch(text):
        text = _escape(_CONTROL.sub(" ", _LINE_BREAKS.sub(" ", text)).strip())
    parts = [f"{_mention(claim, titles)}: {text.strip()}"]
    written_tags = set()
    for tag in claim.tags:
        tag = " ".join(_CONTROL.sub(" ", tag).split())
        if tag in written_tags:
            continue
        written_tags.add(tag)
        if _SIMPLE_TAG.fullmatch(tag):
            parts.append(f"#{tag}")
        elif tag and ")" not in tag:
            parts.append(f"#({tag})")
    data = claim.extra.get("data")
    if isinstance(data, dict) and data:
        written = _write_data(data)
        if written:
            parts.append(written)
    return " ".join(parts)


def _escape(text: str) -> str:
    return _ESCAPE.sub(lambda match: "\\" + match.group(), text)


def _write_data(data: dict[str, Any]) -> str:
    parts = []
    for key, value in data.items():
        if not isinstance(key, str) or not _DATA_KEY.fullmatch(key):
            continue
        if value is None:
            parts.append(key)
            continue
        text = _as_text(value) if _is_scalar(value) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}: {text if _PLAIN_VALUE.fullmatch(text) else _quote(text)}")
    return "{" + ", ".join(parts) + "}" if parts else ""
