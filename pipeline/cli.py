"""The `handouts` command line: a thin click group over the pipeline."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from . import __version__
from .config import Project, find_root, load_project
from .errors import Problem, SourceError

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


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@project_option
def check(slugs: tuple[str, ...], strict: bool, project_path: Path | None) -> None:
    """Check the sources of every handout (or only SLUGS) without rendering anything."""
    from .build import check as run_check
    from .model import handout_slugs

    try:
        project = _project(project_path)
        selected = list(slugs) or handout_slugs(project)
        handouts, problems = run_check(project, selected)
    except SourceError as error:  # handouts.yml or the layout: nothing else can be checked
        errors, _ = _print_problems(error.problems, strict)
        click.echo(f"Checked 0 handout(s): {errors} error(s).")
        raise SystemExit(1) from None
    problems += _plain_language(project, handouts)
    errors, warnings = _print_problems(problems, strict)
    click.echo(f"Checked {len(selected)} handout(s): {errors} error(s), {warnings} warning(s).")
    if errors:
        raise SystemExit(1)


def _plain_language(project: Project, handouts: dict) -> list[Problem]:
    """Print each handout's readability and PEMAT checklist and the writing notes; return the warnings."""
    from .plain import review

    warnings: list[Problem] = []
    for handout in handouts.values():
        result = review(project, handout)
        for version in result.versions:
            click.echo(version.line())
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        warnings += result.problems
    return warnings


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--lang", "langs", multiple=True, metavar="LANG", help="Only this language (repeatable): en, fr.")
@click.option("--layout", "layouts", multiple=True, metavar="NAME",
              help="Layout to build (repeatable, or 'all'); default: handouts.yml's 'layout'.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs).")
@click.option("--force", is_flag=True, help="Rebuild even what is up to date.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@project_option
def build(slugs: tuple[str, ...], langs: tuple[str, ...], layouts: tuple[str, ...], jobs: int | None,
          force: bool, strict: bool, project_path: Path | None) -> None:
    """Build PDFs of every handout (or only SLUGS) into output/.

    Each PDF is verified before it is published; a PDF that fails is not written and the
    previous good one stays. Up-to-date PDFs are skipped (see --force).
    """
    from .build import Outcome, build as run_build
    from .layouts import available
    from .model import handout_slugs

    project = _project(project_path)
    known = handout_slugs(project)
    for slug in slugs:
        if slug not in known:
            raise click.BadParameter(f'no handout "{slug}" in handouts/ (known: {", ".join(known)})',
                                     param_hint="SLUGS")
    for lang in langs:
        if lang not in project.config.languages:
            raise click.BadParameter(f'"{lang}" is not one of {", ".join(project.config.languages)}',
                                     param_hint="--lang")
    names = list(layouts) or [project.config.layout]
    if ALL in names:
        names = available(project.layouts_dir)

    def report(outcome: Outcome) -> None:
        target = outcome.target
        if outcome.status == "failed":
            click.secho(f"failed   {target.path}: {outcome.message}", fg="red", err=True)
        elif outcome.status == "built":
            entry = outcome.entry or {}
            click.echo(f"built    {target.path}  ({entry.get('pages')} pages, {entry.get('bytes', 0) / 1024:.0f} KB, "
                       f"{outcome.seconds * 1000:.0f} ms)")
        else:
            click.echo(f"skipped  {target.path}  (up to date)")

    summary = run_build(project, list(slugs) or known, list(langs) or list(project.config.languages), names,
                        jobs=jobs or os.cpu_count() or 1, force=force, report=report)
    errors, _ = _print_problems(summary.problems, strict)
    stale = sorted({o.target.path for o in summary.outcomes
                    if o.entry and o.entry.get("translation") == "stale"})
    line = (f"{summary.count('built')} built, {summary.count('skipped')} skipped, {summary.count('failed')} failed"
            f" in {summary.seconds:.1f} s")
    if stale:
        line += f"; stale translations: {', '.join(stale)}"
    click.echo(line)
    if summary.failed or errors:
        raise SystemExit(1)


@main.command()
@click.argument("pdfs", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@project_option
def verify(pdfs: tuple[Path, ...], as_json: bool, project_path: Path | None) -> None:
    """Check PDFs for PDF/UA-1 and our own accessibility rules (default: every PDF in the manifest).

    A PDF listed in output/manifest.json is also checked against its source: title, language,
    copyright line, permission notice and text in another language.
    """
    from .build import read_manifest
    from .verify import verify_pdf

    project = _project(project_path)
    entries = read_manifest(project.output_dir)["outputs"]
    files = list(pdfs) or [project.output_dir / path for path in entries]
    if not files:
        raise click.UsageError("no PDF given and output/manifest.json lists none: run 'handouts build' first")
    reports = []
    for file in files:
        try:
            relative = file.resolve().relative_to(project.output_dir.resolve()).as_posix()
        except ValueError:
            relative = None
        entry = entries.get(relative) if relative else None
        expect = _expectation(project, entry) if entry else None
        reports.append(verify_pdf(file, expect, project.fonts_dir, str(file)))
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False))
    else:
        for report in reports:
            mark = click.style("pass", fg="green") if report.ok else click.style("FAIL", fg="red")
            click.echo(f"{mark}  {report.path}  ({report.pages} pages; validator: {report.validator})")
            for finding in report.findings:
                click.echo(f"      - {finding}")
    if any(not r.ok for r in reports):
        raise SystemExit(1)


def _expectation(project: Project, entry: dict):
    """What the manifest's source says a built PDF must contain."""
    from .html import render_html
    from .layouts import load_layout
    from .model import load_handout
    from .verify import Expect

    handout, _ = load_handout(project, entry["handout"])
    if handout is None or entry["lang"] not in handout.versions:
        return None
    rendered, _ = render_html(project, handout, entry["lang"], load_layout(project.layouts_dir, entry["layout"]))
    if rendered is None:
        return None
    return Expect(rendered.title, rendered.lang, rendered.copyright, rendered.notice, tuple(rendered.parts))



@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
@project_option
def status(as_json: bool, project_path: Path | None) -> None:
    """Show every handout: languages, revisions, translation, review due, readability, last build.

    A review is due a number of years after the handout's review.date (handouts.yml's
    'review_interval_years', default 3); overdue reviews are shown in red.
    """
    from .status import collect

    project = _project(project_path)
    rows = collect(project)
    if as_json:
        click.echo(json.dumps([row.to_dict() for row in rows], indent=2, ensure_ascii=False))
        return
    langs = project.config.languages
    header = (["HANDOUT", "NUMBER", "LANGS"] + [f"{lang.upper()} REVISED" for lang in langs]
              + ["TRANSLATION", "REVIEWED", "NEXT REVIEW", "READABILITY", "LAST BUILD"])
    table: list[list[tuple[str, str | None]]] = []
    for row in rows:
        if row.error:
            table.append([(row.slug, None), (f"cannot be read: {row.error}", "red")])
            continue
        translation = ", ".join(f"{lang} {state}" for lang, state in row.translation.items()
                                if lang != "en" and state != "current") or "current"
        review_color = {"overdue": "red", "due soon": "yellow"}.get(row.review)
        due = row.review_due + ("" if row.review == "current" else f" ({row.review})")
        scores = []
        for lang, score in row.readability.items():
            value = f"{score['grade']:.1f}" if score.get("grade") is not None else (
                f"KM {score['kandel_moles']:.0f}" if score.get("kandel_moles") is not None else "-")
            scores.append(f"{lang} {value}{'' if score['meets_target'] else ' ✗'}")
        builds = [o for o in row.outputs if o.get("built")]
        if builds:
            last = max(o["built"] for o in builds)[:16].replace("T", " ")
            failed = [o["path"] for o in builds if o.get("verify") != "pass"]
            build = f"{last} " + (f"verify FAIL: {', '.join(failed)}" if failed else f"{len(builds)} PDF{'' if len(builds) == 1 else 's'} verified")
        else:
            build = "not built"
        table.append([(row.slug, None), (row.number, None), (" ".join(row.languages), None)]
                     + [(row.revised.get(lang, "-"), None) for lang in langs]
                     + [(translation, "yellow" if translation != "current" else None), (row.reviewed, None),
                        (due, review_color), (", ".join(scores), None), (build, None)])
    widths = [max([len(header[i])] + [len(r[i][0]) for r in table if len(r) > i and len(r) == len(header)])
              for i in range(len(header))]
    click.echo("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
    for cells in table:
        click.echo("  ".join(click.style(text.ljust(w), fg=color) if color else text.ljust(w)
                             for (text, color), w in zip(cells, widths)).rstrip())


@main.command()
@click.argument("slug")
@project_option
def new(slug: str, project_path: Path | None) -> None:
    """Start a new handout: handouts/SLUG/ with handout.yml and one Markdown file per language.

    SLUG is the folder and PDF name: lowercase letters, digits and hyphens (fever-children).
    Every field is explained in a comment; 'handouts check SLUG' lists what is left to fill in.
    """
    from .create import new_handout

    project = _project(project_path)
    for path in new_handout(project, slug):
        click.echo(f"created  {path.relative_to(project.root)}")
    click.echo(f"Fill in every TODO, then run: handouts check {slug}")


@main.command()
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs).")
@project_option
def watch(jobs: int | None, project_path: Path | None) -> None:
    """Rebuild handouts as their files are saved, until Ctrl+C.

    A change in handouts/SLUG/ rebuilds that handout; a change in handouts.yml, layouts/ or
    fonts/ rebuilds every handout. Errors are printed and watching goes on.
    """
    from .watch import watch as run_watch

    root = find_root((project_path or Path.cwd()).resolve())
    _project(root)  # the configuration must be readable to start

    def echo(message: str, error: bool) -> None:
        click.secho(message, fg="red" if error else None, err=error)

    run_watch(root, echo, jobs=jobs)
