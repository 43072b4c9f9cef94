"""The words handouts use for their metadata, in English and French → compiled patterns on folded text."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lowercase, accents off, typographic apostrophes and spaces plain: "Révisé / mis à jour" → "revise / mis a jour"."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("’", "'").replace("\u00a0", " ").replace("\u202f", " "))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.X)


AUTHOR = _p(r"""^(?:written|prepared|developed|produced|created)\s+by\b
            | ^(?:redigee?s?|preparee?|elaboree?|produite?|creee?)\s+par\b""")
REVIEW = _p(r"""\b(?:reviewed|approved)\s+by\b | \b(?:revisee?|approuvee?|examinee?|validee?)\s+par\b""")
REVISED = _p(r"""^(?:date\s+)?(?:page\s+)?(?:last\s+)?(?:revised(?:\s*/\s*updated)?|updated|modified|reviewed\s*/\s*updated
                  |revision\s+date|date\s+(?:revised|updated))\b
            | ^(?:date\s+de\s+)?(?:revision|(?:derniere\s+)?mise\s+a\s+jour|mis\s+a\s+jour|revisee?(?:\s*/\s*mis\s+a\s+jour)?|modifiee?)\b""")
CREATED = _p(r"""^(?:date\s+)?(?:created|first\s+published|published|issued|date\s+created)\b
            | ^(?:date\s+de\s+)?(?:creation|creee?|publiee?|publication)\b""")
NUMBER = _p(r"""^(?:(?:handout|document|file|fact\s*sheet|sheet|fiche(?:\s+d'information)?|depliant|publication|item)\s*)?
                (?:no\.?|number|numero|n[o°]|\#)?\s*[:\#.]?\s*(\d{3,8}[a-z]?)\.?$""")
COPYRIGHT = _p(r"""^(?:crown\s+)?copyright\b | ^© | ^\(c\) | ^droits?\s+d'auteur | \bcopyright\s*(?:©|\(c\))""")
# Taken off a copyright line to leave its holder.
COPYRIGHT_WORDS = re.compile(
    r"(?:crown\s+)?copyright|droits?\s+d[’']auteur(?:\s+de\s+la\s+couronne)?|©|\(c\)|all\s+rights\s+reserved\.?"
    r"|tous\s+droits\s+réservés\.?|\b(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)?\d{2,4})?\b", re.I)
PERMISSION = _p(r"""\bpermission\b | \bpermitted\b | \bmay\s+(?:be\s+)?(?:print|copie|cop|photocop|reproduc|shar|distribut|adapt)
            | \byou\s+may\b | \blicen[cs]e\b | \bautoris | \bpermis\b | \blicence\b
            | \bvous\s+pouvez\s+(?:imprimer|copier|photocopier|diffuser|partager|reproduire|adapter)""")
PERMISSION_USE = _p(r"""print|photocop|\bcop(?:y|ie)|reproduc|electroni|\bshar|\buse|imprim|copier|utilis|diffus""")
# In a permission sentence: this sentence takes rights away rather than giving them.
RESTRICTS = _p(r"""\b(?:not|no|required|requires|must|prohibited|forbidden|interdite?|exige|requise?|sauf)\b | \bn'est\s+pas\b""")
USES = {"print": _p(r"\bprint|\bimprim"), "photocopy": _p(r"photocop|\bcop(?:y|ie|ier)\b|reproduc"),
        "electronic": _p(r"electroni|\bonline\b|en\s+ligne|\bweb\b|internet|e-?mail|courriel")}
DISCLAIMER = _p(r"""general\s+(?:overview|information) | may\s+not\s+apply | not\s+(?:a\s+)?substitute | does\s+not\s+replace
            | information\s+generale | apercu\s+general | ne\s+remplace\s+pas | peut\s+ne\s+pas\s+s'appliquer
            | ne\s+s'applique\s+peut-etre\s+pas""")
# A nurse line's call-out (besides the number itself): the layout prints the project's own.
CONTACT_WORDS = _p(r"""nurse | infirmi | video\s+relay | relais\s+video | \bvrs\b | \bsrv\b | 24\s*(?:hours|heures|h\b)
            | 24/7 | 7\s+days | 7\s+jours""")
SOURCES_HEADING = _p(r"""^(?:sources?|references?|bibliograph(?:y|ie)|works\s+cited|ouvrages\s+cites|sources?\s+et\s+references?)\s*:?$""")
# A bold paragraph that starts like this is a warning: it becomes a call-out.
WARNING = _p(r"""^(?:warning|caution|important|danger|attention|call\s+911|go\s+to\s+(?:the|an|your(?:\s+nearest)?)\s+emergency
             | get\s+(?:emergency|medical)\s+help | seek\s+(?:emergency|immediate)
             | avertissement|mise\s+en\s+garde|composez\s+le\s+911|appelez\s+le\s+911|allez\s+(?:a|aux)\s+(?:l'urgence|urgences?))""")
EMERGENCY = _p(r"911|emergency|urgence|danger")
# A paragraph that is only a question, standing alone: a section heading ("What is a fever?").
QUESTION = _p(r"""^(?:what|how|when|why|who|where|which|is|are|can|could|do|does|should|will|may
             |qu'est-ce|qu'est|que|quels?|quelles?|comment|quand|pourquoi|qui|ou|est-ce|dois-je|puis-je|faut-il|y\s+a-t-il)\b.*\?$""")
# Degrees and titles after an author's name.
DEGREES = re.compile(r",?\s*\b(?:MD|M\.D\.|PhD|Ph\.D\.|RN|BScN|MSc|BSc|MSN|MPH|DO|NP|FRCPC|FCFP|CCFP|PharmD|RD|Dr\.?)\b\.?", re.I)
URL = re.compile(r"https?://[^\s)\]>,;]+[^\s)\]>,;.]")
