"""Take the README's screenshots of the web application: ``docs/screenshots/*.png`` at 1280×800.

Starts the live server of the browser tests (``tests/browser/live.py``) on a fresh SQLite home with the
demo register and the bundled lists, logs in as the analyst (the approver for the approvals page) and
photographs the main pages in Chromium (``/usr/bin/chromium``, as the browser tests use it;
``scripts/install --dev`` installs it). Chinese names need a CJK font (Debian: ``fonts-wqy-microhei``
or ``fonts-noto-cjk``), else they show as boxes::

    .venv/bin/python scripts/screenshots.py [--output docs/screenshots] [--full-page]

Needs the dev extra (Playwright). Takes about half a minute, most of it building the matching index.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402
from tests.browser.live import (  # noqa: E402
    launch_chromium,
    log_in,
    log_out,
    new_context,
    prepare_home,
    start_server,
    stop_server,
)

from aktsam.settings import Settings  # noqa: E402

EXAMPLES = ROOT / "examples" / "devices"


def dashboard(page: Page) -> None:
    page.goto("/")


def screening(page: Page) -> None:
    page.goto("/screening")
    page.get_by_label("Name", exact=True).fill("Hangzhou Hikvision Digital Technology Co., Ltd.")
    page.get_by_label("Party id").fill("C-1001")
    page.get_by_role("button", name="Screen", exact=True).click()
    first = page.get_by_role("row").filter(has=page.get_by_text("Explain", exact=True)).first
    first.get_by_text("Explain", exact=True).click()
    results = page.get_by_role("heading", level=2, name=re.compile("^Results"))
    results.evaluate("heading => heading.scrollIntoView({block: 'start'})")


def devices(page: Page) -> None:
    page.goto("/devices")
    page.get_by_label("Inventory files").set_input_files([EXAMPLES / "inventory.csv"])
    page.get_by_label("Sites file").set_input_files(EXAMPLES / "sites.csv")
    page.get_by_label("uk-sensitive-sites-2022").check()
    page.get_by_role("button", name="Run audit").click()
    expect(page.get_by_role("link", name="Download XLSX report")).to_be_visible()


def party(page: Page) -> None:
    page.goto("/parties/hikvision")
    page.get_by_role("button", name="Assess now").click()
    page.wait_for_load_state("networkidle")


def party_assessment(page: Page) -> None:
    heading = page.get_by_role("heading", level=2, name="Assessment", exact=True)
    heading.evaluate("heading => heading.scrollIntoView({block: 'start'})")


def approvals(page: Page) -> None:
    # Something to approve: a confirmed match the analyst then asks to clear (four eyes).
    page.goto("/screening")
    page.get_by_label("Name", exact=True).fill("Zhejiang Dahua Technology")
    page.get_by_label("Party id").fill("C-1002")
    page.get_by_role("button", name="Screen", exact=True).click()
    row = page.get_by_role("row").filter(
        has=page.get_by_role("button", name="Clear as false positive")
    )
    row.first.get_by_label("Reason").fill("Same registration number in the customer file")
    row.first.get_by_role("button", name="Confirm match").click()
    expect(row.first).to_contain_text("confirmed")
    row.first.get_by_label("Reason").fill(
        "The customer is Dahua's Norwegian namesake, org. no. checked"
    )
    row.first.get_by_role("button", name="Clear as false positive").click()
    expect(row.first).to_contain_text("pending approval")
    # The approver's view: the request with its Approve button.
    log_out(page)
    log_in(page, "april")
    page.goto("/approvals")


def audit(page: Page) -> None:
    page.goto("/audit")


def lists(page: Page) -> None:
    page.goto("/lists")


SHOTS: tuple[tuple[str, Callable[[Page], None]], ...] = (
    # In this order: each builds on what the ones before did (the dashboard as on a fresh start).
    ("dashboard", dashboard),
    ("screening", screening),
    ("devices", devices),
    ("party", party),
    ("party-assessment", party_assessment),
    ("approvals", approvals),
    ("audit", audit),
    ("lists", lists),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not 1280×800")
    parser.add_argument("--only", action="append", default=[], help="only this shot (repeatable)")
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aktsam-screenshots-") as folder:
        settings = Settings.for_home(Path(folder) / "home")
        print("preparing a home with the demo register and the bundled lists…", flush=True)
        prepare_home(settings)
        url, running = start_server(settings)
        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                context = new_context(browser, url)
                page = context.new_page()
                log_in(page, "ana")
                for name, take in SHOTS:
                    if args.only and name not in args.only:
                        continue
                    take(page)
                    target = args.output / f"{name}.png"
                    page.screenshot(path=str(target), full_page=args.full_page)
                    print(
                        f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
                    )
                context.close()
                browser.close()
        finally:
            stop_server(running)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
