"""Monitoring alerts in a browser: a customer named as a UN designee is flagged by a monitoring run; an
analyst finds the alert, reads why it matched and clears it with the screening decision; the alert
leaves the open list and shows as reviewed."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from aktsam.diligence.register import add_party
from aktsam.lists.model import Schema
from aktsam.monitoring.service import run_monitoring
from aktsam.store import open_store
from tests.browser.live import LiveServer, log_in, nav_link, unique_party
from tests.monitoring.conftest import un_entities


def test_an_analyst_reviews_a_monitoring_alert(page: Page, live_server: LiveServer) -> None:
    party = unique_party("mon").lower()
    store = open_store(live_server.settings)
    try:
        entity = [e for e in un_entities(store) if e.schema is Schema.PERSON][12]
        add_party(store, party, entity.caption, actor="ana", kind="person", roles=["customer"])
        run_monitoring(store, live_server.settings, actor="ana", notify=False)
    finally:
        store.close()

    log_in(page, "ana")
    expect(page.get_by_role("heading", name="Monitoring alerts")).to_be_visible()
    nav_link(page, "Alerts").click()
    expect(page.get_by_role("heading", name="Alerts", level=1)).to_be_visible()
    page.get_by_label("Party id").fill(party)
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"party=" + re.escape(party)))
    row = page.get_by_role("row").filter(has_text=entity.id)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("new-hit")
    expect(row).to_contain_text("un-sc")
    row.get_by_text("Explain", exact=True).click()
    expect(row.locator("details")).to_contain_text("Aligned tokens")

    row.get_by_label("Reason").fill(f"Not the designee: other date of birth ({party})")
    row.get_by_role("button", name="Clear as false positive").click()
    expect(page.get_by_text(f"{entity.id}: cleared.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=entity.id)).to_have_count(0)

    page.get_by_label("Status").select_option("all")
    page.get_by_role("button", name="Filter").click()
    reviewed = page.get_by_role("row").filter(has_text=entity.id)
    expect(reviewed).to_contain_text("reviewed")
    expect(reviewed).to_contain_text("cleared as false positive")
