"""The columns an asset register may have, and the header words that name each one.

A register is whatever the customer's facilities team keeps: the same column is "Manufacturer"
in one file, "Make" in the next and "Fabrikat" in a third. Headers are compared after
:func:`header_key` folds case, punctuation and spacing, so "Serial No.", "serial-no" and
"SERIAL NO" are one name. An explicit mapping (``columns={"serial": "Utstyrsnr"}``) overrides
these words; a header no word matches is kept verbatim in the record's ``extra``.
"""

from __future__ import annotations

import re

#: DeviceRecord field → header words (already in :func:`header_key` form).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "device_id": (
        "device id", "asset id", "asset tag", "asset no", "asset number", "asset",
        "inventory no", "inventory number", "equipment id", "id",
    ),
    "site": ("site", "site name", "building", "facility", "premises", "property"),
    "location": ("location", "room", "placement", "position", "mounting location", "area"),
    "brand": ("brand", "manufacturer", "make", "vendor", "maker", "producer", "fabrikat"),
    "model": ("model", "model no", "model number", "model name", "product", "product name"),
    "serial": (
        "serial", "serial no", "serial number", "serialnumber", "serial nr", "s n", "sn",
    ),
    "mac": ("mac", "mac address", "macaddress", "mac addr", "hardware address"),
    "ip": ("ip", "ip address", "ipaddress", "ip addr", "ipv4", "ipv4 address"),
    "hostname": ("hostname", "host name", "host", "dns name"),
    "firmware": (
        "firmware", "firmware version", "fw", "fw version", "software version", "version",
    ),
    "installed_on": (
        "installed on", "installed", "install date", "installation date", "date installed",
        "commissioned", "commissioning date",
    ),
    "warranty_until": (
        "warranty until", "warranty end", "warranty end date", "warranty expires",
        "warranty expiry", "warranty expiry date", "warranty",
    ),
    "purchase_price": ("purchase price", "price", "cost", "purchase cost", "unit price"),
    "currency": ("currency", "price currency", "ccy"),
    "network_segment": ("network segment", "segment", "vlan", "network", "subnet", "zone"),
    "device_type": ("device type", "type", "category", "equipment type", "asset type"),
}  # fmt: skip

#: Columns that are no DeviceRecord field but that another command reads from ``extra`` (the survey:
#: whose answer a row is, and how many devices it stands for). They count towards finding the header
#: row (a Freedom-of-Information answer may be just "Brand, Quantity") and are not reported as
#: unrecognised; their values stay in ``extra`` under the header as the file spells it.
PASSTHROUGH: dict[str, tuple[str, ...]] = {
    "organisation": (
        "organisation", "organization", "organisation name", "organization name", "body",
        "public body", "authority", "public authority",
    ),
    "sector": ("sector", "organisation type", "organization type", "body type"),
    "quantity": (
        "quantity", "qty", "number", "count", "number of devices", "number of cameras",
        "no of devices", "no of cameras", "units", "number of units",
    ),
}  # fmt: skip

_BY_WORD: dict[str, str] = {word: field for field, words in SYNONYMS.items() for word in words}
_PASSTHROUGH_BY_WORD: dict[str, str] = {
    word: name for name, words in PASSTHROUGH.items() for word in words
}
_PUNCTUATION = re.compile(r"[\s._#:()\[\]/\\*-]+")
_UNIT = re.compile(r"^(?P<name>.*?)\s*[(\[]\s*(?P<code>[A-Za-z]{3})\s*[)\]]\s*$")


def header_key(header: str) -> str:
    """``"  Serial No. "`` → ``"serial no"``: case, punctuation and spacing folded."""
    return _PUNCTUATION.sub(" ", header.casefold()).strip()


def field_for(header: str) -> tuple[str | None, str | None]:
    """The field a header names, and a currency the header states (``Price (NOK)`` → NOK)."""
    field = _BY_WORD.get(header_key(header))
    if field is not None:
        return field, None
    unit = _UNIT.match(header.strip())
    if unit and _BY_WORD.get(header_key(unit.group("name"))) == "purchase_price":
        return "purchase_price", unit.group("code").upper()
    return None, None


def passthrough_for(header: str) -> str | None:
    """The :data:`PASSTHROUGH` column a header names (``"Qty"`` → ``"quantity"``), else None."""
    return _PASSTHROUGH_BY_WORD.get(header_key(header))
