"""The annual account of due diligence under the Norwegian Transparency Act (åpenhetsloven § 5).

:func:`build_account` reads the register (parties, assessments, evidence, decisions, actions,
questionnaires and information requests, straight from the store's tables) and returns a
:class:`TransparencyAccount` for one calendar year:

§ 5 a)
    the organisation's structure, area of operations, guidelines and procedures, from the profile
    (``profile.yml``, see :func:`load_profile`);
§ 5 b)
    actual adverse impacts and significant risks of adverse impacts on people (fundamental human rights
    and decent working conditions), described from the register's evidence and risk factors through
    ``data/impacts.csv`` (:mod:`aktsam.diligence.impacts`), actual impacts kept apart from risks. The
    parties looked at are those at ``high`` or ``critical`` risk at the end of the year and those with
    adverse evidence registered during it. Compliance facts (sanctions, export control, national-security
    restrictions) are not impacts on people: they are never § 5 b items, and appear, if the profile
    chooses, in a separate section;
§ 5 c)
    measures taken or planned and their results: the decisions taken during the year (kind,
    rationale, status), the actions completed during the year (with result) and those still open at
    the end of it (with owner and due date), questionnaires sent and answered, and the information
    requests received (answered on time, answered late, still open, refused);
changes since last year
    the same figures for the previous year, side by side, the parties that became or stopped being
    high risk, every change of risk level, and every decision that replaced an earlier one.

What is published follows one rule (:mod:`aktsam.diligence.publication`): only public-source evidence or
evidence the profile names is cited, ``summary:`` notes are never printed, optional fields (rationales,
owners, results, decision makers) only when the profile's ``publication.fields`` lists them, and a built
account with a file path or data-file name in any text is refused. What the account leaves out for the
organisation's own review (unclassified evidence, withheld sources, compliance-only parties) is in
:attr:`TransparencyAccount.internal`, which no renderer prints.

Every figure comes from a function below that counts rows of the register (:func:`figures`,
:func:`request_stats`, …), so the tests can recount them independently. Nothing reads the clock: the
date the board signs is a parameter.

:func:`render_html` / :func:`render_pdf` print the account through a template of :data:`TEMPLATES`
(``transparency-no``: the Norwegian account with the board's signature block; ``lksg-style``: an
outline in the order of the German Supply Chain Act's documentation duty, to show that templates
plug in). Jinja2 renders with autoescaping on; the PDF is the same HTML printed by WeasyPrint.

Statutory basis (checked 2026-11-25; the primary text on lovdata.no could not be read again on
2026-12-07, see ``data/transparency_rules.yml`` for the secondary sources quoted):
Lov 18. juni 2021 nr. 99 om virksomheters åpenhet og arbeid med
grunnleggende menneskerettigheter og anstendige arbeidsforhold (åpenhetsloven), LOV-2021-06-18-99,
in force 1 July 2022. § 5: the account of the due diligence is published on the enterprise's website
by 30 June each year and signed by the board (Altinn and Forbrukertilsynet guidance, see
:data:`STATUTE`). § 7: information requests are answered within three weeks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from aktsam.diligence import impacts as im
from aktsam.diligence.publication import (
    DEFAULT_POLICY,
    PublicationPolicy,
    leaks,
    policy_from_dict,
    public_quote,
    web_address,
)
from aktsam.diligence.transparency_model import (
    HIGH_LEVELS,
    LEVELS,
    PUBLIC_PROFILE_FIELDS,
    PUBLISH_BY_DAY,
    PUBLISH_BY_MONTH,
    STATUTE,
    THREE_WEEKS,
    ActionItem,
    Changes,
    ComplianceItem,
    DecisionChange,
    DecisionItem,
    FigureChange,
    Figures,
    InternalNotes,
    LevelChange,
    QuestionnaireStats,
    RequestStats,
    RiskItem,
    SourceRef,
    TransparencyAccount,
    TransparencyError,
)
from aktsam.diligence.transparency_render import (
    DECISION_NB,
    DEFAULT_TEMPLATE,
    FIGURE_NB,
    LEVEL_NB,
    TEMPLATE_DIR,
    TEMPLATES,
    TemplateSpec,
    context,
    internal_notes,
    link,
    render_html,
    render_pdf,
    risk_chart,
    template_spec,
    to_dict,
)
from aktsam.errors import InputError
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
    publication: PublicationPolicy = DEFAULT_POLICY  # what the organisation chose to publish


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
        publication=policy_from_dict(data.get("publication"), file=file),
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


def _cited(session: Session, ids: Iterable[str], policy: PublicationPolicy) -> tuple[str, ...]:
    """The evidence ids among ``ids`` the published account may cite (unknown ids are left out)."""
    wanted = list(dict.fromkeys(str(i) for i in ids))
    if not wanted:
        return ()
    query = sa.select(EvidenceRow.id, EvidenceRow.kind).where(EvidenceRow.id.in_(wanted))
    kinds = {str(ident): str(kind) for ident, kind in session.execute(query)}
    return tuple(i for i in wanted if i in kinds and policy.cites(i, kinds[i]))


def decision_items(
    session: Session, year: int, policy: PublicationPolicy = DEFAULT_POLICY
) -> list[DecisionItem]:
    """§ 5 c: decisions taken during ``year`` (by the date they were decided), oldest first, each
    with the kind of the party's decision before it; rationale and decision makers only as ``policy``
    publishes them, evidence only where it may be cited."""
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
                rationale=row.rationale if policy.shows("decision-rationale") else None,
                status=row.status,
                decided_on=decided_on,
                effective_on=row.effective_on,
                service_until=row.service_until,
                review_on=row.review_on,
                evidence_ids=_cited(session, row.evidence_ids or (), policy),
                decided_by=row.decided_by if policy.shows("decision-makers") else None,
                approved_by=row.approved_by if policy.shows("decision-makers") else None,
                previous_kind=before,
            )
        )
    return items


def _action_item(
    row: ActionRow, party_name: str, *, status: str, overdue: bool, policy: PublicationPolicy
) -> ActionItem:
    done = status == "done"
    return ActionItem(
        id=row.id,
        party_id=row.party_id,
        party_name=party_name,
        decision_id=row.decision_id,
        title=row.title,
        owner=row.owner if policy.shows("action-owners") else None,
        due_on=row.due_on,
        done_on=row.done_on if done else None,
        result=row.result if done and policy.shows("action-results") else None,
        status=status,
        overdue=overdue,
    )


def action_items(
    session: Session, year: int, policy: PublicationPolicy = DEFAULT_POLICY
) -> tuple[list[ActionItem], list[ActionItem]]:
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
            done.append(_action_item(row, name, status="done", overdue=late, policy=policy))
        elif row.status != "cancelled" and (row.done_on is None or row.done_on > end):
            late = row.due_on < end
            still_open.append(_action_item(row, name, status="open", overdue=late, policy=policy))
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


def cited_evidence(
    items: Sequence[im.ImpactItem | RiskItem], decisions: Sequence[DecisionItem]
) -> list[str]:
    """Distinct evidence ids the account cites, in order of first mention."""
    out: list[str] = []
    for ids in [r.evidence_ids for r in items] + [d.evidence_ids for d in decisions]:
        for ident in ids:
            if ident not in out:
                out.append(ident)
    return out


def source_refs(session: Session, ids: Sequence[str]) -> list[SourceRef]:
    """The cited evidence rows as the account prints them: a ``summary:`` note is not a quotation and
    is left out, and only a web address is printed as the address."""
    rows = {r.id: r for r in session.scalars(sa.select(EvidenceRow).where(EvidenceRow.id.in_(ids)))}
    return [
        SourceRef(
            id=r.id,
            party_id=r.party_id,
            kind=r.kind,
            stance=r.stance,
            title=r.title,
            publisher=r.publisher,
            url=web_address(r.url),
            published=r.published,
            quote=public_quote(r.quote),
        )
        for r in (rows[i] for i in sorted(ids) if i in rows)
    ]


@dataclass(frozen=True, slots=True)
class ImpactScan:
    """:func:`impact_scan`'s result: the § 5 b items and what was left out of them, and why."""

    items: tuple[im.ImpactItem, ...]
    compliance: tuple[ComplianceItem, ...]
    unclassified: tuple[str, ...]
    withheld: tuple[str, ...]


def impact_scan(
    session: Session, year: int, policy: PublicationPolicy = DEFAULT_POLICY
) -> ImpactScan:
    """§ 5 b for ``year``: the parties of :func:`risk_items`, their adverse evidence and assessment
    factors classified through ``data/impacts.csv`` into actual impacts and risks for people; parties
    with compliance findings only, and evidence or factors the table does not know, set apart."""
    parties = risk_items(session, year)
    levels = levels_at(session, year)
    ids = {e for r in parties for e in r.evidence_ids}
    rows = {r.id: r for r in session.scalars(sa.select(EvidenceRow).where(EvidenceRow.id.in_(ids)))}
    items: list[im.ImpactItem] = []
    compliance: list[ComplianceItem] = []
    unclassified: list[str] = []
    withheld: list[str] = []
    for party in parties:
        bases: list[tuple[im.ImpactRule, im.Basis]] = []
        grounds: list[str] = []
        for ident in party.evidence_ids:
            row = rows.get(ident)
            if row is None or row.stance != "adverse":
                continue
            rule = im.rule_for_topic(row.topic)
            if rule is None:
                unclassified.append(f"{ident} ({party.party_name}): topic {row.topic!r} not in "
                                    "impacts.csv, so not described in § 5 b")  # fmt: skip
            elif not rule.is_impact:
                grounds.append(im.split_topic(row.topic)[0] or "")
            else:
                actual = im.split_topic(row.topic)[1]
                bases.append((rule, im.Basis(ident, None, row.title, actual)))
        assessment = levels.get(party.party_id)
        for factor in (assessment.factors or ()) if assessment is not None else ():
            if not isinstance(factor, Mapping) or float(factor.get("points", 1) or 0) <= 0:
                continue
            name, rule_key = str(factor.get("name", "")), factor.get("rule")
            rule = im.rule_for_factor(str(rule_key)) if rule_key else None
            if rule is None:
                if rule_key:
                    unclassified.append(f"{party.party_name}: factor rule {rule_key!r} not in "
                                        "impacts.csv")  # fmt: skip
                if name:
                    grounds.append(name)
            elif not rule.is_impact:
                grounds.append(name)
            else:
                detail = str(factor.get("value") or name)
                bases.append((rule, im.Basis(None, str(rule_key), detail, False)))
        cites = {i: policy.cites(i, rows[i].kind) for i in {b.evidence_id for _, b in bases} if i}
        withheld.extend(sorted(i for i, ok in cites.items() if not ok))
        made = im.build_items(
            party_id=party.party_id, party_name=party.party_name, country=party.country,
            roles=party.roles, level=party.level, significant_level=party.significant,
            bases=bases, cites=cites,
        )  # fmt: skip
        items.extend(made)
        if not made:
            compliance.append(
                ComplianceItem(party.party_id, party.party_name, party.country, party.level,
                               party.significant, tuple(dict.fromkeys(g for g in grounds if g)))
            )  # fmt: skip
    rank = {level: i for i, level in enumerate(LEVELS)}
    items.sort(key=lambda i: (i.kind != "actual", not i.significant,
                              -rank.get(i.level or "", -1), i.party_name, i.impact))  # fmt: skip
    return ImpactScan(tuple(items), tuple(compliance), tuple(unclassified),
                      tuple(dict.fromkeys(withheld)))  # fmt: skip


def figures(session: Session, year: int, policy: PublicationPolicy = DEFAULT_POLICY) -> Figures:
    """Every count of the account for ``year`` (what is cited depends on ``policy``)."""
    parties = parties_at(session, year)
    levels = levels_at(session, year)
    scan = impact_scan(session, year, policy)
    decisions = decision_items(session, year, policy)
    done, still_open = action_items(session, year, policy)
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
        impacts_actual=sum(1 for i in scan.items if i.kind == "actual"),
        impacts_significant_risk=sum(1 for i in scan.items if i.kind == "risk" and i.significant),
        impacts_other_risk=sum(1 for i in scan.items if i.kind == "risk" and not i.significant),
        evidence_cited=len(cited_evidence(scan.items, decisions)),
        decisions=len(decisions),
        decisions_by_kind=tuple(sorted(kinds.items())),
        actions_done=len(done),
        actions_open=len(still_open),
        actions_overdue=sum(1 for a in still_open if a.overdue),
        questionnaires=questionnaire_stats(session, year),
        requests=request_stats(session, year),
    )


def changes(
    session: Session,
    year: int,
    current: Figures | None = None,
    policy: PublicationPolicy = DEFAULT_POLICY,
) -> Changes:
    """What changed since the previous year: figures, risk levels and decisions."""
    now = current if current is not None else figures(session, year, policy)
    before = figures(session, year - 1, policy)
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
            for d in decision_items(session, year, policy)
            if d.previous_kind is not None and d.previous_kind != d.kind
        ),
    )


def _named_only(found: Changes, named: set[str]) -> Changes:
    """``found`` naming only parties the account names anyway (in § 5 b this year or last year, or in
    the published compliance section); the others are in the counts only."""
    return replace(
        found,
        newly_high_risk=tuple(c for c in found.newly_high_risk if c.party_id in named),
        no_longer_high_risk=tuple(c for c in found.no_longer_high_risk if c.party_id in named),
        level_changes=tuple(c for c in found.level_changes if c.party_id in named),
    )


def build_account(
    store: Store, *, year: int, profile: Profile, signed_on: dt.date | None = None
) -> TransparencyAccount:
    """The account for calendar ``year`` from the register in ``store`` (read only), holding only what
    ``profile.publication`` lets it publish.

    ``signed_on`` is the date printed in the signature block (left blank to sign by hand when None).
    Refuses (:class:`TransparencyError`, naming the field) an account whose text would print a file
    path, a data-file name or ``AKTSAM_HOME`` (:func:`aktsam.diligence.publication.leaks`)."""
    start, end = year_bounds(year)
    policy = profile.publication
    with store.session() as session:
        now = figures(session, year, policy)
        scan = impact_scan(session, year, policy)
        decisions = decision_items(session, year, policy)
        done, still_open = action_items(session, year, policy)
        sources = source_refs(session, cited_evidence(scan.items, decisions))
        decision_withheld = [
            str(e)
            for row in session.scalars(sa.select(DecisionRow))
            if _day(row.decided_at).year == year
            for e in row.evidence_ids or ()
            if str(e) not in {x for d in decisions for x in d.evidence_ids}
        ]
        compliance = tuple(
            c for c in scan.compliance if c.significant and policy.shows("compliance-risks")
        )
        named = {i.party_id for i in (*scan.items, *impact_scan(session, year - 1, policy).items)}
        named |= {c.party_id for c in compliance}
        account = TransparencyAccount(
            year=year,
            period_start=start,
            period_end=end,
            publish_by=publish_by(year),
            signed_on=signed_on,
            profile=profile,
            figures=now,
            impacts=scan.items,
            compliance=compliance,
            decisions=tuple(decisions),
            actions_done=tuple(done),
            actions_open=tuple(still_open),
            changes=_named_only(changes(session, year, now, policy), named),
            sources=tuple(sources),
            internal=InternalNotes(
                unclassified=scan.unclassified,
                withheld=tuple(dict.fromkeys([*scan.withheld, *decision_withheld])),
                compliance=scan.compliance,
            ),
        )
    found = leaks(to_dict(account))
    if found:
        raise TransparencyError(
            "the account would publish internal references; edit the register entry, withhold the "
            "evidence (publication.withhold_evidence in the profile) or leave the field unpublished: "
            + "; ".join(found)
        )
    return account


__all__ = [
    "DECISION_NB",
    "DEFAULT_TEMPLATE",
    "FIGURE_NB",
    "HIGH_LEVELS",
    "LEVELS",
    "LEVEL_NB",
    "PUBLIC_PROFILE_FIELDS",
    "PUBLISH_BY_DAY",
    "PUBLISH_BY_MONTH",
    "STATUTE",
    "TEMPLATES",
    "TEMPLATE_DIR",
    "THREE_WEEKS",
    "ActionItem",
    "BoardMember",
    "Changes",
    "ComplianceItem",
    "DecisionChange",
    "DecisionItem",
    "FigureChange",
    "Figures",
    "ImpactScan",
    "InternalNotes",
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
    "impact_scan",
    "internal_notes",
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
