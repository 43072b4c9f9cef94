"""The critical mutations (tests/fixtures/mutations/critical.yml) are each caught: applied alone to a
copy of the project, they make the tests named for them fail. (`make mutation` measures the rest.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

MUTATIONS = yaml.safe_load((Path(__file__).parent / "fixtures" / "mutations" / "critical.yml").read_text())
# What the tests named in the list need: the package, the project files they render, the tests.
COPIED = ("pipeline", "tests", "layouts", "fonts", "handouts", "handouts.yml", "pyproject.toml")


def _copy(dest: Path) -> Path:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns(
                "__pycache__", "node_modules", ".hypothesis", "*.pyc"))
        else:
            shutil.copy(source, dest / name)
    return dest


def test_the_list_is_whole() -> None:
    names = [m["name"] for m in MUTATIONS]
    assert len(names) == len(set(names)) >= 12
    for mutation in MUTATIONS:
        assert set(mutation) == {"name", "promise", "file", "original", "replacement", "tests"}, mutation["name"]
        assert mutation["original"] != mutation["replacement"] and mutation["tests"], mutation["name"]


def _run_tests(copy: Path, tests: list[str], basetemp: Path) -> tuple[int, str]:
    """Run `tests` on the copy's code (its pipeline/ first on the path); the exit status and summary line."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", "-p", "no:cacheprovider",
         f"--basetemp={basetemp}", *tests],
        cwd=copy, env={**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr


def test_every_survivor_called_equivalent_says_why() -> None:
    """tests/fixtures/mutations/equivalent.yml, which `make mutation`'s summary reads: each entry
    names one of mutmut's mutants of the modules it mutates and gives a reason ("same as _N": N listed)."""
    explained = yaml.safe_load((Path(__file__).parent / "fixtures" / "mutations" / "equivalent.yml").read_text())
    modules = [path.removesuffix(".py").replace("/", ".").replace("*", "")
               for path in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]["only_mutate"]]
    for name, why in explained.items():
        assert any(name.startswith(module) for module in modules), name
        function = re.fullmatch(r"(.+\.x\S+__mutmut)_\d+", name)[1]
        assert isinstance(why, str), name
        same = re.match(r"same as (\w+)?_(\d+)", why)
        if same:
            assert (f"{function}_{same[2]}" in explained if same[1] is None
                    else any(other.endswith(f"{same[1]}_{same[2]}") for other in explained)), name
        else:
            assert len(why) > 40, name


def test_the_copy_passes_unmutated(tmp_path: Path) -> None:
    """Without a mutation the named tests pass in the copy: a failure below is the mutation's doing."""
    tests = sorted({test for mutation in MUTATIONS for test in mutation["tests"]})
    code, summary = _run_tests(_copy(tmp_path / "project"), tests, tmp_path / "basetemp")
    assert code == 0, summary


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m["name"] for m in MUTATIONS])
def test_the_mutation_is_caught(mutation: dict, tmp_path: Path) -> None:
    copy = _copy(tmp_path / "project")
    target = copy / mutation["file"]
    text = target.read_text(encoding="utf-8")
    assert text.count(mutation["original"]) == 1, f"{mutation['file']}: the original snippet is not there exactly once"
    target.write_text(text.replace(mutation["original"], mutation["replacement"]), encoding="utf-8")
    code, summary = _run_tests(copy, mutation["tests"], tmp_path / "basetemp")
    # Exit status 1 is "tests failed"; 2-5 would be an interrupted run, a usage error or no tests.
    assert code == 1 and " failed" in summary and "error" not in summary, (
        f"{mutation['name']} ({mutation['promise']}) was not caught: {summary}")
