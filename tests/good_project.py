"""A small correct project (the real config, layouts and fonts, one tiny handout) and bad-source cases on it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from .conftest import copy_project

HERE = Path(__file__).resolve().parent
GOOD = HERE / "fixtures" / "good"
BAD = HERE / "fixtures" / "bad"
SLUG = "sample"
# The date reviews are judged against in these tests: the sample's review (2024-06-01) is current then.
TODAY = dt.date(2026, 1, 15)


def good_project(dest: Path) -> Path:
    """The project's handouts.yml, layouts/ and fonts/ with only the small `sample` handout."""
    copy_project(dest, ())
    shutil.copytree(GOOD / "handouts" / SLUG, dest / "handouts" / SLUG)
    return dest


def _huge(path: Path) -> None:
    """A 50 MB Markdown file (a runaway export)."""
    head = path.read_text(encoding="utf-8") if path.exists() else ""
    with open(path, "w", encoding="utf-8") as file:
        file.write(head)
        line = "Wash your hands with soap and water, then rinse and dry them well.\n"
        file.write(line * (50 * 1024 * 1024 // len(line) + 1))


def _nested_lists(path: Path) -> None:
    """A list nested 5000 levels deep, appended to the body."""
    with open(path, "a", encoding="utf-8") as file:
        file.write("\n" + "- " * 5000 + "deep\n")


def _deep_yaml(path: Path) -> None:
    """Front matter with a value nested 5000 lists deep."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("keywords: [hands, soap, germs]", "keywords: " + "[" * 5000 + "]" * 5000, 1),
                    encoding="utf-8")


def _many_items(path: Path) -> None:
    """10,000 list items appended to the body."""
    with open(path, "a", encoding="utf-8") as file:
        file.write("\n" + "".join(f"- Step {n}\n" for n in range(10_000)))


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as file:
        file.write(text)


GENERATORS = {
    "huge": _huge, "nested-lists": _nested_lists, "deep-yaml": _deep_yaml, "many-items": _many_items,
    "binary": lambda path: path.write_bytes(bytes(range(256)) * 40),
    "huge-paragraph": lambda path: _append(path, "\n" + "Wash your hands well. " * 7000 + "\n"),
    "wide-table": lambda path: _append(path, "\n" + "".join(
        "|" + "|".join(f" c{n} " if row != 1 else "---" for n in range(200)) + "|\n" for row in range(3))),
    "nested-quotes": lambda path: _append(path, "\n" + "> " * 500 + "deep\n"),
    "nested-emphasis": lambda path: _append(path, "\n" + "*_" * 5000 + "deep" + "_*" * 5000 + "\n"),
    "truncate": lambda path: path.write_bytes(path.read_bytes()[:5000]),
}


def apply_case(root: Path, case: Path, values: dict[str, str] | None = None) -> list[str]:
    """Change a good project as `case` says; return the extra command arguments.

    A case folder holds files that replace the project's (same relative path), an optional
    case.yml (replace / delete / symlink / append / encode / generate / args) and expected.txt.
    `values`: placeholders in the replacement texts and arguments ("{PORT}": "8123")."""
    spec = yaml.safe_load((case / "case.yml").read_text(encoding="utf-8")) if (case / "case.yml").exists() else {}
    spec = spec or {}
    for file in sorted(case.rglob("*")):
        if file.is_file() and file.parent != case:
            target = root / file.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
    for name, edits in (spec.get("replace") or {}).items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert text.count(old) == 1, f"{case.name}: {old!r} is not in {name} exactly once"
            for key, value in (values or {}).items():
                new = new.replace(key, value)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    for name in spec.get("delete") or []:
        (root / name).unlink()
    for name, target in (spec.get("symlink") or {}).items():
        (root / name).unlink(missing_ok=True)
        (root / name).symlink_to(target)
    for name, text in (spec.get("append") or {}).items():
        _append(root / name, text)
    for name, encoding in (spec.get("encode") or {}).items():
        path = root / name
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    for name, kind in (spec.get("generate") or {}).items():
        GENERATORS[kind](root / name)
    args = [str(arg) for arg in spec.get("args") or []]
    for key, value in (values or {}).items():
        args = [arg.replace(key, value) for arg in args]
    return args


def expected_lines(case: Path) -> list[str]:
    return [line for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


def problem_lines(stderr: str) -> list[str]:
    """The error and warning lines of `handouts check` (notes and the summary are not compared)."""
    return [line for line in stderr.splitlines() if line.startswith(("error: ", "warning: "))]


def invoke(root: Path, *args: str, code: int = 0):
    """`handouts ARGS --project ROOT` through click's runner: the exit status expected, no traceback."""
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, [*args, "--project", str(root)])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result
