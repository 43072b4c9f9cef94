"""`handouts import` on a folder of web pages, Word documents and text files written for these tests:
the sources it writes are exactly the golden files, `check` accepts them, and they build in every layout
and verify. The folder is imported and built once per test session (shared by the xdist workers)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import os
import re
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
    reviewed: Path  # a copy with every TODO filled in, as a person would before publishing
    results: list[dict]
    summary: list[str]
    config_before: str
    refused: list[str]  # handouts the build refused as imported (placeholders left)
    as_imported: list[dict]
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
    slugs = sorted({r.slug for r in results if r.slug})
    # As imported, a handout with a TODO left is refused by the build, the others build.
    as_imported = build(load_project(root), slugs, ["en"], ["letter"], jobs=1)
    refused = sorted({str(p.file).split("/")[1] for p in as_imported.problems if not p.warning})
    # Then a person does what IMPORT.md asks (here: every TODO filled in) and it all builds.
    reviewed = dest / "reviewed"
    shutil.copytree(root, reviewed, ignore=shutil.ignore_patterns("output"))
    _fill_in(reviewed, slugs)
    project = load_project(reviewed)
    summary = build(project, slugs, list(project.config.languages), available(project.layouts_dir), jobs=2)
    return {"root": str(root), "reviewed": str(reviewed), "results": [dataclasses.asdict(r) for r in results],
            "summary": summary_lines(results), "config_before": before, "refused": refused,
            "as_imported": [{"path": o.target.path, "status": o.status} for o in as_imported.outcomes],
            "built": [{"path": o.target.path, "status": o.status, "message": o.message} for o in summary.outcomes]}


def _fill_in(root: Path, slugs: list[str]) -> None:
    """What IMPORT.md asks a person to do, done: every TODO written over with real text."""
    for index, slug in enumerate(slugs):
        for file in (root / "handouts" / slug).iterdir():
            if file.suffix in (".yml", ".md") and file.name != "IMPORT.md":
                text = file.read_text(encoding="utf-8")
                text = re.sub(r'^number: "TODO".*$', f'number: "7{index:04d}"', text, flags=re.M)
                text = re.sub(r'"TODO[^"\n]*"', '"Checked by the reviewer"', text)
                text = re.sub(r"[ \t]*# TODO.*$", "", text, flags=re.M)
                text = re.sub(r"^TODO.*\n", "", text, flags=re.M)
                file.write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Imported:
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    with filelock.FileLock(shared / "import-fixture.lock"):
        data = shared / "import-fixture.json"
        if not data.exists():
            data.write_text(json.dumps(_make(shared / "import-fixture")), encoding="utf-8")
    values = json.loads(data.read_text(encoding="utf-8"))
    return Imported(Path(values["root"]), Path(values["reviewed"]), values["results"], values["summary"],
                    values["config_before"], values["refused"], values["as_imported"], values["built"])


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


def test_a_handout_with_a_placeholder_left_is_not_published(imported: Imported) -> None:
    """Straight from the import, every handout with a TODO left is refused (issue 11); the rest build."""
    with_todo = sorted(slug for slug in {r["slug"] for r in imported.results if r["slug"]}
                       if any("TODO" in file.read_text(encoding="utf-8")
                              for file in (imported.root / "handouts" / slug).glob("*.[ym][md]*")
                              if file.name != "IMPORT.md"))
    assert with_todo and imported.refused == with_todo
    built = {o["path"].split("/")[1].removesuffix(".pdf") for o in imported.as_imported if o["status"] == "built"}
    assert built and not built & set(with_todo)


def test_every_imported_handout_builds_in_every_layout_and_verifies(imported: Imported) -> None:
    """Once a person has filled in what IMPORT.md lists."""
    failed = [(o["path"], o["message"]) for o in imported.built if o["status"] == "failed"]
    assert not failed
    manifest = json.loads((imported.reviewed / "output" / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    layouts = available(imported.reviewed / "layouts")
    for result in imported.results:
        for layout in layouts:
            if layout == "bilingual":
                path = f"bilingual/{result['slug']}.pdf"
            else:
                path = f"{result['lang']}/{result['slug']}{'' if layout == 'letter' else '.' + layout}.pdf"
            assert path in manifest, path
            assert (imported.reviewed / "output" / path).stat().st_size > 0
            if manifest[path].get("pdfua"):
                assert manifest[path]["verify"] == "pass", (path, manifest[path].get("verify"))
