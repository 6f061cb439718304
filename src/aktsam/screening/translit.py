"""Romanising one token of a name (any script except Han, which :mod:`aktsam.screening.chinese`
handles).

Choices, and why:

* Latin with diacritics, Cyrillic, Greek, Armenian, Georgian, Hangul: rigour's ``maybe_ascii``
  (Rust, fast), whose spellings are the ones FollowTheMoney/OpenSanctions data uses (``Путин`` ->
  ``putin``, ``Шевченко`` -> ``shevchenko``), so our tokens meet theirs. Where rigour departs from the
  system the official lists use, ``data/cyrillic_latin.csv`` overrides it (``х`` -> ``kh`` as in
  BGN/PCGN, "Mikhail", not rigour's "Mihail").
* Arabic: a sourced table of frequent name words (``data/arabic_names.csv``, spellings as the EU and
  UN lists write them) because Arabic script omits short vowels and a letter-by-letter romanisation
  (``محمد`` -> ``mhmd``) is far from every list spelling (``mohammad``). Tokens not in the table go
  through ICU ``Arabic-Latin``, which at least gives alef as ``a`` (``احمد`` -> ``ahmd``). The
  article ``ال`` is split off as ``al`` because lists mostly hyphenate it (``al-Zawahiri`` -> ``al
  zawahiri``).
* Everything else (Hebrew, Thai, kana, Devanagari…): ICU ``Any-Latin`` then ``Latin-ASCII``;
  anyascii as the last resort so a token never vanishes.
* Hangul person names are split per syllable, because Korean given names are written in Latin as
  separate syllables ("Kim Jong Un", "Kim Jong-un") while Hangul writes the name as one word
  ("김정은"); the surname takes its usual spelling from ``data/ko_surnames.csv`` ("김" -> kim, not
  Revised Romanization's "gim").

Results are cached per token; only ASCII letters and digits come out, lower case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from anyascii import anyascii
from rigour.text.translit import maybe_ascii

from aktsam.screening.datatables import LINE, DataFileError, load_table
from aktsam.screening.scripts import ARABIC, char_script

_ASCII_TOKEN = re.compile(r"[a-z0-9]+")
#: The Arabic article, split off words of ARTICLE_MIN_WORD letters or more (الله stays whole).
ARTICLE = "ال"
ARTICLE_MIN_WORD = 5
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3

_icu_any: Any = None
_icu_arabic: Any = None
_arabic_table: dict[str, tuple[str, ...]] | None = None
_korean_surnames: dict[str, str] | None = None
_cyrillic_latin: dict[int, str] | None = None


def cyrillic_latin() -> dict[int, str]:
    """``data/cyrillic_latin.csv`` as a ``str.translate`` table (lower and upper case letters)."""
    global _cyrillic_latin
    if _cyrillic_latin is None:
        table: dict[int, str] = {}
        for row in load_table("cyrillic_latin.csv", ("letter", "latin")):
            letter, latin = row["letter"], row["latin"].lower()
            if len(letter) != 1 or not _ASCII_TOKEN.fullmatch(latin):
                raise DataFileError(
                    "screening/data/cyrillic_latin.csv", int(row[LINE]), "bad letter or latin"
                )
            table[ord(letter.lower())] = latin
            table[ord(letter.upper())] = latin
        _cyrillic_latin = table
    return _cyrillic_latin


def _icu(arabic: bool) -> Any:
    """ICU transliterators, created on first use (creation takes milliseconds, use microseconds)."""
    global _icu_any, _icu_arabic
    import icu  # type: ignore[import-untyped]  # pyicu, imported late: most names never need it

    if arabic:
        if _icu_arabic is None:
            _icu_arabic = icu.Transliterator.createInstance("Arabic-Latin; Latin-ASCII")
        return _icu_arabic
    if _icu_any is None:
        _icu_any = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")
    return _icu_any


def arabic_table() -> dict[str, tuple[str, ...]]:
    """``data/arabic_names.csv``: Arabic-script name word -> its usual Latin spelling (tokens).

    Or the table a caller installed with :func:`use_arabic_table`.
    """
    global _arabic_table
    if _arabic_table is None:
        table: dict[str, tuple[str, ...]] = {}
        for row in load_table("arabic_names.csv", ("arabic", "latin")):
            tokens = tuple(_ASCII_TOKEN.findall(row["latin"].lower()))
            if not tokens:
                raise DataFileError(
                    "screening/data/arabic_names.csv", int(row[LINE]), "empty latin"
                )
            table[fold_arabic(row["arabic"])] = tokens
        _arabic_table = table
    return _arabic_table


def use_arabic_table(rows: Iterable[tuple[str, str]] | None) -> None:
    """Romanise Arabic with another word table in this process; ``None`` goes back to the shipped one.

    ``rows`` are ``(arabic, latin)`` pairs, as the columns of ``data/arabic_names.csv`` (the Arabic
    word is folded and the Latin spelling split into tokens the same way). ``None`` makes the next
    lookup load ``data/arabic_names.csv`` again. The product never calls this: it is a seam for
    evaluation. ``bench/screening.py`` installs a table mined without the entries it holds out,
    because the shipped table was mined from the same lists and would answer a held-out Arabic
    name with a word pair learnt from that very entry.

    Call it before anything is normalised. It clears :func:`romanise_token`'s cache, but what was
    already normalised elsewhere keeps the previous table's spellings: ``names``' and the matcher's
    caches, a built or saved ``MatchIndex`` (whose fingerprint does not cover this table), and
    ``ScreeningService``'s on-disk index cache.
    """
    global _arabic_table
    if rows is None:
        _arabic_table = None
    else:
        table: dict[str, tuple[str, ...]] = {}
        for arabic, latin in rows:
            tokens = tuple(_ASCII_TOKEN.findall(latin.lower()))
            if not tokens:
                raise ValueError(f"Arabic table: empty latin spelling for {arabic!r}")
            table[fold_arabic(arabic)] = tokens
        _arabic_table = table
    romanise_token.cache_clear()


_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",  # alef with hamza above
        "إ": "ا",  # alef with hamza below
        "آ": "ا",  # alef with madda
        "ٱ": "ا",  # alef wasla
        "ى": "ي",  # alef maksura written for final yeh
        "ی": "ي",  # Farsi yeh
        "ک": "ك",  # Farsi keheh
        "ـ": None,  # tatweel (elongation)
    }
)
_ARABIC_MARKS = re.compile(
    r"[\u064B-\u065F\u0670]"
)  # harakat (short vowel marks), superscript alef


def fold_arabic(word: str) -> str:
    """Spelling-insensitive key: hamza carriers, alef variants, yeh forms and vowel marks unified.

    Lists write the same name with and without hamza (``أحمد`` / ``احمد``) and with Persian letters.
    """
    return _ARABIC_MARKS.sub("", word.translate(_ARABIC_FOLD))


def _arabic(token: str) -> tuple[str, ...]:
    table = arabic_table()
    key = fold_arabic(token)
    found = table.get(key)
    if found is not None:
        return found
    if key.startswith(ARTICLE) and len(key) >= ARTICLE_MIN_WORD:
        rest = key[2:]
        found = table.get(rest)
        tail = found if found is not None else romanise_icu(rest, arabic=True)
        return ("al", *tail)
    return romanise_icu(key, arabic=True)


# Transliterators write ayn/hamza as modifier letters or apostrophes (ʿ ʾ '): part of the word, not
# a break.
_APOSTROPHES = str.maketrans("", "", "\u02bf\u02be\u02bb\u02bc'`\u00b4\u2019")


def romanise_icu(text: str, *, arabic: bool) -> tuple[str, ...]:
    out = _icu(arabic).transliterate(text).translate(_APOSTROPHES)
    if not out.isascii():
        out = anyascii(out)
    return tuple(_ASCII_TOKEN.findall(out.lower()))


def korean_surnames() -> dict[str, str]:
    """``data/ko_surnames.csv``: Hangul surname -> usual Latin spelling ("김" -> "kim")."""
    global _korean_surnames
    if _korean_surnames is None:
        _korean_surnames = {
            row["surname"]: row["latin"].lower()
            for row in load_table("ko_surnames.csv", ("surname", "latin"))
        }
    return _korean_surnames


def _hangul_person(token: str, first: bool) -> tuple[str, ...]:
    """One token per syllable; a surname starting the name spelled as ``ko_surnames.csv`` says."""
    surnames = korean_surnames()
    if first and len(token) >= 3 and token[:2] in surnames:
        head, rest = surnames[token[:2]], token[2:]
    elif first and token[0] in surnames:
        head, rest = surnames[token[0]], token[1:]
    else:
        head, rest = maybe_ascii(token[0]), token[1:]
    syllables = [head, *(maybe_ascii(syllable) for syllable in rest)]
    return tuple(t for syllable in syllables for t in _ASCII_TOKEN.findall(syllable))


def _is_hangul(token: str) -> bool:
    return bool(token) and all(_HANGUL_FIRST <= ord(c) <= _HANGUL_LAST for c in token)


@lru_cache(maxsize=65536)
def romanise_token(token: str, person: bool = False, first: bool = False) -> tuple[str, ...]:
    """ASCII tokens for one name token (already NFKC-normalised and case-folded, no Han characters).

    ``person``: the token is part of a person's name; ``first``: it is the first token (where a
    Korean surname is).
    """
    if token.isascii():
        return tuple(_ASCII_TOKEN.findall(token))
    if person and _is_hangul(token) and (first or len(token) > 1):
        return _hangul_person(token, first)
    out = maybe_ascii(token.translate(cyrillic_latin()))
    if out.isascii():
        return tuple(_ASCII_TOKEN.findall(out))
    if any(char_script(c) == ARABIC for c in token):
        return _arabic(token)
    return romanise_icu(token, arabic=False)


@lru_cache(maxsize=65536)
def token_key(token: str) -> str:
    """A cheap ASCII key of a token, for table lookups that should meet across Latin and Cyrillic.

    Scripts rigour cannot romanise (Arabic, Han…) keep their own spelling: tables list those forms
    as is.
    """
    if token.isascii():
        return token
    out = maybe_ascii(token.translate(cyrillic_latin()))
    return out if out.isascii() else token
