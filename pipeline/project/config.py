"""The project configuration (`handouts.yml`), validated once."""

from __future__ import annotations

import dataclasses
import functools
import string
from pathlib import Path
from typing import Literal

import pydantic

from ..errors import Problem, SourceError
from .layouts import available, project_paper
from .root import CONFIG_NAME
from .schema import Localized, Strict, Text, load_file, localized_gaps


Use = Literal["print", "photocopy", "electronic"]


class Organization(Strict):
    name: Localized
    short_name: Localized
    website: pydantic.HttpUrl


class Contact(Strict):
    number: Text
    tel: Text = pydantic.Field(pattern=r"^\+?[0-9]+$")
    text: Localized


class License(Strict):
    holder: Text
    copyright: Localized
    short: Localized
    notice: Localized
    permits: list[Use] = pydantic.Field(min_length=1)


class Reviewer(Strict):
    body: Localized
    organization: Localized


class Readability(Strict):
    """Plain-language targets checked by `handouts check` (see pipeline/checks/plain.py)."""

    # English: Flesch-Kincaid grade level, at most this.
    grade: float = pydantic.Field(default=8, ge=1, le=18)
    # French: Kandel-Moles reading ease, at least this. Kandel & Moles is Flesch reading ease
    # recalibrated for French on the same 0-100 scale, where 60-70 is the "standard" band that
    # Flesch equates with US grades 8-9; 60 is therefore the French equivalent of grade 8.
    kandel_moles: float = pydantic.Field(default=60, ge=0, le=100)


# French spacing choices: a no-break space, a narrow no-break space, or none. Only no-break
# spaces are allowed, so a line never starts with ; : ! ? or ».
NO_BREAK_SPACES = ("\u00a0", "\u202f", "")


class FrenchTypography(Strict):
    """Spaces French typography puts before ; ! ? (high_punctuation), before : and inside « »."""

    high_punctuation: str = "\u202f"
    colon: str = "\u00a0"
    guillemets: str = "\u00a0"

    @pydantic.field_validator("high_punctuation", "colon", "guillemets")
    @classmethod
    def _no_break(cls, value: str) -> str:
        if value not in NO_BREAK_SPACES:
            raise ValueError(f'{value.encode("unicode_escape").decode()!r} may break a line: use "\\u00a0" '
                             '(no-break space), "\\u202f" (narrow no-break space) or "" (none)')
        return value


class Typography(Strict):
    fr: FrenchTypography = FrenchTypography()


class Config(Strict):
    readability: Readability = Readability()
    organization: Organization
    contacts: list[Contact] = []
    disclaimer: Localized
    licenses: dict[str, License] = pydantic.Field(min_length=1)
    languages: list[Literal["en", "fr"]] = pydantic.Field(min_length=1)
    layout: str = "letter"
    # The layouts a plain `handouts build` makes (`layout` is the one named SLUG.pdf).
    layouts: list[str] = pydantic.Field(default=["letter"], min_length=1)
    typography: Typography = Typography()
    # Where output/'s web files are published (the library site): the HTML editions' canonical
    # addresses, sitemap.xml, and the QR code printed on handouts that may be shared electronically.
    site_url: str | None = pydantic.Field(default=None, pattern=r"^https://\S+/$")
    # A handout's web page kept elsewhere, printed as the QR code instead: {slug} and {lang} are
    # filled in. Give site_url or web_url, not both.
    web_url: str | None = pydantic.Field(default=None, pattern=r"^https://\S+$")

    @pydantic.field_validator("web_url")
    @classmethod
    def _web_url_placeholders(cls, value: str | None) -> str | None:
        if value is not None:
            # Exactly {slug} and {lang}: a format spec ({slug:>5000}) or an attribute
            # ({slug.__class__}) would let a config file pad or probe what it is formatted with.
            try:
                fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(value)
                          if name is not None]
            except ValueError:
                fields = [("", "", None)]
            if any(name not in ("slug", "lang") or spec or conversion for name, spec, conversion in fields):
                raise ValueError("may use only the placeholders {slug} and {lang}, as they are; "
                                 "write them as {slug} and {lang}")
        return value

    @pydantic.field_validator("site_url", "web_url")
    @classmethod
    def _short_enough_for_a_qr_code(cls, value: str | None) -> str | None:
        # Printed 1.1 in wide, a QR code stays easy to scan up to about 200 characters; the
        # handout's slug (up to 60) and page name come on top of this address.
        if value is not None and len(value) > MAX_ADDRESS:
            raise ValueError(f"is {len(value)} characters long, more than the {MAX_ADDRESS} that leave each "
                             "handout's printed QR code easy to scan; use a shorter address")
        return value

    @pydantic.model_validator(mode="after")
    def _one_address(self) -> "Config":
        if self.site_url and self.web_url:
            raise ValueError("give site_url (the QR code then links to the handout's page on that site) "
                             "or web_url, not both")
        return self

    def page_url(self, slug: str, lang: str) -> str | None:
        """The address of a handout's web page (its QR code), or None when handouts.yml gives none."""
        if self.site_url:
            return self.site_url + web_page(slug, lang)
        return self.web_url.format(slug=slug, lang=lang) if self.web_url else None

    # A handout is due for clinical review this many years after its review.date.
    review_interval_years: int = pydantic.Field(default=3, ge=1, le=10)
    # The bodies that review handouts, for `handouts review --by` (those of recorded reviews are known too).
    reviewers: list[Reviewer] = []
    # Pages a handout may fill in each layout (layout name: pages), unless its handout.yml says
    # otherwise with `pages:`. Over budget is a warning (an error with --strict).
    page_budget: dict[str, pydantic.PositiveInt] = {}
    # A last page filled less than this share of its text area is a warning (copy-fitting first
    # tries to pull it back onto the pages before).
    last_page_fill: float = pydantic.Field(default=0.25, ge=0, le=1)


# The longest site_url or web_url: with a slug and page name, a QR code of about 200 characters.
MAX_ADDRESS = 120
# Where the web edition's files go, relative to output/ (and to site_url).
SITE_CSS = "web/site.css"


def web_page(slug: str, lang: str) -> str:
    """A handout's HTML edition: web/SLUG/LANG.html; its images sit beside it."""
    return f"web/{slug}/{lang}.html"


def library_page(languages: list[str], lang: str) -> str:
    """The library site's page in `lang`: index.html in the first language, index.LANG.html in the others."""
    return "index.html" if lang == languages[0] else f"index.{lang}.html"


@dataclasses.dataclass(frozen=True)
class Project:
    """Where a project lives and its validated configuration."""

    root: Path
    config: Config

    @property
    def handouts_dir(self) -> Path:
        return self.root / "handouts"

    @property
    def layouts_dir(self) -> Path:
        return self.root / "layouts"

    @property
    def fonts_dir(self) -> Path:
        return self.root / "fonts"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    @functools.cached_property
    def paper(self) -> str:
        """The paper the project prints on (its default layout's): letter, a4 or legal."""
        return project_paper(self.layouts_dir, self.config.layout)


def load_project(root: Path) -> Project:
    """Read and validate handouts.yml; raise SourceError listing every problem."""
    display = Path(CONFIG_NAME)
    config, doc = load_file(root / CONFIG_NAME, display, Config)
    problems: list[Problem] = []
    if not (root / "fonts").is_dir():
        problems.append(Problem("fonts/", "not found: a project needs its fonts folder",
                                hint="restore fonts/ from the repository"))
    known = available(root / "layouts")
    for path, name in ([(("layout",), config.layout)] + [(("layouts", i), n) for i, n in enumerate(config.layouts)]
                       + [(("page_budget", n), n) for n in config.page_budget]):
        if name not in known:
            line, column = doc.mark(path)
            problems.append(Problem(display, f'there is no layout "{name}" in layouts/', line, column,
                                    ".".join(map(str, path)), hint=f"use one of: {', '.join(known)}"))
    for path, lang in localized_gaps(config, config.languages):
        line, column = doc.mark(path)
        problems.append(Problem(display, f"has no '{lang}' text", line, column, ".".join(map(str, path)),
                                hint=f"add a '{lang}:' line; every language in 'languages' needs one"))
    if problems:
        raise SourceError(problems)
    return Project(root, config)
