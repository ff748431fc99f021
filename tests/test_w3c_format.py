"""W3C Web Annotation export/import (debates.formats.w3c), judged by the W3C WG's MUST schemas."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debates.formats.w3c import (
    ANNO_CONTEXT,
    LDP_CONTEXT,
    MAX_IRI_CHARS,
    MAX_VIA,
    MEDIA_TYPE,
    MOTIVATIONS,
    AnnotationData,
    ParsedAnnotation,
    TextTarget,
    W3CError,
    annotation_from_jsonld,
    annotation_to_jsonld,
    collection_items,
    collection_to_jsonld,
    page_to_jsonld,
    provenance,
)

from . import w3c_conformance
from .w3c_conformance import conformance_root, must_count, must_failures

SITE = "https://crux.example/"
SOURCE = "https://crux.example/sources/4/"
CONTAINER = "https://crux.example/api/annotations/"
WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)

BASE = AnnotationData(
    id="https://crux.example/annotations/7/",
    target=TextTarget(
        source=SOURCE, exact="annexed", prefix="In 2014 Russia ", suffix=" Crimea", start=15, end=22
    ),
    body="Evidence for *position X*",
    tags=("economy", "law"),
    motivation="commenting",
    creator_id="https://crux.example/people/alice/",
    creator_name="Alice",
    created=WHEN,
    modified=WHEN + timedelta(hours=1),
)
REPLY = replace(
    BASE,
    id="https://crux.example/annotations/8/",
    target=None,
    body="I disagree",
    tags=(),
    motivation="replying",
    in_reply_to=BASE.id,
)

SHAPES = {
    "tags": BASE,
    "no tags": replace(BASE, tags=()),
    "empty body": replace(BASE, body=""),
    "highlight": replace(BASE, body="", tags=(), motivation="highlighting"),
    "question": replace(BASE, motivation="questioning"),
    "reply": REPLY,
    "reply with empty body": replace(REPLY, body=""),
    "unicode quote": replace(
        BASE,
        target=TextTarget(SOURCE, "Zürich «städtisch» 東京 🌍", "à ", "\n", 3, 26),
        body="Ça va — *oui* 🙂",
        tags=("économie", "日本"),
        creator_name="Zoë",
    ),
    "zero-length prefix": replace(BASE, target=replace(BASE.target, prefix="", start=0, end=7)),
    "zero-length suffix": replace(BASE, target=replace(BASE.target, suffix="")),
    "audience": replace(BASE, audience="https://crux.example/debates/rivers/"),
    "no creator name": replace(BASE, creator_name=""),
    "canonical and one via": replace(
        BASE, canonical="urn:uuid:3b8a7c1e-0d1f-4c55-9a4e-1f2d3c4b5a69", via=("https://e.x/a/1",)
    ),
    "two via": replace(REPLY, via=("https://e.x/a/1", "https://e.x/a/2")),
}

CAVEAT_SAMPLES = {"anno11.json", "anno12.json", "anno13.json"}


def samples(kind: str) -> Path:
    return conformance_root() / "tools" / "samples" / kind


def read_sample(name: str) -> dict:
    return json.loads((samples("correct") / name).read_text(encoding="utf-8"))


# --- the conformance helper itself -----------------------------------------------------------


def test_conformance_lists_are_read_from_the_shared_folder():
    assert (must_count("annotation"), must_count("collection"), must_count("page")) == (54, 10, 15)


def test_missing_conformance_folder_skips_naming_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(w3c_conformance, "CONFORMANCE_ROOT", tmp_path / "nowhere")
    monkeypatch.delenv("CRUX_REQUIRE_SHARED", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        conformance_root()
    reason = str(skipped.value)
    assert "W3C Web Annotation conformance schemas not found" in reason
    assert str(tmp_path / "nowhere") in reason
    assert "shared/conformance/w3c-annotation-model/" in reason


def test_missing_conformance_folder_fails_when_shared_is_required(monkeypatch, tmp_path):
    monkeypatch.setattr(w3c_conformance, "CONFORMANCE_ROOT", tmp_path / "nowhere")
    monkeypatch.setenv("CRUX_REQUIRE_SHARED", "1")
    with pytest.raises(pytest.fail.Exception, match="conformance schemas not found at .*nowhere"):
        conformance_root()


def test_checker_accepts_upstream_correct_samples():
    names = sorted(p.name for p in samples("correct").glob("anno*.json"))
    failing = {n: must_failures(read_sample(n)) for n in names if n not in CAVEAT_SAMPLES}
    assert {n: f for n, f in failing.items() if f} == {}


def test_checker_rejects_bad_documents_and_names_the_assertion():
    bad_id = json.loads((samples("incorrect") / "anno6.json").read_text())
    assert any("3.1-annotationIdValidated.json" in f for f in must_failures(bad_id))
    both = {**annotation_to_jsonld(BASE), "bodyValue": "x"}
    failures = must_failures(both)
    assert len(failures) == 1
    assert failures[0].startswith("annotations/3.2.5-notBodyBodyValue.json: ERROR: ")
    with pytest.raises(ValueError, match="kind must be one of"):
        must_failures({}, "feed")


# --- export ----------------------------------------------------------------------------------


def test_export_document_shape():
    doc = annotation_to_jsonld(BASE, generator=SITE)
    assert doc == {
        "@context": ANNO_CONTEXT,
        "id": BASE.id,
        "type": "Annotation",
        "motivation": "commenting",
        "created": "2024-01-02T03:04:05Z",
        "modified": "2024-01-02T04:04:05Z",
        "creator": {"id": BASE.creator_id, "type": "Person", "name": "Alice"},
        "generator": {"id": SITE, "type": "Software", "name": "Crux"},
        "body": [
            {
                "type": "TextualBody",
                "value": "Evidence for *position X*",
                "format": "text/markdown",
                "purpose": "commenting",
            },
            {"type": "TextualBody", "value": "economy", "purpose": "tagging"},
            {"type": "TextualBody", "value": "law", "purpose": "tagging"},
        ],
        "target": {
            "type": "SpecificResource",
            "source": SOURCE,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "annexed",
                    "prefix": "In 2014 Russia ",
                    "suffix": " Crimea",
                },
                {"type": "TextPositionSelector", "start": 15, "end": 22},
            ],
        },
    }
    assert must_failures(doc) == []


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_every_exported_shape_passes_the_musts(shape):
    assert must_failures(annotation_to_jsonld(shape)) == []
    assert must_failures(annotation_to_jsonld(shape, generator=SITE)) == []


def test_reply_targets_its_parent_and_its_body_replies():
    doc = annotation_to_jsonld(REPLY)
    assert doc["target"] == BASE.id
    assert doc["body"] == [
        {
            "type": "TextualBody",
            "value": "I disagree",
            "format": "text/markdown",
            "purpose": "replying",
        }
    ]


def test_empty_body_without_tags_leaves_body_out_and_never_uses_body_value():
    doc = annotation_to_jsonld(SHAPES["highlight"])
    assert "body" not in doc and "bodyValue" not in doc


def test_timestamps_are_utc_with_z_and_whole_seconds():
    plus_five = timezone(timedelta(hours=5, minutes=30))
    doc = annotation_to_jsonld(
        replace(BASE, created=datetime(2024, 1, 2, 8, 34, 5, 999_999, tzinfo=plus_five))
    )
    assert doc["created"] == "2024-01-02T03:04:05Z"


def test_unicode_iris_are_percent_encoded_so_format_uri_holds():
    shape = replace(
        BASE,
        creator_id="https://crux.example/people/zoë/",
        target=replace(BASE.target, source="https://crux.example/sources/café/"),
    )
    doc = annotation_to_jsonld(shape)
    assert doc["creator"]["id"] == "https://crux.example/people/zo%C3%AB/"
    assert doc["target"]["source"] == "https://crux.example/sources/caf%C3%A9/"
    assert must_failures(doc) == []


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        (replace(BASE, created=datetime(2024, 1, 2)), "created: datetime must be timezone-aware"),  # noqa: DTZ001
        (replace(BASE, motivation="supporting"), "motivation: 'supporting' is not one of"),
        (replace(REPLY, target=BASE.target), "target: a reply targets its parent"),
        (replace(BASE, target=None), "target: required unless in_reply_to"),
    ],
)
def test_export_refuses_data_it_cannot_represent(shape, message):
    with pytest.raises(ValueError, match=message):
        annotation_to_jsonld(shape)


def test_constants():
    assert MEDIA_TYPE == 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
    assert set(MOTIVATIONS) == {"commenting", "highlighting", "questioning", "tagging", "replying"}


# --- round trip ------------------------------------------------------------------------------


def expected_parse(a: AnnotationData) -> ParsedAnnotation:
    t = a.target
    return ParsedAnnotation(
        id=a.id,
        source=t.source if t else None,
        in_reply_to=a.in_reply_to,
        exact=t.exact if t else None,
        prefix=t.prefix if t else "",
        suffix=t.suffix if t else "",
        start=t.start if t else None,
        end=t.end if t else None,
        body=a.body,
        tags=a.tags,
        motivation=a.motivation,
        canonical=a.canonical,
        via=a.via,
    )


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_round_trip_through_json_text(shape):
    text = json.dumps(annotation_to_jsonld(shape, generator=SITE))
    assert annotation_from_jsonld(text) == expected_parse(shape)


def test_a_commenting_reply_is_still_read_as_a_reply():
    # Body purpose "replying" marks the reply even when the motivation does not.
    shape = replace(REPLY, motivation="commenting")
    assert annotation_from_jsonld(annotation_to_jsonld(shape)) == expected_parse(shape)


# --- collections and pages -------------------------------------------------------------------


def items_for(count: int) -> list[dict]:
    return [
        annotation_to_jsonld(replace(BASE, id=f"https://crux.example/annotations/{n}/"))
        for n in range(count)
    ]


def without_context(doc: dict) -> dict:
    return {key: value for key, value in doc.items() if key != "@context"}


def test_empty_collection_still_links_page_zero():
    doc = collection_to_jsonld(id=CONTAINER, label="Rivers", total=0, page_size=20)
    assert doc == {
        "@context": [ANNO_CONTEXT, LDP_CONTEXT],
        "id": CONTAINER,
        "type": ["BasicContainer", "AnnotationCollection"],
        "label": "Rivers",
        "total": 0,
        "first": f"{CONTAINER}?page=0",
        "last": f"{CONTAINER}?page=0",
    }
    assert must_failures(doc, "collection") == []
    page = page_to_jsonld(collection_id=CONTAINER, page=0, page_size=20, total=0, items=[])
    assert page["items"] == [] and "next" not in page and "prev" not in page
    assert must_failures(page, "page") == []


def test_single_page_collection_with_embedded_first_page():
    items = items_for(3)
    doc = collection_to_jsonld(
        id=CONTAINER, label="Rivers", total=3, page_size=20, first_items=items, modified=WHEN
    )
    assert doc["modified"] == "2024-01-02T03:04:05Z"
    assert doc["last"] == f"{CONTAINER}?page=0"
    first = doc["first"]
    assert first["id"] == f"{CONTAINER}?page=0" and first["startIndex"] == 0
    assert "next" not in first and "prev" not in first
    assert must_failures(doc, "collection") == []
    # pageMusts.test also accepts a collection whose first page is embedded
    assert must_failures(doc, "page") == []
    assert [must_failures(item) for item in collection_items(doc)] == [[], [], []]
    # the items inherit the container's @context, which includes the annotation context
    found = collection_items(doc)
    assert all(item["@context"] == [ANNO_CONTEXT, LDP_CONTEXT] for item in found)
    assert [without_context(item) for item in found] == [without_context(i) for i in items]


def test_middle_page_of_three():
    items = items_for(10)
    page = page_to_jsonld(
        collection_id=CONTAINER, page=1, page_size=10, total=25, items=items, label="Rivers"
    )
    assert page["@context"] == ANNO_CONTEXT
    assert page["id"] == f"{CONTAINER}?page=1"
    assert page["type"] == "AnnotationPage"
    assert page["partOf"] == {"id": CONTAINER, "total": 25, "label": "Rivers"}
    assert page["startIndex"] == 10
    assert (page["prev"], page["next"]) == (f"{CONTAINER}?page=0", f"{CONTAINER}?page=2")
    # items rely on the page's @context rather than repeating it
    assert all("@context" not in item for item in page["items"])
    assert must_failures(page, "page") == []
    collection = collection_to_jsonld(id=CONTAINER, label="Rivers", total=25, page_size=10)
    assert collection["last"] == f"{CONTAINER}?page=2"
    assert must_failures(collection, "collection") == []


def test_last_and_first_pages_of_three_link_one_way():
    first = page_to_jsonld(collection_id=CONTAINER, page=0, page_size=10, total=25, items=[])
    last = page_to_jsonld(collection_id=CONTAINER, page=2, page_size=10, total=25, items=[])
    assert "prev" not in first and first["next"] == f"{CONTAINER}?page=1"
    assert "next" not in last and last["prev"] == f"{CONTAINER}?page=1"
    assert must_failures(first, "page") == [] and must_failures(last, "page") == []


def test_page_iris_keep_an_existing_query():
    page = page_to_jsonld(
        collection_id=f"{CONTAINER}?debate=rivers", page=0, page_size=10, total=11, items=[]
    )
    assert page["next"] == f"{CONTAINER}?debate=rivers&page=1"
    assert must_failures(page, "page") == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"page": 3, "total": 25}, "page: 3 is outside 0..2"),
        ({"page": -1, "total": 25}, "page: -1 is outside"),
        ({"page": 0, "total": -1}, "total: must be >= 0"),
        ({"page": 0, "total": 5, "page_size": 0}, "page_size: must be >= 1"),
    ],
)
def test_page_arguments_are_checked(kwargs, message):
    arguments = {"collection_id": CONTAINER, "page_size": 10, "items": [], **kwargs}
    with pytest.raises(ValueError, match=message):
        page_to_jsonld(**arguments)


def test_checker_catches_a_broken_collection_and_page():
    # Guards against a checker that passes everything: drop what the MUSTs require.
    collection = collection_to_jsonld(id=CONTAINER, label="Rivers", total=3, page_size=10)
    del collection["first"]
    assert any("collectionFirstValidated" in f for f in must_failures(collection, "collection"))
    page = page_to_jsonld(collection_id=CONTAINER, page=0, page_size=10, total=3, items=[])
    page["partOf"] = {"total": 3}
    assert any("pagePartOfValidated" in f for f in must_failures(page, "page"))


# --- import: what real clients send ----------------------------------------------------------


def minimal(**fields) -> dict:
    return {"@context": ANNO_CONTEXT, "type": "Annotation", "target": SOURCE, **fields}


def test_body_as_a_single_object():
    parsed = annotation_from_jsonld(minimal(body={"type": "TextualBody", "value": "Hi"}))
    assert (parsed.body, parsed.tags, parsed.motivation) == ("Hi", (), "commenting")
    assert (parsed.id, parsed.in_reply_to, parsed.exact) == (None, None, None)
    assert parsed.source == SOURCE


def test_body_value_is_plain_text():
    assert annotation_from_jsonld(minimal(bodyValue="Plain")).body == "Plain"


def test_tags_come_from_tagging_bodies_and_text_from_the_first_other_textual_body():
    parsed = annotation_from_jsonld(
        minimal(
            body=[
                {"type": "TextualBody", "value": "t1", "purpose": ["tagging"]},
                "https://elsewhere.example/comment",
                {"value": "untyped first"},
                {"type": "TextualBody", "value": "second", "purpose": "describing"},
                {"type": "TextualBody", "value": "t2", "purpose": "tagging"},
            ]
        )
    )
    assert (parsed.body, parsed.tags) == ("untyped first", ("t1", "t2"))


def test_external_bodies_become_links_when_there_is_no_text():
    parsed = annotation_from_jsonld(minimal(body=["https://a.example/1", {"id": "https://b.ex/2"}]))
    assert parsed.body == "<https://a.example/1>\n<https://b.ex/2>"


def test_choice_body_keeps_its_default_first_item():
    choice = {
        "type": "Choice",
        "items": [{"type": "TextualBody", "value": "en"}, {"type": "TextualBody", "value": "fr"}],
    }
    assert annotation_from_jsonld(minimal(body=choice)).body == "en"


@pytest.mark.parametrize(
    "target",
    [
        {"source": SOURCE, "selector": {"type": "TextQuoteSelector", "exact": "annexed"}},
        [{"source": SOURCE, "selector": [{"type": "TextQuoteSelector", "exact": "annexed"}]}],
        {
            "type": "SpecificResource",
            "source": SOURCE,
            "selector": [
                "https://crux.example/selectors/1",
                {"type": "RangeSelector", "startSelector": {}, "endSelector": {}},
                {"type": "FragmentSelector", "value": "p5", "refinedBy": {"type": "XPathSelector"}},
                {"type": "TextQuoteSelector", "exact": "annexed"},
            ],
        },
    ],
    ids=["object with selector object", "one-item list", "unusable selectors skipped"],
)
def test_target_shapes(target):
    parsed = annotation_from_jsonld(minimal(target=target))
    assert (parsed.source, parsed.exact, parsed.prefix) == (SOURCE, "annexed", "")
    assert parsed.start is None


def test_position_selector_alone():
    target = {"source": SOURCE, "selector": {"type": "TextPositionSelector", "start": 0, "end": 0}}
    parsed = annotation_from_jsonld(minimal(target=target))
    assert (parsed.exact, parsed.start, parsed.end) == (None, 0, 0)


def test_target_without_selector_is_the_whole_document():
    for target in (SOURCE, [SOURCE], {"id": SOURCE, "type": "Text"}, {"source": SOURCE}):
        parsed = annotation_from_jsonld(minimal(target=target))
        assert (parsed.source, parsed.exact, parsed.start) == (SOURCE, None, None)


@pytest.mark.parametrize(
    "fields",
    [
        {"motivation": "replying"},
        {"motivation": ["bookmarking", "replying"]},
        {"body": {"type": "TextualBody", "value": "No", "purpose": "replying"}},
        {"target": {"id": BASE.id, "type": "Annotation"}},
    ],
    ids=["motivation", "motivation list", "body purpose", "target typed Annotation"],
)
def test_reply_detection(fields):
    parsed = annotation_from_jsonld(minimal(**{"target": BASE.id, **fields}))
    assert (parsed.in_reply_to, parsed.source) == (BASE.id, None)


@pytest.mark.parametrize(
    ("motivation", "expected"),
    [
        (["bookmarking", "questioning", "commenting"], "questioning"),
        ("oa:highlighting", "highlighting"),
        ("describing", "commenting"),
        (None, "commenting"),
    ],
)
def test_motivation_is_the_first_crux_knows(motivation, expected):
    doc = minimal() if motivation is None else minimal(motivation=motivation)
    assert annotation_from_jsonld(doc).motivation == expected


def test_context_may_be_https_or_a_list_with_extensions():
    for context in ("https://www.w3.org/ns/anno.jsonld", [ANNO_CONTEXT, {"ex": "https://e.x/"}]):
        assert annotation_from_jsonld({**minimal(), "@context": context}).source == SOURCE


def test_bytes_are_read_as_utf8_json():
    raw = json.dumps(minimal(bodyValue="Zoë")).encode()
    assert annotation_from_jsonld(raw).body == "Zoë"


def selector_doc(*selectors) -> dict:
    return minimal(target={"source": SOURCE, "selector": list(selectors)})


def position(start, end) -> dict:
    return {"type": "TextPositionSelector", "start": start, "end": end}


BAD_INPUTS = {
    "missing @context": (
        {"type": "Annotation", "target": SOURCE},
        "@context: missing; it must include http://www.w3.org/ns/anno.jsonld",
    ),
    "wrong @context": ({**minimal(), "@context": "http://schema.org/"}, "@context: must include"),
    "missing type": ({"@context": ANNO_CONTEXT, "target": SOURCE}, "type: missing"),
    "wrong type": ({**minimal(), "type": "Note"}, "type: expected 'Annotation', got 'Note'"),
    "invalid JSON": ('{"type": "Annotation",}', "JSON: Expecting property name .* column 23"),
    "not UTF-8": (b"\xff\xfe{}", "JSON: "),
    "JSON array": ("[]", "document: expected a JSON object, got an array"),
    "body and bodyValue": (
        minimal(body={"type": "TextualBody", "value": "a"}, bodyValue="b"),
        "body, bodyValue: an annotation may have body or bodyValue, not both",
    ),
    "bodyValue not text": (minimal(bodyValue=3), "bodyValue: expected a string"),
    "TextualBody value not text": (
        minimal(body=[{"type": "TextualBody", "value": 5}]),
        r"body\[0\]\.value: a TextualBody needs a string value",
    ),
    "body a number": (minimal(body=7), "body: expected an IRI or an object, got a number"),
    "body not an IRI": (minimal(body="just words"), "body: expected an absolute IRI"),
    "start after end": (selector_doc(position(9, 3)), r"selector\[0\]: start \(9\) is after end"),
    "negative start": (selector_doc(position(-1, 3)), r"selector\[0\]\.start: expected a non-neg"),
    "offset as text": (selector_doc(position("1", 3)), r"\.start: expected a non-negative integer"),
    "offset as bool": (selector_doc(position(0, True)), r"\.end: expected a non-negative integer"),
    "exact missing": (
        selector_doc({"type": "TextQuoteSelector", "prefix": "a"}),
        r"selector\[0\]\.exact: a TextQuoteSelector needs a string exact",
    ),
    "prefix not text": (
        selector_doc({"type": "TextQuoteSelector", "exact": "a", "prefix": 1}),
        r"\.prefix: expected a string",
    ),
    "no usable selector": (
        selector_doc({"type": "CssSelector", "value": "p"}),
        "target.selector: a TextQuoteSelector or TextPositionSelector is required",
    ),
    "missing target": ({"@context": ANNO_CONTEXT, "type": "Annotation"}, "target: missing"),
    "two targets": (minimal(target=[SOURCE, SOURCE]), "target: .* exactly one target, got 2"),
    "empty target list": (minimal(target=[]), "target: .* exactly one target, got 0"),
    "target a number": (minimal(target=9), "target: expected an IRI or an object, got a number"),
    "target relative": (minimal(target="/sources/4/"), "target: expected an absolute IRI"),
    "target without source": (minimal(target={"type": "Text"}), "target: an object target needs"),
    "image target": (
        minimal(target={"id": "https://e.x/1.jpg", "type": "Image"}),
        "target.type: Crux annotates text; 'Image' is not supported",
    ),
    "video by format": (
        minimal(target={"id": "https://e.x/v", "format": "video/mp4"}),
        "target.format: Crux annotates text; 'video/mp4'",
    ),
    "source not an IRI": (minimal(target={"source": 4}), "target.source: expected an absolute IRI"),
    "id not an IRI": (minimal(id="not a uri"), "id: expected an absolute IRI, got 'not a uri'"),
    "motivation not text": (minimal(motivation=[1]), "motivation: expected a string or a list"),
}


@pytest.mark.parametrize(("doc", "message"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_names_the_field(doc, message):
    with pytest.raises(W3CError, match=message):
        annotation_from_jsonld(doc)


# --- provenance: canonical and via (model 3.3.7, protocol 5.1) -------------------------------

CANONICAL = "urn:uuid:3b8a7c1e-0d1f-4c55-9a4e-1f2d3c4b5a69"


def test_export_gives_canonical_and_via_one_as_a_string_several_as_a_list():
    one = annotation_to_jsonld(replace(BASE, canonical=CANONICAL, via=("https://e.x/a/1",)))
    two = annotation_to_jsonld(replace(BASE, via=("https://e.x/a/1", "https://e.x/a/2")))
    neither = annotation_to_jsonld(BASE)

    assert (one["canonical"], one["via"]) == (CANONICAL, "https://e.x/a/1")
    assert two["via"] == ["https://e.x/a/1", "https://e.x/a/2"] and "canonical" not in two
    assert "canonical" not in neither and "via" not in neither
    assert [must_failures(doc) for doc in (one, two, neither)] == [[], [], []]


@pytest.mark.parametrize(
    ("fields", "canonical", "via"),
    [
        ({}, None, ()),
        ({"canonical": CANONICAL}, CANONICAL, ()),
        ({"canonical": [CANONICAL]}, CANONICAL, ()),  # the schemas allow a one-item array
        ({"via": "https://e.x/a/1"}, None, ("https://e.x/a/1",)),
        ({"via": ["https://e.x/a/1", "https://e.x/a/2"]}, None, ("https://e.x/a/1", "https://e.x/a/2")),
    ],
)  # fmt: skip
def test_canonical_and_via_are_read(fields, canonical, via):
    parsed = annotation_from_jsonld(minimal(**fields))

    assert (parsed.canonical, parsed.via) == (canonical, via)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"canonical": "no iri"}, "canonical: expected an absolute IRI"),
        ({"canonical": [CANONICAL, CANONICAL]}, "canonical: an annotation has one canonical IRI"),
        ({"canonical": []}, "canonical: an annotation has one canonical IRI, got 0"),
        ({"canonical": "https://e.x/" + "a" * MAX_IRI_CHARS}, "canonical: longer than 2,000"),
        ({"id": "https://e.x/" + "a" * MAX_IRI_CHARS}, "id: longer than 2,000"),
        ({"via": 5}, "via: expected an absolute IRI"),
        ({"via": ["https://e.x/1", "relative/2"]}, r"via\[1\]: expected an absolute IRI"),
        ({"via": ["https://e.x/1"] * (MAX_VIA + 1)}, f"via: at most {MAX_VIA} IRIs"),
    ],
)
def test_bad_canonical_and_via_name_the_field(fields, message):
    with pytest.raises(W3CError, match=message):
        annotation_from_jsonld(minimal(**fields))


def test_provenance_keeps_canonical_and_puts_the_id_first_in_via():
    parsed = annotation_from_jsonld(
        minimal(id="https://e.x/a/9", canonical=CANONICAL, via=["https://e.x/a/1", "https://e.x/a/9"])
    )  # fmt: skip

    assert provenance(parsed) == (CANONICAL, ("https://e.x/a/9", "https://e.x/a/1"))
    assert provenance(annotation_from_jsonld(minimal())) == (None, ())
    no_id = annotation_from_jsonld(minimal(via="https://e.x/a/1"))
    assert provenance(no_id) == (None, ("https://e.x/a/1",))


def test_a_minimal_container_with_its_own_iri_links_the_shared_pages():
    doc = collection_to_jsonld(
        id=f"{CONTAINER}?minimal=1", pages_of=CONTAINER, label="Rivers", total=25, page_size=10
    )

    assert doc["id"] == f"{CONTAINER}?minimal=1"
    assert (doc["first"], doc["last"]) == (f"{CONTAINER}?page=0", f"{CONTAINER}?page=2")
    assert must_failures(doc, "collection") == []


def test_w3c_error_is_a_value_error():
    assert issubclass(W3CError, ValueError)


# --- import: upstream samples ----------------------------------------------------------------


ANNO18_TEXT = "A good description of the topic that bears further investigation"
ANNO26_SUFFIX = " that has some"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anno5.json", {"source": "http://example.org/photo1", "body": "<p>j'adore !</p>"}),
        ("anno6.json", {"source": "http://example.org/target1", "body": "Comment text"}),
        ("anno7.json", {"source": "http://example.org/target1", "body": "Comment text"}),
        ("anno8.json", {"source": "http://example.org/ebook1", "body": "", "tags": ()}),
        ("anno18.json", {"tags": ("readme",), "body": ANNO18_TEXT}),
        ("anno26.json", {"exact": "anotation", "prefix": "this is an ", "suffix": ANNO26_SUFFIX}),
        ("anno27.json", {"source": "http://example.org/ebook1", "start": 412, "end": 795}),
    ],
)
def test_upstream_text_annotations_parse(name, expected):
    parsed = annotation_from_jsonld((samples("correct") / name).read_text(encoding="utf-8"))
    assert {field: getattr(parsed, field) for field in expected} == expected
    assert parsed.id == f"http://example.org/{name.removesuffix('.json')}"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("anno4.json", "target.type: .* 'Image'"),
        ("anno9.json", "target: .* exactly one target, got 2"),
        ("anno17.json", "target.type: .* 'Video'"),
        ("anno24.json", "target.selector: a TextQuoteSelector or TextPositionSelector"),
    ],
)
def test_upstream_non_text_annotations_are_refused(name, message):
    with pytest.raises(W3CError, match=message):
        annotation_from_jsonld((samples("correct") / name).read_text(encoding="utf-8"))


def test_every_upstream_incorrect_sample_is_refused():
    paths = sorted(samples("incorrect").glob("*.json"))
    not_json = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        try:
            json.loads(text)
        except json.JSONDecodeError:
            not_json.append(path.name)
            with pytest.raises(W3CError, match="^JSON: "):
                annotation_from_jsonld(text)
        else:
            with pytest.raises(W3CError):
                annotation_from_jsonld(text)
    assert len(paths) == 39
    assert {"anno1.json", "anno10.json", "anno37.json"} <= set(not_json)


# --- import files: collection_items ----------------------------------------------------------


def test_items_of_a_single_annotation_and_of_a_list():
    doc = annotation_to_jsonld(BASE)
    assert collection_items(doc) == [doc]
    assert collection_items(json.dumps([doc, doc])) == [doc, doc]


def test_items_of_an_exported_page_get_the_page_context_back():
    items = items_for(2)
    page = page_to_jsonld(collection_id=CONTAINER, page=0, page_size=10, total=2, items=items)
    found = collection_items(page)
    assert found == items
    assert [annotation_from_jsonld(item).id for item in found] == [
        "https://crux.example/annotations/0/",
        "https://crux.example/annotations/1/",
    ]


def test_items_of_the_upstream_collection_with_embedded_page():
    found = collection_items(read_sample("collection1.json"))
    assert len(found) == 41
    assert all(item["@context"] == ANNO_CONTEXT for item in found)


def test_items_follow_embedded_next_pages():
    second = {"type": "AnnotationPage", "items": [{"type": "Annotation", "id": "https://e.x/2"}]}
    first = {"type": "AnnotationPage", "items": [{"type": "Annotation"}], "next": second}
    collection = {"@context": ANNO_CONTEXT, "type": "AnnotationCollection", "first": first}
    assert len(collection_items({**collection, "total": 2})) == 2


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"type": "Note"}, "type: expected Annotation, AnnotationPage or AnnotationCollection"),
        ({"type": "AnnotationPage"}, "items: an AnnotationPage needs an items array"),
        (
            {"type": "AnnotationPage", "items": ["https://e.x/1"]},
            r"items\[0\]: 'https://e.x/1' is a link; the file must embed annotations",
        ),
        ([{"type": "Annotation"}, 3], r"\[1\]: expected an annotation object, got a number"),
        ("nope", "JSON: Expecting value"),
        ("7", "document: expected an annotation object, got a number"),
    ],
)
def test_items_refuses_what_it_cannot_unpack(doc, message):
    with pytest.raises(W3CError, match=message):
        collection_items(doc)


def test_items_refuses_a_collection_whose_pages_are_only_linked():
    with pytest.raises(W3CError, match="total: the collection has 42023 annotations but only 0"):
        collection_items(read_sample("example41.json"))


# --- property test ---------------------------------------------------------------------------

# Hypothesis wants naive bounds and adds the zone itself.
EARLIEST = datetime(2000, 1, 1)  # noqa: DTZ001
LATEST = datetime(2100, 1, 1)  # noqa: DTZ001
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=5.5))])
MOMENTS = st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=ZONES)
SLUGS = st.from_regex(r"[a-z0-9][a-z0-9-]{0,11}", fullmatch=True)


@st.composite
def annotations(draw) -> AnnotationData:
    is_reply = draw(st.booleans())
    slug, person = draw(SLUGS), draw(SLUGS)
    if is_reply:
        target, parent, motivation = None, f"{SITE}annotations/{draw(SLUGS)}/", "replying"
    else:
        exact = draw(st.text(max_size=60))
        start = draw(st.integers(min_value=0, max_value=10**7))
        target = TextTarget(
            source=f"{SITE}sources/{draw(SLUGS)}/",
            exact=exact,
            prefix=draw(st.text(max_size=32)),
            suffix=draw(st.text(max_size=32)),
            start=start,
            end=start + len(exact),
        )
        parent, motivation = None, draw(st.sampled_from(MOTIVATIONS))
    return AnnotationData(
        id=f"{SITE}annotations/{slug}/",
        target=target,
        body=draw(st.text(max_size=200)),
        tags=tuple(draw(st.lists(st.text(min_size=1, max_size=20), max_size=4))),
        motivation=motivation,
        creator_id=f"{SITE}people/{person}/",
        creator_name=draw(st.text(max_size=30)),
        created=draw(MOMENTS),
        modified=draw(MOMENTS),
        in_reply_to=parent,
        canonical=draw(st.none() | SLUGS.map(lambda slug: f"urn:crux:{slug}")),
        via=tuple(draw(st.lists(SLUGS.map(lambda slug: f"{SITE}elsewhere/{slug}"), max_size=3))),
    )


# database=None: don't write an example database into the working tree.
@settings(max_examples=50, deadline=None, database=None)
@given(annotations())
def test_property_exports_conform_and_round_trip(a):
    doc = annotation_to_jsonld(a, generator=SITE)
    assert must_failures(doc) == []
    assert annotation_from_jsonld(json.dumps(doc)) == expected_parse(a)
    created = datetime.fromisoformat(doc["created"])
    assert created == a.created.replace(microsecond=0)
