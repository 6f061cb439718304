"""Questionnaires: the bundled OECD template, sending, answers from files, and how answers are judged."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from aktsam.diligence import questionnaires as qn
from aktsam.diligence.register import add_party
from aktsam.errors import InputError, NotFoundError
from aktsam.store import Store, trail

SENT, DUE = date(2026, 1, 5), date(2026, 2, 5)

GOOD = {
    "policy-commitment": "yes",
    "policy-document": "https://example.com/human-rights-policy.pdf",
    "risk-identification": (
        "We map every tier-one supplier yearly, score country and sector risk, visit the twenty "
        "highest-risk sites and report the results to the board's risk committee."
    ),
    "forced-labour-tracing": (
        "Components are traced to smelter and wafer level through supplier declarations checked "
        "against customs records; polysilicon is traced to the ingot maker, none in Xinjiang."
    ),
    "xinjiang-sourcing": "no",
    "forced-labour-evidence": "tracing-report-2025.pdf",
    "supplier-audits": (
        "Third-party social audits of every assembly site every two years; breaches get a "
        "corrective action plan with a ninety-day deadline."
    ),
    "audit-report": "EV-0042",
    "grievance-mechanism": True,
    "grievance-effectiveness": (
        "A hotline run by an independent provider in eight languages; 14 grievances last year, "
        "all answered within 30 days, two led to back pay."
    ),
    "remedy-cases": "In 2024 we repaid recruitment fees to 120 migrant workers at a supplier.",
    "end-use-controls": (
        "Sales to police and security authorities outside the EU need a human-rights review by "
        "the compliance officer; we refuse sales to Xinjiang authorities."
    ),
    "ethnic-recognition": "no",
    "reporting": "https://example.com/transparency-act-2025",
}


@pytest.fixture
def party(store: Store) -> str:
    add_party(store, "t-q-supplier", "Test Supplier AS", actor="tester", country="NO")
    return "t-q-supplier"


def test_bundled_template_covers_the_oecd_steps_and_cites_each_question() -> None:
    template = qn.get_template("oecd-supplier-v1")
    assert template.id == "oecd-supplier-v1" and len(template.questions) >= 12
    for question in template.questions:
        assert question.type in qn.ANSWER_TYPES and question.reference and question.text
    references = " ".join(q.reference for q in template.questions)
    for needle in ("step 1", "step 2", "step 4", "step 6", "UNGP 29, 31", "UFLPA"):
        assert needle in references, needle
    ids = set(template.question_ids)
    assert {"xinjiang-sourcing", "grievance-mechanism", "end-use-controls"} <= ids
    assert {"confidential", "see website", "n/a"} <= template.evasive_phrases


def test_send_records_a_trail_entry_and_refuses_unknown_parties(store: Store, party: str) -> None:
    made = qn.send_questionnaire(
        store, party, template="oecd-supplier-v1", sent_on=SENT, due_on=DUE, actor="tester"
    )
    assert made.status == "sent" and made.answers == {}
    with store.session() as session:
        entries = trail.entries(session, object_type="questionnaire", object_id=str(made.id))
        assert [e.action for e in entries] == ["questionnaire.send"]
    with pytest.raises(NotFoundError, match="no party 'nobody'"):
        qn.send_questionnaire(
            store, "nobody", template="oecd-supplier-v1", sent_on=SENT, due_on=DUE, actor="t"
        )
    with pytest.raises(InputError, match="unknown questionnaire template"):
        qn.send_questionnaire(store, party, template="nope", sent_on=SENT, due_on=DUE, actor="t")
    with pytest.raises(InputError, match="before the date sent"):
        qn.send_questionnaire(
            store, party, template="oecd-supplier-v1", sent_on=DUE, due_on=SENT, actor="t"
        )


def test_unknown_question_ids_are_named_and_nothing_is_stored(store: Store, party: str) -> None:
    made = qn.send_questionnaire(
        store, party, template="oecd-supplier-v1", sent_on=SENT, due_on=DUE, actor="tester"
    )
    with pytest.raises(InputError, match="bogus-question, other-bogus"):
        qn.record_answers(
            store,
            made.id,
            {"policy-commitment": "yes", "bogus-question": "x", "other-bogus": "y"},
            answered_on=DUE,
            actor="tester",
        )
    assert qn.get_questionnaire(store, made.id).answers == {}


def test_complete_specific_answers_are_all_answered(store: Store, party: str) -> None:
    made = qn.send_questionnaire(
        store, party, template="oecd-supplier-v1", sent_on=SENT, due_on=DUE, actor="tester"
    )
    answered = qn.record_answers(store, made.id, GOOD, answered_on=date(2026, 2, 1), actor="t")
    finding = qn.evaluate(answered, date(2026, 3, 1))
    assert not finding.missing and not finding.evasive and not finding.adverse, finding.checks
    assert not finding.overdue and len(finding.answered) == len(finding.checks)
    with store.session() as session:
        actions = [e.action for e in trail.entries(session, object_type="questionnaire")]
        assert actions == ["questionnaire.send", "questionnaire.answer"]
        assert trail.verify(session).ok


def test_missing_evasive_and_adverse_answers_are_told_apart(store: Store, party: str) -> None:
    made = qn.send_questionnaire(
        store, party, template="oecd-supplier-v1", sent_on=SENT, due_on=DUE, actor="tester"
    )
    answers = dict(GOOD)
    del answers["remedy-cases"]  # missing
    answers["policy-document"] = "See website."  # evasive phrase
    answers["risk-identification"] = "We comply with all applicable laws"  # evasive phrase
    answers["supplier-audits"] = "We audit suppliers."  # generic: too short
    answers["forced-labour-evidence"] = "available on request"  # no document
    answers["grievance-mechanism"] = "partially"  # neither yes nor no
    answers["xinjiang-sourcing"] = "yes"  # adverse
    answers["reporting"] = ""  # empty = missing
    finding = qn.evaluate(
        qn.record_answers(store, made.id, answers, answered_on=DUE, actor="t"), DUE
    )
    assert set(finding.missing) == {"remedy-cases", "reporting"}
    assert set(finding.evasive) == {
        "policy-document",
        "risk-identification",
        "supplier-audits",
        "forced-labour-evidence",
        "grievance-mechanism",
    }
    assert finding.adverse == ("xinjiang-sourcing",)
    reasons = {c.question_id: c.reason for c in finding.checks}
    assert "fewer than the 12" in reasons["supplier-audits"]
    assert "names no document" in reasons["forced-labour-evidence"]


def test_overdue_until_answered_and_answers_after_as_of_are_not_seen(
    store: Store, party: str
) -> None:
    made = qn.send_questionnaire(
        store, party, template="oecd-supplier-v1", sent_on=SENT, due_on=DUE, actor="tester"
    )
    assert not qn.evaluate(made, DUE).overdue
    late = qn.evaluate(made, date(2026, 3, 7))
    assert late.overdue and late.days_overdue == 30 and "30 days overdue" in late.summary()
    answered = qn.record_answers(store, made.id, GOOD, answered_on=date(2026, 3, 10), actor="t")
    assert qn.evaluate(answered, date(2026, 3, 7)).overdue  # as it stood then
    after = qn.evaluate(answered, date(2026, 3, 11))
    assert not after.overdue and not after.outstanding and not after.missing


def test_answers_complete_earlier_ones_question_by_question(store: Store, party: str) -> None:
    made = qn.send_questionnaire(
        store, party, template="oecd-supplier-v1", sent_on=SENT, due_on=DUE, actor="tester"
    )
    qn.record_answers(store, made.id, {"policy-commitment": "yes"}, answered_on=DUE, actor="t")
    both = qn.record_answers(
        store, made.id, {"xinjiang-sourcing": {"answer": "no", "evidence": "EV-7"}},
        answered_on=DUE, actor="t",
    )  # fmt: skip
    assert both.answers["policy-commitment"]["answer"] == "yes"
    assert both.answers["xinjiang-sourcing"] == {"answer": "no", "evidence": "EV-7"}
    assert [q.id for q in qn.questionnaires_for(store, party)] == [made.id]


def test_answers_files_yaml_json_csv(tmp_path: Path) -> None:
    yml = tmp_path / "a.yml"
    yml.write_text("policy-commitment: yes\nreporting:\n  answer: report.pdf\n  evidence: EV-1\n")
    assert qn.read_answers_file(yml) == {
        "policy-commitment": True,
        "reporting": {"answer": "report.pdf", "evidence": "EV-1"},
    }
    js = tmp_path / "a.json"
    js.write_text(json.dumps({"answers": {"policy-commitment": "no"}}))
    assert qn.read_answers_file(js) == {"policy-commitment": "no"}
    csv_file = tmp_path / "a.csv"
    csv_file.write_text("question,answer,evidence\npolicy-commitment,yes,\nreporting,r.pdf,EV-2\n")
    assert qn.read_answers_file(csv_file)["reporting"] == {"answer": "r.pdf", "evidence": "EV-2"}
    bad = tmp_path / "b.csv"
    bad.write_text("q,a\nx,y\n")
    with pytest.raises(InputError, match="question,answer"):
        qn.read_answers_file(bad)


def test_a_broken_template_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "t.yml"
    path.write_text(
        "id: t\ntitle: T\nversion: 1\nquestions:\n  - {id: a, text: A, type: essay, reference: R}\n"
    )
    with pytest.raises(InputError, match=r"questions\[0\]\.type.*unknown answer type 'essay'"):
        qn.load_template(path)
