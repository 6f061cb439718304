"""Romanisation keys: one spelling for the ways Latin-script lists write the same Cyrillic name.

The official lists romanise Russian, Belarusian and Ukrainian names by different systems: OFAC and the
UK by BGN/PCGN ("Dmitry Ivanovich SAVELYEV"), Nordic registers and press by the Swedish or Norwegian
transcription ("Dmitrij Ivanovitj SAVELJEV"), German and Polish sources by theirs ("Wladimir",
"Mychajlo"). The spellings are several edits apart, and often not alike by Metaphone either, so neither
of the vocabulary's other neighbourhoods finds them.

:func:`romanisation_key` folds each system's spelling of a Cyrillic letter to one key letter, by the
table ``data/romanisation.csv`` (spelling -> key, with the letter, the systems and a source on every row),
reading left to right and taking the longest spelling at each place, then writes a doubled letter
once ("Mikheev" / "Michejev" -> ``miCev``). Two different tokens with the same key are romanisation
variants of each other (:data:`aktsam.screening.weights.ROMANISATION_SIMILARITY`).

The key is lossy on purpose (ч and х share a class, because "ch" is ч in English and х in Swedish,
German and Polish), so it only ever adds a neighbour at a similarity below an exact match, and only for
tokens of :data:`~aktsam.screening.weights.ROMANISATION_MIN_LENGTH` letters or more, and for a pair only
when the longer token has :data:`~aktsam.screening.weights.ROMANISATION_LONGER_MIN_LENGTH` or more.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from aktsam.screening import weights as W
from aktsam.screening.datatables import LINE, DataFileError, load_table

_TABLE = "romanisation.csv"
_SPELLING = re.compile(r"[a-z]+")
_KEY = re.compile(r"[a-zA-Z]*")
_ALPHA = re.compile(r"[a-z]+")
_DOUBLED = re.compile(r"(.)\1+")


@cache
def _rules() -> tuple[re.Pattern[str], dict[str, str]]:
    """The table as one alternation (longest spelling first) and spelling -> key."""
    table: dict[str, str] = {}
    for row in load_table(_TABLE, ("spelling", "key", "letter", "systems")):
        spelling, key = row["spelling"], row["key"]
        if not _SPELLING.fullmatch(spelling):
            raise DataFileError(
                f"screening/data/{_TABLE}", int(row[LINE]), f"spelling {spelling!r} is not a-z"
            )
        if not _KEY.fullmatch(key):
            raise DataFileError(
                f"screening/data/{_TABLE}", int(row[LINE]), f"key {key!r} is not letters"
            )
        if spelling in table:
            raise DataFileError(
                f"screening/data/{_TABLE}", int(row[LINE]), f"spelling {spelling!r} twice"
            )
        table[spelling] = key
    ordered = sorted(table, key=lambda s: (-len(s), s))
    return re.compile("|".join(ordered)), table


@lru_cache(maxsize=65536)
def romanisation_key(token: str) -> str | None:
    """The romanisation key of a normalised token, or ``None`` when it has none (too short, or not
    all letters a-z)."""
    if len(token) < W.ROMANISATION_MIN_LENGTH or not _ALPHA.fullmatch(token):
        return None
    pattern, table = _rules()
    folded = pattern.sub(lambda m: table[m.group(0)], token)
    return _DOUBLED.sub(r"\1", folded)


def same_romanisation(left: str, right: str) -> bool:
    """Whether two different tokens are romanisation variants: the same key, and the longer of them
    of :data:`~aktsam.screening.weights.ROMANISATION_LONGER_MIN_LENGTH` letters or more."""
    if left == right or max(len(left), len(right)) < W.ROMANISATION_LONGER_MIN_LENGTH:
        return False
    key = romanisation_key(left)
    return key is not None and key == romanisation_key(right)
