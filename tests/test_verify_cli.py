"""`handouts verify`: pass/fail per file, findings, --json, exit status; and build verifies what it writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pypdf
from click.testing import CliRunner

from pipeline.cli import main


def test_verify_passes_every_built_pdf(built: Path, cli: CliRunner) -> None:
    result = cli.invoke(main, ["verify", "--json", "--project", str(built.parent)])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.output)
    assert len(reports) == 4
    assert all(r["ok"] and r["findings"] == [] and r["validator"] == "104 passed, 0 failed" for r in reports)


def test_verify_reports_findings_and_fails(built: Path, cli: CliRunner, tmp_path: Path) -> None:
    # A PDF outside the manifest whose structure is gone and whose links lost their descriptions.
    writer = pypdf.PdfWriter(clone_from=built / "en" / "vertebroplasty.pdf")
    del writer.root_object[pypdf.generic.NameObject("/StructTreeRoot")]
    for page in writer.pages:
        for annot in page.get("/Annots", []):
            annot.get_object()[pypdf.generic.NameObject("/Contents")] = pypdf.generic.TextStringObject("tel:811")
    broken = tmp_path / "broken.pdf"
    writer.write(broken)
    result = cli.invoke(main, ["verify", str(broken), "--project", str(built.parent)])
    assert result.exit_code == 1
    assert "FAIL" in result.output
    assert "there is no structure tree (StructTreeRoot): the PDF is not tagged" in result.output
    assert 'link to "tel:811" has no description in words (Contents is "tel:811")' in result.output


def test_verify_checks_against_the_source(built: Path, cli: CliRunner, tmp_path: Path) -> None:
    """A PDF in the manifest is checked against its handout: a changed title is found."""
    project = tmp_path / "p"
    shutil.copytree(built.parent, project)
    front = project / "handouts" / "vertebroplasty" / "en.md"
    front.write_text(front.read_text().replace("title: Vertebroplasty", "title: Kyphoplasty"))
    result = cli.invoke(main, ["verify", str(project / "output" / "en" / "vertebroplasty.pdf"),
                               "--project", str(project)])
    assert result.exit_code == 1
    assert 'not the handout title "Kyphoplasty for spine fracture pain"' in result.output


def test_verify_checks_the_pdfua_outputs_and_reports_unreadable_files(project: Path, cli: CliRunner) -> None:
    """With a booklet (print only) in the manifest, a bare `verify` checks the PDF/UA files; a file
    that is not a PDF is a finding, not a traceback."""
    assert cli.invoke(main, ["build", "vertebroplasty", "--layout", "letter", "--layout", "booklet",
                             "--project", str(project), "-j", "1"]).exit_code == 0
    result = cli.invoke(main, ["verify", "--json", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert sorted(r["path"].split("output/")[1] for r in json.loads(result.output)) == [
        "en/vertebroplasty.half-page.pdf", "en/vertebroplasty.pdf", "fr/vertebroplasty.half-page.pdf",
        "fr/vertebroplasty.pdf"]  # the booklet's accessible edition is built with it
    junk = project / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\nthis is not a PDF\n")
    result = cli.invoke(main, ["verify", str(junk), "--project", str(project)])
    assert result.exit_code == 1
    assert "not a readable PDF" in result.output and "Traceback" not in result.output


def test_verify_a_pdf_whose_handout_is_gone_or_broken(built: Path, cli: CliRunner, tmp_path: Path) -> None:
    """Its source checks cannot run: the PDF/UA checks still do, and the skip is said, not a crash."""
    project = tmp_path / "p"
    shutil.copytree(built.parent, project)
    (project / "handouts" / "fever-children" / "handout.yml").write_text("number: [\n", encoding="utf-8")
    shutil.rmtree(project / "handouts" / "vertebroplasty")
    result = cli.invoke(main, ["verify", "--project", str(project)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    assert result.output.count("pass  ") == 4
    for slug in ("fever-children", "vertebroplasty"):
        assert result.output.count(f"· not checked against its source: handouts/{slug}/ cannot be read now "
                                   f"(see 'handouts check {slug}')") == 2
    assert "Not built here" not in result.output
