"""Input files and folders → handout folders: read, recognise, write, check in a staging folder, then install
(an existing handout is replaced only with --force; a translation goes into its handout with --into)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..checks.run import check_all
from ..errors import HandoutsError
from ..project.config import Config, Project, load_project
from ..project.root import CONFIG_NAME
from ..project.files import parse_yaml
from ..project.locales import SOURCE_LANGUAGE
from ..project.schema import validate
from ..source.model import MAX_SLUG, read_markdown as read_language_file
from ..source.scaffold import check_slug
from .document import KINDS, MAX_BYTES, Extracted, InputError, Point
from .html_to_md import to_markdown
from .images import Images
from .language import name as language_name
from .licenses import choose, replace_scalar, scalar_at
from .metadata import recognise
from .patterns import fold
from .text import read_markdown, read_text
from .web import read_web
from .word import read_word
from .writer import front_matter, handout_yml, library_translations, merge_report, report_section

READERS = {".html": read_web, ".htm": read_web, ".docx": read_word, ".txt": read_text, ".md": read_markdown}


@dataclasses.dataclass(frozen=True)
class Options:
    slug: str | None = None
    lang: str | None = None
    into: str | None = None
    license: str | None = None
    force: bool = False
    dry_run: bool = False
    today: dt.date = dataclasses.field(default_factory=dt.date.today)


@dataclasses.dataclass
class Result:
    """What happened to one input file."""

    source: str
    status: str  # "imported", "needs attention" or "failed"
    message: str = ""
    slug: str = ""
    lang: str = ""
    report: str = ""
    written: list[str] = dataclasses.field(default_factory=list)
    license_added: str = ""
    attention: int = 0


def read(path: Path, display: str, lang: str | None) -> Extracted:
    """One input file read by the reader for its kind, after its size is checked."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise InputError(display, "is not a file handouts can import", "use a saved web page (.html), a Word "
                         "document (.docx), Markdown (.md) or text (.txt)")
    size = path.stat().st_size
    if size == 0:
        raise InputError(display, "is empty")
    if size > MAX_BYTES[suffix]:
        raise InputError(display, f"is {size:,} bytes, more than the {MAX_BYTES[suffix]:,} an imported "
                         f"{KINDS[suffix]} may have", "check that this is one handout, not a whole site or a scan")
    ex = READERS[suffix](path.read_bytes(), display, lang)
    if suffix in (".html", ".htm", ".md"):
        ex.base_dir = path.parent  # the pictures a page or Markdown file shows stand beside it
    return ex


def slug_for(title: str) -> str:
    """A handout name from a title: "Heel Pain (Plantar Fasciitis)" → heel-pain-plantar-fasciitis."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")
    if len(slug) > MAX_SLUG:  # cut at a word's end; a single overlong word is cut where it must be
        cut = slug[:MAX_SLUG + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:MAX_SLUG]
    return slug or "handout"


def _left_out(ex: Extracted) -> list[str]:
    said = {"contact": "the nurse-line call-out{at}: handouts.yml's contacts are printed at the top of every handout",
            "disclaimer": "the disclaimer{at}: the layout prints handouts.yml's standard disclaimer",
            "permission": "the permission notice{at}: printed from the handout's license in handouts.yml"}
    return [text.format(at=f" ({ex.facts[key].origin})") for key, text in said.items() if key in ex.facts]


def _install(staged: Path, folder: Path) -> None:
    """Put the staged folder in place in one rename; a folder it replaces goes only after."""
    incoming = folder.parent / f".{folder.name}.import-{os.getpid()}"
    shutil.copytree(staged, incoming)
    if folder.exists():
        old = folder.parent / f".{folder.name}.old-{os.getpid()}"
        os.rename(folder, old)
        os.rename(incoming, folder)
        shutil.rmtree(old)
    else:
        os.rename(incoming, folder)


def _write_config(project: Project, text: str) -> None:
    path = project.root / CONFIG_NAME
    temporary = path.with_name(f".{CONFIG_NAME}.import-{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _config(project: Project, text: str | None) -> Config:
    if text is None:
        return project.config
    doc, problems = parse_yaml(text, Path(CONFIG_NAME))
    config, problems = validate(Config, doc) if doc is not None else (None, problems)
    if config is None:
        raise HandoutsError("the license proposed for handouts.yml is not valid: " + "; ".join(map(str, problems)))
    return config


def _stage(project: Project, ex: Extracted, slug: str, files: dict[str, str | bytes], config_text: str | None,
           base: Path | None, options: Options) -> Result:
    """Write the new sources in a staging project, check them there, and install them unless told not to."""
    lang = ex.lang
    result = Result(ex.display, "imported", slug=slug, lang=lang)
    with tempfile.TemporaryDirectory(prefix="handouts-import-") as temporary:
        root = Path(temporary)
        staged = root / "handouts" / slug
        if base is not None:
            shutil.copytree(base, staged)
        staged.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (staged / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        # The staged sources are checked against the project's own fonts (what they can draw).
        (root / "fonts").symlink_to(project.fonts_dir.resolve(), target_is_directory=True)
        checked = check_all(Project(root, _config(project, config_text)), [slug], options.today)
        check_lines = [f"{'warning' if p.warning else 'error'}: {p}" for p in checked.problems]
        rel = Path("handouts") / slug
        texts = {"handout.yml": (rel / "handout.yml", (staged / "handout.yml").read_text(encoding="utf-8")),
                 "md": (rel / f"{lang}.md", files[f"{lang}.md"])}
        if config_text is not None:
            texts["config"] = (Path(CONFIG_NAME), config_text)
        section = report_section(ex, f"{lang}.md", texts, check_lines, _left_out(ex))
        existing = (staged / "IMPORT.md").read_text(encoding="utf-8") if (staged / "IMPORT.md").exists() else None
        result.report = merge_report(existing, slug, section, lang)
        (staged / "IMPORT.md").write_text(result.report, encoding="utf-8")
        result.attention = sum(1 for p in ex.points if not p.translation)
        errors = [line for line, p in zip(check_lines, checked.problems) if not p.warning]
        if errors:
            result.status, result.message = "failed", "the imported sources do not pass check: " + errors[0]
            return result
        if result.attention:
            result.status = "needs attention"
        result.written = [str(rel / name) for name in [*files, "IMPORT.md"]]
        if config_text is not None:
            result.license_added = config_text
        if not options.dry_run:
            if config_text is not None:
                _write_config(project, config_text)
            _install(staged, project.handouts_dir / slug)
    return result


def import_new(project: Project, ex: Extracted, options: Options, known: dict | None = None) -> Result:
    """A new handout folder from one input; `known`: the library's review names in each language."""
    recognise(ex, project)
    title = ex.facts["title"].value if "title" in ex.facts else ""
    slug = options.slug or slug_for(title or Path(ex.display).stem)
    check_slug(slug)
    if (project.handouts_dir / slug).exists() and not options.force:
        raise InputError(ex.display, f"handouts/{slug} already exists: it is not overwritten",
                         "use --force to replace it, --slug NAME for another name, or --into SLUG to add this language")
    images = Images(ex)
    body = to_markdown(ex, images)
    choice = choose(ex, project, options.license)
    translates = None
    if ex.lang != SOURCE_LANGUAGE:
        revised = ex.facts.get("revised")
        translates = revised.value.date if revised else options.today
        ex.points.append(Point(f"this {language_name(ex.lang)} text has no English original here: 'translates' is its "
                               "own revision date; import the English with --into to pair them", None, ("front", "translates")))
    markdown = front_matter(ex, body, translates, options.today)
    known = library_translations(project) if known is None else known
    files: dict[str, str | bytes] = {"handout.yml": handout_yml(ex, project, choice, images, options.today, known),
                                     f"{ex.lang}.md": markdown}
    files.update({name: image.data for name, image in images.files.items()})
    return _stage(project, ex, slug, files, choice.config_text, None, options)


def import_into(project: Project, ex: Extracted, slug: str, options: Options) -> Result:
    """Another language of an existing handout: LANG.md with `translates:` from the English revision, its
    handout.yml's missing texts in this language filled in, its structure checked against the English."""
    folder = project.handouts_dir / slug
    if not (folder / "handout.yml").is_file():
        raise InputError(ex.display, f"--into {slug}: there is no handout '{slug}' in handouts/")
    recognise(ex, project)
    if (folder / f"{ex.lang}.md").exists() and not options.force:
        raise InputError(ex.display, f"handouts/{slug}/{ex.lang}.md already exists: it is not overwritten",
                         "use --force to replace it")
    meta = (folder / "handout.yml").read_text(encoding="utf-8")
    translates = None
    if ex.lang != SOURCE_LANGUAGE:
        source, _ = read_language_file(folder / f"{SOURCE_LANGUAGE}.md", Path("handouts") / slug / f"{SOURCE_LANGUAGE}.md")
        revised = source.front.data.get("revised") if source is not None and isinstance(source.front.data, dict) else None
        translates = dt.date.fromisoformat(str(revised)) if revised else options.today
    images = Images(ex)
    doc, _ = parse_yaml(meta, Path("handouts") / slug / "handout.yml")
    listed = doc.data.get("images") if doc is not None and isinstance(doc.data, dict) else None
    for name in listed if isinstance(listed, dict) else {}:
        if (folder / name).is_file():
            images.known(name, (folder / name).read_bytes())
    body = to_markdown(ex, images)
    meta = _fill_language(project, ex, meta, images)
    config_text = _fill_notice(project, ex, meta)
    files: dict[str, str | bytes] = {"handout.yml": meta, f"{ex.lang}.md": front_matter(ex, body, translates, options.today)}
    files.update({name: image.data for name, image in images.files.items() if not (folder / name).exists()})
    return _stage(project, ex, slug, files, config_text, folder, options)


def _fill_language(project: Project, ex: Extracted, meta: str, images: Images) -> str:
    """handout.yml with this language's TODO texts replaced by what the page gives; differences become points."""
    lang = ex.lang
    review = ex.facts.get("review")
    for key in ("body", "organization"):
        current = scalar_at(meta, ("review", key, lang))
        found = review.value[key] if review else None
        if found and (current is None or current.startswith("TODO")) and current is not None:
            meta = replace_scalar(meta, ("review", key, lang), found)
    for name, image in images.files.items():
        current = scalar_at(meta, ("images", name, "alt", lang))
        if image.alt and current is not None and current.startswith("TODO"):
            meta = replace_scalar(meta, ("images", name, "alt", lang), image.alt)
        elif current is None and name not in images.reused:
            ex.points.append(Point(f"{name} is in the {language_name(lang)} page only: list it under images: in "
                                   "handout.yml, or remove it from the text", image.origin, ("body", f"]({name}")))
    for key, path in (("number", ("number",)), ("created", ("created",))):
        fact = ex.facts.get(key)
        have = scalar_at(meta, path)
        value = fact.value.date.isoformat() if fact is not None and key == "created" else fact.value if fact else None
        if value is not None and have is not None and str(value) != have:
            ex.points.append(Point(f"the {language_name(lang)} page gives {key} {value}, handout.yml has {have}",
                                   fact.origin, ("yml", path)))
    return meta


def _fill_notice(project: Project, ex: Extracted, meta: str) -> str | None:
    """handouts.yml with the license's notice in this language, when it was still a TODO and the page gives it."""
    name = scalar_at(meta, ("license",))
    permission = ex.facts.get("permission")
    license_ = project.config.licenses.get(name or "")
    if license_ is None or permission is None or not license_.notice.get(ex.lang, "").startswith("TODO"):
        return None
    text = (project.root / CONFIG_NAME).read_text(encoding="utf-8")
    return replace_scalar(text, ("licenses", name, "notice", ex.lang), permission.value)


def _pairs(extracted: dict[Path, Extracted]) -> dict[Path, Path]:
    """Translations in a folder → their English original: by the pages' language links, or by file names
    ("heel-pain.fr.html", "heel-pain-fr.docx" beside "heel-pain.html")."""
    english = {p: ex for p, ex in extracted.items() if ex.lang == SOURCE_LANGUAGE}
    pairs = {}
    for path, ex in extracted.items():
        if ex.lang == SOURCE_LANGUAGE:
            continue
        for other, source in english.items():
            linked = ex.alternates.get(SOURCE_LANGUAGE) and ex.alternates[SOURCE_LANGUAGE] == source.url
            linked = linked or (source.alternates.get(ex.lang) and source.alternates[ex.lang] == ex.url)
            stem = re.sub(rf"[._-]{ex.lang}$", "", path.stem)
            if linked or stem == re.sub(rf"[._-]{SOURCE_LANGUAGE}$", "", other.stem) and stem != path.stem:
                pairs[path] = other
                break
    return pairs


def source_files(sources: list[Path]) -> list[Path]:
    """The files an import reads: each file named, and a folder's .html, .htm, .docx, .md and .txt files."""
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            found = sorted(p for p in source.iterdir() if p.is_file() and p.suffix.lower() in READERS)
            if not found:
                raise HandoutsError(f"{source}: has no .html, .docx, .md or .txt files to import")
            files += found
        else:
            files.append(source)
    return files


def import_sources(project: Project, sources: list[Path], options: Options,
                   progress: Callable[[Result], None] | None = None) -> list[Result]:
    """Import files and folders of files; a file that fails is reported and the others go on."""
    files = source_files(sources)
    results: dict[Path, Result] = {}
    extracted: dict[Path, Extracted] = {}
    for path in files:
        try:
            extracted[path] = read(path, str(path), options.lang)
        except HandoutsError as error:
            results[path] = Result(str(path), "failed", _message(error, path))
            if progress:
                progress(results[path])
    pairs = _pairs(extracted) if not options.into else {}
    known = library_translations(project)  # read once: the library does not change its names during an import
    ordered = [p for p in files if p in extracted and p not in pairs] + [p for p in files if p in pairs]
    for path in ordered:
        ex = extracted[path]
        try:
            original = results.get(pairs.get(path))
            if path in pairs and (original is None or original.status == "failed"):
                raise InputError(ex.display, f"its English original {pairs[path]} was not imported")
            into = options.into or (original.slug if path in pairs else None)
            result = import_into(project, ex, into, options) if into else import_new(project, ex, options, known)
            if result.license_added and not options.dry_run:
                project = load_project(project.root)
        except HandoutsError as error:
            result = Result(str(path), "failed", _message(error, path))
        results[path] = result
        if progress:
            progress(result)
    return [results[p] for p in files]


def _message(error: HandoutsError, path: Path) -> str:
    message = error.format_message()
    return message.removeprefix(f"{path}: ")


def summary_lines(results: list[Result]) -> list[str]:
    """The summary of a bulk import: one row per source, then the count of each outcome."""
    rows = [("SOURCE", "HANDOUT", "RESULT", "DETAIL")]
    for r in results:
        detail = r.message or (f"{r.attention} point(s) in IMPORT.md" if r.attention else "")
        rows.append((r.source, f"{r.slug}/{r.lang}.md" if r.slug else "-", r.status, detail))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3] for row in rows]
    counts = {status: sum(1 for r in results if r.status == status) for status in ("imported", "needs attention", "failed")}
    return lines + [f"{counts['imported']} imported, {counts['needs attention']} need attention, {counts['failed']} failed."]


def result_lines(result: Result, dry_run: bool) -> list[str]:
    """What one imported file prints: the report itself on a dry run, else the files written; then the outcome."""
    lines = [result.report] if dry_run else [f"wrote    {path}" for path in result.written]
    if result.license_added:
        lines.append("A new license was proposed in handouts.yml: confirm it (see IMPORT.md).")
    lines.append(f"{result.status}: {result.attention} point(s) need a person, listed in handouts/{result.slug}/IMPORT.md"
                 + (" (not written: --dry-run)" if dry_run else ""))
    return lines
