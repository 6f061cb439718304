"""Whether a regime binds the organisation running the audit, from the capacities its profile declares.

A regime says whom it binds (``Regime.binds``: capacities, and who may choose to apply it); the organisation
says which capacities it holds (``aktsam.organisation.Declaration``). Naming a regime (``--regimes``) always
applies it; this module only says, beside the findings, whether the organisation is one of those it binds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aktsam.devices.regimes import Regime
from aktsam.errors import InputError
from aktsam.organisation import Declaration, capacities


def _labels(ids: Iterable[str]) -> str:
    known = capacities()
    return ", ".join(known[c].label if c in known else c for c in ids)


def standing(regime: Regime, declaration: Declaration) -> str:
    """One line: does ``regime`` bind the organisation, as the profile declares it?"""
    held = [c for c in declaration.capacities if c in regime.binds.capacities]
    if held:
        return f"binds this organisation (as {_labels(held)})"
    if regime.id in declaration.apply:
        if "own-policy" in regime.binds.capacities:
            return "binds this organisation: adopted as its own policy (profile: apply)"
        may = [c for c in declaration.capacities if c in regime.binds.may_apply]
        why = f"as {_labels(may)} it may choose to; " if may else ""
        return (
            "does not bind this organisation by its terms; applied by the organisation's choice "
            f"({why}profile: apply)"
        )
    if not declaration.declared:
        return (
            "unknown whether it binds this organisation: the profile declares no capacities "
            "(restriction_regimes in profile.yml)"
        )
    may = [c for c in declaration.capacities if c in regime.binds.may_apply]
    if may:
        return (
            f"does not bind this organisation ({declaration.describe()}); as {_labels(may)} it may "
            "choose to apply it; applied here because it was named"
        )
    return (
        f"does not bind this organisation ({declaration.describe()}); applied here because it was "
        "named"
    )


def declared_regimes(available: dict[str, Regime], declaration: Declaration) -> list[str]:
    """The regime ids to apply when none are named: those the profile applies, then every regime that
    binds one of its declared capacities; an unknown id in ``apply`` is an error naming the profile."""
    out: list[str] = []
    for regime_id in declaration.apply:
        if regime_id not in available:
            raise InputError(
                f"unknown regime {regime_id!r} in restriction_regimes.apply; known: "
                f"{', '.join(sorted(available))}",
                file=declaration.file,
                field="restriction_regimes.apply",
            )
        out.append(regime_id)
    for regime in sorted(available.values(), key=lambda r: r.id):
        if regime.id not in out and set(regime.binds.capacities) & set(declaration.capacities):
            out.append(regime.id)
    return out


def standings(regimes: Sequence[Regime], declaration: Declaration) -> dict[str, str]:
    return {r.id: standing(r, declaration) for r in regimes}


__all__ = ["declared_regimes", "standing", "standings"]
