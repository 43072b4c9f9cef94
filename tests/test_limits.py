"""Issue 11: the limits a runaway source meets (README "Limits and safety"). Each fails the one
handout with a clear message, and the rest of the batch builds; a limit is never a hang."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from pipeline.errors import RenderError, time_limit
from pipeline.project.config import load_project
from pipeline.publish import workers
from pipeline.publish.build import build
from pipeline.render import pdf

from .conftest import ROOT
from .good_project import good_project

LONG = ROOT / "tests" / "fixtures" / "constructs" / "living-with-diabetes"


def _project(tmp_path: Path) -> Path:
    root = good_project(tmp_path)
    shutil.copytree(LONG, root / "handouts" / LONG.name)
    return root


def test_a_pdf_over_the_page_limit_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_PAGES", 4)  # the long handout has 10 letter pages, the sample 2
    root = _project(tmp_path)
    summary = build(load_project(root), ["sample", LONG.name], ["en"], ["letter"], jobs=1)
    status = {o.target.slug: (o.status, o.message) for o in summary.outcomes}
    assert status["sample"][0] == "built"
    assert status[LONG.name][0] == "failed"
    assert "pages in letter, over the limit of 4 pages for one PDF (split it into several handouts)" in status[LONG.name][1]
    assert not (root / "output" / "en" / f"{LONG.name}.pdf").exists()


def test_an_output_over_the_time_limit_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """1,900 long list items (under the block limit) take seconds to lay out: stopped at 1 s here
    (the real limit is 90 s). The sample, built before, stays published; once the limit is back,
    the interrupted renderer builds again."""
    root = good_project(tmp_path)
    assert [o.status for o in build(load_project(root), ["sample"], ["en"], ["letter"], jobs=1).outcomes] == ["built"]
    shutil.copytree(root / "handouts" / "sample", root / "handouts" / "runaway")
    source = root / "handouts" / "runaway" / "en.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n" + "".join(
        f"- Step {n}: wash your hands with soap and water for twenty seconds, then rinse them and dry them well.\n"
        for n in range(1_900)), encoding="utf-8")
    meta = root / "handouts" / "runaway" / "handout.yml"
    meta.write_text(meta.read_text(encoding="utf-8").replace('number: "90001"', 'number: "90002"'), encoding="utf-8")
    monkeypatch.setattr(workers, "SECONDS_PER_TARGET", 1)
    start = time.monotonic()
    summary = build(load_project(root), ["sample", "runaway"], ["en"], ["letter"], jobs=1)
    assert time.monotonic() - start < 30
    status = {o.target.slug: (o.status, o.message) for o in summary.outcomes}
    assert status["sample"][0] == "skipped" and (root / "output" / "en" / "sample.pdf").is_file()
    assert status["runaway"] == ("failed", "en/runaway.pdf: stopped after 1 s, the limit for one output "
                                 "(look for a runaway source: thousands of list items, a picture that draws without end)")
    assert not (root / "output" / "en" / "runaway.pdf").exists()
    monkeypatch.setattr(workers, "SECONDS_PER_TARGET", 90)
    sample = root / "handouts" / "sample" / "en.md"
    sample.write_text(sample.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    again = build(load_project(root), ["sample"], ["en"], ["letter"], jobs=1)
    assert [o.status for o in again.outcomes] == ["built"]


def test_a_limit_inside_another_keeps_the_outer_one() -> None:
    """verify's 20 s limit runs inside a worker's: leaving it must not switch the worker's off
    (it did: a runaway whose render ended in time then had no limit on the rest)."""
    class Outer(Exception):
        pass

    class Inner(Exception):
        pass

    with pytest.raises(Outer):
        with time_limit(0.5, Outer):
            with time_limit(5, Inner):
                time.sleep(0.1)
            time.sleep(2)


def test_a_limit_holds_when_the_code_it_stops_swallows_the_first_signal() -> None:
    """The time limit's signal can land inside library code with a broad `except Exception` (it
    let a 1,900-item runaway be built now and then): it fires again until the block stops, and a
    block that swallowed every one still fails at its end."""
    swallowed = 0
    start = time.monotonic()
    with pytest.raises(RenderError):
        with time_limit(0.2, lambda: RenderError("stopped")):
            while time.monotonic() - start < 5:
                try:
                    time.sleep(0.01)
                except RenderError:
                    swallowed += 1
                    if swallowed > 1:
                        raise
    assert swallowed == 2 and time.monotonic() - start < 1.5
    start = time.monotonic()
    with pytest.raises(RenderError):
        with time_limit(0.2, lambda: RenderError("stopped")):
            while time.monotonic() - start < 1:
                try:
                    time.sleep(0.01)
                except RenderError:
                    pass
