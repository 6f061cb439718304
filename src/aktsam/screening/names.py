"""Name normalisation for matching: one or more comparable token forms per name.

STUB: the interface is final, the implementation is a placeholder being replaced (legal forms, abbreviations,
transliteration of Han/Cyrillic/Arabic/Greek, translation of generic Chinese company words).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii

from aktsam.lists.model import Schema

_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name reduced to comparable tokens, with what was removed kept for the explanation."""

    original: str
    tokens: tuple[str, ...]  # ascii, lower case, legal forms removed, abbreviations expanded
    legal_forms: tuple[str, ...] = ()  # canonical legal forms found and removed, e.g. ("llc",)
    script: str = "latin"  # dominant script of ``original``: latin, han, cyrillic, arabic, greek, other
    note: str | None = None  # how this form was derived when not the plain one, e.g. "pinyin + translation"


def name_forms(name: str, schema: Schema | None = None) -> list[NameForm]:
    """All comparable forms of ``name`` (at least one unless the name has no letters or digits)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    tokens = tuple(_TOKEN.findall(anyascii(text).lower()))
    return [NameForm(original=name, tokens=tokens)] if tokens else []
