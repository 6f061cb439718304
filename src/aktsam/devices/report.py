"""The audit report as one self-contained HTML file, and as PDF (the same HTML, printed by WeasyPrint).

The HTML has everything inline (CSS, SVG charts; no script, no font or image file, no external link other
than the regimes' sources), so it can be mailed, archived or opened offline. Its print stylesheet lays it out
on A4 landscape with page numbers; the PDF is that print. Figures come from the audit and plan objects and
the same row functions as the CSV/JSON/XLSX reports (``report_row``, ``issue_row``, ``plan_rows``,
``total_rows``), and the charts from ``devices.chartdata``, so every format says the same thing.

Jinja2 renders it with autoescaping on: a device name, file name or note containing markup is shown as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from aktsam.devices.audit import (
    COLUMNS,
    FINDINGS,
    ISSUE_COLUMNS,
    AuditResult,
    DeviceAudit,
    issue_row,
    regime_terms,
    report_row,
    summary,
)
from aktsam.devices.chartdata import RESTRICTED, cost_by_year, fleet_by_maker, restricted_by_site
from aktsam.devices.plan import PRICES_FILE, Plan, Total
from aktsam.devices.svg import bar_chart, column_chart, stacked_bar_chart
from aktsam.errors import AktsamError

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "audit_report.html.j2"
DEFAULT_TITLE = "Equipment audit"

COLUMN_WIDTHS = {
    "device_id": 4, "maker": 5, "brand": 4, "confidence": 4, "relabelled": 4, "evidence": 7,
    "finding": 5, "regimes": 5, "site": 4, "sensitivity": 4, "action": 5, "rule": 5, "rules": 6,
    "regimes_at_site": 3, "notes": 8, "source_file": 4, "source_row": 3, "to_confirm": 5, "binds": 4,
    "organisation": 5, "attribution": 6,
}  # fmt: skip
"""Percent of the page width per device-table column (a fixed layout: fast to print, no ragged widths)."""


MAX_TABLE_ROWS = 2000
"""Rows of the plan and device tables an HTML/PDF report shows (the most urgent first); the totals, charts
and summary always cover every device. 100,000 rows would be a 3,000-page PDF no one reads: the full
tables are in the CSV, XLSX and JSON reports, and the report says so where it cuts."""
_PRIORITY = {
    "restricted everywhere": 0, "restricted here": 1, "to confirm": 2, "unknown maker": 3, "compliant": 4,
}  # fmt: skip


def _shown(result: AuditResult) -> list[DeviceAudit]:
    """Every device in input order, or, over the limit, the first ``MAX_TABLE_ROWS`` by finding."""
    if len(result.devices) <= MAX_TABLE_ROWS:
        return result.devices
    return sorted(result.devices, key=lambda d: _PRIORITY.get(d.finding, 9))[:MAX_TABLE_ROWS]


class ReportError(AktsamError):
    """The report cannot be produced in the requested format on this machine."""


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    svg: Markup
    note: str = ""


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def money(amount: Decimal | float | None) -> str:
    """``1,234.00``, or ``unknown`` for a missing price."""
    if amount is None:
        return "unknown"
    return f"{Decimal(str(amount)):,.2f}"


def is_bundled_prices(prices_file: str) -> bool:
    """Whether the plan was priced from the bundled example table (not a quote)."""
    try:
        return Path(prices_file).resolve() == PRICES_FILE.resolve()
    except OSError:
        return False


def _link(source: str) -> str | None:
    """``source`` as a link target if it is a web address; anything else is shown as plain text."""
    return source if source.startswith(("https://", "http://")) else None


def charts(result: AuditResult, plan: Plan | None) -> list[Chart]:
    """The report's charts: fleet by maker, restricted devices by site, and (with a plan) cost by year."""
    out: list[Chart] = []
    makers = fleet_by_maker(result)
    out.append(
        Chart(
            "chart-fleet-by-maker",
            "Fleet share by maker",
            Markup(
                bar_chart(
                    "Fleet share by maker",
                    [(name, float(n)) for name, n in makers],
                    show_share=True,
                    description="Installed devices per identified maker, with share of the fleet.",
                    chart_id="chart-fleet-by-maker",
                )
            ),
            "Devices per identified maker and share of all devices audited.",
        )
    )
    sites = restricted_by_site(result)
    out.append(
        Chart(
            "chart-restricted-by-site",
            "Restricted devices by site",
            Markup(
                stacked_bar_chart(
                    "Restricted devices by site",
                    [site for site, _, _ in sites],
                    [
                        (RESTRICTED[0], [float(a) for _, a, _ in sites]),
                        (RESTRICTED[1], [float(b) for _, _, b in sites]),
                    ],
                    description="Devices restricted everywhere and restricted at this site only.",
                    chart_id="chart-restricted-by-site",
                )
            ),
            "Restricted everywhere: a regime covers the maker on every site. Restricted here: only a "
            "regime for this kind of site does.",
        )
    )
    if plan is not None:
        years = cost_by_year(plan)
        unpriced = sum(t.unpriced for t in plan.by_year.values())
        out.append(
            Chart(
                "chart-cost-by-year",
                "Remove-and-replace cost by target year",
                Markup(
                    column_chart(
                        "Remove-and-replace cost by target year",
                        years,
                        unit=plan.currency,
                        value_format=lambda v: f"{v:,.0f}",
                        description=f"Estimated plan cost in {plan.currency} per target year.",
                        chart_id="chart-cost-by-year",
                    )
                ),
                f"Priced devices only; {unpriced} device(s) with cost unknown are not in the bars."
                if unpriced
                else "Every device in the plan is priced.",
            )
        )
    return out


def _total(group: str, key: str, total: Total) -> dict[str, object]:
    return {
        "group": group,
        "key": key,
        "devices": total.devices,
        "priced": total.priced,
        "unpriced": total.unpriced,
        "cost": money(total.cost),
    }


def _plan_context(plan: Plan) -> dict[str, Any]:
    lines = [
        {
            "order": line.order,
            "device_id": line.device.record.device_id or str(line.device.record.origin),
            "site": line.site,
            "action": line.action,
            "regime": line.regime,
            "target": line.target_label,
            "device_type": line.price_type,
            "cost": money(line.cost),
            "notes": "; ".join(line.notes),
        }
        for line in plan.lines[:MAX_TABLE_ROWS]
    ]
    groups = [
        ("site", "Per site", plan.by_site),
        ("regime", "Per regime", plan.by_regime),
        ("year", "Per target year", plan.by_year),
    ]
    return {
        "currency": plan.currency,
        "prices_file": Path(plan.prices_file).name,
        "bundled_prices": is_bundled_prices(plan.prices_file),
        "lines": lines,
        "lines_total": len(plan.lines),
        "groups": [
            {"id": gid, "label": label, "rows": [_total(gid, k, t) for k, t in totals.items()]}
            for gid, label, totals in groups
        ],
        "total": _total("all", "all", plan.total),
    }


def context(
    result: AuditResult, plan: Plan | None, *, title: str = DEFAULT_TITLE
) -> dict[str, Any]:
    """Everything the template shows, as plain values (exposed for tests and other templates)."""
    facts = summary(result)
    by_site = result.by_site()
    return {
        "title": title,
        "today": result.today.isoformat(),
        "regimes": [
            {
                "id": r.id,
                "title": r.title,
                "authority": r.authority,
                "source": r.source,
                "link": _link(r.source),
                "date": r.date.isoformat(),
                "scope": r.scope
                + "".join(f"; {x.id}: {x.scope}" for x in r.rules if x.scope != r.scope),
                "example": r.example,
                **{k: v for k, v in regime_terms(r, result).items() if k != "limits"},
                "limits": list(r.limits),
            }
            for r in result.regimes
        ],
        "organisation": result.declaration.describe(),
        "maker_attribution": facts["maker_attribution"],
        "devices_in": result.devices_in,
        "devices_out": len(result.devices),
        "balanced": result.balanced(),
        "issues_count": len(result.issues),
        "relabelled": facts["relabelled"],
        "low_confidence": facts["low_confidence"],
        "findings": FINDINGS,
        "by_finding": [(f, result.by_finding()[f]) for f in FINDINGS],
        "by_site": [
            {"site": site, "counts": [counts[f] for f in FINDINGS], "total": sum(counts.values())}
            for site, counts in sorted(by_site.items())
        ],
        "charts": charts(result, plan),
        "plan": _plan_context(plan) if plan is not None else None,
        "columns": COLUMNS,
        "column_widths": COLUMN_WIDTHS,
        "devices": [report_row(d) for d in _shown(result)],
        "issue_columns": ISSUE_COLUMNS,
        "issues": [issue_row(i) for i in result.issues],
    }


def render_html(result: AuditResult, plan: Plan | None, *, title: str = DEFAULT_TITLE) -> str:
    """The report as one self-contained HTML document."""
    return _environment().get_template(TEMPLATE).render(context(result, plan, title=title))


def render_pdf(
    result: AuditResult,
    plan: Plan | None,
    path: Path,
    *,
    title: str = DEFAULT_TITLE,
    uncompressed_pdf: bool = False,
) -> None:
    """The HTML report printed to PDF at ``path`` by WeasyPrint (A4 landscape, numbered pages).

    ``uncompressed_pdf`` leaves the page streams readable (for tests). Raises :class:`ReportError` when
    WeasyPrint's system libraries (Pango, HarfBuzz, fontconfig) cannot be loaded."""
    html_to_pdf(render_html(result, plan, title=title), path, uncompressed_pdf=uncompressed_pdf)


def html_to_pdf(html: str, path: Path, *, uncompressed_pdf: bool = False) -> None:
    """Print a self-contained HTML document to PDF with WeasyPrint (imported only when needed)."""
    try:
        import weasyprint
    except OSError as exc:  # cffi could not dlopen libpango/libharfbuzz/...
        raise ReportError(
            "PDF output needs the system libraries Pango, HarfBuzz and fontconfig and a font, which "
            f"could not be loaded ({exc}); run scripts/install to install them (Debian/Ubuntu), or "
            "write an .html report and print it to PDF from a browser"
        ) from None
    weasyprint.HTML(string=html, base_url=None).write_pdf(
        str(path), uncompressed_pdf=uncompressed_pdf
    )


__all__ = [
    "Chart",
    "ReportError",
    "charts",
    "context",
    "html_to_pdf",
    "is_bundled_prices",
    "money",
    "render_html",
    "render_pdf",
]
