"""README's "After a clinical review", run as written: each command of the walkthrough in order, on
a copy of the project, with the two things a person does between them (the nurse's edit, the
translator's work). A command added, dropped or renamed in README is run here too."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from pipeline.cli import main

from .conftest import ROOT, copy_project

NS = "{urn:oasis:names:tc:xliff:document:2.0}"
SLUG = "fever-children"
OLD = "- A baby under 3 months old with a fever must see a doctor right away."
NEW = "- A baby under 3 months old with a temperature of 38 °C or higher must see a doctor right away."
FRENCH = "Un bébé de moins de 3 mois qui a une température de 38 °C ou plus doit voir un médecin tout de suite."


def walkthrough() -> list[list[str]]:
    """The commands of README's walkthrough, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- walkthrough -->\n```sh\n(.*?)```\n<!-- /walkthrough -->", readme, re.S).group(1)
    return [shlex.split(line)[1:] for line in block.splitlines() if line.startswith("handouts ")]


def nurse_edits(root: Path) -> None:
    en = root / "handouts" / SLUG / "en.md"
    text = en.read_text(encoding="utf-8")
    assert OLD in text
    en.write_text(text.replace(OLD, NEW), encoding="utf-8")


def translator_translates(path: Path) -> None:
    """What a CAT tool returns: the units for translation translated, the final ones as they were."""
    tree = etree.parse(str(path))
    todo = [s for s in tree.iter(NS + "segment") if s.get("state") == "initial"]
    assert ["".join(s.find(NS + "source").itertext()) for s in todo] == [NEW[2:]]
    etree.SubElement(todo[0], NS + "target").text = FRENCH
    todo[0].set("state", "translated")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def test_the_readme_walkthrough_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_project(tmp_path, (SLUG,))
    monkeypatch.chdir(root)
    steps = walkthrough()
    assert [step[0] for step in steps] == ["review", "check", "revise", "changes", "xliff", "xliff", "build"]
    said = {}
    for step in steps:
        if step[0] == "check":
            nurse_edits(root)
        if step[:2] == ["xliff", "import"]:
            translator_translates(root / step[2])
        result = CliRunner().invoke(main, step)
        assert result.exit_code == 0, (step, result.output)
        said[" ".join(step[:2])] = result.output
    assert "for English, French (2 in its history)" in said["review fever-children"]
    assert re.search(r"warning: handouts/fever-children/en\.md:13:1: the text has changed since its revision of "
                     r"2024-05-20 was recorded", said["check fever-children"])
    assert "en.md: revised: " in said["revise fever-children"]
    assert f"  now:  {NEW[2:]}" in said["changes fever-children"] and "1 change(s)." in said["changes fever-children"]
    assert "1 to translate, 58 final" in said["xliff export"]
    assert "the French text translates the English of" in said["xliff import"]
    assert "0 failed" in said["build fever-children"]
    fr = (root / "handouts" / SLUG / "fr.md").read_text(encoding="utf-8")
    assert f"- {FRENCH}" in fr and "translates: {revised: " in fr
    assert "stale" not in CliRunner().invoke(main, ["status", SLUG]).output
