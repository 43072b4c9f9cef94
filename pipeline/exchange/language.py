"""Which language an input is in: what the user said, what the file declares, or what its words show."""

from __future__ import annotations

import re

from ..project.locales import LANGUAGE_NAMES, SUPPORTED_LANGUAGES

# The commonest words of each language: a page's share of them tells English from French.
_COMMON = {
    "en": set("the and of to a in is it you your for that are with be this can or not on if as have do at".split()),
    "fr": set("le la les de des du et est un une vous votre pour que qui dans en pas sur au aux ce il elle ou se".split()),
}


def language_of(override: str | None, declared: str) -> tuple[str, str] | None:
    """The language given with --lang, or the one the file declares (lang="fr-CA" → fr), with where it came from."""
    if override:
        return override, "--lang"
    code = declared.strip().lower()[:2]
    if code in SUPPORTED_LANGUAGES:
        return code, f'declared in the file ("{declared.strip()}")'
    return None


def guess_language(text: str) -> tuple[str, str]:
    """English or French by the commonest words (for files that declare nothing, like text files)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    counts = {lang: sum(word in common for word in words) for lang, common in _COMMON.items()}
    lang = max(counts, key=lambda name: (counts[name], name == "en"))
    return lang, f"guessed from its words ({counts['en']} common English, {counts['fr']} common French)"


def name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, lang)
