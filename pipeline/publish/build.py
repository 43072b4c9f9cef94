"""Selected handouts → every target built or skipped, the manifest and the library page updated."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import filelock

from ..checks.run import check_all, check_bodies, load_all
from ..errors import Problem
from ..project.config import Project
from ..project.layouts import load_layout
from ..source.model import handout_slugs
from . import workers
from .budget import budget_problems
from .library import write_index
from .manifest import MANIFEST, read_manifest, sha256_file, write_manifest
from .plan import Target, in_shard, input_digest, plan, shared_digest
from .workers import Outcome


@dataclasses.dataclass
class Summary:
    """What a build did, and the problems found in the sources."""

    outcomes: list[Outcome]
    problems: list[Problem]
    seconds: float
    pruned: list[str] = dataclasses.field(default_factory=list)
    # --strict found problems (warnings included) and nothing was built.
    refused: bool = False

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> bool:
        return self.refused or self.count("failed") > 0 or any(not p.warning for p in self.problems)

    def lines(self) -> list[str]:
        """The end of a build for people: what was pruned, the counts, and what needs attention."""
        if self.refused:
            return [f"Nothing was built: {len(self.problems)} problem(s), and --strict treats warnings as errors."]
        lines = [f"pruned   {path}" for path in self.pruned]
        lines.append(f"{self.count('built')} built, {self.count('skipped')} skipped, {self.count('failed')} failed"
                     f" in {self.seconds:.1f} s")
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


def build(project: Project, slugs: list[str], langs: list[str], layouts: list[str], jobs: int = 1,
          force: bool = False, progress: Progress | None = None, shard: tuple[int, int] | None = None,
          prune: bool = False, strict: bool = False) -> Summary:
    """Build the selected targets into output/, skipping those already up to date.

    Everything is checked before anything is rendered; a handout with errors is not built but
    the others are. `strict`: every check `handouts check` makes runs first, and any problem,
    warnings included, means nothing is built."""
    start = time.perf_counter()
    if strict:
        checked = check_all(project, slugs)
        if checked.problems:
            return Summary([], checked.problems, time.perf_counter() - start, refused=True)
    progress = progress or Progress()
    handouts, problems = load_all(project, slugs)
    loaded = {name: load_layout(project.layouts_dir, name) for name in layouts}
    for name in list(loaded):
        # A booklet's metadata names its accessible edition: that one is built with it.
        source = loaded[name].imposes
        if source and source not in loaded:
            loaded[source] = load_layout(project.layouts_dir, source)
    targets = [t for t in plan(project, slugs, langs, loaded, handouts) if in_shard(t, shard)]
    output = project.output_dir
    output.mkdir(parents=True, exist_ok=True)
    # One build at a time per output folder: a second one waits rather than interleaving manifests.
    with filelock.FileLock(output / ".lock"):
        manifest = read_manifest(output)
        entries: dict[str, Any] = manifest["outputs"]
        shared = shared_digest(project)
        outcomes: list[Outcome] = []
        todo: list[tuple[Target, str]] = []
        for target in targets:
            digest = input_digest(project, target, loaded[target.layout], shared)
            previous = entries.get(target.path)
            if (not force and previous and previous.get("input_digest") == digest
                    and sha256_file(output / target.path) == previous.get("sha256")):
                outcomes.append(Outcome(target, "skipped", entry=previous))
                if not loaded[target.layout].imposes:  # what the build that made it found, said again
                    problems += budget_problems(project, handouts[target.slug], target.lang, target.layout, previous)
            else:
                todo.append((target, digest))
        # Workers start warming up (imports, fonts, CSS) while this process checks the bodies.
        with workers.pool(project, jobs if jobs > 1 and len(todo) > jobs else 0) as pool:
            # Bodies are checked where there is work to do: an up-to-date PDF's sources passed
            # these checks when it was built, and have not changed since.
            checked, found = check_bodies(project, {t.slug: handouts[t.slug] for t, _ in todo})
            problems += found
            todo = [(t, d) for t, d in todo if t.slug in checked]
            progress.start(len(todo))
            for outcome in outcomes:
                progress.done(outcome)
            for outcome in workers.run(project, todo, pool, strict):
                outcomes.append(outcome)
                problems += outcome.problems
                if outcome.entry:
                    entries[outcome.target.path] = outcome.entry
                progress.done(outcome)
        pruned = _prune(project, entries) if prune else []
        write_manifest(output / MANIFEST, entries)
        write_index(project)  # output/index.html, the handout library page (pipeline/publish/library.py)
    return Summary(outcomes, problems, time.perf_counter() - start, pruned)


def _prune(project: Project, entries: dict[str, Any]) -> list[str]:
    """Remove the outputs of handouts that are no longer in handouts/."""
    existing = set(handout_slugs(project))
    gone = sorted(path for path, entry in entries.items() if entry.get("handout") not in existing)
    for path in gone:
        (project.output_dir / path).unlink(missing_ok=True)
        del entries[path]
    return gone
