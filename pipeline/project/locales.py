"""Languages → what is printed in them: names, locales, label files (layouts/locales/) and dates."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import yaml
from babel.dates import format_date

# Languages we have labels, dates and typography for (see layouts/locales/).
SUPPORTED_LANGUAGES = ("en", "fr")
# The language every translation is made from.
SOURCE_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "French"}
LOCALES = {"en": "en_CA", "fr": "fr_CA"}
LANG_TAGS = {"en": "en-CA", "fr": "fr-CA"}

NBSP = "\u00a0"
NNBSP = "\u202f"
# Each language's quotes, double open/close and single open/close (markdown-it's smartquotes
# sets them in bodies, pipeline.render.typography in every other text).
QUOTES = {
    "en": ["“", "”", "‘", "’"],
    "fr": [f"«{NBSP}", f"{NBSP}»", "“", "”"],
}


def labels(layouts_dir: Path, lang: str) -> dict[str, str]:
    """The printed labels of one language (layouts/locales/<lang>.yml)."""
    file = layouts_dir / "locales" / f"{lang}.yml"
    return _labels(file, file.stat().st_mtime_ns)


@functools.cache
def _labels(file: Path, mtime: int) -> dict[str, str]:
    # Cached per modification time, so a long-running `handouts watch` sees edited labels.
    with open(file, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def long_date(date: dt.date, lang: str) -> str:
    """A date as a reader writes it: "December 1, 2019", "1er décembre 2019"."""
    if lang == "fr":
        day = "1er" if date.day == 1 else str(date.day)
        return f"{day} {format_date(date, 'MMMM y', locale=LOCALES[lang])}"
    return format_date(date, "long", locale=LOCALES[lang])
