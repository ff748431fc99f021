"""Crux annotations as W3C Web Annotations (JSON-LD), and back.

Export: ``annotation_to_jsonld`` turns an ``AnnotationData`` into a Web Annotation Data Model
document; ``collection_to_jsonld`` and ``page_to_jsonld`` build the paged container documents of
the Web Annotation Protocol (section 4). Every shape is checked in the tests against the W3C
Working Group's MUST assertions.

Import: ``annotation_from_jsonld`` reads what real clients send (POST/PUT bodies, exported files)
into a ``ParsedAnnotation`` (``provenance`` says what to keep of its ``id``, ``canonical`` and
``via`` when it is stored as a new annotation, Protocol section 5.1), and ``collection_items``
unpacks a file holding one annotation, a list, a page or a collection. Anything Crux cannot
represent raises ``W3CError`` whose message starts with the offending field, so an API can hand
it straight back to the client.

Pure functions over plain data: no Django, no database, no I/O.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import quote

from .unstorable import UNSTORABLE as _UNSTORABLE

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
LDP_CONTEXT = "http://www.w3.org/ns/ldp.jsonld"
MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
MOTIVATIONS = ("commenting", "highlighting", "questioning", "tagging", "replying")

# Clients copy the context IRI from https pages; it names the same context, so accept it on input.
# Output always uses the http form, the only one the conformance schemas accept.
_ACCEPTED_CONTEXTS = frozenset({ANNO_CONTEXT, "https://www.w3.org/ns/anno.jsonld"})
_DEFAULT_MOTIVATION = "commenting"
# Target types that can hold a text passage; anything else (Image, Video, Choice...) is refused.
_TEXT_TARGET_TYPES = frozenset({"Text", "SpecificResource"})
_NON_TEXT_MEDIA = frozenset({"image", "audio", "video", "model"})
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")
# Characters that keep their meaning in a URI; everything else non-ASCII gets percent-encoded.
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
# A Web Annotation nests a few levels (target, selector, refinedBy); a file of pages a few more.
MAX_JSON_DEPTH = 64
# Longest IRI kept from a client (canonical, via), and how many via IRIs one annotation keeps.
MAX_IRI_CHARS = 2000
MAX_VIA = 20


class W3CError(ValueError):
    """A document is not a Web Annotation Crux can use; the message starts with the field."""


@dataclass(frozen=True)
class TextTarget:
    source: str
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class AnnotationData:
    id: str
    target: TextTarget | None
    body: str
    tags: tuple[str, ...]
    motivation: str
    creator_id: str
    creator_name: str
    created: datetime
    modified: datetime
    in_reply_to: str | None = None
    audience: str | None = None
    # The IRI the annotation is known by everywhere, and those of the copies it came from.
    canonical: str | None = None
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedAnnotation:
    id: str | None
    source: str | None
    in_reply_to: str | None
    exact: str | None
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    body: str
    tags: tuple[str, ...]
    motivation: str
    canonical: str | None = None
    via: tuple[str, ...] = ()


def provenance(parsed: ParsedAnnotation) -> tuple[str | None, tuple[str, ...]]:
    """(canonical, via) to store for ``parsed`` as a new annotation with an id of its own.

    The Protocol (section 5.1) keeps ``canonical`` unchanged and moves a client's ``id`` into
    ``via``, ahead of the ``via`` IRIs the document already had.
    """
    via = tuple(dict.fromkeys([parsed.id, *parsed.via] if parsed.id else parsed.via))
    return parsed.canonical, via


# ---------------------------------------------------------------------------------------------
# Export


def annotation_to_jsonld(a: AnnotationData, *, generator: str | None = None) -> dict[str, Any]:
    """The Web Annotation for ``a``; ``generator`` is the site IRI, named as the Crux software."""
    _check_exportable(a)
    doc: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": _uri(a.id),
        "type": "Annotation",
        "motivation": a.motivation,
        "created": _timestamp(a.created, "created"),
        "modified": _timestamp(a.modified, "modified"),
        "creator": _creator(a),
    }
    if generator:
        doc["generator"] = {"id": _uri(generator), "type": "Software", "name": "Crux"}
    if a.canonical:
        doc["canonical"] = _uri(a.canonical)
    if a.via:
        via = [_uri(iri) for iri in a.via]
        doc["via"] = via[0] if len(via) == 1 else via
    if a.audience:
        doc["audience"] = _uri(a.audience)
    bodies = _bodies(a)
    # The schemas reject an empty body array, and a highlight simply has no body.
    if bodies:
        doc["body"] = bodies
    doc["target"] = _uri(a.in_reply_to) if a.in_reply_to else _text_target(a.target)
    return doc


def collection_to_jsonld(
    *,
    id: str,
    label: str,
    total: int,
    page_size: int,
    first_items: list[dict] | None = None,
    modified: datetime | None = None,
    pages_of: str | None = None,
) -> dict[str, Any]:
    """The Protocol container: an LDP BasicContainer that is also an AnnotationCollection.

    ``first`` is the IRI of page 0, or that page embedded when ``first_items`` is given (the
    Protocol's PreferContainedDescriptions answer). An empty collection still links page 0,
    which the server serves as an empty page, so clients never meet a dangling link. Page IRIs
    extend ``pages_of`` (default ``id``): a representation with an IRI of its own, such as the
    minimal container, shares its pages with the full one.
    """
    _check_paging(total, page_size)
    last = _last_page(total, page_size)
    base = id if pages_of is None else pages_of
    doc: dict[str, Any] = {
        "@context": [ANNO_CONTEXT, LDP_CONTEXT],
        "id": _uri(id),
        "type": ["BasicContainer", "AnnotationCollection"],
        "label": label,
        "total": total,
    }
    if modified is not None:
        doc["modified"] = _timestamp(modified, "modified")
    if first_items is None:
        doc["first"] = _page_iri(base, 0)
    else:
        doc["first"] = _page_core(base, 0, page_size, last, first_items)
    doc["last"] = _page_iri(base, last)
    return doc


def page_to_jsonld(
    *,
    collection_id: str,
    page: int,
    page_size: int,
    total: int,
    items: list[dict],
    label: str | None = None,
) -> dict[str, Any]:
    """Page ``page`` (0-based) of a collection, with ``next``/``prev`` where those pages exist."""
    _check_paging(total, page_size)
    last = _last_page(total, page_size)
    if not 0 <= page <= last:
        raise ValueError(f"page: {page} is outside 0..{last}")
    part_of: dict[str, Any] = {"id": _uri(collection_id), "total": total}
    if label is not None:
        part_of["label"] = label
    return {
        "@context": ANNO_CONTEXT,
        **_page_core(collection_id, page, page_size, last, items),
        "partOf": part_of,
    }


def _check_exportable(a: AnnotationData) -> None:
    if a.motivation not in MOTIVATIONS:
        raise ValueError(f"motivation: {a.motivation!r} is not one of {', '.join(MOTIVATIONS)}")
    if a.in_reply_to and a.target is not None:
        raise ValueError("target: a reply targets its parent annotation, so target must be None")


def _uri(iri: str) -> str:
    # The schemas check `format: uri`, which is ASCII only: percent-encode any IRI characters
    # (RFC 3987 section 3.1) so a unicode slug cannot make an export non-conformant.
    return quote(iri, safe=_URI_SAFE)


def _timestamp(value: datetime, field: str) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field}: datetime must be timezone-aware")
    # isoformat pads the year to four digits, which xsd:dateTime requires and strftime may not.
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _creator(a: AnnotationData) -> dict[str, str]:
    creator = {"id": _uri(a.creator_id), "type": "Person"}
    if a.creator_name:
        creator["name"] = a.creator_name
    return creator


def _bodies(a: AnnotationData) -> list[dict[str, str]]:
    bodies = []
    if a.body:
        bodies.append(
            {
                "type": "TextualBody",
                "value": a.body,
                "format": "text/markdown",
                "purpose": "replying" if a.in_reply_to else "commenting",
            }
        )
    bodies.extend({"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in a.tags)
    return bodies


def _text_target(t: TextTarget | None) -> dict[str, Any]:
    if t is None:
        raise ValueError("target: required unless in_reply_to names the parent annotation")
    quote_selector: dict[str, Any] = {"type": "TextQuoteSelector", "exact": t.exact}
    # prefix/suffix are optional in the model; an empty one says nothing, so leave it out.
    if t.prefix:
        quote_selector["prefix"] = t.prefix
    if t.suffix:
        quote_selector["suffix"] = t.suffix
    return {
        "type": "SpecificResource",
        "source": _uri(t.source),
        "selector": [
            quote_selector,
            {"type": "TextPositionSelector", "start": t.start, "end": t.end},
        ],
    }


def _check_paging(total: int, page_size: int) -> None:
    if total < 0:
        raise ValueError(f"total: must be >= 0, not {total}")
    if page_size < 1:
        raise ValueError(f"page_size: must be >= 1, not {page_size}")


def _last_page(total: int, page_size: int) -> int:
    return max(0, (total - 1) // page_size)


def _page_iri(collection_id: str, page: int) -> str:
    # Container IRIs may already carry a query (e.g. a filter), so append rather than replace.
    separator = "&" if "?" in collection_id else "?"
    return _uri(f"{collection_id}{separator}page={page}")


def _page_core(
    collection_id: str, page: int, page_size: int, last: int, items: list[dict]
) -> dict[str, Any]:
    core: dict[str, Any] = {
        "id": _page_iri(collection_id, page),
        "type": "AnnotationPage",
        "startIndex": page * page_size,
        "items": [_embedded(item) for item in items],
    }
    if page < last:
        core["next"] = _page_iri(collection_id, page + 1)
    if page > 0:
        core["prev"] = _page_iri(collection_id, page - 1)
    return core


def _embedded(item: dict) -> dict:
    # The page's own @context covers its items; repeating it per item only bloats the feed.
    # collection_items puts it back on import.
    if item.get("@context") == ANNO_CONTEXT:
        return {key: value for key, value in item.items() if key != "@context"}
    return item


# ---------------------------------------------------------------------------------------------
# Import


class _Target(NamedTuple):
    source: str | None = None
    in_reply_to: str | None = None
    exact: str | None = None
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None


class _Bodies(NamedTuple):
    text: str
    tags: tuple[str, ...]
    replying: bool


def annotation_from_jsonld(doc: dict | str | bytes) -> ParsedAnnotation:
    """Read one Web Annotation (a dict, or its JSON text) into the fields Crux stores.

    A string target, or an object with only an ``id``, is the whole document; it is read as the
    parent annotation instead when the annotation replies (motivation or body purpose
    ``replying``, or a target typed ``Annotation``). TextPositionSelector offsets count code
    points, as the model requires, and are not checked against ``exact``: the caller re-anchors.
    """
    data = _load(doc)
    if not isinstance(data, dict):
        raise W3CError(f"document: expected a JSON object, got {_json_kind(data)}")
    _require_context(data)
    _require_type(data, "Annotation")
    annotation_id = None if data.get("id") is None else _kept_iri(data["id"], "id")
    canonical = _canonical(data.get("canonical"))
    via = _via(data.get("via"))
    motivations = _motivations(data.get("motivation"))
    bodies = _read_bodies(data)
    replying = "replying" in motivations or bodies.replying
    target = _read_target(data, replying)
    return ParsedAnnotation(
        id=annotation_id,
        source=target.source,
        in_reply_to=target.in_reply_to,
        exact=target.exact,
        prefix=target.prefix,
        suffix=target.suffix,
        start=target.start,
        end=target.end,
        body=bodies.text,
        tags=bodies.tags,
        motivation=next((m for m in motivations if m in MOTIVATIONS), _DEFAULT_MOTIVATION),
        canonical=canonical,
        via=via,
    )


def collection_items(doc: dict | list | str | bytes) -> list[dict]:
    """The annotations in an import file, each ready for ``annotation_from_jsonld``.

    The file may hold one annotation, a list of them, an AnnotationPage, or an
    AnnotationCollection whose pages are embedded (``first``, then ``next`` objects). Items of a
    page or collection inherit its ``@context`` when they have none, as JSON-LD intends.
    """
    data = _load(doc)
    if isinstance(data, list):
        return [_require_object(item, f"[{index}]") for index, item in enumerate(data)]
    data = _require_object(data, "document")
    types = _as_list(data.get("type"))
    if "Annotation" in types:
        return [data]
    if "AnnotationPage" in types:
        return _page_items(data, data.get("@context"), "")
    if "AnnotationCollection" in types:
        return _collection_members(data)
    raise W3CError(
        f"type: expected Annotation, AnnotationPage or AnnotationCollection, got {types or None}"
    )


def _load(doc: Any) -> Any:
    if not isinstance(doc, str | bytes | bytearray):
        return doc
    try:
        data = json.loads(doc)
    except json.JSONDecodeError as error:
        raise W3CError(f"JSON: {error.msg} at line {error.lineno}, column {error.colno}") from error
    except UnicodeDecodeError as error:
        raise W3CError(f"JSON: not UTF-8 text ({error.reason})") from error
    except RecursionError:
        raise W3CError(f"JSON: nested more than {MAX_JSON_DEPTH} levels deep") from None
    return data


def check_json_values(data: Any) -> None:
    """Refuse (W3CError) a parsed JSON value nested deeper than MAX_JSON_DEPTH, or holding a
    string or key with NUL or a lone surrogate. Iterative, so depth cannot exhaust the stack.

    Valid JSON, so the readers above accept it; callers that store what they read (the
    protocol's parser) call this first."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            _check_string(value, path or "document")
        elif isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise W3CError(
                    f"{path or 'document'}: nested more than {MAX_JSON_DEPTH} levels deep"
                )
            if isinstance(value, dict):
                for key, item in value.items():
                    child = f"{path}.{key}" if path else str(key)
                    _check_string(str(key), child)
                    stack.append((item, child, depth + 1))
            else:
                stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))


def _check_string(value: str, path: str) -> None:
    found = _UNSTORABLE.search(value)
    if found is None:
        return
    what = "a NUL character (\\u0000)" if found.group() == "\x00" else "a lone surrogate"
    raise W3CError(f"{path}: contains {what}; send text without it")


def _json_kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else "null")


def _require_object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise W3CError(f"{path}: expected an annotation object, got {_json_kind(value)}")
    return value


def _as_list(value: Any) -> list:
    """JSON-LD lets any property be one value or an array; read both the same way."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and _IRI.fullmatch(value) is not None


def _optional_iri(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if not _is_iri(value):
        raise W3CError(f"{path}: expected an absolute IRI, got {value!r}")
    return value


def _kept_iri(value: Any, path: str) -> str:
    iri = _required_iri(value, path)
    if len(iri) > MAX_IRI_CHARS:
        raise W3CError(f"{path}: longer than {MAX_IRI_CHARS:,} characters")
    return iri


def _canonical(value: Any) -> str | None:
    # The model allows one canonical IRI; the conformance schemas accept it alone in an array.
    if value is None:
        return None
    if isinstance(value, list):
        if len(value) != 1:
            raise W3CError(f"canonical: an annotation has one canonical IRI, got {len(value)}")
        return _kept_iri(value[0], "canonical[0]")
    return _kept_iri(value, "canonical")


def _via(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        if len(value) > MAX_VIA:
            raise W3CError(f"via: at most {MAX_VIA} IRIs, got {len(value)}")
        return tuple(_kept_iri(iri, f"via[{index}]") for index, iri in enumerate(value))
    return () if value is None else (_kept_iri(value, "via"),)


def _require_context(data: dict) -> None:
    if "@context" not in data:
        raise W3CError(f"@context: missing; it must include {ANNO_CONTEXT}")
    contexts = _as_list(data["@context"])
    if not any(isinstance(c, str) and c in _ACCEPTED_CONTEXTS for c in contexts):
        raise W3CError(f"@context: must include {ANNO_CONTEXT}, got {data['@context']!r}")


def _require_type(data: dict, expected: str) -> None:
    if "type" not in data:
        raise W3CError(f"type: missing; expected {expected!r}")
    if expected not in _as_list(data["type"]):
        raise W3CError(f"type: expected {expected!r}, got {data['type']!r}")


def _motivations(value: Any) -> list[str]:
    names = _as_list(value)
    if not all(isinstance(name, str) for name in names):
        raise W3CError("motivation: expected a string or a list of strings")
    # Compact JSON-LD from other vocabularies' contexts may keep the oa: prefix.
    return [name.removeprefix("oa:") for name in names]


def _read_bodies(data: dict) -> _Bodies:
    if "body" in data and "bodyValue" in data:
        raise W3CError("body, bodyValue: an annotation may have body or bodyValue, not both")
    if "bodyValue" in data:
        if not isinstance(data["bodyValue"], str):
            raise W3CError("bodyValue: expected a string")
        return _Bodies(data["bodyValue"], (), replying=False)
    raw = data.get("body")
    text: str | None = None
    tags: list[str] = []
    links: list[str] = []
    replying = False
    for index, item in enumerate(_as_list(raw)):
        path = f"body[{index}]" if isinstance(raw, list) else "body"
        body = _chosen(_body_object(item, path))
        purposes = _as_list(body.get("purpose"))
        replying = replying or "replying" in purposes
        if _is_textual(body):
            value = body.get("value")
            if not isinstance(value, str):
                raise W3CError(f"{path}.value: a TextualBody needs a string value")
            if "tagging" in purposes:
                tags.append(value)
            elif text is None:
                text = value
        elif _is_external(body) and "tagging" not in purposes:
            links.append(body["id"])
    if text is None:
        # A comment kept at another address becomes a link in the markdown body, so importing
        # it keeps the pointer rather than silently dropping it.
        text = "\n".join(f"<{link}>" for link in links)
    return _Bodies(text, tuple(tags), replying)


def _body_object(item: Any, path: str) -> dict:
    # A bare string body is the IRI of an External Web Resource; read it as one.
    if isinstance(item, str):
        return {"id": _required_iri(item, path)}
    if not isinstance(item, dict):
        raise W3CError(f"{path}: expected an IRI or an object, got {_json_kind(item)}")
    return item


def _chosen(body: dict) -> dict:
    # The model makes the first item of a Choice its default, so that is the one Crux keeps.
    if "Choice" in _as_list(body.get("type")):
        items = _as_list(body.get("items"))
        if items and isinstance(items[0], dict):
            return items[0]
        if items and isinstance(items[0], str):
            return {"id": items[0]}
    return body


def _is_textual(body: dict) -> bool:
    types = _as_list(body.get("type"))
    # The model only says TextualBody SHOULD be typed; an untyped object with a value is one too.
    return "TextualBody" in types or (not types and "value" in body and "source" not in body)


def _is_external(body: dict) -> bool:
    return _is_iri(body.get("id")) and not {"source", "items", "value"} & body.keys()


def _read_target(data: dict, replying: bool) -> _Target:
    if "target" not in data:
        raise W3CError("target: missing; an annotation needs exactly one target")
    targets = _as_list(data["target"])
    if len(targets) != 1:
        raise W3CError(f"target: Crux annotations have exactly one target, got {len(targets)}")
    target = targets[0]
    if isinstance(target, str):
        iri = _optional_iri(target, "target")
        return _Target(in_reply_to=iri) if replying else _Target(source=iri)
    if not isinstance(target, dict):
        raise W3CError(f"target: expected an IRI or an object, got {_json_kind(target)}")
    return _read_target_object(target, replying)


def _read_target_object(target: dict, replying: bool) -> _Target:
    types = _as_list(target.get("type"))
    if "Annotation" in types:
        return _Target(in_reply_to=_required_iri(target.get("id"), "target.id"))
    _refuse_non_text(target, types)
    if "source" in target:
        source = _required_iri(target["source"], "target.source")
        return _read_selectors(source, target.get("selector"))
    if "id" in target:
        iri = _required_iri(target["id"], "target.id")
        return _Target(in_reply_to=iri) if replying else _Target(source=iri)
    raise W3CError("target: an object target needs a source (or an id)")


def _refuse_non_text(target: dict, types: list) -> None:
    unsupported = [t for t in types if t not in _TEXT_TARGET_TYPES]
    if unsupported:
        raise W3CError(f"target.type: Crux annotates text; {unsupported[0]!r} is not supported")
    formats = [f for f in _as_list(target.get("format")) if isinstance(f, str)]
    media = next((f for f in formats if f.split("/")[0] in _NON_TEXT_MEDIA), None)
    if media:
        raise W3CError(f"target.format: Crux annotates text; {media!r} is not supported")


def _required_iri(value: Any, path: str) -> str:
    iri = _optional_iri(value, path)
    if iri is None:
        raise W3CError(f"{path}: missing; expected an absolute IRI")
    return iri


def _read_selectors(source: str, value: Any) -> _Target:
    if value is None:
        return _Target(source=source)  # the whole document
    selectors = _as_list(value)
    multiple = isinstance(value, list)
    quote_found: dict | None = None
    position: tuple[int, int] | None = None
    for index, selector in enumerate(selectors):
        path = f"target.selector[{index}]" if multiple else "target.selector"
        # IRIs of external selectors, RangeSelector and refinedBy chains are skipped: they need
        # the rendered document to resolve, and Crux anchors on quote and offsets only.
        if not isinstance(selector, dict):
            continue
        kind = selector.get("type")
        if kind == "TextQuoteSelector":
            found = _read_quote(selector, path)
            quote_found = quote_found or found
        elif kind == "TextPositionSelector":
            found_position = _read_position(selector, path)
            position = position or found_position
    if quote_found is None and position is None:
        raise W3CError("target.selector: a TextQuoteSelector or TextPositionSelector is required")
    start, end = position if position else (None, None)
    quote_found = quote_found or {"exact": None, "prefix": "", "suffix": ""}
    return _Target(source=source, start=start, end=end, **quote_found)


def _read_quote(selector: dict, path: str) -> dict:
    exact = selector.get("exact")
    if not isinstance(exact, str):
        raise W3CError(f"{path}.exact: a TextQuoteSelector needs a string exact")
    found = {"exact": exact}
    for key in ("prefix", "suffix"):
        value = selector.get(key, "")
        if not isinstance(value, str):
            raise W3CError(f"{path}.{key}: expected a string")
        found[key] = value
    return found


def _read_position(selector: dict, path: str) -> tuple[int, int]:
    offsets = []
    for key in ("start", "end"):
        value = selector.get(key)
        # bool is an int in Python but never an offset in JSON.
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise W3CError(f"{path}.{key}: expected a non-negative integer, got {value!r}")
        offsets.append(value)
    start, end = offsets
    if start > end:
        raise W3CError(f"{path}: start ({start}) is after end ({end})")
    return start, end


def _page_items(page: dict, context: Any, path: str) -> list[dict]:
    items = page.get("items")
    if not isinstance(items, list):
        raise W3CError(f"{path}items: an AnnotationPage needs an items array")
    found = []
    for index, item in enumerate(items):
        item_path = f"{path}items[{index}]"
        if isinstance(item, str):
            raise W3CError(f"{item_path}: {item!r} is a link; the file must embed annotations")
        annotation = _require_object(item, item_path)
        if "@context" not in annotation and context is not None:
            annotation = {"@context": context, **annotation}
        found.append(annotation)
    return found


def _collection_members(collection: dict) -> list[dict]:
    context = collection.get("@context")
    found: list[dict] = []
    page, path = collection.get("first"), "first."
    # Follow embedded pages only: an import is a file, and links would need fetching.
    while isinstance(page, dict):
        found.extend(_page_items(page, context, path))
        page, path = page.get("next"), path + "next."
    total = collection.get("total")
    if isinstance(total, int) and len(found) < total:
        raise W3CError(
            f"total: the collection has {total} annotations but only {len(found)} are embedded; "
            "export it with every page embedded"
        )
    return found
