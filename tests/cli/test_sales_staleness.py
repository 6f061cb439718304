"""``aktsam sales check`` warns when a list it screened against is past its staleness limit."""

from __future__ import annotations

import json

from aktsam.settings import Settings
from tests.cli.conftest import Invoke
from tests.cli.test_decide import _seed


def test_sales_check_warns_about_stale_lists(cli: Invoke, bundled_settings: Settings) -> None:
    ids = _seed(bundled_settings)
    args = ("sales", "check", "--reference", "PO-STALE", "--customer", ids["nordic"],
            "--destination", "NO", "--end-use", "office", "--product", "Cam:video-recording")  # fmt: skip
    table = cli(*args)
    assert table.exit_code == 0, table.output  # clear, but not silently: the lists are old
    assert "WARNING: list un-sc (published 2026-02-27) is" in table.stderr
    assert "past its limit of 7 days" in table.stderr
    as_json = cli(*args, "--json")
    check = json.loads(as_json.stdout)
    assert check["outcome"] == "clear"
    warnings = {w["source"]: w for w in check["warnings"]}
    assert warnings["un-sc"]["limit_days"] == 7 and warnings["un-sc"]["age_days"] > 7
    assert "aktsam lists update" in warnings["un-sc"]["message"]
