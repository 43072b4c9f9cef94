"""One error hierarchy: every problem names its file, line, column and field."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a source file."""

    file: Path | str
    message: str
    line: int = 0
    column: int = 0
    field: str = ""
    hint: str = ""
    warning: bool = False
    # What the problem is about, for summaries: "missing-translation", "review-overdue", or "".
    kind: str = ""

    def location(self) -> str:
        where = str(self.file)
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        return where

    def __str__(self) -> str:
        text = f"{self.location()}: "
        if self.field:
            text += f"'{self.field}': "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        # One line, whatever a source contained: no line breaks, tabs or terminal control codes.
        return "".join(char if char.isprintable() else " " for char in text)


class HandoutsError(click.ClickException):
    """Base of every error the pipeline reports to a user (never a traceback)."""


class SourceError(HandoutsError):
    """One or more source files are wrong; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class RenderError(HandoutsError):
    """WeasyPrint could not make a correct PDF from a handout."""


class VerifyError(HandoutsError):
    """A PDF failed verification and was not published."""
