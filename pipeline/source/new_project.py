"""Answers about an organization → a new project folder: handouts.yml, the standard layouts and fonts, and an
empty handouts/ (`handouts init`). It is scaffolding, like `handouts new`, one level up."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import string
from pathlib import Path

from ..errors import HandoutsError, SourceError
from ..project.config import Config, load_project
from ..project.root import CONFIG_NAME
from ..project.files import parse_yaml
from ..project.schema import validate
from .scaffold import SCAFFOLD

# The project this copy of handouts runs from: its layouts/ and fonts/ are the standard ones.
STANDARD = Path(__file__).resolve().parents[2]
USES = ("print", "photocopy", "electronic")
DISCLAIMER = {
    "en": "This handout gives general information. It may not apply to you. Talk with your health care provider "
          "about your own health.",
    "fr": "Ce document donne de l'information générale. Il ne s'applique peut-être pas à votre situation. Parlez de "
          "votre santé avec votre professionnel de la santé.",
}


@dataclasses.dataclass
class Answers:
    """What `handouts init` asks: the organization, one contact line, the languages and one license."""

    name: dict[str, str]
    short_name: dict[str, str]
    website: str
    holder: str
    permits: list[str]
    languages: list[str] = dataclasses.field(default_factory=lambda: ["en", "fr"])
    phone: str = ""
    phone_text: dict[str, str] = dataclasses.field(default_factory=dict)
    notice: dict[str, str] = dataclasses.field(default_factory=dict)


def _notice(permits: list[str], lang: str) -> str:
    """A permission notice that says what `permits` allows, in plain words."""
    physical = [use for use in ("print", "photocopy") if use in permits]
    words = {"en": {"print": "print", "photocopy": "photocopy"}, "fr": {"print": "imprimer", "photocopy": "photocopier"}}
    joined = (" and " if lang == "en" else " et ").join(words[lang][use] for use in physical)
    if lang == "fr":
        text = f"Vous pouvez {joined} ce document" if physical else "Vous pouvez"
        text += (" et le diffuser" if physical else " diffuser ce document") + " sous forme électronique" \
            if "electronic" in permits else ""
        return text + "." + ("" if len(permits) == 3 else " Toute autre utilisation exige une autorisation écrite.")
    text = f"You may {joined} this handout" if physical else "You may share this handout"
    text += (", and share it electronically" if physical else " electronically") if "electronic" in permits else ""
    return text + "." + ("" if len(permits) == 3 else " Written permission is required for all other uses.")


def _flow(texts: dict[str, str], languages: list[str]) -> str:
    return ", ".join(f"{lang}: {json.dumps(texts[lang], ensure_ascii=False)}" for lang in languages)


def init_project(folder: Path, answers: Answers, standard: Path = STANDARD) -> list[Path]:
    """Write a new project in `folder` (which must not hold one yet); return what was written."""
    if (folder / CONFIG_NAME).exists():
        raise HandoutsError(f"{folder / CONFIG_NAME} already exists: this folder is a project already")
    if not (standard / "layouts").is_dir() or not (standard / "fonts").is_dir():
        raise HandoutsError(f"the standard layouts and fonts are not in {standard}: run handouts init from a copy "
                            "of handouts installed from its repository (make setup)")
    unknown = [use for use in answers.permits if use not in USES]
    if unknown or not answers.permits:
        raise HandoutsError(f"permits: use one or more of {', '.join(USES)}")
    langs = answers.languages
    contacts = ""
    if answers.phone:
        tel = re.sub(r"[^\d+]", "", answers.phone)
        default = {"en": f"Questions? Call {answers.phone}.", "fr": f"Des questions? Composez le {answers.phone}."}
        texts = {lang: answers.phone_text.get(lang) or default[lang] for lang in langs}
        contacts = (f"\n  - number: {json.dumps(answers.phone)}\n    tel: {json.dumps(tel)}\n"
                    f"    text: {{{_flow(texts, langs)}}}")
    license_name = re.sub(r"[^a-z0-9]+", "-", answers.short_name[langs[0]].lower()).strip("-") or "own"
    values = {
        "name": _flow(answers.name, langs), "short": _flow(answers.short_name, langs),
        "website": json.dumps(answers.website), "contacts": contacts or " []",
        "disclaimer": _flow(DISCLAIMER, langs), "license": license_name, "holder": json.dumps(answers.holder),
        "copyright": _flow({"en": f"Copyright © {answers.holder}", "fr": f"Droits d'auteur © {answers.holder}"}, langs),
        "short_copyright": _flow({lang: f"© {answers.short_name[lang]}" for lang in langs}, langs),
        "notice": _flow({lang: answers.notice.get(lang) or _notice(answers.permits, lang) for lang in langs}, langs),
        "permits": ", ".join(use for use in USES if use in answers.permits), "languages": ", ".join(langs),
    }
    text = string.Template((SCAFFOLD / "project.yml").read_text(encoding="utf-8")).substitute(values)
    doc, problems = parse_yaml(text, Path(CONFIG_NAME))
    config, problems = validate(Config, doc) if doc is not None else (None, problems)
    if config is None:  # nothing is written from answers that do not make a valid project
        raise SourceError(problems)
    for name in ("layouts", "fonts"):
        if (folder / name).exists():
            raise HandoutsError(f"{folder / name} already exists: run handouts init in a new or empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CONFIG_NAME).write_text(text, encoding="utf-8")
    shutil.copytree(standard / "layouts", folder / "layouts")
    shutil.copytree(standard / "fonts", folder / "fonts")
    (folder / "handouts").mkdir(exist_ok=True)
    if not (folder / ".gitignore").exists():
        (folder / ".gitignore").write_text("output/\n", encoding="utf-8")
    load_project(folder)  # what was written is a project the other commands accept
    return [folder / name for name in (CONFIG_NAME, "layouts", "fonts", "handouts", ".gitignore")]
