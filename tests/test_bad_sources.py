"""Each bad-source fixture makes `handouts check` print exactly its expected lines, fast, without WeasyPrint."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from .good_project import BAD, apply_case, expected_lines, good_project, problem_lines
from pipeline.cli import main

CASES = sorted(p for p in BAD.iterdir() if p.is_dir())


pytestmark = pytest.mark.usefixtures("fixed_today")  # reviews judged against TODAY


def run_check(root: Path, *args: str):
    return CliRunner().invoke(main, ["check", "--project", str(root), *args])


# What a user is promised for bad input: the file (with line and column when the problem is at
# one place in it), what is wrong, and what to do in parentheses.
LOCATED_WITH_HINT = re.compile(r"(error|warning): (handouts\.yml|handouts/[a-z0-9-]+(/[\w.-]+)?)(:\d+:\d+)?: .+ \(.+\)")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_expected_lines_are_located_with_a_hint(case: Path) -> None:
    for line in expected_lines(case):
        assert LOCATED_WITH_HINT.fullmatch(line), line


def test_good_project_is_clean(tmp_path: Path) -> None:
    result = run_check(good_project(tmp_path), "--strict")
    assert problem_lines(result.stdout) == []
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_source(case: Path, tmp_path: Path) -> None:
    root = good_project(tmp_path)
    args = apply_case(root, case)
    start = time.perf_counter()
    result = run_check(root, *args)
    seconds = time.perf_counter() - start
    expected = expected_lines(case)
    assert problem_lines(result.stdout) == expected
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.exit_code == (1 if any(line.startswith("error: ") for line in expected) else 0)
    assert seconds < 5, f"{case.name}: check took {seconds:.1f} s"


def test_warnings_pass_but_fail_with_strict(tmp_path: Path) -> None:
    root = good_project(tmp_path)
    apply_case(root, BAD / "stale-translation")
    assert run_check(root).exit_code == 0
    strict = run_check(root, "--strict")
    assert strict.exit_code == 1
    assert [line.split(":", 1)[0] for line in problem_lines(strict.stdout)] == ["error"]


def test_every_problem_in_a_run_is_reported(tmp_path: Path) -> None:
    """Several mistakes in several files and handouts: all are reported in one run, not just the first.
    (A handout's Markdown bodies are checked once its handout.yml and front matter are right.)"""
    root = good_project(tmp_path)
    shutil.copytree(root / "handouts" / "sample", root / "handouts" / "second")
    for name in ("bad-date", "unknown-license", "missing-alt-language"):
        apply_case(root, BAD / name)
    (root / "handouts" / "second" / "en.md").write_text(
        (root / "handouts" / "second" / "en.md").read_text().replace("## When", "#### When"))
    result = run_check(root)
    assert problem_lines(result.stdout) == [
        expected_lines(BAD / "unknown-license")[0],
        expected_lines(BAD / "missing-alt-language")[0],
        expected_lines(BAD / "bad-date")[0],
        expected_lines(BAD / "heading-jump")[0].replace("/sample/", "/second/"),
    ]
    assert "2 handout(s): 4 error(s), 0 warning(s)" in result.stdout


def test_check_one_slug_only(tmp_path: Path) -> None:
    root = good_project(tmp_path)
    apply_case(root, BAD / "bad-date")
    other = root / "handouts" / "other"
    other.mkdir()
    (other / "handout.yml").write_text("number: 1\n", encoding="utf-8")
    result = run_check(root, "sample")
    assert problem_lines(result.stdout) == expected_lines(BAD / "bad-date")


def test_real_handouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real handouts have no errors. The one warning is true: vertebroplasty's last review
    (2019-12-01) is past the 3-year interval, and only a clinical review can clear it."""
    root = Path(__file__).resolve().parent.parent
    result = run_check(root)
    assert result.exit_code == 0, result.output
    assert problem_lines(result.stdout) == [
        "warning: handouts/vertebroplasty/handout.yml:8:3: 'review.date': review overdue since 2022-12-01 "
        "(review the handout, then update review.date)"]


def test_check_never_imports_weasyprint(tmp_path: Path) -> None:
    root = good_project(tmp_path)
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pipeline.cli import main\n"
        f"result = CliRunner().invoke(main, ['check', '--project', {str(root)!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'weasyprint' not in sys.modules, 'check imported WeasyPrint'\n"
        "assert 'pipeline.render.sandbox' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
