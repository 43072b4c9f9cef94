"""Commands on the outputs: build, manifest merge, verify, status and watch."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..publish.replay import Run
from .building import build_printing
from .group import ALL, _known, _project, _root, main, project_option

if TYPE_CHECKING:
    from ..project.config import Project


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        index, count = (int(part) for part in value.split("/"))
    except ValueError:
        raise click.BadParameter("write it as K/N, for example 2/4") from None
    if not 1 <= index <= count:
        raise click.BadParameter(f"K must be between 1 and N, not {index} of {count}")
    return index, count


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--lang", "langs", multiple=True, metavar="LANG", help="Only this language (repeatable): en, fr.")
@click.option("--layout", "layouts", multiple=True, metavar="NAME",
              help="Layout to build (repeatable, or 'all'); 'web' is the HTML edition. Default: "
                   "handouts.yml's 'layouts' and web. See 'handouts layouts'.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs).")
@click.option("--force", is_flag=True, help="Rebuild even what is up to date.")
@click.option("--prune", is_flag=True, help="Delete the outputs of handouts no longer in handouts/.")
@click.option("--shard", callback=_shard, metavar="K/N",
              help="Build only shard K of N of the plan (split a large corpus across CI runners; "
                   "join their manifests with 'handouts manifest merge').")
@click.option("--strict", is_flag=True,
              help="Treat warnings as errors; if any handout has a problem, build nothing.")
@project_option
def build(slugs: tuple[str, ...], langs: tuple[str, ...], layouts: tuple[str, ...], jobs: int | None,
          force: bool, prune: bool, shard: tuple[int, int] | None, strict: bool, project_path: Path | None) -> None:
    """Build PDFs of every handout (or only SLUGS) into output/.

    \b
    Every source is checked first; a handout with errors is not built, the others are
    (with --strict: nothing is built while any handout has an error or a warning).
    Each PDF is verified before it is published; one that fails is not written and the
    previous good one stays. Up-to-date PDFs are skipped (see --force): a PDF is up to
    date when none of its inputs changed (sources, images, handouts.yml, layout, fonts,
    pipeline and WeasyPrint versions) and the file is intact.

    \b
    Output: output/LANG/SLUG.pdf (default layout), output/LANG/SLUG.LAYOUT.pdf,
    output/bilingual/SLUG.pdf, output/manifest.json, output/index.html.
    Exit status: 0 when everything built or was up to date, 1 otherwise.
    """
    # A no-op build says again what the last one said, when not a file it can read has changed.
    root = _root(project_path)
    params = {"slugs": slugs, "langs": langs, "layouts": layouts, "prune": prune, "shard": shard, "strict": strict}
    run = Run(root, "build", params)
    if not force and run.replay():
        return
    from ..project.layouts import available
    from ..publish.build import WEB

    project = _project(project_path)
    known = _known(project, slugs)
    for lang in langs:
        if lang not in project.config.languages:
            raise click.BadParameter(f'"{lang}" is not one of {", ".join(project.config.languages)}',
                                     param_hint="--lang")
    names = list(layouts) or [*project.config.layouts, WEB]
    if ALL in names:
        names = [*available(project.layouts_dir), WEB]
    for name in names:
        if name not in (*available(project.layouts_dir), WEB):
            raise click.BadParameter(f'there is no layout "{name}" (see \'handouts layouts\'; "web" is the '
                                     "HTML edition)", param_hint="--layout")
    arguments = {"slugs": list(slugs) or known, "langs": list(langs) or list(project.config.languages),
                 "layouts": names, "jobs": jobs or os.cpu_count() or 1, "shard": shard, "prune": prune, "strict": strict}
    summary = build_printing(run, project, arguments, force)
    if summary is None:
        raise SystemExit(1)
    if not (summary.count("built") or summary.pruned or summary.site):
        run.record()  # a build that changed nothing: the next one may say it again
        return
    # What the next build will say if nothing changes, worked out now (its outputs are ours, just
    # written): the build after a build is then said at once too.
    after = Run(root, "build", params, quiet=True, ours=True)
    if after.settled:
        foreseen = build_printing(after, project, arguments)
        if foreseen is not None and not (foreseen.count("built") or foreseen.pruned or foreseen.site):
            after.record()


@main.group()
def manifest() -> None:
    """Work with output/manifest.json files."""


@manifest.command("merge")
@click.argument("manifests", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the merged manifest (default: the project's output/manifest.json).")
@project_option
def manifest_merge(manifests: tuple[Path, ...], output: Path | None, project_path: Path | None) -> None:
    """Merge the manifests of shards built with 'handouts build --shard K/N' into one.

    Into the project's output/manifest.json (the default), it also writes the library site
    (index pages, sitemap.xml, web-files.txt) from the merged manifest: copy every shard's
    output/ into output/ first.
    """
    import filelock

    from ..publish.library import write_index
    from ..publish.manifest import merge_manifests, write_manifest

    merged = merge_manifests(list(manifests))
    project = _project(project_path) if output is None else None
    if project is not None:
        output = project.output_dir / "manifest.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    with filelock.FileLock(output.parent / ".lock"):
        write_manifest(output, merged)
        if project is not None:  # the project's own output/: its library site, from the merged manifest
            write_index(project)
    click.echo(f"{output}: {len(merged)} outputs from {len(manifests)} manifests")
    if project is not None:
        click.echo(f"wrote the library site from it: {', '.join(_site_pages(project))}")


def _site_pages(project: Project) -> list[str]:
    from ..project.config import library_page

    pages = [library_page(project.config.languages, lang) for lang in project.config.languages]
    return pages + (["sitemap.xml"] if project.config.site_url else []) + ["web-files.txt"]


@main.command()
@click.argument("pdfs", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--any", "foreign", is_flag=True,
              help="Judge every PDF as one not built here: only PDF/UA-1 requirements fail it.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@project_option
def verify(pdfs: tuple[Path, ...], foreign: bool, as_json: bool, project_path: Path | None) -> None:
    """Check PDFs for PDF/UA-1 and our own accessibility rules (default: every PDF in the manifest).

    \b
    A PDF listed in output/manifest.json is held to PDF/UA-1 and to our house rules (links
    set to print, table headers with both /Scope and /Headers, a document /Lang…), and checked
    against its source: title, language, copyright line, permission notice and every word.
    Any other PDF (or every PDF, with --any) fails only on PDF/UA-1 requirements; house rules
    are listed as advice, and the checks that need our sources are skipped.
    Every file gets its own result, whatever happens to the others; a file that cannot be
    read, is encrypted or takes over 20 s fails. Exit status: 0 when every file passes.
    """
    from ..publish.manifest import read_manifest
    from ..publish.workers import expectation
    from ..verify import verify_pdf

    project = _project(project_path)
    entries = read_manifest(project.output_dir)["outputs"]
    # By default the PDF/UA files; a print-only edition (booklet) claims no PDF/UA to check.
    files = list(pdfs) or [project.output_dir / path for path, entry in entries.items() if entry.get("pdfua")]
    if not files:
        raise click.UsageError("no PDF given and output/manifest.json lists none: run 'handouts build' first")
    reports = []
    unread = {}  # a report's path → the handout whose sources cannot be read now
    for file in files:
        try:
            relative = file.resolve().relative_to(project.output_dir.resolve()).as_posix()
        except (ValueError, OSError):
            relative = None
        entry = None if foreign or not relative else entries.get(relative)
        ours = bool(entry and entry.get("pdfua"))
        expect = expectation(project, entry) if ours else None
        report = verify_pdf(file, expect, project.fonts_dir, _shown(file), ours=ours)
        if ours and expect is None:
            unread[report.path] = entry["handout"]
            report.skipped = [f"text: against handouts/{entry['handout']}/, which cannot be read now"]
        reports.append(report)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False))
    else:
        for report in reports:
            mark = click.style("pass", fg="green") if report.ok else click.style("FAIL", fg="red")
            click.echo(f"{mark}  {report.path}  ({report.pages} pages; validator: {report.validator or 'not run'})")
            for finding in report.findings:
                click.echo(f"      - {finding}  [{report.levels[finding]}]")
            for advice in report.advice:
                click.echo(f"      · advice (house rule): {advice}")
            if report.path in unread:
                click.echo(f"      · not checked against its source: handouts/{unread[report.path]}/ cannot be read "
                           f"now (see 'handouts check {unread[report.path]}')")
        elsewhere = [r.skipped for r in reports if r.skipped and r.path not in unread]
        if elsewhere:
            click.echo("Not built here, so not checked: " + "; ".join(elsewhere[0]))
        failed = sum(not r.ok for r in reports)
        click.echo(f"{len(reports) - failed} passed, {failed} failed")
    if any(not r.ok for r in reports):
        raise SystemExit(1)


def _shown(path: Path) -> str:
    """A path as the user would type it from here (below here: relative; elsewhere: as given)."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


class Duration(click.ParamType):
    """90d, 12w, 6m or 1y → (number, unit)."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, str]:
        if isinstance(value, tuple):
            return value
        match = re.fullmatch(r"\s*(\d{1,4})\s*([dwmy])\s*", str(value).lower())
        if not match:
            self.fail(f'"{value}" is not a duration: write a number and a unit, d, w, m or y (90d, 12w, 6m, 1y)',
                      param, ctx)
        return int(match.group(1)), match.group(2)


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--overdue", is_flag=True, help="Only handouts whose review is overdue.")
@click.option("--stale", is_flag=True, help="Only handouts with a stale translation (one that translates an "
                                            "older revision of the English).")
@click.option("--due-within", "due_within", type=Duration(), metavar="DURATION",
              help="Only handouts whose review is due within DURATION from today, overdue ones included: "
                   "days, weeks, months or years (90d, 12w, 6m, 1y).")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON (same filters, same order).")
@project_option
def status(slugs: tuple[str, ...], overdue: bool, stale: bool, due_within: tuple[int, str] | None, as_json: bool,
           project_path: Path | None) -> None:
    """Show what needs doing: each handout's translations, reviews, readability and last build.

    \b
    Every handout (or only SLUGS), in the order they need action:
      1. a handout to fix: it cannot be read, has errors, or a PDF failed verification
      2. a review overdue (the longest overdue first)
      3. a stale translation
      4. a review due within 90 days (the soonest first)
      5. the rest, by name
    The filters combine (a handout must pass each one given); a handout that cannot be
    read is always listed. The table fits the terminal: on a narrow one (80 columns)
    the revision and review dates, then the title and readability, are left out and
    long names are cut with "…" (set COLUMNS to change the width).

    \b
    Then, per layout, the pages against the page budget and the sheets of paper each
    printed copy takes (double-sided; a booklet's sheets are folded), from the last build.
    A review is due a number of years after the handout's review.date (handouts.yml's
    'review_interval_years', default 3); overdue reviews are shown in red.
    """
    import shutil

    width = shutil.get_terminal_size((80, 24)).columns
    run = Run(_root(project_path), "status", {"slugs": slugs, "overdue": overdue, "stale": stale,
                                              "due_within": due_within, "json": as_json}, width=width)
    if run.replay():  # nothing changed since a status said this
        return
    from ..project import clock
    from ..publish.status import collect, in_action_order, later, print_table, select, table

    project = _project(project_path)
    if slugs:  # an unknown name is a usage error (listing handouts/ costs a stat per folder)
        _known(project, slugs)
    due_by = later(clock.today(), *due_within) if due_within else None
    rows = [row for row in collect(project) if not slugs or row.slug in slugs]
    rows = in_action_order(select(rows, overdue=overdue, stale=stale, due_by=due_by))
    if as_json:
        run.echo(json.dumps([row.to_dict() for row in rows], indent=2, ensure_ascii=False))
    elif not rows:
        run.echo("No handout matches." if slugs or overdue or stale or due_within else "No handouts yet.")
    else:
        lines = table(rows, project.config.languages, width)
        printing = print_table(rows, project.config.languages, project.config.layout, width)
        run.echo("\n".join(lines + ([""] + printing if printing else [])))
    run.record()


def _echo(message: str, error: bool) -> None:
    click.secho(message, fg="red" if error else None, err=error)


@main.command()
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs).")
@project_option
def watch(jobs: int | None, project_path: Path | None) -> None:
    """Build, then rebuild what each saved file affects, until Ctrl+C.

    A change in handouts/SLUG/ rebuilds that handout (the edited language's web page and
    default-layout PDF first; an English-only edit rebuilds nothing French); a change in
    handouts.yml, layouts/ or fonts/ rebuilds what reads it. Each rebuild is stamped with the
    time; errors are printed, watching goes on, and an error that goes away is reported fixed.
    """
    from ..publish.watch import watch as run_watch

    root = _root(project_path)
    _project(root)  # the configuration must be readable to start
    run_watch(root, _echo, jobs=jobs)


@main.command()
@click.option("--port", "-p", type=click.IntRange(min=1, max=65535), default=8000, show_default=True,
              help="The port to listen on, at 127.0.0.1.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs).")
@project_option
def serve(port: int, jobs: int | None, project_path: Path | None) -> None:
    """Preview the site: build, serve output/ at http://127.0.0.1:PORT/, rebuild on save.

    \b
    Like 'watch', and open pages reload themselves when their file is rebuilt; the errors
    of the last build are shown at the top of every page as well as here. Only this
    computer can connect. Stop with Ctrl+C.
    """
    from ..publish.serve import serve as run_serve

    root = _root(project_path)
    _project(root)
    run_serve(root, _echo, port=port, jobs=jobs)
