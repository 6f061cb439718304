"""Signatures a device shows on the network or on its label: model numbers, banners, ports, SNMP PENs.

Every signature comes from ``data/devices/FINGERPRINTS.md`` (or the sources it cites) and lives in a table
under ``data/``; this module only reads the tables and matches them. A signature points either at a maker
(``DS-`` → Hikvision) or at a brand (``Lorex IP camera rtspd`` → Lorex; the relabel table says who makes
Lorex). ``strength`` is the table's judgement of how specific the signature is; ``evidence.py`` turns it
into a weight.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from aktsam.devices.makers import makers
from aktsam.devices.refdata import DATA_DIR, Row, read_table

SIGNATURE_STRENGTHS = ("strong", "medium", "weak")
BANNER_SIGNALS = (
    "http-server",
    "http-body",
    "xml-namespace",
    "rtsp-server",
    "rtsp-realm",
    "tcp-banner",
    "product",
)


@dataclass(frozen=True, slots=True)
class Signature:
    """One rule: where it applies (``field``), what it matches, and what a match points at."""

    field: str  # model / serial for model patterns; a banner signal; "port"; "snmp"
    pattern: str
    maker: str | None
    brand: str | None
    strength: str
    source: str
    date: str
    meaning: str


@dataclass(frozen=True, slots=True)
class Hit:
    """A signature that matched an observed value."""

    signature: Signature
    observed: str


def _points_at(row: Row) -> tuple[str | None, str | None]:
    maker_id, brand = row["maker"] or None, row["brand"] or None
    if maker_id is None and brand is None:
        raise row.error("maker", "a signature must point at a maker or a brand")
    if maker_id is not None and maker_id not in makers().makers:
        raise row.error("maker", f"unknown maker id {maker_id!r}")
    return maker_id, brand


def _strength(row: Row) -> str:
    if row["strength"] not in SIGNATURE_STRENGTHS:
        raise row.error("strength", f"strength must be one of {', '.join(SIGNATURE_STRENGTHS)}")
    return row["strength"]


def _regex(row: Row, column: str) -> str:
    try:
        re.compile(row[column])
    except re.error as exc:
        raise row.error(column, f"bad regular expression: {exc}") from exc
    return row[column]


def load_model_patterns(path: Path = DATA_DIR / "model_patterns.csv") -> list[Signature]:
    out = []
    for row in read_table(path, ["pattern", "field", "strength"]):
        if row["field"] not in ("model", "serial"):
            raise row.error("field", "field must be model or serial")
        maker_id, brand = _points_at(row)
        out.append(Signature(row["field"], _regex(row, "pattern"), maker_id, brand, _strength(row),
                             row["source"], row["date"], row["note"]))  # fmt: skip
    return out


def load_banners(path: Path = DATA_DIR / "banners.csv") -> list[Signature]:
    out = []
    for row in read_table(path, ["signal", "pattern", "strength"]):
        if row["signal"] not in BANNER_SIGNALS:
            raise row.error("signal", f"signal must be one of {', '.join(BANNER_SIGNALS)}")
        if row["signal"] == "tcp-banner":
            try:
                bytes.fromhex(row["pattern"])
            except ValueError as exc:
                raise row.error("pattern", "a tcp-banner pattern is the reply in hex") from exc
        else:
            _regex(row, "pattern")
        maker_id, brand = _points_at(row)
        out.append(Signature(row["signal"], row["pattern"], maker_id, brand, _strength(row),
                             row["source"], row["date"], row["meaning"]))  # fmt: skip
    return out


def load_ports(path: Path = DATA_DIR / "ports.csv") -> list[Signature]:
    out = []
    for row in read_table(path, ["port", "maker", "strength"]):
        if not row["port"].isdigit():
            raise row.error("port", "port must be a number")
        maker_id, brand = _points_at(row)
        out.append(Signature("port", row["port"], maker_id, brand, _strength(row),
                             row["source"], row["date"], row["meaning"]))  # fmt: skip
    return out


def load_snmp_pens(path: Path = DATA_DIR / "snmp_pens.csv") -> list[Signature]:
    out = []
    for row in read_table(path, ["pen", "registrant", "maker"]):
        if not row["pen"].isdigit():
            raise row.error("pen", "pen must be a number")
        maker_id, brand = _points_at(row)
        out.append(Signature("snmp", row["pen"], maker_id, brand, "strong",
                             row["source"], row["date"], row["registrant"]))  # fmt: skip
    return out


@cache
def _tables() -> tuple[list[Signature], list[Signature], list[Signature], list[Signature]]:
    return load_model_patterns(), load_banners(), load_ports(), load_snmp_pens()


def match_model(value: str, field: str = "model") -> list[Hit]:
    """Model-number (or serial) patterns that match ``value``, case-insensitively."""
    text = value.strip()
    return [
        Hit(sig, text)
        for sig in _tables()[0]
        if sig.field == field and _compiled(sig.pattern).search(text)
    ]


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """A table pattern, compiled once (case-insensitive, as every table pattern is applied)."""
    return re.compile(pattern, re.IGNORECASE)


def banner_signal(key: str) -> str | None:
    """The signal a banner key (as importers write it) carries: ``"http-server"``, ``"8000/tcp"`` → tcp-banner."""
    key = key.strip().lower()
    if key in ("http-server", "http.server", "server", "http-header-server"):
        return "http-server"
    if key in ("http-body", "http-title", "http-location"):
        return "http-body"
    if key in ("xml-namespace", "isapi-namespace"):
        return "xml-namespace"
    if key in ("rtsp-server", "rtsp-realm", "product"):
        return key
    if key in ("rtsp-www-authenticate", "rtsp-auth"):
        return "rtsp-realm"
    if key in ("service-product", "nmap-product", "service"):
        return "product"
    if re.fullmatch(r"\d+/(tcp|udp)", key):
        return "tcp-banner"
    return None


def _raw_bytes(text: str) -> bytes:
    """A banner as bytes, whether the importer kept raw bytes (latin-1) or nmap-style escapes (``\\0\\x10``)."""
    raw = text.encode("latin-1", errors="replace")
    if "\\" in text:
        try:
            return codecs.escape_decode(raw)[0]
        except ValueError:
            return raw
    return raw


def match_banner(key: str, text: str) -> list[Hit]:
    """Banner signatures that match one ``(key, text)`` pair of :attr:`DeviceRecord.banners`.

    nmap product names ("Hikvision IP camera httpd") are checked on every key, because importers put them
    under the port (``"80/tcp"``) as often as under ``"product"``.
    """
    signal = banner_signal(key)
    hits = []
    for sig in _tables()[1]:
        if sig.field == "tcp-banner":
            if signal == "tcp-banner" and _raw_bytes(text).startswith(bytes.fromhex(sig.pattern)):
                hits.append(Hit(sig, text))
        elif (sig.field == signal or sig.field == "product") and _compiled(sig.pattern).search(
            text.strip()
        ):
            hits.append(Hit(sig, text))
    return hits


def match_port(port: int) -> list[Hit]:
    return [Hit(sig, str(port)) for sig in _tables()[2] if int(sig.pattern) == port]


def match_sysobjectid(oid: str) -> list[Hit]:
    """PEN signatures for a sysObjectID (``1.3.6.1.4.1.<PEN>...``, leading dot or ``iso.`` allowed)."""
    value = oid.strip().lstrip(".")
    value = re.sub(r"^iso\.", "1.", value)
    found = re.match(r"^1\.3\.6\.1\.4\.1\.(\d+)(\.|$)", value)
    if not found:
        return []
    return [Hit(sig, oid.strip()) for sig in _tables()[3] if sig.pattern == found.group(1)]
