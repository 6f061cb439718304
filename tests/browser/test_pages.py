"""Every page of the main navigation opens for the least privileged user, says where it is, and shows
what it is for."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.live import log_in, nav_link

PAGES = {
    # nav link → (path, a level-1 heading on the page)
    "Dashboard": ("/", "Dashboard"),
    "Screening": ("/screening", "Screening"),
    "Alerts": ("/alerts", "Alerts"),
    "Devices": ("/devices", "Equipment audit"),
    "Parties": ("/parties", "Parties"),
    "Lists": ("/lists", "Sanctions lists"),
    "Approvals": ("/approvals", "Approvals"),
    "Audit trail": ("/audit", "Audit trail"),
}


def test_a_viewer_opens_every_page_of_the_navigation(page: Page) -> None:
    log_in(page, "viewer")
    for link, (path, heading) in PAGES.items():
        nav_link(page, link).click()
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(nav_link(page, link)).to_have_attribute("aria-current", "page")


def test_the_lists_page_says_how_old_each_list_is(page: Page) -> None:
    log_in(page, "viewer")
    nav_link(page, "Lists").click()
    for source in ("un-sc", "eu-fsf", "uk-hmt", "ofac-sdn", "ofac-cons", "us-csl"):
        header = page.get_by_role("rowheader", name=source, exact=True)
        row = page.get_by_role("row").filter(has=header)
        expect(row.first).to_contain_text(re.compile(r"\bstale\b|\bcurrent\b"))


def test_the_audit_trail_is_newest_first_and_intact(page: Page) -> None:
    log_in(page, "viewer")
    nav_link(page, "Audit trail").click()
    expect(page.get_by_role("status")).to_contain_text("Chain intact")
    first = page.get_by_role("row").nth(1)
    expect(first).to_contain_text("viewer")
    expect(first).to_contain_text("login")
    rows = page.get_by_role("row").all_inner_texts()[1:]
    numbers = [int(match.group(1)) for text in rows if (match := re.match(r"\s*(\d+)", text))]
    assert len(numbers) == len(rows) > 10, rows[:3]
    assert numbers == sorted(numbers, reverse=True), numbers[:10]
