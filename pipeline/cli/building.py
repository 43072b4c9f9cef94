"""A build for people: its progress, problems and summary printed through a Run (publish/replay.py),
which keeps them for the next build to say again."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import Stopped
from ..publish.replay import Run
from .group import _print_problems

if TYPE_CHECKING:
    from ..project.config import Project


class _Unforeseen(Exception):
    """A build worked out quietly (what the next one will say) found something to build."""


class Printer:
    """Build progress for people: a bar on a terminal, one line per file otherwise (CI logs).
    `foreseeing`: the build is one worked out quietly, which must build nothing."""

    def __init__(self, echo: Any = click.echo, foreseeing: bool = False) -> None:
        self.bar = None
        self.terminal = sys.stdout.isatty()
        self.echo = echo
        self.foreseeing = foreseeing

    def start(self, total: int) -> None:
        if self.foreseeing and total:
            raise _Unforeseen  # a source changed during the build: the next build will say so itself
        if self.terminal and total > 1:
            self.bar = click.progressbar(length=total, label="Building", show_pos=True)
            self.bar.__enter__()

    def done(self, outcome) -> None:
        target = outcome.target
        if outcome.status == "failed":
            self._line(click.style(f"failed   {target.path}: {outcome.message}", fg="red"), err=True)
        elif outcome.status == "built":
            from ..publish.budget import describe

            entry = outcome.entry or {}
            what = f"{describe(entry)}; " if "pages" in entry else ""  # an HTML edition has no pages
            self._line(f"built    {target.path}  ({what}{entry.get('bytes', 0) / 1024:.0f} KB, "
                       f"{outcome.seconds * 1000:.0f} ms{', stale translation' if entry.get('translation') == 'stale' else ''})")
        elif not self.terminal:
            self._line(f"skipped  {target.path}  (up to date)")
        if self.bar is not None and outcome.status != "skipped":
            self.bar.update(1)

    def waiting(self, lock: Path) -> None:
        # Said even while a build is worked out quietly, and never kept for a replay.
        click.echo(f"waiting  for another build in {lock.parent} to finish (it holds {lock.name})", err=True)

    def _line(self, text: str, err: bool = False) -> None:
        if self.bar is not None:
            # Above the bar, which redraws itself on the next update.
            click.echo("\r\033[K", nl=False)
        self.echo(text, err=err)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def build_printing(run: Run, project: Project, arguments: dict[str, Any], force: bool = False) -> Any:
    """Build, printing through `run` what is built, skipped and found; the summary, or None when
    something failed (or, for a quiet run, would have been built)."""
    from ..publish.build import build as run_build

    printer = Printer(run.echo, foreseeing=run.quiet)

    def terminate(signum: int, frame: Any) -> None:
        raise Stopped(143)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        summary = run_build(project, force=force, progress=printer, **arguments)
    except _Unforeseen:
        return None
    except KeyboardInterrupt as stop:
        printer.close()
        click.echo("stopped: the PDFs published so far are recorded in output/manifest.json; "
                   "build again to finish", err=True)
        sys.exit(stop.code if isinstance(stop, Stopped) else 130)
    finally:
        signal.signal(signal.SIGTERM, previous)
        printer.close()
    errors, _ = _print_problems(summary.problems, arguments["strict"], echo=run.echo)
    for line in summary.lines():
        run.echo(line, timed=summary.seconds_text if line == summary.counts else None)
    return None if summary.failed or errors else summary
