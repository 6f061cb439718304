"""Dated legal rules about ownership (``lists/data/ownership_rules.yml``): which test applies on a date.

Two kinds of rule, each a dated row with its source, citation, whether it was read at the primary
source (``verified``) and a note saying what the text leaves open:

* **sanctions ownership tests** (asset freezes reaching owned entities): OFAC's 50 Percent Rule, the UK
  owned-or-controlled test, the EU Best Practices (2022, 2024). :func:`ownership_test_on` gives the
  :class:`OwnershipTest` of a jurisdiction on a date; :meth:`OwnershipTest.passes` applies its
  threshold and comparison.
* the **BIS Affiliates Rule** (90 FR 47201): EAR licence requirements of Entity List / MEU List (and some
  SDN) parties extend to foreign entities they own 50 % or more. :func:`affiliates_rule_status` says
  whether it is in force, suspended or not yet in force on a date, with the period row and its caveats;
  :func:`affiliates_finding` applies it to one party's direct holders.

Public API for other packages (``aktsam.devices`` calls it without importing ``aktsam.diligence``)::

    status = affiliates_rule_status(date(2026, 12, 7))      # .state: "in-force" | "suspended" | "not-yet"
    finding = affiliates_finding(
        [Holding("cetc52", None, (Listing("EL", "us-csl:12c3...", "CETC 52nd Research Institute",
                                          requirement="All items subject to the EAR",
                                          policy="Presumption of denial."),))],
        on=date(2026, 12, 7), party_country="CN",
    )
    finding.outcome     # "licence-required" | "red-flag" | "suspended" | "not-yet" | "not-applicable" | "none"
    finding.text()      # one sentence with the arithmetic, the policy, the status and every caveat

Selection rule (the data file's header): among the rows covering a date, the one *published* last
applies, so an extension of the Affiliates Rule's suspension is one more data row, not code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from aktsam.errors import ConfigError

RULES_FILE = Path(__file__).resolve().parent / "data" / "ownership_rules.yml"
JURISDICTIONS: tuple[str, ...] = ("EU", "UK", "US")
AGGREGATE: tuple[str, ...] = ("all", "none", "joint-only")
STATES: tuple[str, ...] = ("in-force", "suspended")
_EPSILON = 1e-9  # float tolerance at the threshold: 33.3333 + 16.6667 counts as 50


@dataclass(frozen=True, slots=True)
class Dated:
    """What every row has: its period, when its source was published, and the source itself."""

    start: dt.date
    end: dt.date | None
    published: dt.date
    source: str
    citation: str
    verified: bool
    note: str

    def covers(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)

    @property
    def caveat(self) -> str:
        """The note, prefixed when the row was not read at the primary source."""
        head = "" if self.verified else "[not read at the primary source] "
        return f"{head}{self.note}".strip()


@dataclass(frozen=True, slots=True)
class OwnershipTest:
    """A sanctions ownership test of one jurisdiction over one period."""

    id: str
    jurisdiction: str
    authority: str
    title: str
    threshold: float
    comparison: str  # ">" or ">="
    aggregate: str  # "all", "none", "joint-only"
    control: bool
    section: str
    row: Dated

    def passes(self, share: float) -> bool:
        if self.comparison == ">=":
            return share + _EPSILON >= self.threshold
        return share > self.threshold + _EPSILON

    @property
    def sign(self) -> str:
        return "≥" if self.comparison == ">=" else ">"

    @property
    def fails_sign(self) -> str:
        return "<" if self.comparison == ">=" else "≤"

    def describe(self) -> str:
        """``"OFAC 50 Percent Rule (…): 50 % or more, holdings aggregated"``."""
        amount = (
            f"{self.threshold:g} % or more"
            if self.comparison == ">="
            else f"more than {self.threshold:g} %"
        )
        agg = {"all": "holdings of different listed persons aggregated",
               "none": "holdings of different listed persons not aggregated",
               "joint-only": "holdings of different designated persons aggregated only under a joint "
                             "arrangement"}[self.aggregate]  # fmt: skip
        ctl = "; control also captures" if self.control else "; control alone does not"
        return f"{self.title}: {amount}, {agg}{ctl} [{self.row.citation}]"


@dataclass(frozen=True, slots=True)
class Period:
    """One period of the Affiliates Rule: ``in-force`` or ``suspended``."""

    state: str
    row: Dated


@dataclass(frozen=True, slots=True)
class AffiliatesRule:
    id: str
    title: str
    threshold: float
    lists: tuple[str, ...]
    sdn_programs: tuple[str, ...]
    source: str
    citation: str
    scope: str
    red_flag: str
    periods: tuple[Period, ...]


@dataclass(frozen=True, slots=True)
class OwnershipRules:
    checked: dt.date
    tests: tuple[OwnershipTest, ...]
    affiliates: AffiliatesRule
    file: str


# --- loading -------------------------------------------------------------------------------------


def _fail(path: Path, where: str, message: str) -> ConfigError:
    return ConfigError(f"{path}: {where}: {message}")


def _text(raw: dict[str, Any], key: str, where: str, path: Path) -> str:
    value = raw.get(key)
    if value is None or not str(value).strip():
        raise _fail(path, f"{where}, field {key!r}", "missing or empty")
    return " ".join(str(value).split())


def _day(raw: dict[str, Any], key: str, where: str, path: Path, *, required: bool = True) -> Any:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, dt.date):
        raise _fail(path, f"{where}, field {key!r}", "must be a date YYYY-MM-DD")
    return value


def _dated(raw: dict[str, Any], where: str, path: Path) -> Dated:
    start = _day(raw, "from", where, path)
    end = _day(raw, "until", where, path, required=False)
    if end is not None and end < start:
        raise _fail(path, f"{where}, field 'until'", "is before 'from'")
    verified = raw.get("verified")
    if not isinstance(verified, bool):
        raise _fail(path, f"{where}, field 'verified'", "must be true or false")
    return Dated(start, end, _day(raw, "published", where, path), _text(raw, "source", where, path),
                 _text(raw, "citation", where, path), verified, _text(raw, "note", where, path))  # fmt: skip


def _threshold(raw: dict[str, Any], where: str, path: Path) -> tuple[float, str]:
    value = raw.get("threshold")
    if not isinstance(value, int | float) or not 0 < float(value) <= 100:
        raise _fail(path, f"{where}, field 'threshold'", "must be a percentage in (0, 100]")
    if raw.get("comparison") not in (">", ">="):
        raise _fail(path, f"{where}, field 'comparison'", 'must be ">" or ">="')
    return float(value), str(raw["comparison"])


def _test(raw: Any, index: int, path: Path) -> OwnershipTest:
    if not isinstance(raw, dict):
        raise _fail(path, f"tests[{index}]", "must be a mapping")
    where = f"test {raw.get('id') or index}"
    jurisdiction = _text(raw, "jurisdiction", where, path)
    if jurisdiction not in JURISDICTIONS:
        raise _fail(
            path, f"{where}, field 'jurisdiction'", f"must be one of {', '.join(JURISDICTIONS)}"
        )
    value = raw.get("aggregate")
    aggregate = "all" if value is True else "none" if value is False else value
    if aggregate not in AGGREGATE:
        raise _fail(path, f"{where}, field 'aggregate'", "must be true, false or joint-only")
    if not isinstance(raw.get("control"), bool):
        raise _fail(path, f"{where}, field 'control'", "must be true or false")
    threshold, comparison = _threshold(raw, where, path)
    return OwnershipTest(
        id=_text(raw, "id", where, path), jurisdiction=jurisdiction,
        authority=_text(raw, "authority", where, path), title=_text(raw, "title", where, path),
        threshold=threshold, comparison=comparison, aggregate=str(aggregate),
        control=bool(raw["control"]), section=_text(raw, "section", where, path),
        row=_dated(raw, where, path),
    )  # fmt: skip


def _affiliates(raw: Any, path: Path) -> AffiliatesRule:
    where = "affiliates_rule"
    if not isinstance(raw, dict):
        raise _fail(path, where, "must be a mapping")
    threshold, comparison = _threshold(raw, where, path)
    if comparison != ">=" or raw.get("aggregate") is not True:
        raise _fail(path, where, "the Affiliates Rule counts 50 % or more, aggregated")
    periods = []
    for i, item in enumerate(raw.get("periods") or [], start=1):
        pw = f"{where}.periods[{i}]"
        if not isinstance(item, dict) or item.get("state") not in STATES:
            raise _fail(path, f"{pw}, field 'state'", f"must be one of {', '.join(STATES)}")
        periods.append(Period(str(item["state"]), _dated(item, pw, path)))
    if not periods:
        raise _fail(path, f"{where}.periods", "at least one period is required")
    lists = raw.get("lists")
    if not isinstance(lists, list) or not lists:
        raise _fail(path, f"{where}, field 'lists'", "must be a non-empty list of CSL codes")
    return AffiliatesRule(
        id=_text(raw, "id", where, path), title=_text(raw, "title", where, path), threshold=threshold,
        lists=tuple(str(v) for v in lists),
        sdn_programs=tuple(str(v) for v in raw.get("sdn_programs") or ()),
        source=_text(raw, "source", where, path), citation=_text(raw, "citation", where, path),
        scope=_text(raw, "scope", where, path), red_flag=_text(raw, "red_flag", where, path),
        periods=tuple(periods),
    )  # fmt: skip


def load_rules(path: Path | str | None = None) -> OwnershipRules:
    """The rules file (default: the packaged one), validated: a :class:`ConfigError` names the row
    and field at fault."""
    if path is None:
        return _packaged()
    return _load(Path(path))


@cache
def _packaged() -> OwnershipRules:
    return _load(RULES_FILE)


def _load(path: Path) -> OwnershipRules:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the ownership rules: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("tests"), list):
        raise ConfigError(f"{path}: expected a mapping with a 'tests' list")
    checked = _day(raw, "checked", "file", path)
    tests = tuple(_test(item, i, path) for i, item in enumerate(raw["tests"], start=1))
    if len({t.id for t in tests}) != len(tests):
        raise ConfigError(f"{path}: test ids must be unique")
    return OwnershipRules(checked, tests, _affiliates(raw.get("affiliates_rule"), path), str(path))


def _latest(rows: Iterable[Any], on: dt.date) -> Any:
    covering = [r for r in rows if r.row.covers(on)]
    return max(covering, key=lambda r: (r.row.published, r.row.start), default=None)


def ownership_test_on(
    jurisdiction: str, on: dt.date, rules: OwnershipRules | None = None
) -> OwnershipTest | None:
    """The sanctions ownership test of ``jurisdiction`` (EU, UK, US) on ``on``; None before any row."""
    rules = rules or load_rules()
    return _latest((t for t in rules.tests if t.jurisdiction == jurisdiction), on)  # type: ignore[no-any-return]


# --- the Affiliates Rule -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AffiliatesStatus:
    """The rule's state on ``on``: ``in-force``, ``suspended`` or ``not-yet``; the period row (None when
    not yet); the next change after ``on`` (e.g. the end of a suspension) and every caveat to print."""

    on: dt.date
    state: str
    period: Period | None
    next_change: Period | None
    caveats: tuple[str, ...]
    changes_on: dt.date | None = None  # the day ``next_change`` starts to apply

    def describe(self) -> str:
        if self.period is None:
            return f"not yet in force on {self.on} (from {self.changes_on or '?'})"
        text = f"{self.state} on {self.on} ({self.period.row.citation})"
        if self.state == "suspended":
            back = self.changes_on
            text = f"suspended on {self.on} ({self.period.row.citation})" + (
                f" - would apply from {back}" if back else ""
            )
        return text


def affiliates_rule_status(on: dt.date, rules: OwnershipRules | None = None) -> AffiliatesStatus:
    """Whether the BIS Affiliates Rule is in force, suspended or not yet in force on ``on``."""
    rule = (rules or load_rules()).affiliates
    period: Period | None = _latest(rule.periods, on)
    state = "not-yet" if period is None else period.state
    turns = sorted(
        {p.row.start for p in rule.periods if p.row.start > on}
        | {p.row.end + dt.timedelta(days=1) for p in rule.periods if p.row.end and p.row.end >= on}
    )
    nxt: Period | None = None
    changes_on: dt.date | None = None
    for day in turns:  # the first later day on which the row that applies has another state
        candidate: Period | None = _latest(rule.periods, day)
        if candidate is not None and candidate.state != state:
            nxt, changes_on = candidate, day
            break
    caveats = [
        p.row.caveat for p in (period, nxt) if p is not None and (p.row.note or not p.row.verified)
    ]
    return AffiliatesStatus(on, state, period, nxt, tuple(dict.fromkeys(caveats)), changes_on)


@dataclass(frozen=True, slots=True)
class Listing:
    """A listed owner's entry: ``code`` EL, MEU or SDN; licence requirement and policy as published."""

    code: str
    entity_id: str
    caption: str
    requirement: str | None = None
    policy: str | None = None
    programs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Holding:
    """A direct holder of the party: ``share`` in % (None = unknown), the listings it carries (its own
    or, for an owned entity, those of the listed parties behind it) and the path from them."""

    holder: str
    share: float | None
    listings: tuple[Listing, ...]
    path: tuple[str, ...] = ()


_POLICY_RANKS: tuple[tuple[str, int], ...] = (
    ("policy of denial", 4), ("presumption of denial", 3), ("case-by-case", 2), ("case by case", 2),
    ("presumption of approval", 1), ("approval", 1),
)  # fmt: skip
_REMARK = re.compile(r"^License (requirement|policy):\s*(.+)$", re.MULTILINE)


def policy_rank(policy: str | None) -> float | None:
    """How restrictive a licence review policy is, by the strictest phrase it contains (4 = policy of
    denial, 3 = presumption of denial, 2 = case-by-case, 1 = approval), half a step less when it also
    names a milder one (a mixed policy: "case-by-case for ECCNs …; presumption of denial for all other
    items" = 2.5); None when it names none (MEU entries point to §744.21(e): see the listing)."""
    text = (policy or "").casefold()
    found = {rank for phrase, rank in _POLICY_RANKS if phrase in text}
    if not found:
        return None
    top = max(found)
    return top - 0.5 if min(found) < top else float(top)


def licence_terms(remarks: str | None) -> tuple[str | None, str | None]:
    """``(requirement, policy)`` from a CSL entity's remarks (the us-csl parser stores the columns
    ``license_requirement`` / ``license_policy`` there as ``License requirement: …`` lines)."""
    found = {kind: value.strip() for kind, value in _REMARK.findall(remarks or "")}
    return found.get("requirement"), found.get("policy")


@dataclass(frozen=True, slots=True)
class AffiliatesFinding:
    """What the rule means for one party on one date (see :func:`affiliates_finding`)."""

    outcome: str  # licence-required | red-flag | suspended | not-yet | not-applicable | none
    captured: bool  # 50 % or more held by listed owners (known shares), whatever the rule's state
    unknown: tuple[Holding, ...]  # listed holders whose share is not known (Red Flag 29)
    counted: tuple[Holding, ...]
    arithmetic: str
    strictest: tuple[Listing, ...]  # the most restrictive listing(s) among the owners counted
    policies: str
    status: AffiliatesStatus
    caveats: tuple[str, ...] = field(default=())

    def text(self) -> str:
        parts = [self.arithmetic]
        if self.policies:
            parts.append(self.policies)
        parts.append(f"BIS Affiliates Rule {self.status.describe()}")
        parts.extend(self.caveats)
        return "; ".join(p.strip().rstrip(".") for p in parts if p)


def _covered(listing: Listing, rule: AffiliatesRule) -> bool:
    if listing.code == "SDN":
        return bool(set(listing.programs) & set(rule.sdn_programs))
    return listing.code in rule.lists


def affiliates_finding(
    holdings: Sequence[Holding],
    *,
    on: dt.date,
    party_country: str | None,
    rules: OwnershipRules | None = None,
) -> AffiliatesFinding:
    """Apply the Affiliates Rule to a party's direct holders on ``on``.

    Holders with a covered listing (EL / MEU; SDN of a 744.8(a)(1) programme) are added up: 50 % or
    more = the party is captured, with the most restrictive policy among the counted owners. A covered
    holder whose share is unknown and whose known shares do not already reach 50 % is Red Flag 29:
    "licence required or resolve the red flag", never clear. The rule's state on ``on`` decides whether
    the outcome is a requirement (in force) or shown as suspended / not yet in force. A U.S. party is
    outside the rule (it covers foreign entities); an unknown country is a caveat.
    """
    rules = rules or load_rules()
    rule = rules.affiliates
    status = affiliates_rule_status(on, rules)
    caveats = list(status.caveats)
    covered = [h for h in holdings if any(_covered(x, rule) for x in h.listings)]
    for h in holdings:
        for x in h.listings:
            if x.code == "SDN" and not _covered(x, rule):
                caveats.append(
                    f"SDN owner {h.holder} ({x.caption}, programmes {', '.join(x.programs) or 'not given'}): "
                    "whether 15 CFR 744.8(a)(1) names its programme was not checked (OFAC's 50 % rule "
                    "applies to it separately)"
                )
    known = [h for h in covered if h.share is not None]
    unknown = tuple(h for h in covered if h.share is None)
    total = sum(float(h.share or 0.0) for h in known)
    captured = bool(known) and total + _EPSILON >= rule.threshold
    terms = " + ".join(f"{h.holder} {h.share:g} %" for h in known)
    if known:
        rel = "≥" if captured else "<"
        arithmetic = (
            f"{terms} = {total:g} % {rel} {rule.threshold:g} % (BIS Affiliates Rule, aggregated)"
        )
    else:
        arithmetic = ""
    if unknown:
        arithmetic = (
            (arithmetic + "; " if arithmetic else "")
            + "share unknown: "
            + ", ".join(h.holder for h in unknown)
            + (" (" + rule.red_flag + ")" if not captured else "")
        )
    counted = tuple(known if captured else (*known, *unknown))
    listings = [x for h in counted for x in h.listings if _covered(x, rule)]
    ranks = {x.entity_id: policy_rank(x.policy) for x in listings}
    best = max((r for r in ranks.values() if r is not None), default=None)
    strictest = tuple(x for x in listings if best is not None and ranks[x.entity_id] == best)
    unranked = [x for x in listings if ranks[x.entity_id] is None]
    policies = "; ".join(
        f"owner {x.caption} ({x.code}): {(x.requirement or 'requirement: see listing').rstrip('.')}; "
        f"{(x.policy or 'policy: see listing').rstrip('.')}"
        for x in dict.fromkeys(listings)
    )
    if strictest:
        policy = (strictest[0].policy or "").rstrip(".")
        policies += f"; most restrictive policy: {policy} ({strictest[0].caption})"
    for x in unranked:
        caveats.append(f"policy of owner {x.caption}: see listing ({x.policy or 'not stated'})")
    if not covered:
        outcome = "none"
    elif (party_country or "").upper() == "US":
        outcome = "not-applicable"
        caveats.append("the rule covers foreign (non-U.S.) entities; this party is in the US")
    elif not captured and not unknown:
        outcome = "none"
    elif status.state == "in-force":
        outcome = "licence-required" if captured else "red-flag"
    else:
        outcome = status.state  # suspended / not-yet
    if covered and not party_country:
        caveats.append(
            "the party's country is not recorded: the rule covers foreign (non-U.S.) entities"
        )
    return AffiliatesFinding(outcome, captured, unknown, counted, arithmetic, strictest, policies,
                             status, tuple(dict.fromkeys(caveats)))  # fmt: skip


__all__ = [
    "RULES_FILE",
    "AffiliatesFinding",
    "AffiliatesRule",
    "AffiliatesStatus",
    "Dated",
    "Holding",
    "Listing",
    "OwnershipRules",
    "OwnershipTest",
    "Period",
    "affiliates_finding",
    "affiliates_rule_status",
    "licence_terms",
    "load_rules",
    "ownership_test_on",
    "policy_rank",
]
