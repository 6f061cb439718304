"""Dates and prices as registers write them, read into ISO dates and numbers, or refused with a reason.

Each parser returns ``(value, None)`` or ``(None, reason)``; the register importer turns a reason
into a warning and keeps the row without that value (a bad warranty date must not hide the
Hikvision model in the same row).

Dates: ISO ``YYYY-MM-DD`` (a time after it is ignored), ``YYYY-MM``, ``DD.MM.YYYY`` and
``YYYY/MM/DD``; spreadsheet date cells arrive already as ISO. ``DD/MM/YYYY`` and ``MM/DD/YYYY``
cannot be told apart, so a slash date is read only when one part is over 12 (``25/03/2024``);
``03/04/2024`` is refused as ambiguous rather than read as March or April.

Prices: ``1234.50``, ``1 234,50``, ``1,234.50``, ``1.234.567,00``, with a currency code or symbol
before or after (``NOK 1500``, ``€ 99``, ``1500,-``). When a number has both ``.`` and ``,``
the last one is the decimal mark; a lone ``,`` followed by exactly three digits (``1,234``) is
read as a thousands separator, any other lone ``,`` or ``.`` as the decimal mark.
"""

from __future__ import annotations

import re
from datetime import date

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_YEAR_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

_SYMBOLS = {"€": "EUR", "£": "GBP", "$": "USD", "US$": "USD"}
_CODE = re.compile(
    r"^(?P<code>[A-Za-z]{3})\s*(?P<rest>.*)$|^(?P<rest2>.*?)\s*(?P<code2>[A-Za-z]{3})$"
)
_NUMBER = re.compile(r"^-?\d[\d.,]*$")


def parse_date(text: str) -> tuple[str | None, str | None]:
    """An ISO date (``YYYY-MM-DD`` or ``YYYY-MM``) or a reason it is refused; blank is (None, None)."""
    value = text.strip()
    if not value:
        return None, None
    if month := _ISO_MONTH.match(value):
        if 1 <= int(month.group(2)) <= 12:
            return value, None
        return None, f"{value!r} is not a date"
    parts: tuple[int, int, int] | None = None
    if m := _ISO.match(value) or _YEAR_SLASH.match(value):
        parts = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif m := _DOTTED.match(value):
        parts = (int(m.group(3)), int(m.group(2)), int(m.group(1)))
    elif m := _SLASH.match(value):
        first, second = int(m.group(1)), int(m.group(2))
        if first > 12 >= second:
            parts = (int(m.group(3)), second, first)
        elif second > 12 >= first:
            parts = (int(m.group(3)), first, second)
        else:
            return None, f"{value!r} is ambiguous (day/month or month/day?); write YYYY-MM-DD"
    if parts is None:
        return None, f"{value!r} is not a date (write YYYY-MM-DD)"
    try:
        return date(*parts).isoformat(), None
    except ValueError:
        return None, f"{value!r} is not a date on the calendar"


def parse_price(text: str) -> tuple[float | None, str | None, str | None]:
    """``(amount, currency stated in the cell, None)`` or ``(None, None, reason)``."""
    value = text.strip()
    if not value:
        return None, None, None
    currency: str | None = None
    cleaned = value.replace("\u00a0", " ").replace("\u202f", " ").replace("'", "")
    for symbol, code in sorted(_SYMBOLS.items(), key=lambda item: -len(item[0])):
        if symbol in cleaned:
            cleaned, currency = cleaned.replace(symbol, ""), code
            break
    cleaned = cleaned.strip().removesuffix(",-").removesuffix(".-").strip()
    if cleaned.lower().endswith("kr"):  # NOK, SEK or DKK: which one the cell does not say
        cleaned = cleaned[:-2].strip()
    stated = _CODE.match(cleaned)
    if stated and (stated.group("code") or stated.group("code2")):
        currency = (stated.group("code") or stated.group("code2")).upper()
        cleaned = (stated.group("rest") if stated.group("code") else stated.group("rest2")) or ""
    number = cleaned.replace(" ", "")
    if not _NUMBER.match(number):
        return None, None, f"{value!r} is not a price"
    if "," in number and "." in number:
        decimal = "," if number.rfind(",") > number.rfind(".") else "."
        number = number.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif number.count(",") > 1 or re.search(r"^-?\d{1,3},\d{3}$", number):
        number = number.replace(",", "")
    elif number.count(".") > 1:
        number = number.replace(".", "")
    else:
        number = number.replace(",", ".")
    try:
        amount = float(number)
    except ValueError:
        return None, None, f"{value!r} is not a price"
    if amount < 0:
        return None, None, f"{value!r} is negative"
    return amount, currency, None
