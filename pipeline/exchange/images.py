"""Images an article shows → files for the handout's folder with their alt text, or a located TODO where
a picture cannot be brought in (on the web, outside the page's folder, not a picture)."""

from __future__ import annotations

import base64
import binascii
import re
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

from ..source.pictures import picture_problem
from .document import Extracted, Image, Point
from .escaping import escape

MAX_IMAGE_BYTES = 5_000_000
# The formats WeasyPrint draws, by their first bytes.
FORMATS = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg", b"GIF87a": "gif", b"GIF89a": "gif"}


def picture_format(data: bytes) -> str | None:
    for magic, extension in FORMATS.items():
        if data.startswith(magic):
            return extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower():
        return "svg"
    return None


def _name(stem: str, extension: str, taken: set[str]) -> str:
    """A plain file name for the handout's folder: lowercase letters, digits and hyphens."""
    stem = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "picture"
    name = f"{stem}.{extension}"
    number = 2
    while name in taken:
        name = f"{stem}-{number}.{extension}"
        number += 1
    return name


_SMALL_WORDS = {"a", "an", "the", "of", "in", "on", "at", "to", "with", "from", "and", "for", "is", "un", "une", "le",
                "la", "les", "de", "des", "du", "dans", "avec", "et", "sur", "au", "aux", "l", "d"}


def _words(alt: str) -> str:
    """A file name from alt text: its first three words that say something ("An arm in a cast from…" → arm-cast-hand)."""
    return "-".join([w for w in re.findall(r"[^\W_]+", alt.lower()) if w not in _SMALL_WORDS][:3])


def _caption(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')


def _srcset(element: lxml_html.HtmlElement) -> str:
    """The first address an <img> without src gives in its srcset, or in its <picture>'s <source>s."""
    picture = next((a for a in element.iterancestors("picture")), None)
    # libxml2 does not know <source> is empty: the <img> may stand inside it
    for source in [element, *(picture.iter("source") if picture is not None else [])]:
        first = (source.get("srcset") or "").split(",")[0].split()
        if first:
            return first[0]
    return ""


def _unprintable(data: bytes, extension: str) -> str:
    """Why check would refuse these bytes as a picture (cut short, too many pixels, an SVG drawing from
    elsewhere), or "": the same check, on a file of its own, so the import does not fail on it."""
    with tempfile.TemporaryDirectory(prefix="handouts-picture-") as folder:
        path = Path(folder) / f"picture.{extension}"
        path.write_bytes(data)
        found = picture_problem(path)
    return found[0].removeprefix(f'"{path.name}" ') if found else ""


class Images:
    """The images a handout will hold, in the order the body shows them."""

    def __init__(self, ex: Extracted) -> None:
        self.ex = ex
        self.files: dict[str, Image] = {}
        self._by_bytes: dict[bytes, str] = {}
        # Pictures the handout already has (importing another language): the same bytes keep their name.
        self.reused: set[str] = set()

    def known(self, name: str, data: bytes) -> None:
        self._by_bytes.setdefault(data, name)

    def take(self, element: lxml_html.HtmlElement, caption: str) -> list[str]:
        """The Markdown for one <img>: the image line, or a TODO paragraph saying what to do."""
        src = (element.get("src") or "").strip() or _srcset(element)
        alt = element.get("alt")
        alt = " ".join(alt.split()) if alt is not None else None
        origin = self.ex.origin(element, src if not src.startswith("data:") else "an image inside the page")
        data, problem = self._load(src)
        if element.get("data-linked") and problem and not problem.startswith("is on the web"):
            problem = "is linked to by the document, not inside it (nothing is read from the disk)"
        extension = picture_format(data) if data else None
        if data and extension is None:
            problem = "is not a PNG, JPEG, GIF, WebP or SVG picture"
        elif data and extension and data not in self._by_bytes:
            problem = _unprintable(data, extension)
        if problem:
            shown = src if not src.startswith("data:") else "an image inside the page"
            described = f' (alt text: "{alt}")' if alt else ""
            todo = (f"TODO: a picture was not imported: {shown}{described} {problem}. Save it next to handout.yml, "
                    "list it under images: in handout.yml and put an image line here.")
            self.ex.points.append(Point(f"picture not imported: {shown} {problem}", origin, ("body", "TODO: a picture")))
            return [escape(todo)]
        name = self._by_bytes.get(data)
        if name is not None and name not in self.files:
            self.reused.add(name)
            self.files[name] = Image(name, data, alt, origin)
        if name is None:
            stem = Path(unquote(urlsplit(src).path)).stem if not src.startswith(("data:", "docx:")) else _words(alt or "")
            name = _name(stem or "picture", extension, set(self.files))
            self._by_bytes[data] = name
            self.files[name] = Image(name, data, alt, origin)
        title = f' "{_caption(caption)}"' if caption.strip() else ""
        return [f"![]({name}{title})"]

    def _load(self, src: str) -> tuple[bytes | None, str]:
        """The image's bytes, or why they cannot be had. Nothing is fetched from the network."""
        if src in self.ex.embedded:
            data = self.ex.embedded[src]
            return (data, "") if data else (None, f"is larger than {MAX_IMAGE_BYTES // 1_000_000} MB")
        if not src:
            return None, "has no address (src)"
        if src.startswith("data:"):
            header, _, payload = src.partition(",")
            if ";base64" not in header or len(payload) > MAX_IMAGE_BYTES * 4 // 3 + 4:
                return None, "is an inline image that cannot be read"
            try:
                return base64.b64decode(payload, validate=True), ""
            except (binascii.Error, ValueError):
                return None, "is an inline image that cannot be read"
        parts = urlsplit(src)
        if parts.scheme in ("http", "https") or src.startswith("//"):
            return None, "is on the web (nothing is downloaded)"
        if parts.scheme or src.startswith("/") or self.ex.base_dir is None:
            return None, "is not in the saved page's folder"
        folder = self.ex.base_dir.resolve()
        path = (folder / unquote(parts.path)).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            return None, "is not in the saved page's folder"
        if path.stat().st_size > MAX_IMAGE_BYTES:
            return None, f"is larger than {MAX_IMAGE_BYTES // 1_000_000} MB"
        return path.read_bytes(), ""
