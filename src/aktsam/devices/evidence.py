"""One piece of evidence about who made a device, and every weight identification uses, with its reason.

All weights live here (STYLE.md: "weights in one place with a reason each"). A weight is the probability
that the signal alone names the right maker; ``identify`` combines the weights for one maker as
independent signals (noisy-OR: 1 - Π(1 - w)), so two medium signals that agree beat one strong one, and
no pile of weak signals reaches certainty.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- what the device says about itself -------------------------------------------------------------------
API_IDENTITY = 0.95
"""The device answered Hikvision ISAPI ``/ISAPI/System/deviceInfo`` or Dahua ``magicBox.cgi getSystemInfo``:
only that maker's firmware (including firmware inside relabels) implements these APIs (FINGERPRINTS.md §3)."""

ONVIF_MANUFACTURER = 0.85
"""ONVIF ``Manufacturer`` (or ISAPI/SNMP vendor field) naming a maker: the device's own statement. On a
relabel it usually names the *brand* instead (FINGERPRINTS.md §6), which is then weighed as a brand."""

# --- registries ------------------------------------------------------------------------------------------
OUI_MAKER = 0.80
"""MAC block registered to the maker. Strong, but a network module can come from another company, and a
relabel can carry its reseller's block (FINGERPRINTS.md §2: "treat an OUI as one signal among several")."""

OUI_VENDOR_STRING = 0.60
"""Only the vendor name a scanner printed (nmap's MAC vendor), no MAC to re-derive it from."""

SNMP_PEN = 0.80
"""sysObjectID under the maker's IANA enterprise number. A relabel may report its own brand's PEN."""

# --- signatures (model patterns and banners), by the table's strength --------------------------------------
SIGNATURE = {"strong": 0.70, "medium": 0.50, "weak": 0.30}
"""strong: specific to one maker's firmware (``App-webs/``, ``DS-`` models); medium: specific but shared
with relabels or close look-alikes (``IPC-H``); weak: short or generic (``AD110``)."""

PORT_ONLY = 0.20
"""An open port (8000, 37777) is the maker's default but any service can listen there: below the floor
for naming a maker on its own (``LOW``), shown as supporting evidence."""

# --- what people wrote on it ---------------------------------------------------------------------------------
LABEL = 0.60
"""The brand on the device or in the register naming a maker ("Bosch"): registers are often right but
copied from invoices, and relabels exist for exactly this reason: medium on its own."""

RELABEL = {"confirmed": 0.90, "reported": 0.70, "user-report": 0.50}
"""Multiplies a brand signal's weight when the relabel table turns the brand into a maker: a user's forum
post that "Annke is Hikvision" halves what the label could say about the maker."""

# --- combining ------------------------------------------------------------------------------------------------
CONFLICT_DISCOUNT = 0.5
"""Confidence = support(top) × (1 - CONFLICT_DISCOUNT × support(runner-up)): a credible second maker cuts
confidence, so a conflict is never reported as certain."""

TIE_MARGIN = 0.05
"""When the runner-up is this close to the top, the signals cannot decide: no maker is named."""

HIGH = 0.80
MEDIUM = 0.50
LOW = 0.25
"""Levels: ``high`` needs a device statement, a registry match, or two agreeing signals; one medium
signal (a label, a model number) gives ``medium``; below ``LOW`` nothing is named (``unknown``)."""


def level_for(confidence: float) -> str:
    if confidence >= HIGH:
        return "high"
    if confidence >= MEDIUM:
        return "medium"
    if confidence >= LOW:
        return "low"
    return "unknown"


KINDS = (
    "oui", "onvif-manufacturer", "api", "model-pattern", "banner", "port", "snmp", "label", "relabel-map",
    "firmware",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Evidence:
    """One signal: what was observed, what it points at, how much it counts, and the rule behind it.

    ``maker`` None with weight 0 records a signal that was seen but names no maker (an unknown label, an
    OUI of an unrelated company, a randomised MAC), so the reader sees what was looked at.
    """

    kind: str
    observed: str
    maker: str | None
    weight: float
    source: str
    brand: str | None = None
    note: str = ""

    def __str__(self) -> str:
        target = self.maker or (f"brand {self.brand}" if self.brand else "no maker")
        text = f"{self.kind} {self.observed!r} → {target} ({self.weight:.2f})"
        return f"{text}: {self.note}" if self.note else text
