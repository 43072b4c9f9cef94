"""Issue 11: a handout straight from `handouts new`, still full of TODO, is not published (and
not listed), while `check` only warns; and a build reports the same warnings `check` does (it
printed 1 where `check` printed 11)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

from .corpus import CORPUS
from .good_project import good_project


def _run(root: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--project", str(root)])


def _lines(output: str, kind: str) -> list[str]:
    return sorted(line for line in output.splitlines() if line.startswith(f"{kind}: "))


def test_a_new_handout_is_checked_with_warnings_and_not_published(tmp_path: Path) -> None:
    root = good_project(tmp_path)
    assert _run(root, "new", "knee-pain").exit_code == 0
    check = _run(root, "check")
    assert check.exit_code == 0
    todo = [line for line in _lines(check.stdout, "warning") if "still to fill in" in line]
    assert len(todo) > 10 and all("handouts/knee-pain/" in line for line in todo)
    built = _run(root, "build", "--layout", "letter", "--layout", "web", "--jobs", "1")
    assert built.exit_code == 1
    refused = [line for line in _lines(built.stderr, "error") if "still to fill in, so it is not published" in line]
    assert len(refused) == len(todo)  # the same lines, as errors
    assert (root / "output" / "en" / "sample.pdf").is_file()
    assert not list((root / "output").rglob("knee-pain*")) and not (root / "output" / "web" / "knee-pain").exists()
    assert "knee-pain" not in (root / "output" / "web-files.txt").read_text(encoding="utf-8")
    assert "knee-pain" not in (root / "output" / "index.html").read_text(encoding="utf-8")


def test_a_build_reports_what_check_reports(tmp_path: Path) -> None:
    """nested-steps reads above its grade target and lacks PEMAT items: plain-language warnings."""
    root = good_project(tmp_path)
    shutil.copytree(CORPUS / "nested-steps", root / "handouts" / "nested-steps")
    checked = _lines(_run(root, "check", "nested-steps").stdout, "warning")
    assert len(checked) >= 3
    built = _lines(_run(root, "build", "nested-steps", "--layout", "letter", "--jobs", "1").stderr, "warning")
    assert [line for line in built if "'pages'" not in line] == checked
