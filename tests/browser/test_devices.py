"""The equipment audit in a browser: upload the sample inventory and sites, run the audit against a
regime, read the result and download the reports."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.live import ROOT, log_in, nav_link

EXAMPLES = ROOT / "examples" / "devices"

REPORTS = {
    # link name → what the downloaded file must start with
    "Download XLSX report": (b"PK\x03\x04",),
    "Download PDF report": (b"%PDF-",),
    "Download HTML report": (b"<!doctype html", b"<html"),
    "Download CSV": (b"device_id", b"\xef\xbb\xbfdevice_id"),
}


def test_an_analyst_audits_the_sample_inventory_and_downloads_the_reports(
    page: Page, tmp_path: Path
) -> None:
    log_in(page, "ana")
    nav_link(page, "Devices").click()
    page.get_by_label("Inventory files").set_input_files([EXAMPLES / "inventory.csv"])
    page.get_by_label("Sites file").set_input_files(EXAMPLES / "sites.csv")
    page.get_by_label("uk-sensitive-sites-2022").check()
    page.get_by_role("button", name="Run audit").click()

    # 46 rows in the example inventory, 5 of them with problems on purpose (see its README).
    expect(page.get_by_text(re.compile(r"\b46 device records in, 46 audited"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"regimes uk-sensitive-sites-2022"))).to_be_visible()
    expect(page.get_by_role("link", name="Download XLSX report")).to_be_visible()

    for name, magic in REPORTS.items():
        with page.expect_download() as info:
            page.get_by_role("link", name=name).click()
        download = info.value
        assert download.failure() is None, (name, download.failure())
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        head = target.read_bytes()[:64]
        assert any(head.lstrip()[: len(m)].lower() == m.lower() for m in magic), (
            name,
            download.suggested_filename,
            head,
        )
        assert target.stat().st_size > 200, (name, target.stat().st_size)
