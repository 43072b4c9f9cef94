"""`handouts review` and `handouts revise`: a clinical review appended to the handout's history, a
changed text dated and its fingerprint recorded, so that staff never edit dates by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import Problem, SourceError
from ..project.config import Project
from ..project.locales import LANGUAGE_NAMES, SOURCE_LANGUAGE
from .edit import replace_key, review_lines, set_front, write_source
from .history import record, recorded, recorded_for, version_fingerprint
from .meta import Handout, Review
from .model import handout_slugs, load_handout


def load(project: Project, slug: str) -> Handout:
    """The handout, or the error that keeps it from being read (every problem, located)."""
    handout, problems = load_handout(project, slug)
    if handout is None:
        raise SourceError([p for p in problems if not p.warning] or problems)
    return handout


def known_bodies(project: Project) -> list[tuple[dict[str, str], dict[str, str]]]:
    """Every reviewing body the project knows, with its organization: handouts.yml's `reviewers:`
    and those of the reviews already recorded (placeholders left by `handouts new` are not bodies)."""
    found = [(dict(r.body), dict(r.organization)) for r in project.config.reviewers]
    for slug in handout_slugs(project):
        handout, _ = load_handout(project, slug)
        for review in handout.meta.review if handout else ():
            found.append((dict(review.body), dict(review.organization)))
    unique: list[tuple[dict[str, str], dict[str, str]]] = []
    for body, organization in found:
        if not any("TODO" in name for name in body.values()) and (body, organization) not in unique:
            unique.append((body, organization))
    return unique


def _match(name: str, names: dict[str, str]) -> bool:
    return " ".join(name.split()).casefold() in {" ".join(n.split()).casefold() for n in names.values()}


def add_review(project: Project, slug: str, by: str, organization: str | None, on: dt.date, note: str | None,
               languages: tuple[str, ...], today: dt.date) -> list[str]:
    """Append a review to handouts/SLUG/handout.yml; return what was done, a line each."""
    handout = load(project, slug)
    if on > today:
        raise SourceError([Problem("--date", f"{on.isoformat()} is in the future",
                                   hint="record a review once it has taken place")])
    bodies = known_bodies(project)
    matches = [(b, o) for b, o in bodies if _match(by, b)]
    if organization is not None:
        matches = [(b, o) for b, o in matches if _match(organization, o)]
    if not matches:
        names = "; ".join(sorted({b.get(SOURCE_LANGUAGE, next(iter(b.values()))) for b, _ in bodies})) or "none yet"
        what = f'"{by}"' + (f' of "{organization}"' if organization else "")
        raise SourceError([Problem("--by", f"{what} is not a reviewing body this project knows (known: {names})",
                                   hint="give its name as recorded, or add it, in English and French, under "
                                        "'reviewers:' in handouts.yml")])
    body, org = matches[0]
    stale = [lang for lang, v in handout.versions.items() if v.stale]
    for lang in languages:
        if lang not in handout.versions:
            raise SourceError([Problem("--lang", f"{slug} has no {LANGUAGE_NAMES.get(lang, lang)} text to review")])
        if lang in stale:
            raise SourceError([Problem("--lang", f"the {LANGUAGE_NAMES[lang]} text translates an older English text",
                                       hint=f"update the translation first ('handouts changes {slug}'), "
                                            "or record the review without it")])
    reviewed = list(languages) or [lang for lang in handout.versions if lang not in stale]
    review = Review(body=body, organization=org, date=on, note=note or None, languages=reviewed)
    meta_file = handout.folder / "handout.yml"
    text = meta_file.read_text(encoding="utf-8")
    write_source(meta_file, replace_key(text, "review", review_lines([*handout.meta.review, review]),
                                        Path("handouts") / slug / "handout.yml"))
    done = [f"recorded the review of {on.isoformat()} by {body[SOURCE_LANGUAGE]} for "
            f"{', '.join(LANGUAGE_NAMES[lang] for lang in reviewed)} ({len(handout.meta.review) + 1} in its history)"]
    for lang in stale:
        done.append(f"not reviewed: the {LANGUAGE_NAMES[lang]} translation, which translates the English of "
                    f"{handout.versions[lang].front.translates.revised.isoformat()}")
    for lang in reviewed:  # the reviewed texts are settled: a later change without a new date is found
        version = handout.versions[lang]
        record(handout.folder, version, version.front.revised, (handout.folder / f"{lang}.md").read_text("utf-8"))
    return done


def revise(project: Project, slug: str, languages: tuple[str, ...], today: dt.date) -> list[str]:
    """Date each changed text `today` in its `revised:` and record its fingerprint."""
    handout = load(project, slug)
    done = []
    for lang in languages or (SOURCE_LANGUAGE,):
        version = handout.versions.get(lang)
        if version is None:
            raise SourceError([Problem("--lang", f"{slug} has no {LANGUAGE_NAMES.get(lang, lang)} text")])
        history = recorded(handout.folder).get(lang, [])
        now = version_fingerprint(version)
        if history and history[-1]["fingerprint"] == now:
            done.append(f"{lang}.md: unchanged since its revision of {history[-1]['revised']}: nothing to do")
            continue
        # Before this revision is recorded: a translation made today translated the one before it.
        pinned = _pin_translations(handout) if lang == SOURCE_LANGUAGE else []
        path = handout.folder / f"{lang}.md"
        text = path.read_text(encoding="utf-8")
        was = version.front.revised
        if was != today:
            text = set_front(text, {"revised": today}, version.file)
            write_source(path, text)
            version.front = version.front.model_copy(update={"revised": today})
        record(handout.folder, version, today, text)
        done.append(f"{lang}.md: revised: {today.isoformat()}" + (
            f" (was {was.isoformat()})" if was != today else " (already today's date: the new text is recorded)"))
        done += pinned
    return done


def _pin_translations(handout: Handout) -> list[str]:
    """A translation typed as `translates: DATE` translated the English recorded for that date:
    give it that text's fingerprint, so a change made the same day makes it stale."""
    done = []
    history = recorded(handout.folder)
    for lang, version in handout.versions.items():
        translates = version.front.translates
        if lang == SOURCE_LANGUAGE or translates is None:
            continue
        if translates.fingerprint is None:
            settled = recorded_for(history, SOURCE_LANGUAGE, translates.revised)
            if settled is None:
                continue
            path = handout.folder / f"{lang}.md"
            write_source(path, set_front(path.read_text(encoding="utf-8"), {"translates": {
                "revised": translates.revised, "fingerprint": settled}}, version.file))
        done.append(f"{lang}.md translates an older English text now: 'handouts changes {handout.slug} "
                    f"--lang {lang}' shows what changed")
    return done
