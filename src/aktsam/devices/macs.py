"""MAC addresses as aktsam stores them: 12 upper-case hex digits, no separators.

Registers and tools write a MAC in several ways: ``aa:bb:cc:dd:ee:ff`` (nmap, Linux),
``AA-BB-CC-DD-EE-FF`` (Windows), ``aabb.ccdd.eeff`` (Cisco), bare ``AABBCCDDEEFF`` (many spreadsheets) and
``a:b:c:d:e:f`` with leading zeros dropped (macOS ``arp``). Anything else is refused with a reason rather than
guessed at: a MAC read wrongly would point identification at the wrong OUI, which is worse than having none.
The all-zero and broadcast addresses are refused too: registers use them as placeholders, no device has them.
"""

from __future__ import annotations

import re

from aktsam.errors import InputError

_SEPARATED = re.compile(r"^[0-9A-F]{1,2}([:-])[0-9A-F]{1,2}(\1[0-9A-F]{1,2}){4}$")
_DOTTED = re.compile(r"^[0-9A-F]{4}\.[0-9A-F]{4}\.[0-9A-F]{4}$")
_BARE = re.compile(r"^[0-9A-F]{12}$")
_PLACEHOLDERS = frozenset({"000000000000", "FFFFFFFFFFFF"})


class MacAddressError(InputError):
    """Text that is not a device's MAC address in any accepted form."""


def parse_mac(text: str) -> str:
    """12 upper-case hex digits, or :class:`MacAddressError` saying why not."""
    value = text.strip()
    upper = value.upper()
    if _SEPARATED.match(upper):
        mac = "".join(part.zfill(2) for part in re.split(r"[:-]", upper))
    elif _DOTTED.match(upper):
        mac = upper.replace(".", "")
    elif _BARE.match(upper):
        mac = upper
    else:
        raise MacAddressError(
            f"{value!r} is not a MAC address (expected 12 hex digits, e.g. AA:BB:CC:DD:EE:FF, "
            "AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff or AABBCCDDEEFF)",
            field="mac",
        )
    if mac in _PLACEHOLDERS:
        raise MacAddressError(
            f"{value!r} is a placeholder, not a device's MAC address", field="mac"
        )
    return mac


def check_mac(text: str | None) -> tuple[str | None, str | None]:
    """For importers: ``(mac, None)``, ``(None, reason)``, or ``(None, None)`` for an empty value (no MAC,
    and nothing wrong)."""
    if text is None or not text.strip():
        return None, None
    try:
        return parse_mac(text), None
    except MacAddressError as exc:
        return None, exc.message
