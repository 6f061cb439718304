"""Customer / end-user checks before a sale: flags, the rule behind each, and the approval.

:func:`check_sale` takes the order (reference, customer, end user, destination country, end use, end-user
type and the products with their capabilities), applies the rules of ``data/sale_rules.yml`` and stores the
result with its audit-trail entry. Each flag names its rule id, the rule's legal source and what was found;
the check's outcome is the worst of its flags:

``clear``
    no flag: the order may proceed.
``approval-required``
    the order may proceed only after someone other than the checker approves it (:func:`approve_sale`,
    four eyes), recording why (licence obtained, authority informed, classification done...).
``refused``
    the order must not proceed; a refused check cannot be approved (a new check is needed when the facts
    change, e.g. after a screening hit was cleared as a false positive).

Rule kinds (see the YAML file for every rule, its source and date):

``screening``
    the customer's and end user's names (and aliases) are screened with
    :class:`~aktsam.screening.service.Screener`; hits cleared by an analyst for that party are ignored.
    A rule matches hits from its ``lists`` or, for the US Consolidated Screening List, its
    ``csl_sublists`` (the CSL ``source`` column's code: EL, MEU, DPL, SDN...).
``capability``
    the EU 2021/821 Art. 5 cyber-surveillance catch-all: a product with a listed capability AND (an end-user
    type in the rule's list OR a destination whose country risk is high or critical, from
    ``aktsam.diligence.riskdata.country_risk`` when that module is installed).
``end-user-type``
    sensitive end users (public security, military, intelligence).
``destination``
    destinations under an embargo relevant to surveillance goods, each with its own source and outcome.
``region``
    terms (Xinjiang...) found in the end use or in the customer's / end user's name or region.

The organisation's own decisions bind too (:mod:`aktsam.diligence.saledecisions`): a stop-new-sales,
wind-down or exit decision on the customer, the end user, or the maker, brand or supplier of an order
line's product (identified with the equipment audit's identification, so a relabel counts as its maker)
refuses a new-sale line, citing the decision; warranty and service lines stay allowed under a wind-down
until its service end, and the check says so. Each check stores the list snapshots it screened against
and every decision it relied on.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from aktsam.diligence import saledecisions
from aktsam.diligence.register import require_party
from aktsam.diligence.saledecisions import LINE_KINDS, DecisionRef, LineIdentity
from aktsam.errors import AktsamError, ConfigError, InputError, NotFoundError, required_text
from aktsam.lists.parsers.us_csl import sublist_code
from aktsam.lists.staleness import StaleList, staleness_warnings
from aktsam.settings import Settings
from aktsam.store import trail
from aktsam.store.db import Store
from aktsam.store.schema import PartyRow, SaleCheckRow
from aktsam.store.trail import row_state

RULES_FILE = Path(__file__).resolve().parent / "data" / "sale_rules.yml"
OUTCOMES: tuple[str, ...] = ("clear", "approval-required", "refused")
"""From best to worst; a check's outcome is the worst of its flags."""
RULE_KINDS: tuple[str, ...] = (
    "screening",
    "capability",
    "end-user-type",
    "destination",
    "region",
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")


# -- rules ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """A legal or factual source of a rule."""

    title: str
    url: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of ``sale_rules.yml``; ``params`` holds its kind-specific settings."""

    id: str
    kind: str
    outcome: str
    message: str
    description: str
    sources: tuple[Source, ...]
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def source_label(self) -> str:
        return "; ".join(s.title for s in self.sources)


@dataclass(frozen=True, slots=True)
class SaleRules:
    """The validated rule file."""

    version: int
    checked: dt.date
    capabilities: tuple[str, ...]
    end_user_types: tuple[str, ...]
    rules: tuple[Rule, ...]
    strong_match: float = 0.9

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise NotFoundError(f"no sale rule {rule_id!r}")


def _sources(raw: Any, where: str, path: Path) -> tuple[Source, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{path}: {where}: 'sources' must be a non-empty list")
    out = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not all(item.get(k) for k in ("title", "url", "date")):
            raise ConfigError(f"{path}: {where}: source {i} needs title, url and date")
        day = item["date"]
        if not isinstance(day, dt.date):
            raise ConfigError(f"{path}: {where}: source {i}: date must be YYYY-MM-DD")
        out.append(Source(str(item["title"]), str(item["url"]), day))
    return tuple(out)


def _str_list(raw: Any, where: str, path: Path) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str) and v for v in raw):
        raise ConfigError(f"{path}: {where} must be a list of non-empty strings")
    return tuple(raw)


def _rule(raw: Any, index: int, path: Path) -> Rule:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: rule {index} is not a mapping")
    rule_id = raw.get("id")
    where = f"rule {rule_id or index}"
    for key in ("id", "kind", "outcome", "message", "description", "sources"):
        if not raw.get(key):
            raise ConfigError(f"{path}: {where}: missing {key!r}")
    if raw["kind"] not in RULE_KINDS:
        raise ConfigError(f"{path}: {where}: kind must be one of {', '.join(RULE_KINDS)}")
    if raw["outcome"] not in OUTCOMES[1:]:
        raise ConfigError(f"{path}: {where}: outcome must be approval-required or refused")
    params = {
        k: v
        for k, v in raw.items()
        if k not in ("id", "kind", "outcome", "message", "description", "sources")
    }
    kind = raw["kind"]
    if kind == "screening":
        params["lists"] = _str_list(params.get("lists", []) or [], f"{where}: lists", path)
        params["csl_sublists"] = _str_list(
            params.get("csl_sublists", []) or [], f"{where}: csl_sublists", path
        )
        if not params["lists"] and not params["csl_sublists"]:
            raise ConfigError(f"{path}: {where}: a screening rule needs lists or csl_sublists")
    elif kind == "capability":
        params["capabilities"] = _str_list(
            params.get("capabilities"), f"{where}: capabilities", path
        )
        params["end_user_types"] = _str_list(
            params.get("end_user_types", []) or [], f"{where}: end_user_types", path
        )
        params["destination_risk_levels"] = _str_list(
            params.get("destination_risk_levels", []) or [],
            f"{where}: destination_risk_levels",
            path,
        )
    elif kind == "end-user-type":
        params["end_user_types"] = _str_list(
            params.get("end_user_types"), f"{where}: end_user_types", path
        )
    elif kind == "region":
        params["terms"] = tuple(
            t.casefold() for t in _str_list(params.get("terms"), f"{where}: terms", path)
        )
    elif kind == "destination":
        entries = params.get("destinations")
        if not isinstance(entries, list) or not entries:
            raise ConfigError(f"{path}: {where}: 'destinations' must be a non-empty list")
        parsed: dict[str, dict[str, Any]] = {}
        for entry in entries:
            if not isinstance(entry, dict) or not _COUNTRY.match(str(entry.get("country", ""))):
                raise ConfigError(f"{path}: {where}: each destination needs a country (XX)")
            code = str(entry["country"])
            outcome = entry.get("outcome", raw["outcome"])
            if outcome not in OUTCOMES[1:] or not entry.get("measure"):
                raise ConfigError(f"{path}: {where}: {code}: needs measure and a valid outcome")
            parsed[code] = {
                "outcome": outcome,
                "measure": " ".join(str(entry["measure"]).split()),
                "sources": _sources(entry.get("sources"), f"{where}: {code}", path),
            }
        params["destinations"] = parsed
    return Rule(
        id=str(rule_id),
        kind=kind,
        outcome=raw["outcome"],
        message=" ".join(str(raw["message"]).split()),
        description=" ".join(str(raw["description"]).split()),
        sources=_sources(raw["sources"], where, path),
        params=params,
    )


def load_rules(path: Path | None = None) -> SaleRules:
    """The rules of ``path`` (default: the packaged ``sale_rules.yml``), validated (ConfigError)."""
    if path is None:
        return _packaged_rules()
    return _load(Path(path))


@cache
def _packaged_rules() -> SaleRules:
    return _load(RULES_FILE)


def _load(path: Path) -> SaleRules:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the sale rules: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise ConfigError(f"{path}: expected a mapping with a 'rules' list")
    if not isinstance(raw.get("checked"), dt.date):
        raise ConfigError(f"{path}: 'checked' must be a date")
    rules = tuple(_rule(item, i, path) for i, item in enumerate(raw["rules"], start=1))
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{path}: rule ids must be unique")
    return SaleRules(
        version=int(raw.get("version", 1)),
        checked=raw["checked"],
        capabilities=_str_list(raw.get("capabilities"), "capabilities", path),
        end_user_types=_str_list(raw.get("end_user_types"), "end_user_types", path),
        rules=rules,
        strong_match=_strong_match(raw.get("strong_match", 0.9), path),
    )


# -- checks --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Product:
    """An order line: the product (brand and model, e.g. ``"Hikvision DS-2CD2143G2-I"``), what it can do
    (capabilities from the rule file's vocabulary), what kind of line it is (``new`` sale, ``service`` or
    ``warranty`` work: :data:`~aktsam.diligence.saledecisions.LINE_KINDS`, given, never guessed) and,
    optionally, the party it is bought from (``supplier``)."""

    name: str
    capabilities: tuple[str, ...] = ()
    line_kind: str = "new"
    supplier: str | None = None

    @classmethod
    def parse(cls, text: str, *, line_kind: str = "new", supplier: str | None = None) -> Product:
        """``"name:cap1,cap2"`` (capabilities optional): the CLI's ``--product`` value."""
        name, _, caps = text.partition(":")
        return cls(
            name.strip(),
            tuple(c.strip() for c in caps.split(",") if c.strip()),
            line_kind,
            supplier,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "capabilities": list(self.capabilities),
            "line_kind": self.line_kind,
            "supplier": self.supplier,
        }


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding: the rule behind it, its outcome, what was found and the rule's source."""

    rule: str
    outcome: str
    message: str
    source: str
    url: str
    party_id: str | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "outcome": self.outcome,
            "message": self.message,
            "source": self.source,
            "url": self.url,
            "party_id": self.party_id,
            "detail": self.detail,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Flag:
        return cls(
            rule=str(data.get("rule", "")),
            outcome=str(data.get("outcome", "")),
            message=str(data.get("message", "")),
            source=str(data.get("source", "")),
            url=str(data.get("url", "")),
            party_id=data.get("party_id"),
            detail=data.get("detail"),
        )


@dataclass(frozen=True, slots=True)
class SaleCheck:
    """A stored check (read-only copy of its ``sale_checks`` row)."""

    id: int
    reference: str
    customer_id: str
    end_user_id: str | None
    destination: str
    end_use: str
    end_user_type: str | None
    products: tuple[Product, ...]
    flags: tuple[Flag, ...]
    outcome: str
    checked_by: str
    checked_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None
    approval_note: str | None
    snapshot_ids: tuple[int, ...] = ()
    """The list snapshots the customer and end user were screened against."""
    decisions: tuple[DecisionRef, ...] = ()
    """The register's decisions the check relied on, each with its effect on the order."""
    lines: tuple[LineIdentity, ...] = ()
    """How each order line's product was identified (maker, brand, confidence, evidence)."""
    warnings: tuple[StaleList, ...] = ()
    """Lists in force past their staleness limit when the check ran (the answer rests on old data);
    given with the check's answer, not stored."""

    @property
    def may_proceed(self) -> bool:
        """Clear, or approval-required and approved."""
        return self.outcome == "clear" or (
            self.outcome == "approval-required" and self.approved_by is not None
        )


def _check(row: SaleCheckRow) -> SaleCheck:
    return SaleCheck(
        id=row.id,
        reference=row.reference,
        customer_id=row.customer_id,
        end_user_id=row.end_user_id,
        destination=row.destination,
        end_use=row.end_use,
        end_user_type=row.end_user_type,
        products=tuple(
            Product(
                str(p.get("name", "")),
                tuple(p.get("capabilities", ())),
                str(p.get("line_kind") or "new"),
                p.get("supplier"),
            )
            for p in row.products
        ),
        flags=tuple(Flag.from_dict(f) for f in row.flags),
        outcome=row.outcome,
        checked_by=row.checked_by,
        checked_at=row.checked_at,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        approval_note=row.approval_note,
        snapshot_ids=tuple(int(i) for i in row.snapshot_ids or ()),
        decisions=tuple(DecisionRef.from_dict(d) for d in row.decisions or ()),
        lines=tuple(
            LineIdentity.from_dict(p["identified"])
            for p in row.products
            if isinstance(p.get("identified"), dict)
        ),
    )


def worst(outcomes: Sequence[str]) -> str:
    """The worst of ``outcomes`` (``clear`` when empty)."""
    return max(outcomes, key=OUTCOMES.index, default="clear")


def _level_of(risk: Any) -> str | None:
    if risk is None:
        return None
    if isinstance(risk, str):
        return risk.casefold()
    level = risk.get("level") if isinstance(risk, dict) else getattr(risk, "level", None)
    return str(level).casefold() if level else None


def default_country_risk(code: str) -> str | None:
    """The country's risk level from ``aktsam.diligence.riskdata.country_risk`` (None when that module
    or the country is unknown)."""
    try:
        module = importlib.import_module("aktsam.diligence.riskdata")
    except ImportError:
        return None
    func = getattr(module, "country_risk", None)
    if func is None:
        return None
    try:
        return _level_of(func(code))
    except (AktsamError, LookupError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class _Party:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    region: str | None
    end_user_type: str | None


def _load_party(row: PartyRow) -> _Party:
    return _Party(
        id=row.id,
        name=row.name,
        kind=row.kind,
        aliases=tuple(str(a) for a in (row.aliases or ()) if str(a).strip()),
        region=row.region,
        end_user_type=row.end_user_type,
    )


def _strong_match(value: object, path: Path) -> float:
    if not isinstance(value, int | float) or not 0 < float(value) <= 1:
        raise ConfigError(f"{path}: 'strong_match' must be a score in (0, 1]")
    return float(value)


def _screening_flags(
    rules: Sequence[Rule],
    parties: Sequence[_Party],
    screener: Any,
    actor: str,
    strong_match: float = 0.9,
    runs: list[Any] | None = None,
) -> list[Flag]:
    """One flag per (rule, party, listed entity). A hit takes its rule's outcome when an analyst
    confirmed it or it scores at least ``strong_match``; a weaker open hit is a *possible* match and asks
    for review (approval-required) instead: a fuzzy name match alone never refuses an order."""
    screening = [r for r in rules if r.kind == "screening"]
    if not screening:
        return []
    flags: dict[tuple[str, str, str], Flag] = {}
    for party in parties:
        schema = "person" if party.kind == "person" else "organization"
        for name in dict.fromkeys((party.name, *party.aliases)):
            run = screener.screen(name, schema=schema, party_id=party.id, actor=actor)
            if runs is not None:
                runs.append(run)
            for result in run.results:
                for screened in result.hits:
                    if screened.status == "cleared":
                        continue
                    hit = screened.hit
                    code = (
                        sublist_code(hit.sublist)
                        if hit.source == "us-csl" and hit.sublist
                        else None
                    )
                    for rule in screening:
                        if hit.source not in rule.params["lists"] and (
                            code is None or code not in rule.params["csl_sublists"]
                        ):
                            continue
                        key = (rule.id, party.id, hit.entity_id)
                        if key in flags:
                            continue
                        listed = f" ({hit.sublist})" if hit.sublist else ""
                        strong = screened.stands_confirmed or hit.score >= strong_match
                        outcome = rule.outcome if strong else OUTCOMES[1]
                        message = (
                            rule.message
                            if strong
                            else (
                                f"possible match (score {hit.score:.2f} < {strong_match:.2f}): review the hit "
                                f"(aktsam hits confirm|clear --party {party.id} --entity {hit.entity_id}) before "
                                f"the order proceeds; if confirmed: {rule.message}"
                            )
                        )
                        flags[key] = Flag(
                            rule=rule.id,
                            outcome=min(outcome, rule.outcome, key=OUTCOMES.index),
                            message=f"{party.id} ({party.name}): {message}",
                            source=rule.source_label,
                            url=rule.sources[0].url,
                            party_id=party.id,
                            detail=f"{hit.entity_id} {hit.caption!r}{listed}, score "
                            f"{hit.score:.2f}, matched {name!r}, hit {screened.status}",
                        )
    return list(flags.values())


def _rule_flags(
    rules: Sequence[Rule],
    *,
    parties: Sequence[_Party],
    destination: str,
    end_use: str,
    end_user_type: str | None,
    products: Sequence[Product],
    country_risk: Callable[[str], str | None],
) -> list[Flag]:
    flags: list[Flag] = []
    for rule in rules:
        base = {
            "rule": rule.id,
            "outcome": rule.outcome,
            "source": rule.source_label,
            "url": rule.sources[0].url,
        }
        if rule.kind == "capability":
            listed = set(rule.params["capabilities"])
            hits = [(p.name, sorted(listed & set(p.capabilities))) for p in products]
            hits = [(name, caps) for name, caps in hits if caps]
            if not hits:
                continue
            reasons = []
            if end_user_type is not None and end_user_type in rule.params["end_user_types"]:
                reasons.append(f"end-user type {end_user_type}")
            level = country_risk(destination) if rule.params["destination_risk_levels"] else None
            if level is not None and level in rule.params["destination_risk_levels"]:
                reasons.append(f"destination {destination} country risk {level}")
            if not reasons:
                continue
            what = "; ".join(f"{name}: {', '.join(caps)}" for name, caps in hits)
            flags.append(
                Flag(
                    **base,
                    message=rule.message,
                    detail=f"{what} — because of {' and '.join(reasons)}",
                )
            )
        elif rule.kind == "end-user-type":
            if end_user_type is not None and end_user_type in rule.params["end_user_types"]:
                flags.append(
                    Flag(**base, message=rule.message, detail=f"end-user type {end_user_type}")
                )
        elif rule.kind == "destination":
            entry = rule.params["destinations"].get(destination)
            if entry is not None:
                sources: tuple[Source, ...] = entry["sources"]
                flags.append(
                    Flag(
                        rule=rule.id,
                        outcome=entry["outcome"],
                        message=f"{rule.message}: {destination}",
                        source="; ".join(s.title for s in sources),
                        url=sources[0].url,
                        detail=entry["measure"],
                    )
                )
        elif rule.kind == "region":
            terms: tuple[str, ...] = rule.params["terms"]
            texts: list[tuple[str, str | None, str]] = [("end use", None, end_use)]
            for party in parties:
                texts.append((f"{party.id} name", party.id, party.name))
                if party.region:
                    texts.append((f"{party.id} region", party.id, party.region))
            for label, party_id, text in texts:
                found = [t for t in terms if t in text.casefold()]
                if found:
                    flags.append(
                        Flag(
                            **base,
                            message=rule.message,
                            party_id=party_id,
                            detail=f"{label} mentions {', '.join(found)}",
                        )
                    )
    return flags


def _affiliates_flags(
    store: Store,
    screener: Any,
    parties: Sequence[_Party],
    actor: str,
    strong_match: float,
    on: dt.date,
) -> list[Flag]:
    """The BIS Affiliates Rule (lists/data/ownership_rules.yml) for the customer and end user."""
    from aktsam.diligence.affiliates import check_party
    from aktsam.lists.ownership_rules import load_rules as load_ownership_rules

    rule = load_ownership_rules().affiliates
    outcomes = {
        "licence-required": OUTCOMES[1],
        "red-flag": OUTCOMES[1],
        "suspended": OUTCOMES[0],
        "not-yet": OUTCOMES[0],
    }
    messages = {
        "licence-required": "licence required (BIS Affiliates Rule: owned 50 % or more by Entity List / "
        "MEU parties; the most restrictive owner's licence requirement and policy apply)",
        "red-flag": "licence required or investigate (BIS Red Flag 29: a listed owner's share is unknown; "
        "determine the ownership before the order proceeds) - not clear",
        "suspended": "BIS Affiliates Rule suspended on this date - would apply (see detail); not a "
        "requirement today",
        "not-yet": "BIS Affiliates Rule not yet in force on this date",
    }
    flags = []
    for party in parties:
        finding = check_party(
            store, screener, party.id, on=on, actor=actor, strong_match=strong_match
        )
        if finding is None or finding.outcome not in outcomes:
            continue
        flags.append(
            Flag(
                rule=rule.id,
                outcome=outcomes[finding.outcome],
                message=f"{party.id} ({party.name}): {messages[finding.outcome]}",
                source=rule.citation,
                url=rule.source,
                party_id=party.id,
                detail=finding.text(),
            )
        )
    return flags


def check_sale(
    store: Store,
    settings: Settings,
    *,
    reference: str,
    customer_id: str,
    destination: str,
    end_use: str,
    products: Sequence[Product],
    actor: str,
    end_user_id: str | None = None,
    end_user_type: str | None = None,
    screener: Any = None,
    rules: SaleRules | None = None,
    country_risk: Callable[[str], str | None] | None = None,
    on: dt.date | None = None,
) -> SaleCheck:
    """Check an order before it proceeds; store and return the check with its flags and outcome.

    ``on`` is the date the BIS Affiliates Rule and the decisions in force are judged on (default: today;
    list staleness is always judged on today): owners of the customer or
    end user on the Entity List / MEU List reaching 50 % make the line approval-required while the rule
    is in force, as does a listed owner of unknown share (Red Flag 29); while it is suspended the check
    notes it (outcome clear for that flag) with the date it would apply from.

    ``end_user_type`` defaults to the end user's (else, without an end user, the customer's) type in the
    register. ``screener`` defaults to a :class:`~aktsam.screening.service.Screener` on ``store``; each
    screening is recorded as a screening run. Input errors (unknown party, capability or end-user type,
    bad country code, no products) change nothing.
    """
    rules = rules or load_rules()
    reference = required_text(reference, "reference")
    end_use = required_text(end_use, "end_use")
    actor = required_text(actor, "actor")
    destination = (destination or "").strip().upper()
    if not _COUNTRY.match(destination):
        raise InputError(
            f"destination must be an ISO 3166-1 alpha-2 code (e.g. CN), got {destination!r}",
            field="destination",
        )
    if not products:
        raise InputError("at least one product is required", field="products")
    for product in products:
        if not product.name.strip():
            raise InputError("every product needs a name", field="products")
        unknown = [c for c in product.capabilities if c not in rules.capabilities]
        if unknown:
            raise InputError(
                f"product {product.name!r}: unknown capabilit{'y' if len(unknown) == 1 else 'ies'} "
                f"{', '.join(unknown)}; known: {', '.join(rules.capabilities)}",
                field="products",
            )
        if product.line_kind not in LINE_KINDS:
            raise InputError(
                f"product {product.name!r}: line kind must be one of {', '.join(LINE_KINDS)}, got "
                f"{product.line_kind!r}",
                field="line_kind",
            )
    if end_user_type is not None and end_user_type not in rules.end_user_types:
        raise InputError(
            f"unknown end-user type {end_user_type!r}; known: {', '.join(rules.end_user_types)}",
            field="end_user_type",
        )
    with store.session() as session:
        customer_row = require_party(session, customer_id, field="customer")
        parties = [_load_party(customer_row)]
        if end_user_id is not None and end_user_id != customer_id:
            end_user_row = require_party(session, end_user_id, field="end user")
            parties.append(_load_party(end_user_row))
        for product in products:
            if product.supplier is not None:
                require_party(session, product.supplier, field="supplier")
    if end_user_type is None:
        end_user_type = (
            parties[-1].end_user_type if end_user_id is not None else (parties[0].end_user_type)
        )

    if screener is None:
        from aktsam.screening.service import Screener

        screener = Screener(store, settings)
    runs: list[Any] = []
    flags = _screening_flags(rules.rules, parties, screener, actor, rules.strong_match, runs)
    snapshot_ids = sorted({int(s.id) for run in runs for s in getattr(run, "snapshots", ())})
    if runs and not snapshot_ids:
        flags.append(
            Flag(
                rule="no-list-snapshot",
                outcome=OUTCOMES[1],
                message="no list snapshot was screened against: import the lists "
                "(aktsam lists update) and check again",
                source="aktsam lists status",
                url="",
            )
        )
    flags += _rule_flags(
        rules.rules,
        parties=parties,
        destination=destination,
        end_use=end_use,
        end_user_type=end_user_type,
        products=products,
        country_risk=country_risk or default_country_risk,
    )
    checked_at = dt.datetime.now(dt.UTC)
    day = on or checked_at.date()
    flags += _affiliates_flags(store, screener, parties, actor, rules.strong_match, day)
    stale = tuple(staleness_warnings(store, today=checked_at.date()))
    with store.session() as session:
        bound = saledecisions.check_decisions(
            session,
            customer_id=customer_id,
            end_user_id=end_user_id,
            lines=[saledecisions.OrderLine(p.name, p.line_kind, p.supplier) for p in products],
            today=day,
        )
        flags += [
            Flag(
                rule=f.rule,
                outcome=f.outcome,
                message=f.message,
                source=f.source,
                url="",
                party_id=f.party_id,
                detail=f.detail,
            )
            for f in bound.findings
        ]
        outcome = worst([f.outcome for f in flags])
        row = SaleCheckRow(
            reference=reference,
            customer_id=customer_id,
            end_user_id=end_user_id,
            destination=destination,
            end_use=end_use,
            end_user_type=end_user_type,
            products=[
                {**p.to_dict(), "identified": line.to_dict()}
                for p, line in zip(products, bound.lines, strict=True)
            ],
            flags=[f.to_dict() for f in flags],
            outcome=outcome,
            checked_by=actor,
            checked_at=checked_at,
            approved_by=None,
            approved_at=None,
            approval_note=None,
            snapshot_ids=snapshot_ids,
            decisions=[d.to_dict() for d in bound.decisions],
        )
        session.add(row)
        session.flush()
        trail.record(
            session,
            actor=actor,
            action="sale.check",
            object_type="sale_check",
            object_id=str(row.id),
            after={**row_state(row), "rules_checked": rules.checked},
        )
        return replace(_check(row), warnings=stale)


def approve_sale(store: Store, check_id: int, *, approver: str, note: str) -> SaleCheck:
    """Approve an ``approval-required`` check (four eyes: not the person who ran it); ``note`` says on
    what basis (licence number, authority's answer, classification...)."""
    approver = (approver or "").strip()
    note = (note or "").strip()
    if not approver:
        raise InputError("approver is required", field="approver")
    if not note:
        raise InputError(
            "an approval needs a note: on what basis is the order approved", field="note"
        )
    with store.session() as session:
        row = session.get(SaleCheckRow, check_id)
        if row is None:
            raise NotFoundError(f"no sale check {check_id}")
        if row.outcome == "refused":
            raise InputError(
                f"sale check {check_id} is refused; a refused order cannot be approved",
                field="check",
            )
        if row.outcome != "approval-required":
            raise InputError(
                f"sale check {check_id} is {row.outcome}; nothing to approve", field="check"
            )
        if row.approved_by is not None:
            raise InputError(
                f"sale check {check_id} was already approved by {row.approved_by}", field="check"
            )
        if approver.casefold() == row.checked_by.strip().casefold():
            raise InputError(
                f"four eyes: sale check {check_id} was run by {row.checked_by}; another person must "
                "approve it",
                field="approver",
            )
        before = row_state(row)
        row.approved_by, row.approved_at, row.approval_note = (
            approver,
            dt.datetime.now(dt.UTC),
            note,
        )
        session.flush()
        trail.record(
            session,
            actor=approver,
            action="sale.approve",
            object_type="sale_check",
            object_id=str(row.id),
            before=before,
            after=row_state(row),
        )
        return _check(row)


def get_sale_check(store: Store, check_id: int) -> SaleCheck:
    """One check by id (NotFoundError)."""
    with store.session() as session:
        row = session.get(SaleCheckRow, check_id)
        if row is None:
            raise NotFoundError(f"no sale check {check_id}")
        return _check(row)


def sale_checks(store: Store, *, customer_id: str | None = None) -> list[SaleCheck]:
    """Stored checks (of one customer), oldest first."""
    query = sa.select(SaleCheckRow).order_by(SaleCheckRow.checked_at, SaleCheckRow.id)
    if customer_id is not None:
        query = query.where(SaleCheckRow.customer_id == customer_id)
    with store.session() as session:
        return [_check(r) for r in session.scalars(query)]


__all__ = [
    "OUTCOMES",
    "RULES_FILE",
    "RULE_KINDS",
    "Flag",
    "Product",
    "Rule",
    "SaleCheck",
    "SaleRules",
    "Source",
    "approve_sale",
    "check_sale",
    "default_country_risk",
    "get_sale_check",
    "load_rules",
    "sale_checks",
    "worst",
]
