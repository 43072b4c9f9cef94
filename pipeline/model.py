"""The typed handout model: `handout.yml` plus one front matter and body per language."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pydantic

from .config import Project
from .errors import Problem
from .schema import Date, Localized, Strict, Text, validate
from .sources import parse_yaml, read_markdown, read_text

SOURCE_LANGUAGE = "en"


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
    number: Text
    created: Date
    license: Text
    review: Review
    sources: list[Reference] = []
    images: dict[str, Image] = {}
    # A language that is deliberately not provided, with the reason, e.g. {fr: "translation ordered 2026-11"}.
    missing: Localized = {}


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


@dataclasses.dataclass
class Handout:
    slug: str
    folder: Path
    meta: HandoutMeta
    versions: dict[str, LanguageVersion]

    @property
    def missing(self) -> dict[str, str]:
        return dict(self.meta.missing)


def handout_slugs(project: Project) -> list[str]:
    """Every folder in handouts/ that holds a handout.yml, sorted."""
    if not project.handouts_dir.is_dir():
        return []
    return sorted(p.name for p in project.handouts_dir.iterdir() if (p / "handout.yml").is_file())


def load_handout(project: Project, slug: str) -> tuple[Handout | None, list[Problem]]:
    """Read and validate one handout; return it (or None) and every problem found."""
    folder = project.handouts_dir / slug
    rel = Path("handouts") / slug
    meta_file = rel / "handout.yml"
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
        if not (folder / f"{lang}.md").is_file():
            if meta is not None and lang not in meta.missing:
                problems.append(Problem(file, f"the {lang} version is missing", warning=True,
                                        hint=f"write {file}, or say why under 'missing: {{{lang}: ...}}' in {meta_file}"))
            continue
        source, found = read_markdown(folder / f"{lang}.md", file)
        problems += found
        if source is None:
            continue
        front, found = validate(FrontMatter, source.front)
        problems += found
        if front is not None:
            versions[lang] = LanguageVersion(lang, file, front, source.body, source.body_line)
            if lang != SOURCE_LANGUAGE and front.translates is None:
                line, column = source.front.mark(())
                problems.append(Problem(file, "is missing", line, column, "translates",
                                        hint="add 'translates: YYYY-MM-DD', the English revision this text translates"))
    problems += _check_staleness(versions)
    if meta is None or any(not p.warning for p in problems):
        return None, problems
    return Handout(slug, folder, meta, versions), problems


def _check_meta(project: Project, folder: Path, meta: HandoutMeta, doc) -> list[Problem]:
    problems = []
    if meta.license not in project.config.licenses:
        line, column = doc.mark(("license",))
        known = ", ".join(project.config.licenses)
        problems.append(Problem(doc.file, f'"{meta.license}" is not a license in handouts.yml', line, column,
                                "license", hint=f"use one of: {known}"))
    for name in meta.images:
        if not (folder / name).is_file() or "/" in name or name.startswith("."):
            line, column = doc.mark(("images", name))
            problems.append(Problem(doc.file, "no such image file in this handout's folder", line, column,
                                    f"images.{name}", hint=f"put {name} next to handout.yml"))
    return problems


def _check_staleness(versions: dict[str, LanguageVersion]) -> list[Problem]:
    source = versions.get(SOURCE_LANGUAGE)
    problems = []
    for lang, version in versions.items():
        translated = version.front.translates
        if source is None or lang == SOURCE_LANGUAGE or translated is None:
            continue
        if translated < source.front.revised:
            version.stale = True
            problems.append(Problem(version.file, f"translates the English of {translated.isoformat()}, but the English "
                                    f"was revised on {source.front.revised.isoformat()}", warning=True,
                                    field="translates",
                                    hint="update the translation, then set 'translates' to the new English date"))
    return problems
