"""The direction of the data flow, read from the imports of every module.

``triage`` is the domain core that both sides stand on: it imports neither ``training`` nor
``service``; ``service`` never imports ``training`` (it serves an artifact, it does not fit one),
and ``training`` never imports ``service`` (evaluation scores the core's analyser, not the web
package). Every ``.py`` file is read, so a new module cannot slip past.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "triage": {"training", "service", "benchmarks", "fastapi", "sklearn", "joblib"},
    "service": {"training"},
    "training": {"service"},
}


def imported_packages(path: Path) -> set[str]:
    """Top-level names of every import in the file, wherever it stands (also inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


MODULES = [
    (package, path) for package in FORBIDDEN for path in sorted((ROOT / package).rglob("*.py"))
]


def test_every_package_has_modules():
    assert {package for package, _ in MODULES} == set(FORBIDDEN)


@pytest.mark.parametrize(
    ("package", "path"), MODULES, ids=[str(p.relative_to(ROOT)) for _, p in MODULES]
)
def test_imports_follow_the_data_flow(package: str, path: Path):
    wrong = imported_packages(path) & FORBIDDEN[package]
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_the_reader_sees_nested_imports(tmp_path: Path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from training.train import x\n    import service.app\n")
    assert imported_packages(module) == {"training", "service"}
