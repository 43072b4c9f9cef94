"""Commands on the sources: check, new, init, import and the list of layouts."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from ..errors import HandoutsError, SourceError
from .group import _print_problems, _project, main, project_option


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@project_option
def check(slugs: tuple[str, ...], strict: bool, project_path: Path | None) -> None:
    """Check the sources of every handout (or only SLUGS) without rendering anything.

    \b
    Everything goes to standard output, so 'handouts check | less' shows it all, in source
    order: first what is not one handout's (handouts.yml, stray folders), then handout by
    handout its errors, warnings and notes (handout.yml, then each language's file, line by
    line), its readability and PEMAT checklist per language, and its pages; last, the count.
    Pages against each layout's page budget come from the last build, for the PDFs whose
    inputs have not changed since (a build measures them).
    Exit status: 1 when there is an error (with --strict: an error or a warning), else 0.
    """
    from ..checks.run import check_all, in_source_order
    from ..publish.budget import measured
    from ..source.model import handout_slugs

    try:
        project = _project(project_path)
        selected = list(slugs) or handout_slugs(project)
        checked = check_all(project, selected)
    except SourceError as error:  # handouts.yml or the layout: nothing else can be checked
        errors, _ = _print_problems(error.problems, strict, err=False)
        click.echo(f"Checked 0 handout(s): {errors} error(s).")
        raise SystemExit(1) from None
    pages, found = measured(project, checked.handouts)
    items = [("problem", p) for p in checked.problems + found]
    items += [("note", note) for review in checked.reviews for note in review.notes]
    summaries: dict[str, list[str]] = {}  # per handout: its checklists, then its pages
    for line in [version.line() for review in checked.reviews for version in review.versions] + pages:
        summaries.setdefault(line.split("/", 1)[0], []).append(line)
    errors = warnings = 0
    for slug, found_here in in_source_order(items, selected, project.config.languages).items():
        for kind, problem in found_here:
            if kind == "note":
                click.echo(f"note: {problem}")
                continue
            counted = _print_problems([problem], strict, err=False)
            errors, warnings = errors + counted[0], warnings + counted[1]
        for line in summaries.pop(slug, []) if slug else []:
            click.echo(line)
    click.echo(f"Checked {len(selected)} handout(s): {errors} error(s), {warnings} warning(s).")
    if errors:
        raise SystemExit(1)


@main.command()
@click.argument("slug")
@project_option
def new(slug: str, project_path: Path | None) -> None:
    """Start a new handout: handouts/SLUG/ with handout.yml and one Markdown file per language.

    SLUG is the folder and PDF name: lowercase letters, digits and hyphens (fever-children).
    Every field is explained in a comment; 'handouts check SLUG' lists what is left to fill in.
    """
    from ..source.scaffold import new_handout

    project = _project(project_path)
    for path in new_handout(project, slug):
        click.echo(f"created  {path.relative_to(project.root)}")
    click.echo(f"Fill in every TODO, then run: handouts check {slug}")


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--name", prompt="Organization name (English)", help="The organization's name in English.")
@click.option("--name-fr", prompt="Organization name (French)", help="Its name in French.")
@click.option("--short-name", prompt="Short name (English)", help="A short form, printed in footers.")
@click.option("--short-name-fr", prompt="Short name (French)", help="The short form in French.")
@click.option("--website", prompt="Web site (https://…)", help="The organization's web site.")
@click.option("--phone", prompt="Phone number for the top of every handout (empty for none)", default="")
@click.option("--languages", type=click.Choice(["en,fr", "en", "fr"]), default="en,fr", show_default=True)
@click.option("--holder", prompt="Who holds the copyright of your handouts", help="The copyright holder.")
@click.option("--permits", prompt="What others may do (print, photocopy, electronic)", default="print,photocopy")
def init(folder: Path, name: str, name_fr: str, short_name: str, short_name_fr: str, website: str, phone: str,
         languages: str, holder: str, permits: str) -> None:
    """Start a new project in FOLDER (default: here): handouts.yml from your answers (organization, contact
    line, languages, one license), the standard layouts and fonts, and no sample handouts."""
    from ..source.new_project import Answers, init_project

    answers = Answers({"en": name, "fr": name_fr}, {"en": short_name, "fr": short_name_fr}, website, holder,
                      [p.strip() for p in permits.split(",") if p.strip()], languages.split(","), phone.strip())
    try:
        for path in init_project(folder.resolve(), answers):
            click.echo(f"created  {path}")
    except SourceError as error:
        _print_problems(error.problems, strict=True)
        raise SystemExit(1) from None
    click.echo("Next: check handouts.yml, then 'handouts new SLUG' or 'handouts import FILES'.")


def _on_terminal() -> bool:
    return sys.stderr.isatty()


@main.command(name="import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--slug", help="The new handout's name (default: made from its title). One source only.")
@click.option("--lang", type=click.Choice(["en", "fr"]), help="The language (default: declared, or guessed).")
@click.option("--into", "into", metavar="SLUG", help="Add the source as another language of this handout.")
@click.option("--license", "license_name", metavar="NAME", help="The license (default: the one its copyright names).")
@click.option("--force", is_flag=True, help="Replace an existing handout (or language file).")
@click.option("--dry-run", is_flag=True, help="Write nothing: print what IMPORT.md would say.")
@project_option
def import_(sources: tuple[Path, ...], slug: str | None, lang: str | None, into: str | None, license_name: str | None,
            force: bool, dry_run: bool, project_path: Path | None) -> None:
    """Bring handouts in from saved web pages (.html), Word documents (.docx), Markdown or text (.md, .txt).

    \b
    Each source becomes handouts/SLUG/: handout.yml, LANG.md, pictures and IMPORT.md (what was recognised,
    from where, and every point that needs a person, at file:line). A folder imports every file in it
    (a French page goes with its English one) and prints a summary. Nothing is fetched from the network
    or overwritten without --force. Exit status: 1 when a source was not imported.
    """
    from ..exchange.importer import Options, import_sources, result_lines, source_files, summary_lines

    project = _project(project_path)
    several = len(sources) > 1 or any(source.is_dir() for source in sources)
    if (slug or into) and several:
        raise click.UsageError("--slug and --into name one handout: give one file")
    if license_name and license_name not in project.config.licenses:
        raise click.BadParameter(f'not in handouts.yml (known: {", ".join(project.config.licenses)})', param_hint="--license")
    options = Options(slug=slug, lang=lang, into=into, license=license_name, force=force, dry_run=dry_run)
    total = len(source_files(list(sources)))  # what the bar counts: the files that are read
    bar = click.progressbar(length=total, label="Importing", file=sys.stderr) if several and _on_terminal() else None

    def progress(result) -> None:  # a bar on a terminal, one line per file otherwise (CI logs)
        if bar is not None:
            bar.update(1)
        elif several:
            click.echo(f"{result.status:<16} {result.source}" + (f": {result.message}" if result.message else ""))

    with bar or contextlib.nullcontext():
        results = import_sources(project, list(sources), options, progress)
    if not several and results[0].status == "failed":
        raise HandoutsError(f"{results[0].source}: {results[0].message}")
    for line in result_lines(results[0], dry_run) if not several else summary_lines(results):
        click.echo(line)
    if any(r.status == "failed" for r in results):
        raise SystemExit(1)


@main.command(name="layouts")
@project_option
def list_layouts(project_path: Path | None) -> None:
    """List the print layouts: paper, orientation, PDF/UA claim and what each is for.

    A plain 'handouts build' makes the layouts listed under 'layouts' in handouts.yml
    (marked *); 'handouts build --layout NAME' makes any other. A print-only layout (the
    booklet) is built with the accessible layout it is made from.
    """
    from ..project.layouts import available, load_layout

    project = _project(project_path)
    rows = []
    for name in available(project.layouts_dir):
        layout = load_layout(project.layouts_dir, name)
        mark = "*" if name in project.config.layouts else " "
        claim = "PDF/UA-1" if layout.pdfua else "no PDF/UA" + (f" (see {layout.imposes})" if layout.imposes else "")
        rows.append((f"{mark} {name}", layout.sheet_paper(project.paper), layout.orientation, claim,
                     layout.description))
    header = ("  LAYOUT", "PAPER", "ORIENTATION", "CLAIM", "DESCRIPTION")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4])
    click.echo(f"* built by default (handouts.yml 'layouts'); default layout: {project.config.layout}")
