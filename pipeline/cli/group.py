"""The `handouts` group and what its commands share: the project option and problem printing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import __version__
from ..errors import Problem
from ..project.root import find_root

if TYPE_CHECKING:  # the configuration's models cost 0.1 s to import: only commands that read it do
    from ..project.config import Project

ALL = "all"


def _root(path: Path | None) -> Path:
    return find_root((path or Path.cwd()).resolve())


def _project(path: Path | None) -> Project:
    from ..project.config import load_project

    return load_project(_root(path))


def _print_problems(problems: list[Problem], strict: bool, err: bool = True,
                    echo: Callable[..., None] = click.echo) -> tuple[int, int]:
    """Print each problem as an error or a warning line (on stderr, or stdout with err=False);
    the numbers of errors and warnings."""
    lines = [click.style(f"warning: {problem}", fg="yellow") if problem.warning and not strict
             else click.style(f"error: {problem}", fg="red") for problem in problems]
    if lines:  # one write: a library's thousands of warnings are printed in a blink, not line by line
        echo("\n".join(lines), err=err)
    warnings = sum(problem.warning and not strict for problem in problems)
    return len(problems) - warnings, warnings


def _known(project: Project, slugs: tuple[str, ...]) -> list[str]:
    """The project's handouts; a clean usage error (exit 2) naming any of `slugs` that is not one."""
    import difflib

    from ..source.model import handout_slugs

    known = handout_slugs(project)
    for slug in slugs:
        if slug not in known:
            close = difflib.get_close_matches(slug, known, n=1)
            hint = f'did you mean "{close[0]}"? ' if close else ""
            raise click.BadParameter(f'no handout "{slug}" in handouts/ ({hint}\'handouts status\' lists them all)',
                                     param_hint="SLUGS")
    return known


project_option = click.option("--project", "project_path", type=click.Path(file_okay=False, path_type=Path),
                              help="The project folder (default: the nearest folder with a handouts.yml).")


# The commands in the order of the work (a missing name is skipped; a command not named comes last).
WORKFLOW = ["init", "new", "import", "check", "build", "serve", "watch", "review", "revise", "changes", "xliff",
            "status", "verify", "layouts", "manifest"]


class WorkflowGroup(click.Group):
    """A group whose --help lists its commands in workflow order, each with its whole first sentence."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return [name for name in WORKFLOW if name in names] + [name for name in names if name not in WORKFLOW]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                # No limit: the first sentence whole, wrapped by write_dl (click would cut it at ~45).
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=WorkflowGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handouts")
def main() -> None:
    """Build accessible PDF/UA-1 patient handouts, in English and French, from Markdown sources.

    \b
    A project holds:
      handouts.yml     organization, contacts, licenses, languages, default layout
      handouts/SLUG/   handout.yml, en.md, fr.md and the handout's images
      layouts/NAME/    a print layout: layout.yml, template.html, style.css
      fonts/           the only fonts a PDF may use
    PDFs go to output/LANG/SLUG.pdf (other layouts: output/LANG/SLUG.LAYOUT.pdf),
    described in output/manifest.json.

    \b
    Typical use:
      handouts check   find mistakes in the sources, without rendering
      handouts build   build every handout in every language
      handouts status  what needs doing: reviews due, stale translations
    """
