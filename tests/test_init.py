"""`handouts init`: a new organization's project from options or answers, with the standard layouts and fonts
and no sample handouts, that the other commands accept as it is."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipeline.cli import main
from pipeline.project.config import load_project

from .conftest import ROOT

OPTIONS = ["--name", "Valley Community Clinic", "--name-fr", "Clinique communautaire de la Vallée",
           "--short-name", "VCC", "--short-name-fr", "CCV", "--website", "https://clinic.example.org",
           "--phone", "902-555-0100", "--holder", "Valley Community Clinic", "--permits", "print,photocopy"]


def test_init_makes_a_project_the_other_commands_accept(tmp_path: Path, cli, monkeypatch) -> None:
    folder = tmp_path / "clinic"
    result = cli.invoke(main, ["init", str(folder), *OPTIONS])
    assert result.exit_code == 0, result.output
    project = load_project(folder)
    config = project.config
    assert config.organization.name == {"en": "Valley Community Clinic", "fr": "Clinique communautaire de la Vallée"}
    assert [c.tel for c in config.contacts] == ["9025550100"]
    license_ = config.licenses["vcc"]
    assert license_.permits == ["print", "photocopy"]
    assert license_.notice["en"] == "You may print and photocopy this handout. Written permission is required for all other uses."
    assert license_.notice["fr"].startswith("Vous pouvez imprimer et photocopier ce document.")
    assert list((folder / "handouts").iterdir()) == []  # no other province's handouts
    assert sorted(p.name for p in (folder / "layouts").iterdir()) == sorted(p.name for p in (ROOT / "layouts").iterdir())
    assert sorted(p.name for p in (folder / "fonts").iterdir()) == sorted(p.name for p in (ROOT / "fonts").iterdir())
    assert "811" not in (folder / "handouts.yml").read_text(encoding="utf-8")
    monkeypatch.chdir(folder)
    assert cli.invoke(main, ["new", "first-handout"]).exit_code == 0
    checked = cli.invoke(main, ["check"])
    assert checked.exit_code == 0 and "0 error(s)" in checked.output


def test_init_asks_for_what_is_not_given(tmp_path: Path, cli) -> None:
    answers = "\n".join(["Valley Community Clinic", "Clinique communautaire de la Vallée", "VCC", "CCV",
                         "https://clinic.example.org", "", "Valley Community Clinic", "print,photocopy,electronic"]) + "\n"
    result = cli.invoke(main, ["init", str(tmp_path / "clinic")], input=answers)
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((tmp_path / "clinic" / "handouts.yml").read_text(encoding="utf-8"))
    assert config["contacts"] == [] and config["licenses"]["vcc"]["permits"] == ["print", "photocopy", "electronic"]


def test_init_never_overwrites_a_project_and_refuses_bad_answers(tmp_path: Path, cli) -> None:
    folder = tmp_path / "clinic"
    assert cli.invoke(main, ["init", str(folder), *OPTIONS]).exit_code == 0
    before = (folder / "handouts.yml").read_bytes()
    again = cli.invoke(main, ["init", str(folder), *OPTIONS])
    assert again.exit_code == 1 and "handouts.yml already exists: this folder is a project already" in again.output
    assert (folder / "handouts.yml").read_bytes() == before
    other = tmp_path / "other"
    wrong = [*OPTIONS]
    wrong[wrong.index("--website") + 1] = "clinic.example.org"
    bad = cli.invoke(main, ["init", str(other), *wrong])
    assert bad.exit_code == 1
    assert "'organization.website': \"clinic.example.org\" is not a web address (write the full address, starting with https://)" in bad.output
    assert not other.exists()


def test_a_new_project_builds_its_first_handout(tmp_path: Path, cli) -> None:
    """Straight from init: a handout imported, its TODOs filled in as IMPORT.md asks, builds and verifies."""
    import json
    import re

    from .test_import import _fill_in

    folder = tmp_path / "clinic"
    assert cli.invoke(main, ["init", str(folder), *OPTIONS]).exit_code == 0
    source = ROOT / "tests" / "fixtures" / "import" / "text" / "tennis-elbow.txt"
    imported = cli.invoke(main, ["import", "--project", str(folder), str(source)])
    assert imported.exit_code == 0, imported.output
    _fill_in(folder, ["tennis-elbow"])
    config = folder / "handouts.yml"  # the license the import proposed, confirmed
    config.write_text(re.sub(r'"TODO[^"\n]*"', '"Checked by the reviewer"', config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    built = cli.invoke(main, ["build", "--project", str(folder), "--layout", "letter", "--jobs", "1", "tennis-elbow"])
    assert built.exit_code == 0, built.output
    manifest = json.loads((folder / "output" / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    assert manifest["en/tennis-elbow.pdf"]["verify"] == "pass"
