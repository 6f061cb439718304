"""``aktsam assess`` and ``aktsam questionnaires …`` as a user runs them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from aktsam.diligence.register import add_evidence, add_party
from aktsam.settings import Settings
from aktsam.store import open_store
from tests.cli.conftest import Invoke


@pytest.fixture(scope="module")
def parties(bundled_settings: Settings) -> None:
    store = open_store(bundled_settings)
    try:
        add_party(store, "t-cli-hik", "Hangzhou Hikvision Digital Technology Co., Ltd.",
                  actor="tester", country="CN", sector="video-surveillance",
                  identifiers={"maker": "hikvision"})  # fmt: skip
        add_evidence(store, party="t-cli-hik", kind="public-body", actor="tester",
                     evidence_id="EV-CLI-1", title="Xinjiang surveillance findings",
                     published=date(2025, 1, 1))  # fmt: skip
        add_party(store, "t-cli-sup", "CLI Questionnaire Supplier AS", actor="tester", country="NO")
    finally:
        store.close()


@pytest.mark.usefixtures("parties")
def test_assess_prints_level_factors_evidence_and_how_to_rederive(cli: Invoke) -> None:
    result = cli("assess", "t-cli-hik", "--as-of", "2025-12-01", "--by", "analyst")
    assert result.exit_code == 0, result.output
    assert "t-cli-hik: HIGH" in result.output
    assert "lists.trade-restriction" in result.output and "EV-CLI-1" in result.output
    assert "re-derive: aktsam assess t-cli-hik --show" in result.output
    number = result.output.rsplit("--show", 1)[1].split()[0]
    shown = cli("assess", "t-cli-hik", "--show", number)
    assert shown.exit_code == 0, shown.output
    assert "matches the stored result" in shown.output
    payload = json.loads(cli("assess", "t-cli-hik", "--show", number, "--json").output)
    assert payload["rederived"] == {"score": payload["score"], "level": payload["level"]}
    history = cli("assess", "t-cli-hik", "--history")
    assert history.exit_code == 0 and number in history.output


@pytest.mark.usefixtures("parties")
def test_assess_json_and_errors(cli: Invoke) -> None:
    result = cli("assess", "t-cli-hik", "--as-of", "2025-12-01", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["level"] == "high" and payload["method"].startswith("aktsam-dd/")
    assert any(f["rule"] == "regimes.covered" for f in payload["factors"])
    bad = cli("assess", "t-cli-hik", "--as-of", "1/12/2025")
    assert bad.exit_code == 2 and "not a date" in bad.output
    missing = cli("assess", "nobody-here")
    assert missing.exit_code == 2 and "no party 'nobody-here'" in missing.output


@pytest.mark.usefixtures("parties")
def test_questionnaires_send_answer_show_list(cli: Invoke, tmp_path: Path) -> None:
    sent = cli("questionnaires", "send", "t-cli-sup", "--template", "oecd-supplier-v1",
               "--due", "2026-02-01", "--sent", "2026-01-02")  # fmt: skip
    assert sent.exit_code == 0, sent.output
    number = sent.output.split()[1]
    answers = tmp_path / "answers.yml"
    answers.write_text("policy-commitment: yes\npolicy-document: confidential\n", encoding="utf-8")
    answered = cli("questionnaires", "answer", number, "--file", str(answers),
                   "--answered-on", "2026-01-20")  # fmt: skip
    assert answered.exit_code == 0, answered.output
    assert "1 evasive" in answered.output
    shown = cli("questionnaires", "show", number, "--as-of", "2026-01-21")
    assert shown.exit_code == 0 and "evasive" in shown.output and "UNGP" in shown.output
    listed = cli("questionnaires", "list", "--party", "t-cli-sup", "--as-of", "2026-01-21")
    assert listed.exit_code == 0 and "1 evasive" in listed.output
    wrong = tmp_path / "wrong.yml"
    wrong.write_text("not-a-question: yes\n", encoding="utf-8")
    refused = cli("questionnaires", "answer", number, "--file", str(wrong))
    assert refused.exit_code == 2 and "not-a-question" in refused.output
