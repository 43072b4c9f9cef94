"""Dates as pages and documents write them ("05-01-2014", "May 1, 2014", "le 1er mai 2014") → dates, saying which reading was taken."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import unicodedata

from babel.dates import get_month_names

from ..project.locales import LOCALES


@dataclasses.dataclass(frozen=True)
class FoundDate:
    """A date read from text: the date, the text it came from, and how it was read when that was not certain."""

    date: dt.date
    text: str
    # "" when the text can be read only one way; otherwise what was assumed, for IMPORT.md.
    reading: str = ""
    # The text named only a month and a year: the day is the 1st.
    month_only: bool = False


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


@functools.cache
def _months() -> dict[str, int]:
    """Month names and abbreviations in English and French (from the CLDR data babel ships), folded."""
    names: dict[str, int] = {}
    for locale in LOCALES.values():
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                names[_fold(name).rstrip(".")] = number
    names["sept"] = 9
    return names


_MONTH = r"([^\W\d_]{3,10})\.?"
_YEAR = r"(\d{4})"
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.-])")
_MONTH_DAY_YEAR = re.compile(rf"{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}", re.I)
_DAY_MONTH_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}})(?:er|re|st|nd|rd|th)?\s+{_MONTH}\s+{_YEAR}", re.I)
_MONTH_YEAR = re.compile(rf"{_MONTH}\s+{_YEAR}", re.I)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year(text: str, today: dt.date) -> int:
    """A two-digit year is in this century unless that would be in the future ("08/15/02" is 2002, "99" is 1999)."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def numeric_order(texts: list[str]) -> str | None:
    """"mdy" or "dmy" when some numeric date in these texts can be read only one way ("04-13-2003"), else None."""
    for text in texts:
        for match in _NUMERIC.finditer(text):
            first, second = int(match.group(1)), int(match.group(3))
            if first > 12 >= second:
                return "dmy"
            if second > 12 >= first:
                return "mdy"
    return None


def find_date(text: str, lang: str, order: str | None = None, today: dt.date | None = None) -> FoundDate | None:
    """The first date written in `text`, or None.

    Numbers-only dates like 05-01-2014 are read month first in English (as US sites write them)
    and day first in French, unless `order` ("mdy" or "dmy", from another date in the same
    document that can be read only one way) says otherwise; an ambiguous one says so."""
    today = today or dt.date.today()
    months = _months()
    candidates: list[tuple[int, FoundDate]] = []
    for match in _ISO.finditer(text):
        date = _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if date:
            candidates.append((match.start(), FoundDate(date, match.group(0))))
    for match in _NUMERIC.finditer(text):
        first, second, year = int(match.group(1)), int(match.group(3)), _year(match.group(4), today)
        default = order or ("dmy" if lang == "fr" else "mdy")
        month_first = _date(year, first, second)
        day_first = _date(year, second, first)
        chosen = month_first if default == "mdy" else day_first
        other = day_first if default == "mdy" else month_first
        reading = ""
        if chosen is None:
            chosen, other = other, None
        if chosen is None:
            continue
        if other is not None and other != chosen:
            how = "month first (month-day-year)" if chosen == month_first else "day first (day-month-year)"
            why = "another date in the document can only be read that way" if order else (
                "as French documents write dates" if lang == "fr" else "as US sites write dates")
            reading = (f'"{match.group(0)}" could be {_iso(month_first)} or {_iso(day_first)}: read {how}, {why}')
        candidates.append((match.start(), FoundDate(chosen, match.group(0), reading)))
    for match in _MONTH_DAY_YEAR.finditer(text):
        month = months.get(_fold(match.group(1)))
        date = month and _date(int(match.group(3)), month, int(match.group(2)))
        if date:
            candidates.append((match.start(), FoundDate(date, match.group(0))))
    for match in _DAY_MONTH_YEAR.finditer(text):
        month = months.get(_fold(match.group(2)))
        date = month and _date(int(match.group(3)), month, int(match.group(1)))
        if date:
            candidates.append((match.start(), FoundDate(date, match.group(0))))
    if not candidates:
        for match in _MONTH_YEAR.finditer(text):
            month = months.get(_fold(match.group(1)))
            if month:
                candidates.append((match.start(), FoundDate(dt.date(int(match.group(2)), month, 1), match.group(0),
                                                            month_only=True)))
    if not candidates:
        return None
    return min(candidates, key=lambda item: item[0])[1]


def _iso(date: dt.date | None) -> str:
    return date.isoformat() if date else "no date"
