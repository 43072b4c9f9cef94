"""Plan, render, verify and publish: incremental, parallel, atomic, with a manifest."""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import filelock

from . import __version__
from .config import Project, load_project
from .errors import HandoutsError, Problem, SourceError, VerifyError
from .layouts import Layout, load_layout
from .library import write_index
from .model import Handout, handout_slugs, load_handout

MANIFEST = "manifest.json"


@dataclasses.dataclass(frozen=True)
class Target:
    """One PDF to make: a handout in a language and a layout."""

    slug: str
    lang: str  # for a bilingual layout: the first language, whose part comes first
    layout: str
    default_layout: str
    bilingual: bool = False

    @property
    def path(self) -> str:
        """Where it goes, relative to output/: en/vertebroplasty.pdf, en/vertebroplasty.a4.pdf,
        bilingual/vertebroplasty.pdf."""
        if self.bilingual:
            return f"{self.layout}/{self.slug}.pdf"
        suffix = "" if self.layout == self.default_layout else f".{self.layout}"
        return f"{self.lang}/{self.slug}{suffix}.pdf"


@dataclasses.dataclass
class Outcome:
    target: Target
    status: str  # built, skipped, failed
    message: str = ""
    entry: dict[str, Any] | None = None
    seconds: float = 0.0


@dataclasses.dataclass
class Summary:
    outcomes: list[Outcome]
    problems: list[Problem]
    seconds: float
    pruned: list[str] = dataclasses.field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0 or any(not p.warning for p in self.problems)


def _digest_files(hasher: Any, root: Path, files: Iterable[Path]) -> None:
    for file in files:
        hasher.update(str(file.relative_to(root)).encode() + b"\0")
        hasher.update(file.read_bytes())
        hasher.update(b"\0")


def _code_files() -> list[Path]:
    return sorted(Path(__file__).parent.glob("*.py"))


def input_digest(project: Project, target: Target, layout: Layout, shared: str) -> str:
    """Everything that can change the target's bytes: its sources, layout, fonts, code versions."""
    hasher = hashlib.sha256(shared.encode())
    folder = project.handouts_dir / target.slug
    # Every file of the handout: the other languages' files matter too (the "also available in"
    # line, bilingual documents).
    _digest_files(hasher, project.root, sorted(p for p in folder.iterdir() if p.is_file()))
    _digest_files(hasher, project.root, layout.files())
    if layout.imposes:
        _digest_files(hasher, project.root, load_layout(project.layouts_dir, layout.imposes).files())
    hasher.update(f"{target.path}\0{target.lang}".encode())  # a bilingual PDF's order depends on its first language
    return hasher.hexdigest()


def shared_digest(project: Project) -> str:
    """Inputs shared by every target: config, base layout files, fonts, pipeline and WeasyPrint."""
    from importlib.metadata import version

    # Every package whose version can change a PDF's bytes.
    packages = ("weasyprint", "pydyf", "fonttools", "pyphen", "pypdf", "markdown-it-py", "mdit-py-plugins",
                "jinja2", "babel", "segno")
    hasher = hashlib.sha256("\0".join([__version__] + [version(name) for name in packages]).encode())
    shared = [project.root / "handouts.yml"]
    shared += sorted(p for p in project.layouts_dir.iterdir() if p.is_file())
    shared += sorted((project.layouts_dir / "locales").glob("*"))
    shared += sorted(p for p in project.fonts_dir.iterdir() if p.is_file())
    _digest_files(hasher, project.root, shared)
    _digest_files(hasher, Path(__file__).parent, _code_files())
    return hasher.hexdigest()


def read_manifest(output: Path) -> dict[str, Any]:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and isinstance(data.get("outputs"), dict) else {"outputs": {}}
    except (OSError, ValueError):
        return {"outputs": {}}


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); outputs are for sharing, as any new file would be.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


# Per-process warm state: the renderer (fonts, parsed CSS) and loaded sources, reused across targets.
_state: dict[str, Any] = {}


def _worker_init(root: str) -> None:
    project = load_project(Path(root))
    _state.clear()
    _state["project"] = project
    _renderer()  # fonts and CSS, once per worker


def _renderer() -> Any:
    """This process's warm renderer for the project; a new one when fonts/ changed (watch mode)."""
    from .pdf import Renderer, files_signature

    project = _state["project"]
    key = ("renderer", project.root)
    if key not in _state or _state[key].fonts != files_signature(project.fonts_dir):
        _state[key] = Renderer(project)
    return _state[key]


def make_target(target: Target, digest: str) -> Outcome:
    """Render, verify and publish one target (runs in a worker)."""
    from .html import labels, render_html
    from .impose import impose, saddle_stitch_order
    from .verify import Expect, verify_pdf

    start = time.perf_counter()
    project: Project = _state["project"]
    out = project.output_dir / target.path
    identifier = bytes.fromhex(digest[:32])  # the PDF /ID: equal inputs, equal bytes
    try:
        handout, problems = load_handout(project, target.slug)
        if handout is None:
            raise SourceError([p for p in problems if not p.warning])
        layout = load_layout(project.layouts_dir, target.layout)
        # A booklet is the letter edition, imposed: render that layout first.
        render_layout = load_layout(project.layouts_dir, layout.imposes) if layout.imposes else layout
        rendered, problems = render_html(project, handout, target.lang, render_layout)
        if rendered is None:
            raise SourceError([p for p in problems if not p.warning])
        source = handout.versions[target.lang].file
        pdf = _renderer().render(rendered.html, render_layout, handout.folder, source, identifier)
        expect = Expect.of(rendered)
        report = verify_pdf(pdf, expect, project.fonts_dir, target.path)
        if not report.ok:
            kept = " (the previous file is kept)" if out.exists() else ""
            raise VerifyError(f"{source}: the PDF failed verification and was not published{kept}:\n    "
                                + "\n    ".join(report.findings))
        if layout.imposes:
            accessible = Target(target.slug, target.lang, layout.imposes, target.default_layout).path
            pdf = impose(pdf, rendered.title, labels(project.layouts_dir, target.lang)["print_only"].format(
                path=f"output/{accessible}"), identifier)
        atomic_write(out, pdf)
    except HandoutsError as error:
        return Outcome(target, "failed", error.format_message(), seconds=time.perf_counter() - start)
    entry = {
        "path": target.path, "handout": target.slug, "lang": target.lang, "layout": target.layout,
        "languages": [target.lang] + ([v for v in handout.versions if v != target.lang] if layout.bilingual else []),
        "sha256": hashlib.sha256(pdf).hexdigest(), "bytes": len(pdf),
        "pages": len(saddle_stitch_order(report.pages)) if layout.imposes else report.pages,
        "input_digest": digest, "pdfua": layout.pdfua,
        # A print-only edition is verified before imposition: the result says so.
        "verify": "pass" if layout.pdfua else f"pass before imposition ({layout.imposes})",
        "translation": "stale" if any(v.stale for v in handout.versions.values()
                                      if v.lang == target.lang or layout.bilingual) else "current",
        "number": handout.meta.number, "title": rendered.title,
        "revised": handout.versions[target.lang].front.revised.isoformat(),
    }
    return Outcome(target, "built", entry=entry, seconds=time.perf_counter() - start)


def plan(project: Project, slugs: list[str], langs: list[str], layouts: dict[str, Layout],
         handouts: dict[str, Handout]) -> list[Target]:
    targets = []
    for slug in slugs:
        handout = handouts.get(slug)
        if handout is None:
            continue
        for lang in langs:
            if lang not in handout.versions:
                continue
            for name in layouts:
                bilingual = layouts[name].bilingual
                if bilingual and lang != langs[0]:
                    continue  # one bilingual document per handout
                targets.append(Target(slug, lang, name, project.config.layout, bilingual))
    return targets



def check(project: Project, slugs: list[str], today: dt.date | None = None) -> tuple[dict[str, Handout], list[Problem]]:
    """Read and validate every selected handout (no PDF rendering, no WeasyPrint); collect every problem.

    Reviews are judged overdue against `today` (default: the real date)."""
    handouts, problems = load_all(project, slugs, today)
    checked, found = check_bodies(project, handouts)
    return checked, problems + found


def load_all(project: Project, slugs: list[str], today: dt.date | None = None) -> tuple[dict[str, Handout], list[Problem]]:
    """Every selected handout's metadata and front matter, validated (the bodies are not parsed)."""
    handouts: dict[str, Handout] = {}
    problems: list[Problem] = []
    for slug in slugs:
        handout, found = load_handout(project, slug, today=today)
        problems += found
        if handout is not None:
            handouts[slug] = handout
    return handouts, problems


def check_bodies(project: Project, handouts: dict[str, Handout]) -> tuple[dict[str, Handout], list[Problem]]:
    """Parse and check every body, and compare the languages' structure; keep the handouts without errors."""
    from .html import labels
    from .markdown import render_body
    from .tracking import parity_problems

    checked: dict[str, Handout] = {}
    problems: list[Problem] = []
    for slug, handout in handouts.items():
        bodies = {}
        for lang, version in handout.versions.items():
            body, found = render_body(handout, version, labels(project.layouts_dir, lang),
                                      project.config.typography.fr)
            problems += found
            if body is not None:
                bodies[lang] = body
        problems += parity_problems(handout, bodies)
        if len(bodies) == len(handout.versions):
            checked[slug] = handout
    return checked, problems


class Progress:
    """What a build tells its caller as it goes (the CLI prints it; tests may collect it)."""

    def start(self, total: int) -> None:
        """`total` targets are to be built (the rest are up to date)."""

    def done(self, outcome: Outcome) -> None:
        """A target was built, skipped or failed."""


def in_shard(target: Target, shard: tuple[int, int] | None) -> bool:
    """Whether `target` belongs to shard K of N: decided by its path alone, so every runner agrees
    and a target stays in its shard as the corpus grows."""
    if shard is None:
        return True
    index, count = shard
    return int(hashlib.sha256(target.path.encode()).hexdigest(), 16) % count == index - 1


def build(project: Project, slugs: list[str], langs: list[str], layouts: list[str], jobs: int = 1,
          force: bool = False, progress: Progress | None = None, shard: tuple[int, int] | None = None,
          prune: bool = False) -> Summary:
    """Build the selected targets into output/, skipping those already up to date.

    Everything is checked before anything is rendered; a handout with errors is not built but
    the others are."""
    start = time.perf_counter()
    progress = progress or Progress()
    handouts, problems = load_all(project, slugs)
    loaded = {name: load_layout(project.layouts_dir, name) for name in layouts}
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
            else:
                todo.append((target, digest))
        # Workers start warming up (imports, fonts, CSS) while this process checks the bodies.
        with _workers(project, jobs if jobs > 1 and len(todo) > jobs else 0) as pool:
            # Bodies are checked where there is work to do: an up-to-date PDF's sources passed
            # these checks when it was built, and have not changed since.
            checked, found = check_bodies(project, {t.slug: handouts[t.slug] for t, _ in todo})
            problems += found
            todo = [(t, d) for t, d in todo if t.slug in checked]
            progress.start(len(todo))
            for outcome in outcomes:
                progress.done(outcome)
            for outcome in _run(project, todo, pool):
                outcomes.append(outcome)
                if outcome.entry:
                    entries[outcome.target.path] = outcome.entry
                progress.done(outcome)
        pruned = _prune(project, entries) if prune else []
        write_manifest(output / MANIFEST, entries)
        write_index(project)  # output/index.html, the handout library page (pipeline/library.py)
    return Summary(outcomes, problems, time.perf_counter() - start, pruned)


def _prune(project: Project, entries: dict[str, Any]) -> list[str]:
    """Remove the outputs of handouts that are no longer in handouts/."""
    existing = set(handout_slugs(project))
    gone = sorted(path for path, entry in entries.items() if entry.get("handout") not in existing)
    for path in gone:
        (project.output_dir / path).unlink(missing_ok=True)
        del entries[path]
    return gone


def write_manifest(path: Path, entries: dict[str, Any]) -> None:
    atomic_write(path, (json.dumps({"version": 1, "outputs": dict(sorted(entries.items()))},
                                   indent=2, ensure_ascii=False) + "\n").encode())


def merge_manifests(paths: list[Path]) -> dict[str, Any]:
    """The union of several shards' manifests; the same output with different bytes is an error."""
    merged: dict[str, Any] = {}
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            outputs = data["outputs"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise HandoutsError(f"{path}: not a handouts manifest ({error})") from None
        for key, entry in outputs.items():
            if key in merged and merged[key].get("sha256") != entry.get("sha256"):
                raise HandoutsError(f"{path}: {key} differs from the one in an earlier manifest "
                                    "(were the shards built from the same sources?)")
            merged[key] = entry
    return merged


@contextlib.contextmanager
def _workers(project: Project, count: int) -> Iterator[concurrent.futures.ProcessPoolExecutor | None]:
    """`count` warm worker processes (none: render in this process, cheaper for a handful of PDFs).

    Workers come from a fresh server process that has imported WeasyPrint but never rendered:
    a process that has rendered holds fontconfig/Pango state that deadlocks in a forked child."""
    if count == 0:
        yield None
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "pipeline.tagging"])
    with concurrent.futures.ProcessPoolExecutor(max_workers=count, initializer=_worker_init,
                                                initargs=(str(project.root),), mp_context=context) as pool:
        for _ in range(count):
            pool.submit(int)  # start every worker now, not at the first target
        yield pool


def _run(project: Project, todo: list[tuple[Target, str]],
         pool: concurrent.futures.ProcessPoolExecutor | None) -> Iterable[Outcome]:
    if pool is None:
        _state["project"] = project
        for target, digest in todo:
            yield make_target(target, digest)
        return
    futures = [pool.submit(make_target, target, digest) for target, digest in todo]
    for future in concurrent.futures.as_completed(futures):
        yield future.result()
