"""Translation and review tracking: overdue reviews, stale and missing translations, structural parity."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.checks.run import check
from pipeline.cli import main
from pipeline.project.config import load_project
from pipeline.checks.reviews import add_years

from .good_project import BAD, TODAY, apply_case, good_project, problem_lines


def test_add_years() -> None:
    assert add_years(dt.date(2019, 12, 1), 3) == dt.date(2022, 12, 1)
    assert add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)


@pytest.mark.parametrize("today, overdue", [(dt.date(2027, 6, 1), False), (dt.date(2027, 6, 2), True)])
def test_review_is_due_after_the_interval(tmp_path: Path, today: dt.date, overdue: bool) -> None:
    """The sample was reviewed 2024-06-01; with a 3-year interval it is due 2027-06-01."""
    _, problems = check(load_project(good_project(tmp_path)), ["sample"], today=today)
    assert [str(p) for p in problems] == (
        ["handouts/sample/handout.yml:8:3: 'review.date': review overdue since 2027-06-01 "
         "(review the handout, then update review.date)"] if overdue else [])
    assert all(p.warning for p in problems)


def test_review_interval_comes_from_handouts_yml(tmp_path: Path) -> None:
    root = good_project(tmp_path)
    config = root / "handouts.yml"
    config.write_text(config.read_text().replace("review_interval_years: 3", "review_interval_years: 1"))
    _, problems = check(load_project(root), ["sample"], today=TODAY)
    assert [p.message for p in problems] == ["review overdue since 2025-06-01"]


def test_parity_names_each_difference(tmp_path: Path) -> None:
    root = good_project(tmp_path)
    fr = root / "handouts" / "sample" / "fr.md"
    text = fr.read_text()
    text = text.replace("::: callout\n", "").replace(":::\n", "")  # no call-out
    text = text.replace("## Quand dois-je", "### Quand dois-je") + "\n## Une section de plus\n\nTexte.\n"
    fr.write_text(text)
    _, problems = check(load_project(root), ["sample"], today=TODAY)
    hint = " (keep the translation's structure in step with the English)"
    assert [str(p) for p in problems] == [
        "handouts/sample/fr.md:23:1: 'body': this heading is level 3 (###), the English one is level 2 "
        "(##, en.md:22)" + hint,
        "handouts/sample/fr.md:32:1: 'body': the English call-out (en.md:29) is missing before this line" + hint,
        "handouts/sample/fr.md:32:1: 'body': this level-2 heading (##) is not in the English" + hint,
    ]


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("fr.md", "translates: 2024-05-20", "translates: 2024-06-30",
     "handouts/sample/fr.md:5:1: 'translates': 2024-06-30 is later than the English revision (2024-05-20) "
     "(set 'translates' to the English 'revised' date)"),
    ("handout.yml", "images:", "missing: {fr: not yet}\nimages:",
     "handouts/sample/handout.yml:9:11: 'missing.fr': says the French version is missing, but "
     "handouts/sample/fr.md exists (remove the 'fr:' line under 'missing:')"),
    ("fr.md", "## Quand dois-je", "### Quand dois-je",
     "handouts/sample/fr.md:23:1: 'body': this heading is level 3 (###), the English one is level 2 (##, en.md:22) "
     "(keep the translation's structure in step with the English)"),
    ("fr.md", '![](hands.svg "Frottez vos mains avec du savon pendant 20 secondes.")\n', "",
     "handouts/sample/fr.md:22:1: 'body': the English image (en.md:16) is missing before this line "
     "(keep the translation's structure in step with the English)"),
], ids=["translates-later-than-the-english", "exempted-language-that-exists", "heading-level-changed",
        "image-left-out"])
def test_one_edit_one_warning(tmp_path: Path, file: str, old: str, new: str, expected: str) -> None:
    root = good_project(tmp_path)
    path = root / "handouts" / "sample" / file
    path.write_text(path.read_text().replace(old, new))
    _, problems = check(load_project(root), ["sample"], today=TODAY)
    assert [str(p) for p in problems] == [expected]
    assert all(p.warning for p in problems)


def test_build_summary_shows_stale_missing_and_overdue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stale French is still built, and marked stale in the summary and the manifest."""
    monkeypatch.setattr("pipeline.project.clock.today", lambda: TODAY)
    root = good_project(tmp_path)
    apply_case(root, BAD / "stale-translation")
    apply_case(root, BAD / "review-overdue")
    shutil.copytree(root / "handouts" / "sample", root / "handouts" / "second")
    (root / "handouts" / "second" / "fr.md").unlink()
    meta = root / "handouts" / "second" / "handout.yml"  # reviewed lately: only its French is missing
    meta.write_text(meta.read_text().replace("  date: 2022-06-01", "  date: 2025-06-01"))
    (root / "handouts" / "second" / "en.md").write_text(
        (root / "handouts" / "second" / "en.md").read_text().replace("revised: 2025-03-01", "revised: 2024-05-20"))
    result = CliRunner().invoke(main, ["build", "--project", str(root), "--jobs", "1", "--layout", "letter",
                                       "--layout", "a4"])
    assert result.exit_code == 0, result.output
    overdue = "'review.date': review overdue since 2025-06-01 (review the handout, then update review.date)"
    assert problem_lines(result.stderr) == [
        f"warning: handouts/sample/handout.yml:8:3: {overdue}",
        (BAD / "stale-translation" / "expected.txt").read_text().strip(),
        "warning: handouts/second/fr.md: the French version is missing "
        "(write it, or say why under 'missing: {fr: ...}' in handouts/second/handout.yml)",
    ]
    assert "6 built, 0 skipped, 0 failed" in result.stdout
    assert "stale translations: fr/sample.a4.pdf, fr/sample.pdf\n" in result.stdout
    assert "missing translations: handouts/second/fr.md" in result.stdout
    assert "overdue reviews: sample\n" in result.stdout
    manifest = json.loads((root / "output" / "manifest.json").read_text())
    assert manifest["outputs"]["fr/sample.pdf"]["translation"] == "stale"
    assert manifest["outputs"]["en/second.pdf"]["translation"] == "current"
