"""Whether one regime covers one device: the one decision the equipment audit and the survey share.

A regime covers a device when it covers the device's maker (:meth:`Regime.coverage`: named, a
subsidiary, incorporated in a listed country), the device is of the kind of equipment the regime is
limited to (``equipment.device_types``: the UK direction covers visual surveillance equipment only, so a
Hytera radio or a Huawei switch is outside it), and the site is where the regime takes effect
(``territory``). Each of those can leave a question open (a blank maker country, a purpose-limited
listing, a device type the text leaves open, a site with no country): the answer is then **to confirm**,
never "covered" and never "not covered".

A device with **no recorded type** under a regime limited to some equipment is answered by the caller's
direction of caution (``untyped``): the audit, which tells an organisation what to do with its own
equipment, assesses it as the covered kind (``"worst-case"``, said in the notes: never a false
"compliant"); the survey, which makes claims about other organisations' equipment, asks to confirm it
(``"to-confirm"``: never a false "restricted").

``readings`` are the regime file's notes on terms its text leaves open (e.g. whether §889's
"telecommunications equipment" reaches a Huawei camera): when one concerns the device, it is returned
so the report can say, beside the finding, which reading was applied and why it is not settled.

The answer depends only on (regime, maker, device type, site), so callers cache it per that key
(:class:`CoverageCache`): a 100,000-device inventory has a few hundred such combinations.
"""

from __future__ import annotations

from dataclasses import dataclass

from aktsam.devices.regimes import Confirm, Regime
from aktsam.devices.sites import Site

STATUSES = ("covered", "to confirm", "excluded", "none")
"""``covered``: for certain; ``to confirm``: a fact the data does not settle decides; ``excluded``: the
maker is covered but this device is not (other equipment, outside the territory), said in ``notes``;
``none``: the regime does not cover the maker."""
UNTYPED = ("worst-case", "to-confirm")


@dataclass(frozen=True, slots=True)
class Coverage:
    """One regime's answer for one device."""

    regime: str
    status: str  # one of STATUSES
    questions: tuple[Confirm, ...] = ()  # what to confirm (status "to confirm")
    notes: tuple[
        str, ...
    ] = ()  # "regime: …" lines for the report (worst case assumed, excluded why)
    readings: tuple[str, ...] = ()  # "regime: reading applied: …" where the text is not settled

    @property
    def covered(self) -> bool:
        return self.status == "covered"


def device_kind(device_type: str | None) -> str:
    """The device type as regimes compare it: case and spacing ignored; "" when none is recorded."""
    return " ".join((device_type or "").casefold().split())


def device_coverage(
    regime: Regime,
    maker: str,
    device_type: str | None,
    site: Site | None,
    *,
    untyped: str = "worst-case",
) -> Coverage:
    """Whether ``regime`` covers a device of ``maker`` (id) and ``device_type`` at ``site`` (None: the
    site is unknown, assessed as where the regime takes effect, the worst case; the caller says so)."""
    if untyped not in UNTYPED:
        raise ValueError(f"untyped must be one of {UNTYPED}, not {untyped!r}")
    status, confirm = regime.coverage(maker)
    if status == "none":
        return Coverage(regime.id, "none")
    questions: list[Confirm] = [confirm] if confirm is not None else []
    notes: list[str] = []
    kind = device_kind(device_type)
    equipment = regime.equipment
    if equipment is not None:
        if not kind:
            if untyped == "worst-case":
                notes.append(
                    f"{regime.id}: covers {equipment.text} only; no device type recorded: assessed "
                    "as such (worst case)"
                )
            else:
                questions.append(
                    Confirm(
                        "the device type",
                        f"{regime.id} covers {equipment.text} only; no device type recorded",
                    )
                )
        elif kind in equipment.unclear_device_types:
            questions.append(
                Confirm(
                    f"whether this {kind} counts as {equipment.text}",
                    f"{regime.id} covers {equipment.text} only",
                )
            )
        elif kind not in equipment.device_types:
            notes.append(f"{regime.id}: covers {equipment.text} only; a {kind} is not")
            return Coverage(regime.id, "excluded", notes=tuple(notes))
    if regime.territory and site is not None:
        where = "/".join(regime.territory)
        if site.country is None:
            questions.append(
                Confirm(
                    "the country the site is in",
                    f"{regime.id} takes effect in {where} only; the sites file gives no country "
                    f"for {site.id}",
                )
            )
        elif site.country not in regime.territory:
            notes.append(
                f"{regime.id}: takes effect in {where} only; site {site.id} is in {site.country}"
            )
            return Coverage(regime.id, "excluded", notes=tuple(notes))
    readings = tuple(
        f"{regime.id}: reading applied: {r.text} [{r.source}]"
        for r in regime.readings
        if maker in r.makers and (not r.device_types or not kind or kind in r.device_types)
    )
    return Coverage(
        regime.id,
        "to confirm" if questions else "covered",
        tuple(questions),
        tuple(notes),
        readings,
    )


def site_key(site: Site | None) -> object:
    """What of a site a territorial regime's answer (and its notes) depends on."""
    return None if site is None else (site.id, site.country)


class CoverageCache:
    """:func:`device_coverage` per (regime, maker, device type, site), computed once per key."""

    __slots__ = ("_seen", "untyped")

    def __init__(self, untyped: str = "worst-case") -> None:
        self.untyped = untyped
        self._seen: dict[tuple[str, int, str, object], Coverage] = {}

    def get(
        self, regime: Regime, maker: str, device_type: str | None, site: Site | None
    ) -> Coverage:
        kind = device_kind(device_type)
        where = site_key(site) if regime.territory else site is None
        key = (maker, id(regime), kind, where)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = device_coverage(
                regime, maker, kind, site, untyped=self.untyped
            )
        return found


__all__ = ["STATUSES", "Coverage", "CoverageCache", "device_coverage", "device_kind", "site_key"]
