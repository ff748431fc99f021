"""The layers hold: only services write, and every service has the same shape.

The write scan reads the source (ast), so it needs no database and names file:line.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("debates", "accounts", "classes")

# Where writing is the point: the services, schema migrations, and the demo builder (it
# makes the demo accounts through the ORM, for both apps; the rest of the demo goes through
# the services).
WRITERS = (
    "debates/services/",
    "classes/services/",
    "accounts/services.py",
    "/migrations/",
    "debates/demo/build.py",
)

# Writes that are a model's own invariant, so they run whoever deletes (Django admin, a
# cascade), where no service is called: (file, enclosing function) with the reason.
INVARIANTS = {
    (
        "debates/models/maps.py",
        "_release_members_only_notes",
    ): "deleting a debate keeps its members-only notes, private to their authors",
}

ROW_WRITES = {
    "save",
    "delete",
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
}
QUERYSET_LINKS = {"objects", "filter", "exclude", "all"}
SQL_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE|MERGE)\b", re.IGNORECASE)


def _receiver_chain(node: ast.expr) -> set[str]:
    """The attribute and method names a call's receiver is built from: for
    `Claim.objects.filter(pk=1)`, {"objects", "filter"}."""
    names = set()
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return names


def _sql_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    return ""


def _is_super_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
    )


class _WriteFinder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.functions: list[str] = []
        self.found: list[tuple[int, str, str]] = []  # line, what, enclosing function

    def _visit_function(self, node) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        if not isinstance(node.func, ast.Attribute):
            return
        name, receiver = node.func.attr, node.func.value
        where = self.functions[-1] if self.functions else ""
        if name in ROW_WRITES:
            # `super().save()` inside a model's own `save()` carries on the caller's write.
            if _is_super_call(receiver) and where == name:
                return
            self.found.append((node.lineno, f".{name}(", where))
        elif name == "update" and _receiver_chain(receiver) & QUERYSET_LINKS:
            self.found.append((node.lineno, ".update( on a queryset", where))
        elif (
            name in ("execute", "executemany")
            and node.args
            and SQL_WRITE.match(_sql_text(node.args[0]))
        ):
            self.found.append((node.lineno, f"{name}() of a writing SQL statement", where))


def writes_in(source: str) -> list[tuple[int, str, str]]:
    """(line, what, enclosing function) of every call in `source` that writes rows."""
    finder = _WriteFinder()
    finder.visit(ast.parse(source))
    return finder.found


def _scanned_files() -> list[Path]:
    files = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if not any(part in f"/{relative}" for part in WRITERS):
                files.append(path)
    return files


def test_only_services_write():
    offences = []
    for path in _scanned_files():
        relative = path.relative_to(ROOT).as_posix()
        for line, what, where in writes_in(path.read_text()):
            if (relative, where) not in INVARIANTS:
                offences.append(f"{relative}:{line}: {what} (in {where or 'the module'})")
    assert not offences, "Writes outside services (call a service instead):\n" + "\n".join(offences)


def test_the_scan_covers_views_selectors_and_accounts():
    scanned = {path.relative_to(ROOT).as_posix() for path in _scanned_files()}
    assert {"debates/views/editing.py", "accounts/views.py", "debates/live.py"} <= scanned
    assert any(name.startswith("debates/selectors/") for name in scanned)
    assert not any(name.startswith("debates/services/") for name in scanned)
    assert "accounts/services.py" not in scanned
    assert {"classes/views/roster.py", "classes/selectors/classrooms.py"} <= scanned
    assert not any(name.startswith("classes/services/") for name in scanned)


@pytest.mark.parametrize(
    "line",
    [
        'Claim.objects.filter(pk=1).update(text="x")',
        "Claim.objects.all().update(order=0)",
        "claim.evidence.exclude(pk=1).update(note='')",
        "claim.save()",
        "form.save()",
        "Claim.objects.filter(pk=1).delete()",
        "Flag.objects.create(reason='spam')",
        "Tag.objects.get_or_create(name='x')",
        "Tag.objects.update_or_create(name='x')",
        "Tag.objects.bulk_create([])",
        "Tag.objects.bulk_update([], ['name'])",
        "cursor.execute('UPDATE debates_claim SET text = %s', ['x'])",
        "cursor.execute(f'insert into {table} values (1)')",
    ],
)
def test_the_scan_catches_a_write_in_a_view(line):
    view = f"def claim_edit(request, slug, pk):\n    {line}\n"
    assert [found[0] for found in writes_in(view)] == [2]


@pytest.mark.parametrize(
    "line",
    [
        "context.update(form=form)",
        "response.headers.update({'X': '1'})",
        "cursor.execute('SELECT 1')",
        "conn.execute(f'LISTEN {CHANNEL}')",
        "Claim.objects.filter(pk=1).exists()",
    ],
)
def test_the_scan_lets_reads_and_dicts_be(line):
    view = f"def claim_more(request, slug, pk):\n    {line}\n"
    assert writes_in(view) == []


def test_a_models_own_save_may_call_super():
    model = (
        "class Revision:\n"
        "    def save(self, *args, **kwargs):\n"
        "        super().save(*args, **kwargs)\n"
        "    def publish(self):\n"
        "        super().save()\n"
    )
    assert [found[0] for found in writes_in(model)] == [5]


# --- the shape of a service -------------------------------------------------------------

# Exported functions without an `actor`, with the reason.
NO_ACTOR = {
    "debates.services.kind_under": "pure: which kind of claim goes under a parent",
    "debates.services.quote_span": "pure: where a quote stands in a text",
    "accounts.services.user_signup": "nobody acts for a sign-up: the person does not exist yet",
}
# Exported functions that take positional parameters, with the reason.
POSITIONAL = {
    "debates.services.kind_under": "pure, one obvious argument: kind_under(parent)",
}


def _public_services():
    for module_name in ("debates.services", "accounts.services", "classes.services"):
        module = importlib.import_module(module_name)
        names = getattr(module, "__all__", None) or [
            name
            for name, value in vars(module).items()
            if not name.startswith("_")
            and inspect.isfunction(value)
            and value.__module__ == module_name
        ]
        for name in names:
            value = getattr(module, name)
            if inspect.isfunction(value):
                yield f"{module_name}.{name}", value


def test_services_are_keyword_only_and_take_the_actor():
    refused = []
    for name, function in _public_services():
        parameters = inspect.signature(function).parameters.values()
        positional = [
            p.name
            for p in parameters
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
        ]
        has_actor = any(p.name == "actor" and p.kind == p.KEYWORD_ONLY for p in parameters)
        if positional and name not in POSITIONAL:
            refused.append(f"{name}: positional parameters {positional}")
        if not has_actor and name not in NO_ACTOR:
            refused.append(f"{name}: no keyword-only `actor`")
    assert not refused, "\n".join(refused)


def test_the_listed_exceptions_still_exist():
    names = {name for name, _ in _public_services()}
    assert set(NO_ACTOR) | set(POSITIONAL) <= names
