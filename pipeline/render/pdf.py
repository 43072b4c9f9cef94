"""HTML → PDF/UA-1 with WeasyPrint, sandboxed: only project files, only project fonts."""

from __future__ import annotations

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


class Renderer:
    """Warm WeasyPrint state for one project: font configuration, parsed layout CSS, fetcher."""

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
        self.fonts = files_signature(project.fonts_dir)
        self._css: dict[tuple[str, tuple], list[Any]] = {}

    def stylesheets(self, layout: Layout) -> list[Any]:
        """The layout's parsed CSS, parsed again when any CSS under layouts/ changed (watch mode)."""
        from weasyprint import CSS

        key = (layout.name, files_signature(self.project.layouts_dir, "*.css"))
        if key not in self._css:
            self._css = {k: v for k, v in self._css.items() if k[0] != layout.name}
            self._css[key] = [
                CSS(url=(layout.folder / name).resolve().as_uri(), url_fetcher=self.fetcher,
                    font_config=self.font_config)
                for name in layout.stylesheets]
        return self._css[key]

    def render(self, html: str, layout: Layout, base: Path, source: Path, identifier: bytes) -> bytes:
        """Render one document; any WeasyPrint error, refused resource or foreign glyph fails it."""
        from weasyprint import HTML
        from weasyprint.urls import FatalURLFetchingError

        capture = _Capture()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(capture)
        try:
            stylesheets = self.stylesheets(layout)
            document = HTML(string=html, base_url=base.resolve().as_uri() + "/", url_fetcher=self.fetcher)
            pdf = document.write_pdf(stylesheets=stylesheets, font_config=self.font_config,
                                     pdf_variant="pdf/ua-1", pdf_identifier=identifier, uncompressed_pdf=False)
        except FatalURLFetchingError as error:
            raise RenderError(f"{source}: {error}") from None
        finally:
            logger.removeHandler(capture)
        problems = list(dict.fromkeys(r.getMessage() for r in capture.records
                                      if r.levelno >= logging.ERROR or ".notdef glyph" in r.getMessage()))
        if problems:
            raise RenderError(f"{source}: " + "; ".join(problems))
        return pdf
