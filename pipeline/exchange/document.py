"""What a reader makes of one input file: its article as an HTML tree, its facts and images, and what needs a person."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

from ..errors import HandoutsError

# Bigger than this is not a handout (a site dump, a scan, a runaway export): refused before reading.
MAX_BYTES = {".html": 5_000_000, ".htm": 5_000_000, ".docx": 20_000_000, ".md": 200_000, ".txt": 200_000}
KINDS = {".html": "web page", ".htm": "web page", ".docx": "Word document", ".md": "Markdown", ".txt": "text"}


class InputError(HandoutsError):
    """An input file that cannot be imported; the message names the file."""

    def __init__(self, file: Path | str, message: str, hint: str = "") -> None:
        self.file = str(file)
        self.reason = message
        super().__init__(f"{file}: {message}" + (f" ({hint})" if hint else ""))


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where in an input file something was found: file, line (0 when the format has none) and the text."""

    file: str
    line: int = 0
    text: str = ""

    def place(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        quoted = " ".join(self.text.split())
        if len(quoted) > 70:
            quoted = quoted[:69] + "…"
        return f'{self.place()} "{quoted}"' if quoted else self.place()


@dataclasses.dataclass
class Fact:
    """One recognised piece of metadata, where it came from, and how it was read when that was a choice."""

    value: Any
    origin: Origin | None
    note: str = ""


@dataclasses.dataclass
class Point:
    """Something a person has to look at. `at` names the place in the new sources, resolved to a line when
    they are written: ("yml", path in handout.yml), ("body", marker text in the Markdown) or ("config", path)."""

    message: str
    origin: Origin | None = None
    at: tuple[str, Any] | None = None
    # Only text in the other language to write: not counted as "needs attention".
    translation: bool = False


@dataclasses.dataclass
class Image:
    """An image the handout will hold: its bytes, alt text (None: none given; "": decorative) and caption."""

    name: str
    data: bytes
    alt: str | None
    origin: Origin


@dataclasses.dataclass
class Extracted:
    """An input file read: the article tree (h1 title, sections, lists, tables, call-outs, images) and its facts."""

    display: str
    lang: str
    lang_origin: str
    root: lxml_html.HtmlElement
    # Whether elements carry the input's line numbers (web pages and text do; Word documents do not).
    has_lines: bool = True
    # What the file says about itself: title, description, keywords (a page's <head>, a document's properties).
    head: dict[str, str] = dataclasses.field(default_factory=dict)
    # The folder a web page's own images are read from (only below it), or None.
    base_dir: Path | None = None
    # Text outside the article (site header and footer): searched only for the copyright.
    chrome: list[lxml_html.HtmlElement] = dataclasses.field(default_factory=list)
    facts: dict[str, Fact] = dataclasses.field(default_factory=dict)
    sources: list[Fact] = dataclasses.field(default_factory=list)
    points: list[Point] = dataclasses.field(default_factory=list)
    # Image bytes the reader already has (Word documents), by the src written in the tree.
    embedded: dict[str, bytes] = dataclasses.field(default_factory=dict)
    # Where the page says it lives and its other languages (for pairing a folder's pages).
    url: str = ""
    alternates: dict[str, str] = dataclasses.field(default_factory=dict)
    # Per table, in document order: whether the document marks its first column as row headers.
    row_headers: list[bool] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    def origin(self, element: Any = None, text: str = "") -> Origin:
        line = (getattr(element, "sourceline", 0) or 0) if self.has_lines else 0
        return Origin(self.display, line, text)
