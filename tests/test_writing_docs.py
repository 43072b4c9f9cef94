"""What README's "Writing a handout" and the `handouts new` template show an author is true:
every Markdown example there is accepted by `handouts check` and builds, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

from .conftest import ROOT
from .good_project import good_project

SECTION = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("## Writing a handout")[1].split("\n## ")[0]
EXAMPLES = re.findall(r"```markdown\n(.*?)```", SECTION, re.S)


def test_the_section_shows_every_construct() -> None:
    text = "\n".join(EXAMPLES)
    for construct in ("   - ", "tel:", "mailto:", "https:", "::: note", "::: warning", "::: emergency", "::: callout",
                      "|             |", "Table:", "> —"):
        assert construct in text, construct


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_readme_examples_build(tmp_path: Path, lang: str) -> None:
    root = good_project(tmp_path)
    source = root / "handouts" / "sample" / f"{lang}.md"
    examples = "\n\n".join(EXAMPLES)
    if lang == "fr":
        examples = examples.replace("Table:", "Tableau :")
    source.write_text(source.read_text(encoding="utf-8") + "\n## Examples\n\n" + examples, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--project", str(root), "--layout", "letter", "--lang", lang])
    assert result.exit_code == 0, result.output
    assert "error:" not in result.output


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_new_template_shows_every_construct(lang: str) -> None:
    template = (ROOT / "pipeline" / "source" / "templates" / f"{lang}.md").read_text(encoding="utf-8")
    comments = "\n".join(line[1:] for line in template.splitlines() if line.startswith("#"))
    for construct in ("## ", "   - ", "1. 2.", "*", "**", "tel:", "mailto:", "https:", '![](', "{lang=", "> ", "> —",
                      "::: note", "::: {.callout-warning}", "|-----", "Table" if lang == "en" else "Tableau :"):
        assert construct in comments, construct
