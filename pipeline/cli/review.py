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
    from ..checks.reviews import today

    return today()


def _check(project, slug: str) -> None:
    """`handouts check SLUG` after an edit: what it finds, and the count."""
    from ..checks.run import check_all

    checked = check_all(project, [slug])
    errors, warnings = _print_problems(checked.problems, strict=False)
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
