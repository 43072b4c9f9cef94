"""The only way resources reach WeasyPrint: project files under handouts/, layouts/, fonts/."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..project.config import Project
from .greyscale import PictureError, greyscale


_LOGGER = logging.getLogger("weasyprint")


def _refused(message: str) -> FatalURLFetchingError:
    """The error that stops the render. It is also logged as a WeasyPrint error, because WeasyPrint
    swallows errors inside SVG images and would otherwise report only "Failed to render SVG image"."""
    _LOGGER.error("%s", message)
    return FatalURLFetchingError(message)


class _Read(URLFetcherResponse):
    """A response with no file behind it. For a file: URL WeasyPrint would otherwise embed a raster
    image by reading the file again when it writes the PDF, not the bytes the fetcher handed over
    (the greys of a photocopy, or a file changed in between)."""

    @property
    def path(self) -> None:
        return None


class SandboxFetcher(URLFetcher):
    """Refuses the network, `file:` outside the project's folders, `..` and symlink escapes.

    `greyscale`: every picture is handed over in greys (a layout for copiers), converted in
    memory as it is read, so nothing is written and no colour copy is cached."""

    def __init__(self, project: Project, greyscale: bool = False) -> None:
        super().__init__(allow_redirects=False, fail_on_errors=True)
        self.allowed = [project.handouts_dir.resolve(), project.layouts_dir.resolve(), project.fonts_dir.resolve()]
        self.greyscale = greyscale

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise _refused(f'refused "{url}": handouts may only use files inside the project')
        if parts.netloc not in ("", "localhost"):
            raise _refused(f'refused "{url}": handouts may only use files on this computer, inside the project')
        raw = Path(unquote(parts.path))
        if ".." in raw.parts:
            raise _refused(f'refused "{url}": ".." may not leave the folder')
        path = raw.resolve()
        if not any(path.is_relative_to(root) for root in self.allowed):
            raise _refused(f'refused "{url}": only files in handouts/, layouts/ and fonts/ may be used')
        try:
            body = path.read_bytes()
        except OSError as error:
            raise _refused(f'cannot read "{raw}": {error.strerror}') from None
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if self.greyscale:
            try:
                body, mime = greyscale(body, mime)
            except PictureError as error:
                raise _refused(f'cannot print "{raw}" in greys: {error}') from None
        return _Read(url, body, {"Content-Type": mime})
