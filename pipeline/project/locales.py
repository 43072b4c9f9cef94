"""Languages → what is printed in them: names, locales, label files (layouts/locales/) and dates."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import yaml

from ..errors import LayoutError

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
    """The printed labels of one language (layouts/locales/<lang>.yml), checked: a file that is not
    YAML, or lacks a label another language's file has, is an error naming the file."""
    folder = layouts_dir / "locales"
    files = sorted(folder.glob("*.yml"))
    try:
        stamps = tuple((file, file.stat().st_mtime_ns) for file in files)
    except OSError as error:
        raise LayoutError(f"{error.filename}: cannot be read ({error.strerror})") from None
    mine = folder / f"{lang}.yml"
    if mine not in files:
        raise LayoutError(f"{mine.relative_to(layouts_dir.parent)}: no label file for {LANGUAGE_NAMES.get(lang, lang)} "
                          f"(copy layouts/locales/{SOURCE_LANGUAGE}.yml and translate it)")
    every = _all_labels(stamps, layouts_dir.parent)
    missing = sorted(set().union(*every.values()) - set(every[mine]))
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        raise LayoutError(f"{mine.relative_to(layouts_dir.parent)}: has no label {names} (add "
                          f"{'it' if len(missing) == 1 else 'them'}, translated: the other label files have "
                          f"{'it' if len(missing) == 1 else 'them'})")
    return every[mine]


@functools.cache
def _all_labels(stamps: tuple[tuple[Path, int], ...], root: Path) -> dict[Path, dict[str, str]]:
    # Cached per modification times, so a long-running `handouts watch` sees edited labels.
    return {file: _read_labels(file, root) for file, _ in stamps}


def _read_labels(file: Path, root: Path) -> dict[str, str]:
    shown = file.relative_to(root)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark else str(shown)
        raise LayoutError(f"{where}: not valid YAML: {getattr(error, 'problem', None) or error} "
                          "(compare it with another language's file)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise LayoutError(f"{shown}: cannot be read ({error})") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise LayoutError(f"{shown}: is not a list of labels, one 'name: text' per line (compare it with "
                          "another language's file)")
    return data


def long_date(date: dt.date, lang: str) -> str:
    """A date as a reader writes it: "December 1, 2019", "1er décembre 2019"."""
    from babel.dates import format_date  # Babel's locale data: only for runs that write a date

    if lang == "fr":
        day = "1er" if date.day == 1 else str(date.day)
        return f"{day} {format_date(date, 'MMMM y', locale=LOCALES[lang])}"
    return format_date(date, "long", locale=LOCALES[lang])
