"""The XLSX report's charts: each drawn from the table beside it, with the audit's own figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from aktsam.devices.audit import audit, write_report
from aktsam.devices.charts import cost_by_year, fleet_by_maker, restricted_by_site
from aktsam.devices.importers import import_file
from aktsam.devices.plan import load_prices, plan
from aktsam.devices.regimes import bundled_regimes, select
from aktsam.devices.sites import read_sites

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "devices"


def _refs(chart: Any) -> list[str]:
    series = chart.series
    return [s.val.numRef.f for s in series] + [s.cat.numRef.f if s.cat.numRef else s.cat.strRef.f
                                                for s in series]  # fmt: skip


def test_charts_sheet_matches_the_audit(tmp_path: Path) -> None:
    imported = import_file(EXAMPLES / "inventory.csv")
    sites = read_sites(EXAMPLES / "sites.csv")
    regimes = select(bundled_regimes(), ["uk-sensitive-sites-2022", "example-org-policy"])
    result = audit(imported.records, sites, regimes, today=dt.date(2026, 11, 25))
    the_plan = plan(result, load_prices(), today=dt.date(2026, 11, 25))
    out = tmp_path / "audit.xlsx"
    write_report(result, out, the_plan)

    makers = fleet_by_maker(result)
    assert sum(n for _, n in makers) == len(result.devices) == 46
    restricted = restricted_by_site(result)
    assert sum(a + b for _, a, b in restricted) == sum(
        1 for d in result.devices if d.finding.startswith("restricted")
    )
    assert sum(c for _, c in cost_by_year(the_plan)) == float(the_plan.total.cost)

    sheet = load_workbook(out)["charts"]
    rows = list(sheet.iter_rows(values_only=True))
    charts = sheet._charts
    assert [type(c).__name__ for c in charts] == ["PieChart", "BarChart", "BarChart"]
    # every series reads the data rows of its own table (the header row gives the series title)
    first, second, third = 1, 1 + len(makers) + 2, 1 + len(makers) + 2 + len(restricted) + 2
    assert rows[first - 1][0] == "maker" and rows[second - 1][0] == "site"
    assert rows[third - 1][0] == "target year"
    assert _refs(charts[0]) == [
        f"'charts'!$B${first + 1}:$B${first + len(makers)}",
        f"'charts'!$A${first + 1}:$A${first + len(makers)}",
    ]
    last = second + len(restricted)
    assert _refs(charts[1]) == [
        f"'charts'!$B${second + 1}:$B${last}",
        f"'charts'!$C${second + 1}:$C${last}",
        f"'charts'!$A${second + 1}:$A${last}",
        f"'charts'!$A${second + 1}:$A${last}",
    ]
    years = len(cost_by_year(the_plan))
    assert _refs(charts[2]) == [
        f"'charts'!$B${third + 1}:$B${third + years}",
        f"'charts'!$A${third + 1}:$A${third + years}",
    ]
