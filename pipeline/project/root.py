"""Where the project is: the nearest folder with a handouts.yml (kept apart from the configuration
so that finding it costs no import: a no-op command may need nothing else)."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problem, SourceError

CONFIG_NAME = "handouts.yml"


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds a handouts.yml."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise SourceError([Problem(start / CONFIG_NAME, "not found here or in any parent folder",
                               hint="run handouts inside a project, or pass --project")])
