"""The typed handout model: `handout.yml` plus one front matter and body per language."""

from __future__ import annotations

import dataclasses
import re
import stat
from pathlib import Path
from typing import Annotated, Literal

import pydantic
from pydantic_core import PydanticCustomError

from ..errors import Problem
from ..project.config import Project
from ..project.files import YamlDoc, parse_yaml, read_text
from ..project.locales import LANGUAGE_NAMES, SOURCE_LANGUAGE
from ..project.layouts import available
from ..project.schema import Date, Identifier, Localized, Strict, Text, localized_gaps, validate
from .pictures import picture_problem

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
    review: Review
    sources: list[Reference] = []
    images: dict[str, Image] = {}
    # A language that is deliberately not provided, with the reason, e.g. {fr: "translation ordered 2026-11"}.
    missing: Localized = {}
    # Page budget: `2` (the default layout) or per layout, {letter: 2, large-print: 6}; layouts
    # not named here keep handouts.yml's page_budget.
    pages: Pages = {}


class FrontMatter(Strict):
    title: Text
    summary: Text
    keywords: list[Text] = []
    author: Text
    revised: Date
    # In a translation: the revision date of the English text it translates.
    translates: Date | None = None


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


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:^---[ \t]*\r?\n|^---[ \t]*\Z)", re.S | re.M)


@dataclasses.dataclass
class MarkdownSource:
    """A language file: its front matter and its Markdown body with the body's first line number."""

    file: Path
    front: YamlDoc
    body: str
    body_line: int


def read_markdown(path: Path, display: Path) -> tuple[MarkdownSource | None, list[Problem]]:
    """A language file split into its front matter (parsed) and its Markdown body."""
    text, problems = read_text(path, display)
    if text is None:
        return None, problems
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, [Problem(display, "has no front matter", 1, 1,
                              hint="start the file with a '---' line, the title and dates, and another '---' line")]
    front, problems = parse_yaml(match.group(1), display, line_offset=1)
    if front is None:
        return None, problems
    body_line = text.count("\n", 0, match.end()) + 1
    return MarkdownSource(display, front, text[match.end():], body_line), problems


# A handout's name is its folder's and its files' (fever-children.pdf, web/fever-children/).
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
MAX_SLUG = 60
SLUG_RULE = "lowercase letters, digits and single hyphens, at most 60 characters (fever-children)"


def valid_slug(slug: str) -> bool:
    return bool(SLUG.match(slug)) and len(slug) <= MAX_SLUG


def handout_slugs(project: Project) -> list[str]:
    """Every handout in handouts/, sorted: a real folder (not a link) with a valid name and a handout.yml."""
    if not project.handouts_dir.is_dir():
        return []
    return sorted(p.name for p in project.handouts_dir.iterdir()
                  if valid_slug(p.name) and not p.is_symlink() and (p / "handout.yml").is_file())


def stray_folders(project: Project) -> list[Problem]:
    """Warnings for what in handouts/ looks like a handout but is not built: a symbolic link (it
    would read files from elsewhere, or build a handout twice) or a folder with an invalid name.
    Hidden entries (.git, ..backup) are not handouts and are passed over."""
    if not project.handouts_dir.is_dir():
        return []
    problems = []
    for path in sorted(project.handouts_dir.iterdir()):
        display = Path("handouts") / path.name
        if path.name.startswith("."):
            continue
        if path.is_symlink():
            problems.append(Problem(display, "is a symbolic link: it is not built", warning=True,
                                    hint="a build reads only files inside the project: copy the handout's folder here"))
        elif (path / "handout.yml").is_file() and not valid_slug(path.name):
            problems.append(Problem(display, "is not a valid handout name: it is not built", warning=True,
                                    hint=f"rename the folder: {SLUG_RULE}"))
    return problems


def load_handout(project: Project, slug: str) -> tuple[Handout | None, list[Problem]]:
    """Read and validate one handout; return it (or None) and every problem found in its files."""
    folder = project.handouts_dir / slug
    rel = Path("handouts") / slug
    meta_file = rel / "handout.yml"
    if not valid_slug(slug):
        return None, [Problem(rel, "is not a valid handout name", hint=f"a handout's name is {SLUG_RULE}")]
    if folder.is_symlink():
        return None, [Problem(rel, "is a symbolic link", hint="a build reads only files inside the project: "
                                                             "copy the handout's folder here")]
    if not (folder / "handout.yml").is_file():
        return None, [Problem(meta_file, "not found", hint=f"is '{slug}' the right handout name? see 'handouts status'")]
    problems: list[Problem] = []
    text, found = read_text(folder / "handout.yml", meta_file)
    problems += found
    meta = None
    if text is not None:
        doc, found = parse_yaml(text, meta_file)
        problems += found
        if doc is not None:
            meta, found = validate(HandoutMeta, doc)
            problems += found
            if meta is not None:
                problems += _check_meta(project, folder, meta, doc)
    versions: dict[str, LanguageVersion] = {}
    for lang in project.config.languages:
        file = rel / f"{lang}.md"
        name = LANGUAGE_NAMES.get(lang, lang)
        kind = _not_a_file(folder / f"{lang}.md")
        if kind:
            problems.append(Problem(file, f"is {kind}, not a text file", hint=f"put the {name} text in {file.name}, "
                                    "a plain file"))
            continue
        if not (folder / f"{lang}.md").is_file():
            if meta is not None and lang not in meta.missing:
                problems.append(Problem(file, f"the {name} version is missing", warning=True, kind="missing-translation",
                                        hint=f"write it, or say why under 'missing: {{{lang}: ...}}' in {meta_file}"))
            continue
        if meta is not None and lang in meta.missing:
            line, column = doc.mark(("missing", lang))
            problems.append(Problem(meta_file, f"says the {name} version is missing, but {file} exists", line, column,
                                    f"missing.{lang}", hint=f"remove the '{lang}:' line under 'missing:'", warning=True))
        source, found = read_markdown(folder / f"{lang}.md", file)
        problems += found
        if source is None:
            continue
        front, found = validate(FrontMatter, source.front)
        problems += found
        if front is not None:
            versions[lang] = LanguageVersion(lang, file, front, source.body, source.body_line, front_doc=source.front)
            if lang != SOURCE_LANGUAGE and front.translates is None:
                line, column = source.front.mark(())
                problems.append(Problem(file, "is missing", line, column, "translates",
                                        hint="add 'translates: YYYY-MM-DD', the English revision this text translates"))
    problems += _check_staleness(versions)
    for version in versions.values() if meta is not None else ():
        if version.front.revised < meta.created:
            line, column = version.front_doc.mark(("revised",)) if version.front_doc else (0, 0)
            problems.append(Problem(version.file, f"{version.front.revised.isoformat()} is before the handout was "
                                    f"created ({meta.created.isoformat()}, handout.yml)", line, column, "revised",
                                    hint="check both dates: a revision comes after the first version"))
    if meta is None or any(not p.warning for p in problems):
        return None, problems
    return Handout(slug, folder, meta, versions, doc), problems


def page_budget(project: Project, handout: Handout, layout: str) -> int | None:
    """How many pages `handout` may fill in `layout`: its own `pages:`, else handouts.yml's."""
    own = handout.meta.pages
    if layout in own:
        return own[layout]
    if layout == project.config.layout and DEFAULT_LAYOUT in own:
        return own[DEFAULT_LAYOUT]
    return project.config.page_budget.get(layout)


def _check_meta(project: Project, folder: Path, meta: HandoutMeta, doc) -> list[Problem]:
    problems = []
    known = available(project.layouts_dir)
    for name in meta.pages:
        if name != DEFAULT_LAYOUT and name not in known:
            line, column = doc.mark(("pages", name))
            problems.append(Problem(doc.file, f'there is no layout "{name}" in layouts/', line, column,
                                    f"pages.{name}", hint=f"use one of: {', '.join(known)}"))
    if meta.license not in project.config.licenses:
        line, column = doc.mark(("license",))
        known = ", ".join(project.config.licenses)
        problems.append(Problem(doc.file, f'"{meta.license}" is not a license in handouts.yml', line, column,
                                "license", hint=f"use one of: {known}"))
    for path, lang in localized_gaps(meta.review, project.config.languages):
        line, column = doc.mark(("review",) + path)
        problems.append(Problem(doc.file, f"has no {LANGUAGE_NAMES.get(lang, lang)} text", line, column,
                                ".".join(("review",) + path), hint=f"add a '{lang}:' line"))
    for name, image in meta.images.items():
        line, column = doc.mark(("images", name))
        problem = _image_file_problem(folder, name)
        if problem:
            message, hint = problem
            problems.append(Problem(doc.file, message, line, column, "images", hint=hint))
        for lang in project.config.languages:
            if image.alt is not None and lang not in image.alt:
                line, column = doc.mark(("images", name, "alt"))
                problems.append(Problem(doc.file, f"has no {LANGUAGE_NAMES.get(lang, lang)} alt text", line, column,
                                        f"images.{name}.alt", hint=f"add a '{lang}:' line describing the image"))
    return problems


def _not_a_file(path: Path) -> str:
    """What stands at `path` if it exists but is not a plain file (never opened: a named pipe
    would wait for a writer forever), else ""."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return ""
    if stat.S_ISREG(mode) or stat.S_ISLNK(mode):  # links are refused, with their own message, where read
        return ""
    return {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket"}.get(
        stat.S_IFMT(mode), "a device")


def _image_file_problem(folder: Path, name: str) -> tuple[str, str] | None:
    """Why an image name in handout.yml cannot be used, or None: images are plain files in the handout's folder."""
    shown = " ".join(name.split())[:80]
    if name.startswith("//") or (":" in name and "/" in name):
        return (f'"{shown}" is a web address: handouts may only use image files in their own folder',
                "save the image next to handout.yml and use its file name")
    if "/" in name or "\\" in name or name.startswith("."):
        return (f'"{shown}" is a path, not a file name in this handout\'s folder',
                "put the image next to handout.yml and use its file name alone")
    if any(char in name for char in "?#%\0") or len(name) > 200:
        return (f'"{shown}" cannot be used as an image file name', "rename the file with letters, digits, - and _")
    path = folder / name
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
            return (f'"{shown}" is a link to a file outside this handout\'s folder',
                    "copy the image itself into the handout's folder in place of the link")
        kind = _not_a_file(path)
        if kind:
            return f'"{shown}" is {kind}, not a picture file', f"put the picture itself next to handout.yml as {shown}"
        if not path.is_file():
            return f'"{shown}": no such file in this handout\'s folder', f"put {shown} next to handout.yml"
        return picture_problem(path)
    except (OSError, RuntimeError):
        return f'"{shown}" cannot be read in this handout\'s folder', f"put {shown} next to handout.yml"


def _check_staleness(versions: dict[str, LanguageVersion]) -> list[Problem]:
    source = versions.get(SOURCE_LANGUAGE)
    problems = []
    for lang, version in versions.items():
        translated = version.front.translates
        if source is None or lang == SOURCE_LANGUAGE or translated is None:
            continue
        line, column = version.front_doc.mark(("translates",)) if version.front_doc else (0, 0)
        if translated < source.front.revised:
            version.stale = True
            problems.append(Problem(version.file, f"translates the English of {translated.isoformat()}, but the English "
                                    f"was revised on {source.front.revised.isoformat()}", line, column,
                                    warning=True, field="translates",
                                    hint="update the translation, then set 'translates' to the new English date"))
        elif translated > source.front.revised:
            problems.append(Problem(version.file, f"{translated.isoformat()} is later than the English revision "
                                    f"({source.front.revised.isoformat()})", line, column, warning=True,
                                    field="translates", hint="set 'translates' to the English 'revised' date"))
    return problems
