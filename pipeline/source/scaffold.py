"""A slug → a new handout folder from the commented templates in source/templates/ (`handouts new SLUG`)."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

from ..errors import HandoutsError
from ..project.config import Project
from .model import SLUG_RULE, valid_slug

SCAFFOLD = Path(__file__).parent / "templates"


def check_slug(slug: str) -> None:
    if not valid_slug(slug):
        raise HandoutsError(f'"{slug}" cannot be a handout name: use {SLUG_RULE}')


def new_handout(project: Project, slug: str, today: dt.date | None = None) -> list[Path]:
    """Write handouts/SLUG/handout.yml and one LANG.md per project language; return the files written.

    Never overwrites: an existing folder of that name is an error."""
    check_slug(slug)
    folder = project.handouts_dir / slug
    if folder.exists():
        raise HandoutsError(f"handouts/{slug} already exists: choose another name, or edit the files in it")
    today = today or dt.date.today()
    licenses = list(project.config.licenses)
    electronic = [name for name, lic in project.config.licenses.items() if "electronic" in lic.permits]
    values = {"slug": slug, "today": today.isoformat(), "licenses": ", ".join(licenses),
              "license": (electronic or licenses)[0]}
    names = ["handout.yml"] + [f"{lang}.md" for lang in project.config.languages]
    texts = {name: string.Template((SCAFFOLD / name).read_text(encoding="utf-8")).substitute(values) for name in names}
    folder.mkdir(parents=True)
    written = []
    for name, text in texts.items():
        path = folder / name
        with open(path, "x", encoding="utf-8") as file:
            file.write(text)
        written.append(path)
    return written
