"""Shared fixtures: a throw-away copy of the project, and the real build's output."""

from __future__ import annotations

import collections
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.publish.build import build
from pipeline.project.config import load_project

ROOT = Path(__file__).resolve().parent.parent


def copy_project(dest: Path, slugs: tuple[str, ...] = ("vertebroplasty", "fever-children")) -> Path:
    """A copy of this repository's project (config, layouts, fonts and some handouts) in `dest`."""
    shutil.copy(ROOT / "handouts.yml", dest / "handouts.yml")
    shutil.copytree(ROOT / "layouts", dest / "layouts")
    shutil.copytree(ROOT / "fonts", dest / "fonts")
    (dest / "handouts").mkdir()
    for slug in slugs:
        shutil.copytree(ROOT / "handouts" / slug, dest / "handouts" / slug)
    return dest


def shared(scope: str) -> Callable[[str, pytest.Config], str]:
    """A fixture scope of `scope`, except while mutmut records which tests reach which function
    (`make mutation`): it credits a call only to the test running when it happens, so a fixture
    built once would be credited to its first test alone, and a mutant in the code it runs would
    never meet the other tests that read the fixture."""
    def decide(fixture_name: str, config: pytest.Config) -> str:
        return "function" if os.environ.get("MUTANT_UNDER_TEST") == "stats" else scope
    return decide


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project (both real handouts) in a temporary folder."""
    return copy_project(tmp_path)


@pytest.fixture(scope=shared("session"))
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real handouts built once per session, in every language: default layout and web edition."""
    root = copy_project(tmp_path_factory.mktemp("built"))
    project = load_project(root)
    summary = build(project, ["vertebroplasty", "fever-children"], ["en", "fr"], [project.config.layout, "web"], jobs=1)
    assert not summary.failed, [o.message for o in summary.outcomes]
    return root / "output"


@pytest.fixture(scope=shared("session"))
def corpus(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The construct corpus (tests/corpus.py) built in every layout and both languages: once per
    run, shared by the xdist workers (the first builds it with both cores while the other waits;
    the tests only read it)."""
    from filelock import FileLock

    from .corpus import build_corpus

    if worker_id == "master":
        return build_corpus(copy_project(tmp_path_factory.mktemp("constructs"), ()))
    shared = tmp_path_factory.getbasetemp().parent  # this run's folder, common to its workers
    root = shared / "constructs"
    with FileLock(str(shared / "constructs.lock")):
        if not (root / ".built").exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            build_corpus(copy_project(root, ()))
            (root / ".built").touch()
    return root


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reviews are judged against good_project.TODAY, so expected lines and states do not age."""
    from .good_project import TODAY

    monkeypatch.setattr("pipeline.project.clock.today", lambda: TODAY)


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A mutant under test (`make mutation`): its quickest test files first, each quickest test
    first, by the times mutmut recorded. pytest stops at the first failure, so a mutant is caught
    by its cheapest test; files stay whole, so no module fixture is built twice for a survivor."""
    stats = Path("mutmut-stats.json")  # mutmut runs the tests in its mutants/ copy
    if not os.environ.get("MUTANT_UNDER_TEST", "").startswith("pipeline.") or not stats.is_file():
        return
    seconds = json.loads(stats.read_text(encoding="utf-8"))["duration_by_test"]
    per_file: collections.Counter = collections.Counter()
    for item in items:
        per_file[item.path] += seconds.get(item.nodeid, 0)
    items.sort(key=lambda item: (per_file[item.path], str(item.path), seconds.get(item.nodeid, 0)))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """The random test order's seed, so a failure that depends on order can be run again."""
    if config.pluginmanager.hasplugin("randomly"):
        seed = config.getoption("randomly_seed")
        terminalreporter.write_line(f"tests ran in random order, seed {seed}: repeat it with "
                                    f"`make test SEED={seed}` or `pytest -p randomly --randomly-seed={seed}`")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop warm renderers while the interpreter is whole: WeasyPrint's FontConfiguration cleans
    its temporary folder in __del__, which fails noisily during interpreter shutdown."""
    import gc

    from pipeline.publish import workers as build_module

    build_module._state.clear()
    gc.collect()
