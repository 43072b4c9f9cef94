"""Handouts × languages × layouts → the targets to build, each with the digest of its inputs."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import __version__
from ..project.config import Project
from ..project.layouts import Layout, load_layout
from ..source.model import Handout


@dataclasses.dataclass(frozen=True)
class Target:
    """One PDF to make: a handout in a language and a layout."""

    slug: str
    lang: str  # for a bilingual layout: the first language, whose part comes first
    layout: str
    default_layout: str
    bilingual: bool = False

    @property
    def path(self) -> str:
        """Where it goes, relative to output/: en/vertebroplasty.pdf, en/vertebroplasty.a4.pdf,
        bilingual/vertebroplasty.pdf."""
        if self.bilingual:
            return f"{self.layout}/{self.slug}.pdf"
        suffix = "" if self.layout == self.default_layout else f".{self.layout}"
        return f"{self.lang}/{self.slug}{suffix}.pdf"


def plan(project: Project, slugs: list[str], langs: list[str], layouts: dict[str, Layout],
         handouts: dict[str, Handout]) -> list[Target]:
    targets = []
    for slug in slugs:
        handout = handouts.get(slug)
        if handout is None:
            continue
        for lang in langs:
            if lang not in handout.versions:
                continue
            for name in layouts:
                bilingual = layouts[name].bilingual
                if bilingual and lang != langs[0]:
                    continue  # one bilingual document per handout
                targets.append(Target(slug, lang, name, project.config.layout, bilingual))
    return targets


def in_shard(target: Target, shard: tuple[int, int] | None) -> bool:
    """Whether `target` belongs to shard K of N: decided by its path alone, so every runner agrees
    and a target stays in its shard as the corpus grows."""
    if shard is None:
        return True
    index, count = shard
    return int(hashlib.sha256(target.path.encode()).hexdigest(), 16) % count == index - 1


def _digest_files(hasher: Any, root: Path, files: Iterable[Path]) -> None:
    for file in files:
        hasher.update(str(file.relative_to(root)).encode() + b"\0")
        hasher.update(file.read_bytes())
        hasher.update(b"\0")


def _code_files() -> list[Path]:
    return sorted(Path(__file__).parent.parent.rglob("*.py"))


def input_digest(project: Project, target: Target, layout: Layout, shared: str) -> str:
    """Everything that can change the target's bytes: its sources, layout, fonts, code versions."""
    hasher = hashlib.sha256(shared.encode())
    folder = project.handouts_dir / target.slug
    # Every file of the handout: the other languages' files matter too (the "also available in"
    # line, bilingual documents).
    _digest_files(hasher, project.root, sorted(p for p in folder.iterdir() if p.is_file()))
    _digest_files(hasher, project.root, layout.files())
    if layout.imposes:
        _digest_files(hasher, project.root, load_layout(project.layouts_dir, layout.imposes).files())
    hasher.update(f"{target.path}\0{target.lang}".encode())  # a bilingual PDF's order depends on its first language
    return hasher.hexdigest()


def shared_digest(project: Project) -> str:
    """Inputs shared by every target: config, base layout files, fonts, pipeline and WeasyPrint."""
    from importlib.metadata import version

    # Every package whose version can change a PDF's bytes.
    packages = ("weasyprint", "pydyf", "fonttools", "pyphen", "pypdf", "markdown-it-py", "mdit-py-plugins",
                "jinja2", "babel", "segno")
    hasher = hashlib.sha256("\0".join([__version__] + [version(name) for name in packages]).encode())
    shared = [project.root / "handouts.yml"]
    shared += sorted(p for p in project.layouts_dir.iterdir() if p.is_file())
    shared += sorted((project.layouts_dir / "locales").glob("*"))
    shared += sorted(p for p in project.fonts_dir.iterdir() if p.is_file())
    _digest_files(hasher, project.root, shared)
    _digest_files(hasher, Path(__file__).parent.parent, _code_files())
    return hasher.hexdigest()
