"""Shared schema pieces and the translation of pydantic errors into one-line problems."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic_core import PydanticCustomError

from .errors import Problem
from .sources import YamlDoc

# Languages we have labels, dates and typography for (see pipeline/locales/).
SUPPORTED_LANGUAGES = ("en", "fr")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if isinstance(value, str) and _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise PydanticCustomError("iso_date", "{shown} is not a date", {"shown": f'"{text}"'})


Date = Annotated[dt.date, pydantic.BeforeValidator(_parse_date)]


def _nonblank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "is empty")
    return value.strip()


Text = Annotated[str, pydantic.Field(strict=True), pydantic.AfterValidator(_nonblank)]
Localized = dict[typing.Literal["en", "fr"], Text]


class Strict(pydantic.BaseModel):
    """Base of every schema: unknown keys are errors."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)


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
    "string_type": "write it as text; put quotes around it if it looks like a number or a date",
    "blank": "write something here or remove the line",
    "list_type": "write a list, one '- item' per line or [a, b]",
    "dict_type": "write it as 'key: value' lines indented under it",
    "model_type": "write it as 'key: value' lines indented under it",
    "bool_type": "write true or false",
}


def _problem(model: type, doc: YamlDoc, error: Any) -> Problem:
    loc = tuple(error["loc"])
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
    if kind in ("literal_error", "enum"):
        message = f'{_shown(error.get("input"))} is not allowed: {message[0].lower()}{message[1:]}'
    elif kind not in ("iso_date", "blank", "value_error"):
        message = f'{_shown(error.get("input"))} is not right: {message[0].lower()}{message[1:]}'
    elif kind == "value_error":
        message = message.removeprefix("Value error, ")
    return Problem(doc.file, message, line, column, field, hint=_HINTS.get(kind, ""))


def _shown(value: Any) -> str:
    text = str(value)
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
        return None, [_problem(model, doc, e) for e in error.errors()]
