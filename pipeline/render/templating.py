"""Jinja2 templates (layouts/ and the web edition's) → text, with any error in a template named
by its file and line: a template is a layout author's code, and a mistake in it is not the
handout's. Templates run sandboxed (no attribute tricks such as `{{ page.__class__ }}`)."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from ..errors import HandoutsError


class TemplateError(HandoutsError):
    """A template cannot be read or run: its file and line, and what went wrong there."""


def sandboxed(search: Sequence[Path], filters: dict[str, Callable[..., Any]] | None = None,
              **options: Any) -> jinja2.Environment:
    """An environment that loads templates from `search` (first match wins) and cannot reach
    beyond what it is given."""
    env = jinja2.sandbox.SandboxedEnvironment(loader=jinja2.FileSystemLoader([str(p) for p in search]),
                                              autoescape=True, undefined=jinja2.StrictUndefined, **options)
    env.filters.update(filters or {})
    return env


def render_template(env: jinja2.Environment, name: str, root: Path, **context: Any) -> str:
    """Render `name`; an error names the template file (relative to `root`, the project) and line."""
    try:
        return env.get_template(name).render(**context)
    except HandoutsError:
        raise
    except Exception as error:  # a template is code: whatever it raises is the template's fault
        raise TemplateError(f"{_where(error, env, name, root)}: {_what(error, name)} (fix the template; the handout's "
                            "sources are not at fault)") from None


def _where(error: Exception, env: jinja2.Environment, name: str, root: Path) -> str:
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return f"{_shown(error.filename, root)}:{error.lineno}"
    # Jinja compiles each template to code that reports the template's own file and line.
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith((".html", ".css"))]
    if frames:
        return f"{_shown(frames[-1].filename, root)}:{frames[-1].lineno}"
    folders = getattr(env.loader, "searchpath", None) or ["."]
    return _shown(os.path.join(folders[-1], name), root)  # the project's own folder is searched last


def _what(error: Exception, name: str) -> str:
    if isinstance(error, jinja2.TemplateNotFound) and error.name == name:
        return "the template file is missing"
    if isinstance(error, jinja2.TemplateNotFound):
        return f'it includes "{error.name}", which is not a template here'
    if isinstance(error, jinja2.TemplateError):
        return error.message or type(error).__name__
    return f"{type(error).__name__}: {error}"


def _shown(filename: str, root: Path) -> str:
    relative = os.path.relpath(filename, root)
    return filename if relative.startswith("..") else relative
