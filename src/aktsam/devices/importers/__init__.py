"""Device inputs turned into :class:`~aktsam.devices.model.DeviceRecord` observations.

One importer per input format, each returning an :class:`~aktsam.devices.model.ImportResult`
whose counts balance (``rows_read == records + skipped``):

==========  ==================================================  ==========================
kind        input                                               module
==========  ==================================================  ==========================
register    asset register, CSV or XLSX                         :mod:`.register`
nmap        ``nmap -oX`` scan (``-sV`` banners, MAC vendors)     :mod:`.nmap`
onvif       ONVIF GetDeviceInformation / GetScopes, WS-Discovery :mod:`.onvif`
isapi       Hikvision ``/ISAPI/System/deviceInfo`` XML           :mod:`.isapi`
dahua       Dahua ``magicBox.cgi?action=getSystemInfo`` text     :mod:`.dahua`
discovery   ``aktsam devices discover`` JSON (``aktsam-discovery``) :mod:`.discovery`
==========  ==================================================  ==========================

:func:`import_file` picks the importer from ``kind`` or, when not given, from the file: the
extension for registers (``.xlsx``/``.xlsm``, ``.csv``/``.tsv``), the root element for XML
(``nmaprun``, a SOAP ``Envelope``, ``DeviceInfo``), the ``"format"`` key of JSON and ``key=value``
lines for Dahua text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from lxml import etree

from aktsam.devices.importers.dahua import KEYS as DAHUA_KEYS
from aktsam.devices.importers.dahua import import_dahua, parse_key_values
from aktsam.devices.importers.discovery import FORMAT as DISCOVERY_FORMAT
from aktsam.devices.importers.discovery import import_discovery
from aktsam.devices.importers.isapi import import_isapi
from aktsam.devices.importers.nmap import import_nmap
from aktsam.devices.importers.onvif import import_onvif
from aktsam.devices.importers.register import import_register
from aktsam.devices.importers.register_sheets import XLSX_SUFFIXES
from aktsam.devices.importers.xmlfile import as_input_error
from aktsam.devices.model import ImportResult
from aktsam.errors import InputError
from aktsam.lists.parsers.textfile import read_head

__all__ = [
    "IMPORTERS",
    "detect_kind",
    "import_dahua",
    "import_discovery",
    "import_file",
    "import_isapi",
    "import_nmap",
    "import_onvif",
    "import_register",
]

IMPORTERS: dict[str, Callable[[Path], ImportResult]] = {
    "register": import_register,
    "nmap": import_nmap,
    "onvif": import_onvif,
    "isapi": import_isapi,
    "dahua": import_dahua,
    "discovery": import_discovery,
}
_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<")
_JSON_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*\{")
_JSON_FORMAT = re.compile(rb'"format"\s*:\s*"([^"]*)"')
_ROOT_KINDS = {"nmaprun": "nmap", "Envelope": "onvif", "DeviceInfo": "isapi"}


def import_file(
    path: Path | str, kind: str | None = None, columns: Mapping[str, str] | None = None
) -> ImportResult:
    """Read one device input with the importer for ``kind`` (detected when ``None``).

    ``columns`` (registers only) maps DeviceRecord fields to the file's headers.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    kind = kind or detect_kind(path)
    if kind not in IMPORTERS:
        raise InputError(
            f"unknown input kind {kind!r}; use one of {', '.join(IMPORTERS)}", file=str(path)
        )
    if kind == "register":
        return import_register(path, columns)
    if columns:
        raise InputError("a column mapping applies to asset registers only", file=str(path))
    return IMPORTERS[kind](path)


def detect_kind(path: Path) -> str:
    """The kind of device input ``path`` holds, from its extension or its first bytes."""
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES or suffix in (".csv", ".tsv"):
        return "register"
    with as_input_error(path):
        head = read_head(path, 64 * 1024)
    if _XML_START.match(head):
        root = _root_name(path)
        if root in _ROOT_KINDS:
            return _ROOT_KINDS[root]
        raise InputError(
            f"XML with root element <{root}> is not a device input this tool reads "
            f"(expected <nmaprun>, an ONVIF SOAP <Envelope> or <DeviceInfo>)",
            file=str(path),
        )
    if _JSON_START.match(head):
        found = _JSON_FORMAT.search(head)
        if found and found.group(1).decode("utf-8", "replace") == DISCOVERY_FORMAT:
            return "discovery"
        raise InputError(
            f'JSON that is not a device input this tool reads (expected "format": '
            f'"{DISCOVERY_FORMAT}", as written by aktsam devices discover)',
            file=str(path),
        )
    pairs, _ = parse_key_values(head.decode("utf-8", errors="replace"))
    if any(key in DAHUA_KEYS for _, key, _ in pairs):
        return "dahua"
    raise InputError(
        "cannot tell what kind of device input this is; name the kind "
        f"({', '.join(IMPORTERS)}) or use a .csv/.xlsx extension for a register",
        file=str(path),
    )


def _root_name(path: Path) -> str:
    """The root element's local name, read from its start tag alone."""
    try:
        for _, elem in etree.iterparse(
            str(path), events=("start",), resolve_entities=False, no_network=True
        ):
            return etree.QName(elem).localname
    except etree.XMLSyntaxError as error:
        raise InputError(
            f"line {error.lineno or 1}: not well-formed XML: {error.msg}", file=str(path)
        ) from None
    raise InputError("no XML element found", file=str(path))
