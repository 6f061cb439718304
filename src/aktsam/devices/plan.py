"""The remove-and-replace plan: every device the audit says to act on, in the order to act, with a target date
and a cost estimate from a replacement price table; totals per site, per regime, per year and overall.

Order (most pressing first), each key breaking ties in the one before:

1. action urgency: remove now > isolate from core network > remove by DATE > replace at end of life >
   keep under warranty service until DATE (``URGENCY``);
2. site sensitivity: sensitive first; a device whose site is unknown counts as sensitive, the worst case
   the audit already assessed it as;
3. network exposure: a site connected to a core network first (unknown site: connected, worst case);
4. age: oldest ``installed_on`` first; an unknown install date goes last, with a note;
5. device id, so the order is stable.

Each line costs *replacing* the device (unit price + labour for its type): isolation is the first step, but
the plan is for removal and replacement. A device whose type has no price is listed with cost unknown, and
counted as unpriced in every total, never as zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from aktsam.devices.audit import AuditResult, DeviceAudit, site_label
from aktsam.devices.refdata import DATA_DIR, ReferenceDataError, read_table

PRICES_FILE = DATA_DIR / "replacement_prices.csv"
PRICE_TYPES = ("camera-fixed", "camera-ptz", "nvr", "dvr", "intercom", "other")

URGENCY = (
    "remove now",
    "isolate from core network",
    "remove by",
    "replace at end of life",
    "keep under warranty service",
)
"""Action prefixes, most urgent first (the audit's own urgency, except that replacing at end of life comes
before warranty service: a device past its warranty is due sooner than one still covered)."""

SERVICE_LIFE_YEARS = {
    "camera-fixed": 7,
    "camera-ptz": 7,
    "intercom": 7,
    "other": 7,
    "nvr": 5,
    "dvr": 5,
}
"""Years from installation to end of life, for "replace at end of life". Assumptions, not sourced figures:
7 years is a common planning life for IP cameras and door stations (outdoor housings and sensors degrade,
firmware support ends); recorders get 5 because their hard disks, run around the clock, wear out first.
Change them here, in one place."""

_NVR = re.compile(r"NVR", re.IGNORECASE)
_DVR = re.compile(r"DVR|XVR", re.IGNORECASE)
_PTZ = re.compile(r"PTZ|SD\d|-SD|\bDH-SD", re.IGNORECASE)
_RECORDED = {"camera": "camera-fixed", "ip camera": "camera-fixed", "ptz": "camera-ptz"}


@dataclass(frozen=True, slots=True)
class Price:
    device_type: str
    unit_price: Decimal
    labour: Decimal
    currency: str
    source: str
    date: str

    @property
    def per_unit(self) -> Decimal:
        return self.unit_price + self.labour


@dataclass(frozen=True, slots=True)
class PriceTable:
    file: str
    currency: str
    prices: dict[str, Price]


def load_prices(path: Path | str = PRICES_FILE) -> PriceTable:
    """A replacement price table (CSV: device_type, unit_price, currency, labour_per_unit, source, date).

    Every row needs a source and a date; prices must be numbers >= 0, one currency for the table, and the
    device type one of ``PRICE_TYPES``. A type may be left out: its devices are then listed as cost unknown.
    """
    path = Path(path)
    try:
        rows = read_table(path, ["device_type", "unit_price", "currency", "labour_per_unit"])
    except OSError as exc:
        raise ReferenceDataError(path, None, None, f"cannot read: {exc.strerror}") from None
    prices: dict[str, Price] = {}
    currencies: set[str] = set()
    for row in rows:
        kind = row["device_type"].casefold()
        if kind not in PRICE_TYPES:
            raise row.error("device_type", f"{kind!r}: use one of {', '.join(PRICE_TYPES)}")
        if kind in prices:
            raise row.error("device_type", f"duplicate device_type {kind!r}")
        amounts = []
        for column in ("unit_price", "labour_per_unit"):
            try:
                amount = Decimal(row[column])
            except InvalidOperation:
                raise row.error(column, f"{row[column]!r} is not a number") from None
            if not amount.is_finite() or amount < 0:
                raise row.error(column, f"{row[column]!r} must be a number >= 0")
            amounts.append(amount)
        currency = row["currency"].upper()
        currencies.add(currency)
        if len(currencies) > 1:
            raise row.error(
                "currency", f"one currency per table; found {', '.join(sorted(currencies))}"
            )
        prices[kind] = Price(kind, amounts[0], amounts[1], currency, row["source"], row["date"])
    if not prices:
        raise ReferenceDataError(path, None, None, "no prices in the table")
    return PriceTable(str(path), currencies.pop(), prices)


def price_type(device: DeviceAudit) -> tuple[str, bool]:
    """The price-table type of a device, and whether it was guessed (no usable recorded device type)."""
    record = device.record
    recorded = (record.device_type or "").strip().casefold()
    if recorded in PRICE_TYPES:
        return recorded, False
    if recorded in _RECORDED:
        return _RECORDED[recorded], False
    model = record.model or ""
    if _NVR.search(model):
        return "nvr", True
    if _DVR.search(model):
        return "dvr", True
    if recorded:
        return "other", True
    if _PTZ.search(model):
        return "camera-ptz", True
    return "camera-fixed", True


@dataclass(frozen=True, slots=True)
class PlanLine:
    order: int
    device: DeviceAudit
    action: str
    regime: str
    site: str
    sensitivity: str
    core_network: bool
    installed_on: date | None
    target: date | None  # None: unknown
    target_label: str  # "now", an ISO date, or "unknown"
    price_type: str
    unit_price: Decimal | None
    labour: Decimal | None
    notes: tuple[str, ...] = ()

    @property
    def cost(self) -> Decimal | None:
        if self.unit_price is None or self.labour is None:
            return None
        return self.unit_price + self.labour

    @property
    def year(self) -> str:
        return str(self.target.year) if self.target is not None else "unknown"


@dataclass(slots=True)
class Total:
    devices: int = 0
    priced: int = 0
    cost: Decimal = Decimal(0)

    @property
    def unpriced(self) -> int:
        return self.devices - self.priced

    def add(self, line: PlanLine) -> None:
        self.devices += 1
        if line.cost is not None:
            self.priced += 1
            self.cost += line.cost


@dataclass(slots=True)
class Plan:
    lines: list[PlanLine]
    currency: str
    prices_file: str
    by_site: dict[str, Total] = field(default_factory=dict)
    by_regime: dict[str, Total] = field(default_factory=dict)
    by_year: dict[str, Total] = field(default_factory=dict)
    total: Total = field(default_factory=Total)
    to_confirm: int = 0  # devices with a coverage question open: not in the plan until answered


def _iso(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _urgency(action: str) -> int:
    return next(i for i, prefix in enumerate(URGENCY) if action.startswith(prefix))


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _target(
    action: str, installed: date | None, kind: str, today: date, notes: list[str]
) -> date | None:
    if action in ("remove now", "isolate from core network"):
        return today
    if action.startswith("remove by ") or action.startswith("keep under warranty service until "):
        return _iso(action.rsplit(" ", 1)[1])
    if installed is None:
        notes.append("end of life unknown: no install date")
        return None
    end = _plus_years(installed, SERVICE_LIFE_YEARS[kind])
    if end <= today:
        notes.append(f"end of life ({end.isoformat()}) already passed: replace now")
        return today
    return end


def _line(device: DeviceAudit, prices: PriceTable, today: date) -> PlanLine:
    notes: list[str] = []
    kind, guessed = price_type(device)
    if guessed:
        recorded = device.record.device_type or "none recorded"
        notes.append(f"device type guessed as {kind} (recorded: {recorded})")
    installed = _iso(device.record.installed_on)
    if installed is None:
        notes.append("install date unknown: ordered last by age")
    target = _target(device.action, installed, kind, today, notes)
    price = prices.prices.get(kind)
    if price is None:
        notes.append(f"no price for {kind} in {Path(prices.file).name}: cost unknown")
    label = "unknown" if target is None else ("now" if target == today else target.isoformat())
    core = device.site.core_network if device.site is not None else True
    return PlanLine(
        order=0,
        device=device,
        action=device.action,
        regime=device.rule.split("/", 1)[0],
        site=site_label(device),
        sensitivity=device.sensitivity,
        core_network=core,
        installed_on=installed,
        target=target,
        target_label=label,
        price_type=kind,
        unit_price=price.unit_price if price else None,
        labour=price.labour if price else None,
        notes=tuple(notes),
    )


def _key(line: PlanLine) -> tuple[int, int, int, int, date, str]:
    return (
        _urgency(line.action),
        0 if line.sensitivity in ("sensitive", "unknown") else 1,
        0 if line.core_network else 1,
        0 if line.installed_on is not None else 1,
        line.installed_on or date.max,
        line.device.record.device_id or str(line.device.record.origin),
    )


def plan(result: AuditResult, prices: PriceTable, *, today: date) -> Plan:
    """One line per device with an action to take (not "no action", not a question to confirm), in plan
    order, with totals."""
    lines = sorted((_line(d, prices, today) for d in result.devices if d.planned), key=_key)
    out = Plan([], prices.currency, prices.file)
    out.to_confirm = sum(1 for d in result.devices if d.finding == "to confirm")
    for order, line in enumerate(lines, start=1):
        line = replace(line, order=order)
        out.lines.append(line)
        out.by_site.setdefault(line.site, Total()).add(line)
        out.by_regime.setdefault(line.regime, Total()).add(line)
        out.by_year.setdefault(line.year, Total()).add(line)
        out.total.add(line)
    out.by_site = dict(sorted(out.by_site.items()))
    out.by_regime = dict(sorted(out.by_regime.items()))
    out.by_year = dict(sorted(out.by_year.items(), key=lambda kv: (kv[0] == "unknown", kv[0])))
    return out


# --- the report ------------------------------------------------------------------------------------------

PLAN_COLUMNS = (
    "order", "device_id", "site", "sensitivity", "core_network", "action", "regime", "installed_on",
    "target_date", "device_type", "unit_price", "labour", "cost", "currency", "notes",
)  # fmt: skip
TOTAL_COLUMNS = ("group", "key", "devices", "priced", "unpriced", "cost", "currency")


def _money(amount: Decimal | None) -> float | str:
    return float(amount) if amount is not None else "unknown"


def plan_rows(p: Plan) -> list[dict[str, object]]:
    return [
        {
            "order": line.order,
            "device_id": line.device.record.device_id or str(line.device.record.origin),
            "site": line.site,
            "sensitivity": line.sensitivity,
            "core_network": "yes" if line.core_network else "no",
            "action": line.action,
            "regime": line.regime,
            "installed_on": line.installed_on.isoformat() if line.installed_on else "unknown",
            "target_date": line.target_label,
            "device_type": line.price_type,
            "unit_price": _money(line.unit_price),
            "labour": _money(line.labour),
            "cost": _money(line.cost),
            "currency": p.currency,
            "notes": "; ".join(line.notes),
        }
        for line in p.lines
    ]


def total_rows(p: Plan) -> list[dict[str, object]]:
    groups = (("site", p.by_site), ("regime", p.by_regime), ("year", p.by_year))
    pairs = [(g, k, t) for g, totals in groups for k, t in totals.items()]
    pairs.append(("all", "all", p.total))
    return [
        {"group": g, "key": k, "devices": t.devices, "priced": t.priced, "unpriced": t.unpriced,
         "cost": float(t.cost), "currency": p.currency}
        for g, k, t in pairs
    ]  # fmt: skip


def one_line(p: Plan) -> str:
    t = p.total
    text = f"plan: {t.devices} device(s) to act on, estimated {t.cost:,.2f} {p.currency}"
    if t.unpriced:
        text += f" for {t.priced} priced; {t.unpriced} with cost unknown"
    if p.to_confirm:
        text += f"; {p.to_confirm} device(s) to confirm are not in the plan until answered"
    return text


def plan_payload(p: Plan) -> dict[str, object]:
    """The plan for the JSON report: lines in order, totals, and the price table used."""
    return {
        "currency": p.currency,
        "prices_file": p.prices_file,
        "total": float(p.total.cost),
        "devices": p.total.devices,
        "unpriced": p.total.unpriced,
        "to_confirm": p.to_confirm,
        "lines": plan_rows(p),
        "totals": total_rows(p),
    }
