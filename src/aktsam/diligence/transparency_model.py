"""The Transparency Act account as plain values (:mod:`aktsam.diligence.transparency` builds it,
:mod:`aktsam.diligence.transparency_render` prints it): the parts of § 5 a–c, the figures and the changes
since last year. Importable from :mod:`aktsam.diligence.transparency` as before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from aktsam.diligence import impacts as im
from aktsam.errors import AktsamError

if TYPE_CHECKING:
    from aktsam.diligence.transparency import Profile

LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
HIGH_LEVELS: frozenset[str] = frozenset({"high", "critical"})
"""Risk levels the account reports as significant risks (§ 5 b)."""
THREE_WEEKS = dt.timedelta(weeks=3)
"""§ 7: an information request is answered within three weeks of its receipt."""
PUBLISH_BY_MONTH, PUBLISH_BY_DAY = 6, 30
"""§ 5: the account for a year is published by 30 June of the following year (the same date as
``publication`` in ``data/transparency_rules.yml``, which cites the source; a test keeps them equal)."""

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


PUBLIC_PROFILE_FIELDS: tuple[str, ...] = (
    "name", "org_number", "address", "website", "structure", "area_of_operations", "guidelines",
    "procedures", "board", "place", "contact_name", "contact_email", "contact_phone",
)  # fmt: skip
"""The profile fields the published account prints; any other key of ``profile.yml`` stays internal."""

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
    rationale: str | None  # None unless the profile publishes decision-rationale
    status: str
    decided_on: dt.date
    effective_on: dt.date
    service_until: dt.date | None
    review_on: dt.date | None
    evidence_ids: tuple[str, ...]  # the publishable ones (see aktsam.diligence.publication)
    decided_by: str | None  # None unless the profile publishes decision-makers
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
    owner: str | None  # None unless the profile publishes action-owners
    due_on: dt.date
    done_on: dt.date | None
    result: str | None  # None unless the profile publishes action-results
    status: str  # done / open, as at the end of the year
    overdue: bool


@dataclass(frozen=True, slots=True)
class ComplianceItem:
    """A party looked at for § 5 b whose findings are compliance facts only (sanctions, export control,
    national security): no identified impact on people, so not a § 5 b item."""

    party_id: str
    party_name: str
    country: str | None
    level: str | None
    significant: bool  # level high or critical at the end of the year
    grounds: tuple[
        str, ...
    ]  # evidence topics and factor names, e.g. "export-control", "List hit: …"


@dataclass(frozen=True, slots=True)
class InternalNotes:
    """What the account leaves out, for the organisation's own review; never rendered or serialised."""

    unclassified: tuple[str, ...]  # "EV-0042 (topic 'foo')", "hikvision: factor rule 'x.y'"
    withheld: tuple[
        str, ...
    ]  # evidence ids an item or decision rests on that the account does not cite
    compliance: tuple[ComplianceItem, ...]  # all compliance-only parties, published or not


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
    impacts_actual: int  # § 5 b actual adverse impacts (party x impact)
    impacts_significant_risk: int  # § 5 b significant risks (party at high/critical risk)
    impacts_other_risk: int  # risks identified at parties not (or not yet) rated high/critical
    evidence_cited: int  # distinct evidence rows the published account cites as sources
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
            "impacts_actual": self.impacts_actual,
            "impacts_significant_risk": self.impacts_significant_risk,
            "impacts_other_risk": self.impacts_other_risk,
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
    impacts: tuple[im.ImpactItem, ...]  # § 5 b: actual impacts first, then risks, most severe first
    compliance: tuple[
        ComplianceItem, ...
    ]  # published only with publication.fields compliance-risks
    decisions: tuple[DecisionItem, ...]
    actions_done: tuple[ActionItem, ...]
    actions_open: tuple[ActionItem, ...]
    changes: Changes
    sources: tuple[SourceRef, ...]
    internal: InternalNotes = field(default_factory=lambda: InternalNotes((), (), ()), hash=False)
    statute: Mapping[str, Any] = field(default_factory=lambda: STATUTE, hash=False)

    @property
    def actual_impacts(self) -> tuple[im.ImpactItem, ...]:
        return tuple(i for i in self.impacts if i.kind == "actual")

    @property
    def significant_risks(self) -> tuple[im.ImpactItem, ...]:
        return tuple(i for i in self.impacts if i.kind == "risk" and i.significant)

    @property
    def other_risks(self) -> tuple[im.ImpactItem, ...]:
        return tuple(i for i in self.impacts if i.kind == "risk" and not i.significant)
