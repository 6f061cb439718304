"""Logging in and out, in a browser: with the mouse, with the keyboard alone, and what a visitor who has
not logged in can reach (nothing but the login page)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.live import PASSWORD, USERS, log_in, log_out

NAV_LINKS = (
    "Dashboard",
    "Screening",
    "Alerts",
    "Devices",
    "Parties",
    "Lists",
    "Approvals",
    "Audit trail",
)
PAGES = (
    "/",
    "/screening",
    "/devices",
    "/parties",
    "/parties/hikvision",
    "/lists",
    "/approvals",
    "/audit",
)


def _focus_is_visible(page: Page) -> bool:
    """Whether the focused element draws a focus indicator (an outline or a box shadow)."""
    return bool(
        page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return false;
                const style = getComputedStyle(el);
                const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
                return outline || style.boxShadow !== 'none';
            }"""
        )
    )


def _focused_label(page: Page) -> str:
    return str(
        page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el) return '';
                if (el.labels && el.labels.length) return el.labels[0].textContent.trim();
                return (el.textContent || '').trim();
            }"""
        )
    )


def test_a_user_logs_in_sees_the_navigation_and_logs_out(page: Page) -> None:
    log_in(page, "ana")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    for name in NAV_LINKS:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_text(USERS["ana"][1])).to_be_visible()
    log_out(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_a_wrong_password_is_refused(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill("viewer")
    page.get_by_label("Password").fill("not the right password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_keyboard_only_login_with_visible_focus(page: Page) -> None:
    page.goto("/login")
    # From the top of the page, Tab through to the username field, as a keyboard user would.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(10):
        page.keyboard.press("Tab")
        if _focused_label(page) == "Username":
            break
    assert _focused_label(page) == "Username", "Tab never reached the Username field"
    assert _focus_is_visible(page), "the focused Username field shows no focus indicator"
    page.keyboard.type("april")
    page.keyboard.press("Tab")
    assert _focused_label(page) == "Password"
    assert _focus_is_visible(page), "the focused Password field shows no focus indicator"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert _focused_label(page) == "Log in"
    assert _focus_is_visible(page), "the focused Log in button shows no focus indicator"
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    # The navigation is reachable by keyboard too, and shows where the focus is.
    page.keyboard.press("Tab")  # the skip link comes first
    assert _focus_is_visible(page)
    for _ in range(15):
        page.keyboard.press("Tab")
        if _focused_label(page) == "Screening":
            break
    assert _focused_label(page) == "Screening", "Tab never reached the Screening link"
    assert _focus_is_visible(page), "the focused Screening link shows no focus indicator"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/screening$"))


def test_nothing_but_login_is_reachable_without_logging_in(page: Page) -> None:
    for path in PAGES:
        page.goto(path)
        expect(page, f"{path} without a login").to_have_url(re.compile(r"/login(\?|$)"))
        expect(page.get_by_role("button", name="Log in")).to_be_visible()
        expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_after_login_the_user_lands_where_they_were_going(page: Page) -> None:
    page.goto("/screening")
    expect(page).to_have_url(re.compile(r"/login\?"))
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/screening$"))
