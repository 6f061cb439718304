"""The HTML and PDF audit reports: the audit's own figures, its charts, escaped text, a printable PDF."""

from __future__ import annotations

import builtins
import datetime as dt
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest

from aktsam.devices.audit import FINDINGS, AuditResult, audit, write_report
from aktsam.devices.chartdata import cost_by_year, fleet_by_maker, restricted_by_site
from aktsam.devices.importers import import_file
from aktsam.devices.plan import Plan, load_prices, plan
from aktsam.devices.regimes import bundled_regimes, select
from aktsam.devices.report import ReportError, money, render_html, render_pdf
from aktsam.devices.sites import read_sites
from aktsam.devices.svg import bar_chart, column_chart, stacked_bar_chart

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "devices"
TODAY = dt.date(2026, 11, 25)
HtmlElement = Any  # lxml-stubs types xpath() results too loosely for these checks


def _page(text: str) -> HtmlElement:
    return lxml.html.fromstring(text)


@pytest.fixture(scope="module")
def example() -> tuple[AuditResult, Plan]:
    imported = import_file(EXAMPLES / "inventory.csv")
    sites = read_sites(EXAMPLES / "sites.csv")
    regimes = select(bundled_regimes(), ["uk-sensitive-sites-2022", "example-org-policy"])
    result = audit(imported.records, sites, regimes, today=TODAY, issues=imported.issues)
    return result, plan(result, load_prices(), today=TODAY)


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _body_rows(page: HtmlElement, table_id: str) -> list[list[str]]:
    rows = page.xpath(f'//table[@id="{table_id}"]/tbody/tr')
    return [[_text(cell) for cell in row.xpath("./th|./td")] for row in rows]


def _values(page: HtmlElement, chart_id: str, series: str = "") -> list[tuple[str, float]]:
    rects = page.xpath(f'//*[local-name()="svg"][@id="{chart_id}"]//*[local-name()="rect"]'
                       f'[@data-category][@data-series="{series}"]')  # fmt: skip
    return [(r.get("data-category"), float(r.get("data-value"))) for r in rects]


def test_html_figures_are_the_audits(example: tuple[AuditResult, Plan]) -> None:
    result, the_plan = example
    page = _page(render_html(result, the_plan))
    assert page.xpath("//script") == [] and page.xpath("//link|//img|//*[@src]") == []
    assert _text(page.get_element_by_id("audit-date")) == "2026-11-25"
    assert _text(page.get_element_by_id("devices-in")) == "46"
    assert _text(page.get_element_by_id("devices-out")) == "46"
    assert _text(page.get_element_by_id("issues-count")).startswith(str(len(result.issues)))
    regimes = [row[0].split()[0] for row in _body_rows(page, "regimes")]
    assert regimes == ["uk-sensitive-sites-2022", "example-org-policy"]
    assert page.xpath('//table[@id="regimes"]//a/@href')[0] == result.regimes[0].source

    by_finding = {row[0]: int(row[1]) for row in _body_rows(page, "by-finding")}
    assert by_finding == {f: result.by_finding()[f] for f in FINDINGS}
    assert by_finding == {"restricted everywhere": 27, "restricted here": 0, "to confirm": 1,
                          "compliant": 16, "unknown maker": 2}  # fmt: skip
    by_site = {row[0]: [int(n) for n in row[1:]] for row in _body_rows(page, "by-site")}
    assert by_site == {
        site: [counts[f] for f in FINDINGS] + [sum(counts.values())]
        for site, counts in result.by_site().items()
    }

    plan_rows = _body_rows(page, "plan-lines")
    assert len(plan_rows) == len(the_plan.lines) == 26
    assert [row[1] for row in plan_rows] == [
        line.device.record.device_id for line in the_plan.lines
    ]
    assert _text(page.get_element_by_id("plan-total-cost")) == money(the_plan.total.cost)
    years = {row[0]: row[1:] for row in _body_rows(page, "plan-totals-year")}
    assert years == {
        year: [str(t.devices), str(t.priced), str(t.unpriced), money(t.cost)]
        for year, t in the_plan.by_year.items()
    }
    assert len(_body_rows(page, "plan-totals-site")) == len(the_plan.by_site)
    assert "not a quote" in _text(page.get_element_by_id("prices-note"))

    devices = _body_rows(page, "devices-table")
    assert len(devices) == 46
    header = [_text(th) for th in page.xpath('//table[@id="devices-table"]/thead//th')]
    assert header[0] == "device_id" and "evidence" in header and "notes" in header
    assert len(_body_rows(page, "errors-table")) == len(result.issues) == 5


def test_html_charts_draw_the_chart_data(example: tuple[AuditResult, Plan]) -> None:
    result, the_plan = example
    page = _page(render_html(result, the_plan))
    titles = page.xpath('//*[local-name()="svg"][@role="img"]/*[local-name()="title"]/text()')
    assert titles == [
        "Fleet share by maker",
        "Restricted devices by site",
        "Remove-and-replace cost by target year",
    ]
    makers = fleet_by_maker(result)
    assert _values(page, "chart-fleet-by-maker") == [(m, float(n)) for m, n in makers]
    sites = restricted_by_site(result)
    assert _values(page, "chart-restricted-by-site", "restricted everywhere") == [
        (s, float(a)) for s, a, _ in sites
    ]
    assert _values(page, "chart-restricted-by-site", "restricted here") == [
        (s, float(b)) for s, _, b in sites
    ]
    assert _values(page, "chart-cost-by-year") == cost_by_year(the_plan)
    # the figures are written out, not only drawn: the maker share and every year's cost
    fleet = _text(page.xpath('//*[@id="chart-fleet-by-maker"]')[0])
    assert f"{makers[0][1]} ({100 * makers[0][1] / 46:.1f}%)" in fleet
    costs = _text(page.xpath('//*[@id="chart-cost-by-year"]')[0])
    assert all(f"{c:,.0f} GBP" in costs for _, c in cost_by_year(the_plan))


def test_html_without_plan_and_markup_in_data_is_escaped(
    example: tuple[AuditResult, Plan],
) -> None:
    result, _ = example
    evil = "<script>alert('x')</script>&"
    first = result.devices[0]
    devices = [replace(first, record=replace(first.record, device_id=evil)), *result.devices[1:]]
    tampered = replace(result, devices=devices)
    text = render_html(tampered, None)
    assert "<script>" not in text and "&lt;script&gt;" in text
    page = _page(text)
    assert page.xpath("//script") == []
    assert _body_rows(page, "devices-table")[0][0] == evil
    assert page.xpath('//*[@id="plan"]') == [] and page.xpath('//*[@id="chart-cost-by-year"]') == []


def test_svg_charts_escape_and_label() -> None:
    svg = bar_chart("A & <b>", [("<script>", 3), ("x\x00y", 1.5)], unit="GBP")
    root: Any = lxml.etree.fromstring(svg.encode())  # well-formed XML
    assert root.get("role") == "img" and "<script>" not in svg and "&lt;script&gt;" in svg
    assert root.findtext("{http://www.w3.org/2000/svg}title") == "A & <b>"
    assert "3 GBP" in svg and "1.50 GBP" in svg
    stacked = stacked_bar_chart("s", ["a", "b"], [("one", [1, 0]), ("two", [2, 3])])
    lxml.etree.fromstring(stacked.encode())
    assert 'data-series="two"' in stacked and ">one</text>" in stacked
    columns = column_chart("c", [("2026", 0.0), ("2027", 1200.0)])
    lxml.etree.fromstring(columns.encode())
    assert "1,200" in columns
    assert "no data" in bar_chart("empty", [])
    with pytest.raises(ValueError):
        bar_chart("bad", [("a", -1)])
    with pytest.raises(ValueError):
        stacked_bar_chart("bad", ["a"], [("one", [1, 2])])


def _pdf_text(data: bytes) -> str:
    """The text of an uncompressed WeasyPrint PDF: glyph ids in TJ arrays, mapped through each font's
    ToUnicode CMap (enough for a test; not a general PDF parser)."""
    objects = {m[1]: m[2] for m in re.finditer(rb"(?s)(\d+) 0 obj\n(.*?)\nendobj", data)}
    names = dict(re.findall(rb"/(\w+) (\d+) 0 R", data))
    cmaps: dict[bytes, dict[str, str]] = {}
    for name, number in names.items():
        font = objects.get(number, b"")
        target = re.search(rb"/ToUnicode (\d+) 0 R", font)
        if target is None:
            continue
        pairs = re.findall(rb"<([0-9a-f]+)> <([0-9a-f]+)>", objects[target[1]])
        cmaps[name] = {
            code.decode(): bytes.fromhex(text.decode()).decode("utf-16-be") for code, text in pairs
        }
    out, font_map = [], {}
    for match in re.finditer(rb"/(\w+) [\d.]+ Tf|\[(.*?)\] TJ", data):
        if match[1] is not None:
            font_map = cmaps.get(match[1], {})
            continue
        glyphs = b"".join(re.findall(rb"<([0-9a-f]+)>", match[2])).decode()
        out.append("".join(font_map.get(glyphs[i : i + 4], "?") for i in range(0, len(glyphs), 4)))
    return "\n".join(out)


def test_pdf_is_written_with_pages_and_text(
    example: tuple[AuditResult, Plan], tmp_path: Path
) -> None:
    result, the_plan = example
    out = tmp_path / "audit.pdf"
    render_pdf(result, the_plan, out, uncompressed_pdf=True)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) > 1
    text = _pdf_text(data)
    first = the_plan.lines[0].device.record.device_id
    assert first is not None and first in text
    assert "Remove-and-replace plan" in text and "page 1 of " in text
    assert money(the_plan.total.cost) in text


def test_write_report_html_and_pdf(example: tuple[AuditResult, Plan], tmp_path: Path) -> None:
    result, the_plan = example
    write_report(result, tmp_path / "audit.html", the_plan)
    write_report(result, tmp_path / "audit.PDF", None)
    assert (tmp_path / "audit.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "audit.PDF").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.PDF", "audit.html"]


def test_pdf_without_system_libraries_says_run_scripts_install(
    example: tuple[AuditResult, Plan], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_pango)
    result, the_plan = example
    with pytest.raises(ReportError, match="scripts/install"):
        write_report(result, tmp_path / "audit.pdf", the_plan)
    assert list(tmp_path.iterdir()) == []


def test_long_tables_are_cut_with_a_note_and_restricted_devices_first(
    example: tuple[AuditResult, Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    from aktsam.devices import report

    result, the_plan = example
    monkeypatch.setattr(report, "MAX_TABLE_ROWS", 10)
    page = _page(render_html(result, the_plan))
    devices = _body_rows(page, "devices-table")
    assert len(devices) == 10
    assert "10 of 46 devices" in _text(page.get_element_by_id("devices-cut"))
    findings = [d.finding for d in result.devices]
    restricted = findings.count("restricted everywhere")
    assert restricted >= 10  # so every shown row must be one of them
    header = [_text(c) for c in page.xpath('//table[@id="devices-table"]/thead//th')]
    assert {row[header.index("finding")] for row in devices} == {"restricted everywhere"}
    assert len(_body_rows(page, "plan-lines")) == 10
    assert f"first 10 of {len(the_plan.lines)} plan lines" in _text(
        page.get_element_by_id("plan-cut")
    )
    # the figures still cover everything
    assert _text(page.get_element_by_id("devices-out")).startswith(str(len(result.devices)))


def test_short_tables_are_not_cut(example: tuple[AuditResult, Plan]) -> None:
    result, the_plan = example
    page = _page(render_html(result, the_plan))
    assert not page.xpath('//*[@id="devices-cut"]') and not page.xpath('//*[@id="plan-cut"]')
    assert len(_body_rows(page, "devices-table")) == len(result.devices)
