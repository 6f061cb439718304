"""The survey as a self-contained HTML page (or PDF): the headline shares, a chart per restricted maker of the
share of organisations running it in each sector, and every table behind the figures.

Same rendering as the audit report (``devices.report``): Jinja2 with autoescape, inline SVG charts from
``devices.svg`` (each with its figures in its description), no scripts or external assets.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from aktsam.devices import svg
from aktsam.devices.audit import issue_row
from aktsam.devices.makers import makers
from aktsam.devices.report import Chart, html_to_pdf
from aktsam.devices.survey import (
    ALL_SECTORS,
    BY_SECTOR_COLUMNS,
    COUNTED_LEVELS,
    FILE_COLUMNS,
    ORGANISATION_COLUMNS,
    POSSIBLE_LEVEL,
    SECTOR_COLUMNS,
    SurveyResult,
    by_sector_rows,
    organisation_rows,
)

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "survey_report.html.j2"
DEFAULT_TITLE = "Restricted surveillance equipment: survey of organisations"


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip


def charts(result: SurveyResult) -> list[Chart]:
    """One chart per restricted maker found: % of organisations in each sector running it; then the
    share of organisations per sector running any restricted maker, and any under another brand."""
    out: list[Chart] = []
    sectors = [s for s in result.sectors if s.sector != ALL_SECTORS]
    out.append(Chart(
        "chart-any-restricted",
        "Organisations running restricted equipment, by sector",
        Markup(svg.stacked_bar_chart(
            "Organisations running restricted equipment, by sector",
            [s.sector for s in sectors],
            [
                ("restricted, some under another brand",
                 [float(s.organisations_relabelled) for s in sectors]),
                ("restricted, own brand only",
                 [float(s.organisations_restricted - s.organisations_relabelled) for s in sectors]),
                ("to confirm (covered only if a fact is confirmed)",
                 [float(s.organisations_to_confirm) for s in sectors]),
                ("neither",
                 [float(s.organisations - s.organisations_restricted - s.organisations_to_confirm)
                  for s in sectors]),
            ],
            unit=" organisations",
            description="Organisations per sector, split by whether they run equipment the regimes "
            "restrict, equipment to confirm, or neither.",
            chart_id="svg-any-restricted",
        )),
    ))  # fmt: skip
    for maker in result.restricted_makers:
        lines = [
            line for line in result.by_sector
            if line.maker == maker and line.sector != ALL_SECTORS
        ]  # fmt: skip
        if not lines:
            continue
        name = lines[0].maker_name
        title = f"{name}: share of organisations running it, by sector"
        out.append(Chart(
            f"chart-{maker}",
            title,
            Markup(svg.bar_chart(
                title,
                [(line.sector, line.share) for line in lines],
                unit="%",
                description=f"Percent of the organisations in each sector with at least one {name} "
                "device identified with high or medium confidence.",
                chart_id=f"svg-{maker}",
            )),
            note="Low-confidence identifications are not counted; see 'possible' in the tables.",
        ))  # fmt: skip
    return out


def _maker_name(maker: str, result: SurveyResult) -> str:
    known = makers().makers.get(maker)
    return result.maker_names.get(maker) or (known.name if known else maker)


def context(result: SurveyResult, *, title: str = DEFAULT_TITLE) -> dict[str, Any]:
    return {
        "title": title,
        "regimes": result.regimes,
        "restricted_makers": [_maker_name(m, result) for m in result.restricted_makers],
        "totals": asdict(result.totals),
        "counted_levels": COUNTED_LEVELS,
        "possible_level": POSSIBLE_LEVEL,
        "charts": charts(result),
        "sector_columns": SECTOR_COLUMNS,
        "sectors": [asdict(s) for s in result.sectors],
        "by_sector_columns": BY_SECTOR_COLUMNS,
        "by_sector": by_sector_rows(result),
        "organisation_columns": (*ORGANISATION_COLUMNS, *result.maker_names.values()),
        "organisations": organisation_rows(result),
        "file_columns": FILE_COLUMNS,
        "files": [{**asdict(f), "balanced": "yes" if f.balanced else "no"} for f in result.files],
        "issues": [issue_row(i) for i in result.issues],
    }


def render_html(result: SurveyResult, *, title: str = DEFAULT_TITLE) -> str:
    return _environment().get_template(TEMPLATE).render(context(result, title=title))


def render_pdf(result: SurveyResult, path: Path, *, title: str = DEFAULT_TITLE) -> None:
    html_to_pdf(render_html(result, title=title), path)


__all__ = ["charts", "context", "render_html", "render_pdf"]
