"""README's "The web edition and the library site" is true: it shows the pages at a phone's width
(the pictures themselves are compared with the pages in tests/test_web_browser.py), and its
example CI workflow (docs/ci/github-actions.yml) builds every shard, merges them into one site
and runs only commands the command line accepts."""

from __future__ import annotations

import shlex
from pathlib import Path

import click
import yaml
from PIL import Image

from pipeline.cli import main

from .conftest import ROOT

SECTION = ROOT.joinpath("README.md").read_text(encoding="utf-8").split(
    "\n## The web edition and the library site\n")[1].split("\n## ")[0]
WORKFLOW = ROOT / "docs" / "ci" / "github-actions.yml"
PHONE_WIDTH = 360


def test_the_section_shows_a_handout_page_at_a_phones_width() -> None:
    for lang in ("en", "fr"):
        picture = f"docs/web/handout-phone-{lang}.png"
        assert f'src="{picture}"' in SECTION, picture
        assert Image.open(ROOT / picture).width == PHONE_WIDTH
    text = " ".join(SECTION.split())
    for words in ("output/web/fever-children/en.html", "handouts serve", "handouts watch", "site_url",
                  "--shard K/N", "handouts manifest merge", "web-files.txt", "WCAG 2.2 AA",
                  "[docs/ci/github-actions.yml](docs/ci/github-actions.yml)"):
        assert words in text, words


def _steps(job: str) -> list[str]:
    return [step["run"] for step in yaml.safe_load(WORKFLOW.read_text())["jobs"][job]["steps"] if "run" in step]


def _handouts(job: str, shard: int = 1) -> list[list[str]]:
    """The handouts commands a job runs, as the runner of `shard` runs them (GitHub fills in
    ${{ matrix.shard }} before the shell reads the line)."""
    lines = [line.replace("${{ matrix.shard }}", str(shard)) for line in _steps(job)]
    return [shlex.split(line)[1:] for line in lines if line.startswith(".venv/bin/handouts ")]


def test_the_workflow_builds_each_shard_then_assembles_one_site() -> None:
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    shards = jobs["build"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1))
    for shard in shards:
        (build,) = _handouts("build", shard)
        assert build[0] == "build" and build[build.index("--shard") + 1] == f"{shard}/{len(shards)}"
    assert jobs["site"]["needs"] == "build"
    assert [args[:2] for args in _handouts("site")] == [["manifest", "merge"], ["verify"]]
    assert any("--files-from=output/web-files.txt" in line for line in _steps("site"))


def test_its_commands_are_ones_the_command_line_accepts(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest-1.json"
    manifest.write_text('{"version": 1, "outputs": {}}')
    for args in _handouts("build") + _handouts("site"):
        args = [str(manifest) if "*" in arg else arg for arg in args]  # a glob: the shards' manifests
        command: click.Command = main
        context = main.make_context("handouts", args)
        while isinstance(command, click.Group):  # what click does before it invokes: parse each level
            name, command, rest = command.resolve_command(context, [*context._protected_args, *context.args])
            context = command.make_context(name, rest, parent=context)  # a wrong option or value raises here
        assert context.command.name in ("build", "merge", "verify"), args
