"""Due-diligence questionnaires as data: send one to a party, record its answers, judge them.

A *template* (``data/questionnaires/<id>.yml``, or any file of the same shape) lists the questions, each
with an id, its text, an answer type and the OECD / UNGP reference it rests on, plus what counts as an
evasive answer. A *questionnaire* is one template sent to one party on a date with a due date; its answers
are stored as data (``{question id: {"answer": …, "evidence": …}}``) so they can be re-judged later.

:func:`evaluate` says, for a date, which questions are answered, missing or evasive, which answers are
adverse (a "no" where the template expects "yes"), and whether the questionnaire is overdue (not answered
by its due date). The risk assessment (:mod:`aktsam.diligence.assessment`) turns that into points.

What counts as evasive, per answer type (the template's ``evasive`` block; a question may set its own
``min_words``):

* every type: an answer equal to one of the template's ``phrases`` ("n/a", "confidential",
  "see website", "we comply with all applicable laws" …), ignoring case, spaces and final punctuation;
* ``yes-no``: anything other than yes / no (true / false, y / n), e.g. "partially", "in most cases";
* ``text``: fewer words than ``min_words`` (one line cannot describe a process);
* ``document``: no link, file name or evidence id (``EV-…``) in the answer.

An empty answer, or a question id not in the answers, is *missing*, not evasive.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from aktsam.diligence.register import require_party
from aktsam.errors import InputError, NotFoundError
from aktsam.store import trail
from aktsam.store.db import Store
from aktsam.store.schema import QuestionnaireRow

TEMPLATES_DIR = Path(__file__).with_name("data") / "questionnaires"
ANSWER_TYPES = ("yes-no", "text", "document")
YES = frozenset({"yes", "y", "true", "ja"})
NO = frozenset({"no", "n", "false", "nei"})
DEFAULT_MIN_WORDS = 8
"""Used when a template states no ``min_words``: fewer words than this describe no process."""

_DOCUMENT = re.compile(
    r"(https?://\S+|\bEV-\d+\b|\b[\w.-]+\.(pdf|docx?|xlsx?|csv|html?|txt|zip|pptx?)\b)",
    re.IGNORECASE,
)
_STRIP = " \t\r\n.;:!"


# --- templates ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a template."""

    id: str
    section: str
    text: str
    type: str  # ANSWER_TYPES
    reference: str
    expected: str | None = None  # yes-no: the answer a responsible supplier gives
    min_words: int = DEFAULT_MIN_WORDS  # text


@dataclass(frozen=True, slots=True)
class Template:
    """A questionnaire template: questions and the template's evasive-answer rules."""

    id: str
    title: str
    version: str
    source: str
    questions: tuple[Question, ...]
    evasive_phrases: frozenset[str]
    file: str

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise NotFoundError(f"template {self.id} has no question {question_id!r}")

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)


def _fold(text: str) -> str:
    return " ".join(text.casefold().split()).strip(_STRIP)


def load_template(path: Path | str) -> Template:
    """A template file, validated; a fault names the file and the field."""
    path = Path(path)
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=where) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=where) from None
    if not isinstance(data, dict):
        raise InputError("a questionnaire template must be a YAML mapping", file=where)
    for key in ("id", "title", "version", "questions"):
        if not data.get(key):
            raise InputError(f"missing or empty {key!r}", file=where, field=key)
    evasive = data.get("evasive") or {}
    if not isinstance(evasive, dict):
        raise InputError("evasive must be a mapping", file=where, field="evasive")
    default_words = int(evasive.get("min_words", DEFAULT_MIN_WORDS))
    raw_questions = data["questions"]
    if not isinstance(raw_questions, list):
        raise InputError("questions must be a list", file=where, field="questions")
    questions: list[Question] = []
    for number, raw in enumerate(raw_questions):
        field = f"questions[{number}]"
        if not isinstance(raw, dict):
            raise InputError("a question must be a mapping", file=where, field=field)
        for key in ("id", "text", "type", "reference"):
            if not str(raw.get(key) or "").strip():
                raise InputError(f"missing or empty {key!r}", file=where, field=f"{field}.{key}")
        kind = str(raw["type"])
        if kind not in ANSWER_TYPES:
            raise InputError(
                f"unknown answer type {kind!r}; use one of {', '.join(ANSWER_TYPES)}",
                file=where,
                field=f"{field}.type",
            )
        expected = raw.get("expected")
        if expected is not None:
            expected = _fold(str(expected))
            if kind != "yes-no" or expected not in ("yes", "no"):
                raise InputError(
                    "expected is for yes-no questions and must be yes or no",
                    file=where,
                    field=f"{field}.expected",
                )
        questions.append(
            Question(
                id=str(raw["id"]),
                section=str(raw.get("section") or ""),
                text=" ".join(str(raw["text"]).split()),
                type=kind,
                reference=str(raw["reference"]),
                expected=expected,
                min_words=int(raw.get("min_words", default_words)),
            )
        )
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InputError(
            f"duplicate question ids: {', '.join(duplicates)}", file=where, field="questions"
        )
    return Template(
        id=str(data["id"]),
        title=str(data["title"]),
        version=str(data["version"]),
        source=" ".join(str(data.get("source") or "").split()),
        questions=tuple(questions),
        evasive_phrases=frozenset(_fold(str(p)) for p in evasive.get("phrases") or ()),
        file=where,
    )


def bundled_templates() -> dict[str, Template]:
    """The templates shipped in ``data/questionnaires/``, by id."""
    return dict(_bundled())


@cache
def _bundled() -> dict[str, Template]:
    out: dict[str, Template] = {}
    for path in sorted(TEMPLATES_DIR.glob("*.yml")):
        template = load_template(path)
        out[template.id] = template
    return out


def get_template(name: str) -> Template:
    """A bundled template by id, or a template file by path."""
    bundled = _bundled()
    if name in bundled:
        return bundled[name]
    path = Path(name)
    if path.suffix in (".yml", ".yaml") and path.exists():
        return load_template(path)
    raise InputError(
        f"unknown questionnaire template {name!r}; bundled: {', '.join(sorted(bundled))} "
        "(or give a template file path)",
        field="template",
    )


# --- questionnaires ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """A template sent to a party, with the answers received (``answers[question id]["answer"]``)."""

    id: int
    party_id: str
    template: str
    sent_on: date
    due_on: date
    answered_on: date | None
    answers: dict[str, Any]
    status: str  # sent, answered

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "party_id": self.party_id,
            "template": self.template,
            "sent_on": self.sent_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "answered_on": self.answered_on.isoformat() if self.answered_on else None,
            "answers": self.answers,
            "status": self.status,
        }


def _from_row(row: QuestionnaireRow) -> Questionnaire:
    return Questionnaire(
        id=row.id,
        party_id=row.party_id,
        template=row.template,
        sent_on=row.sent_on,
        due_on=row.due_on,
        answered_on=row.answered_on,
        answers=dict(row.answers or {}),
        status=row.status,
    )


def send_questionnaire(
    store: Store, party_id: str, *, template: str, sent_on: date, due_on: date, actor: str
) -> Questionnaire:
    """Record that ``template`` was sent to a party on ``sent_on``, to be answered by ``due_on``."""
    chosen = get_template(template)
    if due_on < sent_on:
        raise InputError(f"due date {due_on} is before the date sent {sent_on}", field="due_on")
    with store.session() as session:
        require_party(session, party_id)
        row = QuestionnaireRow(
            party_id=party_id,
            template=chosen.id,
            sent_on=sent_on,
            due_on=due_on,
            answered_on=None,
            answers={},
            status="sent",
        )
        session.add(row)
        session.flush()
        made = _from_row(row)
        trail.record(
            session,
            actor=actor,
            action="questionnaire.send",
            object_type="questionnaire",
            object_id=str(made.id),
            after=made.to_dict(),
        )
    return made


def _normalise_answers(answers: Mapping[str, Any], template: Template) -> dict[str, Any]:
    unknown = sorted(str(k) for k in answers if str(k) not in template.question_ids)
    if unknown:
        raise InputError(
            f"unknown question id(s) for template {template.id}: {', '.join(unknown)}; "
            f"known: {', '.join(template.question_ids)}",
            field="answers",
        )
    out: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, Mapping):
            if set(value) - {"answer", "evidence"}:
                extra = ", ".join(sorted(str(k) for k in set(value) - {"answer", "evidence"}))
                raise InputError(
                    f"answer to {key!r} has unknown keys {extra}; use answer and evidence",
                    field=str(key),
                )
            answer, evidence = value.get("answer"), value.get("evidence")
        else:
            answer, evidence = value, None
        if isinstance(answer, bool):  # YAML reads yes / no as booleans
            answer = "yes" if answer else "no"
        out[str(key)] = {
            "answer": None if answer is None else str(answer).strip(),
            "evidence": None if evidence in (None, "") else str(evidence).strip(),
        }
    return out


def record_answers(
    store: Store,
    questionnaire_id: int,
    answers: Mapping[str, Any],
    *,
    answered_on: date,
    actor: str,
) -> Questionnaire:
    """Store a party's answers (``{question id: answer}`` or ``{question id: {"answer", "evidence"}}``).

    Answers given again replace earlier ones question by question (a supplier may complete its answer
    later); ``answered_on`` becomes the date of the latest answers. A question id the template does not
    have is an :class:`InputError` naming it, and nothing is stored.
    """
    with store.session() as session:
        row = _row(session, questionnaire_id)
        template = get_template(row.template)
        normalised = _normalise_answers(answers, template)
        if answered_on < row.sent_on:
            raise InputError(
                f"answered on {answered_on}, before the questionnaire was sent ({row.sent_on})",
                field="answered_on",
            )
        before = _from_row(row).to_dict()
        row.answers = {**(row.answers or {}), **normalised}
        row.answered_on = answered_on
        row.status = "answered"
        session.flush()
        made = _from_row(row)
        trail.record(
            session,
            actor=actor,
            action="questionnaire.answer",
            object_type="questionnaire",
            object_id=str(made.id),
            before=before,
            after=made.to_dict(),
        )
    return made


def _row(session: Session, questionnaire_id: int) -> QuestionnaireRow:
    row = session.get(QuestionnaireRow, questionnaire_id)
    if row is None:
        raise NotFoundError(f"no questionnaire {questionnaire_id}")
    return row


def get_questionnaire(store: Store, questionnaire_id: int) -> Questionnaire:
    """One questionnaire by id (:class:`NotFoundError` if there is none)."""
    with store.session() as session:
        return _from_row(_row(session, questionnaire_id))


def questionnaires_in(session: Session, party_id: str | None = None) -> list[Questionnaire]:
    """Questionnaires in a session, oldest first, optionally for one party (for composing services)."""
    query = select(QuestionnaireRow).order_by(QuestionnaireRow.sent_on, QuestionnaireRow.id)
    if party_id is not None:
        query = query.where(QuestionnaireRow.party_id == party_id)
    return [_from_row(row) for row in session.scalars(query)]


def questionnaires_for(store: Store, party_id: str | None = None) -> list[Questionnaire]:
    """Every questionnaire, oldest first, optionally for one party."""
    with store.session() as session:
        return questionnaires_in(session, party_id)


def read_answers_file(path: Path | str) -> dict[str, Any]:
    """Answers from a file: YAML / JSON (a mapping of question id to answer, or to ``{answer, evidence}``)
    or CSV with columns ``question,answer`` and optionally ``evidence``."""
    path = Path(path)
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=where) from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = csv.DictReader(text.splitlines())
        if not reader.fieldnames or not {"question", "answer"} <= set(reader.fieldnames):
            raise InputError("a CSV of answers needs the columns question,answer", file=where)
        out: dict[str, Any] = {}
        for number, item in enumerate(reader, start=2):
            question = (item.get("question") or "").strip()
            if not question:
                raise InputError("empty question id", file=where, row=number, field="question")
            if question in out:
                raise InputError(f"question {question!r} answered twice", file=where, row=number)
            out[question] = {"answer": item.get("answer"), "evidence": item.get("evidence")}
        return out
    try:
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise InputError(f"cannot parse the answers: {exc}", file=where) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("answers must be a mapping of question id to answer", file=where)
    if isinstance(data.get("answers"), dict):  # {"answers": {...}} as exported by `show --json`
        data = data["answers"]
    return {str(k): v for k, v in data.items()}


# --- evaluation --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    """How one question's answer was judged: ``answered``, ``missing``, ``evasive`` or ``adverse``."""

    question_id: str
    status: str
    reason: str
    answer: str | None = None


@dataclass(frozen=True, slots=True)
class QuestionnaireFinding:
    """What a questionnaire shows on a date (:func:`evaluate`)."""

    questionnaire_id: int
    party_id: str
    template: str
    as_of: date
    sent_on: date
    due_on: date
    answered_on: date | None  # None also when the answers came after ``as_of``
    overdue: bool  # not answered by the due date and still outstanding on ``as_of``
    days_overdue: int
    checks: tuple[AnswerCheck, ...]

    def _ids(self, status: str) -> tuple[str, ...]:
        return tuple(c.question_id for c in self.checks if c.status == status)

    @property
    def answered(self) -> tuple[str, ...]:
        return self._ids("answered")

    @property
    def missing(self) -> tuple[str, ...]:
        return self._ids("missing")

    @property
    def evasive(self) -> tuple[str, ...]:
        return self._ids("evasive")

    @property
    def adverse(self) -> tuple[str, ...]:
        return self._ids("adverse")

    @property
    def outstanding(self) -> bool:
        """Sent and not answered (as of the finding's date)."""
        return self.answered_on is None

    def summary(self) -> str:
        if self.outstanding:
            state = (
                f"not answered, {self.days_overdue} days overdue (due {self.due_on})"
                if self.overdue
                else f"not answered yet (due {self.due_on})"
            )
            return f"questionnaire {self.questionnaire_id} ({self.template}) {state}"
        return (
            f"questionnaire {self.questionnaire_id} ({self.template}) answered {self.answered_on}: "
            f"{len(self.answered)} answered, {len(self.missing)} missing, {len(self.evasive)} evasive, "
            f"{len(self.adverse)} adverse of {len(self.checks)}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "questionnaire_id": self.questionnaire_id,
            "party_id": self.party_id,
            "template": self.template,
            "as_of": self.as_of.isoformat(),
            "sent_on": self.sent_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "answered_on": self.answered_on.isoformat() if self.answered_on else None,
            "overdue": self.overdue,
            "days_overdue": self.days_overdue,
            "answered": list(self.answered),
            "missing": list(self.missing),
            "evasive": list(self.evasive),
            "adverse": list(self.adverse),
            "checks": [
                {"question": c.question_id, "status": c.status, "reason": c.reason}
                for c in self.checks
            ],
        }


def check_answer(question: Question, answer: str | None, template: Template) -> AnswerCheck:
    """Judge one answer by the rules in the module docstring."""
    text = (answer or "").strip()
    if not text:
        return AnswerCheck(question.id, "missing", "no answer given")
    folded = _fold(text)
    if folded in template.evasive_phrases or not folded:
        return AnswerCheck(question.id, "evasive", f"says nothing: {text!r}", text)
    if question.type == "yes-no":
        if folded in YES:
            value = "yes"
        elif folded in NO:
            value = "no"
        else:
            return AnswerCheck(question.id, "evasive", f"neither yes nor no: {text!r}", text)
        if question.expected is not None and value != question.expected:
            return AnswerCheck(
                question.id,
                "adverse",
                f"answered {value!r} where a responsible supplier answers {question.expected!r}",
                text,
            )
        return AnswerCheck(question.id, "answered", f"answered {value!r}", text)
    if question.type == "text":
        words = len(text.split())
        if words < question.min_words:
            return AnswerCheck(
                question.id,
                "evasive",
                f"generic: {words} words, fewer than the {question.min_words} a description needs",
                text,
            )
        return AnswerCheck(question.id, "answered", f"{words} words", text)
    if not _DOCUMENT.search(text):
        return AnswerCheck(
            question.id, "evasive", "names no document (no link, file name or evidence id)", text
        )
    return AnswerCheck(question.id, "answered", "document given", text)


def evaluate(
    questionnaire: Questionnaire, as_of: date, template: Template | None = None
) -> QuestionnaireFinding:
    """What the questionnaire shows on ``as_of``: each question answered / missing / evasive / adverse,
    and whether it is overdue. Answers recorded after ``as_of`` are not seen (an assessment as of an
    earlier date sees what was known then)."""
    template = template or get_template(questionnaire.template)
    answered_on = questionnaire.answered_on
    if answered_on is not None and answered_on > as_of:
        answered_on = None
    answers = questionnaire.answers if answered_on is not None else {}
    checks = []
    for question in template.questions:
        item = answers.get(question.id)
        answer = item.get("answer") if isinstance(item, Mapping) else item
        checks.append(check_answer(question, None if answer is None else str(answer), template))
    overdue = answered_on is None and as_of > questionnaire.due_on
    return QuestionnaireFinding(
        questionnaire_id=questionnaire.id,
        party_id=questionnaire.party_id,
        template=questionnaire.template,
        as_of=as_of,
        sent_on=questionnaire.sent_on,
        due_on=questionnaire.due_on,
        answered_on=answered_on,
        overdue=overdue,
        days_overdue=(as_of - questionnaire.due_on).days if overdue else 0,
        checks=tuple(checks),
    )


def latest_finding(session: Session, party_id: str, as_of: date) -> QuestionnaireFinding | None:
    """The finding of the party's most recent questionnaire sent on or before ``as_of``."""
    sent = [q for q in questionnaires_in(session, party_id) if q.sent_on <= as_of]
    return evaluate(sent[-1], as_of) if sent else None


__all__ = [
    "ANSWER_TYPES",
    "AnswerCheck",
    "Question",
    "Questionnaire",
    "QuestionnaireFinding",
    "Template",
    "bundled_templates",
    "check_answer",
    "evaluate",
    "get_questionnaire",
    "get_template",
    "latest_finding",
    "load_template",
    "questionnaires_for",
    "questionnaires_in",
    "read_answers_file",
    "record_answers",
    "send_questionnaire",
]
