"""One error hierarchy (every problem names its file, line, column and field), the messages for
OS errors, and the time limit that raises an error when work runs too long."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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
        return text if text.isprintable() else "".join(char if char.isprintable() else " " for char in text)


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


# What an operating-system error means for someone building handouts, and what to do about it.
_DISK_FULL = ("the disk is full", "free some space, then build again; the PDFs published before are untouched")
_REASONS = {
    errno.ENOSPC: _DISK_FULL,
    errno.EDQUOT: ("you are over your disk quota", _DISK_FULL[1]),
    errno.EROFS: ("is on a read-only disk", "copy the project to a disk you can write to, and build there"),
    errno.EACCES: ("permission denied", "give yourself write access to it, or build into another folder"),
    errno.EPERM: ("permission denied", "give yourself write access to it, or build into another folder"),
    errno.EEXIST: ("is a file, where a folder is needed", "move the file out of the way, then build again"),
    errno.ENOTDIR: ("is a file, where a folder is needed", "move the file out of the way, then build again"),
    errno.EISDIR: ("is a folder, where a file is needed", "move the folder out of the way, then build again"),
    errno.ENAMETOOLONG: ("the path is too long", "build in a folder with a shorter path"),
}


class LayoutError(HandoutsError):
    """A file of layouts/ or fonts/ (a label file, a font) is wrong: not any handout's fault."""


class Stopped(KeyboardInterrupt):
    """The build was asked to stop (Ctrl-C: exit 130, SIGTERM: exit 143): it stops at once,
    records what it published, and says so in one line."""

    def __init__(self, code: int = 130) -> None:
        super().__init__(code)
        self.code = code


class OutputError(HandoutsError):
    """A file or folder the pipeline writes cannot be written: a disk problem, not a source's."""

    @classmethod
    def of(cls, error: OSError) -> OutputError:
        """One line naming the file and what to do, for any OSError met while writing outputs."""
        where = error.filename2 if error.filename2 is not None else error.filename
        reason, hint = _REASONS.get(error.errno, (error.strerror or str(error), "check the disk, then build again"))
        shown = os.path.relpath(where) if where is not None else "output"
        if shown.startswith(".."):
            shown = str(where)
        return cls(f"{shown}: {reason} ({hint})")


@contextlib.contextmanager
def time_limit(seconds: float, stop: Callable[[], BaseException]) -> Iterator[None]:
    """Raise `stop()` if the block runs longer than `seconds` (a timer signal). Signals reach only
    the main thread: elsewhere there is no limit, and the caller's own (a worker's) applies.
    Limits nest (verify's inside a worker's): the outer one keeps running, and when it is the
    sooner, it is the one that fires."""
    outer = signal.getitimer(signal.ITIMER_REAL)[0]
    if threading.current_thread() is not threading.main_thread() or (outer and outer <= seconds):
        yield
        return

    fired = []

    def expired(signum: int, frame: Any) -> None:
        fired.append(signum)
        raise stop()

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    # Again every half second: the signal can land in library code that swallows any exception
    # (a broad `except Exception`), and the next one must still stop the block.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # the outer limit, with the time this block took counted against it
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001), 0.5)
    if fired:  # every signal was swallowed and the block ran to its end: it still ran too long
        raise stop()
