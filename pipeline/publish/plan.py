"""Handouts × languages × layouts → the targets to build (PDFs, HTML editions, the site's shared files), each with the digest of its inputs."""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import os
import sys
from pathlib import Path

from .. import __version__
from ..project.config import SITE_CSS, Project, web_page
from ..project.layouts import Layout, load_layout, pdf_path
from .state import Files, State

PDF, HTML, SITE = "pdf", "html", "site"
# Every package whose version can change an output's bytes.
PACKAGES = ("weasyprint", "pydyf", "fonttools", "pyphen", "pypdf", "markdown-it-py", "mdit-py-plugins",
            "jinja2", "babel", "segno", "brotli")
CODE = Path(__file__).parent.parent


@dataclasses.dataclass(frozen=True)
class Target:
    """One file to make: a handout's PDF in a language and layout, its HTML edition in a language
    (kind "html", no layout), or the site's shared files (kind "site": stylesheet, fonts, scripts)."""

    slug: str
    lang: str  # for a bilingual layout: the first language, whose part comes first
    layout: str
    default_layout: str
    bilingual: bool = False
    kind: str = PDF

    @property
    def path(self) -> str:
        """Where it goes, relative to output/: en/vertebroplasty.pdf, en/vertebroplasty.a4.pdf,
        bilingual/vertebroplasty.pdf, web/fever-children/en.html, web/site.css."""
        if self.kind == HTML:
            return web_page(self.slug, self.lang)
        if self.kind == SITE:
            return SITE_CSS
        return pdf_path(self.slug, self.lang, self.layout, self.default_layout, self.bilingual)


def plan(project: Project, slugs: list[str], langs: list[str], layouts: dict[str, Layout],
         languages: dict[str, list[str]], web: bool = False, electronic: dict[str, bool] | None = None) -> list[Target]:
    """The targets of the selected handouts. `languages`: each readable handout's languages;
    `web`: also the HTML editions of handouts whose license permits electronic use (`electronic`),
    and then the site's shared files."""
    targets = []
    default = project.config.layout
    for slug in slugs:
        present = languages.get(slug)
        if present is None:
            continue
        for lang in langs:
            if lang not in present:
                continue
            if web and (electronic or {}).get(slug):
                targets.append(Target(slug, lang, "", default, kind=HTML))
            for name in layouts:
                bilingual = layouts[name].bilingual
                if bilingual and lang != langs[0]:
                    continue  # one bilingual document per handout
                targets.append(Target(slug, lang, name, default, bilingual))
    if any(target.kind == HTML for target in targets):
        targets.append(Target("", "", "", default, kind=SITE))
    return targets


def in_shard(target: Target, shard: tuple[int, int] | None) -> bool:
    """Whether `target` belongs to shard K of N: decided by its path alone, so every runner agrees
    and a target stays in its shard as the corpus grows."""
    if shard is None:
        return True
    index, count = shard
    return int(hashlib.sha256(target.path.encode()).hexdigest(), 16) % count == index - 1


def _names(folder: str | Path, pattern: str = "*") -> list[str]:
    """The names of the folder's files (not hidden) matching `pattern`, sorted. A directory listing
    says which entries are files without a stat of each: a no-op build reads a thousand folders."""
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if not e.name.startswith(".")
                          and (pattern == "*" or fnmatch.fnmatch(e.name, pattern)) and e.is_file())
    except OSError:  # no such folder, or one that cannot be read: nothing to hash, as glob says
        return []


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    return [folder / name for name in _names(folder, pattern)]


def _versions(state: State) -> str:
    """The versions of PACKAGES, looked up again only when the installed packages may have changed
    (a folder on sys.path changed: pip adds and removes folders there)."""
    key = [[entry, os.stat(entry).st_mtime_ns] for entry in sys.path if entry and os.path.isdir(entry)]
    cached = state.versions
    if cached.get("key") == key:
        return cached["value"]
    from importlib.metadata import PackageNotFoundError, version

    def find(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "-"

    value = "\0".join([__version__, sys.version] + [find(name) for name in PACKAGES])
    state.versions = {"key": key, "value": value}
    return value


class Digests:
    """The input digest of every target, from file hashes that are read only when a file's stat changed."""

    def __init__(self, project: Project, state: State, layouts: dict[str, Layout]) -> None:
        self.project = project
        self.files: Files = state.files
        self.layouts = layouts
        self._folders: dict[str, list[tuple[str, str]]] = {}
        self._handouts: dict[str, str] = {}
        self._layouts: dict[str, str] = {}
        root, layouts_dir = project.root, project.layouts_dir
        self.code = self._hash([], _files_under(CODE), CODE.parent)
        base = self._hash([_versions(state), self.code],
                          [root / "handouts.yml", *_files(layouts_dir / "locales")])
        self.pdf = self._hash([base], [*_files(layouts_dir), *_files(project.fonts_dir)])
        # The web edition: the handout as part.html prints it and the layouts it links, not the print CSS.
        configured = [layouts_dir / name / "layout.yml" for name in project.config.layouts]
        self.web = self._hash([base], [*_files(layouts_dir, "*.html"), *configured])
        self.site = self._hash([_versions(state), self.code], _files(project.fonts_dir))
        self.config = self._hash([self.code], [root / "handouts.yml"])

    def _hash(self, parts: list[str], files: list[Path], root: Path | None = None) -> str:
        """A digest of `parts` and of each file's name (relative to `root`, default the project) and content."""
        hasher = hashlib.sha256("\0".join(parts).encode())
        self._update(hasher, files, root or self.project.root)
        return hasher.hexdigest()

    def _update(self, hasher, files: list[Path], root: Path) -> None:
        for file in files:
            hasher.update(f"\0{file.relative_to(root).as_posix()}\0{self.files.sha(file)}".encode())

    def folder(self, slug: str) -> list[tuple[str, str]]:
        """(name, SHA-256) of each file in the handout's folder."""
        if slug not in self._folders:
            # Strings, not Paths: for a thousand handouts pathlib's objects cost more than the stats.
            folder = os.path.join(self.project.handouts_dir, slug)
            self._folders[slug] = [(name, self.files.sha(os.path.join(folder, name)) or "") for name in _names(folder)]
        return self._folders[slug]

    def handout(self, slug: str) -> str:
        """Changes when anything a handout's checked summary depends on does: its files, handouts.yml, our code."""
        if slug not in self._handouts:
            hasher = hashlib.sha256(self.config.encode())
            for name, digest in self.folder(slug):
                hasher.update(f"\0{name}\0{digest}".encode())
            self._handouts[slug] = hasher.hexdigest()
        return self._handouts[slug]

    def _layout(self, name: str) -> str:
        """A digest of every file of a layout (its folder)."""
        if name not in self._layouts:
            layout = self.layouts.get(name) or load_layout(self.project.layouts_dir, name)
            self._layouts[name] = self._hash([name], layout.files())
        return self._layouts[name]

    def target(self, target: Target, stale_languages: set[str] | frozenset[str] = frozenset()) -> str:
        """Everything that can change the target's bytes. A PDF or page in one language reads its
        own Markdown file, the handout's other files (handout.yml, images) and which other
        languages exist (the "also available in" line); a bilingual PDF reads every language. Of
        the English, a translation reads only whether it is stale (its About block says so)."""
        if target.kind == SITE:
            return self.site
        stale = target.lang in stale_languages or (target.bilingual and bool(stale_languages))
        hasher = hashlib.sha256((self.web if target.kind == HTML else self.pdf).encode() + b"\0stale" * stale)
        layout = self.layouts.get(target.layout)
        every_language = layout is not None and layout.bilingual
        for name, digest in self.folder(target.slug):
            own = not name.endswith(".md") or every_language or name == f"{target.lang}.md"
            hasher.update(f"\0{name}\0{digest if own else 'present'}".encode())
        if layout is not None:
            hasher.update(self._layout(layout.name).encode())
            if layout.imposes:
                hasher.update(self._layout(layout.imposes).encode())
        hasher.update(f"\0{target.path}\0{target.lang}".encode())  # a bilingual PDF's order depends on its first language
        return hasher.hexdigest()


def _files_under(folder: Path) -> list[Path]:
    """Our code and the templates and scripts shipped with it."""
    files = []
    for parent, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if name != "__pycache__"]
        files += [Path(parent, name) for name in names if not name.startswith(".")]
    return sorted(files)
