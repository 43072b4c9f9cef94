"""A copyright line and permission notice → one of handouts.yml's licenses, or a new license entry proposed
with its `permits` inferred (print, photocopy, electronic), written into handouts.yml's text with its comments kept."""

from __future__ import annotations

import dataclasses
import json
import re

import yaml

from ..project.config import Project
from ..project.root import CONFIG_NAME
from .document import Extracted, Point
from .patterns import PERMISSION, RESTRICTS, USES, fold

ORDER = ("print", "photocopy", "electronic")


def yaml_text(value: str) -> str:
    """A YAML scalar for a text: plain where that reads back as the same text, else double-quoted."""
    plain = isinstance(value, str) and value == value.strip() and not re.search(r"[:#'\"{}\[\],&*!|>%@`]|^[-?]", value)
    if plain:
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def permits(text: str) -> list[str]:
    """The uses a permission notice grants: sentences that give rights, not those that take them away."""
    granted: set[str] = set()
    for sentence in re.split(r"(?<=[.;])\s+", fold(text)):
        if PERMISSION.search(sentence) and not RESTRICTS.search(sentence):
            granted |= {use for use, pattern in USES.items() if pattern.search(sentence)}
    return [use for use in ORDER if use in granted]


def _key(text: str) -> str:
    text = re.sub(r"(?:crown\s+)?copyright|droits?\s+d'auteur(?:\s+de\s+la\s+couronne)?|©|\(c\)|\b(?:the|by|la|le|de)\b",
                  " ", fold(text))
    return re.sub(r"[^a-z0-9]+", "", text)


def match_license(project: Project, holder: str) -> str | None:
    """The license whose holder (or copyright line, in any language) names this holder."""
    wanted = _key(holder)
    for name, license_ in project.config.licenses.items():
        if wanted and (wanted == _key(license_.holder) or any(wanted == _key(t) for t in license_.copyright.values())):
            return name
    return None


def _short_name(holder: str, taken: set[str]) -> str:
    words = [w for w in re.findall(r"[A-Za-zÀ-ÿ]+", holder) if w.lower() not in ("of", "the", "and", "for", "de", "la", "le", "et", "des", "du")]
    base = "".join(w[0] for w in words).lower() if len(words) >= 3 else "-".join(w.lower() for w in words)
    base = re.sub(r"[^a-z0-9-]", "", fold(base)) or "license"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}-{number}", number + 1
    return name


@dataclasses.dataclass
class Choice:
    """The license a new handout gets, and the new entry for handouts.yml when none of the known ones fits."""

    name: str
    # handouts.yml's new text (with the proposed entry), or None when the license is one it already has.
    config_text: str | None = None
    granted: list[str] = dataclasses.field(default_factory=list)


def choose(ex: Extracted, project: Project, option: str | None) -> Choice:
    copyright_ = ex.facts.get("copyright")
    permission = ex.facts.get("permission")
    granted = permits(permission.value) if permission else []
    if option:
        if copyright_ and match_license(project, copyright_.value["holder"]) not in (None, option):
            ex.points.append(Point(f'--license {option} was given, but the text names another copyright holder: '
                                   f'"{copyright_.value["holder"]}"', copyright_.origin, ("yml", ("license",))))
        return Choice(option, granted=granted)
    if copyright_ is None:
        strictest = min(project.config.licenses, key=lambda n: len(project.config.licenses[n].permits))
        ex.points.append(Point(f"no copyright line was found: the license is set to '{strictest}', the one that "
                               "permits least; set the right one (or import with --license NAME)", None, ("yml", ("license",))))
        return Choice(strictest, granted=granted)
    holder = copyright_.value["holder"]
    name = match_license(project, holder)
    if name is not None:
        known = project.config.licenses[name].permits
        if permission and granted and set(granted) != set(known):
            ex.points.append(Point(f"the permission notice grants {', '.join(granted) or 'nothing'}, but the license "
                                   f"'{name}' in handouts.yml permits {', '.join(known)}: check which is right",
                                   permission.origin, ("yml", ("license",))))
        return Choice(name, granted=granted)
    name = _short_name(holder, set(project.config.licenses))
    text = (project.root / CONFIG_NAME).read_text(encoding="utf-8")
    entry = _entry(ex, project, holder, granted, permission)
    said = f'from "{permission.value}"' if permission else "(no permission notice was found: only print is assumed)"
    ex.points.append(Point(f"no license in handouts.yml names \"{holder}\": a new license '{name}' was added to "
                           f"handouts.yml with permits [{', '.join(entry['permits'])}] read {said}; confirm it "
                           "before anything is published", copyright_.origin, ("config", ("licenses", name))))
    for lang, notice in entry["notice"].items():
        if notice.startswith("TODO"):
            ex.points.append(Point(f"the license '{name}': write its permission notice in {'French' if lang == 'fr' else 'English'}",
                                   None, ("config", ("licenses", name, "notice", lang)), translation=lang != ex.lang))
    return Choice(name, _with_license(text, name, entry), granted)


def _entry(ex: Extracted, project: Project, holder: str, granted: list[str], permission) -> dict:
    languages = project.config.languages
    copyright_words = {"en": "Copyright", "fr": "Droits d'auteur"}
    todo = {"en": "TODO: the permission notice in English", "fr": "TODO: l'autorisation en français"}
    notice = {lang: permission.value if permission and lang == ex.lang else todo[lang] for lang in languages}
    if not permission:
        notice = {lang: "TODO: what the copyright holder permits (print, photocopy, electronic)" for lang in languages}
    return {"holder": holder,
            "copyright": {lang: f"{copyright_words[lang]} © {holder}" for lang in languages},
            "short": {lang: f"© {holder}" for lang in languages},
            "notice": notice,
            "permits": granted or ["print"]}


def _with_license(text: str, name: str, entry: dict) -> str:
    """handouts.yml's text with one more entry at the end of `licenses:`, comments and layout kept."""
    root = yaml.compose(text)
    licenses = next(value for key, value in root.value if key.value == "licenses")
    indent = " " * licenses.value[0][0].start_mark.column
    last = licenses.end_mark.line if licenses.end_mark.column == 0 else licenses.end_mark.line + 1
    lines = text.split("\n")
    while last > 0 and (not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")):
        last -= 1
    inner = indent + "  "
    block = [f"{indent}{name}:   # proposed by handouts import: confirm each line, then remove this comment",
             f"{inner}holder: {yaml_text(entry['holder'])}"]
    for key in ("copyright", "short", "notice"):
        block.append(f"{inner}{key}:")
        block += [f"{inner}  {lang}: {yaml_text(value)}" for lang, value in entry[key].items()]
    block.append(f"{inner}permits: [{', '.join(entry['permits'])}]")
    return "\n".join(lines[:last] + block + lines[last:])


def replace_scalar(text: str, path: tuple, value: str) -> str:
    """YAML text with the scalar at `path` (mapping keys) replaced by `value`, everything else kept."""
    node = yaml.compose(text)
    for key in path:
        node = next(v for k, v in node.value if k.value == key)
    return text[:node.start_mark.index] + yaml_text(value) + text[node.end_mark.index:]


def scalar_at(text: str, path: tuple) -> str | None:
    """The text at `path`, or None when there is none."""
    node = yaml.compose(text)
    for key in path:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in node.value if k.value == key), None)
        if node is None:
            return None
    return node.value if isinstance(node, yaml.ScalarNode) else None
