"""When the Transparency Act account is due: the 30 June publication and the update after a material change.

Åpenhetsloven § 5 (as restated by Forbrukertilsynet and KPMG; the primary text on lovdata.no could not be
read when this was written, see ``data/transparency_rules.yml``): the account is published "innen 30. juni
hvert år" and "ellers ved vesentlige endringer i risikovurderingene". The Act, as read, neither defines a
material change nor sets a time limit for the update: what aktsam counts as one, and how soon it reminds,
are aktsam's policy, each stated with its reason in ``data/transparency_rules.yml``.

:func:`record_publication` writes the publication of an account into the audit trail (``aktsam report
published``), with the risk levels of that day. :func:`reminders` gives the follow-up items of
:mod:`aktsam.diligence.followup`:

``account-publication``
    the account for the last calendar year, from ``lead_days`` before 30 June until it is recorded as
    published (overdue after 30 June); only for years the register covers (parties registered by the
    end of that year).
``account-update``
    each material change since the last recorded publication (:func:`material_changes`), due
    ``within_days`` after the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from aktsam.diligence.impacts import split_topic
from aktsam.errors import InputError
from aktsam.store import trail
from aktsam.store.db import Store
from aktsam.store.schema import AssessmentRow, AuditLogRow, DecisionRow, EvidenceRow, PartyRow

RULES_FILE = Path(__file__).resolve().parent / "data" / "transparency_rules.yml"
OBJECT_TYPE = "transparency-account"
PUBLISHED = "publish"
HIGH = frozenset({"high", "critical"})


@dataclass(frozen=True, slots=True)
class ChangeRule:
    id: str
    rule: str
    reason: str
    source: str
    date: str
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AccountRules:
    """``data/transparency_rules.yml``, parsed."""

    publish_month: int
    publish_day: int
    lead_days: int
    update_within_days: int
    publication_source: str
    update_source: str
    changes: Mapping[str, ChangeRule]
    primary_text_read: bool


def _need(data: Mapping[str, Any], key: str, where: str) -> Any:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError(f"{where}.{key} is required", file=str(RULES_FILE), field=f"{where}.{key}")
    return value


@cache
def account_rules() -> AccountRules:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    pub, upd = _need(data, "publication", ""), _need(data, "update", "")
    changes = {}
    for index, item in enumerate(_need(data, "material_changes", "")):
        where = f"material_changes[{index}]"
        for key in ("id", "rule", "reason", "source", "date"):
            _need(item, key, where)
        changes[str(item["id"])] = ChangeRule(
            str(item["id"]), str(item["rule"]), str(item["reason"]), str(item["source"]),
            str(item["date"]), tuple(str(k) for k in item.get("kinds") or ()),
        )  # fmt: skip
    expected = {"became-significant", "became-critical", "no-longer-significant",
                "restrictive-decision", "new-actual-impact"}  # fmt: skip
    if set(changes) != expected:
        raise InputError(f"material_changes must define exactly {sorted(expected)}",
                         file=str(RULES_FILE), field="material_changes")  # fmt: skip
    for section, name in ((pub, "publication"), (upd, "update")):
        _need(section, "source", name)
        _need(section, "date", name)
    return AccountRules(
        publish_month=int(_need(pub, "month", "publication")),
        publish_day=int(_need(pub, "day", "publication")),
        lead_days=int(_need(pub, "lead_days", "publication")),
        update_within_days=int(_need(upd, "within_days", "update")),
        publication_source=" ".join(str(pub["source"]).split()),
        update_source=" ".join(str(upd["source"]).split()),
        changes=changes,
        primary_text_read=bool(data.get("statute", {}).get("primary_text_read")),
    )


# --- publications ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Publication:
    year: int
    published_on: dt.date
    recorded_at: dt.datetime
    url: str | None


def _levels(session: Session, at: dt.datetime | None = None) -> dict[str, str]:
    """Each party's level from its latest assessment (recorded by ``at``, when given)."""
    query = sa.select(AssessmentRow).order_by(
        AssessmentRow.as_of, AssessmentRow.assessed_at, AssessmentRow.id
    )
    latest: dict[str, str] = {}
    for row in session.scalars(query):
        if at is None or _aware(row.assessed_at) <= at:
            latest[row.party_id] = row.level
    return latest


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def record_publication(
    store: Store, *, year: int, published_on: dt.date, actor: str, url: str | None = None
) -> Publication:
    """Record that the account for ``year`` was published on ``published_on`` (in the audit trail, with
    every party's risk level at that moment, the baseline for :func:`material_changes`)."""
    if published_on.year <= year:
        raise InputError(
            f"the account for {year} can only be published after the year ends",
            field="published_on",
        )
    with store.session() as session:
        levels = _levels(session)
        row = trail.record(
            session, actor=actor, action=PUBLISHED, object_type=OBJECT_TYPE, object_id=str(year),
            after={"year": year, "published_on": published_on, "url": url, "levels": levels},
        )  # fmt: skip
        return Publication(year, published_on, _aware(row.at), url)


def publications(session: Session) -> list[Publication]:
    """Every recorded publication, oldest first."""
    rows = session.scalars(
        sa.select(AuditLogRow)
        .where(AuditLogRow.object_type == OBJECT_TYPE, AuditLogRow.action == PUBLISHED)
        .order_by(AuditLogRow.seq)
    )
    out = []
    for row in rows:
        after = row.after or {}
        out.append(
            Publication(
                int(after["year"]),
                dt.date.fromisoformat(str(after["published_on"])),
                _aware(row.at),
                after.get("url"),
            )
        )
    return out


# --- material changes -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MaterialChange:
    """One change since the last published account that aktsam counts as material."""

    rule: str  # id in transparency_rules.yml
    party_id: str | None
    what: str
    on: dt.date  # when the change was recorded


def material_changes(session: Session, since: Publication) -> list[MaterialChange]:
    """The changes recorded after ``since`` that ``transparency_rules.yml`` counts as material."""
    rules = account_rules().changes
    moment = since.recorded_at
    names = {str(i): str(n) for i, n in session.execute(sa.select(PartyRow.id, PartyRow.name))}
    out: list[MaterialChange] = []
    before = _levels(session, moment)
    latest: dict[str, AssessmentRow] = {}
    for row in session.scalars(sa.select(AssessmentRow).order_by(
            AssessmentRow.as_of, AssessmentRow.assessed_at, AssessmentRow.id)):  # fmt: skip
        latest[row.party_id] = row
    for party, row in sorted(latest.items()):
        old, new = before.get(party), row.level
        when = _aware(row.assessed_at)
        if when <= moment or old == new:
            continue
        name = names.get(party, party)
        level = f"{name}: risk level {old or 'not assessed'} → {new}"
        if new == "critical":
            out.append(MaterialChange("became-critical", party, level, when.date()))
        elif new in HIGH and old not in HIGH:
            out.append(MaterialChange("became-significant", party, level, when.date()))
        elif old in HIGH and new not in HIGH:
            out.append(MaterialChange("no-longer-significant", party, level, when.date()))
    kinds = rules["restrictive-decision"].kinds
    for decision in session.scalars(sa.select(DecisionRow).where(
            DecisionRow.status == "in-force", DecisionRow.kind.in_(kinds))):  # fmt: skip
        when = _aware(decision.approved_at or decision.decided_at)
        if when > moment:
            out.append(MaterialChange(
                "restrictive-decision", decision.party_id,
                f"{names.get(decision.party_id, decision.party_id)}: decision {decision.id} "
                f"({decision.kind}) in force from {decision.effective_on}", when.date()))  # fmt: skip
    for evidence in session.scalars(sa.select(EvidenceRow).where(EvidenceRow.stance == "adverse")):
        when = _aware(evidence.added_at)
        if when > moment and split_topic(evidence.topic)[1]:
            owner = evidence.party_id
            out.append(MaterialChange(
                "new-actual-impact", owner,
                f"{names.get(owner, owner) if owner else 'no party'}: actual impact {evidence.id} "
                f"({evidence.topic})", when.date()))  # fmt: skip
    return sorted(out, key=lambda c: (c.on, c.rule, c.party_id or ""))


# --- reminders ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reminder:
    kind: str  # account-publication / account-update
    party_id: str | None
    object_id: str
    what: str
    due_on: dt.date


def _register_covers(session: Session, year: int) -> bool:
    first = session.scalar(sa.select(sa.func.min(PartyRow.created_at)))
    return first is not None and _aware(first).date() <= dt.date(year, 12, 31)


def reminders(session: Session, as_of: dt.date, horizon: dt.date) -> list[Reminder]:
    """The account items due by ``horizon``, or overdue, on ``as_of``."""
    rules = account_rules()
    out: list[Reminder] = []
    published = publications(session)
    year = as_of.year - 1
    due = dt.date(as_of.year, rules.publish_month, rules.publish_day)
    done = any(p.year == year for p in published)
    starts = due - dt.timedelta(days=rules.lead_days)
    if not done and _register_covers(session, year) and (as_of >= starts or due <= horizon):
        out.append(Reminder(
            "account-publication", None, f"account-{year}",
            f"publish the Transparency Act account for {year} on the website, signed by the board "
            f"(åpenhetsloven § 5: by 30 June; then run 'aktsam report published --year {year}')",
            due))  # fmt: skip
    if published:
        last = published[-1]
        for change in material_changes(session, last):
            rule = rules.changes[change.rule]
            update_due = change.on + dt.timedelta(days=rules.update_within_days)
            if update_due <= horizon:
                out.append(Reminder(
                    "account-update", change.party_id, f"account-{last.year}:{change.rule}",
                    f"update the published account for {last.year} if the board finds this material "
                    f"(åpenhetsloven § 5, material change in the risk assessment): {change.what} — "
                    f"{rule.reason}", update_due))  # fmt: skip
    return out


__all__ = [
    "OBJECT_TYPE",
    "RULES_FILE",
    "AccountRules",
    "ChangeRule",
    "MaterialChange",
    "Publication",
    "Reminder",
    "account_rules",
    "material_changes",
    "publications",
    "record_publication",
    "reminders",
]
