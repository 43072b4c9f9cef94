"""Issue 15: after a clinical review. `handouts review` keeps a history, `handouts revise` dates a
changed text, and a change made without a new date, or on the day of the translation, is caught
by fingerprints, not dates. Every test runs the command line on a project made in tmp_path."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import main

from .good_project import SLUG, TODAY, good_project, invoke as run

BODY = "Clinical Services Working Group"


pytestmark = pytest.mark.usefixtures("fixed_today")  # reviews judged against TODAY


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return good_project(tmp_path)


def folder(root: Path) -> Path:
    return root / "handouts" / SLUG


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_reviews_are_appended_in_order_never_overwritten(sample: Path) -> None:
    meta = folder(sample) / "handout.yml"
    before = meta.read_text(encoding="utf-8")
    run(sample, "review", SLUG, "--by", BODY.upper(), "--date", "2025-03-02", "--note", "Dose table checked.")
    run(sample, "review", SLUG, "--by", "groupe de travail sur les services cliniques", "--date", "2025-09-30")
    data = yaml.safe_load(meta.read_text(encoding="utf-8"))
    assert [str(r["date"]) for r in data["review"]] == ["2024-06-01", "2025-03-02", "2025-09-30"]
    assert data["review"][1]["note"] == "Dose table checked."
    assert data["review"][2]["body"]["fr"] == "Groupe de travail sur les services cliniques"
    assert data["review"][1]["languages"] == ["en", "fr"]
    # Only the review block changed: the comment and the other lines are as the author wrote them.
    after = meta.read_text(encoding="utf-8")
    assert after.splitlines()[0] == before.splitlines()[0] and after.startswith("# A small, correct handout")
    assert after.split("images:")[1] == before.split("images:")[1]
    # A review recorded late goes in its place.
    run(sample, "review", SLUG, "--by", BODY, "--date", "2025-01-10")
    dates = [str(r["date"]) for r in yaml.safe_load(meta.read_text(encoding="utf-8"))["review"]]
    assert dates == ["2024-06-01", "2025-01-10", "2025-03-02", "2025-09-30"]
    status = json.loads(run(sample, "status", "--json").stdout)
    row = next(r for r in status if r["slug"] == SLUG)
    assert [r["date"] for r in row["reviews"]] == dates and row["reviewed"] == "2025-09-30"
    assert row["review_due"] == "2028-09-30"


@pytest.mark.parametrize("args, says", [
    (["--by", "Pharmacy Committee"], '"Pharmacy Committee" is not a reviewing body this project knows '
                                     "(known: Clinical Services Working Group)"),
    (["--by", BODY, "--organization", "Some Other Org"], "is not a reviewing body this project knows"),
    (["--by", BODY, "--date", "2026-01-16"], "--date: 2026-01-16 is in the future"),
    (["--by", BODY, "--date", "16/01/2026"], "is not a date: write it as YYYY-MM-DD"),
    (["--by", BODY, "--lang", "de"], "'de' is not one of 'en', 'fr'"),
])
def test_a_bad_review_is_refused_and_nothing_is_written(sample: Path, args: list[str], says: str) -> None:
    meta = folder(sample) / "handout.yml"
    before = meta.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["review", SLUG, *args, "--project", str(sample)])
    assert result.exit_code in (1, 2) and says in result.output, result.output
    assert "Traceback" not in result.output
    assert meta.read_text(encoding="utf-8") == before
    assert not (folder(sample) / "revisions.yml").exists()


def test_a_known_body_can_be_declared_in_handouts_yml(sample: Path) -> None:
    with open(sample / "handouts.yml", "a", encoding="utf-8") as file:
        file.write("reviewers:\n  - body: {en: Pharmacy Committee, fr: Comité de pharmacie}\n"
                   "    organization: {en: Nova Scotia Telecare, fr: Télésoins Nouvelle-Écosse}\n")
    run(sample, "review", SLUG, "--by", "Comité de pharmacie")
    latest = yaml.safe_load((folder(sample) / "handout.yml").read_text(encoding="utf-8"))["review"][-1]
    assert latest["body"] == {"en": "Pharmacy Committee", "fr": "Comité de pharmacie"}


def test_a_review_date_in_the_future_in_handout_yml_is_a_located_error(sample: Path) -> None:
    edit(folder(sample) / "handout.yml", "date: 2024-06-01", "date: 2027-06-01")
    result = run(sample, "check", SLUG, code=1)
    assert f"error: handouts/{SLUG}/handout.yml:8:3: 'review.date': 2027-06-01 is in the future" in result.stdout


def test_a_text_changed_without_a_new_date_is_caught_at_its_first_changed_line(sample: Path) -> None:
    en = folder(sample) / "en.md"
    run(sample, "review", SLUG, "--by", BODY)  # settles today's texts
    assert "warning:" not in run(sample, "check", SLUG).stdout
    edit(en, "Clean hands keep germs away", "Clean hands keep most germs away")
    line = next(n for n, text in enumerate(en.read_text(encoding="utf-8").splitlines(), 1) if "most germs" in text)
    result = run(sample, "check", SLUG)
    assert (f"warning: handouts/{SLUG}/en.md:{line}:1: the text has changed since its revision of 2024-05-20 was "
            f"recorded, but 'revised:' has not (run 'handouts revise {SLUG} --lang en' to date the change)") in result.stdout
    assert "error: " in run(sample, "check", SLUG, "--strict", code=1).stdout
    # Typed as a date, the French translates "the English of 2024-05-20": the date alone cannot see the change.
    assert "fr.md:5:1: 'translates'" not in result.stdout
    done = run(sample, "revise", SLUG).stdout
    assert f"en.md: revised: {TODAY.isoformat()} (was 2024-05-20)" in done
    assert front(en)["revised"] == TODAY
    assert front(folder(sample) / "fr.md")["translates"] == {"revised": dt.date(2024, 5, 20),
                                                             "fingerprint": _recorded(sample, "en")[0]}
    result = run(sample, "check", SLUG)
    assert "has changed since its revision" not in result.stdout
    assert "translates the English of 2024-05-20, but the English text has changed since" in result.stdout
    assert "unchanged since its revision of 2026-01-15: nothing to do" in run(sample, "revise", SLUG).stdout


def _recorded(root: Path, lang: str) -> list[str]:
    data = yaml.safe_load((folder(root) / "revisions.yml").read_text(encoding="utf-8"))
    return [entry["fingerprint"] for entry in data[lang]]


def test_a_change_on_the_day_of_the_translation_makes_it_stale(sample: Path) -> None:
    en, fr = folder(sample) / "en.md", folder(sample) / "fr.md"
    edit(en, "revised: 2024-05-20", f"revised: {TODAY.isoformat()}")
    edit(fr, "translates: 2024-05-20", f"translates: {TODAY.isoformat()}")
    run(sample, "review", SLUG, "--by", BODY)  # the French translates today's English, on record
    assert "stale" not in run(sample, "status", SLUG).stdout
    edit(en, "Wet your hands with warm water.", "Wet your hands with clean, warm water.")
    run(sample, "revise", SLUG)
    assert front(en)["revised"] == TODAY  # the same day: the date alone could not tell
    status = json.loads(run(sample, "status", "--json", "--stale").stdout)
    assert [row["slug"] for row in status] == [SLUG] and status[0]["translation"]["fr"] == "stale"
    assert "(changed the same day)" in run(sample, "check", SLUG).stdout


def test_a_stale_translation_is_left_out_of_a_review_and_its_pdf_says_what_it_translates(sample: Path) -> None:
    en = folder(sample) / "en.md"
    edit(en, "Wet your hands with warm water.", "Wet your hands with clean water.")
    run(sample, "revise", SLUG)
    done = run(sample, "review", SLUG, "--by", BODY).stdout
    assert "not reviewed: the French translation, which translates the English of 2024-05-20" in done
    latest = yaml.safe_load((folder(sample) / "handout.yml").read_text(encoding="utf-8"))["review"][-1]
    assert latest["languages"] == ["en"]
    result = CliRunner().invoke(main, ["review", SLUG, "--by", BODY, "--lang", "fr", "--project", str(sample)])
    assert result.exit_code == 1 and "--lang: the French text translates an older English text" in result.output
    run(sample, "build", SLUG)
    english, french = (_text(sample / "output" / lang / f"{SLUG}.pdf") for lang in ("en", "fr"))
    assert "Reviewed by the Clinical Services Working Group, Nova Scotia Telecare, January 15, 2026." in english
    assert "15 janvier 2026" not in french
    assert "Révisé par le Groupe de travail sur les services cliniques, Télésoins Nouvelle-Écosse, le 1er juin 2024." \
        in french.replace("1 er", "1er")
    assert ("Cette traduction a été faite à partir du texte anglais révisé le 20 mai 2024 ; le texte anglais a "
            "changé depuis.") in french
    manifest = json.loads((sample / "output" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["outputs"][f"fr/{SLUG}.pdf"]
    assert [r["languages"] for r in entry["reviews"]] == [["en", "fr"], ["en"]]


def _text(pdf: Path) -> str:
    """The PDF's text as a reader gets it, lines joined (hyphenation at line ends undone)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # pdftotext gives French thin spaces as spaces.
    return " ".join(text.replace("\u202f", " ").replace("-\n", "").split())


def test_changes_and_the_old_english_from_git(sample: Path) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(sample), "PATH": "/usr/bin:/bin"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "first"]):
        subprocess.run(["git", "-C", str(sample), *command], check=True, env=env)
    en = folder(sample) / "en.md"
    edit(en, "Rinse your hands and dry them with a clean towel.", "Rinse your hands well and dry them.")
    edit(en, "## When should I wash my hands?", "Use soap even if your hands look clean.\n\n## When should I wash my hands?")
    run(sample, "revise", SLUG)
    assert not (folder(sample) / ".snapshots").exists()  # git keeps the old texts
    data = json.loads(run(sample, "changes", SLUG, "--json").stdout)
    assert data["old_english_from"] == "git" and data["translates"] == "2024-05-20"
    assert [(c["change"], c["kind"], c["was"], c["now"], c["translation"]) for c in data["changes"]] == [
        ("changed", "item", "Rinse your hands and dry them with a clean towel.", "Rinse your hands well and dry them.",
         "Rincez vos mains et séchez-les avec une serviette propre."),
        ("added", "paragraph", None, "Use soap even if your hands look clean.", None)]
    text = run(sample, "changes", SLUG).stdout
    assert "changed  item" in text and "  fr:   Rincez vos mains et séchez-les avec une serviette propre." in text


def test_changes_without_git_come_from_the_snapshot(sample: Path) -> None:
    run(sample, "review", SLUG, "--by", BODY)  # records (and, outside git, keeps) today's texts
    assert sorted(p.name.split("-")[0] for p in (folder(sample) / ".snapshots").iterdir()) == ["en", "fr"]
    assert "nothing changed" in run(sample, "changes", SLUG).stdout
    edit(folder(sample) / "en.md", "| Before you eat |", "| Before you cook or eat |")
    run(sample, "revise", SLUG)
    data = json.loads(run(sample, "changes", SLUG, "--json").stdout)
    assert data["old_english_from"] == "snapshot"
    assert [(c["kind"], c["now"], c["translation"]) for c in data["changes"]] == [
        ("cell", "Before you cook or eat", "Avant de manger")]
