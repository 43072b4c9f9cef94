"""`handouts import` piece by piece: dates, permissions and citations as documents write them, text that must
read back exactly, bad inputs refused cleanly, scripts never run, nothing overwritten, a translation added
to its handout, and nothing fetched from the network."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.exchange.dates import find_date
from pipeline.exchange.escaping import escape, escape_line_start
from pipeline.exchange.licenses import permits
from pipeline.exchange.references import parse_reference
from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from .conftest import ROOT
from .word_fixtures import broken

HERE = Path(__file__).resolve().parent
IMPORT = HERE / "fixtures" / "import"
CASES = IMPORT / "cases"
BAD = IMPORT / "bad"


def _cases(name: str) -> list[dict]:
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _cases("dates.yml"), ids=lambda c: f"{c['lang']}:{c['text']}")
def test_dates_are_read_as_documents_write_them(case: dict) -> None:
    found = find_date(case["text"], case["lang"], case.get("order"), today=dt.date(2026, 1, 15))
    if case["date"] is None:
        assert found is None
        return
    assert found is not None and found.date == case["date"]
    assert bool(found.reading) == case.get("ambiguous", False)
    assert found.month_only == case.get("month_only", False)
    if found.reading:  # says so, and says which reading was taken
        assert "could be" in found.reading and "read " in found.reading


@pytest.mark.parametrize("case", _cases("permits.yml"), ids=lambda c: c["text"][:40])
def test_permission_notices_grant_what_they_say(case: dict) -> None:
    assert permits(case["text"]) == case["permits"]


@pytest.mark.parametrize("case", _cases("references.yml"), ids=lambda c: c["text"][:40])
def test_citations_become_sources(case: dict) -> None:
    assert parse_reference(case["text"], "en") == case["reference"]


# Our parser's rules without its typographer (which turns ".." into "…" and quotes curly in every handout).
PLAIN = MarkdownIt("commonmark", {"html": True, "maxNesting": 20}).enable("table")
PLAIN.use(container_plugin, "callout").use(attrs_plugin, spans=True, allowed=["lang"])


def _read_back(markdown: str) -> str:
    tokens = PLAIN.parse(markdown)
    inline = [t for t in tokens if t.type == "inline"]
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], markdown
    return "".join(c.content for c in inline[0].children if c.type in ("text", "code_inline"))


# Text with every character Markdown gives a meaning to.
TEXT = st.text(alphabet=st.sampled_from(list("ab 1.2)#>-+*_`[]{}()<>!|\\&;:~=\"'") + ["é", "\u00a0"]), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_escaped_text_reads_back_exactly(text: str) -> None:
    """Whatever a page says, the Markdown written for it reads back as that text: no emphasis, link, HTML,
    heading, list or call-out appears by accident."""
    plain = " ".join(text.split())
    if not plain:
        return
    assert _read_back(escape_line_start(escape(plain))) == plain


def _project(tmp_path: Path) -> Path:
    from .conftest import copy_project

    return copy_project(tmp_path)


@pytest.fixture(scope="module")
def word_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return broken(tmp_path_factory.mktemp("word"))


BAD_CASES = yaml.safe_load((BAD / "cases.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", BAD_CASES, ids=lambda c: c.get("file") or c.get("word") or c.get("generate"))
def test_bad_input_is_refused_cleanly(case: dict, tmp_path: Path, word_files: dict[str, Path], cli,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    if "file" in case:
        shutil.copy(BAD / case["file"], inbox / case["file"])
        name = case["file"]
    elif "word" in case:
        name = f"{case['word']}.docx"
        shutil.copy(word_files[case["word"]], inbox / name)
    else:
        name = case["generate"]
        (inbox / name).write_bytes(b"<p>" + b" " * (5_000_001 - 3))
    before = sorted(p.name for p in (root / "handouts").iterdir())
    monkeypatch.chdir(inbox)
    result = cli.invoke(main, ["import", "--project", str(root), name])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {case['error']}"
    assert "Traceback" not in result.output
    assert sorted(p.name for p in (root / "handouts").iterdir()) == before


def test_a_bad_file_in_a_folder_does_not_stop_the_others(tmp_path: Path, word_files: dict[str, Path], cli) -> None:
    root = _project(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(word_files["password"], inbox / "locked.docx")
    shutil.copy(BAD / "photo.html", inbox / "photo.html")
    shutil.copy(IMPORT / "text" / "hand-washing-pdf.txt", inbox / "hand-washing.txt")
    result = cli.invoke(main, ["import", "--project", str(root), str(inbox)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "0 imported, 1 need attention, 2 failed."
    assert any("locked.docx" in line and "failed" in line and "password-protected" in line for line in lines)
    assert (root / "handouts" / "hand-washing-at-home" / "en.md").is_file()


def test_scripts_are_never_run_and_leave_nothing_behind(tmp_path: Path, cli) -> None:
    root = _project(tmp_path)
    result = cli.invoke(main, ["import", "--project", str(root), str(BAD / "scripts.html")])
    assert result.exit_code == 0, result.output
    folder = root / "handouts" / "bee-stings"
    text = "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.md") if p.name != "IMPORT.md") + (folder / "handout.yml").read_text()
    assert "SCRIPT RAN" not in text.replace("from", "")
    for leftover in ("javascript", "alert(", "tracker.example.com", "cdn.example.com", "onerror", "<script"):
        assert leftover not in text
    body = (folder / "en.md").read_text(encoding="utf-8")
    assert "Do not squeeze it." in body and "[Do not squeeze it.]" not in body  # the javascript: link is dropped
    report = (folder / "IMPORT.md").read_text(encoding="utf-8")  # and the person is told
    assert ("- the page's code, removed without being run: 3 scripts, 2 event attributes (onerror, onload), "
            "1 javascript: link") in report


def test_an_existing_handout_is_not_overwritten_without_force(tmp_path: Path, cli) -> None:
    root = _project(tmp_path)
    source = IMPORT / "text" / "tennis-elbow.txt"
    args = ["import", "--project", str(root), "--slug", "vertebroplasty", str(source)]
    before = (root / "handouts" / "vertebroplasty" / "en.md").read_bytes()
    result = cli.invoke(main, args)
    assert result.exit_code == 1
    assert "handouts/vertebroplasty already exists: it is not overwritten (use --force" in result.output
    assert (root / "handouts" / "vertebroplasty" / "en.md").read_bytes() == before
    result = cli.invoke(main, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert "Tennis elbow is pain" in (root / "handouts" / "vertebroplasty" / "en.md").read_text(encoding="utf-8")
    assert not (root / "handouts" / "vertebroplasty" / "spine.svg").exists()  # replaced, not mixed
    assert not [p for p in (root / "handouts").iterdir() if p.name.startswith(".")]


def test_dry_run_prints_the_report_and_writes_nothing(tmp_path: Path, cli) -> None:
    root = _project(tmp_path)
    config = (root / "handouts.yml").read_bytes()
    result = cli.invoke(main, ["import", "--project", str(root), "--dry-run",
                               str(IMPORT / "web" / "child-fever-medicine.html")])
    assert result.exit_code == 0, result.output
    assert "# Import notes: fever-medicine-for-children-how-much-to-give" in result.output
    assert "a new license 'khls' was added to handouts.yml" in result.output
    assert not (root / "handouts" / "fever-medicine-for-children-how-much-to-give").exists()
    assert (root / "handouts.yml").read_bytes() == config


def test_a_french_page_goes_into_its_handout_and_its_structure_is_compared(tmp_path: Path, cli) -> None:
    """--into: fr.md with translates from the English revision, and the parity warnings check gives."""
    root = _project(tmp_path)
    (root / "handouts" / "vertebroplasty" / "fr.md").unlink()
    result = cli.invoke(main, ["import", "--project", str(root), "--into", "vertebroplasty",
                               str(IMPORT / "web" / "douleur-talon.html")])
    assert result.exit_code == 0, result.output
    french = (root / "handouts" / "vertebroplasty" / "fr.md").read_text(encoding="utf-8")
    assert "translates: 2014-05-01" in french and "title: Douleur au talon (fasciite plantaire)" in french
    report = (root / "handouts" / "vertebroplasty" / "IMPORT.md").read_text(encoding="utf-8")
    assert ("warning: handouts/vertebroplasty/fr.md:30:1: 'body': the English level-2 heading (##) (en.md:35)"
            " is missing before this line") in report
    assert "the French page gives number 61377, handout.yml has 61301" in report  # the page's own facts are compared
    assert (root / "handouts" / "vertebroplasty" / "en.md").read_text(encoding="utf-8").startswith("---\ntitle: Vertebroplasty")


def test_importing_loads_nothing_from_the_network(tmp_path: Path) -> None:
    """The import packages and a whole import run with every socket refused."""
    root = _project(tmp_path)
    script = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
        "from pipeline.cli import main\n"
        "main(['import', '--project', %r, %r, %r])\n"
        % (str(root), str(IMPORT / "web" / "drupal-sprained-ankle.html"), str(IMPORT / "web" / "heel-pain.html")))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "network used" not in result.stderr
    assert "0 failed" in result.stdout


@pytest.mark.parametrize("slug", ["vertebroplasty", "fever-children"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_our_own_markdown_comes_back_unchanged(tmp_path: Path, cli, slug: str, lang: str) -> None:
    """A handout's own LANG.md imported as Markdown gives back its body exactly (sections, lists, tables,
    call-outs, language spans, pictures with their captions): what the importer writes is what we write."""
    root = _project(tmp_path)
    source = ROOT / "handouts" / slug / f"{lang}.md"
    result = cli.invoke(main, ["import", "--project", str(root), "--slug", f"{slug}-again", "--lang", lang, str(source)])
    assert result.exit_code == 0, result.output
    imported = (root / "handouts" / f"{slug}-again" / f"{lang}.md").read_text(encoding="utf-8")
    assert imported.split("\n---\n", 1)[1] == source.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    for picture in yaml.safe_load((ROOT / "handouts" / slug / "handout.yml").read_text(encoding="utf-8"))["images"]:
        assert (root / "handouts" / f"{slug}-again" / picture).read_bytes() == (ROOT / "handouts" / slug / picture).read_bytes()


def test_a_french_page_alone_becomes_a_french_handout(tmp_path: Path, cli) -> None:
    """Without --into, a French page is its own handout: fr.md (with 'translates' and a point saying there is no
    English yet), French review names matched to the library's English ones, and check accepts it."""
    root = _project(tmp_path)
    result = cli.invoke(main, ["import", "--project", str(root), str(IMPORT / "web" / "douleur-talon.html")])
    assert result.exit_code == 0, result.output
    folder = root / "handouts" / "douleur-au-talon-fasciite-plantaire"
    assert sorted(p.name for p in folder.iterdir()) == ["IMPORT.md", "fr.md", "handout.yml"]
    assert "translates: 2014-05-01" in (folder / "fr.md").read_text(encoding="utf-8")
    meta = yaml.safe_load((folder / "handout.yml").read_text(encoding="utf-8"))
    assert meta["review"]["body"] == {"en": "Clinical Services Working Group", "fr": "Groupe de travail sur les services cliniques"}
    assert meta["license"] == "aafp"
    assert "has no English original here" in (folder / "IMPORT.md").read_text(encoding="utf-8")
    assert cli.invoke(main, ["check", "--project", str(root), folder.name]).exit_code == 0


def test_a_picture_that_cannot_be_printed_becomes_a_todo_not_a_failed_import(tmp_path: Path, cli) -> None:
    """A saved page's picture cut short (in its folder, or inside the page as data:) is not copied: the import
    goes on with a located TODO saying why, instead of failing check on the copied file."""
    from .word_fixtures import png

    root = _project(tmp_path)
    page = tmp_path / "page"
    (page / "page_files").mkdir(parents=True)
    whole = png("blue")
    (page / "page_files" / "cut.png").write_bytes(whole[: len(whole) // 2])
    inline = base64.b64encode(png("green")[:40]).decode("ascii")
    words = " ".join(["Keep the bandage clean and dry until your nurse tells you to take it off."] * 3)
    (page / "bandage.html").write_text(
        f'<html lang="en"><body><article><h1>Looking after a bandage</h1><p>{words}</p>'
        f'<img src="page_files/cut.png" alt="A bandage on a wrist."><img src="data:image/png;base64,{inline}" alt="A roll">'
        "</article></body></html>", encoding="utf-8")
    result = cli.invoke(main, ["import", "--project", str(root), str(page / "bandage.html")])
    assert result.exit_code == 0, result.output
    folder = root / "handouts" / "looking-after-a-bandage"
    assert sorted(p.name for p in folder.iterdir()) == ["IMPORT.md", "en.md", "handout.yml"]
    report = (folder / "IMPORT.md").read_text(encoding="utf-8")
    assert "picture not imported: page_files/cut.png is damaged or cut short" in report
    assert "picture not imported: an image inside the page is damaged or cut short" in report


def test_lists_keep_their_nesting_up_to_four_levels_and_deeper_ones_join_their_parent(tmp_path: Path, cli) -> None:
    """Nested lists stay nested (the layouts draw them); past four levels (hard to follow, and check refuses
    lists nested past nine) the deeper items are written into their level-four item, with a point."""
    root = _project(tmp_path)
    words = " ".join(["Wash your hands with soap and warm water before you eat."] * 3)
    nested = "".join(f"<ul><li>Level {level} item" for level in range(1, 13)) + "</li></ul>" * 12
    page = tmp_path / "steps.html"
    page.write_text(f'<html lang="en"><body><article><h1>Many steps</h1><p>{words}</p>{nested}</article></body></html>',
                    encoding="utf-8")
    result = cli.invoke(main, ["import", "--project", str(root), str(page)])
    assert result.exit_code == 0, result.output
    folder = root / "handouts" / "many-steps"
    body = (folder / "en.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert ("- Level 1 item\n  - Level 2 item\n    - Level 3 item\n      - Level 4 item: level 5 item: level 6 item: "
            "level 7 item: level 8 item: level 9 item: level 10 item: level 11 item: level 12 item.\n") in body
    report = (folder / "IMPORT.md").read_text(encoding="utf-8")
    assert "handouts/many-steps/en.md:14: lists nested more than 4 levels deep were written into their level-4 item" in report


def test_the_progress_bar_counts_the_files_that_are_imported(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal a folder's import shows a bar that ends full: its length is the files imported, not every
    file in the folder (a PDF or a picture beside them is not imported)."""
    import click

    from pipeline.cli import sources

    bars: list[dict] = []

    class Bar:
        def __init__(self, length: int, **_: object) -> None:
            bars.append({"length": length, "done": 0})

        def __enter__(self) -> "Bar":
            return self

        def __exit__(self, *_: object) -> None:
            pass

        def update(self, steps: int) -> None:
            bars[-1]["done"] += steps

    monkeypatch.setattr(sources, "_on_terminal", lambda: True)
    monkeypatch.setattr(click, "progressbar", Bar)
    root = _project(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("tennis-elbow.txt", "hand-washing-pdf.txt"):
        shutil.copy(IMPORT / "text" / name, inbox / name)
    shutil.copy(BAD / "notes.pdf", inbox / "notes.pdf")
    (inbox / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = cli.invoke(main, ["import", "--project", str(root), str(inbox)])
    assert result.exit_code == 0, result.output
    assert bars == [{"length": 2, "done": 2}]
    assert result.output.splitlines()[-1] == "0 imported, 2 need attention, 0 failed."


def test_a_picture_given_only_by_srcset_is_a_todo_naming_its_address(tmp_path: Path, cli) -> None:
    """Pages that serve pictures by `srcset` alone (responsive images, <picture>) still name the picture's
    web address in the TODO, as a plain src does; nothing is fetched."""
    root = _project(tmp_path)
    words = " ".join(["Put the splint on before you get up, and keep it on while you walk."] * 3)
    page = tmp_path / "splint.html"
    page.write_text(
        f'<html lang="en"><body><article><h1>Wearing a wrist splint</h1><p>{words}</p>'
        '<img srcset="https://cdn.example.com/splint-1x.jpg 1x, https://cdn.example.com/splint-2x.jpg 2x" alt="A splint">'
        '<picture><source srcset="https://cdn.example.com/strap.webp"><img alt="The strap"></picture>'
        "</article></body></html>", encoding="utf-8")
    result = cli.invoke(main, ["import", "--project", str(root), str(page)])
    assert result.exit_code == 0, result.output
    report = (root / "handouts" / "wearing-a-wrist-splint" / "IMPORT.md").read_text(encoding="utf-8")
    assert "picture not imported: https://cdn.example.com/splint-1x.jpg is on the web (nothing is downloaded)" in report
    assert "picture not imported: https://cdn.example.com/strap.webp is on the web (nothing is downloaded)" in report
    assert "has no address" not in report


def test_a_table_caption_becomes_the_markdown_caption_in_its_language(tmp_path: Path, cli) -> None:
    """<caption> → "Tableau : …" right above the table (the Markdown's caption, tagged /Caption in the PDF),
    and a table whose first column is <th> with an empty corner keeps its row headers."""
    root = _project(tmp_path)
    page = tmp_path / "doses.html"
    page.write_text(
        '<html lang="fr"><body><article><h1>Doses pour enfants</h1><p>Donnez la dose qui correspond au poids de '
        "votre enfant. Utilisez toujours la seringue fournie avec le médicament.</p><p>Demandez conseil au "
        "pharmacien.</p><table><caption>Acétaminophène (160 mg<br>dans 5 mL)</caption><thead><tr><th></th><th>Dose"
        "</th></tr></thead><tbody><tr><th>6 à 7 kg</th><td>2,5 mL</td></tr><tr><th>8 à 10 kg</th><td>4 mL</td></tr>"
        "</tbody></table></article></body></html>", encoding="utf-8")
    result = cli.invoke(main, ["import", "--project", str(root), str(page)])
    assert result.exit_code == 0, result.output
    body = (root / "handouts" / "doses-pour-enfants" / "fr.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert "Tableau : Acétaminophène (160 mg dans 5 mL)\n\n|  | Dose |\n|---|---|\n| 6 à 7 kg | 2,5 mL |\n" in body
    assert "emptied" not in (root / "handouts" / "doses-pour-enfants" / "IMPORT.md").read_text(encoding="utf-8")


def test_sections_written_as_h1_keep_their_subsections_below_them(tmp_path: Path, cli) -> None:
    """A document whose sections are level-1 headings (Word's Heading 1 under a Title; pages with several <h1>)
    keeps its hierarchy: sections become ## and their subsections ###, not all ##."""
    root = _project(tmp_path)
    words = " ".join(["Take the tablets with food and a full glass of water."] * 3)
    page = tmp_path / "tablets.html"
    page.write_text(f'<html lang="en"><body><article><h1>Taking iron tablets</h1><p>{words}</p><h1>How do I take them?</h1>'
                    f"<p>{words}</p><h2>If you miss a dose</h2><p>{words}</p><h1>What are the side effects?</h1>"
                    f"<p>{words}</p></article></body></html>", encoding="utf-8")
    result = cli.invoke(main, ["import", "--project", str(root), str(page)])
    assert result.exit_code == 0, result.output
    body = (root / "handouts" / "taking-iron-tablets" / "en.md").read_text(encoding="utf-8")
    assert [line for line in body.splitlines() if line.startswith("#")] == [
        "## How do I take them?", "### If you miss a dose", "## What are the side effects?"]


def test_a_picture_a_word_document_links_to_is_a_todo_naming_it(tmp_path: Path, cli) -> None:
    """Word's "Link to File" pictures are not inside the .docx: nothing is fetched or read from the disk, the
    document imports, and each linked picture is a located TODO naming its address."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    from .word_fixtures import png

    document = docx.Document()
    document.add_heading("Caring for a splint", 0)
    document.add_paragraph("Keep the splint dry and clean. Check the skin around it every day for redness or sores.")
    for address in ("https://images.example.org/splint.png", "file:///C:/Users/nurse/Pictures/strap.png"):
        document.add_paragraph("A picture follows.")
        document.add_picture(io.BytesIO(png("grey")))
        blip = document.element.body.findall(".//" + qn("a:blip"))[-1]
        del blip.attrib[qn("r:embed")]
        blip.set(qn("r:link"), document.part.relate_to(address, RT.IMAGE, is_external=True))
    source = tmp_path / "splint.docx"
    document.save(source)
    root = _project(tmp_path)
    result = cli.invoke(main, ["import", "--project", str(root), str(source)])
    assert result.exit_code == 0, result.output
    folder = root / "handouts" / "caring-for-a-splint"
    assert sorted(p.name for p in folder.iterdir()) == ["IMPORT.md", "en.md", "handout.yml"]
    report = (folder / "IMPORT.md").read_text(encoding="utf-8")
    assert "picture not imported: https://images.example.org/splint.png is on the web (nothing is downloaded)" in report
    assert ("picture not imported: file:///C:/Users/nurse/Pictures/strap.png is linked to by the document, not inside "
            "it (nothing is read from the disk)") in report


def test_license_given_on_the_command_line_is_used_and_a_different_holder_is_a_point(tmp_path: Path, cli) -> None:
    root = _project(tmp_path)
    page = str(IMPORT / "web" / "heel-pain.html")
    result = cli.invoke(main, ["import", "--project", str(root), "--license", "ogl-ns", page])
    assert result.exit_code == 0, result.output
    folder = root / "handouts" / "heel-pain-plantar-fasciitis"
    assert yaml.safe_load((folder / "handout.yml").read_text(encoding="utf-8"))["license"] == "ogl-ns"
    assert ("handout.yml:5: --license ogl-ns was given, but the text names another copyright holder: "
            '"American Academy of Family Physicians"') in (folder / "IMPORT.md").read_text(encoding="utf-8")
    unknown = cli.invoke(main, ["import", "--project", str(root), "--force", "--license", "nope", page])
    assert unknown.exit_code == 2 and "not in handouts.yml (known: aafp, ogl-ns)" in unknown.output
