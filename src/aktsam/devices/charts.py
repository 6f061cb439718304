"""Charts for the XLSX audit report: fleet share by maker, restricted devices by site, plan cost over time.

Each chart sits next to the small table it is drawn from, on one ``charts`` sheet, so a reader who distrusts
a bar can read the number, and the figures stay live if someone edits them in Excel. Native Excel charts
(openpyxl) rather than images: they print, scale and can be restyled by the user.
"""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, PieChart, Reference

from aktsam.devices.audit import AuditResult
from aktsam.devices.chartdata import (
    RESTRICTED,
    cost_by_year,
    fleet_by_maker,
    restricted_by_site,
)
from aktsam.devices.plan import Plan


def add_charts_sheet(workbook: Any, result: AuditResult, plan: Plan | None) -> None:
    """Append a ``charts`` sheet to a (write-only) openpyxl workbook."""
    sheet = workbook.create_sheet("charts")
    row = 1
    makers = fleet_by_maker(result)
    row = _table(sheet, row, ("maker", "devices"), makers)
    pie = PieChart()
    pie.title = "Fleet share by maker"
    start = row - len(makers)
    pie.add_data(
        Reference(sheet, min_col=2, min_row=start - 1, max_row=row - 1), titles_from_data=True
    )
    pie.set_categories(Reference(sheet, min_col=1, min_row=start, max_row=row - 1))
    sheet.add_chart(pie, "E1")

    row = _gap(sheet, row)
    sites = restricted_by_site(result)
    top = row
    row = _table(sheet, row, ("site", *RESTRICTED), sites)
    bars = BarChart()
    bars.type, bars.grouping, bars.overlap = "col", "stacked", 100
    bars.title, bars.y_axis.title = "Restricted devices by site", "devices"
    bars.add_data(
        Reference(sheet, min_col=2, max_col=3, min_row=top, max_row=row - 1), titles_from_data=True
    )
    bars.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=row - 1))
    sheet.add_chart(bars, "E18")

    if plan is None or not plan.by_year:
        return
    row = _gap(sheet, row)
    years = cost_by_year(plan)
    top = row
    row = _table(sheet, row, ("target year", f"cost ({plan.currency})"), years)
    cost = BarChart()
    cost.title, cost.y_axis.title = "Remove-and-replace cost by target year", plan.currency
    cost.add_data(Reference(sheet, min_col=2, min_row=top, max_row=row - 1), titles_from_data=True)
    cost.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=row - 1))
    sheet.add_chart(cost, "E35")


def _gap(sheet: Any, row: int) -> int:
    """One blank row between tables (a write-only sheet must be given it explicitly)."""
    sheet.append([])
    return row + 1


def _table(sheet: Any, row: int, header: tuple[str, ...], data: list[Any]) -> int:
    """Write a header and rows starting at ``row``; return the row after the last one written.

    Write-only sheets take whole rows in order, so tables are stacked vertically in column A onwards."""
    sheet.append(list(header))
    for values in data:
        sheet.append(list(values))
    return row + 1 + len(data)


__all__ = ["add_charts_sheet", "cost_by_year", "fleet_by_maker", "restricted_by_site"]
