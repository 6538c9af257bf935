"""The house's structure: a lower app never imports a higher one, and entry points never write to the ORM.

The layer order and its justified exceptions are read from ``docs/design-notes.md`` (the ``layers`` and
``layers-exceptions`` blocks), so the rule and its explanation cannot drift apart.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "ganxun"
NOTES = ROOT / "docs" / "design-notes.md"
CONFIG = {"settings", "test_settings", "envtools"}


def _block(name: str) -> list[str]:
    text = NOTES.read_text(encoding="utf-8")
    match = re.search(rf"```{name}\n(.*?)```", text, re.S)
    assert match, f"docs/design-notes.md has no ```{name} block"
    return [line.strip() for line in match.group(1).splitlines() if line.strip()]


def layer_of() -> dict[str, int]:
    return {part: i for i, line in enumerate(_block("layers")) for part in line.split()}


def exceptions() -> set[tuple[str, str]]:
    pairs = set()
    for line in _block("layers-exceptions"):
        pair, _, reason = line.partition(":")
        low, _, high = pair.partition("->")
        assert reason.strip(), f"an exception without its reason: {line}"
        pairs.add((low.strip(), high.strip()))
    return pairs


def module_part(path: Path) -> str:
    """The app a source file belongs to, or the package-root module's name."""
    rel = path.relative_to(SRC)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported_parts(source: str) -> set[str]:
    """Every ``ganxun.<part>`` a module imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names if node.module == "ganxun"]
        for name in names:
            bits = name.split(".")
            if bits[0] == "ganxun" and len(bits) > 1:
                found.add(bits[1])
    return found


def upward_imports(files, layers: dict[str, int], allowed: set[tuple[str, str]]) -> list[str]:
    problems = []
    for path, source in files:
        part = module_part(path)
        if part in CONFIG:
            continue
        for target in imported_parts(source) - {part}:
            if target in CONFIG and not (part == "test_settings" and target == "settings"):
                problems.append(f"{path.relative_to(SRC)} imports ganxun.{target} (read django.conf.settings)")
            elif target not in CONFIG and (part, target) not in allowed and layers[target] >= layers[part]:
                problems.append(f"{path.relative_to(SRC)} ({part}, line {layers[part] + 1}) imports ganxun.{target} "
                                f"(line {layers[target] + 1})")
    return problems


def source_files():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, path.read_text(encoding="utf-8")


def test_every_app_and_root_module_has_a_layer():
    layers = layer_of()
    parts = {module_part(p) for p, _ in source_files()} - CONFIG - {"__init__"}
    assert parts <= set(layers), f"add to the layers block of docs/design-notes.md: {sorted(parts - set(layers))}"


def test_no_app_imports_one_above_it_but_the_justified_exceptions():
    problems = upward_imports(source_files(), layer_of(), exceptions())
    assert not problems, "imports that run back up:\n" + "\n".join(problems)


def test_the_justified_exceptions_are_still_needed():
    # an exception nobody uses any more is removed from the notes, so the list stays short and true
    used = set()
    for path, source in source_files():
        part = module_part(path)
        used |= {(part, t) for t in imported_parts(source)}
    stale = exceptions() - used
    assert not stale, f"exceptions in docs/design-notes.md no code needs: {sorted(stale)}"


def test_the_check_catches_an_import_from_a_lower_app(tmp_path):
    # given a records module that imports the reports app (above it)
    fake = [(SRC / "records" / "fake.py", "from ganxun.reports.selectors import compute_board\n"),
            (SRC / "orgs" / "fake.py", "def f():\n    from ganxun.cadres.models import Cadre\n"),
            (SRC / "plans" / "fake.py", "from ganxun.records.models import LearningRecord\n")]
    problems = upward_imports(fake, layer_of(), exceptions())
    assert len(problems) == 2
    assert "records/fake.py" in problems[0] and "ganxun.reports" in problems[0]
    assert "orgs/fake.py" in problems[1]


# ---- entry points never write to the ORM ---------------------------------------------------------

ENTRY_POINTS = ("views.py", "api.py", "importers.py")
ALWAYS_WRITES = {"save", "delete", "bulk_create", "bulk_update", "update_or_create", "get_or_create"}
QUERYSET_HINTS = ("objects", "filter", "exclude", "all", "_unscoped", "_visible_to", "select_for_update")


def _chain(node) -> str:
    """The dotted text of a call's receiver (``Cadre.objects.filter(...)`` → ``Cadre.objects.filter``)."""
    parts = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            break
        else:
            break
    return ".".join(reversed(parts))


def orm_writes(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = _chain(func.value)
            if func.attr in ALWAYS_WRITES and not receiver.endswith(("form", "session", "response")):
                found.append(f"line {node.lineno}: {receiver}.{func.attr}()")
            elif func.attr in ("create", "update") and any(h in receiver for h in QUERYSET_HINTS):
                found.append(f"line {node.lineno}: {receiver}.{func.attr}()")
            elif func.attr == "atomic" or (func.attr == "cursor" and "connection" in receiver):
                found.append(f"line {node.lineno}: {receiver}.{func.attr}()")
        if isinstance(node, ast.Call) and isinstance(func, ast.Attribute) and func.attr == "execute":
            found.append(f"line {node.lineno}: raw SQL")
    return found


def entry_point_files():
    for path in sorted(SRC.rglob("*.py")):
        if path.name in ENTRY_POINTS or path.name.endswith("_views.py"):
            yield path


@pytest.mark.parametrize("path", list(entry_point_files()), ids=lambda p: str(p.relative_to(SRC)))
def test_views_api_and_importers_write_only_through_services(path):
    writes = orm_writes(path.read_text(encoding="utf-8"))
    assert not writes, f"{path.relative_to(SRC)} writes to the database itself; call a service:\n" + "\n".join(writes)


def test_the_write_check_catches_each_kind_of_write():
    source = """
def view(request):
    cadre.save()
    Cadre.objects.create(name="x")
    Cadre.objects.filter(pk=1).update(name="y")
    all_cadres_unscoped().delete()
    with transaction.atomic():
        pass
    data = {}
    data.update(a=1)
    form.save_m2m
"""
    found = orm_writes(source)
    assert [f.split(":")[0] for f in found] == ["line 3", "line 4", "line 5", "line 6", "line 7"]
