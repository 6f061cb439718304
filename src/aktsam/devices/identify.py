"""Who really made a device: every signal in a :class:`DeviceRecord`, weighed together, with the evidence.

The rules are tables (``makers``, ``oui``, ``relabels``, ``fingerprints``) and the weights are in
``evidence``; this module gathers the evidence and decides. It never guesses: with too little support, or
two makers tied, the answer is ``maker=None``, level ``unknown``, and every signal seen is still listed.
Signals that point at different makers are listed in ``conflicts``, never dropped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from aktsam.devices import evidence as w
from aktsam.devices.evidence import Evidence
from aktsam.devices.fingerprints import (
    Hit,
    match_banner,
    match_model,
    match_port,
    match_sysobjectid,
)
from aktsam.devices.macs import MacAddressError, parse_mac
from aktsam.devices.makers import NameMatch, makers, normalise_name
from aktsam.devices.model import DeviceRecord, Origin
from aktsam.devices.oui import is_locally_administered, lookup
from aktsam.devices.relabels import Brand, brand_key, relabels

_FINGERPRINTS = "data/devices/FINGERPRINTS.md"
_API_MAKERS = {
    "isapi": (
        "hikvision",
        f"{_FINGERPRINTS} §3: github:mezz64/pyHik pyhik/hikvision.py (ISAPI deviceInfo)",
    ),
    "dahua": (
        "dahua",
        f"{_FINGERPRINTS} §3: github:rroller/dahua client.py (magicBox getSystemInfo)",
    ),
}
_SNMP_KEYS = ("sysobjectid", "snmp-sysobjectid", "snmp.sysobjectid", "snmp-oid")


@dataclass(frozen=True)
class Identification:
    """The answer for one device: maker (or None), the brand seen, how sure, and why."""

    maker: str | None  # maker id from makers.csv
    maker_name: str | None
    brand: str | None  # the label as seen, normalised to the brand table's spelling when known
    confidence: float  # 0..1, in the named maker; 0.0 when none is named
    level: str  # high / medium / low / unknown
    relabelled: bool  # sold under a name that is not the maker's
    conflicts: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


# --- resolving names (labels, ONVIF Manufacturer, registrant names) ---------------------------------------


@lru_cache(maxsize=8192)  # registers repeat the same few labels on thousands of rows
def _resolve_name(text: str) -> NameMatch | None:
    """Maker/brand a name stands for: the whole name, else its first word ("Bosch Security" → Bosch)."""
    table = makers()
    found = table.match(text)
    words = text.split()
    if found is None and len(words) > 1 and len(words[0]) >= 3:
        found = table.match(words[0])
    return found


def _brand_evidence(
    kind: str, observed: str, brand: Brand | None, brand_name: str, base: float, source: str
) -> list[Evidence]:
    """A signal that names a brand: recorded as such, then turned into a maker by the relabel table."""
    seen = Evidence(
        kind, observed, None, 0.0, source, brand=brand_name, note=f"names brand {brand_name}"
    )
    if brand is None:
        return [Evidence(kind, observed, None, 0.0, source, brand=brand_name,
                         note=f"brand {brand_name} is not in the relabel table")]  # fmt: skip
    claim = brand.best
    if brand.maker is None:
        return [seen, Evidence("relabel-map", brand.name, None, 0.0, claim.source, brand=brand.name,
                               note=f"{claim.strength}: made by one of {', '.join(claim.made_by)}, "
                               "not stated which; names no maker")]  # fmt: skip
    weight = base * w.RELABEL[claim.strength]
    return [seen, Evidence("relabel-map", brand.name, brand.maker, weight, claim.source, brand=brand.name,
                           note=f"{claim.strength}: {brand.name} is made by {brand.maker}")]  # fmt: skip


def _name_evidence(kind: str, text: str, base: float, source: str) -> list[Evidence]:
    """A label or a self-declared manufacturer: a maker directly, or a brand via the relabel table."""
    found = _resolve_name(text)
    if found is not None and found.maker is not None:
        return [Evidence(kind, text, found.maker, base, found.source, brand=found.brand)]
    brand_name = found.brand if found is not None and found.brand else text
    brand = relabels().lookup(brand_name)
    if brand is None and found is None:
        return [Evidence(kind, text, None, 0.0, source, note="not in the maker or relabel tables")]
    return _brand_evidence(kind, text, brand, brand.name if brand else brand_name, base, source)


# --- one function per signal ---------------------------------------------------------------------------------


def _mac_evidence(mac: str | None, vendor: str | None) -> list[Evidence]:
    if not mac:
        if vendor:  # only a scanner's vendor string, no MAC to re-derive it from
            return _name_evidence(
                "oui", vendor, w.OUI_VENDOR_STRING, "MAC vendor as the source printed it"
            )
        return []
    try:
        value = parse_mac(mac)
    except MacAddressError as exc:
        return [Evidence("oui", mac, None, 0.0, "aktsam.devices.oui", note=str(exc))]
    if is_locally_administered(value):
        note = "locally administered (randomised or software-set) MAC: no OUI evidence"
        return [Evidence("oui", value, None, 0.0, "IEEE 802 U/L bit", note=note)]
    match = lookup(value)
    if match is None:
        return [
            Evidence("oui", value, None, 0.0, "aktsam.devices.oui", note="not in the OUI registry")
        ]
    observed = f"{match.prefix}/{match.prefix_bits} {match.organization}"
    if match.maker is not None:
        return [
            Evidence("oui", observed, match.maker, w.OUI_MAKER, match.source, brand=match.brand)
        ]
    if match.brand is not None:
        brand = relabels().lookup(match.brand)
        return _brand_evidence("oui", observed, brand, match.brand, w.OUI_MAKER, match.source)
    return [Evidence("oui", observed, None, 0.0, match.source,
                     note=f"registered to {match.organization}, not a maker in makers.csv")]  # fmt: skip


def _signature_evidence(
    kind: str, hits: Iterable[Hit], base_of: dict[str, float] = w.SIGNATURE
) -> list[Evidence]:
    """Matched signatures as evidence: a maker directly, or a brand via the relabel table."""
    out: list[Evidence] = []
    for hit in hits:
        sig, base = hit.signature, base_of[hit.signature.strength]
        if sig.maker is not None:
            out.append(
                Evidence(kind, hit.observed, sig.maker, base, sig.source, sig.brand, sig.meaning)
            )
        elif sig.brand is not None:
            brand = relabels().lookup(sig.brand)
            out.extend(_brand_evidence(kind, hit.observed, brand, sig.brand, base, sig.source))
    return out


def _gather(record: DeviceRecord) -> list[Evidence]:
    ev: list[Evidence] = []
    if record.brand and record.brand.strip():
        ev += _name_evidence("label", record.brand.strip(), w.LABEL, "label / register brand")
    if record.manufacturer and record.manufacturer.strip():
        ev += _name_evidence("onvif-manufacturer", record.manufacturer.strip(), w.ONVIF_MANUFACTURER,
                             "device's own Manufacturer field")  # fmt: skip
    if record.origin.kind in _API_MAKERS:
        maker_id, source = _API_MAKERS[record.origin.kind]
        ev.append(Evidence("api", record.origin.kind, maker_id, w.API_IDENTITY, source,
                           note="the device answered this maker's identity API"))  # fmt: skip
    ev += _mac_evidence(record.mac, record.mac_vendor)
    if record.model and record.model.strip():
        ev += _signature_evidence("model-pattern", match_model(record.model, "model"))
    if record.serial and record.serial.strip():
        ev += _signature_evidence("model-pattern", match_model(record.serial, "serial"))
    for key, text in record.banners:
        if key.strip().lower() in _SNMP_KEYS:
            continue
        ev += _signature_evidence("banner", match_banner(key, text))
    for key, text in (*record.banners, *record.extra):
        if key.strip().lower() in _SNMP_KEYS:
            ev += _signature_evidence("snmp", match_sysobjectid(text), {"strong": w.SNMP_PEN})
    for port in record.open_ports:
        ev += _signature_evidence("port", match_port(port), dict.fromkeys(w.SIGNATURE, w.PORT_ONLY))
    return ev


# --- deciding ----------------------------------------------------------------------------------------------


def _support(ev: list[Evidence]) -> dict[str, float]:
    """Per maker: the strongest signal of each kind, then noisy-OR across kinds.

    Within one kind only the maximum counts, because rules of one kind often restate one observation
    (``App-webs/`` and nmap's "Hikvision IP camera httpd" come from the same HTTP reply).
    """
    best: dict[str, dict[str, float]] = {}
    for item in ev:
        if item.maker is not None and item.weight > 0:
            kinds = best.setdefault(item.maker, {})
            kinds[item.kind] = max(kinds.get(item.kind, 0.0), item.weight)
    return {m: 1 - math.prod(1 - x for x in kinds.values()) for m, kinds in best.items()}


def _brand_of(ev: list[Evidence]) -> str | None:
    """The label, else the device's own Manufacturer when it names a brand, else a brand a signal named."""
    for kind in ("label", "onvif-manufacturer"):
        for item in ev:
            if item.kind == kind:
                return item.brand if item.brand and item.maker is None else _display(item.observed)
    return next((item.brand for item in ev if item.brand), None)


def _display(label: str) -> str:
    """The label as seen, spaces collapsed; the table's spelling when it is just a case variant of it."""
    found = _resolve_name(label)
    if found is not None and found.maker is not None and found.brand is None:
        maker = makers().get(found.maker)
        if normalise_name(label) == normalise_name(maker.name):
            return maker.name
    brand = relabels().lookup(label)
    if brand is not None and brand_key(label) == brand_key(brand.name):
        return brand.name
    return " ".join(label.split())


def _conflicts(support: dict[str, float], ev: list[Evidence], top: str) -> list[str]:
    lines = []
    for maker_id, score in sorted(support.items(), key=lambda kv: (-kv[1], kv[0])):
        if maker_id == top:
            continue
        said = "; ".join(str(e) for e in ev if e.maker == maker_id and e.weight > 0)
        lines.append(f"{maker_id} ({score:.2f}) against {top} ({support[top]:.2f}): {said}")
    return lines


def identify(record: DeviceRecord) -> Identification:
    """Combine every signal in ``record`` into a maker, a confidence and the evidence behind it."""
    ev = _gather(record)
    support = _support(ev)
    brand = _brand_of(ev)
    if not support:
        return Identification(None, None, brand, 0.0, "unknown", False, [], ev)
    ranked = sorted(support.items(), key=lambda kv: (-kv[1], kv[0]))
    top, first = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    conflicts = _conflicts(support, ev, top)
    confidence = round(first * (1 - w.CONFLICT_DISCOUNT * second), 4)
    level = w.level_for(confidence)
    if level == "unknown" or (len(ranked) > 1 and first - second < w.TIE_MARGIN):
        # no maker named, so no confidence in one; the evidence and conflicts still say what was seen
        return Identification(None, None, brand, 0.0, "unknown", False, conflicts, ev)
    brand_maker = _resolve_name(brand) if brand else None
    relabelled = brand is not None and (brand_maker is None or brand_maker.maker != top
                                        or brand_maker.brand is not None)  # fmt: skip
    return Identification(
        top, makers().get(top).name, brand, confidence, level, relabelled, conflicts, ev
    )


_MANUAL = Origin(file="<value>", kind="manual")


def identify_value(text: str) -> Identification:
    """Quick look: is ``text`` a MAC, a model number or a brand? Identify it as that.

    A MAC in any accepted form is a MAC; text matching a model pattern is a model; a known maker or brand
    name is a brand; anything else with a digit is taken as an (unknown) model, the rest as a brand.
    """
    value = text.strip()
    try:
        return identify(DeviceRecord(origin=_MANUAL, mac=parse_mac(value)))
    except MacAddressError:
        pass
    if match_model(value):
        return identify(DeviceRecord(origin=_MANUAL, model=value))
    if _resolve_name(value) or relabels().lookup(value) or not re.search(r"\d", value):
        return identify(DeviceRecord(origin=_MANUAL, brand=value))
    return identify(DeviceRecord(origin=_MANUAL, model=value))
