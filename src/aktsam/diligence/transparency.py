"""The annual account of due diligence under the Norwegian Transparency Act (åpenhetsloven § 5).

:func:`build_account` reads the register (parties, assessments, evidence, decisions, actions,
questionnaires and information requests, straight from the store's tables) and returns a
:class:`TransparencyAccount` for one calendar year:

§ 5 a)
    the organisation's structure, area of operations, guidelines and procedures, from the profile
    (``profile.yml``, see :func:`load_profile`);
§ 5 b)
    actual adverse impacts and significant risks identified: every party whose risk level at the end
    of the year is ``high`` or ``critical`` (its latest assessment with ``as_of`` on or before
    31 December) and every party with adverse evidence registered during the year, each with the
    evidence ids and their sources;
§ 5 c)
    measures taken or planned and their results: the decisions taken during the year (kind,
    rationale, status), the actions completed during the year (with result) and those still open at
    the end of it (with owner and due date), questionnaires sent and answered, and the information
    requests received (answered on time, answered late, still open, refused);
changes since last year
    the same figures for the previous year, side by side, the parties that became or stopped being
    high risk, every change of risk level, and every decision that replaced an earlier one.

Every figure comes from a function below that counts rows of the register (:func:`figures`,
:func:`request_stats`, …), so the tests can recount them independently. Nothing reads the clock: the
date the board signs is a parameter.

:func:`render_html` / :func:`render_pdf` print the account through a template of :data:`TEMPLATES`
(``transparency-no``: the Norwegian account with the board's signature block; ``lksg-style``: an
outline in the order of the German Supply Chain Act's documentation duty, to show that templates
plug in). Jinja2 renders with autoescaping on; the PDF is the same HTML printed by WeasyPrint.

Statutory basis (checked 2026-11-25): Lov 18. juni 2021 nr. 99 om virksomheters åpenhet og arbeid med
grunnleggende menneskerettigheter og anstendige arbeidsforhold (åpenhetsloven), LOV-2021-06-18-99,
in force 1 July 2022. § 5: the account of the due diligence is published on the enterprise's website
by 30 June each year and signed by the board (Altinn and Forbrukertilsynet guidance, see
:data:`STATUTE`). § 7: information requests are answered within three weeks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from sqlalchemy.orm import Session

from aktsam.devices.svg import bar_chart
from aktsam.errors import AktsamError, InputError
from aktsam.store.db import Store
from aktsam.store.schema import (
    ActionRow,
    AssessmentRow,
    DecisionRow,
    EvidenceRow,
    InfoRequestRow,
    PartyRow,
    QuestionnaireRow,
)

TEMPLATE_DIR = Path(__file__).parent / "templates"

LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
HIGH_LEVELS: frozenset[str] = frozenset({"high", "critical"})
"""Risk levels the account reports as significant risks (§ 5 b)."""
THREE_WEEKS = dt.timedelta(weeks=3)
"""§ 7: an information request is answered within three weeks of its receipt."""
PUBLISH_BY_MONTH, PUBLISH_BY_DAY = 6, 30
"""§ 5: the account for a year is published by 30 June of the following year."""

STATUTE: dict[str, Any] = {
    "title": "Lov om virksomheters åpenhet og arbeid med grunnleggende menneskerettigheter og "
    "anstendige arbeidsforhold (åpenhetsloven)",
    "section": "§ 5",
    "id": "LOV-2021-06-18-99",
    "url": "https://lovdata.no/dokument/NL/lov/2021-06-18-99",
    "in_force": "2022-07-01",
    "guidance": (
        (
            "Altinn: The Transparency Act – and who it applies to ('publish an account of the due "
            "diligence assessments by 30 June each year')",
            "https://info.altinn.no/en/start-and-run-business/running-business/"
            "The-Transparency-Act-and-who-it-applies-to",
        ),
        (
            "Forbrukertilsynet: The Transparency Act (duty to account for due diligence; formal "
            "requirements)",
            "https://www.forbrukertilsynet.no/vi-jobber-med/apenhetsloven/the-transparency-act",
        ),
    ),
    "checked": "2026-11-25",
}
"""The statutory reference printed in the account, with the guidance pages it was checked against."""


class TransparencyError(AktsamError):
    """The account cannot be produced (unknown template, PDF libraries missing)."""


# --- the profile (§ 5 a) -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoardMember:
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class Profile:
    """The reporting organisation as ``profile.yml`` describes it (§ 5 a and the signature block)."""

    name: str
    org_number: str
    address: str
    structure: str
    area_of_operations: str
    guidelines: str
    procedures: str
    board: tuple[BoardMember, ...]
    place: str
    contact_name: str
    contact_email: str
    website: str | None = None
    contact_phone: str | None = None


def _text(data: Mapping[str, Any], key: str, where: str, file: str | None) -> str:
    value = data.get(key)
    if value is None or not str(value).strip():
        raise InputError(f"{where}.{key} is required", file=file, field=f"{where}.{key}")
    return " ".join(str(value).split())


def _optional(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return " ".join(str(value).split()) or None if value is not None else None


def _section(data: Mapping[str, Any], key: str, file: str | None) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise InputError(f"the profile needs a '{key}' section", file=file, field=key)
    return value


def profile_from_dict(data: Mapping[str, Any], *, file: str | None = None) -> Profile:
    """A :class:`Profile` from the parsed ``profile.yml`` (see ``examples/diligence/profile.yml``)."""
    if not isinstance(data, Mapping):
        raise InputError("the profile must be a YAML mapping", file=file)
    org = _section(data, "organisation", file)
    contact = _section(data, "contact", file)
    signature = _section(data, "signature", file)
    board_data = data.get("board")
    if not isinstance(board_data, list) or not board_data:
        raise InputError("the profile needs a non-empty 'board' list", file=file, field="board")
    board = []
    for index, member in enumerate(board_data, start=1):
        if not isinstance(member, Mapping):
            raise InputError("each board member has a name and a role", file=file, field="board")
        where = f"board[{index}]"
        board.append(
            BoardMember(_text(member, "name", where, file), _text(member, "role", where, file))
        )
    return Profile(
        name=_text(org, "name", "organisation", file),
        org_number=_text(org, "org_number", "organisation", file),
        address=_text(org, "address", "organisation", file),
        structure=_text(org, "structure", "organisation", file),
        area_of_operations=_text(org, "area_of_operations", "organisation", file),
        guidelines=_text(org, "guidelines", "organisation", file),
        procedures=_text(org, "procedures", "organisation", file),
        board=tuple(board),
        place=_text(signature, "place", "signature", file),
        contact_name=_text(contact, "name", "contact", file),
        contact_email=_text(contact, "email", "contact", file),
        website=_optional(org, "website"),
        contact_phone=_optional(contact, "phone"),
    )


def load_profile(path: Path) -> Profile:
    """Read ``profile.yml``; a missing file or field is an :class:`InputError` naming it."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            "no organisation profile: write one (see examples/diligence/profile.yml) or run "
            "'aktsam demo'",
            file=str(path),
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=str(path)) from None
    return profile_from_dict(data, file=str(path))


# --- the account's parts ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One evidence row the account cites, with where it comes from."""

    id: str
    party_id: str | None
    kind: str
    stance: str
    title: str
    publisher: str | None
    url: str | None
    published: dt.date | None
    quote: str | None


@dataclass(frozen=True, slots=True)
class RiskItem:
    """§ 5 b: one party with a significant risk or adverse finding in the year."""

    party_id: str
    party_name: str
    country: str | None
    roles: tuple[str, ...]
    level: str | None  # risk level at the end of the year; None: never assessed by then
    score: float | None
    assessed_on: dt.date | None
    assessment_id: int | None
    factors: tuple[str, ...]  # names of the assessment's factors that scored
    topics: tuple[str, ...]
    evidence_ids: tuple[str, ...]

    @property
    def significant(self) -> bool:
        return self.level in HIGH_LEVELS


@dataclass(frozen=True, slots=True)
class DecisionItem:
    """§ 5 c: a decision taken during the year."""

    id: int
    party_id: str
    party_name: str
    kind: str
    scope: tuple[str, ...]
    rationale: str
    status: str
    decided_on: dt.date
    effective_on: dt.date
    service_until: dt.date | None
    review_on: dt.date | None
    evidence_ids: tuple[str, ...]
    decided_by: str
    approved_by: str | None
    previous_kind: str | None  # the party's decision before this one, if any


@dataclass(frozen=True, slots=True)
class ActionItem:
    """§ 5 c: an action completed during the year, or open at its end."""

    id: int
    party_id: str
    party_name: str
    decision_id: int | None
    title: str
    owner: str
    due_on: dt.date
    done_on: dt.date | None
    result: str | None
    status: str  # done / open, as at the end of the year
    overdue: bool


@dataclass(frozen=True, slots=True)
class QuestionnaireStats:
    sent: int  # sent during the year
    answered: int  # answered during the year
    answered_on_time: int  # of those answered, by their due date
    answered_late: int
    open: int  # sent by the end of the year and not answered or closed by then
    overdue: int  # of the open ones, past their due date at the end of the year


@dataclass(frozen=True, slots=True)
class RequestStats:
    """Information requests (§ 6–7) received during the year, and what became of them by its end."""

    received: int
    answered: int
    answered_on_time: int  # by the deadline (three weeks, or the extended deadline)
    answered_late: int
    answered_within_three_weeks: int
    refused: int
    open: int  # neither answered nor refused by the end of the year


@dataclass(frozen=True, slots=True)
class Figures:
    """The year's counts; each one recomputable from the register (see the functions below)."""

    year: int
    parties: int  # in the register at the end of the year, the reporting organisation excluded
    suppliers: int
    customers: int
    assessed_parties: int  # parties with a risk level at the end of the year
    high_risk_parties: int  # level high or critical at the end of the year
    critical_risk_parties: int
    adverse_evidence: int  # adverse evidence rows registered during the year
    evidence_cited: (
        int  # distinct evidence rows the account cites (§ 5 b risks and § 5 c decisions)
    )
    decisions: int  # decisions taken during the year
    decisions_by_kind: tuple[tuple[str, int], ...]
    actions_done: int
    actions_open: int
    actions_overdue: int
    questionnaires: QuestionnaireStats
    requests: RequestStats

    def flat(self) -> dict[str, int]:
        """Every count under one name (what "changes since last year" compares)."""
        out = {
            "parties": self.parties,
            "suppliers": self.suppliers,
            "customers": self.customers,
            "assessed_parties": self.assessed_parties,
            "high_risk_parties": self.high_risk_parties,
            "critical_risk_parties": self.critical_risk_parties,
            "adverse_evidence": self.adverse_evidence,
            "evidence_cited": self.evidence_cited,
            "decisions": self.decisions,
            "actions_done": self.actions_done,
            "actions_open": self.actions_open,
            "actions_overdue": self.actions_overdue,
        }
        out.update({f"questionnaires_{k}": v for k, v in asdict(self.questionnaires).items()})
        out.update({f"requests_{k}": v for k, v in asdict(self.requests).items()})
        return out


@dataclass(frozen=True, slots=True)
class FigureChange:
    name: str
    previous: int
    current: int

    @property
    def delta(self) -> int:
        return self.current - self.previous


@dataclass(frozen=True, slots=True)
class LevelChange:
    party_id: str
    party_name: str
    previous: str | None
    current: str | None


@dataclass(frozen=True, slots=True)
class DecisionChange:
    party_id: str
    party_name: str
    previous_kind: str
    current_kind: str
    decided_on: dt.date


@dataclass(frozen=True, slots=True)
class Changes:
    """Changes since the previous year."""

    previous_year: int
    figures: tuple[FigureChange, ...]
    newly_high_risk: tuple[LevelChange, ...]
    no_longer_high_risk: tuple[LevelChange, ...]
    level_changes: tuple[LevelChange, ...]
    decision_changes: tuple[DecisionChange, ...]

    def figure(self, name: str) -> FigureChange:
        for change in self.figures:
            if change.name == name:
                return change
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class TransparencyAccount:
    """The account for one calendar year (åpenhetsloven § 5 a–c), ready to render."""

    year: int
    period_start: dt.date
    period_end: dt.date
    publish_by: dt.date
    signed_on: dt.date | None
    profile: Profile
    figures: Figures
    risks: tuple[RiskItem, ...]
    decisions: tuple[DecisionItem, ...]
    actions_done: tuple[ActionItem, ...]
    actions_open: tuple[ActionItem, ...]
    changes: Changes
    sources: tuple[SourceRef, ...]
    statute: Mapping[str, Any] = field(default_factory=lambda: STATUTE, hash=False)


# --- the figures, each from the register ------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """1 January and 31 December of ``year``."""
    if not 1900 <= year <= 9998:
        raise InputError(f"year {year} is out of range", field="year")
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def publish_by(year: int) -> dt.date:
    """The date the account for ``year`` must be published by (§ 5: 30 June of the next year)."""
    return dt.date(year + 1, PUBLISH_BY_MONTH, PUBLISH_BY_DAY)


def _day(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.UTC).date() if moment.tzinfo else moment.date()
    return moment


def _in(day: dt.date | None, year: int) -> bool:
    return day is not None and day.year == year


def parties_at(session: Session, year: int) -> list[PartyRow]:
    """Parties registered by the end of ``year``, the reporting organisation (role ``self``) left out."""
    _, end = year_bounds(year)
    rows = session.scalars(sa.select(PartyRow).order_by(PartyRow.id))
    return [r for r in rows if "self" not in (r.roles or ()) and _day(r.created_at) <= end]


def levels_at(session: Session, year: int) -> dict[str, AssessmentRow]:
    """Each party's latest assessment with ``as_of`` on or before 31 December of ``year``."""
    _, end = year_bounds(year)
    latest: dict[str, AssessmentRow] = {}
    query = (
        sa.select(AssessmentRow)
        .where(AssessmentRow.as_of <= end)
        .order_by(AssessmentRow.as_of, AssessmentRow.assessed_at, AssessmentRow.id)
    )
    for row in session.scalars(query):
        latest[row.party_id] = row  # later rows replace earlier ones
    return latest


def adverse_evidence(session: Session, year: int) -> list[EvidenceRow]:
    """Adverse evidence registered during ``year`` (when the organisation learnt of it)."""
    rows = session.scalars(
        sa.select(EvidenceRow).where(EvidenceRow.stance == "adverse").order_by(EvidenceRow.id)
    )
    return [r for r in rows if _in(_day(r.added_at), year)]


def factor_evidence(assessment: AssessmentRow) -> list[str]:
    """The evidence ids an assessment's factors point at (``evidence`` or ``evidence_ids`` key)."""
    out: list[str] = []
    for factor in assessment.factors or ():
        if not isinstance(factor, Mapping):
            continue
        ids = factor.get("evidence_ids", factor.get("evidence", ()))
        if isinstance(ids, str):
            ids = [ids]
        for ident in ids or ():
            if str(ident) not in out:
                out.append(str(ident))
    return out


def _factor_names(assessment: AssessmentRow) -> tuple[str, ...]:
    names = []
    for factor in assessment.factors or ():
        if isinstance(factor, Mapping) and float(factor.get("points", 1) or 0) > 0:
            name = str(factor.get("name", "")).strip()
            if name and name not in names:
                names.append(name)
    return tuple(names)


def risk_items(session: Session, year: int) -> list[RiskItem]:
    """§ 5 b: parties at high or critical risk at the end of the year, and parties with adverse
    evidence registered during it; most severe first."""
    levels = levels_at(session, year)
    evidence_by_party: dict[str, list[EvidenceRow]] = {}
    for row in adverse_evidence(session, year):
        if row.party_id is not None:
            evidence_by_party.setdefault(row.party_id, []).append(row)
    party_ids = {p for p, a in levels.items() if a.level in HIGH_LEVELS} | set(evidence_by_party)
    parties = {
        p.id: p for p in session.scalars(sa.select(PartyRow).where(PartyRow.id.in_(party_ids)))
    }
    items = []
    for party_id in party_ids:
        party = parties.get(party_id)
        if party is None:
            continue
        assessment = levels.get(party_id)
        evidence = factor_evidence(assessment) if assessment is not None else []
        topics: list[str] = []
        for row in evidence_by_party.get(party_id, []):
            if row.id not in evidence:
                evidence.append(row.id)
        for row in session.scalars(sa.select(EvidenceRow).where(EvidenceRow.id.in_(evidence))):
            if row.topic and row.topic not in topics:
                topics.append(row.topic)
        items.append(
            RiskItem(
                party_id=party_id,
                party_name=party.name,
                country=party.country,
                roles=tuple(str(r) for r in party.roles or ()),
                level=assessment.level if assessment is not None else None,
                score=assessment.score if assessment is not None else None,
                assessed_on=assessment.as_of if assessment is not None else None,
                assessment_id=assessment.id if assessment is not None else None,
                factors=_factor_names(assessment) if assessment is not None else (),
                topics=tuple(sorted(topics)),
                evidence_ids=tuple(sorted(evidence)),
            )
        )
    rank = {level: i for i, level in enumerate(LEVELS)}
    items.sort(key=lambda i: (-rank.get(i.level or "", -1), -(i.score or 0.0), i.party_name))
    return items


def _party_names(session: Session, ids: Iterable[str]) -> dict[str, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    query = sa.select(PartyRow.id, PartyRow.name).where(PartyRow.id.in_(wanted))
    return {str(ident): str(name) for ident, name in session.execute(query)}


def decision_items(session: Session, year: int) -> list[DecisionItem]:
    """§ 5 c: decisions taken during ``year`` (by the date they were decided), oldest first, each
    with the kind of the party's decision before it."""
    rows = list(
        session.scalars(sa.select(DecisionRow).order_by(DecisionRow.decided_at, DecisionRow.id))
    )
    names = _party_names(session, (r.party_id for r in rows))
    previous: dict[str, str] = {}
    items = []
    for row in rows:
        before = previous.get(row.party_id)
        previous[row.party_id] = row.kind
        decided_on = _day(row.decided_at)
        if decided_on.year != year:
            continue
        items.append(
            DecisionItem(
                id=row.id,
                party_id=row.party_id,
                party_name=names.get(row.party_id, row.party_id),
                kind=row.kind,
                scope=tuple(str(s) for s in row.scope or ()),
                rationale=row.rationale,
                status=row.status,
                decided_on=decided_on,
                effective_on=row.effective_on,
                service_until=row.service_until,
                review_on=row.review_on,
                evidence_ids=tuple(str(e) for e in row.evidence_ids or ()),
                decided_by=row.decided_by,
                approved_by=row.approved_by,
                previous_kind=before,
            )
        )
    return items


def _action_item(row: ActionRow, party_name: str, *, status: str, overdue: bool) -> ActionItem:
    done = status == "done"
    return ActionItem(
        id=row.id,
        party_id=row.party_id,
        party_name=party_name,
        decision_id=row.decision_id,
        title=row.title,
        owner=row.owner,
        due_on=row.due_on,
        done_on=row.done_on if done else None,
        result=row.result if done else None,
        status=status,
        overdue=overdue,
    )


def action_items(session: Session, year: int) -> tuple[list[ActionItem], list[ActionItem]]:
    """§ 5 c: (actions completed during ``year``, actions open at its end).

    An action exists from its decision's date (an action without a decision: always); it is open at the
    end of the year unless cancelled or completed by then."""
    _, end = year_bounds(year)
    decided = {
        int(ident): _day(moment)
        for ident, moment in session.execute(sa.select(DecisionRow.id, DecisionRow.decided_at))
    }
    rows = list(session.scalars(sa.select(ActionRow).order_by(ActionRow.due_on, ActionRow.id)))
    names = _party_names(session, (r.party_id for r in rows))
    done, still_open = [], []
    for row in rows:
        if row.decision_id is not None and decided.get(row.decision_id, end) > end:
            continue
        name = names.get(row.party_id, row.party_id)
        if row.status == "done" and _in(row.done_on, year):
            late = row.done_on is not None and row.done_on > row.due_on
            done.append(_action_item(row, name, status="done", overdue=late))
        elif row.status != "cancelled" and (row.done_on is None or row.done_on > end):
            still_open.append(_action_item(row, name, status="open", overdue=row.due_on < end))
    return done, still_open


def questionnaire_stats(session: Session, year: int) -> QuestionnaireStats:
    """Questionnaires sent and answered during ``year``, and those open at its end."""
    _, end = year_bounds(year)
    rows = list(session.scalars(sa.select(QuestionnaireRow)))
    answered = [r for r in rows if _in(r.answered_on, year)]
    on_time = [r for r in answered if r.answered_on is not None and r.answered_on <= r.due_on]
    still_open = [
        r
        for r in rows
        if r.sent_on <= end
        and r.status != "closed"
        and (r.answered_on is None or r.answered_on > end)
    ]
    return QuestionnaireStats(
        sent=sum(1 for r in rows if _in(r.sent_on, year)),
        answered=len(answered),
        answered_on_time=len(on_time),
        answered_late=len(answered) - len(on_time),
        open=len(still_open),
        overdue=sum(1 for r in still_open if r.due_on < end),
    )


def request_stats(session: Session, year: int) -> RequestStats:
    """Information requests received during ``year`` and where each stood at its end."""
    _, end = year_bounds(year)
    rows = [r for r in session.scalars(sa.select(InfoRequestRow)) if _in(r.received_on, year)]

    def settled(row: InfoRequestRow) -> bool:
        return row.answered_on is None or row.answered_on <= end

    answered = [
        r
        for r in rows
        if r.status == "answered" and r.answered_on is not None and r.answered_on <= end
    ]
    refused = [r for r in rows if r.status == "refused" and settled(r)]
    on_time = [r for r in answered if r.answered_on is not None and r.answered_on <= r.deadline]
    within = [
        r
        for r in answered
        if r.answered_on is not None and r.answered_on - r.received_on <= THREE_WEEKS
    ]
    return RequestStats(
        received=len(rows),
        answered=len(answered),
        answered_on_time=len(on_time),
        answered_late=len(answered) - len(on_time),
        answered_within_three_weeks=len(within),
        refused=len(refused),
        open=len(rows) - len(answered) - len(refused),
    )


def cited_evidence(risks: Sequence[RiskItem], decisions: Sequence[DecisionItem]) -> list[str]:
    """Distinct evidence ids the account cites, in order of first mention."""
    out: list[str] = []
    for ids in [r.evidence_ids for r in risks] + [d.evidence_ids for d in decisions]:
        for ident in ids:
            if ident not in out:
                out.append(ident)
    return out


def source_refs(session: Session, ids: Sequence[str]) -> list[SourceRef]:
    rows = {r.id: r for r in session.scalars(sa.select(EvidenceRow).where(EvidenceRow.id.in_(ids)))}
    return [
        SourceRef(
            id=r.id,
            party_id=r.party_id,
            kind=r.kind,
            stance=r.stance,
            title=r.title,
            publisher=r.publisher,
            url=r.url,
            published=r.published,
            quote=r.quote,
        )
        for r in (rows[i] for i in sorted(ids) if i in rows)
    ]


def figures(session: Session, year: int) -> Figures:
    """Every count of the account for ``year``."""
    parties = parties_at(session, year)
    levels = levels_at(session, year)
    risks = risk_items(session, year)
    decisions = decision_items(session, year)
    done, still_open = action_items(session, year)
    kinds = Counter(d.kind for d in decisions)
    return Figures(
        year=year,
        parties=len(parties),
        suppliers=sum(1 for p in parties if "supplier" in (p.roles or ())),
        customers=sum(1 for p in parties if "customer" in (p.roles or ())),
        assessed_parties=len(levels),
        high_risk_parties=sum(1 for a in levels.values() if a.level in HIGH_LEVELS),
        critical_risk_parties=sum(1 for a in levels.values() if a.level == "critical"),
        adverse_evidence=len(adverse_evidence(session, year)),
        evidence_cited=len(cited_evidence(risks, decisions)),
        decisions=len(decisions),
        decisions_by_kind=tuple(sorted(kinds.items())),
        actions_done=len(done),
        actions_open=len(still_open),
        actions_overdue=sum(1 for a in still_open if a.overdue),
        questionnaires=questionnaire_stats(session, year),
        requests=request_stats(session, year),
    )


def changes(session: Session, year: int, current: Figures | None = None) -> Changes:
    """What changed since the previous year: figures, risk levels and decisions."""
    now = current if current is not None else figures(session, year)
    before = figures(session, year - 1)
    previous_flat, current_flat = before.flat(), now.flat()
    level_now = {p: a.level for p, a in levels_at(session, year).items()}
    level_before = {p: a.level for p, a in levels_at(session, year - 1).items()}
    names = _party_names(session, set(level_now) | set(level_before))
    level_changes = [
        LevelChange(p, names.get(p, p), level_before.get(p), level_now.get(p))
        for p in sorted(set(level_now) | set(level_before), key=lambda p: names.get(p, p))
        if level_before.get(p) != level_now.get(p)
    ]
    return Changes(
        previous_year=year - 1,
        figures=tuple(FigureChange(k, previous_flat[k], current_flat[k]) for k in current_flat),
        newly_high_risk=tuple(
            c for c in level_changes if c.current in HIGH_LEVELS and c.previous not in HIGH_LEVELS
        ),
        no_longer_high_risk=tuple(
            c for c in level_changes if c.previous in HIGH_LEVELS and c.current not in HIGH_LEVELS
        ),
        level_changes=tuple(level_changes),
        decision_changes=tuple(
            DecisionChange(d.party_id, d.party_name, d.previous_kind, d.kind, d.decided_on)
            for d in decision_items(session, year)
            if d.previous_kind is not None and d.previous_kind != d.kind
        ),
    )


def build_account(
    store: Store, *, year: int, profile: Profile, signed_on: dt.date | None = None
) -> TransparencyAccount:
    """The account for calendar ``year`` from the register in ``store`` (read only).

    ``signed_on`` is the date printed in the signature block (left blank to sign by hand when None)."""
    start, end = year_bounds(year)
    with store.session() as session:
        now = figures(session, year)
        risks = risk_items(session, year)
        decisions = decision_items(session, year)
        done, still_open = action_items(session, year)
        sources = source_refs(session, cited_evidence(risks, decisions))
        return TransparencyAccount(
            year=year,
            period_start=start,
            period_end=end,
            publish_by=publish_by(year),
            signed_on=signed_on,
            profile=profile,
            figures=now,
            risks=tuple(risks),
            decisions=tuple(decisions),
            actions_done=tuple(done),
            actions_open=tuple(still_open),
            changes=changes(session, year, now),
            sources=tuple(sources),
        )


# --- rendering -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    """A pluggable account layout: its Jinja2 file, title and language."""

    id: str
    file: str
    title: str
    language: str
    description: str


TEMPLATES: dict[str, TemplateSpec] = {
    "transparency-no": TemplateSpec(
        "transparency-no",
        "transparency_no.html.j2",
        "Redegjørelse for aktsomhetsvurderinger etter åpenhetsloven § 5",
        "nb",
        "The Norwegian account under åpenhetsloven § 5 a–c, with the board's signature block.",
    ),
    "lksg-style": TemplateSpec(
        "lksg-style",
        "lksg_style.html.j2",
        "Due diligence documentation (LkSG-style outline)",
        "en",
        "A shorter outline in the order of the German Supply Chain Act's documentation duty "
        "(risk management, risk analysis, preventive and remedial measures, complaints).",
    ),
}
"""Account templates by id (``aktsam report transparency --template``)."""
DEFAULT_TEMPLATE = "transparency-no"

LEVEL_NB = {"low": "lav", "medium": "middels", "high": "høy", "critical": "kritisk"}
DECISION_NB = {
    "continue": "fortsette",
    "engage": "påvirke (dialog)",
    "conditional": "fortsette på vilkår",
    "stop-new-purchases": "stans i nye innkjøp",
    "stop-new-sales": "stans i nytt salg",
    "wind-down": "avvikling (service ut garantitiden)",
    "exit": "avslutte forholdet",
}
FIGURE_NB = {
    "parties": "parter i registeret",
    "suppliers": "leverandører",
    "customers": "kunder",
    "assessed_parties": "risikovurderte parter",
    "high_risk_parties": "parter med høy eller kritisk risiko",
    "critical_risk_parties": "parter med kritisk risiko",
    "adverse_evidence": "nye negative funn (dokumentasjon)",
    "evidence_cited": "kilder sitert i redegjørelsen",
    "decisions": "beslutninger",
    "actions_done": "tiltak gjennomført",
    "actions_open": "tiltak åpne ved årsslutt",
    "actions_overdue": "tiltak på overtid ved årsslutt",
    "questionnaires_sent": "spørreskjema sendt",
    "questionnaires_answered": "spørreskjema besvart",
    "questionnaires_answered_on_time": "spørreskjema besvart innen frist",
    "questionnaires_answered_late": "spørreskjema besvart etter frist",
    "questionnaires_open": "spørreskjema ubesvart ved årsslutt",
    "questionnaires_overdue": "spørreskjema på overtid ved årsslutt",
    "requests_received": "informasjonskrav mottatt",
    "requests_answered": "informasjonskrav besvart",
    "requests_answered_on_time": "besvart innen fristen",
    "requests_answered_late": "besvart etter fristen",
    "requests_answered_within_three_weeks": "besvart innen tre uker",
    "requests_refused": "avslått",
    "requests_open": "ubesvart ved årsslutt",
}


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["level_nb"] = lambda v: LEVEL_NB.get(v, v) if v else "ikke vurdert"
    env.filters["decision_nb"] = lambda v: DECISION_NB.get(v, v)
    env.filters["figure_nb"] = lambda v: FIGURE_NB.get(v, v)
    env.filters["iso"] = lambda v: v.isoformat() if v is not None else ""
    env.filters["signed"] = lambda v: f"{v:+d}" if v else "0"
    return env


def link(url: str | None) -> str | None:
    """``url`` if it is a web address (shown as a link), else None (shown as text)."""
    return url if url and url.startswith(("https://", "http://")) else None


def risk_chart(account: TransparencyAccount) -> Markup:
    """Bar chart of the § 5 b parties per risk level at the end of the year."""
    counts = Counter(r.level for r in account.risks if r.level)
    items = [(LEVEL_NB[level], float(counts[level])) for level in reversed(LEVELS) if counts[level]]
    return Markup(
        bar_chart(
            f"Parter med funn etter risikonivå {account.year}",
            items,
            description="Parter omtalt i § 5 b etter risikonivå ved årsslutt.",
            chart_id="chart-risk-levels",
        )
    )


def context(account: TransparencyAccount) -> dict[str, Any]:
    """What every template gets: the account, the statute, and helpers."""
    evidence = {s.id: s for s in account.sources}
    return {
        "a": account,
        "p": account.profile,
        "f": account.figures,
        "c": account.changes,
        "statute": account.statute,
        "evidence": evidence,
        "link": link,
        "risk_chart": risk_chart(account),
        "significant": [r for r in account.risks if r.significant],
        "other_findings": [r for r in account.risks if not r.significant],
    }


def template_spec(template: str) -> TemplateSpec:
    try:
        return TEMPLATES[template]
    except KeyError:
        raise TransparencyError(
            f"unknown template {template!r}; choose one of {', '.join(sorted(TEMPLATES))}"
        ) from None


def render_html(account: TransparencyAccount, template: str = DEFAULT_TEMPLATE) -> str:
    """The account as one self-contained HTML document through template ``template``."""
    spec = template_spec(template)
    return _environment().get_template(spec.file).render(spec=spec, **context(account))


def render_pdf(
    account: TransparencyAccount,
    path: Path,
    template: str = DEFAULT_TEMPLATE,
    *,
    uncompressed_pdf: bool = False,
) -> None:
    """The HTML account printed to PDF at ``path`` by WeasyPrint (A4 portrait, numbered pages)."""
    html = render_html(account, template)
    try:
        import weasyprint
    except OSError as exc:  # cffi could not dlopen libpango/libharfbuzz/...
        raise TransparencyError(
            "PDF output needs the system libraries Pango, HarfBuzz and fontconfig and a font, which "
            f"could not be loaded ({exc}); write an .html account and print it from a browser"
        ) from None
    weasyprint.HTML(string=html, base_url=None).write_pdf(
        str(path), uncompressed_pdf=uncompressed_pdf
    )


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_dict(account: TransparencyAccount) -> dict[str, Any]:
    """The account as JSON-ready values (dates as ISO text): the ``.json`` output."""
    data: dict[str, Any] = _plain(account)
    data["figures"]["flat"] = account.figures.flat()
    return data


__all__ = [
    "DEFAULT_TEMPLATE",
    "HIGH_LEVELS",
    "STATUTE",
    "TEMPLATES",
    "THREE_WEEKS",
    "ActionItem",
    "BoardMember",
    "Changes",
    "DecisionChange",
    "DecisionItem",
    "FigureChange",
    "Figures",
    "LevelChange",
    "Profile",
    "QuestionnaireStats",
    "RequestStats",
    "RiskItem",
    "SourceRef",
    "TemplateSpec",
    "TransparencyAccount",
    "TransparencyError",
    "action_items",
    "adverse_evidence",
    "build_account",
    "changes",
    "cited_evidence",
    "context",
    "decision_items",
    "factor_evidence",
    "figures",
    "levels_at",
    "link",
    "load_profile",
    "parties_at",
    "profile_from_dict",
    "publish_by",
    "questionnaire_stats",
    "render_html",
    "render_pdf",
    "request_stats",
    "risk_chart",
    "risk_items",
    "source_refs",
    "template_spec",
    "to_dict",
    "year_bounds",
]
