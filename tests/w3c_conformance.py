"""Check documents against the W3C Web Annotation WG's MUST assertions (JSON Schema draft-04).

The schemas live in ``shared/conformance/w3c-annotation-model/`` beside the repository and are read
at run time, never copied into the project, so the tests always judge against the upstream text.
A clone with nothing beside it skips the tests that need them; CI sets CRUX_REQUIRE_SHARED=1 so
there a missing folder fails instead.
See that folder's README.md for why the definitions are registered under their bare ids.
"""

import functools
import json
import os
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

# CI clones the repository with shared/ beside it; CRUX_SHARED_DIR points elsewhere if not.
SHARED_DIR = Path(
    os.environ.get("CRUX_SHARED_DIR") or Path(__file__).resolve().parents[1].parent / "shared"
)
CONFORMANCE_ROOT = SHARED_DIR / "conformance" / "w3c-annotation-model"

# Which assertion list judges which kind of document.
MUST_LISTS = {
    "annotation": "annotations/annotationMusts.test",
    "collection": "collections/collectionMusts.test",
    "page": "collections/pages/pageMusts.test",
}


def conformance_root() -> Path:
    """The shared schema folder. Without it the tests that need it skip, naming what is missing;
    with CRUX_REQUIRE_SHARED set (as CI sets it) a missing folder is a failure."""
    if not (CONFORMANCE_ROOT / "definitions").is_dir():
        missing = (
            f"W3C Web Annotation conformance schemas not found at {CONFORMANCE_ROOT}: they come "
            "from shared/conformance/w3c-annotation-model/ beside the repository (or set "
            "CRUX_SHARED_DIR to the shared folder)"
        )
        if os.environ.get("CRUX_REQUIRE_SHARED"):
            pytest.fail(f"{missing}; CRUX_REQUIRE_SHARED is set, so this fails", pytrace=False)
        pytest.skip(missing)
    return CONFORMANCE_ROOT


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def _registry() -> Registry:
    # Draft-04 hides an ``id`` that sits next to ``$ref``, so assertion files resolve their refs
    # against an empty base: the definitions must be keyed by their bare, relative ids.
    registry: Registry = Registry()
    for path in sorted((conformance_root() / "definitions").glob("*.json")):
        schema = _read_json(path)
        registry = registry.with_resource(schema["id"], Resource(schema, specification=DRAFT4))
    return registry.crawl()


@functools.cache
def _assertions(kind: str) -> tuple[tuple[str, Draft4Validator, bool], ...]:
    """(path, validator, expected-valid) for every assertion in the kind's MUST list."""
    if kind not in MUST_LISTS:
        raise ValueError(f"kind must be one of {sorted(MUST_LISTS)}, not {kind!r}")
    root = conformance_root()
    listed = _read_json(root / MUST_LISTS[kind])["assertions"]
    checks = []
    for rel in listed:
        schema = _read_json(root / rel)
        validator = Draft4Validator(schema, registry=_registry(), format_checker=FormatChecker())
        checks.append((rel, validator, schema.get("expectedResult", "valid") == "valid"))
    return tuple(checks)


def must_failures(document: dict, kind: str = "annotation") -> list[str]:
    """Every MUST assertion of ``kind`` that ``document`` fails, as "<file>: <errorMessage>".

    ``kind`` is "annotation", "collection" or "page"; an empty list means the document conforms.
    """
    failures = []
    for rel, validator, expect_valid in _assertions(kind):
        if validator.is_valid(document) != expect_valid:
            message = validator.schema.get("errorMessage", "(no errorMessage)")
            failures.append(f"{rel}: {message}")
    return failures


def must_count(kind: str = "annotation") -> int:
    """How many MUST assertions ``kind`` has, so tests can prove the list was really read."""
    return len(_assertions(kind))
