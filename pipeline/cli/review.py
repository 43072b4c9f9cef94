"""Commands after a clinical review: review, revise, changes, and the translator's XLIFF files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from .group import _print_problems, _project, main, project_option

LANGS = click.Choice(["en", "fr"])


class Day(click.ParamType):
    """A date as YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date: write it as YYYY-MM-DD (2026-11-24)", param, ctx)


def _today() -> dt.date:
    from ..project import clock

    return clock.today()


def _check(project, slug: str) -> None:
    """`handouts check SLUG` after an edit: what it finds, and the count."""
    from ..checks.run import check_all

    checked = check_all(project, [slug])
    errors, warnings = _print_problems(checked.problems, strict=False, err=False)
    click.echo(f"Checked {slug}: {errors} error(s), {warnings} warning(s).")
    if errors:
        raise SystemExit(1)


@main.command()
@click.argument("slug")
@click.option("--by", "body", required=True, metavar="BODY",
              help="The reviewing body, as handouts.yml's 'reviewers:' or an earlier review names it (either language).")
@click.option("--organization", metavar="ORG", help="Its organization (default: the one it belongs to).")
@click.option("--date", "on", type=Day(), help="The day of the review (default: today; never in the future).")
@click.option("--note", metavar="TEXT", help="What the review concluded, kept in the history.")
@click.option("--lang", "langs", type=LANGS, multiple=True,
              help="A language whose text was reviewed (repeat; default: every text that is current).")
@project_option
def review(slug: str, body: str, organization: str | None, on: dt.date | None, note: str | None,
           langs: tuple[str, ...], project_path: Path | None) -> None:
    """Record a clinical review of SLUG: appended to the history in its handout.yml.

    \b
    The PDFs print the latest review of each language's text; `status --json`
    and the manifest carry the whole history. A translation that translates
    an older English text was not what the body reviewed: it is left out,
    and the PDF in that language keeps its earlier review.
    \b
    Example:
      handouts review fever-children --by "Clinical Services Working Group" --note "No change."
    """
    from ..source.records import add_review

    project = _project(project_path)
    today = _today()
    for line in add_review(project, slug, body, organization, on or today, note, langs, today):
        click.echo(line)
    _check(project, slug)


@main.command()
@click.argument("slug")
@click.option("--lang", "langs", type=LANGS, multiple=True, help="The language to revise (repeat; default: en).")
@project_option
def revise(slug: str, langs: tuple[str, ...], project_path: Path | None) -> None:
    """Date a changed text: sets 'revised:' to today and records what the text now is.

    \b
    Run it after editing en.md (or fr.md with --lang fr). A text that has not
    changed since its last recorded revision is left as it is. `check` warns
    about a text changed without it, naming the first changed line.
    """
    from ..source.records import revise as revise_texts

    project = _project(project_path)
    for line in revise_texts(project, slug, langs, _today()):
        click.echo(line)
    _check(project, slug)


@main.command()
@click.argument("slug")
@click.option("--lang", default="fr", show_default=True, type=LANGS, help="The translation to compare.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@project_option
def changes(slug: str, lang: str, as_json: bool, project_path: Path | None) -> None:
    """Show the translator what changed: each English block (heading, paragraph,
    list item, table cell, call-out) added, removed or changed since the
    revision the translation translates, beside the translated block that
    corresponds to it.

    \b
    The old English comes from git when the project is in a repository, else
    from the snapshot 'revise', 'review' and 'xliff import' keep in
    handouts/SLUG/.snapshots/.
    """
    from ..exchange.changes import compare, describe
    from ..source.records import load

    handout = load(_project(project_path), slug)
    comparison = compare(handout, lang)
    if as_json:
        version = handout.versions[lang]
        click.echo(json.dumps({"handout": slug, "lang": lang, "translates": version.front.translates.revised.isoformat(),
                               "english_revised": handout.versions["en"].front.revised.isoformat(),
                               "old_english_from": comparison.old_source,
                               "changes": [c.data() for c in comparison.changes]}, ensure_ascii=False, indent=2))
        return
    for line in describe(handout, comparison):
        click.echo(line)


@main.group()
def xliff() -> None:
    """Hand a translation to a translator's CAT tool and take it back (XLIFF 2.0).

    \b
      handouts xliff export fever-children --lang fr -o fever-children.fr.xlf
      (the translator translates the units marked "initial")
      handouts xliff import fever-children.fr.xlf
    """


@xliff.command("export")
@click.argument("slug")
@click.option("--lang", default="fr", show_default=True, type=LANGS, help="The language to translate into.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (default: SLUG.LANG.xlf here).")
@project_option
def xliff_export(slug: str, lang: str, output: Path | None, project_path: Path | None) -> None:
    """Write SLUG's English as XLIFF 2.0, one unit per block: the units whose
    English is unchanged since the translation was made are final, with
    their translation; the changed and new ones are for translation."""
    from ..exchange.xliff import export
    from ..source.records import load

    handout = load(_project(project_path), slug)
    data, units, final = export(handout, lang)
    output = output or Path(f"{slug}.{lang}.xlf")
    try:
        output.write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"{output}: cannot be written ({error.strerror})") from None
    click.echo(f"wrote {output}: {units} unit(s), {units - final} to translate, {final} final")


@xliff.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partial", is_flag=True, help="Accept units left untranslated (they keep the old text; "
              "the translation stays marked stale).")
@project_option
def xliff_import(file: Path, partial: bool, project_path: Path | None) -> None:
    """Write the translation FILE holds as the handout's LANG.md (structure
    from the English, front matter kept), record which English it
    translates, and check it. A file for another handout or English
    revision, or with untranslated units, is refused."""
    from ..exchange.xliff_import import import_xliff

    project = _project(project_path)
    slug, _, done = import_xliff(project, file, partial, _today())
    for line in done:
        click.echo(line)
    _check(project, slug)
