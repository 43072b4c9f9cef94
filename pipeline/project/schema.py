"""Shared schema pieces and the translation of pydantic errors into one-line problems."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
from pathlib import Path
import typing
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic_core import PydanticCustomError

from ..errors import Problem, SourceError
from .files import YamlDoc, parse_yaml, read_text
from .locales import SUPPORTED_LANGUAGES

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _parse_date(value: Any) -> dt.date:
    if value is None or value == "":
        raise PydanticCustomError("iso_date", "is empty")
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:  # the right form, a day the calendar does not have (2026-11-31, 2019-13-01)
            month = int(value[5:7])
            if not 1 <= month <= 12:
                raise PydanticCustomError("calendar_month", "{shown} has no month {month}",
                                          {"shown": _shown(value), "month": month}) from None
            raise PydanticCustomError("calendar_day", "{shown} is not a day of the calendar",
                                      {"shown": _shown(value)}) from None
    if isinstance(value, dt.date):
        if not 1900 <= value.year <= 2100:  # a typo (1024, 2204), not a handout's date
            raise PydanticCustomError("date_range", "{shown} is not a plausible date for a handout",
                                      {"shown": value.isoformat()})
        return value
    raise PydanticCustomError("iso_date", "{shown} is not a date", {"shown": _shown(value)})


Date = Annotated[dt.date, pydantic.BeforeValidator(_parse_date)]


def _nonblank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "is empty")
    return value.strip()


Text = Annotated[str, pydantic.Field(strict=True), pydantic.AfterValidator(_nonblank)]


def _as_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# A handout number is text ("061301" keeps its zero), but `number: 61301` means the same.
Identifier = Annotated[Text, pydantic.BeforeValidator(_as_text)]
Localized = dict[typing.Literal["en", "fr"], Text]


class Strict(pydantic.BaseModel):
    """Base of every schema: unknown keys are errors."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _fields_at(model: type, loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at `loc` (for "did you mean")."""
    current: Any = model
    for part in loc:
        while typing.get_origin(current) in (typing.Union, types.UnionType, Annotated):
            current = next(a for a in typing.get_args(current) if a is not type(None))
        if isinstance(current, type) and issubclass(current, pydantic.BaseModel):
            if part not in current.model_fields:
                return []
            current = current.model_fields[part].annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
    while typing.get_origin(current) in (typing.Union, types.UnionType, Annotated):
        current = next(a for a in typing.get_args(current) if a is not type(None))
    if isinstance(current, type) and issubclass(current, pydantic.BaseModel):
        return list(current.model_fields)
    return []


_HINTS = {
    "iso_date": "use YYYY-MM-DD",
    "calendar_day": "check the day and the month: that month has fewer days",
    "calendar_month": "write the month second, 01 to 12: YYYY-MM-DD",
    "date_range": "check the year",
    "string_type": "write it as text; put quotes around it if it looks like a number or a date",
    "blank": "write something here or remove the line",
    "list_type": "write a list, one '- item' per line or [a, b]",
    "dict_type": "write it as 'key: value' lines indented under it",
    "model_type": "write it as 'key: value' lines indented under it",
    "bool_type": "write true or false",
    "url_parsing": "write the full address, starting with https://",
    "url_scheme": "write the full address, starting with https://",
    "int_parsing": "write a whole number",
    "int_type": "write a whole number",
    "pages": "for example pages: 2, or pages: {letter: 2, large-print: 6}",
}

# What a value of the wrong kind should have been, for messages like "should be text, not a list".
_EXPECTED = {
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "'key: value' lines",
    "model_type": "'key: value' lines",
    "model_attributes_type": "'key: value' lines",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
}


def _problem(model: type, doc: YamlDoc, error: Any) -> Problem:
    loc = tuple(part for part in error["loc"] if part != "[key]")
    kind = error["type"]
    field = ".".join(str(p) for p in loc)
    line, column = doc.mark(loc)
    if kind == "missing":
        parent = loc[:-1]
        line, column = doc.mark(parent)
        return Problem(doc.file, "is missing", line, column, field, hint=f"add a '{loc[-1]}:' line")
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
        return Problem(doc.file, "is not a known key", line, column, field, hint=hint)
    message = error["msg"]
    value = error.get("input")
    context = error.get("ctx") or {}
    hint = _HINTS.get(kind, "")
    if kind in _EXPECTED and value is None:
        message, hint = "is empty", "write a value after the colon"
    elif kind in _EXPECTED:
        message = f"should be {_EXPECTED[kind]}, not {_shown(value)}"
    elif kind in ("literal_error", "enum"):
        message = f"{_shown(value)} is not allowed"
        hint = f"use {context['expected']}" if "expected" in context else ""
    elif kind in ("url_parsing", "url_scheme", "url_type"):
        message = f"{_shown(value)} is not a web address"
        hint = _HINTS["url_parsing"]
    elif kind == "too_short":
        message = "is empty" if not value else f"has too few items ({len(value)})"
        hint = f"give at least {context.get('min_length', 1)}"
    elif kind == "string_pattern_mismatch":
        message = f"{_shown(value)} is not in the right form"
        hint = "write digits only, with a + in front for a country code" if field.endswith("tel") else ""
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        message = f"{_shown(value)} is out of range"
        bound = next(iter(context.values()), "")
        hint = f"use a number {_bound(kind)} {bound}"
    elif kind == "value_error":
        message, _, hint = message.removeprefix("Value error, ").partition("; ")
    elif kind not in ("iso_date", "calendar_day", "calendar_month", "date_range", "blank"):
        message = f"{_shown(value)} is not right: {message[0].lower()}{message[1:]}"
    return Problem(doc.file, message, line, column, field, hint=hint)


def _bound(kind: str) -> str:
    return {"greater_than_equal": "of at least", "less_than_equal": "of at most",
            "greater_than": "greater than", "less_than": "less than"}[kind]


def _shown(value: Any) -> str:
    """A value as a reader wrote it (never a Python repr)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set)):
        return "a list" if value else "an empty list"
    if isinstance(value, dict):
        return "a group of 'key: value' lines" if value else "an empty group"
    if isinstance(value, (bytes, bytearray)):
        return "binary data"
    text = str(value)
    if isinstance(value, dt.date):
        text = value.isoformat()
    text = " ".join(text.split())
    if len(text) > 40:
        text = text[:37] + "..."
    return f'"{text}"'


M = TypeVar("M", bound=pydantic.BaseModel)


def validate(model: type[M], doc: YamlDoc) -> tuple[M | None, list[Problem]]:
    """Validate YAML data against a schema, turning every error into a located problem."""
    data = doc.data if doc.data is not None else {}
    try:
        return model.model_validate(data), []
    except pydantic.ValidationError as error:
        problems = [_problem(model, doc, e) for e in error.errors()]
    # A misspelt key ("titel", did you mean 'title'?) is one mistake: do not also report 'title' as missing.
    meant = set()
    for problem in problems:
        if problem.hint.startswith("did you mean '"):
            parent = problem.field.rpartition(".")[0]
            name = problem.hint.split("'")[1]
            meant.add(f"{parent}.{name}" if parent else name)
    return None, [p for p in problems if not (p.message == "is missing" and p.field in meant)]


def load_file(path: Path, display: Path, model: type[M]) -> tuple[M, YamlDoc]:
    """Read, parse and validate a YAML file that must be right for anything to go on
    (handouts.yml, a layout.yml); raise SourceError with every problem found."""
    text, problems = read_text(path, display)
    doc = None
    if text is not None:
        doc, problems = parse_yaml(text, display)
    if doc is None or problems:
        raise SourceError(problems)
    value, problems = validate(model, doc)
    if value is None:
        raise SourceError(problems)
    return value, doc


def localized_gaps(value: pydantic.BaseModel, languages: list[str]) -> list[tuple[tuple, str]]:
    """Paths of localized texts that lack one of the project's languages."""
    missing: list[tuple[tuple, str]] = []

    def visit(value: object, path: tuple) -> None:
        if isinstance(value, pydantic.BaseModel):
            for name in type(value).model_fields:
                visit(getattr(value, name), path + (name,))
        elif isinstance(value, dict) and value and set(value) <= set(SUPPORTED_LANGUAGES):
            missing.extend((path, lang) for lang in languages if lang not in value)
        elif isinstance(value, dict):
            for key, item in value.items():
                visit(item, path + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, path + (index,))

    visit(value, ())
    return missing
