"""Selected handouts → every target built or skipped, the manifest and the library site updated.

A target is up to date when its input digest is the one in the manifest and its files are
intact. Both are decided stat first (publish/state.py): a no-op build reads no source, no output
and no handout that has not changed since the last build.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import filelock

from ..errors import OutputError, Problem
from ..project.config import Project
from ..project.layouts import load_layout
from ..render.stylesheets import stylesheet_problems
from ..source.model import handout_slugs, stray_folders
from . import workers
from .budget import budget_problems, flagged
from .catalog import Catalog
from .library import write_site
from .manifest import MANIFEST, Inside, read_manifest, settle_previous, write_manifest
from .plan import HTML, PDF, SITE, Digests, Target, in_shard, plan
from .state import Files, State
from .workers import Outcome

WEB = "web"  # --layout web: the HTML editions (and the site's shared files)


@dataclasses.dataclass
class Summary:
    """What a build did, and the problems found in the sources."""

    outcomes: list[Outcome]
    problems: list[Problem]
    seconds: float
    pruned: list[str] = dataclasses.field(default_factory=list)
    # --strict found problems (warnings included) and nothing was built.
    refused: bool = False
    # The library site's files this build wrote (it writes them when what they show changed).
    site: list[str] = dataclasses.field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> bool:
        return self.refused or self.count("failed") > 0 or any(not p.warning for p in self.problems)

    @property
    def seconds_text(self) -> str:
        return f"{self.seconds:.1f} s"

    @property
    def counts(self) -> str:
        """What was built, skipped and failed, and how long it took."""
        return (f"{self.count('built')} built, {self.count('skipped')} skipped, {self.count('failed')} failed"
                f" in {self.seconds_text}")

    def lines(self) -> list[str]:
        """The end of a build for people: what was pruned, the counts, and what needs attention."""
        if self.refused:
            return [f"Nothing was built: {len(self.problems)} problem(s), and --strict treats warnings as errors."]
        lines = [f"pruned   {path}" for path in self.pruned]
        lines.append(self.counts)
        stale = sorted({o.target.path for o in self.outcomes if o.entry and o.entry.get("translation") == "stale"})
        missing = [str(p.file) for p in self.problems if p.kind == "missing-translation"]
        overdue = [Path(p.file).parent.name for p in self.problems if p.kind == "review-overdue"]
        for label, items in (("stale translations", stale), ("missing translations", missing),
                             ("overdue reviews", overdue)):
            if items:
                lines.append(f"{label}: {', '.join(items)}")
        return lines


class Progress:
    """What a build tells its caller as it goes (the CLI prints it; tests may collect it)."""

    def start(self, total: int) -> None:
        """`total` targets are to be built (the rest are up to date)."""

    def done(self, outcome: Outcome) -> None:
        """A target was built, skipped or failed."""

    def waiting(self, lock: Path) -> None:
        """Another build holds `lock` (the same output/): this one waits for it to finish."""


@contextlib.contextmanager
def _held(lock: filelock.FileLock, progress: Progress) -> Iterator[None]:
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        progress.waiting(Path(lock.lock_file))
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def _intact(output: Path, entry: dict[str, Any], files: Files) -> bool:
    """Whether an output and every file it brought along are the bytes the manifest records."""
    wanted = {entry["path"]: entry.get("sha256"), **(entry.get("files") or {})}
    folder = os.fspath(output)  # strings: a thousand handouts' outputs cost more as Path objects than as stats
    return all(files.sha(os.path.join(folder, path)) == digest for path, digest in wanted.items())


def _order(first: set[tuple[str, str]]):
    """Build order: the edited handout's language first (its web page, then its default-layout
    PDF), then every web page, every default-layout PDF and the rest."""
    def key(item: tuple[Target, str]) -> tuple[bool, int]:
        target = item[0]
        rank = 0 if target.kind == HTML else 1 if target.kind == PDF and target.layout == target.default_layout else 2
        return ((target.slug, target.lang) not in first, rank)
    return key


def _remove(output: Path, entry: dict[str, Any]) -> None:
    """Delete an output and the files it brought along, and the folders that leaves empty."""
    inside = Inside(output)
    for path in [entry.get("path", ""), *(entry.get("files") or {})]:
        file = inside.file(path)
        if file is None:
            continue
        file.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: other outputs are there
            for folder in file.parents:
                if folder == output.resolve():
                    break
                folder.rmdir()


def build(project: Project, slugs: list[str], langs: list[str], layouts: list[str], jobs: int = 1,
          force: bool = False, progress: Progress | None = None, shard: tuple[int, int] | None = None,
          prune: bool = False, strict: bool = False, pool: Any = None, first: set[tuple[str, str]] | None = None,
          today: dt.date | None = None) -> Summary:
    """Build the selected targets into output/, skipping those already up to date.

    `layouts` may include "web": the HTML editions. Everything is checked before anything is
    rendered; a handout with errors is not built but the others are. `strict`: every check
    `handouts check` makes runs first, and any problem, warnings included, means nothing is
    built. `pool`: warm workers to use (watch and serve keep theirs); `first`: the (handout,
    language) pairs to build before the rest."""
    start = time.perf_counter()
    if strict:
        from ..checks.run import check_all

        checked = check_all(project, slugs)
        if checked.problems:
            return Summary([], checked.problems, time.perf_counter() - start, refused=True)
    progress = progress or Progress()
    web = WEB in layouts
    loaded = {name: load_layout(project.layouts_dir, name) for name in layouts if name != WEB}
    for name in list(loaded):
        # A booklet's metadata names its accessible edition: that one is built with it.
        source = loaded[name].imposes
        if source and source not in loaded:
            loaded[source] = load_layout(project.layouts_dir, source)
    output = project.output_dir
    try:
        output.mkdir(parents=True, exist_ok=True)
        # One build at a time per output folder: a second one waits rather than interleaving manifests,
        # and says so rather than seeming to hang.
        with _held(filelock.FileLock(output / ".lock"), progress):
            entries: dict[str, Any] = read_manifest(output)["outputs"]
            settle_previous(output, entries)  # a build stopped by a crash or a full disk: files back to the manifest
            state = State.load(output)
            digests = Digests(project, state, loaded)
            catalog = Catalog(project, state, digests, today)
            languages = {slug: catalog.languages(slug) for slug in slugs}
            readable = {slug: langs_ for slug, langs_ in languages.items() if langs_ is not None}
            electronic = {slug: catalog.electronic(slug) for slug in readable}
            targets = [t for t in plan(project, slugs, langs, loaded, readable, web, electronic) if in_shard(t, shard)]
            changed = _withdraw(output, entries, slugs, electronic)
            outcomes: list[Outcome] = []
            again: list[Problem] = []
            todo: list[tuple[Target, str]] = []
            written: list[tuple[str, str]] = []
            for target in targets:
                digest = digests.target(target, catalog.stale_languages(target.slug))
                previous = entries.get(target.path)
                if (not force and previous and previous.get("input_digest") == digest
                        and _intact(output, previous, state.files)):
                    outcomes.append(Outcome(target, "skipped", entry=previous))
                    # What the build that made it found, said again (the source is read only then).
                    if target.kind == PDF and not loaded[target.layout].imposes and flagged(project, previous):
                        handout = catalog.handout(target.slug)
                        if handout is not None:
                            again += budget_problems(project, handout, target.lang, target.layout, previous)
                else:
                    todo.append((target, digest))
            todo.sort(key=_order(first or set()))
            count = jobs if jobs > 1 and len(todo) > jobs else 0
            # Workers start warming up (imports, fonts, CSS) while this process checks the bodies.
            with contextlib.nullcontext(pool) if pool is not None else workers.pool(project, count) as active:
                # Bodies are checked where there is work to do: an up-to-date output's sources passed
                # these checks when it was built, and have not changed since.
                good = catalog.check_bodies(sorted({t.slug for t, _ in todo if t.kind != SITE}))
                todo = [(t, d) for t, d in todo if t.kind == SITE or t.slug in good]
                # The layouts' stylesheets are checked when they will be used (they are inputs of every PDF).
                sheets = stylesheet_problems(project.layouts_dir) if any(t.kind == PDF for t, _ in todo) else []
                problems = stray_folders(project) + sheets + catalog.problems(slugs) + again
                progress.start(len(todo))
                for outcome in outcomes:
                    progress.done(outcome)
                try:
                    for outcome in workers.run(project, todo, active, strict):
                        outcomes.append(outcome)
                        problems += outcome.problems
                        if outcome.entry:
                            entries[outcome.target.path] = outcome.entry
                            changed = True
                            for path, digest in {outcome.entry["path"]: outcome.entry["sha256"],
                                                 **(outcome.entry.get("files") or {})}.items():
                                state.files.record(output / path, digest)
                                written.append((path, digest))
                        progress.done(outcome)
                except BaseException:
                    # Stopped early (Ctrl-C, a full disk): what was published is recorded all the same.
                    if changed:
                        with contextlib.suppress(OSError):
                            write_manifest(output / MANIFEST, entries)
                    with contextlib.suppress(OSError):
                        settle_previous(output)
                    raise
            pruned = _prune(project, entries) if prune else []
            try:
                if changed or pruned or not (output / MANIFEST).is_file():
                    write_manifest(output / MANIFEST, entries)
            except BaseException:
                settle_previous(output)  # not recorded: back to the previous files the manifest on disk lists
                raise
            if todo or changed or pruned:  # recorded: the previous versions are dropped
                settle_previous(output, entries)
                for path, digest in written:  # which moved the outputs' change times (one link fewer)
                    state.files.record(output / path, digest)
            site = write_site(project, entries, catalog, state)  # the library site (publish/library.py), when it changed
            state.save()
    except OSError as error:
        raise OutputError.of(error) from None
    return Summary(outcomes, problems, time.perf_counter() - start, pruned, site=site)


def _withdraw(output: Path, entries: dict[str, Any], slugs: list[str], electronic: dict[str, bool]) -> bool:
    """Remove the HTML editions of handouts whose license no longer permits electronic use (not
    of those that cannot be read just now: their last good files stay, as a failed PDF's do)."""
    gone = [path for path, entry in entries.items()
            if entry.get("kind") == HTML and entry.get("handout") in slugs and electronic.get(entry["handout"]) is False]
    for path in gone:
        _remove(output, entries.pop(path))
    return bool(gone)


def _prune(project: Project, entries: dict[str, Any]) -> list[str]:
    """Remove the outputs of handouts that are no longer in handouts/."""
    existing = set(handout_slugs(project))
    gone = sorted(path for path, entry in entries.items()
                  if entry.get("kind") != SITE and entry.get("handout") not in existing)
    for path in gone:
        _remove(project.output_dir, entries.pop(path))
    return gone
