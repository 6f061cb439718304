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
from rigour.territories.territory import Territory
from rigour.text.scripts import codepoint_script, text_scripts

_ALPHA2 = re.compile(r"[a-z]{2}")
#: "Congo (Democratic Republic)": a name, then one bracketed part
_BRACKETED = re.compile(r"(?P<name>[^()]+?)\s*\((?P<part>[^()]+)\)")
_BRACKETS = re.compile(r"\(.*?\)")


def clean(value: str | None) -> str | None:
    """Collapse whitespace; empty strings and the OFAC legacy null ``-0-`` become ``None``."""
    if value is None:
        return None
    text = " ".join(value.split())
    if not text or text == "-0-":
        return None
    return text


@lru_cache(maxsize=4096)
def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 (two lower-case letters) for a country as lists write it, else ``None``.

    Uses rigour's territory database, which knows the UN/EU/OFAC spellings ("Iran (Islamic Republic
    of)", "Korea, North", "Russian Federation"). Lists also put something in brackets after a
    country, in two ways:

    * a qualifier that is part of the name: "Congo (Democratic Republic)" (the FCDO's spelling of the
      DRC), "Sudan (South)", "China (Hong Kong)". The name is tried with the qualifier put back
      ("Democratic Republic of the Congo" → ``cd``, "South Sudan" → ``ss``, "Hong Kong China" →
      ``hk``) before anything else: dropping it would give another country (``cg``, ``sd``, ``cn``).
    * a note about the country: "Germany (previous address)", "Pakistan (at time of listing)". When
      no qualified form is a territory, the part outside the brackets is looked up (``de``, ``pk``).

    Only ever an alpha-2 code, because countries are matched by code: a sub-national territory
    gives the country it belongs to, for screening is about the country ("Crimea" → ``ua``, never
    ``ua-cri``; "Kurdistan" → ``iq``); a former state with one successor gives the successor
    ("RSFSR" → ``ru``, "Kazakh SSR" → ``kz``); one with several ("USSR", "Yugoslavia") and a
    disputed region governed by none ("Kashmir") give ``None``.
    """
    text = clean(value)
    if text is None:
        return None
    territory = lookup_territory(text) or _bracketed_territory(text)
    return _alpha2(territory) if territory is not None else None


def _bracketed_territory(text: str) -> Territory | None:
    """The territory a name with a bracketed qualifier or note means (see :func:`country_code`)."""
    bracketed = _BRACKETED.fullmatch(text)
    if bracketed is not None:
        name, part = bracketed["name"], bracketed["part"].strip()
        for form in (
            f"{part} {name}",  # Sudan (South)
            f"{part} of {name}",  # Micronesia (Federated States)
            f"{part} of the {name}",  # Congo (Democratic Republic)
            f"{name}, {part}",  # Palestine (State of)
            f"{name} {part}",  # Guinea (Bissau)
        ):
            territory = lookup_territory(form)
            if territory is not None:
                return territory
    bare = clean(_BRACKETS.sub("", text))
    return lookup_territory(bare) if bare and bare != text else None


def _alpha2(territory: Territory) -> str | None:
    """The alpha-2 code of a territory, of the country it is part of, or of its one successor."""
    current: Territory | None = territory
    while current is not None:
        if _ALPHA2.fullmatch(current.code):
            return current.code
        current = current.parent
    successors = territory.successors
    if len(successors) == 1 and _ALPHA2.fullmatch(successors[0].code):
        return successors[0].code
    return None


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
