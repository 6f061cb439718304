"""The ownership graph (pure): sanctions ownership rules and how far a party's risk reaches.

Built from plain :class:`Edge` values (or from the register with :meth:`OwnershipGraph.from_session`);
no function here touches the database. Every finding carries the rule it comes from, the share it
rests on and a path of party ids, so a reader can retrace why a party was caught.

Rules implemented (each with its own rule id):

``ofac-50``
    OFAC, *Revised Guidance on Entities Owned by Persons Whose Property and Interests in Property
    are Blocked* (13 August 2014; 79 Fed. Reg. 47726, 14 August 2014): an entity owned **50 % or
    more**, directly or indirectly, individually or **in the aggregate**, by one or more blocked
    persons is itself blocked. Indirect ownership counts only through entities that are themselves
    blocked (OFAC FAQ 401: a 25 % holding in an unblocked intermediate does not pass through).
    Control alone does not trigger the rule.
``eu-uk-owned-or-controlled``
    UK OFSI general guidance (ch. 4, "ownership and control"): owned = **more than 50 %** of the
    shares or voting rights, directly or indirectly; controlled = able to ensure that the affairs
    are conducted in accordance with the designated person's wishes (a ``controls`` edge here). OFSI
    "would not simply aggregate different designated persons' holdings" (para. 4.14, March 2022),
    so holdings of *different* designated persons are not added up by default; holdings of one
    designated person through entities it owns or controls are. The same test matches the EU
    Council's *Best practices for the effective implementation of restrictive measures* as they
    stood before July 2024 (ownership = more than 50 % of the proprietary rights; control per the
    listed criteria, e.g. the right to appoint a majority of the board).
``eu-2024-owned-or-controlled``
    The EU Best Practices as updated on 3 July 2024: ownership = **50 % or more**, and holdings of
    different designated persons **aggregated** (as the Commission's Russia-sanctions FAQ 8 on asset
    freezes had already said). Call :func:`eu_owned_or_controlled_2024` for it.

Dated tests (what the assessment uses): :func:`apply_test` applies an
:class:`~aktsam.lists.ownership_rules.OwnershipTest` (the row of ``lists/data/ownership_rules.yml`` in
force for a jurisdiction on a date: threshold, comparison, aggregation, control) and explains each
finding with its arithmetic ("A 30 % + B 25 % = 55 % ≥ 50 % (…, aggregated)"); it also returns the
holders whose share is unknown and, for tests that do not aggregate, the near-misses that would pass if
the holdings were added up. :func:`affiliates_holdings` gives a party's direct holders for the BIS
Affiliates Rule (Entity List / MEU owners, and entities 50 % or more owned by them, directly or
indirectly, in the aggregate), to be judged by :func:`aktsam.lists.ownership_rules.affiliates_finding`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from aktsam.lists.ownership_rules import Holding, Listing, OwnershipTest

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

OWNS = "owns"
CONTROLS = "controls"
MAKER_OF = "maker-of"

RULE_OFAC_50 = "ofac-50"
RULE_EU_UK = "eu-uk-owned-or-controlled"
RULE_EU_2024 = "eu-2024-owned-or-controlled"
RULE_MAJORITY_OWNED = "majority-owned"
RULE_CONTROLLED = "controlled"
RULE_MAKER_OF = "maker-of"

_EPSILON = 1e-9  # float tolerance at the thresholds: 33.3333 + 16.6667 must count as 50


@dataclass(frozen=True, slots=True)
class Edge:
    """One link: ``source`` owns ``share`` % of / controls / makes the products of ``target``."""

    source: str
    target: str
    kind: str
    share: float | None = None


@dataclass(frozen=True, slots=True)
class OwnershipFinding:
    """A party caught by a rule (or reached by a party's risk), and why.

    ``share`` is the percentage the finding rests on (aggregate held by blocked / designated parties,
    or the effective indirect share along ``path``); ``None`` where the link is control or maker-of.
    ``path`` runs from the root (the blocked / designated / assessed party) to ``party``; where
    several holders were added up, ``holders`` lists each direct holder counted and its share.
    """

    party: str
    rule: str
    share: float | None
    path: tuple[str, ...]
    basis: str  # "ownership", "control" or "maker-of"
    holders: tuple[tuple[str, float], ...] = ()
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class UpstreamLink:
    """A party above ``party`` (owner, controller, maker), with the path and the effective share.

    ``path`` runs from ``ancestor`` down to ``party``; ``kinds`` are the edge kinds along it.
    ``share`` is the effective indirect ownership (product of the shares along each all-``owns``
    path, summed over such paths, at most 100); ``None`` when no all-``owns`` path exists.
    """

    ancestor: str
    party: str
    role: str  # "owner", "controller" or "maker": the first link of ``path``
    share: float | None
    path: tuple[str, ...]
    kinds: tuple[str, ...]


@dataclass(slots=True)
class OwnershipGraph:
    """Directed graph of :class:`Edge` values, indexed both ways. Cycles are tolerated."""

    edges: list[Edge] = field(default_factory=list)
    _out: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    _in: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def from_edges(cls, edges: Iterable[Edge]) -> OwnershipGraph:
        graph = cls()
        for edge in edges:
            graph.add(edge)
        return graph

    @classmethod
    def from_session(cls, session: Session, as_of: date) -> OwnershipGraph:
        """The register's relations in force on ``as_of``.

        A relation counts when ``until`` is empty or after ``as_of`` and ``since`` is empty or not
        after ``as_of``.
        """
        from sqlalchemy import select

        from aktsam.store.schema import RelationRow

        rows = session.scalars(select(RelationRow).order_by(RelationRow.id)).all()
        return cls.from_edges(
            Edge(row.source_id, row.target_id, row.kind, row.share)
            for row in rows
            if (row.until is None or row.until > as_of)
            and (row.since is None or row.since <= as_of)
        )

    def add(self, edge: Edge) -> None:
        self.edges.append(edge)
        self._out[edge.source].append(edge)
        self._in[edge.target].append(edge)

    def outgoing(self, party: str, kind: str | None = None) -> list[Edge]:
        return [e for e in self._out.get(party, ()) if kind is None or e.kind == kind]

    def incoming(self, party: str, kind: str | None = None) -> list[Edge]:
        return [e for e in self._in.get(party, ()) if kind is None or e.kind == kind]

    def parties(self) -> set[str]:
        return {e.source for e in self.edges} | {e.target for e in self.edges}


def _share(edge: Edge) -> float:
    return float(edge.share) if edge.share is not None else 0.0


def _fmt(value: float) -> str:
    return f"{value:g} %"


def ofac_50_percent(graph: OwnershipGraph, blocked: set[str]) -> list[OwnershipFinding]:
    """Entities blocked by OFAC's 50 Percent Rule (13 Aug 2014 guidance), not listed themselves.

    An entity owned 50 % or more, directly or indirectly, individually or in the aggregate, by one or
    more blocked persons is blocked. The computation iterates to a fixed point: shares held by
    blocked parties (listed ones and those newly blocked by the rule) are summed per entity until
    nothing changes. Ownership through an entity that is not itself blocked does not count (OFAC
    FAQ 401). **Control alone does not trigger the rule** (OFAC FAQ 398): ``controls`` edges are
    ignored here; OFAC only advises caution for such entities.

    Returns one finding per newly blocked entity, in the order they were reached.
    """
    caught: dict[str, OwnershipFinding] = {}
    paths: dict[str, tuple[str, ...]] = {p: (p,) for p in blocked}
    changed = True
    while changed:
        changed = False
        for target in sorted(graph.parties()):
            if target in paths:
                continue
            holders = [
                (e.source, _share(e))
                for e in graph.incoming(target, OWNS)
                if e.source in paths and e.source != target
            ]
            total = sum(s for _, s in holders)
            if holders and total + _EPSILON >= 50.0:
                top = max(holders, key=lambda h: (h[1], h[0]))[0]
                paths[target] = (*paths[top], target)
                caught[target] = OwnershipFinding(
                    party=target,
                    rule=RULE_OFAC_50,
                    share=round(total, 6),
                    path=paths[target],
                    basis="ownership",
                    holders=tuple(sorted(holders)),
                    explanation=(
                        f"owned {_fmt(total)} in the aggregate by blocked "
                        f"{', '.join(f'{h} ({_fmt(s)})' for h, s in sorted(holders))}: "
                        "50 % or more (OFAC 50 Percent Rule)"
                    ),
                )
                changed = True
    return list(caught.values())


def eu_uk_owned_or_controlled(
    graph: OwnershipGraph,
    designated: set[str],
    *,
    aggregate: bool = False,
    at_least_half: bool = False,
    rule: str = RULE_EU_UK,
) -> list[OwnershipFinding]:
    """Parties owned or controlled, directly or indirectly, by designated persons (UK / EU test).

    Default (UK OFSI; EU Best Practices before July 2024): a party is captured when one designated
    person holds **more than 50 %** of it, directly or through parties it owns or controls (each
    captured party's holdings are attributed to the designated persons behind it), or when a
    designated or captured party has a ``controls`` edge to it. Holdings of *different* designated
    persons are not added up (OFSI general guidance para. 4.14: only with a joint arrangement, which
    the register cannot see: record it as a ``controls`` edge). So 50.0 % is *not* captured, and
    25 % + 30 % from two designated persons is not either.

    ``aggregate`` adds up all designated holdings; ``at_least_half`` makes 50.0 % enough: both are
    set by :func:`eu_owned_or_controlled_2024`.
    """
    roots: dict[str, frozenset[str]] = {p: frozenset({p}) for p in designated}
    paths: dict[str, tuple[str, ...]] = {p: (p,) for p in designated}
    caught: dict[str, OwnershipFinding] = {}

    def passes(total: float) -> bool:
        if at_least_half:
            return total + _EPSILON >= 50.0
        return total > 50.0 + _EPSILON

    changed = True
    while changed:
        changed = False
        for target in sorted(graph.parties()):
            owned = [
                e for e in graph.incoming(target, OWNS) if e.source in roots and e.source != target
            ]
            controlled = [
                e
                for e in graph.incoming(target, CONTROLS)
                if e.source in roots and e.source != target
            ]
            new_roots: set[str] = set()
            finding: OwnershipFinding | None = None
            if aggregate:
                total = sum(_share(e) for e in owned)
                if owned and passes(total):
                    new_roots.update(*(roots[e.source] for e in owned))
                    finding = _owned_finding(target, rule, total, owned, paths)
            else:
                per_root: dict[str, list[Edge]] = defaultdict(list)
                for e in owned:
                    for root in roots[e.source]:
                        per_root[root].append(e)
                for root in sorted(per_root):
                    held = per_root[root]
                    total = sum(_share(e) for e in held)
                    if passes(total):
                        new_roots.add(root)
                        if finding is None or (finding.share or 0.0) < total:
                            finding = _owned_finding(target, rule, total, held, paths, root)
            for e in controlled:
                new_roots.update(roots[e.source])
                if finding is None:
                    finding = OwnershipFinding(
                        party=target,
                        rule=rule,
                        share=None,
                        path=(*paths[e.source], target),
                        basis="control",
                        explanation=f"controlled by {e.source}, itself designated or captured",
                    )
            if not new_roots:
                continue
            before = roots.get(target, frozenset())
            after = before | new_roots
            if after != before:
                roots[target] = after
                changed = True
            if target not in paths and finding is not None:
                paths[target] = finding.path
                caught[target] = finding
                changed = True
    return list(caught.values())


def eu_owned_or_controlled_2024(
    graph: OwnershipGraph, designated: set[str]
) -> list[OwnershipFinding]:
    """The EU test after the Council's Best Practices update of 3 July 2024.

    Ownership = 50 % or more of the proprietary rights, holdings of designated persons aggregated;
    control as in :func:`eu_uk_owned_or_controlled`.
    """
    return eu_uk_owned_or_controlled(
        graph, designated, aggregate=True, at_least_half=True, rule=RULE_EU_2024
    )


def _owned_finding(
    target: str,
    rule: str,
    total: float,
    held: list[Edge],
    paths: dict[str, tuple[str, ...]],
    root: str | None = None,
) -> OwnershipFinding:
    holders = tuple(sorted((e.source, _share(e)) for e in held))
    top = max(held, key=lambda e: (_share(e), e.source)).source
    whose = f"designated {root}" if root else "designated persons (aggregated)"
    return OwnershipFinding(
        party=target,
        rule=rule,
        share=round(total, 6),
        path=(*paths[top], target),
        basis="ownership",
        holders=holders,
        explanation=(
            f"owned {_fmt(total)} by {whose} via "
            f"{', '.join(f'{h} ({_fmt(s)})' for h, s in holders)}"
        ),
    )


@dataclass(frozen=True, slots=True)
class TestResult:
    """:func:`apply_test`'s answer: the parties captured, the holders of unknown share per party
    (``(holder, path from its designated root)``), and per party the near-miss arithmetic of a test
    that does not aggregate different designated persons' holdings."""

    test: OwnershipTest
    findings: tuple[OwnershipFinding, ...]
    unknown: Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]]
    near_misses: Mapping[str, str]

    def finding(self, party: str) -> OwnershipFinding | None:
        return next((f for f in self.findings if f.party == party), None)


def _sum_text(held: Iterable[tuple[str, float]]) -> tuple[str, float]:
    items = sorted(held)
    total = sum(s for _, s in items)
    return " + ".join(f"{h} {_fmt(s)}" for h, s in items), total


def apply_test(graph: OwnershipGraph, designated: set[str], test: OwnershipTest) -> TestResult:
    """Parties owned (and, where ``test.control``, controlled) by ``designated`` under a dated test.

    Holdings count directly and through parties already captured (each captured party's holdings are
    attributed to the designated persons behind it), to a fixed point. ``aggregate``: ``all`` adds up
    every designated holding; ``none`` / ``joint-only`` add up the holdings of one designated person
    only (a joint arrangement is not visible in the register: record it as a ``controls`` relation), and
    a party that would pass if the holdings were added up is a near-miss. An ``owns`` relation from a
    designated or captured party without a share is never read as 0 %: it is listed in ``unknown``.
    """
    roots: dict[str, frozenset[str]] = {p: frozenset({p}) for p in designated}
    paths: dict[str, tuple[str, ...]] = {p: (p,) for p in designated}
    caught: dict[str, OwnershipFinding] = {}
    agg_word = {"all": "aggregated", "none": "not aggregated",
                "joint-only": "one designated person's holdings only"}[test.aggregate]  # fmt: skip
    label = f"{test.title}, {agg_word}"
    changed = True
    while changed:
        changed = False
        for target in sorted(graph.parties()):
            incoming = [
                e for e in graph.incoming(target, OWNS) if e.source in roots and e.source != target
            ]
            owned = [e for e in incoming if e.share is not None]
            controlled = [
                e for e in graph.incoming(target, CONTROLS) if e.source in roots and e.source != target
            ] if test.control else []  # fmt: skip
            new_roots: set[str] = set()
            finding: OwnershipFinding | None = None
            if test.aggregate == "all":
                terms, total = _sum_text((e.source, _share(e)) for e in owned)
                if owned and test.passes(total):
                    new_roots.update(*(roots[e.source] for e in owned))
                    why = f"{terms} = {_fmt(total)} {test.sign} {test.threshold:g} % ({label})"
                    finding = _test_finding(target, test, total, owned, paths, why)
            else:
                per_root: dict[str, list[Edge]] = defaultdict(list)
                for e in owned:
                    for root in roots[e.source]:
                        per_root[root].append(e)
                for root in sorted(per_root):
                    held = per_root[root]
                    terms, total = _sum_text((e.source, _share(e)) for e in held)
                    if test.passes(total):
                        new_roots.add(root)
                        if finding is None or (finding.share or 0.0) < total:
                            why = (f"{root}: {terms} = {_fmt(total)} {test.sign} "
                                   f"{test.threshold:g} % ({label})")  # fmt: skip
                            finding = _test_finding(target, test, total, held, paths, why)
            for e in controlled:
                new_roots.update(roots[e.source])
                if finding is None:
                    finding = OwnershipFinding(
                        party=target, rule=test.id, share=None, path=(*paths[e.source], target),
                        basis="control",
                        explanation=f"controlled by {e.source}, itself designated or captured ({test.title})",
                    )  # fmt: skip
            if not new_roots:
                continue
            before = roots.get(target, frozenset())
            if before | new_roots != before:
                roots[target] = before | new_roots
                changed = True
            if target not in paths and finding is not None:
                paths[target] = finding.path
                caught[target] = finding
                changed = True
    unknown: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
    near: dict[str, str] = {}
    for target in sorted(graph.parties()):
        if target in caught or target in designated:
            continue
        edges = [
            e for e in graph.incoming(target, OWNS) if e.source in roots and e.source != target
        ]
        blank = tuple((e.source, paths[e.source]) for e in edges if e.share is None)
        if blank:
            unknown[target] = blank
        known = [(e.source, _share(e)) for e in edges if e.share is not None]
        terms, total = _sum_text(known)
        if test.aggregate != "all" and len(known) > 1 and test.passes(total):
            near[target] = (
                f"{terms} = {_fmt(total)} {test.sign} {test.threshold:g} % only if added up: "
                f"{test.title} does not aggregate different designated persons' holdings"
                + (" unless they are held jointly or under a joint arrangement: check for one"
                   if test.aggregate == "joint-only" else "")
            )  # fmt: skip
    return TestResult(test, tuple(caught.values()), unknown, near)


def _test_finding(
    target: str,
    test: OwnershipTest,
    total: float,
    held: list[Edge],
    paths: dict[str, tuple[str, ...]],
    why: str,
) -> OwnershipFinding:
    top = max(held, key=lambda e: (_share(e), e.source)).source
    return OwnershipFinding(
        party=target,
        rule=test.id,
        share=round(total, 6),
        path=(*paths[top], target),
        basis="ownership",
        holders=tuple(sorted((e.source, _share(e)) for e in held)),
        explanation=why,
    )


def affiliates_holdings(
    graph: OwnershipGraph,
    listed: Mapping[str, tuple[Listing, ...]],
    party: str,
    threshold: float = 50.0,
) -> list[Holding]:
    """The direct holders of ``party`` that count for the BIS Affiliates Rule, with their listings.

    ``listed`` maps parties on a covered list to their listings. An entity owned ``threshold`` % or
    more (known shares, aggregated) by listed or already-captured parties is captured too and carries
    the listings of the holders counted (to a fixed point: indirect ownership through captured
    entities counts). Returns one :class:`Holding` per ``owns`` relation into ``party`` from a listed
    or captured holder, its share as recorded (None = unknown) and the path from a listed root.
    """
    carried: dict[str, tuple[Listing, ...]] = {p: tuple(v) for p, v in listed.items() if v}
    paths: dict[str, tuple[str, ...]] = {p: (p,) for p in carried}
    changed = True
    while changed:
        changed = False
        for target in sorted(graph.parties()):
            if target in carried:
                continue
            held = [e for e in graph.incoming(target, OWNS)
                    if e.source in carried and e.source != target and e.share is not None]  # fmt: skip
            if held and sum(_share(e) for e in held) + _EPSILON >= threshold:
                carried[target] = tuple(dict.fromkeys(x for e in held for x in carried[e.source]))
                top = max(held, key=lambda e: (_share(e), e.source)).source
                paths[target] = (*paths[top], target)
                changed = True
    return [
        Holding(
            e.source,
            None if e.share is None else float(e.share),
            carried[e.source],
            paths[e.source],
        )
        for e in sorted(graph.incoming(party, OWNS), key=lambda e: e.source)
        if e.source in carried and e.source != party
    ]


def risk_reach(graph: OwnershipGraph, party_id: str) -> list[OwnershipFinding]:
    """Every party that ``party_id``'s risk reaches, transitively, with the path.

    Followed from the party and from every party already reached: majority ownership (more than
    50 %, rule ``majority-owned``; ``share`` = effective share along the path), ``controls`` (rule
    ``controlled``) and ``maker-of`` (the brands it or its subsidiaries make; rule ``maker-of``).
    Breadth first, so each party is reported once with its shortest path; cycles end.
    """
    found: list[OwnershipFinding] = []
    seen = {party_id}
    queue: list[tuple[str, tuple[str, ...], float | None]] = [(party_id, (party_id,), 100.0)]
    while queue:
        current, path, eff = queue.pop(0)
        for edge in sorted(graph.outgoing(current), key=lambda e: (e.kind, e.target)):
            if edge.target in seen:
                continue
            if edge.kind == OWNS and _share(edge) > 50.0 + _EPSILON:
                share = None if eff is None else round(eff * _share(edge) / 100.0, 6)
                rule, basis = RULE_MAJORITY_OWNED, "ownership"
                why = f"{current} owns {_fmt(_share(edge))} of {edge.target}"
            elif edge.kind == CONTROLS:
                share, rule, basis = None, RULE_CONTROLLED, "control"
                why = f"{current} controls {edge.target}"
            elif edge.kind == MAKER_OF:
                share, rule, basis = None, RULE_MAKER_OF, "maker-of"
                why = f"{current} makes the products sold as {edge.target}"
            else:
                continue
            seen.add(edge.target)
            new_path = (*path, edge.target)
            found.append(OwnershipFinding(edge.target, rule, share, new_path, basis, (), why))
            queue.append((edge.target, new_path, share))
    return found


_ROLE = {OWNS: "owner", CONTROLS: "controller", MAKER_OF: "maker"}


def upstream(graph: OwnershipGraph, party_id: str, max_depth: int = 12) -> list[UpstreamLink]:
    """Owners (any share), controllers and makers above ``party_id``, transitively.

    For each ancestor: the effective indirect share (product of the ``owns`` shares along a path,
    summed over all such simple paths, capped at 100) and the path with the largest share (or the
    shortest path when no all-``owns`` path exists). Simple paths only, at most ``max_depth``
    links, so cycles end. Ordered by depth, then ancestor id.
    """
    best: dict[str, tuple[tuple[str, ...], tuple[str, ...], float | None]] = {}
    sums: dict[str, float] = defaultdict(float)

    def walk(node: str, down: tuple[str, ...], kinds: tuple[str, ...], eff: float | None) -> None:
        if len(kinds) >= max_depth:
            return
        for edge in graph.incoming(node):
            if edge.kind not in _ROLE or edge.source in down:
                continue
            path = (edge.source, *down)
            new_kinds = (edge.kind, *kinds)
            new_eff = eff * _share(edge) / 100.0 if eff is not None and edge.kind == OWNS else None
            if new_eff is not None:
                sums[edge.source] += new_eff
            old = best.get(edge.source)
            if (
                old is None
                or (new_eff is not None and (old[2] is None or new_eff > old[2]))
                or (new_eff is None and old[2] is None and len(path) < len(old[0]))
            ):
                best[edge.source] = (path, new_kinds, new_eff)
            walk(edge.source, path, new_kinds, new_eff)

    walk(party_id, (party_id,), (), 100.0)
    links = [
        UpstreamLink(
            ancestor=ancestor,
            party=party_id,
            role=_ROLE[kinds[0]],
            share=round(min(sums[ancestor], 100.0), 6) if ancestor in sums else None,
            path=path,
            kinds=kinds,
        )
        for ancestor, (path, kinds, _eff) in best.items()
        if ancestor != party_id
    ]
    return sorted(links, key=lambda link: (len(link.path), link.ancestor))
