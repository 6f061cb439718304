"""Which writing system a name is in: decides how it is romanised and is shown in the explanation.

The Unicode script property decides (rigour's ``text_scripts``, in Rust); characters common to all
scripts (digits, punctuation, spaces) do not count. A name in one script is that script; two or more
give ``mixed`` (``"TCL集团"``). The scripts that aktsam romanises specially have their own value;
all others (Hangul, kana, Hebrew, Thai, Devanagari…) are ``other``. A Japanese name with kana is
therefore ``mixed``; one in kanji only cannot be told from Chinese and is ``han`` (a known limit: it
is then romanised with Chinese readings).

:func:`char_script` classifies single characters by code point range; it cuts tokens into Han and
non-Han runs.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rigour._core import text_scripts

LATIN = "latin"
HAN = "han"
CYRILLIC = "cyrillic"
ARABIC = "arabic"
GREEK = "greek"
OTHER = "other"
MIXED = "mixed"

# (first, last, script) code point ranges; checked in order, first match wins.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, LATIN),  # Basic Latin letters .. Latin Extended-B
    (0x0250, 0x02AF, LATIN),  # IPA extensions
    (0x1E00, 0x1EFF, LATIN),  # Latin Extended Additional (Vietnamese)
    (0x2C60, 0x2C7F, LATIN),
    (0xA720, 0xA7FF, LATIN),
    (0xFF21, 0xFF5A, LATIN),  # full-width Latin
    (0x0370, 0x03FF, GREEK),
    (0x1F00, 0x1FFF, GREEK),
    (0x0400, 0x052F, CYRILLIC),
    (0x1C80, 0x1C8F, CYRILLIC),
    (0x2DE0, 0x2DFF, CYRILLIC),
    (0xA640, 0xA69F, CYRILLIC),
    (0x0600, 0x06FF, ARABIC),
    (0x0750, 0x077F, ARABIC),
    (0x0870, 0x08FF, ARABIC),
    (0xFB50, 0xFDFF, ARABIC),
    (0xFE70, 0xFEFF, ARABIC),
    (0x2E80, 0x2FDF, HAN),  # CJK radicals, Kangxi radicals
    (0x3005, 0x3007, HAN),  # 々 〆 〇
    (0x3400, 0x4DBF, HAN),  # Extension A
    (0x4E00, 0x9FFF, HAN),  # CJK Unified Ideographs
    (0xF900, 0xFAFF, HAN),  # compatibility ideographs
    (0x20000, 0x323AF, HAN),  # Extensions B..H
)


@lru_cache(maxsize=4096)
def char_script(char: str) -> str | None:
    """Script of one character; None for a non-letter (digit, punctuation, space, mark)."""
    cp = ord(char)
    if cp < 0x80:
        return LATIN if char.isalpha() else None
    if not unicodedata.category(char).startswith("L") and not (0x3005 <= cp <= 0x3007):
        return None
    for first, last, script in _RANGES:
        if first <= cp <= last:
            return script
    return OTHER


def is_han(char: str) -> bool:
    """True for a Han ideograph (what pypinyin can romanise)."""
    return char_script(char) == HAN


_RIGOUR_SCRIPTS = {
    "Latin": LATIN,
    "Han": HAN,
    "Cyrillic": CYRILLIC,
    "Arabic": ARABIC,
    "Greek": GREEK,
}


def has_han(text: str) -> bool:
    """True when ``text`` contains a Han ideograph."""
    return not text.isascii() and "Han" in text_scripts(text)


@lru_cache(maxsize=65536)
def detect_script(text: str) -> str:
    """``latin``, ``han``, ``cyrillic``, ``arabic``, ``greek``, ``other`` or ``mixed`` (module doc).

    Text without any letter (``"1260"``) is ``latin``: it is compared as ASCII digits. Uses rigour's
    ``text_scripts`` (Unicode script property, in Rust: ten times faster than a loop over characters).
    """
    if text.isascii():
        return LATIN
    found = {_RIGOUR_SCRIPTS.get(name, OTHER) for name in text_scripts(text)}
    if len(found) > 1:
        return MIXED
    return found.pop() if found else LATIN
