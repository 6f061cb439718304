"""MAC addresses as the importers store them: 12 upper-case hex digits, no separators.

Registers and tools write a MAC in several ways: ``aa:bb:cc:dd:ee:ff`` (nmap, Linux),
``AA-BB-CC-DD-EE-FF`` (Windows), ``aabb.ccdd.eeff`` (Cisco) and bare ``AABBCCDDEEFF`` (many
spreadsheets). Anything else is refused with a reason rather than guessed at: a MAC read wrongly
would point identification at the wrong OUI, which is worse than having none.
"""

from __future__ import annotations

import re

_COLON_OR_DASH = re.compile(r"^([0-9A-Fa-f]{2})([:-])((?:[0-9A-Fa-f]{2}\2){4})([0-9A-Fa-f]{2})$")
_CISCO = re.compile(r"^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$")
_BARE = re.compile(r"^[0-9A-Fa-f]{12}$")


def normalise_mac(text: str | None) -> tuple[str | None, str | None]:
    """``(mac, None)`` with ``mac`` as 12 upper-case hex digits, or ``(None, reason)``.

    An empty value is ``(None, None)``: no MAC, and nothing wrong. The all-zero and broadcast
    addresses are refused: registers use them as placeholders, and no device carries them.
    """
    value = (text or "").strip()
    if not value:
        return None, None
    if _COLON_OR_DASH.match(value) or _CISCO.match(value) or _BARE.match(value):
        mac = re.sub(r"[^0-9A-Fa-f]", "", value).upper()
    else:
        return None, (
            f"{value!r} is not a MAC address (expected 12 hex digits, e.g. AA:BB:CC:DD:EE:FF, "
            "AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff or AABBCCDDEEFF)"
        )
    if mac in ("000000000000", "FFFFFFFFFFFF"):
        return None, f"{value!r} is a placeholder, not a device's MAC address"
    return mac, None
