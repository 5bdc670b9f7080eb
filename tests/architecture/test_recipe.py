"""The recipe of ../shared/DESIGN.md §7, enforced: a module that breaks it fails here, naming the line.

- only models.py, *repository.py and migrations import SQLAlchemy or SQLModel (sqlalchemy.exc aside);
- routes never import a repository (they call a service);
- rules modules import nothing that does I/O (the standard library's pure parts, contracts, pydantic,
  other rules modules);
- no service module grows past 400 lines.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    [p for p in (ROOT / "services").glob("*/src/*/**/*.py")]
    + list((ROOT / "libs" / "readmodels" / "src").rglob("*.py"))
)
MAX_LINES = 400
SQL_PACKAGES = ("sqlalchemy", "sqlmodel")
SQL_ALLOWED = ("sqlalchemy.exc",)
PURE_STDLIB = {
    "__future__",
    "abc",
    "bisect",
    "collections",
    "copy",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "fractions",
    "functools",
    "hashlib",
    "heapq",
    "itertools",
    "json",
    "math",
    "operator",
    "re",
    "statistics",
    "string",
    "textwrap",
    "typing",
    "unicodedata",
}
PURE_PACKAGES = ("contracts", "pydantic")


@dataclass(frozen=True)
class Import:
    module: str
    line: int


def module_name(path: Path) -> str:
    """services/registry/src/registry/push/service.py → registry.push.service"""
    src = next(p for p in path.parents if p.name == "src")
    parts = path.relative_to(src).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


PROJECT_MODULES = {module_name(p) for p in SOURCES}


RECIPE_MODULES = {"models", "repository", "service", "rules", "routes", "handlers"}


def _is_module(package: str, name: str) -> bool:
    return f"{package}.{name}" in PROJECT_MODULES or name in RECIPE_MODULES or name.endswith(("_repository", "_rules"))


def imports(path: Path) -> Iterator[Import]:
    """Every module a file imports; `from pkg import mod` counts as importing pkg.mod when mod is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = [f"{node.module}.{a.name}" for a in node.names if _is_module(node.module, a.name)]
            if submodules:
                yield from (Import(m, node.lineno) for m in submodules)
            else:
                yield Import(node.module, node.lineno)


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def is_repository(path: Path) -> bool:
    return path.name == "repository.py" or path.name.endswith("_repository.py")


def is_migration(path: Path) -> bool:
    """Schema migrations shared by several services' `migrations/` (which sit outside src): they change tables,
    they do not query them."""
    return path.name == "migration.py" or path.name.endswith("_migration.py")


def is_routes(path: Path) -> bool:
    return path.name == "routes.py" or path.name.endswith("_routes.py")


def is_rules(path: Path) -> bool:
    return path.name == "rules.py" or path.name.endswith("_rules.py")


def is_rules_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "rules" or last.endswith("_rules")


def sql_offenders(paths: list[Path]) -> list[str]:
    return [
        f"{rel(p)}:{i.line} imports {i.module}"
        for p in paths
        if p.name != "models.py" and not is_repository(p) and not is_migration(p)
        for i in imports(p)
        if i.module.split(".")[0] in SQL_PACKAGES and not i.module.startswith(SQL_ALLOWED)
    ]


def route_offenders(paths: list[Path]) -> list[str]:
    return [
        f"{rel(p)}:{i.line} imports {i.module}"
        for p in paths
        if is_routes(p)
        for i in imports(p)
        if i.module.endswith((".repository", "_repository"))
    ]


def _pure(module: str) -> bool:
    top = module.split(".")[0]
    return top in PURE_STDLIB or top in PURE_PACKAGES or is_rules_module(module)


def rules_offenders(paths: list[Path]) -> list[str]:
    return [
        f"{rel(p)}:{i.line} imports {i.module}" for p in paths if is_rules(p) for i in imports(p) if not _pure(i.module)
    ]


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_recipe_sees_every_service_module() -> None:
    names = {rel(p) for p in SOURCES}
    assert "services/registry/src/registry/push/service.py" in names
    assert "libs/readmodels/src/readmodels/repository.py" in names
    assert len(names) > 60


def test_only_models_and_repositories_import_sqlalchemy() -> None:
    offenders = sql_offenders(SOURCES)
    assert offenders == [], "queries belong in a repository:\n" + "\n".join(offenders)


def test_routes_never_import_a_repository() -> None:
    offenders = route_offenders(SOURCES)
    assert offenders == [], "routes call a service, which calls the repository:\n" + "\n".join(offenders)


def test_rules_import_nothing_with_io() -> None:
    offenders = rules_offenders(SOURCES)
    assert offenders == [], "rules are pure (no database, network, files or framework):\n" + "\n".join(offenders)


@pytest.mark.parametrize("path", SOURCES, ids=rel)
def test_no_module_past_400_lines(path: Path) -> None:
    lines = line_count(path)
    assert lines <= MAX_LINES, f"{rel(path)} has {lines} lines: split it by use case"


# The checks themselves, on a made-up service that breaks every rule once.
BROKEN = {
    "svc/orders/service.py": "from sqlalchemy import select\nfrom sqlalchemy.exc import IntegrityError\n",
    "svc/orders/repository.py": "from sqlalchemy import select\n",
    "svc/models.py": "from sqlmodel import SQLModel\n",
    "svc/migration.py": "import sqlalchemy as sa\n",  # allowed: a schema migration several services run
    "svc/orders/routes.py": "from svc.orders import repository\nfrom svc.orders import service\n",
    "svc/orders/rules.py": "import httpx\nfrom decimal import Decimal\nfrom contracts.api import x\nfrom svc.other.rules import y\n",
}


@pytest.fixture
def broken_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    paths = []
    for name, text in BROKEN.items():
        path = tmp_path / "src" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


def test_a_query_outside_a_repository_is_found(broken_service: list[Path]) -> None:
    assert sql_offenders(broken_service) == ["src/svc/orders/service.py:1 imports sqlalchemy"]


def test_a_route_importing_a_repository_is_found(broken_service: list[Path]) -> None:
    assert route_offenders(broken_service) == ["src/svc/orders/routes.py:1 imports svc.orders.repository"]


def test_a_rule_doing_io_is_found(broken_service: list[Path]) -> None:
    assert rules_offenders(broken_service) == ["src/svc/orders/rules.py:1 imports httpx"]


def test_a_long_module_is_counted(tmp_path: Path) -> None:
    path = tmp_path / "long.py"
    path.write_text("x = 1\n" * (MAX_LINES + 1))
    assert line_count(path) > MAX_LINES


def test_the_architecture_page_shows_every_feature_folder() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    folders = sorted(
        f"{d.name}/" for d in (ROOT / "services").glob("*/src/*/*") if d.is_dir() and d.name != "__pycache__"
    )
    missing = [f for f in folders if f not in page]
    assert missing == [], f"docs/architecture.md does not show {missing}"
