"""The `handouts` group and what its commands share: the project option and problem printing."""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from ..errors import Problem
from ..project.config import Project, find_root, load_project

ALL = "all"


def _project(path: Path | None) -> Project:
    return load_project(find_root((path or Path.cwd()).resolve()))


def _print_problems(problems: list[Problem], strict: bool) -> tuple[int, int]:
    errors = warnings = 0
    for problem in problems:
        if problem.warning and not strict:
            warnings += 1
            click.secho(f"warning: {problem}", fg="yellow", err=True)
        else:
            errors += 1
            click.secho(f"error: {problem}", fg="red", err=True)
    return errors, warnings


project_option = click.option("--project", "project_path", type=click.Path(file_okay=False, path_type=Path),
                              help="The project folder (default: the nearest folder with a handouts.yml).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handouts")
def main() -> None:
    """Build accessible PDF/UA-1 patient handouts, in English and French, from Markdown sources.

    \b
    A project holds:
      handouts.yml            organization, contacts, licenses, languages, default layout
      handouts/SLUG/          handout.yml, en.md, fr.md and the handout's images
      layouts/NAME/           a print layout: layout.yml, template.html, style.css
      fonts/                  the only fonts a PDF may use
    PDFs go to output/LANG/SLUG.pdf (other layouts: output/LANG/SLUG.LAYOUT.pdf),
    described in output/manifest.json.

    \b
    Typical use:
      handouts check          find mistakes in the sources, without rendering
      handouts build          build every handout in every language
      handouts verify output/en/vertebroplasty.pdf
    """
