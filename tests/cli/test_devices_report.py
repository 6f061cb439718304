"""``aktsam devices audit --output`` as HTML and PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html

from tests.cli.conftest import Invoke

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "devices"
UK_AND_POLICY = ("--regimes", "uk-sensitive-sites-2022,example-org-policy", "--today", "2026-11-25")


def _audit(fresh_cli: Invoke, out: Path, *extra: str) -> None:
    inventory, sites = str(EXAMPLES / "inventory.csv"), str(EXAMPLES / "sites.csv")
    result = fresh_cli("devices", "audit", inventory, "--sites", sites, *UK_AND_POLICY, *extra,
                       "--output", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "46 of 46 devices audited" in result.output
    assert f"report written to {out}" in " ".join(result.output.split())


def test_audit_html_report(fresh_cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    _audit(fresh_cli, out)
    page: Any = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    assert page.get_element_by_id("devices-out").text_content().strip() == "46"
    assert len(page.xpath('//table[@id="plan-lines"]/tbody/tr')) == 26
    # whom each regime binds, printed beside the findings
    terms = {row.xpath("td")[0].text_content().strip(): row for row in
             page.xpath('//table[@id="regimes"]/tbody/tr')}  # fmt: skip
    uk = terms["uk-sensitive-sites-2022"]
    assert "UK central government department" in uk.xpath('td[@class="binds"]')[0].text_content()
    assert "may be applied by choice" in uk.xpath('td[@class="binds"]')[0].text_content()
    assert "Hong Kong or Macau" in uk.xpath('td[@class="limits"]')[0].text_content()
    assert "binds" in page.xpath('//table[@id="devices-table"]/thead//th/text()')
    assert len(page.xpath('//*[local-name()="svg"][@role="img"]')) == 3
    assert "not a quote" in page.get_element_by_id("prices-note").text_content()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.html"]

    bare = tmp_path / "bare.html"
    _audit(fresh_cli, bare, "--no-plan")
    page = lxml.html.fromstring(bare.read_text(encoding="utf-8"))
    assert page.xpath('//*[@id="plan"]') == []
    assert len(page.xpath('//*[local-name()="svg"][@role="img"]')) == 2


def test_audit_pdf_report(fresh_cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "audit.pdf"
    _audit(fresh_cli, out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.pdf"]


def test_audit_unsupported_output_lists_html_and_pdf(fresh_cli: Invoke, tmp_path: Path) -> None:
    result = fresh_cli("devices", "audit", str(EXAMPLES / "inventory.csv"), *UK_AND_POLICY,
                       "--output", str(tmp_path / "audit.docx"))  # fmt: skip
    assert result.exit_code == 2
    assert ".html or .pdf" in " ".join(result.output.split())
