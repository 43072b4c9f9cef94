"""Issue 15: the translator's hand-off in XLIFF 2.0. A round trip through a CAT format (every
target filled by a known transformation, imported, built, verified); an unchanged handout exports
with every unit final; bad files are refused with the file (and unit) named, and nothing written."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from translate.storage.xliff2 import Xliff2File

from pipeline.cli import main

from .good_project import SLUG, good_project, invoke as run

NS = "{urn:oasis:names:tc:xliff:document:2.0}"
BODY = "Clinical Services Working Group"


pytestmark = pytest.mark.usefixtures("fixed_today")  # reviews judged against TODAY


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    (tmp_path / "project").mkdir()
    root = good_project(tmp_path / "project")
    # Inline codes of every kind the export must carry: emphasis, a link, a language span, code.
    en = root / "handouts" / SLUG / "en.md"
    text = en.read_text(encoding="utf-8").replace(
        "- Clean hands keep germs away from you and your family.",
        "- Clean hands keep *germs* away from **you** and [your family](https://811.novascotia.ca).\n"
        "- Say [lavez-vous les mains]{lang=fr} and use `soap`.")
    en.write_text(text, encoding="utf-8")
    fr = root / "handouts" / SLUG / "fr.md"
    fr.write_text(fr.read_text(encoding="utf-8").replace(
        "- Des mains propres éloignent les microbes de vous et de votre famille.",
        "- Des mains propres éloignent les *microbes* de **vous** et de [votre famille](https://811.novascotia.ca).\n"
        "- Dites [lavez-vous les mains]{lang=fr} et utilisez du `savon`."), encoding="utf-8")
    return root


def export(root: Path, name: str = "out.xlf") -> Path:
    path = root.parent / name
    run(root, "xliff", "export", SLUG, "--lang", "fr", "-o", str(path))
    return path


def units(path: Path) -> list:
    return list(Xliff2File.parsestring(path.read_bytes()).units)


def fill(path: Path, transform=lambda text: f"«{text.upper()}»") -> Path:
    """Every target made from its source by `transform` of the text, the codes kept: what a CAT tool does."""
    tree = etree.parse(str(path))
    for segment in tree.iter(NS + "segment"):
        for old in segment.findall(NS + "target"):
            segment.remove(old)
        target = copy.deepcopy(segment.find(NS + "source"))
        target.tag = NS + "target"
        for element in target.iter():
            if element.text and element is target or element.text and element.tag == NS + "pc":
                element.text = transform(element.text)
            if element is not target and element.tail and element.tail.strip():
                element.tail = transform(element.tail)
        segment.append(target)
        segment.set("state", "translated")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return path


def test_an_unchanged_handout_exports_with_every_unit_final(sample: Path) -> None:
    path = export(sample)
    found = units(path)
    assert len(found) == 23 and all(u.xmlelement.get("state") == "final" for u in found)
    targets = {u.getid(): "".join(u.xmlelement.find(NS + "target").itertext()) for u in found}
    assert targets["u1"] == "Se laver les mains" and targets["u4"] == "mains"
    item = next(u for u in found if "Clean hands" in "".join(u.get_source_dom().itertext()))
    source = etree.tostring(item.get_source_dom(), encoding="unicode", with_tail=False)
    # Emphasis, strong and the link are <pc> codes; their Markdown is the unit's original data.
    assert re.sub(r' xmlns="[^"]+"', "", source) == (
        '<source>Clean hands keep <pc id="1" dataRefStart="d1" dataRefEnd="d1">germs</pc> away from '
        '<pc id="2" dataRefStart="d2" dataRefEnd="d2">you</pc> and <pc id="3" dataRefStart="d3" dataRefEnd="d4">'
        'your family</pc>.</source>')
    data = {d.get("id"): d.text for d in item.getunitelement().iter(NS + "data")}
    assert data == {"d1": "*", "d2": "**", "d3": "[", "d4": "](https://811.novascotia.ca)"}
    notes = [n.text for n in item.getunitelement().iter(NS + "note")]
    assert notes == ['A list item, under "Key points"']
    caption = next(u for u in found if u.getunitelement().get("name") == "caption")
    assert [n.text for n in caption.getunitelement().iter(NS + "note")][1] == (
        "Picture hands.svg; its description for screen readers: Two hands rubbed together with soap under running water.")


def test_round_trip_through_a_cat_format_builds_and_verifies(sample: Path) -> None:
    path = fill(export(sample))
    done = run(sample, "xliff", "import", str(path)).stdout
    assert "wrote handouts/sample/fr.md: 23 of 23 block(s) translated" in done
    fr = (sample / "handouts" / SLUG / "fr.md").read_text(encoding="utf-8")
    assert "title: «WASHING YOUR HANDS»" in fr
    assert "- «CLEAN HANDS KEEP »*«GERMS»*« AWAY FROM »**«YOU»**« AND »[«YOUR FAMILY»](https://811.novascotia.ca)«.»" in fr
    assert "[«LAVEZ-VOUS LES MAINS»]{lang=fr}" in fr and "`soap`" in fr
    assert '![](hands.svg "«RUB YOUR HANDS WITH SOAP FOR 20 SECONDS.»")' in fr
    assert "| «BEFORE YOU EAT» | «TO KEEP GERMS OUT OF YOUR FOOD» |" in fr
    assert "author: Rédigé par" not in fr and "«WRITTEN BY THE 811 NOVA SCOTIA EDITORIAL STAFF»" in fr
    assert re.search(r"translates: \{revised: 2024-05-20, fingerprint: [0-9a-f]{16}\}", fr)
    assert "translates" not in run(sample, "check", SLUG).stdout  # current, by fingerprint
    run(sample, "build", SLUG, "--layout", "letter")
    run(sample, "verify", str(sample / "output" / "fr" / f"{SLUG}.pdf"))
    # Exported again: every unit is final, with the imported translation.
    again = units(export(sample, "again.xlf"))
    assert all(u.xmlelement.get("state") == "final" for u in again)


def test_after_a_change_only_the_changed_units_are_for_translation(sample: Path) -> None:
    run(sample, "review", SLUG, "--by", BODY)  # settles the texts (outside git, keeps a snapshot)
    en = sample / "handouts" / SLUG / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("Wet your hands with warm water.",
                                                         "Wet your hands with clean, warm water."), encoding="utf-8")
    run(sample, "revise", SLUG)
    found = units(export(sample))
    initial = [u for u in found if u.xmlelement.get("state") == "initial"]
    assert ["".join(u.get_source_dom().itertext()) for u in initial] == ["Wet your hands with clean, warm water."]
    notes = [n.text for n in initial[0].getunitelement().iter(NS + "note")]
    assert "The English before: Wet your hands with warm water." in notes
    assert "The translation before: Mouillez vos mains avec de l'eau tiède." in notes


def _break(path: Path, old: str, new: str) -> Path:
    """`old` replaced where it last stands (in a target, when it is a code)."""
    text = path.read_text(encoding="utf-8")
    at = text.rindex(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return path


@pytest.mark.parametrize("damage, says", [
    (lambda p: _break(p, "</xliff>", ""), "is not well-formed XML"),
    (lambda p: _break(p, 'version="2.0"', 'version="1.2"'), "is not an XLIFF 2.0 file"),
    (lambda p: _break(p, "handout sample,", "handout fever-children,"),
     'is for handout "fever-children", which this project does not have'),
    (lambda p: _break(p, 'trgLang="fr"', 'trgLang="de"'), 'translates into "de"'),
    (lambda p: _break(p, '<unit id="u2"', '<unit id="u9"'), "unit u9 is not the English's block 2 (summary)"),
    (lambda p: _break(p, '<pc id="3" dataRefStart="d3" dataRefEnd="d4">',
                      '<sc id="3" dataRef="d3"/><pc id="9" dataRefStart="d3" dataRefEnd="d4">'),
     "a code opened without being closed"),
    (lambda p: _break(p, 'dataRefEnd="d4"', 'dataRefEnd="d9"'), "a code (3) that the unit does not define"),
])
def test_a_bad_file_is_refused_and_nothing_is_written(sample: Path, damage, says: str) -> None:
    fr = sample / "handouts" / SLUG / "fr.md"
    before = fr.read_text(encoding="utf-8")
    path = export(sample)
    damage(fill(path))  # to what the translator returns
    result = CliRunner().invoke(main, ["xliff", "import", str(path), "--project", str(sample)])
    assert result.exit_code == 1, result.output
    assert says in result.output and str(path) in result.output and "Traceback" not in result.output
    assert fr.read_text(encoding="utf-8") == before


def test_untranslated_units_are_refused_unless_partial(sample: Path) -> None:
    path = fill(export(sample))
    tree = etree.parse(str(path))
    segment = next(s for s in tree.iter(NS + "segment") if "Wet your hands" in "".join(s.find(NS + "source").itertext()))
    segment.remove(segment.find(NS + "target"))
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    result = CliRunner().invoke(main, ["xliff", "import", str(path), "--project", str(sample)])
    assert result.exit_code == 1 and "1 unit(s) have no translation: u" in result.output
    done = run(sample, "xliff", "import", str(path), "--partial").stdout
    assert "22 of 23 block(s) translated" in done and "stays marked stale" in done
    fr = (sample / "handouts" / SLUG / "fr.md").read_text(encoding="utf-8")
    assert "1. Mouillez vos mains avec de l'eau tiède." in fr  # the untranslated unit keeps the French it had


def test_a_file_for_an_older_english_revision_is_refused(sample: Path) -> None:
    path = fill(export(sample))
    en = sample / "handouts" / SLUG / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("warm water", "clean water"), encoding="utf-8")
    result = CliRunner().invoke(main, ["xliff", "import", str(path), "--project", str(sample)])
    assert result.exit_code == 1
    assert "was made from the English of 2024-05-20, which has changed since" in result.output


def test_text_that_looks_like_markdown_stays_text(sample: Path) -> None:
    path = fill(export(sample), lambda text: f"# 1. - *{text}* [x]")
    run(sample, "xliff", "import", str(path))
    fr = (sample / "handouts" / SLUG / "fr.md").read_text(encoding="utf-8")
    assert "## \\# 1. - \\*Key points\\* \\[x\\]" in fr
    assert "error:" not in run(sample, "check", SLUG).stdout
