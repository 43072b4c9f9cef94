"""A handout's picture file → why it cannot be printed: not what its name says, cut short, too
many pixels to decode, or an SVG that would draw without end (nested <use>).

Checked before rendering, where WeasyPrint would take minutes, warn on stderr or draw nothing.
Raster files are read with Pillow (WeasyPrint's own image library); SVG with lxml, which never
loads entities or the network.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from lxml import etree
from PIL import Image, ImageFile, UnidentifiedImageError

# Limits (README "Limits and safety"): a poster-size photo is about 24 million pixels.
MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SVG_ELEMENTS = 20_000
MAX_SVG_DRAWN = 50_000  # shapes drawn once every <use> is expanded
RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
# How each format's files begin: a file that begins right but cannot be read was cut short.
_MAGIC = {"PNG": b"\x89PNG", "JPEG": b"\xff\xd8\xff", "GIF": b"GIF8", "WEBP": b"RIFF"}
_SVG = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}href"


def picture_problem(path: Path) -> tuple[str, str] | None:
    """(message, hint) when the picture file at `path` cannot be printed, else None."""
    name = path.name
    suffix = path.suffix.lower()
    if path.stat().st_size > MAX_BYTES:
        return (f'"{name}" is {path.stat().st_size // (1024 * 1024)} MB, over the {MAX_BYTES // (1024 * 1024)} MB '
                "limit for a picture", "save it smaller: a printed handout needs about 300 pixels per inch")
    if suffix == ".svg":
        return _svg_problem(path)
    if suffix in RASTER:
        return _raster_problem(path, RASTER[suffix])
    return (f'"{name}" is not a kind of picture handouts print', "save it as SVG, PNG or JPEG")


def _sniff(path: Path) -> str | None:
    """The raster format a file really is, if Pillow knows it (only its header is read)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # sized up below
            with Image.open(path) as image:
                return image.format
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        return None


def _raster_problem(path: Path, expected: str) -> tuple[str, str] | None:
    name = path.name
    found = _sniff(path)
    if found is None:
        with open(path, "rb") as file:
            if file.read(4).startswith(_MAGIC[expected]):
                return f'"{name}" is damaged or cut short', "export the picture again, or copy it again"
        return f'"{name}" is not a {expected} picture', f"export the picture again as {expected}"
    if found != expected:
        return (f'"{name}" is a {found} picture, not the {expected} its name says',
                f"rename it to end in .{found.lower()}, and list that name in handout.yml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit is lower
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                return (f'"{name}" is {width} × {height} pixels, over the limit of {MAX_PIXELS // 1_000_000} million',
                        "save it smaller: a printed handout needs about 300 pixels per inch")
            # WeasyPrint sets Pillow to draw what it can of a cut-short file: here it must say so.
            lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
            try:
                image.load()
            except (OSError, SyntaxError, ValueError):
                return f'"{name}" is damaged or cut short', "export the picture again, or copy it again"
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return None


def _svg_problem(path: Path) -> tuple[str, str] | None:
    name = path.name
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        document = etree.parse(str(path), parser)
        root = document.getroot()
    except (etree.XMLSyntaxError, OSError, ValueError) as error:
        found = _sniff(path)
        if found:
            return (f'"{name}" is a {found} picture, not the SVG its name says',
                    f"rename it to end in .{found.lower()}, and list that name in handout.yml")
        line = getattr(error, "lineno", None)
        return (f'"{name}" is not a readable SVG picture' + (f" (line {line})" if line else ""),
                "export the picture again as SVG")
    if document.docinfo.internalDTD is not None:
        return (f'"{name}" declares entities in a DOCTYPE, which handouts never load',
                "export the picture again as plain SVG")
    if root.tag != f"{_SVG}svg":
        return f'"{name}" is not an SVG picture (it has no <svg> at its top)', "export the picture again as SVG"
    elements = list(root.iter())
    outside = next((value for element in elements for key, value in element.attrib.items()
                    if key in ("href", _XLINK) and _outside(value)), None)
    if outside is not None:
        shown = outside if len(outside) <= 60 else outside[:57] + "..."
        return (f'"{name}" draws from outside its handout\'s folder ({shown}): handouts use only their own files',
                "put that picture next to the SVG and refer to it by its name, or embed it")
    if len(elements) > MAX_SVG_ELEMENTS:
        return (f'"{name}" has {len(elements):,} elements, over the limit of {MAX_SVG_ELEMENTS:,}',
                "simplify the drawing, or export it as PNG")
    drawn = _drawn(root, elements)
    if drawn is None or drawn > MAX_SVG_DRAWN:
        return (f'"{name}" would draw {"without end" if drawn is None else f"over {MAX_SVG_DRAWN:,} shapes"}: its '
                "<use> elements repeat each other", "simplify the drawing, or export it as PNG")
    return None


def _outside(href: str) -> bool:
    """A reference to anything but this SVG, an embedded picture or a file beside it: an address,
    or a path out of the handout's folder."""
    if href.startswith(("#", "data:image/")):
        return False
    return ":" in href or "/" in href or "\\" in href or href.startswith(".")


def _drawn(root: etree._Element, elements: list) -> int | None:
    """How many elements are drawn once every <use> is expanded; None when a <use> refers to
    itself or an element holding it (a loop)."""
    by_id = {element.get("id"): element for element in elements if element.get("id")}
    cost: dict[int, int] = {}
    active: set[int] = set()

    def count(element: etree._Element) -> int | None:
        key = id(element)
        if key in cost:
            return cost[key]
        if key in active:
            return None
        active.add(key)
        total = 1
        href = element.get("href") or element.get(_XLINK) or ""
        if element.tag == f"{_SVG}use" and href.startswith("#") and href[1:] in by_id:
            inner = count(by_id[href[1:]])
            total = None if inner is None else total + inner
        for child in element:
            if total is None or total > MAX_SVG_DRAWN:
                break
            inner = count(child)
            total = None if inner is None else total + inner
        active.discard(key)
        if total is not None:
            cost[key] = total
        return total

    return count(root)
