"""File changes → rebuilds (`handouts watch`): rebuild what changed as files are saved, never exit on error."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import HandoutsError
from ..project.config import load_project
from ..source.model import handout_slugs
from .build import build

Echo = Callable[[str, bool], None]  # (message, is_error)


def affected(root: Path, changes: Iterable[Path]) -> set[str] | None:
    """The handout slugs to rebuild for these changed paths; None means every handout
    (handouts.yml, a layout or a font changed); an empty set means nothing to do."""
    slugs: set[str] = set()
    for path in changes:
        try:
            parts = path.resolve().relative_to(root.resolve()).parts
        except ValueError:
            continue
        if not parts or parts[-1].startswith(".") or parts[-1].endswith(("~", ".swp", ".tmp")):
            continue
        if parts[0] == "handouts" and len(parts) >= 3:
            slugs.add(parts[1])
        elif parts == ("handouts.yml",) or parts[0] in ("layouts", "fonts"):
            return None
    return slugs


def _filter(root: Path) -> Callable[[object, str], bool]:
    root = root.resolve()
    watched = [root / "handouts", root / "layouts", root / "fonts"]

    def keep(change: object, path: str) -> bool:
        file = Path(path)
        if file == root / "handouts.yml":
            return True
        return any(file.is_relative_to(folder) for folder in watched) and not file.name.startswith(".")

    return keep


def rebuild(root: Path, slugs: set[str] | None, echo: Echo, jobs: int = 1) -> bool:
    """Build the given handouts (None: all) in every language and in handouts.yml's layouts; report, never raise."""
    try:
        project = load_project(root)
        known = handout_slugs(project)
        selected = known if slugs is None else sorted(s for s in slugs if s in known)
        if not selected:
            return True
        echo(f"rebuilding {', '.join(selected)}", False)
        summary = build(project, selected, list(project.config.languages), list(project.config.layouts), jobs=jobs)
        for outcome in summary.outcomes:
            if outcome.status == "failed":
                echo(f"failed   {outcome.target.path}: {outcome.message}", True)
            elif outcome.status == "built":
                echo(f"rebuilt  {outcome.target.path}  ({outcome.seconds:.1f} s)", False)
        for problem in summary.problems:
            echo(f"{'warning' if problem.warning else 'error'}: {problem}", not problem.warning)
        echo(f"{summary.count('built')} built, {summary.count('skipped')} up to date, "
             f"{summary.count('failed')} failed; watching for changes", False)
        return not summary.failed
    except HandoutsError as error:
        echo(f"error: {error.format_message()}", True)
    except Exception as error:  # a watcher must survive anything a save can cause
        echo(f"error: unexpected failure while rebuilding ({type(error).__name__}: {error}); "
             "fix the last change, or run 'handouts build' to see more", True)
    return False


def watch(root: Path, echo: Echo, stop_event: threading.Event | None = None, jobs: int | None = None,
          debounce_ms: int = 300) -> None:
    """Watch the project's sources and rebuild the handouts whose files change, until stopped."""
    import watchfiles

    jobs = jobs or os.cpu_count() or 1
    echo(f"watching {root} (handouts/, layouts/, fonts/, handouts.yml); press Ctrl+C to stop", False)
    root = root.resolve()
    # Only the sources: watching the whole folder would also watch .venv/ and output/.
    paths = [p for p in (root / "handouts", root / "layouts", root / "fonts", root / "handouts.yml") if p.exists()]
    for changes in watchfiles.watch(*paths, watch_filter=_filter(root), stop_event=stop_event, debounce=debounce_ms,
                                    step=50, raise_interrupt=False, rust_timeout=1000, yield_on_timeout=False):
        slugs = affected(root, (Path(path) for _, path in changes))
        if slugs is None or slugs:
            rebuild(root, slugs, echo, jobs)
