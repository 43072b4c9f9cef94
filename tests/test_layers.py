"""The package is its pipeline: stages import only the stages below them, and nothing imports in a circle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

from .conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter's contracts from `root`/pyproject.toml, on the `pipeline` package found in `root`."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_layer_contracts_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_a_lower_stage_reaching_up_fails_naming_both(tmp_path: Path) -> None:
    """The configuration stage importing the publish stage (even lazily, inside a function) breaks the build."""
    shutil.copytree(ROOT / "pipeline", tmp_path / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    config = tmp_path / "pipeline" / "project" / "config.py"
    config.write_text(config.read_text(encoding="utf-8")
                      + "\n\ndef _wrong():\n    from ..publish.manifest import read_manifest\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "pipeline.project.config -> pipeline.publish.manifest" in result.stdout, result.stdout


def test_verify_cannot_depend_on_how_pdfs_are_made(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "pipeline", tmp_path / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    checks = tmp_path / "pipeline" / "verify" / "checks.py"
    checks.write_text(checks.read_text(encoding="utf-8") + "\nfrom ..render import typography\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "pipeline.verify.checks -> pipeline.render.typography" in result.stdout, result.stdout


def test_no_import_cycles() -> None:
    """No module reaches, through any chain of imports, a module that imports it."""
    graph = grimp.build_graph("pipeline", cache_dir=None)
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported == module or module.startswith(imported + ".") or imported.startswith(module + "."):
                continue  # a package and its own modules
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                cycles.append(" -> ".join((module,) + tuple(chain)))
    assert not cycles, "\n".join(cycles)


def test_modules_are_small() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for p in (ROOT / "pipeline").rglob("*.py")}
    assert {name: size for name, size in sizes.items() if size > 420} == {}


def test_every_module_says_what_goes_in_and_out() -> None:
    for path in (ROOT / "pipeline").rglob("*.py"):
        if path.name == "__main__.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert text.startswith('"""'), f"{path.relative_to(ROOT)} has no docstring"
