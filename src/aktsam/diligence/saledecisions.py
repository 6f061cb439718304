"""The organisation's own decisions in a sale check: which decision on which party binds an order line.

A decision (:mod:`aktsam.diligence.decisions`) says what the organisation does about a party; its
``scope`` says which business it stops: ``purchases`` (buying from the party), ``sales`` (selling to the
party, or selling the party's products when it is a maker or brand) and ``service`` (warranty and service
work too). The defaults are those of :data:`~aktsam.diligence.decisions.DEFAULT_SCOPE`: stop-new-purchases
→ purchases; stop-new-sales → sales; wind-down → purchases and sales, the warranty and service duties
already owed kept until ``service_until``; exit → purchases, sales and service.

Who an order line concerns, and how (each with the basis printed beside the decision):

* ``customer`` / ``end user``: the parties the goods are sold to; their ``sales`` scope binds.
* ``maker``: the party whose ``identifiers`` say ``maker=<id>`` for the maker the equipment audit's own
  identification (:func:`aktsam.devices.identify.identify`: maker and brand names, model patterns and the
  relabel map) finds in the line, and the parties the register records as ``maker-of`` a brand party the
  line names. An OEM label therefore counts as its maker. Its ``sales`` scope binds the line.
* ``brand``: a party in the role brand or manufacturer (or the target of a ``maker-of`` relation) whose
  name or alias is the line's brand. Its ``sales`` scope binds the line.
* ``supplier``: the party the line says the goods are bought from; its ``purchases`` scope binds.
* ``distributor``: when the line names no supplier, a party recorded as ``distributor-of`` the line's
  maker or brand whose decision stops purchases from it: the check asks to confirm the goods are not
  bought from it.

Outcomes: a binding decision in force refuses a new-sale line; warranty and service lines stay allowed
under a wind-down until ``service_until`` (the check says so), are refused under exit (``service`` in
scope) and after the wind-down's service end. A decision awaiting four-eyes approval, one that takes
effect later, a ``conditional`` one, a scope entry the check does not know, a ``stop-new-purchases``
decision on the line's maker (the sale is not stopped, but it must not need a new purchase from it), a
low-confidence identification and a line whose maker cannot be identified while such decisions are in
force all ask for review (``approval-required``): never a silent ``clear``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from aktsam.devices.evidence import Evidence
from aktsam.devices.fingerprints import match_model
from aktsam.devices.identify import Identification, identify
from aktsam.devices.makers import makers
from aktsam.devices.model import DeviceRecord, Origin
from aktsam.devices.relabels import brand_key, relabels
from aktsam.diligence.decisions import IN_FORCE, PENDING
from aktsam.errors import InputError
from aktsam.store.schema import DecisionRow, PartyRow, RelationRow

LINE_KINDS: tuple[str, ...] = ("new", "service", "warranty")
"""What an order line is: ``new`` (a new sale of goods), ``service`` (service or repair work, with the
parts it fits, on equipment already sold) or ``warranty`` (work or replacement owed under a warranty
already given). Given explicitly by the caller; never guessed from the line's text."""
LINE_LABELS: dict[str, str] = {"new": "new sale", "service": "service", "warranty": "warranty"}
SCOPES: tuple[str, ...] = ("purchases", "sales", "service")
"""The scope entries the sale check understands; any other entry asks for review."""
CLEAR, REVIEW, REFUSED = "clear", "approval-required", "refused"
_STRONG_LEVELS = frozenset({"high", "medium"})
_BRAND_ROLES = frozenset({"brand", "manufacturer"})
_MAKER_ROLES = frozenset({"manufacturer", "brand", "supplier"})
_LINE_ROLES = ("maker", "brand", "supplier", "distributor")
_PARTY_ROLES = ("customer", "end user")


@dataclass(frozen=True, slots=True)
class LineIdentity:
    """Who made an order line's product, as the equipment audit's identification finds it."""

    line: str
    brand: str | None
    model: str | None
    maker: str | None  # maker id from devices/data/makers.csv
    maker_name: str | None
    level: str  # high / medium / low / unknown
    confidence: float
    relabelled: bool
    evidence: tuple[str, ...]
    conflicts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "brand": self.brand,
            "model": self.model,
            "maker": self.maker,
            "maker_name": self.maker_name,
            "level": self.level,
            "confidence": self.confidence,
            "relabelled": self.relabelled,
            "evidence": list(self.evidence),
            "conflicts": list(self.conflicts),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> LineIdentity:
        def _opt(key: str) -> str | None:
            value = data.get(key)
            return None if value is None else str(value)

        confidence = data.get("confidence", 0.0)
        return cls(
            line=str(data.get("line", "")),
            brand=_opt("brand"),
            model=_opt("model"),
            maker=_opt("maker"),
            maker_name=_opt("maker_name"),
            level=str(data.get("level", "unknown")),
            confidence=float(confidence) if isinstance(confidence, int | float) else 0.0,
            relabelled=bool(data.get("relabelled", False)),
            evidence=tuple(str(e) for e in _seq(data.get("evidence"))),
            conflicts=tuple(str(c) for c in _seq(data.get("conflicts"))),
        )

    @property
    def summary(self) -> str:
        if self.maker is None:
            return f"maker not identified ({'; '.join(self.conflicts) or 'no maker signal'})"
        relabel = f", sold as {self.brand}" if self.relabelled and self.brand else ""
        return (
            f"identified as {self.maker_name} ({self.level} confidence {self.confidence:.2f}"
            f"{relabel}: {'; '.join(self.evidence)})"
        )


def _seq(value: object) -> Sequence[object]:
    return value if isinstance(value, list | tuple) else ()


@dataclass(frozen=True, slots=True)
class DecisionRef:
    """A decision the check relied on: what it is, whom it concerns in this order, and its effect."""

    decision_id: int
    kind: str
    status: str  # in-force / pending-approval
    party_id: str
    party_name: str
    role: str  # customer, end user, maker, brand, supplier, distributor
    basis: str  # how the party is linked to the order (line)
    line: str | None  # the order line (None for the customer / end user)
    line_kind: str | None
    scope: tuple[str, ...]
    effective_on: dt.date
    service_until: dt.date | None
    decided_by: str
    decided_on: dt.date
    approved_by: str | None
    rationale: str
    outcome: str  # what it means for the order: clear, approval-required, refused
    effect: str

    def to_dict(self) -> dict[str, object]:
        return {
            "decision_id": self.decision_id,
            "kind": self.kind,
            "status": self.status,
            "party_id": self.party_id,
            "party_name": self.party_name,
            "role": self.role,
            "basis": self.basis,
            "line": self.line,
            "line_kind": self.line_kind,
            "scope": list(self.scope),
            "effective_on": self.effective_on.isoformat(),
            "service_until": self.service_until.isoformat() if self.service_until else None,
            "decided_by": self.decided_by,
            "decided_on": self.decided_on.isoformat(),
            "approved_by": self.approved_by,
            "rationale": self.rationale,
            "outcome": self.outcome,
            "effect": self.effect,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> DecisionRef:
        def _day(key: str) -> dt.date | None:
            value = data.get(key)
            return dt.date.fromisoformat(str(value)) if value else None

        def _opt(key: str) -> str | None:
            value = data.get(key)
            return None if value is None else str(value)

        decision_id = data.get("decision_id", 0)
        return cls(
            decision_id=int(decision_id) if isinstance(decision_id, int | str) else 0,
            kind=str(data.get("kind", "")),
            status=str(data.get("status", "")),
            party_id=str(data.get("party_id", "")),
            party_name=str(data.get("party_name", "")),
            role=str(data.get("role", "")),
            basis=str(data.get("basis", "")),
            line=_opt("line"),
            line_kind=_opt("line_kind"),
            scope=tuple(str(s) for s in _seq(data.get("scope"))),
            effective_on=_day("effective_on") or dt.date.min,
            service_until=_day("service_until"),
            decided_by=str(data.get("decided_by", "")),
            decided_on=_day("decided_on") or dt.date.min,
            approved_by=_opt("approved_by"),
            rationale=str(data.get("rationale", "")),
            outcome=str(data.get("outcome", "")),
            effect=str(data.get("effect", "")),
        )

    @property
    def citation(self) -> str:
        """Decision id, kind, party, date and who decided / approved it."""
        who = f"decided by {self.decided_by} on {self.decided_on.isoformat()}"
        who += (
            f", approved by {self.approved_by}"
            if self.approved_by
            else (", awaiting a second person's approval" if self.status == PENDING
                  else ", in force without a second approval (not a four-eyes decision)")
        )  # fmt: skip
        return (
            f"decision {self.decision_id} ({self.kind}, {self.status}) on {self.party_id} "
            f"({self.party_name}), effective {self.effective_on.isoformat()}; {who}"
        )


@dataclass(frozen=True, slots=True)
class DecisionFinding:
    """A decision's effect on the order that is not ``clear``: becomes a flag of the check."""

    rule: (
        str  # decision, decision-pending, decision-unidentified-product, decision-supplier-unnamed
    )
    outcome: str
    message: str
    source: str
    party_id: str | None
    detail: str


@dataclass(frozen=True, slots=True)
class OrderLine:
    """An order line as the decision check sees it."""

    name: str
    line_kind: str = "new"
    supplier_id: str | None = None


# -- identification ------------------------------------------------------------------------------------


def _evidence(item: Evidence) -> str:
    """One signal, short: what was seen, the maker it names and its weight (a relabel with its claim)."""
    text = f"{item.kind} {item.observed!r} → {item.maker} ({item.weight:.2f})"
    return f"{text}: {item.note}" if item.kind == "relabel-map" and item.note else text


def _is_brand(text: str) -> bool:
    return makers().match(text) is not None or brand_key(text) in relabels().brands


def identify_line(name: str, *, index: int = 1) -> LineIdentity:
    """Identify an order line ("Hikvision DS-2CD2143G2-I", "LTS LTN8708K-P8", "DS-2CD2143G2-I") with the
    equipment audit's identification: the longest leading words that name a maker or brand in its tables
    are the label, the rest the model; without such words, text matching a model pattern is the model and
    anything else the label."""
    text = " ".join(name.split())
    words = text.split(" ")
    brand: str | None = None
    model: str | None = None
    for k in range(len(words), 0, -1):
        head = " ".join(words[:k])
        if _is_brand(head):
            brand, model = head, " ".join(words[k:]) or None
            break
    if brand is None:
        if match_model(text):
            model = text
        else:
            brand = text
    origin = Origin(file="order line", row=index, kind="manual")
    found: Identification = identify(DeviceRecord(origin=origin, brand=brand, model=model))
    return LineIdentity(
        line=text,
        brand=found.brand or brand,
        model=model,
        maker=found.maker,
        maker_name=found.maker_name,
        level=found.level,
        confidence=found.confidence,
        relabelled=found.relabelled,
        evidence=tuple(
            _evidence(e) for e in found.evidence if e.maker is not None and e.weight > 0
        ),
        conflicts=tuple(found.conflicts),
    )


# -- the register's links -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Link:
    party: PartyRow
    role: str
    basis: str
    possible: bool = False  # a low-confidence identification: review, never refuse on it alone


def _names(row: PartyRow) -> set[str]:
    return {brand_key(n) for n in (row.name, *(str(a) for a in row.aliases or ())) if brand_key(n)}


def _current(relation: RelationRow, today: dt.date) -> bool:
    return (relation.since is None or relation.since <= today) and (
        relation.until is None or relation.until >= today
    )


def _relation_source(relation: RelationRow) -> str:
    where = relation.source or "no source given"
    when = f", {relation.source_date.isoformat()}" if relation.source_date else ""
    return f"{where}{when}"


def _line_links(
    parties: Sequence[PartyRow],
    relations: Sequence[RelationRow],
    identity: LineIdentity,
    supplier: PartyRow | None,
    today: dt.date,
) -> list[_Link]:
    links: dict[tuple[str, str], _Link] = {}

    def add(link: _Link) -> None:
        """One link per party and direction: a party that is both the maker and the brand of the line is
        one maker link with both bases (the stronger one first)."""
        key = (link.party.id, _direction(link.role))
        old = links.get(key)
        if old is None:
            links[key] = link
        elif link.basis not in old.basis:
            first, second = (link, old) if old.possible and not link.possible else (old, link)
            role = "maker" if "maker" in (old.role, link.role) else first.role
            links[key] = _Link(first.party, role, f"{first.basis}; {second.basis}",
                               first.possible and second.possible)  # fmt: skip

    by_id = {p.id: p for p in parties}
    if identity.maker is not None:
        possible = identity.level not in _STRONG_LEVELS
        for party in parties:
            if (party.identifiers or {}).get("maker") == identity.maker:
                add(_Link(party, "maker", f"{identity.summary}; party {party.id} has identifiers "
                          f"maker={identity.maker}", possible))  # fmt: skip
            elif not (party.identifiers or {}).get("maker") and _MAKER_ROLES & set(
                party.roles or ()
            ):
                named = [n for n in (party.name, *(str(a) for a in party.aliases or ()))
                         if (m := makers().match(n)) is not None and m.maker == identity.maker]  # fmt: skip
                if named:
                    add(_Link(party, "maker", f"{identity.summary}; party {party.id} is named "
                              f"{named[0]!r}, a name of {identity.maker_name} in the equipment "
                              "audit's maker tables (no identifiers maker=… recorded)",
                              possible))  # fmt: skip
    makes = [r for r in relations if r.kind == "maker-of" and _current(r, today)]
    made = {r.target_id for r in makes}
    brand = brand_key(identity.brand) if identity.brand else ""
    if brand:
        for party in parties:
            roles = {str(r) for r in party.roles or ()}
            if (roles & _BRAND_ROLES or party.id in made) and brand in _names(party):
                add(_Link(party, "brand", f"the line names brand {identity.brand!r}, a name of "
                          f"party {party.id}"))  # fmt: skip
                for relation in makes:
                    maker = by_id.get(relation.source_id)
                    if relation.target_id == party.id and maker is not None:
                        add(_Link(maker, "maker", f"register: {maker.id} maker-of {party.id} "
                                  f"({_relation_source(relation)})"))  # fmt: skip
    if supplier is not None:
        add(_Link(supplier, "supplier", f"the line is bought from {supplier.id}"))
    else:
        products_of = {link.party.id for link in links.values() if link.role in ("maker", "brand")}
        for relation in relations:
            distributor = by_id.get(relation.source_id)
            if (relation.kind == "distributor-of" and relation.target_id in products_of
                    and _current(relation, today) and distributor is not None):  # fmt: skip
                add(_Link(distributor, "distributor", f"register: {distributor.id} distributor-of "
                          f"{relation.target_id} ({_relation_source(relation)}); the line names no "
                          "supplier"))  # fmt: skip
    return list(links.values())


# -- what a decision means for a line ---------------------------------------------------------------------


def _direction(role: str) -> str:
    """The scope entry that binds a party in this role: buying from it, or selling to it / its products."""
    return "purchases" if role in ("supplier", "distributor") else "sales"


def _what(role: str, party: str) -> str:
    if role in _PARTY_ROLES:
        return f"new sales to {party}"
    if role in ("supplier", "distributor"):
        return f"new purchases from {party}"
    return f"new sales of the products of {party}"


def effect(
    decision: DecisionRow, role: str, line_kind: str | None, today: dt.date
) -> tuple[str, str]:
    """(outcome, why) of one decision for a party in ``role`` and a line of ``line_kind`` (None: the order
    as a whole, for the customer and end user: the worst line kind counts, see :func:`check_decisions`)."""
    kind, party = decision.kind, decision.party_id
    scope = {str(s) for s in decision.scope or ()}
    if decision.status == PENDING:
        return REVIEW, (
            f"decision pending approval: {kind} on {party} is not in force until a second person "
            f"approves it (aktsam decisions approve {decision.id}); review the order against it"
        )
    unknown = sorted(scope - set(SCOPES))
    if unknown:
        return REVIEW, (
            f"scope {', '.join(unknown)} of decision {decision.id} is not one the sale check knows "
            f"({', '.join(SCOPES)}): review the order against it"
        )
    outcome, why = _in_force_effect(decision, scope, role, line_kind or "new", today)
    if decision.effective_on > today and outcome != CLEAR:
        return REVIEW, (
            f"takes effect on {decision.effective_on.isoformat()}; from then: {why}. Confirm the order "
            "is delivered and invoiced before that date"
        )
    return outcome, why


def _in_force_effect(
    decision: DecisionRow, scope: set[str], role: str, line_kind: str, today: dt.date
) -> tuple[str, str]:
    kind, party = decision.kind, decision.party_id
    if kind == "conditional":
        return REVIEW, (
            f"continue on conditions: confirm the conditions of decision {decision.id} are met "
            f"({decision.rationale})"
        )
    direction = _direction(role)
    if direction in scope:
        stops = _what(role, party)
        if line_kind == "new":
            return REFUSED, f"{kind} stops {stops}"
        if "service" in scope:
            return REFUSED, f"{kind} stops {stops} and {line_kind} work too (scope service)"
        if kind == "wind-down":
            until = decision.service_until
            if until is not None and today <= until:
                owed = (
                    "" if line_kind == "warranty" else "; only service owed under an existing "
                    "contract: a new service contract is new business"
                )  # fmt: skip
                return CLEAR, (
                    f"allowed as {line_kind} work: the wind-down keeps the warranty and service duties "
                    f"already owed until {until.isoformat()} (new business is stopped{owed})"
                )
            ended = until.isoformat() if until else "(no date)"
            return REFUSED, (
                f"the wind-down's warranty and service duties ended on {ended}: {line_kind} work "
                "now is new business, which it stops"
            )
        if line_kind == "warranty":
            return CLEAR, (
                f"allowed as warranty work: a duty already owed is not one of the {stops} that "
                f"{kind} stops"
            )
        return REVIEW, (
            f"{kind} stops {stops}; it does not say whether service work counts as one: confirm the "
            "service is owed under an existing contract"
        )
    if "service" in scope and line_kind != "new" and role not in ("supplier", "distributor"):
        return REFUSED, f"{kind} stops {line_kind} work for {party} (scope service)"
    if role in ("maker", "brand") and "purchases" in scope and line_kind == "new":
        return REVIEW, (
            f"{kind} stops new purchases from {party}, not sales of its products: the order may "
            f"proceed only from stock already bought, with no new purchase from {party}; confirm"
        )
    if kind in ("continue", "engage"):
        return CLEAR, f"{kind}: no restriction on this order"
    covered = ", ".join(sorted(scope)) or "nothing"
    return CLEAR, f"{kind} covers {covered}, not this {line_kind} line's {direction}"


# -- the check --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DecisionCheck:
    """What the decisions mean for an order: the findings (flags), every decision relied on, and how each
    line was identified."""

    findings: tuple[DecisionFinding, ...]
    decisions: tuple[DecisionRef, ...]
    lines: tuple[LineIdentity, ...]


def _decisions_by_party(session: Session, party_ids: Iterable[str]) -> dict[str, list[DecisionRow]]:
    """Per party: its decision in force (the latest one) and those awaiting approval."""
    ids = sorted(set(party_ids))
    out: dict[str, list[DecisionRow]] = {}
    if not ids:
        return out
    rows = session.scalars(
        sa.select(DecisionRow)
        .where(DecisionRow.party_id.in_(ids), DecisionRow.status.in_((IN_FORCE, PENDING)))
        .order_by(DecisionRow.decided_at.desc(), DecisionRow.id.desc())
    ).all()
    for row in rows:
        kept = out.setdefault(row.party_id, [])
        if row.status == PENDING or not any(r.status == IN_FORCE for r in kept):
            kept.append(row)
    for kept in out.values():
        kept.sort(key=lambda r: r.id)
    return out


def _ref(
    decision: DecisionRow,
    party: PartyRow,
    role: str,
    basis: str,
    line: str | None,
    line_kind: str | None,
    outcome: str,
    why: str,
) -> DecisionRef:
    return DecisionRef(
        decision_id=decision.id,
        kind=decision.kind,
        status=decision.status,
        party_id=party.id,
        party_name=party.name,
        role=role,
        basis=basis,
        line=line,
        line_kind=line_kind,
        scope=tuple(str(s) for s in decision.scope or ()),
        effective_on=decision.effective_on,
        service_until=decision.service_until,
        decided_by=decision.decided_by,
        decided_on=decision.decided_at.date(),
        approved_by=decision.approved_by,
        rationale=decision.rationale,
        outcome=outcome,
        effect=why,
    )


def _finding(ref: DecisionRef) -> DecisionFinding:
    subject = (
        f"{ref.line} ({LINE_LABELS.get(ref.line_kind or '', ref.line_kind)})"
        if ref.line
        else f"{ref.role} {ref.party_id}"
    )
    message = f"{subject}: {ref.effect}. Reason: {ref.rationale}"
    rule = "decision-pending" if ref.status == PENDING else "decision"
    if ref.role == "distributor" and ref.status != PENDING:
        rule = "decision-supplier-unnamed"
    return DecisionFinding(rule=rule, outcome=ref.outcome, message=message, source=ref.citation,
                           party_id=ref.party_id, detail=ref.basis)  # fmt: skip


def check_decisions(
    session: Session,
    *,
    customer_id: str,
    end_user_id: str | None,
    lines: Sequence[OrderLine],
    today: dt.date,
) -> DecisionCheck:
    """Apply the register's decisions to an order (see the module docstring). Unknown line kinds and
    suppliers are input errors."""
    parties = list(session.scalars(sa.select(PartyRow).order_by(PartyRow.id)))
    by_id = {p.id: p for p in parties}
    relations = list(session.scalars(sa.select(RelationRow).order_by(RelationRow.id)))
    line_links: list[tuple[OrderLine, LineIdentity, list[_Link]]] = []
    for index, line in enumerate(lines, start=1):
        if line.line_kind not in LINE_KINDS:
            raise InputError(
                f"line {index} ({line.name!r}): line kind must be one of {', '.join(LINE_KINDS)}, "
                f"got {line.line_kind!r}",
                field="line_kind",
            )
        supplier = None
        if line.supplier_id is not None:
            supplier = by_id.get(line.supplier_id)
            if supplier is None:
                raise InputError(
                    f"line {index} ({line.name!r}): unknown supplier party {line.supplier_id!r}",
                    field="supplier",
                )
        identity = identify_line(line.name, index=index)
        line_links.append(
            (line, identity, _line_links(parties, relations, identity, supplier, today))
        )

    order_parties = [(customer_id, "customer")]
    if end_user_id is not None and end_user_id != customer_id:
        order_parties.append((end_user_id, "end user"))
    concerned = {pid for pid, _ in order_parties}
    concerned |= {link.party.id for _, _, links in line_links for link in links}
    product_makers = [p.id for p in parties if (p.identifiers or {}).get("maker")
                      or {str(r) for r in p.roles or ()} & _BRAND_ROLES]  # fmt: skip
    decisions = _decisions_by_party(session, concerned | set(product_makers))

    refs: list[DecisionRef] = []
    findings: list[DecisionFinding] = []

    kinds = [line.line_kind for line in lines]
    for party_id, role in order_parties:
        party = by_id[party_id]
        for decision in decisions.get(party_id, []):
            # the order as a whole: each line kind it contains, the worst effect counts
            effects = [effect(decision, role, k, today) for k in dict.fromkeys(kinds)]
            outcome, why = max(effects, key=lambda e: (CLEAR, REVIEW, REFUSED).index(e[0]))
            ref = _ref(decision, party, role, f"the order's {role}", None, None, outcome, why)
            refs.append(ref)
            if outcome != CLEAR:
                findings.append(_finding(ref))
    for line, identity, links in line_links:
        for link in links:
            for decision in decisions.get(link.party.id, []):
                outcome, why = effect(decision, link.role, line.line_kind, today)
                if link.role == "distributor":
                    if outcome == CLEAR:
                        continue
                    outcome = REVIEW
                    why = f"{why}: confirm the goods are not bought from {link.party.id}"
                if link.possible and outcome == REFUSED:
                    # a weak identification alone never refuses: review, saying what would follow
                    outcome = REVIEW
                    why = (
                        f"possibly a {identity.maker_name} product ({identity.level} confidence "
                        f"identification); if so: {why}. Confirm the maker"
                    )
                ref = _ref(decision, link.party, link.role, link.basis, line.name,
                           line.line_kind, outcome, why)  # fmt: skip
                refs.append(ref)
                if outcome != CLEAR:
                    findings.append(_finding(ref))
        if not any(link.role in ("maker", "brand") for link in links):
            findings.extend(_unidentified(line, identity, decisions, by_id, product_makers, today))
    return DecisionCheck(tuple(findings), tuple(refs), tuple(i for _, i, _ in line_links))


def _unidentified(
    line: OrderLine,
    identity: LineIdentity,
    decisions: dict[str, list[DecisionRow]],
    by_id: dict[str, PartyRow],
    product_makers: Sequence[str],
    today: dt.date,
) -> list[DecisionFinding]:
    """A line whose maker or brand is not found in the register, while decisions on makers or brands that
    would bind it are in force: confirm it is not one of theirs."""
    binding: list[str] = []
    for party_id in product_makers:
        for decision in decisions.get(party_id, []):
            outcome, _ = effect(decision, "maker", line.line_kind, today)
            if outcome != CLEAR and decision.status == IN_FORCE:
                binding.append(f"decision {decision.id} ({decision.kind}) on {party_id} "
                               f"({by_id[party_id].name})")  # fmt: skip
    if not binding or (identity.maker is not None and identity.level in _STRONG_LEVELS):
        # none binds, or the maker is known and no party of the register stands for it
        return []
    return [
        DecisionFinding(
            rule="decision-unidentified-product",
            outcome=REVIEW,
            message=(
                f"{line.name} ({LINE_LABELS[line.line_kind]}): the maker could not be identified, so the check "
                f"cannot tell whether {'; '.join(binding)} binds it. Give the brand and model "
                "(e.g. 'Axis P3265-LVE') or confirm the maker"
            ),
            source="; ".join(binding),
            party_id=None,
            detail=identity.summary,
        )
    ]


__all__ = [
    "LINE_KINDS",
    "SCOPES",
    "DecisionCheck",
    "DecisionFinding",
    "DecisionRef",
    "LineIdentity",
    "OrderLine",
    "check_decisions",
    "effect",
    "identify_line",
]
