"""HTML → PDF/UA-1 with WeasyPrint, sandboxed (only project files, only project fonts), copy-fitted
to its page budget in bounded steps, with the print dialog's duplex setting."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from ..errors import RenderError
from ..project.config import Project
from ..project.layouts import Layout
from .fit import Fill, Goal

# The print dialog's starting point for each layout.yml `duplex:` (PDF 1.7 ViewerPreferences).
DUPLEX = {"long-edge": "/DuplexFlipLongEdge", "short-edge": "/DuplexFlipShortEdge", "none": "/Simplex"}
_OPTIONS = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False}
# The most pages one PDF may have (README "Limits and safety"): the longest handouts run to 30 in
# large print; a runaway source (10,000 list items made 596 pages) fails alone.
MAX_PAGES = 120

_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""


def _only_project_fonts(fonts_dir: Path) -> None:
    """Point fontconfig at fonts/ alone, before WeasyPrint loads it, so no system font can slip in."""
    folder = Path(tempfile.gettempdir()) / f"handouts-fontconfig-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if info.st_uid != os.getuid() or not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022:
        folder = Path(tempfile.mkdtemp(prefix="handouts-fontconfig-"))  # not ours to trust: a private one
    conf = folder / f"{hashlib.sha256(str(fonts_dir.resolve()).encode()).hexdigest()[:16]}.conf"
    text = _FONTS_CONF.format(fonts=fonts_dir.resolve(), cache=folder / "cache")
    if not conf.is_file() or conf.read_text() != text:
        # Written whole, then renamed: parallel workers may be reading it.
        tmp = conf.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, conf)
    os.environ["FONTCONFIG_FILE"] = str(conf)


def files_signature(folder: Path, pattern: str = "*") -> tuple:
    """Names, sizes and times of the files under `folder`: changes when any of them does."""
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.rglob(pattern)) if p.is_file())


class _Capture(logging.Handler):
    """Collects WeasyPrint's log records during one render."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclasses.dataclass(frozen=True)
class Typeset:
    """A rendered handout: the PDF, how full its pages are, the copy-fitting steps it took and how
    many layouts it cost (1, or more when copy-fitting was tried)."""

    pdf: bytes
    fill: Fill
    steps: tuple[str, ...] = ()
    layouts: int = 1

    @property
    def pages(self) -> int:
        return self.fill.pages


def _print_preferences(duplex: str, pages: int) -> Any:
    """A WeasyPrint finisher: the duplex setting joins WeasyPrint's own ViewerPreferences
    (DisplayDocTitle), in the catalog it writes."""
    import pydyf

    def finish(document: Any, pdf: Any) -> None:
        preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
        preferences["Duplex"] = DUPLEX["none" if pages == 1 else duplex]
        pdf.catalog["ViewerPreferences"] = preferences

    return finish


class Renderer:
    """Warm WeasyPrint state for one project: font configuration, parsed layout CSS, fetchers."""

    def __init__(self, project: Project) -> None:
        _only_project_fonts(project.fonts_dir)
        from weasyprint.text.fonts import FontConfiguration

        from . import tagging, textlayer
        from .sandbox import SandboxFetcher

        tagging.install()
        textlayer.install()
        self.project = project
        self.font_config = FontConfiguration()
        self.fetcher = SandboxFetcher(project)
        # Layouts for copiers get their pictures in greys, converted as they are read.
        self.grey_fetcher = SandboxFetcher(project, greyscale=True)
        self.fonts = files_signature(project.fonts_dir)
        self._css: dict[tuple[str, tuple], list[Any]] = {}

    def stylesheets(self, layout: Layout, steps: tuple[str, ...] = ()) -> list[Any]:
        """The layout's parsed CSS (then each copy-fitting step's), parsed again when any CSS under
        layouts/ changed (watch mode)."""
        from weasyprint import CSS

        key = (layout.name, files_signature(self.project.layouts_dir, "*.css"))
        if key not in self._css:
            self._css = {k: v for k, v in self._css.items() if k[0] != layout.name}
            files = [layout.folder / name for name in layout.stylesheets] + [layout.fit_file(s) for s in layout.fit]
            self._css[key] = [CSS(url=file.resolve().as_uri(), url_fetcher=self.fetcher, font_config=self.font_config)
                              for file in files]
        own = len(layout.stylesheets)
        return self._css[key][:own] + [self._css[key][own + layout.fit.index(step)] for step in steps]

    def render(self, html: str, layout: Layout, base: Path, source: Path, identifier: bytes) -> bytes:
        """The PDF of one document, as it comes (no page budget)."""
        return self.typeset(html, layout, base, source, identifier).pdf

    def measure(self, html: str, layout: Layout, base: Path) -> Fill:
        """How full the pages of one document would be, without copy-fitting: laid out, no PDF written."""
        from .fit import measure

        return measure(self._layout(html, layout, base, ()))

    def typeset(self, html: str, layout: Layout, base: Path, source: Path, identifier: bytes,
                goal: Goal | None = None) -> Typeset:
        """Render one document; any WeasyPrint error, refused resource or foreign glyph fails it.

        With a `goal`, a document one page over budget or with a nearly empty last page is laid
        out again with the layout's copy-fitting steps (layout.yml `fit:`); the fewest steps that
        save a page are kept, or none."""
        from weasyprint.urls import FatalURLFetchingError

        from .fit import measure

        capture = _Capture()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(capture)
        try:
            document = self._layout(html, layout, base, ())
            if len(document.pages) > MAX_PAGES:
                raise RenderError(f"{source}: {len(document.pages)} pages in {layout.name}, over the limit of {MAX_PAGES} "
                                  "pages for one PDF (split it into several handouts)")
            fill, steps, layouts = measure(document), (), 1
            if goal is not None and layout.fit and fill.wants_fit(goal):
                document, fill, steps, layouts = self._fit(html, layout, base, document, fill)
            pdf = document.write_pdf(finisher=_print_preferences(layout.duplex, fill.pages),
                                     pdf_identifier=identifier, **_OPTIONS)
        except FatalURLFetchingError as error:
            raise RenderError(f"{source}: {error}") from None
        finally:
            logger.removeHandler(capture)
        problems = list(dict.fromkeys(r.getMessage() for r in capture.records
                                      if r.levelno >= logging.ERROR or ".notdef glyph" in r.getMessage()))
        if problems:
            raise RenderError(f"{source}: " + "; ".join(problems))
        return Typeset(pdf, fill, steps, layouts)

    def _layout(self, html: str, layout: Layout, base: Path, steps: tuple[str, ...]) -> Any:
        from weasyprint import HTML

        fetcher = self.grey_fetcher if layout.pictures == "greyscale" else self.fetcher
        document = HTML(string=html, base_url=base.resolve().as_uri() + "/", url_fetcher=fetcher)
        return document.render(stylesheets=self.stylesheets(layout, steps), font_config=self.font_config, **_OPTIONS)

    def _fit(self, html: str, layout: Layout, base: Path, document: Any,
             fill: Fill) -> tuple[Any, Fill, tuple[str, ...], int]:
        """Every step at once first: when even that saves no page, one extra layout was the whole
        cost. Otherwise the shortest run of steps that saves the page."""
        from .fit import measure

        tightest = self._layout(html, layout, base, layout.fit)
        tightest_fill = measure(tightest)
        if tightest_fill.pages >= fill.pages:
            return document, fill, (), 2
        for count in range(1, len(layout.fit)):
            trial = self._layout(html, layout, base, layout.fit[:count])
            trial_fill = measure(trial)
            if trial_fill.pages < fill.pages:
                return trial, trial_fill, layout.fit[:count], 2 + count
        return tightest, tightest_fill, layout.fit, 1 + len(layout.fit)
