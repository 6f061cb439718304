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
from aktsam.devices.binding import declared_regimes
from aktsam.devices.importers import import_file
from aktsam.devices.model import DeviceRecord, ImportIssue
from aktsam.devices.plan import PRICES_FILE, Plan, load_prices, plan
from aktsam.devices.regimes import Regime, bundled_regimes, load_regimes, select
from aktsam.devices.sites import read_sites
from aktsam.errors import InputError
from aktsam.organisation import NOT_DECLARED, Declaration


@dataclass(frozen=True, slots=True)
class AuditRun:
    result: AuditResult
    plan: Plan | None


def choose_regimes(
    ids: Iterable[str], files: Sequence[Path] = (), declaration: Declaration | None = None
) -> list[Regime]:
    """The bundled regimes named by ``ids`` plus every regime in ``files`` (whose ids may not clash with
    a bundled one). When none is named and ``declaration`` (the organisation profile) is given, the
    regimes it declares: those under ``apply`` and every regime binding a capacity it holds
    (``devices.binding.declared_regimes``). No other default: which regimes bind depends on who audits
    (NDAA §889 binds US executive agencies and their contractors, the UK direction central government
    departments)."""
    extra = load_regimes(list(files))
    clash = sorted(set(extra) & set(bundled_regimes()))
    if clash:
        raise InputError(
            f"regime id {clash[0]!r} is already bundled; give your file another id",
            field="--regime-file",
        )
    available = {**bundled_regimes(), **extra}
    wanted = [i.strip() for i in ids if i.strip()]
    if not wanted and not extra and declaration is not None:
        wanted = declared_regimes(available, declaration)
    wanted += [i for i in extra if i not in wanted]
    regimes = select(available, wanted)
    if not regimes:
        where = (
            f"; the organisation profile ({declaration.file}) {declaration.describe()} and applies "
            "none (restriction_regimes.apply)"
            if declaration is not None
            else ""
        )
        raise InputError(
            "no regime selected: name the ones to apply with --regimes (bundled: "
            f"{', '.join(sorted(bundled_regimes()))}) or give --regime-file{where}"
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
    declaration: Declaration = NOT_DECLARED,
) -> AuditRun:
    """Import every inventory, audit, plan (unless ``with_plan`` is false) and, given ``output``, write
    the report (format by extension: .csv, .json, .xlsx, .html, .pdf). ``declaration`` (the organisation
    profile's capacities) only says beside the findings whether each regime binds the organisation."""
    with paused_gc():
        sites = read_sites(sites_file) if sites_file is not None else None
        records: list[DeviceRecord] = []
        issues: list[ImportIssue] = []
        for path in inventories:
            imported = import_file(path)
            records += imported.records
            issues += imported.issues
        result = audit(records, sites, regimes, today=today, issues=issues, declaration=declaration)
        removal_plan = (
            plan(result, load_prices(prices_file or PRICES_FILE), today=today)
            if with_plan
            else None
        )
        if output is not None:
            write_report(result, output, removal_plan)
    return AuditRun(result, removal_plan)


__all__ = ["AuditRun", "choose_regimes", "run_audit"]
