"""The handout's schema: handout.yml (facts shared by every language) and a language file's front matter."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Annotated, Literal

import pydantic
from pydantic_core import PydanticCustomError

from ..project.files import YamlDoc
from ..project.locales import SOURCE_LANGUAGE
from ..project.schema import Date, Identifier, Localized, Strict, Text

# `pages: 2` in handout.yml: the budget in the default layout, stored under this key.
DEFAULT_LAYOUT = ""


def _pages(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return {DEFAULT_LAYOUT: value}
    if not isinstance(value, dict):
        raise PydanticCustomError("pages", "should be a number of pages, or 'layout: pages' lines")
    return value


Pages = Annotated[dict[str, pydantic.PositiveInt], pydantic.BeforeValidator(_pages)]


class Review(Strict):
    body: Localized
    organization: Localized
    date: Date
    note: Text | None = None
    # The languages whose text was reviewed (`handouts review` leaves out a stale translation);
    # absent in a review typed by hand: every language whose text existed then.
    languages: list[Literal["en", "fr"]] | None = None


def _reviews(value: object) -> object:
    return [value] if isinstance(value, dict) else value


# `review:` is one review (typed by hand) or the history `handouts review` keeps, oldest first.
Reviews = Annotated[list[Review], pydantic.Field(min_length=1), pydantic.BeforeValidator(_reviews)]


class Translates(Strict):
    """What a translation was made from: the English revision date (typed as `translates: DATE`)
    and, written by the tools (`xliff import`, `revise`), that text's fingerprint."""

    revised: Date
    fingerprint: Annotated[str, pydantic.Field(pattern=r"^[0-9a-f]{16}$")] | None = None


def _translates(value: object) -> object:
    return value if isinstance(value, dict) or value is None else {"revised": value}




class Reference(Strict):
    authors: list[Text] = pydantic.Field(min_length=1)
    title: Text
    publication: Text | None = None
    date: Date | None = None
    url: pydantic.HttpUrl | None = None
    # The language the source is written in: its title is cited in that language's typography,
    # marked with its /Lang in a handout in another language.
    lang: Literal["en", "fr"] = SOURCE_LANGUAGE


class Image(Strict):
    alt: Localized | None = None
    decorative: bool = False

    @pydantic.model_validator(mode="after")
    def _alt_or_decorative(self) -> "Image":
        if self.decorative and self.alt:
            raise ValueError("an image is either decorative or has alt text, not both")
        if not self.decorative and not self.alt:
            raise ValueError("has no alt text; add 'alt:' with en and fr text, or 'decorative: true'")
        return self


class HandoutMeta(Strict):
    number: Identifier
    created: Date
    license: Text
    review: Reviews
    sources: list[Reference] = []
    images: dict[str, Image] = {}
    # A language that is deliberately not provided, with the reason, e.g. {fr: "translation ordered 2026-11"}.
    missing: Localized = {}
    # Page budget: `2` (the default layout) or per layout, {letter: 2, large-print: 6}; layouts
    # not named here keep handouts.yml's page_budget.
    pages: Pages = {}

    @property
    def latest_review(self) -> Review:
        return max(self.review, key=lambda r: r.date)


class FrontMatter(Strict):
    title: Text
    summary: Text
    keywords: list[Text] = []
    author: Text
    revised: Date
    # In a translation: the English revision it translates, a date (typed) or {revised, fingerprint}
    # (written by the tools, so that a change made the same day is seen).
    translates: Annotated[Translates | None, pydantic.BeforeValidator(_translates)] = None


@dataclasses.dataclass
class LanguageVersion:
    lang: str
    file: Path
    front: FrontMatter
    body: str
    body_line: int
    stale: bool = False
    # The front matter as parsed, for the position of each field in messages.
    front_doc: YamlDoc | None = None


@dataclasses.dataclass
class Handout:
    slug: str
    folder: Path
    meta: HandoutMeta
    versions: dict[str, LanguageVersion]
    # handout.yml as parsed, for the position of each field in messages.
    meta_doc: YamlDoc | None = None


def fingerprint(front: FrontMatter, body: str) -> str:
    """What a reader gets of a language version (title, summary, keywords, body), hashed: the same
    text gives the same fingerprint whatever its line endings or trailing spaces."""
    lines = [front.title, front.summary, ", ".join(front.keywords), ""] + body.replace("\r\n", "\n").split("\n")
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def covers(handout: Handout, review: Review, version: LanguageVersion) -> bool:
    """Whether `review` was a review of this language's text. A review records the languages it
    covered (`handouts review` leaves a stale translation out). One typed by hand covered a stale
    translation only if it came before the English changed (before the English's revision date, or
    no later than the English the translation translates)."""
    if review.languages is not None:
        return version.lang in review.languages
    if version.lang == SOURCE_LANGUAGE or not version.stale:
        return True
    english = handout.versions.get(SOURCE_LANGUAGE)
    translated = version.front.translates.revised if version.front.translates else None
    return (english is not None and review.date < english.front.revised) or bool(translated and review.date <= translated)


def review_of(handout: Handout, version: LanguageVersion) -> Review | None:
    """The latest review of this language's text, or None."""
    return next((r for r in sorted(handout.meta.review, key=lambda r: r.date, reverse=True)
                 if covers(handout, r, version)), None)


def review_history(handout: Handout) -> list[dict]:
    """The reviews, oldest first, as plain data (the manifest, `status --json`): with the languages
    whose text each one covered."""
    return [{"date": r.date.isoformat(), "body": dict(r.body), "organization": dict(r.organization),
             "languages": list(r.languages) if r.languages is not None else
             [lang for lang, version in handout.versions.items() if covers(handout, r, version)],
             **({"note": r.note} if r.note else {})} for r in handout.meta.review]
