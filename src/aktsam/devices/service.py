"""The equipment audit as one call: read the inputs, audit them under the chosen regimes, plan, report.

``aktsam devices audit`` (and any other front end) calls :func:`run_audit`; it adds nothing of its own.
The cyclic garbage collector is paused for the whole run (``aktsam.bulk``): a 100,000-device audit builds
millions of small acyclic objects, and the collector's repeated walks over them cost a third of the time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aktsam.bulk import paused_gc
from aktsam.devices.audit import AuditResult, audit, write_report
from aktsam.devices.importers import import_file
from aktsam.devices.model import DeviceRecord, ImportIssue
from aktsam.devices.plan import PRICES_FILE, Plan, load_prices, plan
from aktsam.devices.regimes import Regime, bundled_regimes, load_regimes, select
from aktsam.devices.sites import read_sites
from aktsam.errors import InputError


@dataclass(frozen=True, slots=True)
class AuditRun:
    result: AuditResult
    plan: Plan | None


def choose_regimes(ids: Iterable[str], files: Sequence[Path] = ()) -> list[Regime]:
    """The bundled regimes named by ``ids`` plus every regime in ``files`` (whose ids may not clash with
    a bundled one). No default: which regimes bind depends on who audits (NDAA §889 removal applies to
    US federal contractors, the UK direction to UK public bodies' sensitive sites)."""
    extra = load_regimes(list(files))
    clash = sorted(set(extra) & set(bundled_regimes()))
    if clash:
        raise InputError(
            f"regime id {clash[0]!r} is already bundled; give your file another id",
            field="--regime-file",
        )
    wanted = [i.strip() for i in ids if i.strip()]
    wanted += [i for i in extra if i not in wanted]
    regimes = select({**bundled_regimes(), **extra}, wanted)
    if not regimes:
        raise InputError(
            "no regime selected: name the ones that bind you with --regimes (bundled: "
            f"{', '.join(sorted(bundled_regimes()))}) or give --regime-file"
        )
    return regimes


def run_audit(
    inventories: Sequence[Path],
    regimes: list[Regime],
    *,
    today: date,
    sites_file: Path | None = None,
    with_plan: bool = True,
    prices_file: Path | None = None,
    output: Path | None = None,
) -> AuditRun:
    """Import every inventory, audit, plan (unless ``with_plan`` is false) and, given ``output``, write
    the report (format by extension: .csv, .json, .xlsx, .html, .pdf)."""
    with paused_gc():
        sites = read_sites(sites_file) if sites_file is not None else None
        records: list[DeviceRecord] = []
        issues: list[ImportIssue] = []
        for path in inventories:
            imported = import_file(path)
            records += imported.records
            issues += imported.issues
        result = audit(records, sites, regimes, today=today, issues=issues)
        removal_plan = (
            plan(result, load_prices(prices_file or PRICES_FILE), today=today)
            if with_plan
            else None
        )
        if output is not None:
            write_report(result, output, removal_plan)
    return AuditRun(result, removal_plan)


__all__ = ["AuditRun", "choose_regimes", "run_audit"]
