"""The photocopy layout prints every picture in greys, with lines dark and fills light, converted as
the picture is read: the handout's files are untouched and the colour layouts keep their colours."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from pipeline.project.config import load_project
from pipeline.publish.build import build

from .conftest import copy_project
from .pdfpaint import colours, not_grey

FIXTURE = Path(__file__).parent / "fixtures" / "print" / "colours"
SLUG = "colours"
# A copier turns mid-greys to mud: picture greys are dark (lines, dark fills) or light (fills,
# highlights), nothing in between. Values are sRGB greys, 0 black to 1 white.
MUD = (0.37, 0.66)


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The colour fixture built in photocopy, then in letter by the same warm renderer."""
    root = copy_project(tmp_path_factory.mktemp("greys"), ())
    shutil.copytree(FIXTURE, root / "handouts" / SLUG)
    before = _digests(root)
    summary = build(load_project(root), [SLUG], ["en", "fr"], ["photocopy", "letter"], jobs=1)
    assert not summary.failed, [o.message for o in summary.outcomes]
    return {"root": root, "before": before, "after": _digests(root)}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_photocopy_prints_only_greys(printed: dict, lang: str) -> None:
    """Every fill, stroke and text colour, every gradient stop and every image sample in the
    photocopy PDF is a grey; the same handout in letter is in colour (so the pictures have colour)."""
    output = printed["root"] / "output" / lang
    assert not_grey(output / f"{SLUG}.photocopy.pdf") == []
    kinds = {(what, space) for _, what, space, _ in not_grey(output / f"{SLUG}.pdf")}
    assert {("shading", "/DeviceRGB"), ("image", "/DeviceRGB")} <= kinds, kinds


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_photocopy_pictures_keep_their_contrast(printed: dict, lang: str) -> None:
    """Inside the pictures no grey is left in the muddy middle, there are both dark and light
    greys, and each photo's greys are stretched over the full range."""
    path = printed["root"] / "output" / lang / f"{SLUG}.photocopy.pdf"
    greys = [values[0] for where, what, _, values in colours(path) if "figure" in where and what != "image"]
    assert greys and not [grey for grey in greys if MUD[0] < grey < MUD[1]], sorted(set(greys))
    assert min(greys) < 0.2 and max(greys) > 0.8
    reader = pypdf.PdfReader(path)
    photos = []
    for page in reader.pages:
        for image in page.images:
            grey = image.image.convert("L")
            if grey.width > 20:  # the photos, not the QR code
                photos.append(grey.getextrema())
    # The PNG (also drawn inside the SVG), the JPEG and the GIF.
    assert len(photos) >= 3 and all(low <= 12 and high >= 243 for low, high in photos), photos


def test_conversion_writes_nothing_and_caches_no_grey(printed: dict) -> None:
    """The pictures are converted in memory: no file of the project changes and none is added
    outside output/; the letter PDFs, rendered after by the same process, are in colour."""
    changed = {name for name in printed["before"] if printed["after"].get(name) != printed["before"][name]}
    added = {name for name in printed["after"] if name not in printed["before"] and not name.startswith("output/")}
    assert not changed and not added
    png = Image.open(FIXTURE / "photo.png")
    assert png.mode == "RGBA"  # the source stays in colour


def test_unreadable_picture_in_photocopy_is_a_located_error(tmp_path: Path) -> None:
    """A picture cut short (its header readable, its data not) is found before anything is
    rendered (issue 11): a located error on its line of handout.yml, and nothing is published."""
    root = copy_project(tmp_path, ())
    shutil.copytree(FIXTURE, root / "handouts" / SLUG)
    png = root / "handouts" / SLUG / "photo.jpg"
    png.write_bytes(png.read_bytes()[:300])
    summary = build(load_project(root), [SLUG], ["en"], ["photocopy"], jobs=1)
    assert not summary.outcomes
    (problem,) = [p for p in summary.problems if not p.warning]
    assert str(problem).startswith("handouts/colours/handout.yml:12:3: 'images': "), problem
    assert '"photo.jpg" is damaged or cut short' in str(problem)
    assert not (root / "output" / "en" / f"{SLUG}.photocopy.pdf").exists()
