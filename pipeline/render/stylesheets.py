"""layouts/ stylesheets → a warning for every declaration or rule WeasyPrint would drop without
a word (an unknown property, a value it cannot read, a brace left open), at its file and line."""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

from ..errors import Problem

_WHERE = re.compile(r"\s*at (\d+):(\d+)[,.]?\s*")
# Each file is read alone: what it imports is checked as a file of its own, at its own lines.
_IMPORT = re.compile(r"@import[^;]*;")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _blank(match: re.Match[str]) -> str:
    """Spaces in place of a comment or an @import, line breaks kept: every line and column stays."""
    return re.sub(r"[^\n]", " ", match.group())


def stylesheet_problems(layouts_dir: Path) -> list[Problem]:
    """Warnings for every stylesheet under layouts/ (read again only when one changes)."""
    try:
        stamps = tuple((file, file.stat().st_mtime_ns) for file in sorted(layouts_dir.rglob("*.css")))
    except OSError:
        return []  # a layout that cannot be read is reported where it is loaded
    return list(_problems(stamps, layouts_dir.parent))


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@functools.cache
def _problems(stamps: tuple[tuple[Path, int], ...], root: Path) -> tuple[Problem, ...]:
    from weasyprint import CSS  # only here: a build with nothing to render does not load WeasyPrint

    found = []
    logger = logging.getLogger("weasyprint")
    for file, _ in stamps:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            found.append(Problem(file.relative_to(root), f"cannot be read: {error}", hint="save it as UTF-8 text"))
            continue
        capture = _Capture()
        logger.addHandler(capture)
        try:
            CSS(string=_IMPORT.sub(_blank, _COMMENT.sub(_blank, text)), base_url=file.as_uri())
        except Exception as error:  # WeasyPrint's parser raises several kinds on a broken file
            capture.messages.append(f"{type(error).__name__}: {error}")
        finally:
            logger.removeHandler(capture)
        for message in capture.messages:
            where = _WHERE.search(message)
            line, column = (int(where[1]), int(where[2])) if where else (0, 0)
            detail = _WHERE.sub(" ", message).strip().removeprefix("Error: ").rstrip(". ")
            found.append(Problem(file.relative_to(root), f"WeasyPrint drops this: {detail}", line, column, warning=True,
                                 hint="fix it or remove it: until then the layout prints without it"))
    return tuple(found)
