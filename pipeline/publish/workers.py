"""Targets → published files (verified PDFs, HTML editions, the site's shared files), in this process or in warm worker processes."""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import hashlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import HandoutsError, OutputError, Problem, RenderError, SourceError, VerifyError, time_limit
from ..project.config import Project, load_project
from ..project.layouts import PAPERS, load_layout
from ..project.locales import labels
from ..source.meta import review_history
from ..source.model import Handout, load_handout, page_budget
from .budget import booklet_fields, budget_problems, print_fields
from .manifest import publish
from .plan import HTML, SITE, Target


@dataclasses.dataclass
class Outcome:
    target: Target
    status: str  # built, skipped, failed
    message: str = ""
    entry: dict[str, Any] | None = None
    seconds: float = 0.0
    # Warnings about the built PDF (its page budget), for the build's summary.
    problems: list[Problem] = dataclasses.field(default_factory=list)


# The longest one target may take (README "Limits and safety"): a PDF takes 1 to 3 s; a source
# that would take minutes fails alone, and the rest of the batch builds.
SECONDS_PER_TARGET = 90


# Per-process warm state: the renderer (fonts, parsed CSS) and loaded sources, reused across targets.
_state: dict[str, Any] = {}


def _worker_init(root: str, parent: int) -> None:
    # The build's own process decides when to stop (Ctrl-C reaches the whole process group), and a
    # worker whose build was killed outright (kill -9) exits instead of rendering on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)  # stopped by the build: clean up the file being written
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    _state["parent"] = parent
    _state["project"] = load_project(Path(root))
    _state["config"] = _config_stamp(Path(root))
    _renderer()  # fonts and CSS, once per worker


class _Terminated(BaseException):
    """The build stopped this worker (SIGTERM): unwind, so the file being written is removed."""


def _terminated(signum: int, frame: Any) -> None:
    if not _state.get("busy"):
        os._exit(143)  # between targets: nothing to clean up
    raise _Terminated


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch(parent: int) -> None:
    while _alive(parent):
        time.sleep(0.5)
    os._exit(1)


def _publish(path: Path, data: bytes) -> None:
    """Publish an output, unless the build that asked for it is gone: its manifest would never list it."""
    parent = _state.get("parent")
    if parent is not None and not _alive(parent):
        os._exit(1)
    publish(path, data)


def _config_stamp(root: Path) -> tuple[int, int]:
    info = (root / "handouts.yml").stat()
    return info.st_mtime_ns, info.st_size


def _project() -> Project:
    """This process's project; read again when handouts.yml changed (a pool kept by watch or serve)."""
    project: Project = _state["project"]
    if "config" in _state:
        stamp = _config_stamp(project.root)
        if stamp != _state["config"]:
            _state["project"], _state["config"] = load_project(project.root), stamp
    return _state["project"]


def _renderer() -> Any:
    """This process's warm renderer for the project; a new one when fonts/ changed (watch mode)."""
    from ..render.pdf import Renderer, files_signature

    project = _project()
    key = ("renderer", project.root)
    if key not in _state or _state[key].fonts != files_signature(project.fonts_dir):
        _state[key] = Renderer(project)
    return _state[key]


def make_target(target: Target, digest: str, strict: bool = False) -> Outcome:
    """Make and publish one target (runs in a worker). `strict`: a PDF over its page budget, or
    with a nearly empty last page, fails and is not published."""
    _state["busy"] = True
    try:
        return _make_target(target, digest, strict)
    except _Terminated:
        os._exit(143)  # the pool would catch any exception and carry on: leave at once, cleaned up
    finally:
        _state["busy"] = False


def _make_target(target: Target, digest: str, strict: bool) -> Outcome:
    start = time.perf_counter()
    found: list[Problem] = []
    try:
        with time_limit(SECONDS_PER_TARGET, lambda: RenderError(
                f"{target.path}: stopped after {SECONDS_PER_TARGET:g} s, the limit for one output (look for a "
                "runaway source: thousands of list items, a picture that draws without end)")):
            project = _project()
            if target.kind == SITE:
                entry = _make_site(project, target, digest)
            else:
                handout, problems = load_handout(project, target.slug)
                if handout is None:
                    raise SourceError([p for p in problems if not p.warning])
                if target.kind == HTML:
                    entry = _make_page(project, handout, target, digest)
                else:
                    entry, found = _make_pdf(project, handout, target, digest, strict)
    except HandoutsError as error:
        return Outcome(target, "failed", error.format_message(), seconds=time.perf_counter() - start)
    except OSError as error:  # writing it: a full disk, a folder where the PDF goes
        return Outcome(target, "failed", OutputError.of(error).format_message(), seconds=time.perf_counter() - start)
    return Outcome(target, "built", entry=entry, seconds=time.perf_counter() - start, problems=found)


def _describe(handout: Handout, target: Target, languages: list[str], title: str, data: bytes, digest: str) -> dict[str, Any]:
    """The manifest entry fields every output of a handout has."""
    return {
        "path": target.path, "kind": target.kind, "handout": target.slug, "lang": target.lang,
        "layout": target.layout, "languages": languages,
        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "input_digest": digest,
        "translation": "stale" if any(handout.versions[lang].stale for lang in languages) else "current",
        "number": handout.meta.number, "title": title,
        "revised": handout.versions[target.lang].front.revised.isoformat(),
        "reviews": review_history(handout),
    }


def _make_page(project: Project, handout: Handout, target: Target, digest: str) -> dict[str, Any]:
    """A handout's HTML edition, with the images it shows copied beside it."""
    from ..web.page import render_page

    layouts = [load_layout(project.layouts_dir, name) for name in project.config.layouts]
    page, problems = render_page(project, handout, target.lang, layouts)
    if page is None:
        raise SourceError([p for p in problems if not p.warning])
    folder = target.path.rsplit("/", 1)[0]
    files = {}
    for image in page.images:
        data = (handout.folder / image).read_bytes()
        files[f"{folder}/{image}"] = hashlib.sha256(data).hexdigest()
        _publish(project.output_dir / folder / image, data)
    html = page.html.encode()
    _publish(project.output_dir / target.path, html)
    return {**_describe(handout, target, [target.lang], page.title, html, digest), "files": files}


def _make_site(project: Project, target: Target, digest: str) -> dict[str, Any]:
    """The files every page of the site shares."""
    from ..web.site import site_files

    files = site_files(project)
    main = files.pop(target.path)
    for name, data in files.items():
        _publish(project.output_dir / name, data)
    _publish(project.output_dir / target.path, main)
    return {"path": target.path, "kind": SITE, "sha256": hashlib.sha256(main).hexdigest(), "bytes": len(main),
            "input_digest": digest, "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}}


def _make_pdf(project: Project, handout: Handout, target: Target, digest: str,
              strict: bool) -> tuple[dict[str, Any], list[Problem]]:
    """Render, verify and publish one PDF; the page-budget warnings about it."""
    from ..render.fit import Goal
    from ..render.html import render_html
    from ..render.impose import impose, saddle_stitch_order
    from ..verify import Expect, verify_pdf

    out = project.output_dir / target.path
    identifier = bytes.fromhex(digest[:32])  # the PDF /ID: equal inputs, equal bytes
    layout = load_layout(project.layouts_dir, target.layout)
    # A booklet is another layout's pages, imposed: render that layout first.
    render_layout = load_layout(project.layouts_dir, layout.imposes) if layout.imposes else layout
    rendered, problems = render_html(project, handout, target.lang, render_layout)
    if rendered is None:
        raise SourceError([p for p in problems if not p.warning])
    source = handout.versions[target.lang].file
    budget = page_budget(project, handout, render_layout.name)
    typeset = _renderer().typeset(rendered.html, render_layout, handout.folder, source, identifier,
                                 Goal(budget, project.config.last_page_fill))
    pdf = typeset.pdf
    report = verify_pdf(pdf, Expect.of(rendered), project.fonts_dir, target.path)
    if not report.ok:
        kept = " (the previous file is kept)" if out.exists() else ""
        raise VerifyError(f"{source}: the PDF failed verification and was not published{kept}:\n    "
                            + "\n    ".join(report.findings))
    printing = print_fields(typeset.pages, render_layout.duplex, budget, typeset.fill, typeset.steps)
    languages = [target.lang] + ([v for v in handout.versions if v != target.lang] if layout.bilingual else [])
    # A booklet's pages are reported once, by the target of the layout they are made in.
    found = [] if layout.imposes else budget_problems(project, handout, target.lang, target.layout,
                                                      {**printing, "languages": languages})
    if strict and found:
        kept = " (the previous file is kept)" if out.exists() else ""
        raise HandoutsError(f"not published{kept}, --strict: " + "; ".join(str(p) for p in found))
    if layout.imposes:
        accessible = Target(target.slug, target.lang, layout.imposes, target.default_layout).path
        width, height = PAPERS[layout.sheet_paper(project.paper)][1]
        sheet = (height, width) if layout.orientation == "landscape" else (width, height)
        pdf = impose(pdf, sheet, rendered.title, labels(project.layouts_dir, target.lang)["print_only"].format(
            path=f"output/{accessible}"), identifier)
        printing.update(booklet_fields(typeset.pages, len(saddle_stitch_order(typeset.pages))))
    _publish(out, pdf)
    return {
        **_describe(handout, target, languages, rendered.title, pdf, digest),
        **printing,
        "pdfua": layout.pdfua,
        # A print-only edition is verified before imposition: the result says so.
        "verify": "pass" if layout.pdfua else f"pass before imposition ({layout.imposes})",
    }, found


@contextlib.contextmanager
def pool(project: Project, count: int) -> Iterator[concurrent.futures.ProcessPoolExecutor | None]:
    """`count` warm worker processes (none: render in this process, cheaper for a handful of PDFs).

    Workers come from a fresh server process that has imported WeasyPrint but never rendered:
    a process that has rendered holds fontconfig/Pango state that deadlocks in a forked child."""
    if count == 0:
        yield None
        return
    # The fork server is `python -c ...`, which puts the current folder first on sys.path (Python
    # 3.11 ignores the sys.path it is given): a `pipeline/` folder there (another checkout) would
    # render with other code than the digests describe. PYTHONSAFEPATH keeps it off.
    os.environ["PYTHONSAFEPATH"] = "1"
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "pipeline.render.tagging"])
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=count, initializer=_worker_init,
                                                  initargs=(str(project.root), os.getpid()), mp_context=context)
    try:
        for _ in range(count):
            pool.submit(int)  # start every worker now, not at the first target
        yield pool
    except BaseException:
        # Stopping (Ctrl-C, SIGTERM, an error): do not wait for the PDFs being rendered.
        processes = list((pool._processes or {}).values())  # no public way before Python 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:  # each removes the file it was writing (_terminated) before it goes
            process.join(timeout=5)
        raise
    pool.shutdown(wait=True)


def run(project: Project, todo: list[tuple[Target, str]],
         pool: concurrent.futures.ProcessPoolExecutor | None, strict: bool = False) -> Iterable[Outcome]:
    if pool is None:
        _state["project"] = project
        _state.pop("config", None)
        for target, digest in todo:
            yield make_target(target, digest, strict)
        return
    futures = [pool.submit(make_target, target, digest, strict) for target, digest in todo]
    for future in concurrent.futures.as_completed(futures):
        yield future.result()


def expectation(project: Project, entry: dict[str, Any]) -> Any:
    """What the sources say a PDF listed in the manifest must contain (a verify Expect), or None
    when its handout can no longer be read."""
    from ..render.html import render_html
    from ..verify import Expect

    handout, _ = load_handout(project, entry["handout"])
    if handout is None or entry["lang"] not in handout.versions:
        return None
    rendered, _ = render_html(project, handout, entry["lang"], load_layout(project.layouts_dir, entry["layout"]))
    if rendered is None:
        return None
    return Expect.of(rendered)
