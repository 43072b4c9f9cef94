"""`handouts import` on a folder of web pages, Word documents and text files written for these tests:
the sources it writes are exactly the golden files, `check` accepts them, and they build in every layout
and verify. The folder is imported and built once per test session (shared by the xdist workers)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import os
import shutil
from pathlib import Path

import filelock
import pytest
import yaml

from pipeline.cli import main
from pipeline.exchange.importer import summary_lines
from pipeline.exchange.images import picture_format
from pipeline.exchange.importer import Options, import_sources
from pipeline.project.config import load_project
from pipeline.project.layouts import available
from pipeline.publish.build import build

from .conftest import copy_project
from .word_fixtures import build_all

HERE = Path(__file__).resolve().parent
IMPORT = HERE / "fixtures" / "import"
EXPECTED = IMPORT / "expected"
# Reviews and "today" in the imported files are judged against this date, so the golden files do not age.
TODAY = dt.date(2026, 1, 15)
UPDATE = os.environ.get("HANDOUTS_UPDATE_GOLDEN") == "1"


@dataclasses.dataclass
class Imported:
    root: Path
    results: list[dict]
    summary: list[str]
    config_before: str
    built: list[dict]


def _make(dest: Path) -> dict:
    (dest / "project").mkdir(parents=True)
    root = copy_project(dest / "project")
    inbox = dest / "inbox"
    inbox.mkdir()
    for path in [*(IMPORT / "web").iterdir(), *(IMPORT / "text").iterdir()]:
        (shutil.copytree if path.is_dir() else shutil.copy)(path, inbox / path.name)
    build_all(inbox)
    before = (root / "handouts.yml").read_text(encoding="utf-8")
    cwd = Path.cwd()
    os.chdir(dest)  # sources are named as a user in `dest` names them: inbox/heel-pain.html
    try:
        results = import_sources(load_project(root), [Path("inbox")], Options(today=TODAY))
    finally:
        os.chdir(cwd)
    project = load_project(root)
    slugs = sorted({r.slug for r in results if r.slug})
    summary = build(project, slugs, list(project.config.languages), available(project.layouts_dir), jobs=2)
    return {"root": str(root), "results": [dataclasses.asdict(r) for r in results],
            "summary": summary_lines(results), "config_before": before,
            "built": [{"path": o.target.path, "status": o.status, "message": o.message} for o in summary.outcomes]}


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Imported:
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    with filelock.FileLock(shared / "import-fixture.lock"):
        data = shared / "import-fixture.json"
        if not data.exists():
            data.write_text(json.dumps(_make(shared / "import-fixture")), encoding="utf-8")
    values = json.loads(data.read_text(encoding="utf-8"))
    return Imported(Path(values["root"]), values["results"], values["summary"], values["config_before"], values["built"])


def _golden(expected: Path, actual: str) -> None:
    if UPDATE:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
    assert expected.is_file(), f"no golden file {expected.relative_to(HERE)} (HANDOUTS_UPDATE_GOLDEN=1 writes it)"
    wanted = expected.read_text(encoding="utf-8")
    assert actual == wanted, "".join(difflib.unified_diff(wanted.splitlines(True), actual.splitlines(True),
                                                          str(expected.relative_to(HERE)), "imported"))


GOLDEN = sorted((p.parent.name, p.name) for p in EXPECTED.glob("*/*") if p.is_file())


@pytest.mark.parametrize(("slug", "name"), GOLDEN, ids=[f"{s}/{n}" for s, n in GOLDEN])
def test_imported_sources_are_the_golden_files(imported: Imported, slug: str, name: str) -> None:
    _golden(EXPECTED / slug / name, (imported.root / "handouts" / slug / name).read_text(encoding="utf-8"))


def test_every_handout_folder_holds_its_sources_and_pictures(imported: Imported) -> None:
    """No file more or less than the golden ones and the pictures handout.yml lists, each a real picture."""
    slugs = {r["slug"] for r in imported.results if r["slug"]}
    assert slugs == {p.name for p in EXPECTED.iterdir() if p.is_dir()}
    for slug in slugs:
        folder = imported.root / "handouts" / slug
        meta = yaml.safe_load((folder / "handout.yml").read_text(encoding="utf-8"))
        pictures = set(meta["images"])
        assert {p.name for p in folder.iterdir()} == {p.name for p in (EXPECTED / slug).iterdir()} | pictures
        for name in pictures:
            assert picture_format((folder / name).read_bytes()) == name.rsplit(".", 1)[1]


def test_the_saved_pages_own_picture_is_copied_unchanged(imported: Imported) -> None:
    copied = imported.root / "handouts" / "sprained-ankle" / "ankle-wrap.png"
    assert copied.read_bytes() == (IMPORT / "web" / "drupal-sprained-ankle_files" / "ankle-wrap.png").read_bytes()


def test_the_bulk_import_prints_its_summary(imported: Imported) -> None:
    _golden(EXPECTED / "summary.txt", "\n".join(imported.summary) + "\n")


def test_a_new_copyright_holder_gets_a_proposed_license(imported: Imported) -> None:
    """Only lines are added to handouts.yml (its comments kept), and they are the proposed license entry."""
    after = (imported.root / "handouts.yml").read_text(encoding="utf-8")
    diff = list(difflib.ndiff(imported.config_before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")]
    _golden(EXPECTED / "handouts.yml.added", "\n".join(line[2:] for line in diff if line.startswith("+ ")) + "\n")


def test_check_accepts_every_imported_handout(imported: Imported, cli) -> None:
    slugs = sorted({r["slug"] for r in imported.results if r["slug"]})
    result = cli.invoke(main, ["check", "--project", str(imported.root), *slugs])
    assert result.exit_code == 0, result.output
    assert f"Checked {len(slugs)} handout(s): 0 error(s)" in result.output


def test_every_imported_handout_builds_in_every_layout_and_verifies(imported: Imported) -> None:
    failed = [(o["path"], o["message"]) for o in imported.built if o["status"] == "failed"]
    assert not failed
    manifest = json.loads((imported.root / "output" / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    layouts = available(imported.root / "layouts")
    for result in imported.results:
        for layout in layouts:
            if layout == "bilingual":
                path = f"bilingual/{result['slug']}.pdf"
            else:
                path = f"{result['lang']}/{result['slug']}{'' if layout == 'letter' else '.' + layout}.pdf"
            assert path in manifest, path
            assert (imported.root / "output" / path).stat().st_size > 0
            if manifest[path].get("pdfua"):
                assert manifest[path]["verify"] == "pass", (path, manifest[path].get("verify"))
