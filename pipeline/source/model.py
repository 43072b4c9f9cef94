"""The typed handout model: `handout.yml` plus one front matter and body per language."""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from pathlib import Path

from ..errors import Problem
from ..project.config import Project
from ..project.files import YamlDoc, parse_yaml, read_text
from ..project.locales import LANGUAGE_NAMES, SOURCE_LANGUAGE
from ..project.layouts import available
from ..project.schema import localized_gaps, validate
from .meta import DEFAULT_LAYOUT, FrontMatter, Handout, HandoutMeta, LanguageVersion, fingerprint

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
    try:
        with os.scandir(project.handouts_dir) as entries:  # says which entries are links without a stat
            return sorted(e.name for e in entries if valid_slug(e.name) and not e.is_symlink()
                          and os.path.isfile(os.path.join(e.path, "handout.yml")))
    except OSError:  # no handouts/ yet
        return []


def stray_folders(project: Project) -> list[Problem]:
    """Warnings for what in handouts/ looks like a handout but is not built: a symbolic link (it
    would read files from elsewhere, or build a handout twice) or a folder with an invalid name.
    Hidden entries (.git, ..backup) are not handouts and are passed over."""
    try:
        with os.scandir(project.handouts_dir) as entries:  # links known without a stat (a thousand folders)
            found = sorted((e.name, e.is_symlink(), e.path) for e in entries if not e.name.startswith("."))
    except OSError:  # no handouts/ yet
        return []
    problems = []
    for name, link, path in found:
        if link:
            problems.append(Problem(Path("handouts", name), "is a symbolic link: it is not built", warning=True,
                                    hint="a build reads only files inside the project: copy the handout's folder here"))
        elif not valid_slug(name) and os.path.isfile(os.path.join(path, "handout.yml")):
            problems.append(Problem(Path("handouts", name), "is not a valid handout name: it is not built", warning=True,
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
    for index, review in enumerate(meta.review):
        at = review_path(doc, index)
        for path, lang in localized_gaps(review, project.config.languages):
            line, column = doc.mark(at + path)
            problems.append(Problem(doc.file, f"has no {LANGUAGE_NAMES.get(lang, lang)} text", line, column,
                                    ".".join(map(str, at + path)), hint=f"add a '{lang}:' line"))
        if index and review.date < meta.review[index - 1].date:
            line, column = doc.mark(at + ("date",))
            problems.append(Problem(doc.file, f"{review.date.isoformat()} is before the review above it "
                                    f"({meta.review[index - 1].date.isoformat()})", line, column,
                                    ".".join(map(str, at + ("date",))),
                                    hint="reviews are kept oldest first: 'handouts review' adds each one in its place"))
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


def review_path(doc: YamlDoc, index: int) -> tuple:
    """Where the `index`th review stands in handout.yml: `review:` is one review or a list of them."""
    data = doc.data if isinstance(doc.data, dict) else {}
    return ("review", index) if isinstance(data.get("review"), list) else ("review",)


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
        from .pictures import picture_problem  # Pillow and lxml: not imported by runs that read no handout

        return picture_problem(path)
    except (OSError, RuntimeError):
        return f'"{shown}" cannot be read in this handout\'s folder', f"put {shown} next to handout.yml"


def _check_staleness(versions: dict[str, LanguageVersion]) -> list[Problem]:
    """A translation is stale when the English it records translating is not today's English: by
    fingerprint when the tools recorded one (a change the same day is seen), else by date."""
    source = versions.get(SOURCE_LANGUAGE)
    problems = []
    for lang, version in versions.items():
        translates = version.front.translates
        if source is None or lang == SOURCE_LANGUAGE or translates is None:
            continue
        translated, revised = translates.revised, source.front.revised
        line, column = version.front_doc.mark(("translates",)) if version.front_doc else (0, 0)
        if translates.fingerprint is not None and translates.fingerprint != fingerprint(source.front, source.body):
            version.stale = True
            since = f"revised on {revised.isoformat()}" if revised > translated else "changed the same day"
            problems.append(Problem(version.file, f"translates the English of {translated.isoformat()}, but the English "
                                    f"text has changed since ({since})", line, column, warning=True,
                                    field="translates", hint=f"see what changed: handouts changes {source.file.parent.name}"))
        elif translates.fingerprint is None and translated < revised:
            version.stale = True
            problems.append(Problem(version.file, f"translates the English of {translated.isoformat()}, but the English "
                                    f"was revised on {revised.isoformat()}", line, column,
                                    warning=True, field="translates",
                                    hint="update the translation, then set 'translates' to the new English date"))
        elif translated > revised:
            problems.append(Problem(version.file, f"{translated.isoformat()} is later than the English revision "
                                    f"({revised.isoformat()})", line, column, warning=True,
                                    field="translates", hint="set 'translates' to the English 'revised' date"))
    return problems


def parse_version(text: str, lang: str = SOURCE_LANGUAGE) -> LanguageVersion | None:
    """A language file's text (an old version, from git) → its version, or None if it does not parse."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None
    doc, _ = parse_yaml(match.group(1), Path(f"{lang}.md"), line_offset=1)
    front, _ = validate(FrontMatter, doc) if doc is not None else (None, [])
    if front is None:
        return None
    return LanguageVersion(lang, Path(f"{lang}.md"), front, text[match.end():], text.count("\n", 0, match.end()) + 1)
