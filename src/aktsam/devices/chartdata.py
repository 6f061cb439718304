"""The figures the audit report's charts draw, shared by the XLSX (``charts``) and HTML/PDF (``report``)
reports so both show the same numbers. Plain data, no drawing library."""

from __future__ import annotations

from collections import Counter

from aktsam.devices.audit import AuditResult
from aktsam.devices.plan import Plan

RESTRICTED = ("restricted everywhere", "restricted here")


def fleet_by_maker(result: AuditResult) -> list[tuple[str, int]]:
    """Devices per identified maker ("unknown" when none was named), largest first."""
    counts = Counter(d.identification.maker_name or "unknown" for d in result.devices)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def restricted_by_site(result: AuditResult) -> list[tuple[str, int, int]]:
    """(site, restricted everywhere, restricted here) for every site with a device."""
    out = []
    for site, counts in sorted(result.by_site().items()):
        out.append((site, counts[RESTRICTED[0]], counts[RESTRICTED[1]]))
    return out


def cost_by_year(plan: Plan) -> list[tuple[str, float]]:
    """Plan cost per target year ("unknown" last), as the plan totals it."""
    return [(year, float(total.cost)) for year, total in plan.by_year.items()]


__all__ = ["RESTRICTED", "cost_by_year", "fleet_by_maker", "restricted_by_site"]
