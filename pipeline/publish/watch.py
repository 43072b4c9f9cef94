"""File changes → rebuilds (`handouts watch`, and `handouts serve` on top of it): build once at start, then rebuild what each save affects; never exit on error.

What a change affects is decided by the build's digests: a handout's files rebuild that handout
(an English-only edit rebuilds no French output), a layout's files rebuild that layout's PDFs,
handouts.yml, locales and fonts rebuild everything that reads them. The edited language's web
page and default-layout PDF are built first. Each rebuild is stamped with the time, and an error
that goes away is reported as fixed.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..errors import HandoutsError
from ..project.config import load_project
from ..source.model import handout_slugs
from . import workers
from .build import WEB, Progress, build

Echo = Callable[[str, bool], None]  # (message, is_error)
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part", ".crdownload")


def _parts(root: Path, path: Path) -> tuple[str, ...] | None:
    try:
        parts = path.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return None
    if not parts or parts[-1].startswith(".") or parts[-1].endswith(IGNORED_SUFFIXES):
        return None
    return parts


def affected(root: Path, changes: Iterable[Path]) -> set[str] | None:
    """The handout slugs to rebuild for these changed paths; None means every handout
    (handouts.yml, a layout or a font changed: the digests then pick what to rebuild); an
    empty set means nothing to do."""
    slugs: set[str] = set()
    for path in changes:
        parts = _parts(root, path)
        if parts is None:
            continue
        if parts[0] == "handouts" and len(parts) >= 3:
            slugs.add(parts[1])
        elif parts == ("handouts.yml",) or parts[0] in ("layouts", "fonts"):
            return None
    return slugs


def edited(root: Path, changes: Iterable[Path]) -> set[tuple[str, str]]:
    """The (handout, language) of each edited language file: built before anything else."""
    found = set()
    for path in changes:
        parts = _parts(root, path)
        if parts and parts[0] == "handouts" and len(parts) == 3 and parts[2].endswith(".md"):
            found.add((parts[1], parts[2].removesuffix(".md")))
    return found


class Listener(Progress):
    """What serve learns from each build: a file is written, a build has finished."""

    def finished(self, paths: list[str], errors: list[str]) -> None:
        """A build ended: the library files it wrote, and every error that now stands."""


def _stamp() -> str:
    return time.strftime("[%H:%M:%S]")


class Rebuilder:
    """Builds for watch and serve, keeping one pool of warm workers, and remembers what failed
    so that it can say what was fixed."""

    def __init__(self, root: Path, echo: Echo, jobs: int = 1, pool: Any = None,
                 listener: Listener | None = None) -> None:
        self.root = root
        self.echo = echo
        self.jobs = jobs
        self.pool = pool
        self.listener = listener or Listener()
        self.failing: dict[str, tuple[str, str]] = {}  # where → (handout, message): what stands

    def __call__(self, slugs: set[str] | None, first: set[tuple[str, str]] | None = None,
                 reason: str = "") -> bool:
        """Build the given handouts (None: all) in every language, handouts.yml's layouts and the
        web edition; report, never raise."""
        errors: dict[str, tuple[str, str]] = {}  # where (a source file or an output) → (handout, message)
        written: list[str] = []
        try:
            project = load_project(self.root)
            known = handout_slugs(project)
            selected = known if slugs is None else sorted(s for s in slugs if s in known)
            if not selected:
                return True
            self.echo(f"{_stamp()} {reason + ': ' if reason else ''}building {', '.join(selected)}", False)
            summary = build(project, selected, list(project.config.languages), [*project.config.layouts, WEB],
                            jobs=self.jobs, progress=self._progress(), pool=self.pool, first=first)
            written = summary.site
            for outcome in summary.outcomes:
                if outcome.status == "failed":
                    errors[outcome.target.path] = (outcome.target.slug,
                                                   f"failed   {outcome.target.path}: {outcome.message}")
            for problem in summary.problems:
                parts = Path(problem.file).parts
                if not problem.warning:
                    errors.setdefault(str(problem.file), (parts[1] if len(parts) > 2 else "", f"error: {problem}"))
                self.echo(f"{'warning' if problem.warning else 'error'}: {problem}", not problem.warning)
            self.echo(f"{_stamp()} {summary.count('built')} built, {summary.count('skipped')} up to date, "
                      f"{summary.count('failed')} failed in {summary.seconds:.1f} s; watching for changes", False)
        except HandoutsError as error:
            errors["handouts.yml"] = ("", f"error: {error.format_message()}")
            self.echo(errors["handouts.yml"][1], True)
            selected = []
        except Exception as error:  # a watcher must survive anything a save can cause
            errors["build"] = ("", f"error: unexpected failure while rebuilding ({type(error).__name__}: {error}); "
                                   "fix the last change, or run 'handouts build' to see more")
            self.echo(errors["build"][1], True)
            selected = []
        self._settle(errors, set(selected))
        self.listener.finished(written, [message for _, message in self.failing.values()])
        return not errors

    def _progress(self) -> Progress:
        echo, listener = self.echo, self.listener

        class Report(Progress):
            def done(self, outcome: workers.Outcome) -> None:
                if outcome.status == "failed":
                    echo(f"failed   {outcome.target.path}: {outcome.message}", True)
                elif outcome.status == "built":
                    echo(f"rebuilt  {outcome.target.path}  ({outcome.seconds:.1f} s)", False)
                listener.done(outcome)

        return Report()

    def _settle(self, errors: dict[str, tuple[str, str]], built: set[str]) -> None:
        """An error is fixed when a build that would have met it again did not: a build of its
        handout, or any build that got going for an error of the whole project."""
        for where, (slug, _) in list(self.failing.items()):
            if where not in errors and (slug in built or (not slug and built)):
                del self.failing[where]
                self.echo(f"{_stamp()} fixed    {where}", False)
        self.failing.update(errors)


def watch(root: Path, echo: Echo, stop_event: threading.Event | None = None, jobs: int | None = None,
          debounce_ms: int = 300, listener: Listener | None = None) -> None:
    """Build everything once, then watch the project's sources and rebuild what each change
    affects, until stopped."""
    import watchfiles

    jobs = jobs or os.cpu_count() or 1
    root = root.resolve()
    project = load_project(root)
    # One pool for the whole session: its workers stay warm between saves.
    with workers.pool(project, jobs if jobs > 1 else 0) as pool:
        rebuild = Rebuilder(root, echo, jobs, pool, listener)
        rebuild(None, reason="start")
        echo(f"watching {root} (handouts/, layouts/, fonts/, handouts.yml); press Ctrl+C to stop", False)
        # Only the sources: watching the whole folder would also watch .venv/ and output/.
        paths = [p for p in (root / "handouts", root / "layouts", root / "fonts", root / "handouts.yml") if p.exists()]
        for changes in watchfiles.watch(*paths, watch_filter=_filter(root), stop_event=stop_event,
                                        debounce=debounce_ms, step=50, raise_interrupt=False, rust_timeout=1000,
                                        yield_on_timeout=False):
            changed = [Path(path) for _, path in changes]
            slugs = affected(root, changed)
            if slugs is None or slugs:
                names = sorted({p.resolve().relative_to(root).as_posix() for p in changed
                                if _parts(root, p) is not None})
                shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
                rebuild(slugs, edited(root, changed), f"{shown} changed")


def _filter(root: Path) -> Callable[[object, str], bool]:
    root = root.resolve()
    watched = [root / "handouts", root / "layouts", root / "fonts"]

    def keep(change: object, path: str) -> bool:
        file = Path(path)
        if file == root / "handouts.yml":
            return True
        return any(file.is_relative_to(folder) for folder in watched) and not file.name.startswith(".")

    return keep
