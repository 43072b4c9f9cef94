"""fonts/ and our templates → the files every page of the site shares: web/site.css, the fonts as WOFF2, the search script.

The pages load nothing from elsewhere: the project's own fonts (Atkinson Hyperlegible, made for
low-vision readers, as in the PDFs) are served from the site, converted to WOFF2 by fontTools
(a quarter of the bytes on a phone), with their license beside them.
"""

from __future__ import annotations

import io
from pathlib import Path

import jinja2

from ..project.config import SITE_CSS, Project
from .page import TEMPLATES

STATIC = Path(__file__).parent / "static"
FONT_FILES = ("*.ttf", "*.otf")
# Fuse.js 7.2.0 (npm "fuse.js", Apache-2.0): fuzzy search in the browser; 7.2.0 is the last
# release with a build a page can load as a plain script from a file on disk (file://).
SCRIPTS = {"web/fuse.min.js": "fuse.min.js", "web/fuse.LICENSE.txt": "fuse.LICENSE.txt"}


def _face(path: Path) -> dict[str, str]:
    """The @font-face descriptors of a font file, from its own name and OS/2 tables."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    names = font["name"]
    family = str(names.getDebugName(16) or names.getDebugName(1))
    os2 = font["OS/2"]
    return {"family": family.replace('"', ""), "weight": str(os2.usWeightClass),
            "style": "italic" if os2.fsSelection & 1 else "normal"}


def _woff2(path: Path) -> bytes:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path))
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


def font_files(project: Project) -> list[Path]:
    return sorted(p for pattern in FONT_FILES for p in project.fonts_dir.glob(pattern) if p.is_file())


def site_files(project: Project) -> dict[str, bytes]:
    """Every shared file of the site, by its path under output/."""
    files: dict[str, bytes] = {}
    faces = []
    for path in font_files(project):
        name = f"web/fonts/{path.stem}.woff2"
        files[name] = _woff2(path)
        faces.append({**_face(path), "src": name.removeprefix("web/")})
    for license_file in sorted(project.fonts_dir.glob("*.txt")):
        files[f"web/fonts/{license_file.name}"] = license_file.read_bytes()
    families = list(dict.fromkeys(face["family"] for face in faces))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    files[SITE_CSS] = env.get_template("site.css").render(faces=faces, family=families[0] if families else None).encode()
    files["web/search.js"] = (TEMPLATES / "search.js").read_bytes()
    for name, source in SCRIPTS.items():
        files[name] = (STATIC / source).read_bytes()
    return files
