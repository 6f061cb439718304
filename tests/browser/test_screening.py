"""Screening in a browser: screen a name, read why it matched, clear or confirm a hit with a reason, see it
in the audit trail, and the four-eyes rule when an analyst clears a confirmed match."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from aktsam import accounts
from aktsam.store import open_store
from tests.browser.live import (
    PASSWORD,
    LiveServer,
    log_in,
    log_out,
    nav_link,
    new_context,
    unique_party,
)


def screen(page: Page, name: str, party_id: str) -> Locator:
    """Screen ``name`` for ``party_id`` on /screening; return the hits that can be decided on."""
    page.goto("/screening")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Party id").fill(party_id)
    page.get_by_role("button", name="Screen", exact=True).click()
    hits = hit_rows(page)
    expect(hits.first).to_be_visible()
    return hits


def hit_rows(page: Page) -> Locator:
    """One element per hit: the part of the results holding its explanation and its decision form."""
    return page.get_by_role("row").filter(
        has=page.get_by_role("button", name="Clear as false positive")
    )


def decide(hit: Locator, button: str, reason: str) -> None:
    hit.get_by_label("Reason").fill(reason)
    hit.get_by_role("button", name=button).click()


@pytest.fixture
def new_user(live_server: LiveServer) -> str:
    """An analyst created just now, who has never logged in."""
    username = f"new-{uuid.uuid4().hex[:8]}"
    store = open_store(live_server.settings)
    try:
        accounts.add_user(
            store,
            username,
            role="analyst",
            password=PASSWORD,
            display_name="New Analyst",
            actor="admin",
        )
    finally:
        store.close()
    return username


@pytest.fixture
def approver_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """The approver, logged in in a browser of their own."""
    context = new_context(browser, live_server.url)
    try:
        page = context.new_page()
        log_in(page, "april")
        yield page
    finally:
        context.close()


def test_a_new_user_screens_explains_clears_and_finds_it_in_the_audit_trail(
    page: Page, new_user: str
) -> None:
    party = unique_party("C-HIK")
    log_in(page, new_user)
    nav_link(page, "Screening").click()
    hits = screen(page, "Hikvision", party)
    hit = hits.first
    expect(hit).to_contain_text(re.compile("hikvision", re.I))

    # Why did it match? The explanation names the listed name (alias) that matched and the tokens.
    explain = hit.get_by_text("Explain", exact=True)
    explain.click()
    details = hit.locator("details")
    expect(details).to_have_attribute("open", "")
    for part in ("Matched alias", "Aligned tokens", "Qualifiers"):
        expect(details).to_contain_text(part)
    expect(details.get_by_text(re.compile("hikvision", re.I)).first).to_be_visible()

    reason = f"Different company: a namesake reseller in Oslo ({party})"
    decide(hit, "Clear as false positive", reason)
    cleared = page.get_by_role("row").filter(has_text=re.compile(r"\bcleared\b", re.I))
    expect(cleared.first).to_be_visible()

    nav_link(page, "Audit trail").click()
    expect(page).to_have_url(re.compile(r"/audit"))
    newest = page.get_by_role("row").filter(has_text=party).first
    expect(newest).to_contain_text(new_user)
    expect(newest).to_contain_text("hit.false_positive")
    newest.get_by_text("Details", exact=True).click()
    expect(newest.get_by_text(reason)).to_be_visible()
    # Newest first: the clearance comes before this user's login in the trail.
    rows = page.get_by_role("row").all_inner_texts()
    mine = [i for i, text in enumerate(rows) if new_user in text]
    clear_row = next(i for i, text in enumerate(rows) if party in text)
    assert clear_row == min(mine), rows[: max(mine) + 1]


def test_an_analysts_clearance_of_a_confirmed_match_waits_for_an_approver(
    page: Page, approver_page: Page
) -> None:
    party = unique_party("C-4EYES")
    log_in(page, "ana")
    hit = screen(page, "Hikvision", party).first
    decide(hit, "Confirm match", "Same registration number 91330000733796106P")
    expect(hit_rows(page).first).to_contain_text(re.compile(r"confirmed", re.I))

    hit = hit_rows(page).first
    decide(hit, "Clear as false positive", "The registration number was mistyped")
    expect(hit_rows(page).first).to_contain_text(re.compile(r"pending approval", re.I))

    # The analyst cannot approve their own request.
    nav_link(page, "Approvals").click()
    item = approval_item(page, party)
    expect(item).to_contain_text("ana")
    expect(item.get_by_role("button", name="Approve")).to_have_count(0)

    # The approver approves it; the hit is cleared.
    nav_link(approver_page, "Approvals").click()
    approval_item(approver_page, party).get_by_role("button", name="Approve").click()
    expect(approval_item(approver_page, party)).to_have_count(0)
    hits = screen(approver_page, "Hikvision", party)
    expect(hits.first).to_contain_text(re.compile(r"\bcleared\b", re.I))
    log_out(page)


def test_an_approver_cannot_approve_their_own_clearance(approver_page: Page) -> None:
    party = unique_party("C-SELF")
    page = approver_page
    hit = screen(page, "Hikvision", party).first
    decide(hit, "Confirm match", "Same address")
    expect(hit_rows(page).first).to_contain_text(re.compile(r"confirmed", re.I))
    decide(hit_rows(page).first, "Clear as false positive", "Wrong address after all")
    expect(hit_rows(page).first).to_contain_text(re.compile(r"pending approval", re.I))
    nav_link(page, "Approvals").click()
    approval_item(page, party).get_by_role("button", name="Approve").click()
    expect(page.get_by_text(re.compile("needs an approver other than")).first).to_be_visible()
    page.goto("/approvals")
    expect(approval_item(page, party)).to_be_visible()


def approval_item(page: Page, party: str) -> Locator:
    """The pending item of ``party`` on /approvals."""
    return page.get_by_role("row").filter(has_text=party)


def test_an_analyst_screens_a_file_of_parties(page: Page, tmp_path: Path) -> None:
    first, second = unique_party("F-HIK"), unique_party("F-DAHUA")
    parties = tmp_path / "customers.csv"
    parties.write_text(
        f"id,name,country\n{first},Hangzhou Hikvision Digital Technology Co Ltd,CN\n"
        f"{second},Zhejiang Dahua Technology,CN\n",
        encoding="utf-8",
    )
    log_in(page, "ana")
    nav_link(page, "Screening").click()
    page.get_by_label("Parties file").set_input_files(parties)
    page.get_by_role("button", name="Screen file").click()
    expect(page.get_by_text(re.compile(r"\b2 parties screened by ana"))).to_be_visible()
    for party, name in ((first, "Hikvision"), (second, "Dahua")):
        heading = page.get_by_role("heading", level=3).filter(has_text=party)
        expect(heading).to_contain_text(name)
    expect(hit_rows(page).first).to_be_visible()


def test_a_viewer_reads_results_but_cannot_screen_or_decide(page: Page) -> None:
    log_in(page, "viewer")
    nav_link(page, "Screening").click()
    expect(page.get_by_role("heading", name="Screening", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Screen", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Clear as false positive")).to_have_count(0)
