"""The store's tables, as SQLAlchemy 2 typed declarative models.

Only generic column types are used (String, Text, Integer, Float, Boolean, JSON, DateTime) so that
the same models run on SQLite (default, single user) and PostgreSQL (shared deployments). Alembic
migrations in ``aktsam/store/migrations/versions`` create exactly these tables; ``tests/store``
checks that the two agree, so a model change without a migration fails the test suite.

Tables:

``snapshots``
    One row per imported publication of a list (a file, a downloaded file or the bundled copy). At
    most one snapshot per source is *current*: screening uses the current ones, older ones stay for
    diffs and audit.
``entities``
    The listed entities of each snapshot, one row each, ``data`` holding
    :meth:`ListedEntity.to_dict`.
``screening_runs`` / ``screening_hits``
    What was screened, against which snapshots, by whom, and every hit with its explanation.
``hit_decisions``
    An analyst's decision on a (party, listed entity) pair, tied to the entity's content hash so
    that a clearance lapses when the list entry changes.
``audit_log``
    The append-only, hash-chained audit trail of every change and decision (``aktsam.store.trail``).

Due diligence (``aktsam.diligence``):

``parties`` / ``relations``
    The register: suppliers, makers, resellers, customers, end users and owners, and the links
    between them (owns with a share, controls, maker-of, distributor-of, supplies-to).
``equipment``
    Installed devices linked to the party that made them (fed from the equipment audit).
``evidence``
    Documents and findings with source, date, author and a short quote; every assessment factor
    and decision points at evidence rows.
``assessments``
    A party's risk assessment: the level, the score and every factor with its weight and evidence.
``questionnaires``
    Due-diligence questionnaires sent to a party and its answers, as data.
``dd_decisions`` / ``dd_actions``
    Decisions on a party (continue … exit) with rationale and evidence; follow-up actions with
    owners and due dates.
``info_requests``
    Information requests under the Norwegian Transparency Act, with the three-week deadline.
``sale_checks``
    Customer / end-user checks before a sale: flags, the rule behind each, the list snapshots and
    decisions the check relied on, and the approval.

Users and access (``aktsam.accounts``, the web application):

``users``
    Local accounts: username, display name, argon2id password hash, role (viewer < analyst <
    approver < admin), active flag.
``api_tokens``
    API tokens of a user for other systems (ERP, CRM): only the SHA-256 of the token is kept, with
    its first characters for display; revoked tokens stay for the audit trail.
``web_sessions``
    Logged-in browser sessions: the SHA-256 of the session cookie, the CSRF token, expiry.

Continuous monitoring (``aktsam.monitoring``, migration 0006):

``monitor_runs``
    One row per monitoring run: mode (full / delta), matcher signature and threshold, the snapshot
    ids it used, counts, status (running / completed / failed).
``monitor_alerts``
    Alerts a run raised (new-hit, changed-listing, delisted, list-stale): party, list, entity,
    snapshot, score and explanation; ``dedupe_key`` is unique so a rerun never duplicates one. Their
    review state comes from ``hit_decisions``.
``monitor_parties``
    The monitored population as the last completed run saw it: one row per register party or
    watched-file row, with the fingerprint of what screening reads (name, aliases, identifiers,
    country, schema, birth date), the query data itself and its query forms' tokens, and the
    party's number in the reverse index (migration 0007).
``monitor_postings``
    The reverse index of the monitored population: a normalised name token, phonetic key or
    identifier -> party number, so a list change finds the parties it may concern without re-reading
    the register (migration 0007; 0006 kept party ids in ``monitor_tokens``).
``monitor_matches``
    The current matches of every monitored party (party, entity, list, content hash, score), the
    state a delta run compares against.
``monitor_watched_files``
    Files of parties from another system (an ERP export), re-read on every run.
``notification_deliveries``
    Every e-mail digest and webhook POST of a run's alerts, with attempts, status and the SHA-256 of
    the payload (``aktsam.monitoring.notify``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Deterministic constraint names: migrations (and PostgreSQL, which needs names to drop constraints)
# rely on them; SQLite would otherwise leave them unnamed.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ORIGINS: tuple[str, ...] = ("file", "download", "bundled")
DECISIONS: tuple[str, ...] = ("false_positive", "confirmed")
ROLES: tuple[str, ...] = ("viewer", "analyst", "approver", "admin")
"""User roles, least to most privileged; each role may do everything the ones before it may."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    SQLite has no timezone type and hands back naive datetimes; audit timestamps that silently lose
    their zone are a liability, so values are normalised to UTC going in and marked UTC coming out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(
                f"naive datetime {value!r}: aktsam stores timezone-aware UTC times only"
            )
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class SnapshotRow(Base):
    __tablename__ = "snapshots"
    __table_args__ = (
        CheckConstraint("origin IN ('file', 'download', 'bundled')", name="origin"),
        Index("ix_snapshots_source_is_current", "source", "is_current"),
        # At most one current snapshot per source, enforced by the database itself (partial unique
        # index, supported by SQLite and PostgreSQL), so two concurrent imports cannot both become
        # current.
        Index(
            "uq_snapshots_current_source",
            "source",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(100), unique=True)
    file_name: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(40))  # ISO 8601 as the file states it
    retrieved_at: Mapped[datetime | None]
    imported_at: Mapped[datetime]
    sha256: Mapped[str] = mapped_column(String(64))
    entity_count: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, Any]]
    warnings: Mapped[list[Any]]
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(String(16))


class EntityRow(Base):
    __tablename__ = "entities"
    __table_args__ = (Index("ix_entities_entity_id", "entity_id"),)

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(200))
    schema: Mapped[str] = mapped_column(String(20))
    caption: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]


class ScreeningRunRow(Base):
    __tablename__ = "screening_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    params: Mapped[dict[str, Any]]
    snapshot_ids: Mapped[list[Any]]
    query_count: Mapped[int] = mapped_column(Integer)
    hit_count: Mapped[int] = mapped_column(Integer)


class ScreeningHitRow(Base):
    __tablename__ = "screening_hits"
    __table_args__ = (
        Index("ix_screening_hits_run_id", "run_id"),
        Index("ix_screening_hits_entity_id", "entity_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("screening_runs.id", ondelete="CASCADE"))
    query_id: Mapped[str] = mapped_column(String(255))
    query_name: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str] = mapped_column(String(255))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"))
    score: Mapped[float] = mapped_column(Float)
    matched_name: Mapped[str] = mapped_column(Text)
    explanation: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20))


class HitDecisionRow(Base):
    __tablename__ = "hit_decisions"
    __table_args__ = (
        CheckConstraint("decision IN ('false_positive', 'confirmed')", name="decision"),
        Index("ix_hit_decisions_party_id_entity_id", "party_id", "entity_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party_id: Mapped[str] = mapped_column(String(255))
    entity_id: Mapped[str] = mapped_column(String(255))
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]
    # No cascade: a decision is an audit record and must keep the snapshot it was made against.
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    # Four eyes: clearing a confirmed hit is "pending-approval" until another person approves it.
    status: Mapped[str] = mapped_column(String(20), default="in-force", server_default="in-force")
    approved_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(nullable=True)


class AuditLogRow(Base):
    """One entry of the audit trail. ``hash`` = sha256 over the previous entry's hash and this entry's
    canonical content, so editing, deleting or reordering any entry breaks every hash after it."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str] = mapped_column(String(255))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# --- due diligence -----------------------------------------------------------------------------------------

PARTY_KINDS: tuple[str, ...] = ("organization", "company", "person", "public-body")
RELATION_KINDS: tuple[str, ...] = (
    "owns", "controls", "maker-of", "distributor-of", "supplies-to",
)  # fmt: skip
DD_DECISIONS: tuple[str, ...] = (
    "continue", "engage", "conditional", "stop-new-purchases", "stop-new-sales", "wind-down", "exit",
)  # fmt: skip


class PartyRow(Base):
    __tablename__ = "parties"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="organization")
    roles: Mapped[list[Any]]  # supplier, manufacturer, reseller, customer, end-user, owner, brand
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(100))
    sector: Mapped[str | None] = mapped_column(String(100))
    end_user_type: Mapped[str | None] = mapped_column(String(50))
    aliases: Mapped[list[Any]]
    identifiers: Mapped[dict[str, Any]]
    website: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RelationRow(Base):
    __tablename__ = "relations"
    __table_args__ = (
        Index("uq_relations_source_target_kind", "source_id", "target_id", "kind", unique=True),
        Index("ix_relations_target_id", "target_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("parties.id"))  # the owner / maker / supplier
    target_id: Mapped[str] = mapped_column(ForeignKey("parties.id"))  # the owned / brand / customer
    kind: Mapped[str] = mapped_column(String(20))
    share: Mapped[float | None] = mapped_column(Float)  # percent, for "owns"
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(Text)  # where the link is stated
    source_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class EquipmentRow(Base):
    __tablename__ = "equipment"
    __table_args__ = (Index("ix_equipment_party_id", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"))  # the maker
    device_id: Mapped[str] = mapped_column(String(255))
    brand: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    site: Mapped[str | None] = mapped_column(String(200))
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("parties.id")
    )  # who it is installed for
    installed_on: Mapped[date | None] = mapped_column(Date)
    warranty_until: Mapped[date | None] = mapped_column(Date)
    finding: Mapped[str | None] = mapped_column(String(40))  # from the equipment audit
    source: Mapped[str | None] = mapped_column(Text)


class EvidenceRow(Base):
    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_party_id", "party_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # EV-0001
    party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    kind: Mapped[str] = mapped_column(String(40))  # list-hit, regime, ngo-report, public-body, ...
    topic: Mapped[str | None] = mapped_column(
        String(40)
    )  # forced-labour, surveillance, sanctions...
    stance: Mapped[str] = mapped_column(String(20), default="adverse")  # adverse/mitigating/neutral
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    author: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]


class AssessmentRow(Base):
    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_party_id", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"))
    assessed_at: Mapped[datetime]
    assessed_by: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[date] = mapped_column(Date)
    level: Mapped[str] = mapped_column(String(20))  # low / medium / high / critical
    score: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(50))  # weights file id and version
    factors: Mapped[list[Any]]  # each: name, value, weight, points, explanation, evidence ids
    review_on: Mapped[date | None] = mapped_column(Date)


class QuestionnaireRow(Base):
    __tablename__ = "questionnaires"
    __table_args__ = (Index("ix_questionnaires_party_id", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"))
    template: Mapped[str] = mapped_column(String(100))
    sent_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answers: Mapped[dict[str, Any]]  # question id -> {"answer": ..., "evidence": ...}
    status: Mapped[str] = mapped_column(String(20))  # sent, answered, overdue (derived), closed


class DecisionRow(Base):
    __tablename__ = "dd_decisions"
    __table_args__ = (Index("ix_dd_decisions_party_id", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"))
    kind: Mapped[str] = mapped_column(String(30))  # DD_DECISIONS
    scope: Mapped[list[Any]]  # e.g. ["purchases", "sales"]
    rationale: Mapped[str] = mapped_column(Text)
    evidence_ids: Mapped[list[Any]]
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]
    effective_on: Mapped[date] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date)
    service_until: Mapped[date | None] = mapped_column(
        Date
    )  # wind-down: warranty/service duties end
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20))  # pending-approval, in-force, superseded


class ActionRow(Base):
    __tablename__ = "dd_actions"
    __table_args__ = (Index("ix_dd_actions_party_id", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("dd_decisions.id"))
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # open, done, cancelled


class InfoRequestRow(Base):
    __tablename__ = "info_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    received_on: Mapped[date] = mapped_column(Date)
    requester: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    deadline: Mapped[date] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(Text)
    refusal_ground: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # open, answered, refused


class SaleCheckRow(Base):
    __tablename__ = "sale_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(100))  # order / quote number
    customer_id: Mapped[str] = mapped_column(ForeignKey("parties.id"))
    end_user_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    destination: Mapped[str] = mapped_column(String(2))
    end_use: Mapped[str] = mapped_column(Text)
    end_user_type: Mapped[str | None] = mapped_column(String(50))
    products: Mapped[list[Any]]  # each: name, capabilities
    flags: Mapped[list[Any]]  # each: rule id, rule source, message
    outcome: Mapped[str] = mapped_column(String(30))  # clear, approval-required, refused
    checked_by: Mapped[str] = mapped_column(String(200))
    checked_at: Mapped[datetime]
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None]
    approval_note: Mapped[str | None] = mapped_column(Text)
    # what the check relied on (migration 0005): the list snapshots screened against, and the register's
    # decisions with their effect on the order (aktsam.diligence.saledecisions.DecisionRef)
    snapshot_ids: Mapped[list[Any]] = mapped_column(JSON, server_default=text("'[]'"))
    decisions: Mapped[list[Any]] = mapped_column(JSON, server_default=text("'[]'"))


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('viewer', 'analyst', 'approver', 'admin')", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex of the token
    prefix: Mapped[str] = mapped_column(String(16))  # first characters, to tell tokens apart
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class WebSessionRow(Base):
    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 hex of the cookie
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


# --- continuous monitoring (migration 0006) ------------------------------------------------------------------

ALERT_KINDS: tuple[str, ...] = ("new-hit", "changed-listing", "delisted", "list-stale")


class MonitorRunRow(Base):
    __tablename__ = "monitor_runs"
    __table_args__ = (Index("ix_monitor_runs_status", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    actor: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # running, completed, failed
    mode: Mapped[str] = mapped_column(String(16))  # full, delta
    matcher: Mapped[str] = mapped_column(String(64))  # screening.service.matcher_signature()
    threshold: Mapped[float] = mapped_column(Float)
    snapshot_ids: Mapped[list[Any]]
    counts: Mapped[dict[str, Any]]
    error: Mapped[str | None] = mapped_column(Text)


class MonitorAlertRow(Base):
    __tablename__ = "monitor_alerts"
    __table_args__ = (
        Index("ix_monitor_alerts_run_id", "run_id"),
        Index("ix_monitor_alerts_party_id_entity_id", "party_id", "entity_id"),
        Index("ix_monitor_alerts_kind", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("monitor_runs.id"))
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # ALERT_KINDS
    party_id: Mapped[str | None] = mapped_column(String(255))
    party_name: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str | None] = mapped_column(String(120))  # "register" or "watch:NAME"
    source: Mapped[str] = mapped_column(String(32))  # the list
    entity_id: Mapped[str | None] = mapped_column(String(255))
    entity_caption: Mapped[str | None] = mapped_column(Text)
    entity_hash: Mapped[str | None] = mapped_column(String(64))
    snapshot_id: Mapped[int | None] = mapped_column(Integer)  # no FK: alerts outlive snapshots
    score: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]]
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(40))


class MonitorPartyRow(Base):
    __tablename__ = "monitor_parties"
    __table_args__ = (
        Index("ix_monitor_parties_origin", "origin"),
        Index("ix_monitor_parties_number", "number", unique=True),
    )

    party_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: the party's number in the reverse index (``monitor_postings``): a delta run aggregates
    #: integers, not id strings
    number: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(120))
    fingerprint: Mapped[str] = mapped_column(String(32))
    data: Mapped[
        dict[str, Any]
    ]  # the screening query: name, aliases, schema, countries, birth date
    #: the tokens of its query forms (``aktsam.monitoring.population.encode_forms``) and the most its
    #: qualifiers can add, as the run that wrote it computed them; NULL for a row written before 0007
    forms: Mapped[str | None] = mapped_column(Text)
    bonus: Mapped[float | None] = mapped_column(Float)


class MonitorPostingRow(Base):
    """The reverse index of the monitored parties: each key (name token, ``~`` Metaphone code, ``#``
    identifier) with the number of every party holding it (``monitor_parties.number``)."""

    __tablename__ = "monitor_postings"
    __table_args__ = (Index("ix_monitor_postings_party_number", "party_number"),)

    token: Mapped[str] = mapped_column(String(100), primary_key=True)
    party_number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class MonitorMatchRow(Base):
    __tablename__ = "monitor_matches"
    __table_args__ = (Index("ix_monitor_matches_entity_id", "entity_id"),)

    party_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    snapshot_id: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    run_id: Mapped[int] = mapped_column(Integer)


class MonitorWatchedFileRow(Base):
    __tablename__ = "monitor_watched_files"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    options: Mapped[dict[str, Any]]  # column options, as for screen-file
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]
    last_read_at: Mapped[datetime | None]
    last_sha256: Mapped[str | None] = mapped_column(String(64))
    last_rows: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)


class NotificationDeliveryRow(Base):
    __tablename__ = "notification_deliveries"
    __table_args__ = (Index("ix_notification_deliveries_run_id", "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("monitor_runs.id"), nullable=True)
    channel: Mapped[str] = mapped_column(String(16))  # email, webhook
    target: Mapped[str] = mapped_column(String(500))  # the recipient list or URL
    status: Mapped[str] = mapped_column(String(16))  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    payload_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


__all__ = [
    "ALERT_KINDS",
    "DD_DECISIONS",
    "DECISIONS",
    "ORIGINS",
    "PARTY_KINDS",
    "RELATION_KINDS",
    "ROLES",
    "ActionRow",
    "ApiTokenRow",
    "AssessmentRow",
    "AuditLogRow",
    "Base",
    "DecisionRow",
    "EntityRow",
    "EquipmentRow",
    "EvidenceRow",
    "HitDecisionRow",
    "InfoRequestRow",
    "MonitorAlertRow",
    "MonitorMatchRow",
    "MonitorPartyRow",
    "MonitorPostingRow",
    "MonitorRunRow",
    "MonitorWatchedFileRow",
    "NotificationDeliveryRow",
    "PartyRow",
    "QuestionnaireRow",
    "RelationRow",
    "SaleCheckRow",
    "ScreeningHitRow",
    "ScreeningRunRow",
    "SnapshotRow",
    "UTCDateTime",
    "UserRow",
    "WebSessionRow",
]
