"""The equipment audit: for every installed device, who made it, which regimes restrict it where it stands,
and what to do, with the regime and rule behind each answer.

``audit`` is the pure core (``aktsam devices audit`` only reads files and writes the report). Every device
in is a device out: a device with no identifiable maker is reported as ``unknown maker``, a device whose
site is not in the sites file is assessed as if on a sensitive site with a core-network connection (the
worst case, said so in its notes), and a low-confidence identification is shown with its level, never hidden.

Findings:

* ``restricted everywhere``: a regime covers the maker and one of its rules in force here has scope
  ``everywhere`` (e.g. the UK direction's core-network advice);
* ``restricted here``: only rules scoped to this kind of site restrict it;
* ``to confirm``: no regime restricts it for certain, but one would if a fact the data does not settle
  were so: the maker's country of incorporation is not recorded, the text leaves the maker's country or
  a foreign subsidiary open, the listing is limited to a purpose of use, the site's country is not given
  for a territorial regime, or the device type is one the regime's text leaves open. The action says what
  to confirm; never "compliant";
* ``compliant``: no rule of any applied regime applies to the device here;
* ``unknown maker``.

Beside each finding the report says whom each regime binds and whether it binds this organisation (from
the capacities its profile declares, ``aktsam.organisation``): naming a regime applies it, whoever you are.

Actions, from the rules of the restricting regimes; the most urgent wins and the others stay in ``rules``:

====================================  =============================================================
action                                rule that produces it
====================================  =============================================================
remove now                            ``remove-by`` whose date has passed
isolate from core network             ``no-core-network`` at a site connected to a core network
remove by DATE                        ``remove-by`` whose date is still ahead
keep under warranty service until D   ``service-until-warranty-end`` while the device's warranty runs
replace at end of life                ``no-new-deployment``, ``consider-removal``, or warranty over
confirm WHAT                          nothing restricts it for certain; a coverage question is open
no action                             nothing restricts the device here, or only rules that ask
                                      nothing of an installed unit's owner (``INFORMATIONAL``)
====================================  =============================================================
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aktsam.devices.attribution import Attributor
from aktsam.devices.binding import standings
from aktsam.devices.coverage import CoverageCache, device_kind, site_key
from aktsam.devices.identify import Identification, identify
from aktsam.devices.importers.register_columns import passthrough_for
from aktsam.devices.model import DeviceRecord, ImportIssue
from aktsam.devices.regimes import Confirm, Regime, Rule
from aktsam.devices.sites import Site, SiteTable
from aktsam.errors import InputError
from aktsam.organisation import NOT_DECLARED, Declaration

if TYPE_CHECKING:
    from aktsam.devices.plan import Plan

FINDINGS = ("restricted everywhere", "restricted here", "to confirm", "compliant", "unknown maker")
NO_ACTION = "no action"
CONFIRM = "confirm "
"""Prefix of the action of a device whose coverage turns on a fact the data does not settle."""
INFORMATIONAL = {
    "no-new-authorisation": "nothing for the owner of an installed unit: no new equipment authorisations",
    "no-usf-support": "no Universal Service Fund support for it (binds USF recipients)",
}
"""Steps of rules that restrict the equipment but ask nothing of the owner (urgency 0: shown, not planned)."""
UNKNOWN_SITE = "unknown"


@dataclass(frozen=True, slots=True)
class Step:
    """One action one rule asks for; ``urgency`` orders them (higher first)."""

    urgency: int
    action: str
    regime: str
    rule: str

    def __str__(self) -> str:
        return f"{self.regime}/{self.rule}: {self.action}"


@dataclass(frozen=True, slots=True)
class DeviceAudit:
    record: DeviceRecord
    identification: Identification
    site: Site | None
    sensitivity: str  # the site's, or "unknown"
    regimes_at_site: tuple[str, ...]  # selected regimes whose scope includes this site
    restricting: tuple[str, ...]  # of those, the ones covering this device's maker
    finding: str
    action: str
    rule: str  # "regime/rule" behind the action; "" for no action
    steps: tuple[Step, ...] = ()  # every action any rule asked for, most urgent first
    notes: tuple[str, ...] = ()
    to_confirm: tuple[str, ...] = ()  # "regime: confirm WHAT (WHY)", coverage questions left open
    binds: tuple[str, ...] = ()  # "regime: binds …" for each regime restricting or questioning it
    organisation: tuple[str, ...] = ()  # "regime: binds this organisation / does not / unknown"
    attribution: tuple[str, ...] = ()  # the maker's export-control listings (information only)

    @property
    def planned(self) -> bool:
        """Whether the device goes into the remove-and-replace plan (an action to take, not a question)."""
        return self.action != NO_ACTION and not self.action.startswith(CONFIRM)


@dataclass(slots=True)
class AuditResult:
    devices: list[DeviceAudit]
    issues: list[ImportIssue]
    regimes: list[Regime]
    today: date
    devices_in: int
    declaration: Declaration = NOT_DECLARED
    standing: dict[str, str] = field(default_factory=dict)  # regime id -> binds this organisation?

    def balanced(self) -> bool:
        return self.devices_in == len(self.devices)

    def by_finding(self) -> Counter[str]:
        return Counter(d.finding for d in self.devices)

    def by_site(self) -> dict[str, Counter[str]]:
        out: dict[str, Counter[str]] = {}
        for d in self.devices:
            out.setdefault(site_label(d), Counter())[d.finding] += 1
        return out


def site_label(device: DeviceAudit) -> str:
    if device.site is not None:
        return device.site.id
    return device.record.site or "(no site)"


def _iso(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _step(
    rule: Rule, record: DeviceRecord, core_network: bool, today: date
) -> tuple[int, str] | None:
    if rule.kind == "remove-by" and rule.by is not None:
        return (5, "remove now") if today >= rule.by else (3, f"remove by {rule.by.isoformat()}")
    if rule.kind == "no-core-network":
        return (4, "isolate from core network") if core_network else None
    if rule.kind == "service-until-warranty-end":
        until = _iso(record.warranty_until)
        if until is not None and until >= today:
            return 2, f"keep under warranty service until {until.isoformat()}"
        return 1, "replace at end of life"
    if rule.kind in INFORMATIONAL:
        return 0, INFORMATIONAL[rule.kind]
    return 1, "replace at end of life"  # no-new-deployment, consider-removal


def _quantity(record: DeviceRecord) -> str | None:
    """A register's quantity column (kept verbatim in ``extra``) when it is not 1."""
    for label, value in record.extra:
        if passthrough_for(label) == "quantity" and value.strip() not in ("", "1"):
            return value.strip()
    return None


def audit_device(
    record: DeviceRecord,
    sites: SiteTable | None,
    regimes: list[Regime],
    today: date,
    terms: Mapping[str, tuple[str, str]] | None = None,
    *,
    rulings: Rulings | None = None,
    attributor: Attributor | None = None,
) -> DeviceAudit:
    """One device: its maker, the regimes that restrict it (or leave a question open) at its site, the
    action. ``terms`` maps a regime id to ("id: whom it binds", "id: whether it binds this organisation").
    Whether a regime covers the device is ``coverage.device_coverage`` (the survey's decision too);
    ``rulings`` and ``attributor`` are caches an :func:`audit` shares across its devices (``terms`` is
    then the one ``rulings`` was made with)."""
    ident = identify(record)
    notes: list[str] = []
    site = sites.find(record.site) if sites is not None else None
    if site is None:
        why = (
            "no sites file given"
            if sites is None
            else (
                f"site {record.site!r} is not in the sites file"
                if record.site
                else "no site recorded"
            )
        )
        notes.append(
            f"{why}: assessed as a sensitive site with a core-network connection (worst case)"
        )
    sensitivity = site.sensitivity if site else UNKNOWN_SITE
    assessed_as = site.sensitivity if site else "sensitive"
    core_network = site.core_network if site else True
    quantity = _quantity(record)
    if quantity is not None:
        notes.append(
            f"the row gives a quantity of {quantity}: audited as one device (list each device on its "
            "own row to audit it, or use `aktsam devices survey` for counts)"
        )
    if ident.relabelled:
        notes.append(f"relabelled: sold as {ident.brand}, made by {ident.maker_name}")
    if ident.level == "low":
        notes.append(
            f"low-confidence identification ({ident.confidence:.2f}): confirm the maker before acting"
        )
    notes += [f"conflicting evidence: {c}" for c in ident.conflicts]
    if ident.maker is None:
        notes.append(
            "maker not identified: inspect the device (label, model plate, MAC) and re-run"
        )
        here = tuple(r.id for r in regimes if r.applies_at(assessed_as))
        return DeviceAudit(record, ident, site, sensitivity, here, (), "unknown maker", NO_ACTION,
                           "", (), tuple(notes))  # fmt: skip
    rulings = rulings if rulings is not None else Rulings(regimes, terms or {})
    attributor = attributor if attributor is not None else Attributor(today)
    ruling = rulings.get(ident.maker, record.device_type, site, assessed_as)
    notes += ruling.notes
    steps: list[Step] = []
    for regime_id, in_force in ruling.rules:
        step = _step(in_force, record, core_network, today)
        if step is not None:
            steps.append(Step(step[0], step[1], regime_id, in_force.id))
    restricting, questions = ruling.restricting, ruling.questions
    if restricting:
        finding = "restricted everywhere" if ruling.everywhere else "restricted here"
    else:
        finding = "to confirm" if questions else "compliant"
    steps.sort(key=lambda s: -s.urgency)
    acting = [s for s in steps if s.urgency > 0]
    if restricting and not acting:
        notes.append(
            "every rule is already met here or asks nothing of an installed unit's owner "
            "(e.g. no core-network connection)"
        )
    if (
        acting
        and _iso(record.warranty_until) is None
        and any("warranty" in s.action or s.action == "replace at end of life" for s in acting)
    ):
        notes.append("warranty end date unknown")
    if acting:
        action, rule = acting[0].action, f"{acting[0].regime}/{acting[0].rule}"
    elif questions:
        action, rule = f"{CONFIRM}{questions[0][1].what}", f"{questions[0][0]}/coverage"
    else:
        action, rule = NO_ACTION, ""
    if restricting and questions:
        notes.append("also to confirm: see to_confirm")
    return DeviceAudit(
        record, ident, site, sensitivity, ruling.here, restricting, finding, action, rule,
        tuple(steps), tuple(notes), ruling.to_confirm, ruling.binds, ruling.organisation,
        attributor.notes(ident.maker, ident.brand, ident.relabelled),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Ruling:
    """What the applied regimes say about one (maker, device type, site kind): the part of a device's
    audit that does not depend on the device's own dates, computed once per key (:class:`Rulings`)."""

    here: tuple[str, ...]  # regimes with a rule in scope at this kind of site
    restricting: tuple[str, ...]
    everywhere: bool  # a restricting rule in force here has scope "everywhere"
    questions: tuple[tuple[str, Confirm], ...]  # (regime id, what to confirm)
    notes: tuple[str, ...]  # the coverage notes and readings, in regime order
    rules: tuple[
        tuple[str, Rule], ...
    ]  # (regime id, rule) of the restricting regimes, in force here
    to_confirm: tuple[str, ...]
    binds: tuple[str, ...]
    organisation: tuple[str, ...]


class Rulings:
    """:class:`Ruling` per (maker, device type, site kind), over one audit's regimes; whether a regime
    covers a device is ``coverage.device_coverage`` (the survey's decision too)."""

    __slots__ = ("_seen", "coverage", "regimes", "terms", "territorial")

    def __init__(self, regimes: list[Regime], terms: Mapping[str, tuple[str, str]]) -> None:
        self.regimes = regimes
        self.terms = terms
        self.coverage = CoverageCache()
        self.territorial = any(r.territory for r in regimes)
        self._seen: dict[tuple[str, str, str, object], Ruling] = {}

    def get(
        self, maker: str, device_type: str | None, site: Site | None, assessed_as: str
    ) -> Ruling:
        kind = device_kind(device_type)
        key = (maker, kind, assessed_as, site_key(site) if self.territorial else site is None)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._rule(maker, kind, site, assessed_as)
        return found

    def _rule(self, maker: str, kind: str, site: Site | None, assessed_as: str) -> Ruling:
        here = [r for r in self.regimes if r.applies_at(assessed_as)]
        restricting: list[str] = []
        questions: list[tuple[str, Confirm]] = []
        notes: list[str] = []
        rules: list[tuple[str, Rule]] = []
        everywhere = False
        for regime in here:
            covers = self.coverage.get(regime, maker, kind, site)
            if covers.status == "none":
                continue
            notes += covers.notes
            notes += covers.readings
            if covers.status == "excluded":
                continue
            if covers.status == "to confirm":
                questions += [(regime.id, q) for q in covers.questions]
                continue
            in_force = regime.rules_at(assessed_as)
            restricting.append(regime.id)
            everywhere = everywhere or any(rule.scope == "everywhere" for rule in in_force)
            rules += [(regime.id, rule) for rule in in_force]
        involved = list(dict.fromkeys([*restricting, *(i for i, _ in questions)]))
        terms = self.terms
        return Ruling(
            tuple(r.id for r in here), tuple(restricting), everywhere, tuple(questions),
            tuple(notes), tuple(rules),
            tuple(f"{i}: confirm {q.what} ({q.why})" for i, q in questions),
            tuple(terms[i][0] for i in involved if i in terms),
            tuple(terms[i][1] for i in involved if i in terms),
        )  # fmt: skip


def audit(
    records: Iterable[DeviceRecord],
    sites: SiteTable | None,
    regimes: list[Regime],
    *,
    today: date,
    issues: Iterable[ImportIssue] = (),
    declaration: Declaration = NOT_DECLARED,
) -> AuditResult:
    """Audit every record against ``regimes`` at its site; ``issues`` (import problems) are carried along.
    ``declaration`` (the organisation profile's capacities) only says, beside each finding, whether each
    regime binds the organisation: a regime named is always applied."""
    records = list(records)
    all_issues = [*issues, *(sites.issues if sites is not None else [])]
    standing = standings(regimes, declaration)
    terms = {r.id: (f"{r.id}: {r.binds_text()}", f"{r.id}: {standing[r.id]}") for r in regimes}
    rulings, attributor = Rulings(list(regimes), terms), Attributor(today)
    devices = [
        audit_device(record, sites, regimes, today, terms, rulings=rulings, attributor=attributor)
        for record in records
    ]
    return AuditResult(devices, all_issues, list(regimes), today, len(records), declaration,
                       standing)  # fmt: skip


# --- the report ------------------------------------------------------------------------------------------

COLUMNS = (
    "device_id", "maker", "brand", "confidence", "relabelled", "evidence", "finding", "regimes", "site",
    "sensitivity", "action", "rule", "rules", "regimes_at_site", "notes", "source_file", "source_row",
    "to_confirm", "binds", "organisation", "attribution",
)  # fmt: skip
"""The first 17 columns are the report's interface since 0.x; the others were added at the end
(``attribution``: the maker's export-control listings, information that never changes ``finding``)."""
ISSUE_COLUMNS = ("file", "row", "element", "field", "severity", "message")


def report_row(device: DeviceAudit) -> dict[str, object]:
    ident, origin = device.identification, device.record.origin
    evidence = [str(e) for e in ident.evidence] + [f"CONFLICT: {c}" for c in ident.conflicts]
    return {
        "device_id": device.record.device_id or str(origin),
        "maker": ident.maker_name or "unknown",
        "brand": ident.brand or "",
        "confidence": f"{ident.level} {ident.confidence:.2f}",
        "relabelled": "yes" if ident.relabelled else "no",
        "evidence": " | ".join(evidence),
        "finding": device.finding,
        "regimes": "; ".join(device.restricting),
        "site": site_label(device),
        "sensitivity": device.sensitivity,
        "action": device.action,
        "rule": device.rule,
        "rules": "; ".join(str(s) for s in device.steps),
        "regimes_at_site": "; ".join(device.regimes_at_site),
        "notes": "; ".join(device.notes),
        "source_file": origin.file,
        "source_row": origin.row if origin.row is not None else (origin.element or ""),
        "to_confirm": "; ".join(device.to_confirm),
        "binds": "; ".join(device.binds),
        "organisation": "; ".join(device.organisation),
        "attribution": "; ".join(device.attribution),
    }


def issue_row(issue: ImportIssue) -> dict[str, object]:
    return {
        "file": issue.origin.file,
        "row": issue.origin.row if issue.origin.row is not None else "",
        "element": issue.origin.element or "",
        "field": issue.field or "",
        "severity": issue.severity,
        "message": issue.message,
    }


def summary(result: AuditResult) -> dict[str, object]:
    return {
        "today": result.today.isoformat(),
        "regimes": [r.id for r in result.regimes],
        "devices_in": result.devices_in,
        "devices_out": len(result.devices),
        "issues": len(result.issues),
        "relabelled": sum(1 for d in result.devices if d.identification.relabelled),
        "low_confidence": sum(1 for d in result.devices if d.identification.level == "low"),
        "by_finding": {f: result.by_finding()[f] for f in FINDINGS},
        "by_site": {site: dict(counts) for site, counts in sorted(result.by_site().items())},
        "organisation": result.declaration.describe(),
        "regime_terms": [regime_terms(r, result) for r in result.regimes],
        "maker_attribution": maker_attribution(result),
    }


LISTING_COLUMNS = (
    "maker", "devices", "attribution", "list", "listed_entity", "listed_on", "citation", "requirement",
    "policy", "source", "date",
)  # fmt: skip


def maker_attribution(result: AuditResult) -> dict[str, Any]:
    """Per maker found with an export-control attribution: how many devices, the notes, and each listing
    as published (requirement and policy quoted); the BIS Affiliates Rule's state on the audit date and
    its caveats. Information only: findings do not depend on it."""
    from aktsam.devices.attribution import BINDS, Attributor, listings
    from aktsam.lists.ownership_rules import affiliates_rule_status

    found: dict[str, list[DeviceAudit]] = {}
    for d in result.devices:
        if d.attribution and d.identification.maker is not None:
            found.setdefault(d.identification.maker, []).append(d)
    makers_out: list[dict[str, Any]] = []
    for maker, devices in found.items():
        makers_out.append(
            {
                "maker": devices[0].identification.maker_name or maker,
                "devices": len(devices),
                "attribution": list(
                    dict.fromkeys(n for d in devices for n in d.attribution if n != BINDS)
                ),
                "listings": [
                    {
                        "list": x.list_name,
                        "listed_entity": x.listed_entity,
                        "listed_on": x.listed_on.isoformat(),
                        "citation": x.citation,
                        "requirement": x.requirement,
                        "policy": x.policy,
                        "source": x.source,
                        "date": x.date,
                    }
                    for x in listings().get(maker, ())
                ],
            }
        )
    return {
        "binds": BINDS,
        "affiliates_rule": Attributor(result.today).rule_state(),
        "affiliates_rule_caveats": list(affiliates_rule_status(result.today).caveats),
        "makers": makers_out,
    }


def listing_rows(result: AuditResult) -> list[dict[str, object]]:
    """The ``listings`` sheet: one row per (maker, listing), or per maker when only its owner is listed."""
    out: list[dict[str, object]] = []
    for entry in maker_attribution(result)["makers"]:
        base = {"maker": entry["maker"], "devices": entry["devices"],
                "attribution": " | ".join(entry["attribution"])}  # fmt: skip
        blank = {c: "" for c in LISTING_COLUMNS[3:]}
        for listing in entry["listings"] or [blank]:
            out.append({**base, **listing})
    return out


REGIME_COLUMNS = (
    "regime", "title", "jurisdiction", "whom", "binds", "organisation", "limits", "source", "date",
)  # fmt: skip


def regime_terms(regime: Regime, result: AuditResult) -> dict[str, str]:
    """A regime's jurisdiction, whom it binds (with the citation), whether it binds this organisation,
    and its limits: printed beside the findings in every report format."""
    return {
        "regime": regime.id,
        "title": regime.title,
        "jurisdiction": regime.jurisdiction
        + (f" (takes effect in {', '.join(regime.territory)} only)" if regime.territory else ""),
        "whom": regime.binds_text(),
        "binds": f"{regime.binds.text} [{regime.binds.source}]",
        "organisation": result.standing.get(regime.id, ""),
        "limits": " | ".join(regime.limits),
        "source": regime.source,
        "date": regime.date.isoformat(),
    }


def write_report(result: AuditResult, path: Path, plan: Plan | None = None) -> None:
    """The report as CSV (devices), JSON (summary, devices, issues), XLSX (``devices`` + ``errors``
    sheets), or HTML/PDF (``devices.report``: summary, charts, tables), by extension, written to a temporary
    file and renamed, so a failed write leaves nothing. With a ``plan`` (``devices.plan``), JSON gains a
    ``plan`` key (lines, totals, currency), XLSX the ``plan`` and ``plan-totals`` sheets and HTML/PDF the
    plan section; CSV stays the devices table alone."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from aktsam.screening.files import write_table

        write_table(path, COLUMNS, (report_row(d) for d in result.devices))  # streamed
        return
    if suffix not in (".json", ".xlsx", ".html", ".pdf"):
        raise InputError(
            f"unsupported output type {suffix!r}; use .csv, .xlsx, .json, .html or .pdf",
            file=str(path),
        )
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        _write(result, plan, suffix, [report_row(d) for d in result.devices], tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)


def _write(
    result: AuditResult, plan: Plan | None, suffix: str, rows: list[dict[str, object]], tmp: Path
) -> None:
    if suffix in (".html", ".pdf"):
        from aktsam.devices.report import render_html, render_pdf

        if suffix == ".html":
            tmp.write_text(render_html(result, plan), encoding="utf-8")
        else:
            render_pdf(result, plan, tmp)
        return
    issues = [issue_row(i) for i in result.issues]
    if suffix == ".json":
        payload: dict[str, object] = {"summary": summary(result), "devices": rows, "issues": issues}
        if plan is not None:
            from aktsam.devices.plan import plan_payload

            payload["plan"] = plan_payload(plan)
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        terms: list[dict[str, object]] = [dict(regime_terms(r, result)) for r in result.regimes]
        sheets: list[tuple[str, tuple[str, ...], list[dict[str, object]]]] = [
            ("devices", COLUMNS, rows),
            ("errors", ISSUE_COLUMNS, issues),
            ("regimes", REGIME_COLUMNS, terms),
            ("listings", LISTING_COLUMNS, listing_rows(result)),
        ]
        if plan is not None:
            from aktsam.devices.plan import PLAN_COLUMNS, TOTAL_COLUMNS, plan_rows, total_rows

            sheets += [
                ("plan", PLAN_COLUMNS, plan_rows(plan)),
                ("plan-totals", TOTAL_COLUMNS, total_rows(plan)),
            ]
        for name, columns, data in sheets:
            sheet = workbook.create_sheet(name)
            sheet.append(list(columns))
            for row in data:
                sheet.append([row[c] for c in columns])
        from aktsam.devices.charts import (
            add_charts_sheet,
        )  # imports plan, which imports this module

        add_charts_sheet(workbook, result, plan)
        workbook.save(tmp)
