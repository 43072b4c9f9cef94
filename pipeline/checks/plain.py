"""Handout → plain-language review: readability against the target, sentence hints, PEMAT checklist.

Three kinds of finding, by how sure a program can be:
- warnings (`Problem(warning=True)`, fail `check --strict`): a score past the target in
  handouts.yml, a PEMAT item the handout plainly lacks, a "TODO" left in a source file;
- notes (printed, never counted): long sentences, passive voice, jargon. They are hints for a
  writer, often right and sometimes not ("is caused by" can be the clearest way to say it);
- the checklist: one line per language version for the reader of `check`'s output.

PEMAT (Patient Education Materials Assessment Tool, AHRQ) items checked here are the ones a
program can judge: a summary, headings, short sections, speaking to the reader, a concrete
action, captioned visual aids.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

import yaml

from ..errors import Problem
from ..project.config import Project
from ..source.markdown import parser
from ..source.model import Handout, LanguageVersion
from . import readability

LONG_SENTENCE = 25  # words
LONG_SECTION = 200  # words of running text under one heading
DATA = Path(__file__).parent / "data"

_SUMMARY = {"en": r"key points|summary|in short|in brief|what you need to know|main points",
            "fr": r"points clés|points importants|résumé|en bref|à retenir|l'essentiel|l’essentiel"}
_YOU = {"en": r"\b(you|your|yours|yourself)\b", "fr": r"\b(vous|votre|vos|vôtre|vôtres)\b"}
_CALL = {"en": r"\bcall\b|\bgo to\b|\bsee a\b|\d{3}", "fr": r"\bcomposez\b|\bappelez\b|\ballez\b|\bconsultez\b|\d{3}"}
_EXPLAINED = {"en": r"\bcalled\s+$|\bnamed\s+$", "fr": r"\bappelée?s?\s+$|\bnommée?s?\s+$"}
# English passive voice: a form of "be" or "get", maybe "not" and an adverb, then a past participle.
_IRREGULAR = ("done|made|given|taken|seen|known|shown|found|put|set|kept|held|told|left|brought|bought|"
              "caught|cut|hurt|sent|spent|thrown|written|broken|chosen|driven|eaten|fallen|hidden|"
              "spread|stuck|struck|torn|worn|woken|bitten|frozen|stolen|swollen|won|paid|said|sold|fed|led|read|"
              "built|meant|felt|lost|born")
_PASSIVE = re.compile(rf"\b(am|is|are|was|were|be|been|being|gets?|got|gotten)\s+(?:not\s+)?(?:\w+ly\s+)?"
                      rf"(\w+ed|{_IRREGULAR})\b", re.I)
_NOT_PASSIVE = {"tired", "worried", "scared", "interested", "married", "supposed", "used", "based", "excited",
                "concerned", "pleased", "bored", "confused", "embarrassed", "dehydrated", "infected", "needed",
                "red", "bed", "shed", "feed", "need", "seed", "speed", "bleed", "indeed", "hundred"}


@dataclasses.dataclass
class VersionReview:
    """What `check` says about one language version."""

    slug: str
    lang: str
    score: readability.Score
    target: str  # "≤ 8" or "≥ 60"
    meets_target: bool
    checklist: dict[str, bool]

    def line(self) -> str:
        score = self.score
        mark = "✓" if self.meets_target else "✗"
        if score.grade is not None:
            text = f"grade {score.grade:.1f} (target {self.target})"
        elif score.kandel_moles is not None:
            text = f"Kandel-Moles {score.kandel_moles:.0f} (target {self.target}), LIX {score.lix:.0f}"
        else:
            text = "no running text to score"
        items = " ".join(f"{'✓' if ok else '✗'} {name}" for name, ok in self.checklist.items())
        return f"{self.slug}/{self.lang}: {mark} {text}  {items}"

    def to_dict(self) -> dict:
        return {"handout": self.slug, "lang": self.lang, "score": self.score.to_dict(), "target": self.target,
                "meets_target": self.meets_target, "checklist": self.checklist}


@dataclasses.dataclass
class PlainLanguage:
    """A handout's plain-language review: one entry per language, warnings and notes."""

    versions: list[VersionReview]
    problems: list[Problem]  # warnings
    notes: list[Problem]  # hints, never counted


@functools.cache
def jargon(lang: str) -> dict[str, str]:
    """The jargon list of a language (pipeline/checks/data/jargon-LANG.yml): word → plain alternative."""
    file = DATA / f"jargon-{lang}.yml"
    if not file.is_file():
        return {}
    with open(file, encoding="utf-8") as handle:
        return {str(k).lower(): str(v) for k, v in (yaml.safe_load(handle) or {}).items()}


def version_blocks(version: LanguageVersion) -> list[readability.Block]:
    return readability.blocks(parser(version.lang).parse(version.body), version.body_line)


def score_version(version: LanguageVersion) -> readability.Score:
    return readability.score(version_blocks(version), version.lang)


def meets(project: Project, score: readability.Score) -> tuple[bool, str]:
    """Whether a score meets handouts.yml's target, and the target as text."""
    target = project.config.readability
    if score.lang == "fr":
        ok = score.kandel_moles is None or score.kandel_moles >= target.kandel_moles
        return ok, f"≥ {target.kandel_moles:g}"
    ok = score.grade is None or score.grade <= target.grade
    return ok, f"≤ {target.grade:g}"


def review(project: Project, handout: Handout) -> PlainLanguage:
    """Review every language version of a handout."""
    result = PlainLanguage([], [], [])
    for lang, version in handout.versions.items():
        text_blocks = version_blocks(version)
        score = readability.score(text_blocks, lang)
        ok, target = meets(project, score)
        if not ok:
            shown = f"grade {score.grade:.1f}" if lang != "fr" else f"Kandel-Moles {score.kandel_moles:.0f}"
            result.problems.append(Problem(
                version.file, f"{handout.slug} reads at {shown}, past the target of {target} in handouts.yml",
                field="", warning=True, hint="use shorter sentences and everyday words; see the notes"))
        checklist = _pemat(version, text_blocks, result.problems)
        result.versions.append(VersionReview(handout.slug, lang, score, target, ok, checklist))
        result.notes += _hints(version, text_blocks)
    return result


def _pemat(version: LanguageVersion, text_blocks: list[readability.Block], problems: list[Problem]) -> dict[str, bool]:
    lang = version.lang
    headings = [b for b in text_blocks if b.kind == "heading"]
    prose = [b for b in text_blocks if b.kind in ("paragraph", "item", "caption")]
    n_words = sum(len(readability.words(b.text, lang)) for b in prose)
    sections: list[tuple[int, int]] = [(version.body_line, 0)]  # (line, words)
    for block in text_blocks:
        if block.kind == "heading":
            sections.append((block.line, 0))
        elif block.kind in ("paragraph", "item"):
            line, count = sections[-1]
            sections[-1] = (line, count + len(readability.words(block.text, lang)))
    long_sections = [(line, count) for line, count in sections if count > LONG_SECTION]
    you = sum(len(re.findall(_YOU[lang], b.text, re.I)) for b in prose)
    images = len(re.findall(r"!\[[^\]]*\]\(", version.body))
    captions = sum(b.kind == "caption" for b in text_blocks)
    action = any(b.ordered for b in text_blocks) or any(
        b.callout and re.search(_CALL[lang], b.text, re.I) for b in text_blocks)
    checks = {
        "summary": any(re.search(_SUMMARY[lang], b.text, re.I) for b in headings),
        "headings": len(headings) >= 2 or n_words < 150,
        "short sections": not long_sections,
        '"you"' if lang == "en" else '"vous"': you >= max(1, n_words // 100),
        "action": action,
        "captions": captions >= images,
    }
    advice = {
        "summary": ("has no summary or key-points section", "start with '## Key points' and 3 to 5 short points"
                    if lang == "en" else "start with '## Points clés' and 3 to 5 short points"),
        "headings": ("has too few headings for its length", "break the text up with '## ...' headings"),
        "short sections": (f"has a section of more than {LONG_SECTION} words"
                           + (f" (under the heading on line {long_sections[0][0]})" if long_sections else ""),
                           "split it with a '### ...' heading or cut it down"),
        "action": ("gives the reader nothing to do", "add a numbered list of steps, or a '::: callout' that says "
                   "when to call 811"),
        "captions": ("has an image without a caption", 'add one: ![](picture.svg "What the picture shows.")'),
    }
    you_key = '"you"' if lang == "en" else '"vous"'
    advice[you_key] = (f"rarely speaks to the reader as {you_key}", f"write to the reader: {you_key}, not 'the patient'")
    for name, ok in checks.items():
        if not ok:
            message, hint = advice[name]
            problems.append(Problem(version.file, f"{message} (PEMAT: {name})", version.body_line, 1,
                                    hint=hint, warning=True))
    return checks


def _hints(version: LanguageVersion, text_blocks: list[readability.Block]) -> list[Problem]:
    lang = version.lang
    notes: list[Problem] = []
    for block in text_blocks:
        if block.kind == "cell":
            continue
        for sentence in readability.sentences(block, lang):
            if len(sentence.words) > LONG_SENTENCE:
                notes.append(Problem(version.file, f"long sentence ({len(sentence.words)} words): "
                                     f"\"{_clip(sentence.text)}\"", sentence.line, 1,
                                     hint=f"aim for {LONG_SENTENCE} words or fewer; split it in two"))
            if lang == "en":
                for match in _PASSIVE.finditer(sentence.text):
                    if match.group(2).lower() in _NOT_PASSIVE:
                        continue
                    notes.append(Problem(version.file, f"passive voice: \"{match.group(0)}\"", sentence.line, 1,
                                         hint="if it reads better, say who does it: \"germs cause most fevers\", not \"most fevers are caused by germs\""))
    text = "\n".join(b.text for b in text_blocks)
    for term, plain in jargon(lang).items():
        pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?:s|es|e|x)?(?![\w-])", re.I)
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        explained = any(re.match(r"(?:[ \t]+[\w'’-]+){0,2}\s*\(", text[m.end():]) or re.search(_EXPLAINED[lang], text[:m.start()][-20:], re.I)
                        for m in matches)
        if explained:
            continue
        first = matches[0]
        block = next((b for b in text_blocks if first.group(0) in b.text), None)
        notes.append(Problem(version.file, f"\"{first.group(0)}\" is medical or formal language", block.line if block else 0,
                             1, hint=f"say \"{plain}\", or explain it once in brackets"))
    return sorted(notes, key=lambda p: p.line)


def _clip(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
