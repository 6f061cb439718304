"""A party's risk assessment: weighted, explained factors -> score -> level, stored so anyone can re-derive it.

:func:`assess` gathers, for one party on one date (``as_of``):

* **list hits** - the party's name and aliases screened with :class:`~aktsam.screening.service.Screener`
  (default threshold, clearances applied). Each open hit is classed by ``list_classes`` in
  ``data/weights.yml``: *blocking* (asset freeze: OFAC SDN, UN, EU, UK), *restrictive* (OFAC non-SDN lists:
  sectoral / investment bans) or *trade-restriction* (BIS Entity List, MEU, Denied Persons, State lists).
  A class counts once however many lists carry the same designation. Hits cleared by an analyst are
  shown in a ``lists.cleared`` factor with 0 points;
* **restriction regimes** - the party's ``identifiers["maker"]`` covered by a bundled regime (FCC Covered
  List, NDAA section 889, UK sensitive sites; example regimes are skipped);
* **context** - country (V-Dem based), region (e.g. Xinjiang) and sector risk from
  :mod:`aktsam.diligence.riskdata`;
* **forced labour** - a UFLPA Entity List match on the name or an alias (floor: critical), and the US DOL
  ILAB goods made with forced labour in the party's country that match its products. Products come from
  ``identifiers["products"]`` (``cctv-camera,nvr``: categories of ``data/product_goods.csv``), else from
  the sector (``sector_products`` in ``weights.yml``);
* **Council on Ethics** - Norwegian GPFG exclusions, observations and recommendations on the company;
* **ownership** - owners (>= 20 % effective share), controllers and makers above the party
  (:func:`aktsam.diligence.ownership.upstream`), each screened too: blocked owners reaching 50 %
  (OFAC) or more than 50 % / control (EU, UK) make the party blocked (floor: critical); smaller blocked
  holdings, restricted owners or makers, regimes covering an upstream maker and state owners add points,
  each with its path;
* **evidence** - the party's evidence rows published on or before ``as_of``: adverse ones by kind and
  recency, mitigating ones lowering the score (at most 20 points); list-hit and regime evidence rows are
  cited by the list and regime factors instead of being counted again;
* **questionnaires** - the latest questionnaire sent: overdue, missing, evasive or adverse answers.

Every factor stores its rule (a key of ``factors`` in ``weights.yml``), the rule's weight, the quantity it
applied to, its points (``weight x quantity``), a plain-sentence explanation, the evidence ids and listed
entity ids it rests on, its sources and, where it triggers one, the level floor. The score is the sum of
points (at least 0); the level is the highest threshold the score reaches, raised to the highest floor
any factor triggers. :func:`rederive` recomputes score and level from the stored factors and the weights
file, and refuses an assessment made with another weights version.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from aktsam.devices.regimes import Regime, bundled_regimes
from aktsam.diligence import riskdata
from aktsam.diligence.affiliates import listing_of
from aktsam.diligence.model import Evidence, Party
from aktsam.diligence.ownership import (
    OwnershipFinding,
    OwnershipGraph,
    UpstreamLink,
    affiliates_holdings,
    apply_test,
    upstream,
)
from aktsam.diligence.questionnaires import QuestionnaireFinding, latest_finding
from aktsam.diligence.register import evidence_for, require_party
from aktsam.errors import InputError, NotFoundError
from aktsam.lists import ownership_rules
from aktsam.lists.model import Schema
from aktsam.lists.ownership_rules import Listing, OwnershipTest
from aktsam.lists.parsers.us_csl import sublist_code
from aktsam.screening.files import PartyRow as ScreenParty
from aktsam.screening.service import ScreenedHit, Screener
from aktsam.settings import Settings
from aktsam.store import trail
from aktsam.store.db import Store
from aktsam.store.schema import AssessmentRow

WEIGHTS_FILE = Path(__file__).with_name("data") / "weights.yml"
LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
LIST_CLASSES: tuple[str, ...] = (
    "blocking", "blocking-possible", "restrictive", "trade-restriction",
)  # fmt: skip
OFAC_BLOCKING = frozenset({"ofac-sdn", "us-csl:SDN"})
"""Hits that make an owner blocked for the OFAC 50 Percent Rule."""
EU_UK_DESIGNATING = frozenset({"eu-fsf", "uk-hmt", "un-sc"})
"""Hits that make an owner designated for the EU / UK owned-or-controlled test (UN listings are
implemented by both)."""
DESIGNATING: dict[str, frozenset[str]] = {
    "US": OFAC_BLOCKING,
    "EU": frozenset({"eu-fsf", "un-sc"}),
    "UK": frozenset({"uk-hmt", "un-sc"}),
}
"""Per jurisdiction, the hits that designate an owner for its ownership test
(``lists/data/ownership_rules.yml``, the row in force on the assessment date)."""

_CLASS_NAMES = {
    "blocking": "asset-freeze sanctions",
    "blocking-possible": "possible asset-freeze sanctions match (to review)",
    "restrictive": "non-blocking sanctions",
    "trade-restriction": "export-control / trade restriction",
}


# --- weights -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the weights file: points per unit (``weight``) up to ``cap`` units, an optional floor."""

    key: str
    weight: float
    cap: float
    reason: str
    floor: str | None = None


@dataclass(frozen=True, slots=True)
class Weights:
    """The parsed weights file (``data/weights.yml``): rules, thresholds, floors, review intervals."""

    id: str
    version: str
    rules: Mapping[str, Rule]
    thresholds: tuple[tuple[str, float], ...]  # (level, min score), ascending
    floors: Mapping[str, str]  # floor id -> level
    floor_reasons: Mapping[str, str]
    review_months: Mapping[str, int]
    recency: tuple[tuple[float | None, float], ...]  # (max years or None, factor)
    undated_factor: float
    min_owner_share: float
    sector_products: Mapping[str, tuple[str, ...]]
    high_risk_owner_sectors: frozenset[str]
    list_classes: Mapping[str, str]
    mitigating_strength: Mapping[str, float]
    file: str
    strong_match: float = 0.9

    @property
    def method(self) -> str:
        """What an assessment stores as its method: ``<id>/<version>``."""
        return f"{self.id}/{self.version}"

    def rule(self, key: str) -> Rule:
        try:
            return self.rules[key]
        except KeyError:
            raise InputError(
                f"no rule {key!r} in the weights file {self.file}", field="factors"
            ) from None

    def level_for(self, score: float) -> str:
        level = "low"
        for name, minimum in self.thresholds:
            if score >= minimum:
                level = name
        return level

    def recency_factor(self, published: date | None, as_of: date) -> float:
        if published is None:
            return self.undated_factor
        years = (as_of - published).days / 365.25
        for max_years, factor in self.recency:
            if max_years is None or years <= max_years:
                return factor
        return self.recency[-1][1]


def _fail(path: Path, field: str, message: str) -> InputError:
    return InputError(message, file=str(path), field=field)


def load_weights(path: Path | str | None = None) -> Weights:
    """The weights file (default: the bundled ``data/weights.yml``), validated."""
    if path is None:
        return _bundled_weights()
    return _load_weights(Path(path))


@cache
def _bundled_weights() -> Weights:
    return _load_weights(WEIGHTS_FILE)


def _strong_match(value: object, path: Path) -> float:
    if not isinstance(value, int | float) or not 0 < float(value) <= 1:
        raise _fail(path, "strong_match", "strong_match must be a score in (0, 1]")
    return float(value)


def _load_weights(path: Path) -> Weights:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=str(path)) from None
    if not isinstance(data, dict):
        raise _fail(path, "", "a weights file must be a YAML mapping")
    for key in ("id", "version", "levels", "floors", "review_months", "factors", "list_classes"):
        if not data.get(key):
            raise _fail(path, key, f"missing or empty {key!r}")
    floors: dict[str, str] = {}
    floor_reasons: dict[str, str] = {}
    for name, item in data["floors"].items():
        if not isinstance(item, dict) or item.get("level") not in LEVELS or not item.get("reason"):
            raise _fail(path, f"floors.{name}", "a floor needs a level and a reason")
        floors[str(name)] = str(item["level"])
        floor_reasons[str(name)] = " ".join(str(item["reason"]).split())
    rules: dict[str, Rule] = {}
    for key, item in data["factors"].items():
        where = f"factors.{key}"
        if not isinstance(item, dict) or "weight" not in item or not item.get("reason"):
            raise _fail(path, where, "a rule needs a weight and a reason")
        floor = item.get("floor")
        if floor is not None and floor not in floors:
            raise _fail(path, f"{where}.floor", f"unknown floor {floor!r}")
        rules[str(key)] = Rule(
            key=str(key),
            weight=float(item["weight"]),
            cap=float(item.get("cap", 1)),
            reason=" ".join(str(item["reason"]).split()),
            floor=None if floor is None else str(floor),
        )
    thresholds = []
    for number, item in enumerate(data["levels"]):
        if not isinstance(item, dict) or item.get("level") not in LEVELS or not item.get("reason"):
            raise _fail(path, f"levels[{number}]", "a level needs level, min_score and reason")
        thresholds.append((str(item["level"]), float(item["min_score"])))
    thresholds.sort(key=lambda t: t[1])
    review: dict[str, int] = {}
    for level in LEVELS:
        item = data["review_months"].get(level)
        if not isinstance(item, dict) or not item.get("reason"):
            raise _fail(path, f"review_months.{level}", "months and a reason for every level")
        review[level] = int(item["months"])
    recency = tuple(
        (None if r.get("max_years") is None else float(r["max_years"]), float(r["factor"]))
        for r in data.get("recency") or [{"max_years": None, "factor": 1.0}]
    )
    owner = data.get("ownership") or {}
    high_risk = data.get("high_risk_owner_sectors") or {}
    return Weights(
        id=str(data["id"]),
        version=str(data["version"]),
        rules=rules,
        thresholds=tuple(thresholds),
        floors=floors,
        floor_reasons=floor_reasons,
        review_months=review,
        recency=recency,
        undated_factor=float((data.get("undated_factor") or {}).get("factor", 0.5)),
        min_owner_share=float(owner.get("min_share", 20)),
        sector_products={
            str(k): tuple(str(v) for v in vs)
            for k, vs in (data.get("sector_products") or {}).items()
        },
        high_risk_owner_sectors=frozenset(
            str(s).casefold() for s in high_risk.get("sectors") or ()
        ),
        list_classes={str(k): str(v) for k, v in data["list_classes"].items()},
        strong_match=_strong_match(data.get("strong_match", 0.9), path),
        mitigating_strength={
            str(k): float(v) for k, v in (data.get("mitigating_strength") or {}).items()
        },
        file=str(path),
    )


# --- values --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Factor:
    """One explained contribution to an assessment (``points = weight x quantity``)."""

    name: str  # what a reader sees: "Entity List / trade restriction"
    rule: str  # key in weights.yml: "lists.trade-restriction"
    value: str  # what was found
    weight: float
    quantity: float
    points: float
    explanation: str
    evidence_ids: tuple[str, ...] = ()
    entity_ids: tuple[str, ...] = ()  # listed entities (screening hits) the factor rests on
    sources: tuple[str, ...] = ()
    path: tuple[str, ...] = ()  # ownership: from the upstream party down to the assessed one
    floor: str | None = None  # the floor rule it triggers

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rule": self.rule,
            "value": self.value,
            "weight": self.weight,
            "quantity": self.quantity,
            "points": self.points,
            "explanation": self.explanation,
            "evidence_ids": list(self.evidence_ids),
            "entity_ids": list(self.entity_ids),
            "sources": list(self.sources),
            "path": list(self.path),
            "floor": self.floor,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Factor:
        return cls(
            name=str(data["name"]),
            rule=str(data["rule"]),
            value=str(data.get("value", "")),
            weight=float(data["weight"]),
            quantity=float(data["quantity"]),
            points=float(data["points"]),
            explanation=str(data.get("explanation", "")),
            evidence_ids=tuple(str(v) for v in data.get("evidence_ids") or ()),
            entity_ids=tuple(str(v) for v in data.get("entity_ids") or ()),
            sources=tuple(str(v) for v in data.get("sources") or ()),
            path=tuple(str(v) for v in data.get("path") or ()),
            floor=None if data.get("floor") is None else str(data["floor"]),
        )


@dataclass(frozen=True, slots=True)
class Assessment:
    """A stored assessment. ``level_by_score`` is what the score alone gives; ``floors`` the floor rules
    that raised it (empty when none did)."""

    id: int
    party_id: str
    as_of: date
    assessed_at: datetime
    assessed_by: str
    level: str
    score: float
    method: str
    factors: tuple[Factor, ...]
    review_on: date | None
    level_by_score: str = "low"
    floors: tuple[str, ...] = field(default=())

    @property
    def evidence_ids(self) -> tuple[str, ...]:
        """Every evidence id any factor rests on, once, in order."""
        seen: dict[str, None] = {}
        for factor in self.factors:
            for evidence_id in factor.evidence_ids:
                seen.setdefault(evidence_id)
        return tuple(seen)

    def factor(self, rule: str) -> Factor | None:
        """The first factor of a rule (``lists.trade-restriction``), if any."""
        return next((f for f in self.factors if f.rule == rule), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "party_id": self.party_id,
            "as_of": self.as_of.isoformat(),
            "assessed_at": self.assessed_at.isoformat(),
            "assessed_by": self.assessed_by,
            "level": self.level,
            "score": self.score,
            "level_by_score": self.level_by_score,
            "floors": list(self.floors),
            "method": self.method,
            "review_on": self.review_on.isoformat() if self.review_on else None,
            "factors": [f.to_dict() for f in self.factors],
        }


def _from_row(row: AssessmentRow, weights: Weights | None = None) -> Assessment:
    factors = tuple(Factor.from_dict(f) for f in row.factors or ())
    floors = tuple(dict.fromkeys(f.floor for f in factors if f.floor and f.points > 0))
    level_by_score = row.level
    with contextlib.suppress(InputError):  # a broken weights file does not hide stored assessments
        level_by_score = (weights or load_weights()).level_for(row.score)
    return Assessment(
        id=row.id,
        party_id=row.party_id,
        as_of=row.as_of,
        assessed_at=row.assessed_at,
        assessed_by=row.assessed_by,
        level=row.level,
        score=row.score,
        method=row.method,
        factors=factors,
        review_on=row.review_on,
        level_by_score=level_by_score,
        floors=floors,
    )


# --- derivation ----------------------------------------------------------------------------------------


def _round(value: float) -> float:
    return round(value + 0.0, 2)


def _make(
    weights: Weights,
    rule_key: str,
    *,
    name: str,
    value: str,
    quantity: float,
    explanation: str,
    evidence_ids: Iterable[str] = (),
    entity_ids: Iterable[str] = (),
    sources: Iterable[str] = (),
    path: Sequence[str] = (),
) -> Factor:
    rule = weights.rule(rule_key)
    used = round(min(max(quantity, 0.0), rule.cap), 4)
    points = _round(rule.weight * used)
    return Factor(
        name=name,
        rule=rule_key,
        value=value,
        weight=rule.weight,
        quantity=used,
        points=points,
        explanation=explanation,
        evidence_ids=tuple(dict.fromkeys(evidence_ids)),
        entity_ids=tuple(dict.fromkeys(entity_ids)),
        sources=tuple(dict.fromkeys(s for s in sources if s)),
        path=tuple(path),
        floor=rule.floor if points > 0 else None,
    )


def derive(factors: Sequence[Factor], weights: Weights | None = None) -> tuple[float, str, str]:
    """Score, level by score alone, and final level (floors applied) of a set of factors."""
    weights = weights or load_weights()
    score = max(0.0, _round(sum(f.points for f in factors)))
    by_score = weights.level_for(score)
    level = by_score
    for factor in factors:
        if factor.floor and factor.points > 0:
            floor_level = weights.floors[factor.floor]
            if LEVELS.index(floor_level) > LEVELS.index(level):
                level = floor_level
    return score, by_score, level


def rederive(assessment: Assessment, weights: Weights | None = None) -> tuple[float, str]:
    """Recompute ``(score, level)`` from the stored factors and the weights file.

    Each factor's points are recomputed as ``weight x quantity`` with the weight and cap the weights file
    gives its rule, and its floor from the file too, so a stored factor edited after the fact, or an
    assessment made under another weights version, does not re-derive silently: the latter is an
    :class:`InputError` naming both versions.
    """
    weights = weights or load_weights()
    if assessment.method != weights.method:
        raise InputError(
            f"assessment {assessment.id} was made with weights {assessment.method}; "
            f"this aktsam has {weights.method} ({weights.file})",
            field="method",
        )
    recomputed = []
    for factor in assessment.factors:
        rule = weights.rule(factor.rule)
        quantity = min(max(factor.quantity, 0.0), rule.cap)
        points = _round(rule.weight * quantity)
        recomputed.append(
            Factor(
                name=factor.name,
                rule=factor.rule,
                value=factor.value,
                weight=rule.weight,
                quantity=quantity,
                points=points,
                explanation=factor.explanation,
                floor=rule.floor if points > 0 else None,
            )
        )
    score, _, level = derive(recomputed, weights)
    return score, level


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clipped to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_date(level: str, as_of: date, weights: Weights | None = None) -> date:
    """When an assessment of ``level`` made on ``as_of`` is due for review (aktsam policy default:
    critical 3 months, high 6, medium 12, low 24; ``review_months`` in the weights file)."""
    weights = weights or load_weights()
    return add_months(as_of, weights.review_months[level])


# --- gathering -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Screened:
    """Open and cleared hits per party id, deduplicated by listed entity."""

    open: dict[str, dict[str, ScreenedHit]] = field(default_factory=dict)
    cleared: dict[str, dict[str, ScreenedHit]] = field(default_factory=dict)
    data_as_of: str = ""

    def add(self, party_id: str, hit: ScreenedHit) -> None:
        bucket = self.cleared if hit.status == "cleared" else self.open
        hits = bucket.setdefault(party_id, {})
        old = hits.get(hit.entity_id)
        if old is None or hit.score > old.score:
            hits[hit.entity_id] = hit


def is_strong(hit: ScreenedHit, weights: Weights) -> bool:
    """Confirmed by an analyst, or scoring at least ``strong_match``: a hit that may set a floor."""
    return hit.stands_confirmed or hit.score >= weights.strong_match


def list_class(hit: ScreenedHit, weights: Weights) -> str:
    """``blocking``, ``restrictive`` or ``trade-restriction`` for a hit (``list_classes`` in weights.yml);
    a weak, unconfirmed hit on an asset-freeze list is ``blocking-possible``: it asks for review and never
    makes the party critical by itself (a fuzzy name match is not a designation)."""
    cls = _class_of(hit.hit.source, hit.hit.sublist, weights)
    if cls == "blocking" and not is_strong(hit, weights):
        return "blocking-possible"
    return cls


def _class_key(source: str, sublist: str | None) -> str:
    if source == "us-csl" and sublist:
        code = sublist_code(sublist)
        if code == "SDN":
            return "us-csl:SDN"
        if sublist.endswith("Treasury Department"):
            return "us-csl:treasury"
    return source


def _class_of(source: str, sublist: str | None, weights: Weights) -> str:
    key = _class_key(source, sublist)
    classes = weights.list_classes
    return classes.get(key) or classes.get(source) or classes.get("default", "restrictive")


def _schema(party: Party) -> Schema:
    return Schema.PERSON if party.kind == "person" else Schema.ORGANIZATION


def _names(party: Party) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in (party.name, *party.aliases) if n.strip()))


def _screen(screener: Screener, parties: Sequence[Party], actor: str) -> _Screened:
    """Screen every name and alias of ``parties`` in one recorded run, under each party's register id
    (so analysts' clearances for that id apply)."""
    pairs = [(party, name) for party in parties for name in _names(party)]
    rows = [
        ScreenParty(
            row=number,
            id=party.id,
            name=name,
            schema=_schema(party),
            countries=(party.country.lower(),) if party.country else (),
            birth_date=None,
        )
        for number, (party, name) in enumerate(pairs, start=1)
    ]
    run = screener.screen_parties(rows, actor=actor, kind="assessment")
    screened = _Screened(data_as_of=run.data_as_of())
    for result in run.results:
        for hit in result.hits:
            screened.add(result.party_id, hit)
    return screened


def _hit_label(hit: ScreenedHit) -> str:
    where = hit.hit.source
    if hit.hit.sublist:
        code = sublist_code(hit.hit.sublist) if hit.hit.source == "us-csl" else None
        where += f" {code or hit.hit.sublist}"
    return f"{where}: {hit.caption} ({hit.entity_id}, score {hit.score:.2f})"


def _list_counts(hits: Iterable[ScreenedHit]) -> str:
    counts: dict[str, int] = {}
    for hit in hits:
        key = hit.hit.source
        if hit.hit.source == "us-csl" and hit.hit.sublist:
            key += f" {sublist_code(hit.hit.sublist) or hit.hit.sublist}"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{k} ({v})" for k, v in sorted(counts.items()))


def _evidence_of_kind(evidence: Sequence[Evidence], kind: str) -> list[str]:
    return [e.id for e in evidence if e.kind == kind and e.stance != "mitigating"]


def _list_factors(
    party: Party, screened: _Screened, evidence: Sequence[Evidence], weights: Weights
) -> list[Factor]:
    open_hits = list(screened.open.get(party.id, {}).values())
    cleared = list(screened.cleared.get(party.id, {}).values())
    listed_ev = _evidence_of_kind(evidence, "list-hit")
    sources = (screened.data_as_of,)
    factors: list[Factor] = []
    by_class: dict[str, list[ScreenedHit]] = {}
    for hit in open_hits:
        by_class.setdefault(list_class(hit, weights), []).append(hit)
    for cls in LIST_CLASSES:
        hits = sorted(by_class.get(cls, []), key=lambda h: (-h.score, h.entity_id))
        if not hits:
            continue
        names = "; ".join(_hit_label(h) for h in hits[:5])
        more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
        consequence = {
            "blocking": "Its assets are frozen: no funds or economic resources may be made available "
            "to it. Critical whatever else is found.",
            "blocking-possible": f"Below the strong-match score {weights.strong_match:.2f} and not "
            "confirmed: review the hit (aktsam hits confirm|clear); if confirmed, the party is critical.",
            "restrictive": "Dealings stay lawful, but a sanctions authority has named it.",
            "trade-restriction": "Exports to it need a licence that is normally denied; a government "
            "found it acting against national security or foreign-policy interests.",
        }[cls]
        factors.append(
            _make(
                weights,
                f"lists.{cls}",
                name=f"List hit: {_CLASS_NAMES[cls]}",
                value=f"{len(hits)} open hit(s): {_list_counts(hits)}",
                quantity=1,
                explanation=(
                    f"{party.name} matches {names}{more}. {consequence} Counted once for all "
                    f"{len(hits)} entr{'y' if len(hits) == 1 else 'ies'}."
                ),
                evidence_ids=listed_ev,
                entity_ids=[h.entity_id for h in hits],
                sources=sources,
            )
        )
    if not open_hits:
        factors.append(
            _make(
                weights,
                "lists.clear",
                name="List screening",
                value="no open hit",
                quantity=1,
                explanation=(
                    f"{party.name} and its aliases have no open hit at the default threshold "
                    f"({screened.data_as_of})."
                ),
                evidence_ids=listed_ev,
                sources=sources,
            )
        )
    if cleared:
        factors.append(
            _make(
                weights,
                "lists.cleared",
                name="List hits cleared",
                value=f"{len(cleared)} cleared hit(s): {_list_counts(cleared)}",
                quantity=1,
                explanation=(
                    "Cleared by an analyst as false positives and not counted: "
                    + "; ".join(
                        f"{_hit_label(h)} cleared by {h.decision.actor if h.decision else '?'}"
                        for h in cleared
                    )
                    + "."
                ),
                entity_ids=[h.entity_id for h in cleared],
                sources=sources,
            )
        )
    return factors


def _real_regimes() -> list[Regime]:
    return [r for r in bundled_regimes().values() if not r.example]


def _regimes_covering(maker: str | None) -> list[Regime]:
    if not maker:
        return []
    return [r for r in _real_regimes() if maker in r.covered]


def _regime_factor(
    party: Party, evidence: Sequence[Evidence], weights: Weights, as_of: date
) -> list[Factor]:
    regimes = [r for r in _regimes_covering(party.identifiers.get("maker")) if r.date <= as_of]
    if not regimes:
        return []
    maker = party.identifiers.get("maker")
    return [
        _make(
            weights,
            "regimes.covered",
            name="Restriction regimes",
            value=", ".join(r.id for r in regimes),
            quantity=len(regimes),
            explanation=(
                f"Products of maker {maker!r} are covered by "
                + "; ".join(f"{r.title} ({r.authority}, {r.date})" for r in regimes)
                + ". Governments found this equipment a security risk; it may not be deployed "
                "in the settings these regimes cover."
            ),
            evidence_ids=_evidence_of_kind(evidence, "regime"),
            sources=[r.source for r in regimes],
        )
    ]


def _context_factors(party: Party, weights: Weights) -> list[Factor]:
    factors: list[Factor] = []
    if party.country:
        country = riskdata.country_risk(party.country)
        if country is not None:
            factors.append(
                _make(
                    weights,
                    f"country.{country.level}",
                    name="Country risk",
                    value=f"{country.name} ({country.country}): {country.level}",
                    quantity=1,
                    explanation=(
                        f"{party.name} is based in {country.name}, rated {country.level} "
                        f"(V-Dem liberal-democracy index {country.vdem_libdem:.2f}, {country.vdem_year}): "
                        f"{weights.rule(f'country.{country.level}').reason}"
                    ),
                    sources=[f"{country.source} ({country.date})"],
                )
            )
    region_text = party.region or ""
    if region_text:
        region = riskdata.region_risk(region_text, party.country)
        if region is not None:
            factors.append(
                _make(
                    weights,
                    f"region.{region.level}",
                    name="Region risk",
                    value=f"{region.region} ({region.matched or region_text}): {region.level}",
                    quantity=1,
                    explanation=f"{party.name} is located in {region.region}: {region.reason}",
                    sources=[f"{region.source} ({region.date})"],
                )
            )
    if party.sector:
        sector = riskdata.sector_risk(party.sector)
        if sector is not None:
            factors.append(
                _make(
                    weights,
                    f"sector.{sector.level}",
                    name="Sector risk",
                    value=f"{sector.sector}: {sector.level}",
                    quantity=1,
                    explanation=f"Sector {sector.sector} is rated {sector.level}: {sector.reason}",
                    sources=[f"{sector.source} ({sector.date})"],
                )
            )
    return factors


def product_categories(party: Party, weights: Weights | None = None) -> tuple[tuple[str, ...], str]:
    """The party's product categories and where they come from (``identifiers`` or the sector)."""
    weights = weights or load_weights()
    given = party.identifiers.get("products")
    if given:
        cats = tuple(c.strip() for c in re.split(r"[,;]", given) if c.strip())
        return cats, "identifiers"
    if party.sector and party.sector.casefold() in weights.sector_products:
        return weights.sector_products[party.sector.casefold()], f"sector {party.sector}"
    return (), ""


def _forced_labour_factors(
    party: Party, evidence: Sequence[Evidence], weights: Weights, as_of: date
) -> list[Factor]:
    factors: list[Factor] = []
    matches: dict[str, riskdata.UflpaEntity] = {}
    for name in _names(party):
        for entity in riskdata.uflpa_match(name):
            if entity.effective_date and entity.effective_date > as_of.isoformat():
                continue
            matches.setdefault(entity.entity_name, entity)
    if matches:
        entities = list(matches.values())
        factors.append(
            _make(
                weights,
                "forced-labour.uflpa",
                name="UFLPA Entity List",
                value="; ".join(e.entity_name for e in entities),
                quantity=1,
                explanation=(
                    "Named on the UFLPA Entity List: "
                    + "; ".join(
                        f"{e.entity_name} (matched {e.matched!r}, effective {e.effective_date}"
                        f"{', ' + e.list_section if e.list_section else ''})"
                        for e in entities
                    )
                    + ". Goods it produces are presumed made with forced labour and are denied "
                    "entry to the US. Critical whatever else is found."
                ),
                evidence_ids=[
                    e.id for e in evidence if e.kind == "list-hit" and _mentions_uflpa(e)
                ],
                sources=[f"{e.source} ({e.date})" for e in entities],
            )
        )
    categories, origin = product_categories(party, weights)
    if party.country and categories:
        goods = {p.good: p for p in riskdata.goods_for_products(categories)}
        rows = [
            g
            for g in riskdata.forced_labour_goods(party.country, goods)
            if g.forced_labor or g.forced_child_labor or g.derived
        ]
        rows = list({g.good: g for g in rows}.values())
        if rows:
            factors.append(
                _make(
                    weights,
                    "forced-labour.goods",
                    name="Forced-labour goods (ILAB)",
                    value=", ".join(f"{g.good} ({g.country})" for g in rows),
                    quantity=len(rows),
                    explanation=(
                        f"The US DOL ILAB list names {', '.join(g.good for g in rows)} from "
                        f"{rows[0].country_name} as produced with forced labour"
                        f"{' (or from a listed input)' if any(g.derived for g in rows) else ''}; "
                        f"{party.name}'s products ({', '.join(categories)}, from its {origin}) "
                        "fall under it. A country-wide risk the party must show it manages, "
                        "not a finding against it."
                    ),
                    sources=[f"{g.source} ({g.date})" for g in rows]
                    + [
                        f"{goods[g.good].source} ({goods[g.good].date})"
                        for g in rows
                        if g.good in goods
                    ],
                )
            )
    return factors


def _mentions_uflpa(evidence: Evidence) -> bool:
    text = " ".join(filter(None, (evidence.title, evidence.quote, evidence.publisher)))
    return "uflpa" in text.casefold() or "forced labor prevention" in text.casefold()


def _gpfg_factor(
    party: Party, evidence: Sequence[Evidence], weights: Weights, as_of: date
) -> list[Factor]:
    if any(e.kind == "council-on-ethics" for e in evidence):
        return []  # recorded as evidence: counted there, not twice
    decisions = {
        (d.company, d.decision, d.date): d
        for name in _names(party)
        for d in riskdata.gpfg_decisions(name)
        if not d.date or d.date <= as_of.isoformat()
    }
    best: tuple[str, riskdata.GpfgDecision] | None = None
    order = ("council-on-ethics.recommendation", "council-on-ethics.observation",
             "council-on-ethics.exclusion")  # fmt: skip
    for decision in decisions.values():
        kind = decision.decision.casefold()
        status = decision.status.casefold()
        if kind == "exclusion" and status == "excluded":
            rule = order[2]
        elif "observation" in kind or status == "under_observation":
            rule = order[1]
        elif kind.startswith("recommendation"):
            rule = order[0]
        else:
            continue
        if best is None or order.index(rule) > order.index(best[0]):
            best = (rule, decision)
    if best is None:
        return []
    rule, decision = best
    return [
        _make(
            weights,
            rule,
            name="Council on Ethics (GPFG)",
            value=f"{decision.decision} ({decision.status}, {decision.status_as_of})",
            quantity=1,
            explanation=(
                f"Norwegian GPFG / Council on Ethics on {decision.company}: {decision.decision} "
                f"for {decision.criterion}. {decision.notes}"
            ),
            sources=[f"{decision.source} ({decision.date})"],
        )
    ]


def _evidence_factors(
    party: Party, evidence: Sequence[Evidence], weights: Weights, as_of: date
) -> list[Factor]:
    factors: list[Factor] = []
    usable = [e for e in evidence if e.published is None or e.published <= as_of]
    adverse: dict[str, list[Evidence]] = {}
    for item in usable:
        if item.stance == "adverse" and item.kind not in ("list-hit", "regime"):
            adverse.setdefault(item.kind, []).append(item)
    for kind, items in sorted(adverse.items()):
        rule_key = f"evidence.{kind}"
        if rule_key not in weights.rules:
            continue
        quantity = sum(weights.recency_factor(e.published, as_of) for e in items)
        factors.append(
            _make(
                weights,
                rule_key,
                name=f"Adverse evidence: {kind}",
                value=f"{len(items)} item(s), recency-weighted {quantity:g}",
                quantity=quantity,
                explanation=(
                    f"{len(items)} adverse {kind} item(s) about {party.name}: "
                    + "; ".join(_evidence_label(e) for e in items)
                    + f". {weights.rule(rule_key).reason}"
                ),
                evidence_ids=[e.id for e in items],
                sources=[e.url or e.publisher or e.title for e in items],
            )
        )
    mitigating = [e for e in usable if e.stance == "mitigating"]
    if mitigating:
        quantity = sum(
            weights.mitigating_strength.get(e.kind, 0.1)
            * weights.recency_factor(e.published, as_of)
            for e in mitigating
        )
        factors.append(
            _make(
                weights,
                "evidence.mitigating",
                name="Mitigating evidence",
                value=f"{len(mitigating)} item(s), strength {min(quantity, 1.0):g}",
                quantity=quantity,
                explanation=(
                    f"{len(mitigating)} mitigating item(s): "
                    + "; ".join(_evidence_label(e) for e in mitigating)
                    + ". Mitigation lowers the score by at most 20 points and never lifts a floor."
                ),
                evidence_ids=[e.id for e in mitigating],
                sources=[e.url or e.publisher or e.title for e in mitigating],
            )
        )
    return factors


def _evidence_label(evidence: Evidence) -> str:
    when = evidence.published.isoformat() if evidence.published else "undated"
    by = f"{evidence.publisher}, " if evidence.publisher else ""
    topic = f" [{evidence.topic}]" if evidence.topic else ""
    return f"{evidence.id} {evidence.title!r} ({by}{when}){topic}"


def _questionnaire_factors(
    party: Party, finding: QuestionnaireFinding | None, weights: Weights
) -> list[Factor]:
    if finding is None:
        return [
            _make(
                weights,
                "questionnaire.none",
                name="Questionnaire",
                value="none sent",
                quantity=1,
                explanation=f"No due-diligence questionnaire has been sent to {party.name.rstrip('.')}.",
            )
        ]
    ref = f"questionnaire {finding.questionnaire_id} ({finding.template})"
    sources = [ref]
    if finding.outstanding:
        if finding.overdue:
            return [
                _make(
                    weights,
                    "questionnaire.overdue",
                    name="Questionnaire overdue",
                    value=f"{finding.days_overdue} days overdue (due {finding.due_on})",
                    quantity=1,
                    explanation=(
                        f"{party.name} has not answered {ref}, sent {finding.sent_on} and due "
                        f"{finding.due_on}: {finding.days_overdue} days overdue."
                    ),
                    sources=sources,
                )
            ]
        return [
            _make(
                weights,
                "questionnaire.pending",
                name="Questionnaire",
                value=f"sent {finding.sent_on}, due {finding.due_on}",
                quantity=1,
                explanation=f"{ref} was sent {finding.sent_on} and is due {finding.due_on}.",
                sources=sources,
            )
        ]
    factors: list[Factor] = []
    checks = {c.question_id: c for c in finding.checks}
    for status, rule_key, label in (
        ("missing", "questionnaire.missing", "unanswered"),
        ("evasive", "questionnaire.evasive", "evasive"),
        ("adverse", "questionnaire.adverse", "adverse"),
    ):
        ids = [c.question_id for c in finding.checks if c.status == status]
        if not ids:
            continue
        factors.append(
            _make(
                weights,
                rule_key,
                name=f"Questionnaire: {label} answers",
                value=f"{len(ids)} of {len(finding.checks)}: {', '.join(ids)}",
                quantity=len(ids),
                explanation=(
                    f"In {ref}, answered {finding.answered_on}, {len(ids)} answer(s) are {label}: "
                    + "; ".join(f"{i} ({checks[i].reason})" for i in ids)
                    + "."
                ),
                sources=sources,
            )
        )
    if not factors:
        factors.append(
            _make(
                weights,
                "questionnaire.complete",
                name="Questionnaire complete",
                value=f"all {len(finding.checks)} answered specifically",
                quantity=1,
                explanation=(
                    f"{party.name} answered every question of {ref} specifically on "
                    f"{finding.answered_on}; self-declared, so it weighs little."
                ),
                sources=sources,
            )
        )
    return factors


@dataclass(frozen=True, slots=True)
class _Upstream:
    link: UpstreamLink
    party: Party


def _qualifying(links: Sequence[UpstreamLink], weights: Weights) -> list[UpstreamLink]:
    return [
        link
        for link in links
        if link.role in ("controller", "maker")
        or "controls" in link.kinds
        or "maker-of" in link.kinds
        or (link.share is not None and link.share + 1e-9 >= weights.min_owner_share)
    ]


def _path_text(path: Sequence[str], kinds: Sequence[str], share: float | None) -> str:
    parts = [path[0]]
    for kind, node in zip(kinds, path[1:], strict=False):
        parts.append(f"-[{kind}]-> {node}")
    text = " ".join(parts)
    return f"{text} (effective share {share:g} %)" if share is not None else text


def _ownership_factors(
    party: Party,
    graph: OwnershipGraph,
    ups: Sequence[_Upstream],
    screened: _Screened,
    weights: Weights,
    as_of: date,
) -> list[Factor]:
    factors: list[Factor] = []
    by_id = {u.party.id: u for u in ups}

    def classes(party_id: str) -> dict[str, list[ScreenedHit]]:
        out: dict[str, list[ScreenedHit]] = {}
        for hit in screened.open.get(party_id, {}).values():
            out.setdefault(list_class(hit, weights), []).append(hit)
        return out

    def keys(party_id: str) -> set[str]:  # lists of the strong hits: weak ones designate nobody
        return {
            _class_key(h.hit.source, h.hit.sublist)
            for h in screened.open.get(party_id, {}).values()
            if is_strong(h, weights)
        }

    findings: list[tuple[OwnershipTest, OwnershipFinding]] = []
    unknown: list[tuple[OwnershipTest, str, tuple[str, ...]]] = []
    near: list[tuple[OwnershipTest, str]] = []
    for jurisdiction, lists in DESIGNATING.items():
        designated = {u.party.id for u in ups if keys(u.party.id) & lists}
        test = ownership_rules.ownership_test_on(jurisdiction, as_of)
        if not designated or test is None:
            continue
        result = apply_test(graph, designated, test)
        found = result.finding(party.id)
        if found is not None:
            findings.append((test, found))
        unknown += [(test, h, p) for h, p in result.unknown.get(party.id, ())]
        if found is None and party.id in result.near_misses:
            near.append((test, result.near_misses[party.id]))
    if findings:
        roots = {f.path[0] for _, f in findings}
        entity_ids = [h.entity_id for r in roots for h in screened.open.get(r, {}).values()]
        factors.append(
            _make(
                weights,
                "ownership.owned-by-blocked",
                name="Owned or controlled by blocked parties",
                value="; ".join(
                    f"{t.jurisdiction} {f.rule}: {' -> '.join(f.path)}" for t, f in findings
                ),
                quantity=1,
                explanation=(
                    f"{party.name} is blocked by ownership: "
                    + "; ".join(
                        f"{t.jurisdiction}: {f.explanation}; path {' -> '.join(f.path)} "
                        f"[test applied: {t.describe()}; {t.row.caveat}]"
                        for t, f in findings
                    )
                    + ". Critical whatever else is found."
                ),
                entity_ids=entity_ids,
                sources=[screened.data_as_of, *(t.row.source for t, _ in findings)],
                path=findings[0][1].path,
            )
        )
    if unknown and not findings:
        factors.append(
            _make(
                weights,
                "ownership.blocked-unknown-share",
                name="Blocked owner, share not recorded",
                value="; ".join(f"{t.jurisdiction}: {h}" for t, h, _ in unknown),
                quantity=1,
                explanation=(
                    f"Owners of {party.name} under blocking sanctions hold shares the register does not "
                    "record; each could reach the threshold, so the party may be blocked. Determine the "
                    "shares (a blank share is never read as 0 %): "
                    + "; ".join(
                        f"{t.jurisdiction}: {h} (path {' -> '.join((*p, party.id))}), test "
                        f"{t.title}: {t.threshold:g} % {'or more' if t.comparison == '>=' else 'exceeded'}"
                        for t, h, p in unknown
                    )
                    + "."
                ),
                entity_ids=[
                    e.entity_id for _, h, p in unknown for e in screened.open.get(p[0], {}).values()
                ],
                sources=[screened.data_as_of, *(t.row.source for t, _, _ in unknown)],
                path=(*unknown[0][2], party.id),
            )
        )
    blocked_any = {u.party.id for u in ups if "blocking" in classes(u.party.id)}
    if blocked_any and not findings and not unknown:
        minority = [by_id[p] for p in sorted(blocked_any)]
        factors.append(
            _make(
                weights,
                "ownership.blocked-minority",
                name="Blocked owner (below the ownership threshold)",
                value="; ".join(u.party.name for u in minority),
                quantity=1,
                explanation=(
                    f"Owners or controllers of {party.name} are under blocking sanctions without "
                    "reaching the share that would block it: "
                    + "; ".join(
                        _path_text(u.link.path, u.link.kinds, u.link.share) for u in minority
                    )
                    + ". Transactions may still involve their interests."
                    + "".join(f" {t.jurisdiction}: {text}." for t, text in near)
                    + " Tests applied: "
                    + "; ".join(
                        f"{j}: {t.describe()}"
                        for j in DESIGNATING
                        if (t := ownership_rules.ownership_test_on(j, as_of)) is not None
                    )
                    + "."
                ),
                entity_ids=[
                    h.entity_id
                    for u in minority
                    for h in screened.open.get(u.party.id, {}).values()
                ],
                sources=[screened.data_as_of],
                path=minority[0].link.path,
            )
        )
    qualifying = [u for u in ups if u.link in set(_qualifying([u.link for u in ups], weights))]
    restricted = [
        u
        for u in qualifying
        if {"trade-restriction", "restrictive"} & set(classes(u.party.id))
        and u.party.id not in blocked_any
    ]
    if restricted:
        factors.append(
            _make(
                weights,
                "ownership.restricted-owner",
                name="Restricted owner, controller or maker",
                value="; ".join(f"{u.party.name} ({u.link.role})" for u in restricted),
                quantity=len(restricted),
                explanation=(
                    f"Risk reaches {party.name} from listed parties above it: "
                    + "; ".join(
                        f"{u.party.name}, {_list_counts(screened.open[u.party.id].values())}, via "
                        + _path_text(u.link.path, u.link.kinds, u.link.share)
                        for u in restricted
                    )
                    + "."
                ),
                entity_ids=[
                    h.entity_id for u in restricted for h in screened.open[u.party.id].values()
                ],
                sources=[screened.data_as_of],
                path=restricted[0].link.path,
            )
        )
    own_regimes = {r.id for r in _regimes_covering(party.identifiers.get("maker"))}
    upstream_regimes: dict[str, tuple[Regime, _Upstream]] = {}
    for u in qualifying:
        for regime in _regimes_covering(u.party.identifiers.get("maker")):
            if regime.id not in own_regimes and regime.date <= as_of:
                upstream_regimes.setdefault(regime.id, (regime, u))
    if upstream_regimes:
        items = list(upstream_regimes.values())
        factors.append(
            _make(
                weights,
                "ownership.regime-maker",
                name="Upstream maker under restriction regimes",
                value=", ".join(sorted(upstream_regimes)),
                quantity=len(items),
                explanation=(
                    f"{party.name} is linked to makers whose equipment is restricted: "
                    + "; ".join(
                        f"{r.title} covers {u.party.name} (maker {u.party.identifiers.get('maker')!r}), via "
                        + _path_text(u.link.path, u.link.kinds, u.link.share)
                        for r, u in items
                    )
                    + ". Relabelled or subsidiary products are the same equipment."
                ),
                sources=[r.source for r, _ in items],
                path=items[0][1].link.path,
            )
        )
    state = [
        u for u in qualifying if "state-owner" in u.party.roles or u.party.kind == "public-body"
    ]
    if state:

        def high_risk(u: _Upstream) -> bool:
            sector = (u.party.sector or "").casefold()
            rated = riskdata.sector_risk(sector) if sector else None
            return (
                sector in weights.high_risk_owner_sectors
                or (rated is not None and rated.level in ("high", "critical"))
                or bool({"trade-restriction", "blocking"} & set(classes(u.party.id)))
            )

        risky = [u for u in state if high_risk(u)]
        chosen = risky or state
        rule_key = "ownership.state-owner-high-risk" if risky else "ownership.state-owner"
        factors.append(
            _make(
                weights,
                rule_key,
                name="State owner" + (" (defence / security, or listed)" if risky else ""),
                value="; ".join(f"{u.party.name} ({u.link.role})" for u in chosen),
                quantity=1,
                explanation=(
                    f"{party.name} is owned or controlled by the state: "
                    + "; ".join(
                        f"{u.party.name}{', sector ' + u.party.sector if u.party.sector else ''}, via "
                        + _path_text(u.link.path, u.link.kinds, u.link.share)
                        for u in chosen
                    )
                    + f". {weights.rule(rule_key).reason}"
                ),
                sources=[screened.data_as_of] if risky else [],
                path=chosen[0].link.path,
            )
        )
    return factors


def _listings(
    store: Store, screened: _Screened, weights: Weights
) -> dict[str, tuple[Listing, ...]]:
    """Per party id, its strong hits on the lists the BIS Affiliates Rule looks at (CSL EL / MEU / SDN
    and OFAC SDN), with the licence requirement, licence policy and programmes of the entry."""
    out: dict[str, tuple[Listing, ...]] = {}
    for party_id, hits in screened.open.items():
        found = [
            listing
            for hit in hits.values()
            if is_strong(hit, weights) and (listing := listing_of(store, hit)) is not None
        ]
        if found:
            out[party_id] = tuple(found)
    return out


def _affiliates_factors(
    party: Party,
    graph: OwnershipGraph,
    listed: dict[str, tuple[Listing, ...]],
    weights: Weights,
    as_of: date,
    data_as_of: str,
) -> list[Factor]:
    """The BIS Affiliates Rule (lists/data/ownership_rules.yml) on the assessment date: a requirement
    when in force, Red Flag 29 for listed owners of unknown share, "suspended - would apply from" while
    suspended. A party listed itself (EL / MEU) keeps the factor with 0 points (counted as a listing)."""
    rules = ownership_rules.load_rules()
    others = {p: v for p, v in listed.items() if p != party.id}
    holdings = affiliates_holdings(graph, others, party.id, rules.affiliates.threshold)
    finding = ownership_rules.affiliates_finding(
        holdings, on=as_of, party_country=party.country, rules=rules
    )
    rule_key = {
        "licence-required": "ownership.affiliates-rule",
        "red-flag": "ownership.affiliates-red-flag",
        "suspended": "ownership.affiliates-suspended",
        "not-yet": "ownership.affiliates-suspended",
    }.get(finding.outcome)
    if rule_key is None:
        return []
    self_listed = any(x.code in ("EL", "MEU") for x in listed.get(party.id, ()))
    consequence = {
        "licence-required": "Its listed owners' EAR licence requirements apply to it as if it were listed "
        "(the most restrictive among them).",
        "red-flag": "Red Flag 29: a licence is required unless the listed owners' shares are determined "
        "(record them in the register and assess again); this is not a clear.",
        "suspended": "Not a requirement on this date: the rule is suspended.",
        "not-yet": "Not a requirement on this date: the rule was not yet in force.",
    }[finding.outcome]
    name = {
        "licence-required": "BIS Affiliates Rule: owned 50 % or more by listed parties",
        "red-flag": "BIS Affiliates Rule: listed owner of unknown share (Red Flag 29)",
        "suspended": "BIS Affiliates Rule (suspended on this date)",
        "not-yet": "BIS Affiliates Rule (not yet in force on this date)",
    }[finding.outcome]
    path = next((h.path for h in finding.counted if h.path), ())
    return [
        _make(
            weights,
            rule_key,
            name=name,
            value=f"{finding.outcome}: " + ", ".join(h.holder for h in finding.counted),
            quantity=0 if self_listed else 1,
            explanation=(
                f"{party.name}: {finding.text()}. {consequence}"
                + (
                    " The party is on the Entity List / MEU List itself (counted there); the owners' "
                    "policy still applies if it is more restrictive."
                    if self_listed
                    else ""
                )
                + f" Scope: {rules.affiliates.scope}"
            ),
            entity_ids=[x.entity_id for h in finding.counted for x in h.listings],
            sources=[data_as_of, rules.affiliates.source]
            + ([finding.status.period.row.source] if finding.status.period else []),
            path=(*path, party.id) if path else (),
        )
    ]


# --- service -----------------------------------------------------------------------------------------------


def assess(
    store: Store,
    settings: Settings,
    party_id: str,
    *,
    as_of: date,
    actor: str,
    screener: Screener | None = None,
    weights: Weights | None = None,
) -> Assessment:
    """Assess a party on ``as_of``, store the assessment (with its trail entry ``assessment.add``) and
    return it. Screening runs are recorded as usual (kind ``assessment``)."""
    weights = weights or load_weights()
    if not actor.strip():
        raise InputError("every assessment needs an actor (who made it)", field="actor")
    with store.session() as session:
        party = Party.from_row(require_party(session, party_id, field="party"))
        graph = OwnershipGraph.from_session(session, as_of=as_of)
        links = upstream(graph, party.id)
        ups = [
            _Upstream(link, Party.from_row(require_party(session, link.ancestor))) for link in links
        ]
        finding = latest_finding(session, party.id, as_of)
    evidence = evidence_for(store, party.id)
    screener = screener or Screener(store, settings)
    screened = _screen(screener, [party, *(u.party for u in ups)], actor)

    factors: list[Factor] = []
    factors += _list_factors(party, screened, evidence, weights)
    factors += _regime_factor(party, evidence, weights, as_of)
    factors += _context_factors(party, weights)
    factors += _forced_labour_factors(party, evidence, weights, as_of)
    factors += _gpfg_factor(party, evidence, weights, as_of)
    factors += _ownership_factors(party, graph, ups, screened, weights, as_of)
    factors += _affiliates_factors(
        party, graph, _listings(store, screened, weights), weights, as_of, screened.data_as_of
    )
    factors += _evidence_factors(party, evidence, weights, as_of)
    factors += _questionnaire_factors(party, finding, weights)

    score, _by_score, level = derive(factors, weights)
    review_on = review_date(level, as_of, weights)
    with store.session() as session:
        row = AssessmentRow(
            party_id=party.id,
            assessed_at=datetime.now(UTC),
            assessed_by=actor,
            as_of=as_of,
            level=level,
            score=score,
            method=weights.method,
            factors=[f.to_dict() for f in factors],
            review_on=review_on,
        )
        session.add(row)
        session.flush()
        made = _from_row(row, weights)
        trail.record(
            session,
            actor=actor,
            action="assessment.add",
            object_type="assessment",
            object_id=str(made.id),
            after={
                "party_id": made.party_id,
                "as_of": made.as_of,
                "level": made.level,
                "score": made.score,
                "method": made.method,
                "review_on": made.review_on,
                "evidence_ids": list(made.evidence_ids),
                "factors": [(f.rule, f.points) for f in made.factors],
            },
        )
    return made


def get_assessment(store: Store, assessment_id: int) -> Assessment:
    """One stored assessment (:class:`NotFoundError` if there is none)."""
    with store.session() as session:
        row = session.get(AssessmentRow, assessment_id)
        if row is None:
            raise NotFoundError(f"no assessment {assessment_id}")
        return _from_row(row)


def assessments_for(store: Store, party_id: str) -> list[Assessment]:
    """A party's assessments, oldest first."""
    with store.session() as session:
        require_party(session, party_id, field="party")
        rows = session.scalars(
            select(AssessmentRow)
            .where(AssessmentRow.party_id == party_id)
            .order_by(AssessmentRow.as_of, AssessmentRow.id)
        )
        return [_from_row(r) for r in rows]


def latest_assessment(store: Store, party_id: str) -> Assessment | None:
    """A party's most recent assessment (latest ``as_of``, then latest made), or None."""
    found = assessments_for(store, party_id)
    return found[-1] if found else None


def latest_in(session: Session, party_id: str) -> Assessment | None:
    """Like :func:`latest_assessment`, inside a session (for composing services)."""
    row = session.scalars(
        select(AssessmentRow)
        .where(AssessmentRow.party_id == party_id)
        .order_by(AssessmentRow.as_of.desc(), AssessmentRow.id.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else _from_row(row)


__all__ = [
    "LEVELS",
    "Assessment",
    "Factor",
    "Rule",
    "Weights",
    "add_months",
    "assess",
    "assessments_for",
    "derive",
    "get_assessment",
    "latest_assessment",
    "latest_in",
    "list_class",
    "load_weights",
    "product_categories",
    "rederive",
    "review_date",
]
