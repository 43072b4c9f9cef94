"""A worker process's own set-up and exits, run in this process.

`tests/test_stop.py` stops and kills real builds; these tests reach the same code in-process, where
mutation testing can see it (a mutant cannot reach a worker process started by the pool)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.project.config import load_project
from pipeline.publish import workers
from pipeline.publish.plan import HTML, Target

from .good_project import SLUG, good_project


class _Exited(Exception):
    """os._exit, caught: the code a worker would have left with."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@pytest.fixture
def exits(monkeypatch: pytest.MonkeyPatch) -> None:
    def _exit(code: int) -> None:
        raise _Exited(code)

    monkeypatch.setattr(os, "_exit", _exit)


@pytest.fixture
def fresh_state() -> Iterator[None]:
    saved = dict(workers._state)
    workers._state.clear()
    yield
    workers._state.clear()
    workers._state.update(saved)


def _gone_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_worker_leaves_stopping_to_its_build_and_watches_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               fresh_state: None) -> None:
    root = good_project(tmp_path)
    watched = []
    started = threading.Event()

    def watch(parent: int) -> None:
        watched.append((parent, threading.current_thread().daemon))
        started.set()

    monkeypatch.setattr(workers, "_watch", watch)
    saved = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        workers._worker_init(str(root), 4242)
        handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGINT, saved[0])
        signal.signal(signal.SIGTERM, saved[1])
    # Ctrl-C reaches the whole process group: the build alone decides; SIGTERM cleans up first.
    assert handlers == (signal.SIG_IGN, workers._terminated)
    assert started.wait(5) and watched == [(4242, True)]  # a thread that never keeps the worker alive
    assert workers._state["parent"] == 4242
    assert workers._state["project"].root == root
    # Warm from the start: the project, the stamp of handouts.yml that reloads it, the renderer.
    assert workers._state["config"] == workers._config_stamp(root)
    assert ("renderer", root) in workers._state


def test_a_worker_whose_build_is_gone_exits_within_a_second(monkeypatch: pytest.MonkeyPatch, exits: None) -> None:
    alive = iter([True, True, False])
    asked, naps = [], []

    def _alive(pid: int) -> bool:
        asked.append(pid)
        return next(alive)

    monkeypatch.setattr(workers, "_alive", _alive)
    monkeypatch.setattr(workers.time, "sleep", naps.append)
    with pytest.raises(_Exited) as exited:
        workers._watch(1234)
    assert exited.value.code == 1
    assert asked == [1234] * 3
    assert len(naps) == 2 and all(0 < nap <= 1 for nap in naps)


def test_a_build_is_alive_until_its_process_is_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    # A process that a hang-up would end (this one may have inherited nohup's): asking disturbs it not.
    build = subprocess.Popen([sys.executable, "-c", "import signal, time\n"
                              "signal.signal(signal.SIGHUP, signal.SIG_DFL)\nprint(flush=True)\ntime.sleep(60)"],
                             stdout=subprocess.PIPE)
    try:
        build.stdout.readline()
        assert workers._alive(build.pid)
        time.sleep(0.2)
        assert build.poll() is None
    finally:
        build.kill()
        build.wait()
    assert not workers._alive(build.pid)
    assert not workers._alive(_gone_pid())

    def kill(pid: int, signum: int) -> None:
        raise PermissionError(1, "Operation not permitted")  # another user's process: it exists

    monkeypatch.setattr(workers.os, "kill", kill)
    assert workers._alive(1)


def test_a_worker_whose_build_is_gone_publishes_nothing(tmp_path: Path, exits: None, fresh_state: None) -> None:
    out = tmp_path / "a.pdf"
    workers._state["parent"] = _gone_pid()
    with pytest.raises(_Exited) as exited:
        workers._publish(out, b"%PDF-")
    assert exited.value.code == 1 and not out.exists()
    workers._state["parent"] = os.getpid()
    workers._publish(out, b"%PDF-1")
    assert out.read_bytes() == b"%PDF-1"
    del workers._state["parent"]  # rendering in the build's own process
    workers._publish(out, b"%PDF-2")
    assert out.read_bytes() == b"%PDF-2"


def test_sigterm_between_targets_exits_at_once_and_during_one_unwinds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                        exits: None, fresh_state: None) -> None:
    with pytest.raises(_Exited) as exited:
        workers._terminated(signal.SIGTERM, None)
    assert exited.value.code == 143
    # Busy with a target: unwind, so the file being written is removed, then leave with 143.
    root = good_project(tmp_path)
    workers._state["project"] = load_project(root)

    cleaned_up = []

    def stopped(*args: object) -> None:
        assert workers._state["busy"]
        try:
            workers._terminated(signal.SIGTERM, None)
        finally:
            cleaned_up.append(True)  # where a writer removes its temporary file

    def _exit(code: int) -> None:
        raise _Exited(code if cleaned_up else -1)  # -1: left before the file being written was removed

    monkeypatch.setattr(workers, "_make_target", stopped)
    monkeypatch.setattr(os, "_exit", _exit)
    with pytest.raises(_Exited) as exited:
        workers.make_target(Target(SLUG, "en", "letter", "letter"), "0" * 64)
    assert exited.value.code == 143
    assert not workers._state["busy"]


def test_a_source_that_turns_unreadable_after_the_build_checked_it_fails_alone(tmp_path: Path,
                                                                               fresh_state: None) -> None:
    """A worker reads the source again: saved between the build's check and its render, it fails
    there with the check's located error, and nothing is published."""
    root = good_project(tmp_path)
    source = root / "handouts" / SLUG / "en.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nDrink water.\n" * 2_100, encoding="utf-8")
    targets = [Target(SLUG, "en", "letter", "letter"), Target(SLUG, "en", "", "letter", kind=HTML)]
    outcomes = list(workers.run(load_project(root), [(target, "0" * 64) for target in targets], None))
    assert [outcome.status for outcome in outcomes] == ["failed", "failed"]
    for outcome in outcomes:
        assert re.fullmatch(r"handouts/sample/en\.md:\d+:1: has 2,1\d\d paragraphs, list items, rows and headings, "
                            r"over the limit of 2,000 for one handout \(split it into several handouts\)",
                            outcome.message), outcome.message
    assert not (root / "output").exists()
    # Its handout.yml broken instead: the same, with the YAML error's place.
    source.write_text(source.read_text(encoding="utf-8").split("\nDrink water.\n")[0] + "\n", encoding="utf-8")
    (root / "handouts" / SLUG / "handout.yml").write_text('number: "90001"\ncreated: [2024\n', encoding="utf-8")
    (outcome,) = workers.run(load_project(root), [(targets[0], "0" * 64)], None)
    assert outcome.status == "failed"
    assert re.match(r"handouts/sample/handout\.yml:\d+:\d+: ", outcome.message), outcome.message
    assert not (root / "output").exists()


def test_a_kept_worker_reads_handouts_yml_again_once_it_changes(tmp_path: Path, fresh_state: None) -> None:
    """watch and serve keep their workers: an edited handouts.yml reaches the next target."""
    root = good_project(tmp_path)
    workers._state["project"] = load_project(root)
    workers._state["config"] = workers._config_stamp(root)
    first = workers._project()
    assert workers._project() is first  # unchanged: not read again
    config = root / "handouts.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("review_interval_years: 3", "review_interval_years: 2"),
                      encoding="utf-8")
    project = workers._project()
    assert project.root == root and project.config.review_interval_years == 2
    assert workers._state["config"] == workers._config_stamp(root)
    assert workers._project() is project
