"""The register in a browser: a party's page, its risk assessment and recording a decision on it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.live import log_in, nav_link


def test_an_analyst_assesses_a_party_and_records_a_wind_down(page: Page) -> None:
    log_in(page, "ana")
    nav_link(page, "Parties").click()
    page.get_by_role("link", name=re.compile("Dahua", re.I)).first.click()
    expect(page).to_have_url(re.compile(r"/parties/dahua$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Dahua", re.I))

    page.get_by_role("button", name="Assess now").click()
    expect(page.get_by_text(re.compile(r"\b(high|critical)\b", re.I)).first).to_be_visible()

    page.get_by_label("Decision").select_option("wind-down")
    rationale = "Entity List and FCC Covered List: wind down by the end of the service contracts"
    page.get_by_label("Rationale").fill(rationale)
    page.get_by_label("Evidence ids").fill("EV-0002")
    page.get_by_label("Effective on").fill("2026-12-01")
    page.get_by_label("Service until").fill("2029-12-31")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text(rationale).first).to_be_visible()
    expect(page.get_by_text(re.compile("wind-down", re.I)).first).to_be_visible()


def test_a_decision_without_evidence_is_refused_with_the_reason(page: Page) -> None:
    log_in(page, "ana")
    page.goto("/parties/hikvision")
    page.get_by_label("Decision").select_option("exit")
    page.get_by_label("Rationale").fill("No evidence given on purpose")
    page.get_by_label("Effective on").fill("2026-12-01")
    page.get_by_role("button", name="Record decision").click()
    expect(
        page.get_by_text(re.compile(r"needs at least one evidence id", re.I)).first
    ).to_be_visible()


def test_a_viewer_reads_but_cannot_decide(page: Page) -> None:
    log_in(page, "viewer")
    page.goto("/parties/hikvision")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Hikvision", re.I))
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
