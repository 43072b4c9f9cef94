"""The `handouts` command line: a thin click group over the pipeline (options in, printed lines out)."""

from . import outputs, review, sources  # noqa: F401  (importing them adds their commands to the group)
from .group import main

__all__ = ["main"]
