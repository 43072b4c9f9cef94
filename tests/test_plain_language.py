"""Readability scores, writing hints and the PEMAT checklist of `handouts check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.checks import readability
from pipeline.cli import main
from pipeline.project.config import load_project
from pipeline.source.model import load_handout
from pipeline.checks.plain import review
from tests.conftest import ROOT


@pytest.mark.parametrize("word, lang, count", [
    ("cat", "en", 1), ("people", "en", 2), ("medicine", "en", 3), ("vertebroplasty", "en", 5),
    ("acetaminophen", "en", 6), ("create", "en", 2), ("X-ray", "en", 2), ("811", "en", 1),
    ("douleur", "fr", 2), ("médicament", "fr", 4), ("vertébroplastie", "fr", 5), ("idée", "fr", 2),
])
def test_syllables(word: str, lang: str, count: int) -> None:
    assert readability.syllables(word, lang) == count


def test_french_elisions_are_not_words() -> None:
    assert readability.words("L'os s'affaisse jusqu'à l'endroit", "fr") == ["os", "affaisse", "à", "endroit"]


def test_sentences_keep_their_lines_and_skip_abbreviations() -> None:
    block = readability.Block("paragraph", "Take it, e.g. with food. Then rest!\nCall 811 today", 10)
    found = readability.sentences(block, "en")
    assert [s.text for s in found] == ["Take it, e.g. with food.", "Then rest!", "Call 811 today"]
    assert [s.line for s in found] == [10, 10, 11]


def test_list_items_are_sentences_and_tables_and_headings_are_not_scored() -> None:
    from pipeline.source.markdown import parser as _parser

    body = "## A heading here\n\n- rest\n- drink water\n\n| A | B |\n|---|---|\n| one two three | four |\n"
    blocks = readability.blocks(_parser("en").parse(body), 5)
    assert [(b.kind, b.line) for b in blocks] == [("heading", 5), ("item", 7), ("item", 8), ("cell", 10),
                                                  ("cell", 10), ("cell", 12), ("cell", 12)]
    score = readability.score(blocks, "en")
    assert (score.sentences, score.words) == (2, 3)


def test_grade_formula() -> None:
    score = readability.score([readability.Block("paragraph", "The cat sat on the mat. The dog ran.", 1)], "en")
    # 9 words, 2 sentences, 9 syllables: 0.39 * 4.5 + 11.8 * 1 - 15.59
    assert score.grade == pytest.approx(0.39 * 4.5 + 11.8 - 15.59)


def test_real_handouts_meet_the_target() -> None:
    project = load_project(ROOT)
    for slug in ("vertebroplasty", "fever-children"):
        handout, _ = load_handout(project, slug)
        result = review(project, handout)
        assert [v.lang for v in result.versions] == ["en", "fr"]
        for version in result.versions:
            assert version.meets_target, version.line()
            assert all(version.checklist.values()), version.line()
        assert result.problems == []
        assert not any("long sentence" in n.message for n in result.notes)


def test_check_prints_scores_and_checklist(cli, project: Path) -> None:
    result = cli.invoke(main, ["check", "--project", str(project)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith(("vertebroplasty/", "fever-children/"))]
    assert len(lines) == 4
    en = next(line for line in lines if line.startswith("vertebroplasty/en:"))
    assert "grade " in en and "(target ≤ 8)" in en
    assert '✓ summary ✓ headings ✓ short sections ✓ "you" ✓ action ✓ captions' in en
    fr = next(line for line in lines if line.startswith("vertebroplasty/fr:"))
    assert "Kandel-Moles" in fr and "(target ≥ 60)" in fr and "LIX" in fr and '✓ "vous"' in fr


def test_hard_text_warns_with_score_and_hints_have_lines(cli, project: Path) -> None:
    (project / "handouts.yml").write_text((project / "handouts.yml").read_text().replace("grade: 8", "grade: 3"))
    en = project / "handouts" / "fever-children" / "en.md"
    text = en.read_text().replace(
        "A fever is a body temperature that is higher than normal.",
        "A fever is a body temperature that is higher than normal, and physicians consider that hypertension, "
        "which is something altogether different, is not usually associated with it in children of any age.")
    en.write_text(text)
    result = cli.invoke(main, ["check", "--project", str(project), "fever-children"])
    assert result.exit_code == 0
    assert "fever-children/en: ✗ grade" in result.stdout
    assert "handouts/fever-children/en.md: fever-children reads at grade" in result.stdout
    assert "past the target of ≤ 3" in result.stdout
    line = text[:text.index("physicians")].count("\n") + 1
    assert f"note: handouts/fever-children/en.md:{line}:1: long sentence (" in result.stdout
    assert f'note: handouts/fever-children/en.md:{line}:1: "physicians" is medical or formal language' \
           ' (say "doctor"' in result.stdout
    assert "passive voice: \"is not usually associated\"" in result.stdout
    strict = cli.invoke(main, ["check", "--strict", "--project", str(project), "fever-children"])
    assert strict.exit_code == 1


def test_missing_pemat_items_are_warnings(cli, project: Path) -> None:
    en = project / "handouts" / "fever-children" / "en.md"
    text = en.read_text().replace("## Key points", "## Some points").replace("::: callout", "").replace(":::", "")
    text = text.replace('"Use a digital thermometer to take your child\'s temperature."', "")
    for number in range(1, 6):
        text = text.replace(f"\n{number}. ", "\n- ")
    en.write_text(text)
    result = cli.invoke(main, ["check", "--project", str(project), "fever-children"])
    assert "✗ summary" in result.stdout and "✗ action" in result.stdout and "✗ captions" in result.stdout
    assert "has no summary or key-points section (PEMAT: summary)" in result.stdout
    assert "gives the reader nothing to do (PEMAT: action)" in result.stdout
    assert "has an image without a caption (PEMAT: captions)" in result.stdout


def test_explained_jargon_is_not_flagged(project: Path) -> None:
    from pipeline.checks.plain import _hints
    from pipeline.source.model import LanguageVersion

    handout, _ = load_handout(load_project(project), "vertebroplasty")
    version = handout.versions["en"]
    for body, flagged in [("Your fracture hurts.", True), ("A fracture (broken bone) hurts.", False),
                          ("Small bones called vertebrae.", False), ("A compression fracture (a break) hurts.", False)]:
        test = LanguageVersion("en", version.file, version.front, body, 8)
        from pipeline.checks.plain import version_blocks

        notes = _hints(test, version_blocks(test))
        assert any("medical or formal" in n.message for n in notes) is flagged, body
