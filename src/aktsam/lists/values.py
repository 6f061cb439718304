"""Cleaning of the values list files carry: countries, dates, whitespace.

Every parser uses these so that ``cn``, ``1970-05`` and a trimmed name mean the same thing whatever list they
came from. Nothing here guesses: a value that cannot be read returns ``None`` and the parser keeps the raw text
where the model has room for it.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from rigour.territories import lookup_territory
from rigour.text.scripts import codepoint_script, text_scripts

_SPACE = re.compile(r"\s+")


def clean(value: str | None) -> str | None:
    """Collapse whitespace; empty strings and the OFAC legacy null ``-0-`` become ``None``."""
    if value is None:
        return None
    text = _SPACE.sub(" ", value).strip()
    if not text or text == "-0-":
        return None
    return text


@lru_cache(maxsize=4096)
def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 (lower case) for a country name or code as lists write them, else ``None``.

    Uses rigour's territory database, which knows the UN/EU/OFAC spellings ("Iran (Islamic Republic of)",
    "Korea, North", "Russian Federation").
    """
    text = clean(value)
    if text is None:
        return None
    territory = lookup_territory(text)
    if territory is None:
        # lists write "Iran (Islamic Republic of)" and "China (Hong Kong)": try the part outside brackets
        bare = clean(re.sub(r"\(.*?\)", "", text))
        territory = lookup_territory(bare) if bare and bare != text else None
    return territory.code if territory is not None else None


_DATE_FORMATS: tuple[tuple[str, str], ...] = (
    ("%Y-%m-%d", "day"),
    ("%d %b %Y", "day"),
    ("%d %B %Y", "day"),
    ("%d/%m/%Y", "day"),
    ("%m/%d/%Y", "day"),
    ("%b %Y", "month"),
    ("%B %Y", "month"),
    ("%Y-%m", "month"),
    ("%Y", "year"),
)


def iso_date(value: str | None, *, day_first: bool = True) -> str | None:
    """A list date as partial ISO 8601 (``"1970"``, ``"1970-05"``, ``"1970-05-01"``), else ``None``.

    ``day_first`` chooses between ``dd/mm/yyyy`` (UN, UK, EU) and ``mm/dd/yyyy`` (OFAC, BIS) for slashes.
    Precision is kept as published: a year stays a year.
    """
    text = clean(value)
    if text is None:
        return None
    text = text.rstrip(".")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T.*", text):
        text = text[:10]
    for fmt, precision in _DATE_FORMATS:
        if "/" in fmt and not day_first:
            fmt = "%m/%d/%Y" if fmt == "%d/%m/%Y" else "%d/%m/%Y"
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if precision == "year":
            return f"{parsed.year:04d}"
        if precision == "month":
            return f"{parsed.year:04d}-{parsed.month:02d}"
        return f"{parsed.year:04d}-{parsed.month:02d}-{parsed.day:02d}"  # %Y is unpadded < 1000
    return None


def is_original_script(value: str) -> bool:
    """True when most letters of a name are outside the Latin alphabet (Arabic, Cyrillic, Han…).

    Lists label such names inconsistently (the UN's NAME_ORIGINAL_SCRIPT once holds a Latin name;
    the EU tags names by language, not script), so parsers decide ``ORIGINAL_SCRIPT`` from the
    letters. The majority decides because names mix scripts: a Greek translation keeps
    ``Al-Aqsa``, and a Cyrillic name may be typed with a Latin look-alike ``i`` or ``A``.
    """
    if value.isascii():
        return False
    scripts = text_scripts(value)
    if "Latin" not in scripts or len(scripts) == 1:
        return bool(scripts) and "Latin" not in scripts
    latin = other = 0  # mixed: the majority of letters decides
    for char in value:
        if char.isalpha():
            script = codepoint_script(ord(char))
            if script == "Latin":
                latin += 1
            elif script not in (None, "Common", "Inherited"):
                other += 1
    return other > latin


def mixes_scripts(value: str) -> bool:
    """True when a name has Latin letters and letters of another script."""
    if value.isascii():
        return False
    scripts = text_scripts(value)
    return "Latin" in scripts and len(scripts) > 1


def mixed_script_words(value: str) -> list[str]:
    """Words that mix Latin with another script, e.g. ``ROMASHKІN`` typed with a Cyrillic ``І``.

    Such a word is almost always a typing slip with a look-alike letter; it defeats exact and
    fuzzy matching, so parsers report it (they never "correct" it).
    """
    if value.isascii():
        return []
    return [word for word in value.split() if mixes_scripts(word)]
