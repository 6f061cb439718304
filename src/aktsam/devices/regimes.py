"""Restriction regimes as data: whom they bind, which makers' equipment they cover, where, and what to do.

One YAML file per regime in ``data/regimes/`` (STYLE.md: reference data as data, a source beside every
fact); users add their own with the same shape (``aktsam devices audit --regime-file``)::

    id: uk-sensitive-sites-2022
    title: ...
    authority: Cabinet Office (UK)
    source: https://www.gov.uk/...          # the official text the rules paraphrase
    date: 2022-11-24                        # when the regime took effect / was announced
    jurisdiction: United Kingdom ...        # whose law or policy it is
    territory: [US]                         # optional: countries where its effects fall (sites elsewhere
                                            #   are outside it); absent = it follows the bound organisation
    binds:                                  # who must comply, with the text that says so
      capacities: [uk-central-government-department]   # ids from data/capacities.csv
      may_apply: [uk-public-body-other]     # optional: who may choose to apply it
      text: ...
      source: ...
    limits: [...]                           # what it does not do (exceptions, purpose limits, reach)
    scope: sensitive                        # default rule scope: everywhere | sensitive | standard
    makers: [hikvision, dahua]              # named maker ids (makers.csv)
    subsidiaries: covered                   # covered (default) | unsettled (then subsidiaries_text)
    makers_incorporated_in:                 # optional: makers covered by country of incorporation
      countries: [CN]
      text: ...
      unsettled: {countries: [HK, MO], text: ...}
    equipment:                              # optional: only this kind of equipment is covered
      text: visual surveillance systems
      device_types: [camera, nvr, dvr]
      unclear_device_types: [intercom]
    purpose_limited:                        # optional: makers covered only for some uses
      - {makers: [hikvision], used_for: ..., source: ...}
    readings:                               # optional: a term the text leaves open, the reading
      - makers: [huawei]                    #   applied and why it is not settled; shown beside the
        device_types: [camera]              #   finding of a device it concerns (no device_types: any)
        text: ...
        source: ...
    rules:
      - id: cease-deployment
        kind: no-new-deployment            # one of RULE_KINDS
        scope: sensitive                   # optional, else the regime's scope
        text: "..."
      - {id: remove, kind: remove-by, by: 2030-01-01, text: ...}

Coverage of a maker is one of: *covered* (named, a subsidiary of a named maker, or incorporated in a listed
country), *to confirm* (the answer turns on a fact the data does not settle: a blank country, a country or a
subsidiary the text leaves open, a purpose-limited listing) or not covered. The audit never turns "to
confirm" into either answer.

A file with a missing or wrong field is refused with :class:`ReferenceDataError` naming the file and field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from aktsam.devices.makers import MakerTable, makers
from aktsam.devices.refdata import DATA_DIR, ReferenceDataError
from aktsam.errors import InputError

REGIMES_DIR = DATA_DIR / "regimes"
SENSITIVITIES = ("sensitive", "standard")
SCOPES = ("everywhere", *SENSITIVITIES)

RULE_KINDS = {
    "no-new-deployment": "no new deployment of the makers' equipment",
    "no-core-network": "no connection of the makers' equipment to core networks",
    "remove-by": "installed equipment must be removed by a date (``by``)",
    "consider-removal": "consider removing and replacing installed equipment",
    "service-until-warranty-end": "installed units may be serviced until their warranty ends",
    "no-new-authorisation": "no new equipment authorisations (asks nothing of an installed unit's owner)",
    "no-usf-support": "no Universal Service Fund support for the equipment (binds USF recipients)",
}
"""What a rule can say. ``audit`` turns each into an action; the regime's own wording goes in ``text``."""

INFORMATIONAL_KINDS = frozenset({"no-new-authorisation", "no-usf-support"})
"""Rules that restrict the equipment but ask nothing of the owner of an installed unit: shown, never planned."""

SUBSIDIARIES = ("covered", "unsettled")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    text: str
    by: date | None = None  # remove-by only
    scope: str = "everywhere"  # the rule's own, or the regime's

    def applies_at(self, sensitivity: str) -> bool:
        return self.scope == "everywhere" or self.scope == sensitivity


@dataclass(frozen=True, slots=True)
class Binding:
    """Who must comply (capacities from ``capacities.csv``) and who may choose to, with the citation."""

    capacities: tuple[str, ...]
    text: str
    source: str
    may_apply: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Confirm:
    """A coverage question the data does not settle: what to confirm, and why it matters."""

    what: str  # "the maker's country of incorporation"
    why: str


@dataclass(frozen=True, slots=True)
class Equipment:
    """The kind of equipment a regime covers, by the inventory's device type (case-insensitive)."""

    text: str
    device_types: frozenset[str]
    unclear_device_types: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Reading:
    """A reading the regime's data applies where its text is not settled, for these makers (and their
    subsidiaries) and device types (empty: any; a device with no recorded type is concerned too)."""

    makers: frozenset[str]
    device_types: frozenset[str]
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class Regime:
    id: str
    title: str
    authority: str
    source: str
    date: date
    scope: str  # the default scope of its rules: "everywhere" or a site sensitivity
    makers: tuple[str, ...]  # as listed in the file
    covered: frozenset[str]  # makers covered for certain (named, subsidiaries, listed countries)
    rules: tuple[Rule, ...]
    file: str
    example: bool = False  # a sample policy, not a real obligation
    jurisdiction: str = ""
    binds: Binding = Binding((), "", "")
    limits: tuple[str, ...] = ()
    territory: tuple[
        str, ...
    ] = ()  # countries where its effects fall; () = follows the organisation
    countries: tuple[str, ...] = ()  # makers incorporated here are covered
    equipment: Equipment | None = None
    readings: tuple[Reading, ...] = ()
    to_confirm: dict[str, Confirm] = field(default_factory=dict, hash=False, compare=False)

    def applies_at(self, sensitivity: str) -> bool:
        """Whether any of its rules has this site sensitivity in scope."""
        return any(rule.applies_at(sensitivity) for rule in self.rules)

    def rules_at(self, sensitivity: str) -> list[Rule]:
        return [rule for rule in self.rules if rule.applies_at(sensitivity)]

    def rules_of(self, kind: str) -> list[Rule]:
        return [rule for rule in self.rules if rule.kind == kind]

    def coverage(self, maker: str) -> tuple[str, Confirm | None]:
        """``("covered", None)``, ``("to confirm", Confirm)`` or ``("none", None)`` for a maker id."""
        if maker in self.to_confirm:
            return "to confirm", self.to_confirm[maker]
        return ("covered", None) if maker in self.covered else ("none", None)

    def binds_text(self) -> str:
        """Whom it binds, in one line (capacity labels; who may choose to apply it)."""
        from aktsam.organisation import capacities

        known = capacities()
        out = "binds " + ", ".join(
            known[c].label if c in known else c for c in self.binds.capacities
        )
        if self.binds.may_apply:
            labels = ", ".join(known[c].label if c in known else c for c in self.binds.may_apply)
            out += f"; may be applied by choice by: {labels}"
        return out


def _text(data: dict[str, Any], key: str, path: Path, where: str = "") -> str:
    value = data.get(key)
    if isinstance(value, date):
        value = value.isoformat()
    if not isinstance(value, str | int | float) or not str(value).strip():
        raise ReferenceDataError(path, None, f"{where}{key}", f"missing or empty {key!r}")
    return " ".join(str(value).split())


def _date(data: dict[str, Any], key: str, path: Path, where: str = "") -> date:
    raw = data.get(key)
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ReferenceDataError(
            path, None, f"{where}{key}", f"{key} {raw!r} is not a YYYY-MM-DD date"
        ) from None


def _list(data: dict[str, Any], key: str, path: Path, *, required: bool = False) -> list[str]:
    raw = data.get(key)
    if raw is None and not required:
        return []
    if not isinstance(raw, list) or not raw or not all(str(v).strip() for v in raw):
        raise ReferenceDataError(path, None, key, f"{key} must be a non-empty list")
    return [" ".join(str(v).split()) for v in raw]


def _mapping(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    raw = data.get(key)
    if not isinstance(raw, dict):
        raise ReferenceDataError(path, None, key, f"{key} must be a mapping")
    return raw


def _countries(raw: Any, path: Path, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise ReferenceDataError(path, None, where, "a non-empty list of ISO country codes")
    out = tuple(str(c).strip().upper() for c in raw)
    for code in out:
        if not _COUNTRY.match(code):
            raise ReferenceDataError(
                path, None, where, f"{code!r} is not a two-letter country code"
            )
    return out


def _lineage(maker_id: str, table: MakerTable) -> list[str]:
    """The maker and its parents, nearest first (a loop stops the walk)."""
    chain: list[str] = []
    current: str | None = maker_id
    while current is not None and current not in chain:
        chain.append(current)
        current = table.makers[current].parent if current in table.makers else None
    return chain


def _covered(listed: Iterable[str], table: MakerTable) -> frozenset[str]:
    """Listed makers plus their subsidiaries (``parent`` in makers.csv, followed up the chain)."""
    wanted = set(listed)
    out = set(wanted)
    for maker_id in table.makers:
        if wanted & set(_lineage(maker_id, table)):
            out.add(maker_id)
    return frozenset(out)


def _rule(raw: Any, index: int, path: Path, default_scope: str) -> Rule:
    where = f"rules[{index}]."
    if not isinstance(raw, dict):
        raise ReferenceDataError(path, None, f"rules[{index}]", "a rule must be a mapping")
    rule_id, kind = _text(raw, "id", path, where), _text(raw, "kind", path, where)
    if kind not in RULE_KINDS:
        raise ReferenceDataError(
            path,
            None,
            f"{where}kind",
            f"unknown rule kind {kind!r}; use one of {', '.join(RULE_KINDS)}",
        )
    by = _date(raw, "by", path, where) if kind == "remove-by" else None
    scope = _text(raw, "scope", path, where).casefold() if "scope" in raw else default_scope
    if scope not in SCOPES:
        raise ReferenceDataError(
            path, None, f"{where}scope", f"scope {scope!r}: use one of {', '.join(SCOPES)}"
        )
    return Rule(rule_id, kind, _text(raw, "text", path, where), by, scope)


def _binding(data: dict[str, Any], path: Path) -> Binding:
    from aktsam.organisation import capacities

    raw = _mapping(data, "binds", path)
    known = capacities()
    held = _list(raw, "capacities", path, required=True) if raw.get("capacities") else None
    if not held:
        raise ReferenceDataError(
            path, None, "binds.capacities", "binds.capacities must be a non-empty list"
        )
    may = _list(raw, "may_apply", path)
    for capacity in (*held, *may):
        if capacity not in known:
            raise ReferenceDataError(
                path,
                None,
                "binds.capacities",
                f"unknown capacity {capacity!r} (not in capacities.csv)",
            )
    return Binding(
        tuple(held),
        _text(raw, "text", path, "binds."),
        _text(raw, "source", path, "binds."),
        tuple(may),
    )


def _equipment(data: dict[str, Any], path: Path) -> Equipment | None:
    if data.get("equipment") is None:
        return None
    raw = _mapping(data, "equipment", path)
    kinds = _list(raw, "device_types", path, required=True) if raw.get("device_types") else None
    if not kinds:
        raise ReferenceDataError(
            path, None, "equipment.device_types", "a non-empty list of device types"
        )
    unclear = _list(raw, "unclear_device_types", path)
    return Equipment(
        _text(raw, "text", path, "equipment."),
        frozenset(k.casefold() for k in kinds),
        frozenset(k.casefold() for k in unclear),
    )


def _readings(
    data: dict[str, Any], path: Path, table: MakerTable, subsidiaries: str
) -> tuple[Reading, ...]:
    raw_list = data.get("readings")
    if raw_list is None:
        return ()
    if not isinstance(raw_list, list) or not raw_list:
        raise ReferenceDataError(path, None, "readings", "readings must be a non-empty list")
    out: list[Reading] = []
    for index, raw in enumerate(raw_list):
        where = f"readings[{index}]."
        if not isinstance(raw, dict):
            raise ReferenceDataError(path, None, where[:-1], "must be a mapping")
        named = _maker_ids(raw.get("makers"), f"{where}makers", path, table)
        if not named:
            raise ReferenceDataError(path, None, f"{where}makers", "a non-empty list of maker ids")
        kinds = raw.get("device_types") or []
        if not isinstance(kinds, list):
            raise ReferenceDataError(path, None, f"{where}device_types", "a list of device types")
        out.append(
            Reading(
                _covered(named, table) if subsidiaries == "covered" else frozenset(named),
                frozenset(" ".join(str(k).casefold().split()) for k in kinds),
                _text(raw, "text", path, where),
                _text(raw, "source", path, where),
            )
        )
    return tuple(out)


def _maker_ids(raw: Any, key: str, path: Path, table: MakerTable) -> list[str]:
    if not isinstance(raw, list):
        raise ReferenceDataError(path, None, key, f"{key} must be a list of maker ids")
    for maker_id in raw:
        if str(maker_id) not in table.makers:
            raise ReferenceDataError(
                path, None, key, f"unknown maker id {maker_id!r} (not in makers.csv)"
            )
    return [str(m) for m in raw]


def _to_confirm(
    data: dict[str, Any], path: Path, table: MakerTable, named: list[str], subsidiaries: str
) -> tuple[frozenset[str], tuple[str, ...], dict[str, Confirm]]:
    """The makers covered for certain, the listed countries, and the makers whose coverage is open."""
    open_questions: dict[str, Confirm] = {}
    certain = set(named) if subsidiaries == "unsettled" else set(_covered(named, table))
    subsidiaries_text = (
        _text(data, "subsidiaries_text", path) if subsidiaries == "unsettled" else ""
    )
    countries: tuple[str, ...] = ()
    if data.get("makers_incorporated_in") is not None:
        raw = _mapping(data, "makers_incorporated_in", path)
        countries = _countries(raw.get("countries"), path, "makers_incorporated_in.countries")
        why = _text(raw, "text", path, "makers_incorporated_in.")
        unsettled: tuple[str, ...] = ()
        unsettled_text = ""
        if raw.get("unsettled") is not None:
            open_raw = raw["unsettled"]
            if not isinstance(open_raw, dict):
                raise ReferenceDataError(
                    path, None, "makers_incorporated_in.unsettled", "must be a mapping"
                )
            unsettled = _countries(
                open_raw.get("countries"), path, "makers_incorporated_in.unsettled.countries"
            )
            unsettled_text = _text(open_raw, "text", path, "makers_incorporated_in.unsettled.")
        for maker_id, maker in table.makers.items():
            if maker_id in certain:
                continue
            if maker.country in countries:
                certain.add(maker_id)
            elif maker.country in unsettled:
                open_questions[maker_id] = Confirm(
                    f"whether {data.get('id')} reaches a maker incorporated in {maker.country}",
                    unsettled_text,
                )
            elif maker.country is None:
                open_questions[maker_id] = Confirm(
                    "the maker's country of incorporation",
                    f"{table.makers[maker_id].name}: no country recorded in makers.csv; {why}",
                )
    if subsidiaries == "unsettled" or countries:
        for maker_id in table.makers:
            if maker_id in certain or maker_id in open_questions:
                continue
            parents = _lineage(maker_id, table)[1:]
            if any(p in certain for p in parents):
                if subsidiaries == "covered" and any(p in named for p in parents):
                    certain.add(maker_id)
                    continue
                open_questions[maker_id] = Confirm(
                    "whether the regime reaches a subsidiary incorporated outside the listed "
                    "countries",
                    subsidiaries_text
                    or "the regime's text does not say whether it reaches foreign subsidiaries",
                )
    for index, raw_limit in enumerate(data.get("purpose_limited") or []):
        where = f"purpose_limited[{index}]."
        if not isinstance(raw_limit, dict):
            raise ReferenceDataError(path, None, where[:-1], "must be a mapping")
        limited = _maker_ids(raw_limit.get("makers"), f"{where}makers", path, table)
        used_for = _text(raw_limit, "used_for", path, where)
        source = _text(raw_limit, "source", path, where)
        for maker_id in _covered(limited, table) if subsidiaries == "covered" else limited:
            open_questions[maker_id] = Confirm(
                "the purpose the equipment is used for",
                f"covered only to the extent it is used for {used_for} ({source})",
            )
    return frozenset(certain), countries, open_questions


def load_regime(path: Path | str, table: MakerTable | None = None) -> Regime:
    """One regime file, validated; every fault names the file and the field."""
    path = Path(path)
    table = table or makers()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReferenceDataError(path, None, None, f"cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ReferenceDataError(path, None, None, f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ReferenceDataError(path, None, None, "a regime file must be a YAML mapping")
    regime_id = _text(data, "id", path)
    if not _ID.match(regime_id):
        raise ReferenceDataError(path, None, "id", f"id {regime_id!r}: use lower case, digits, '-'")
    scope = _text(data, "scope", path).casefold()
    if scope not in SCOPES:
        raise ReferenceDataError(
            path, None, "scope", f"scope {scope!r}: use one of {', '.join(SCOPES)}"
        )
    listed = _maker_ids(data.get("makers", []), "makers", path, table)
    if not listed and data.get("makers_incorporated_in") is None:
        raise ReferenceDataError(
            path, None, "makers", "makers must be a non-empty list of maker ids"
        )
    subsidiaries = str(data.get("subsidiaries", "covered")).strip()
    if subsidiaries not in SUBSIDIARIES:
        raise ReferenceDataError(
            path, None, "subsidiaries", f"use one of {', '.join(SUBSIDIARIES)}"
        )
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        raise ReferenceDataError(path, None, "rules", "rules must be a non-empty list")
    parsed = tuple(_rule(raw, i, path, scope) for i, raw in enumerate(rules))
    ids = [rule.id for rule in parsed]
    if len(set(ids)) != len(ids):
        raise ReferenceDataError(path, None, "rules", "rule ids must be unique within a regime")
    jurisdiction = _text(data, "jurisdiction", path)
    binding = _binding(data, path)
    limits = _list(data, "limits", path, required=True)
    territory = (
        _countries(data.get("territory"), path, "territory") if data.get("territory") else ()
    )
    covered, countries, open_questions = _to_confirm(data, path, table, listed, subsidiaries)
    return Regime(
        id=regime_id,
        title=_text(data, "title", path),
        authority=_text(data, "authority", path),
        source=_text(data, "source", path),
        date=_date(data, "date", path),
        scope=scope,
        makers=tuple(listed),
        covered=covered,
        rules=parsed,
        file=str(path),
        example=bool(data.get("example", False)),
        jurisdiction=jurisdiction,
        binds=binding,
        limits=tuple(limits),
        territory=territory,
        countries=countries,
        equipment=_equipment(data, path),
        readings=_readings(data, path, table, subsidiaries),
        to_confirm=open_questions,
    )


def load_regimes(paths: Iterable[Path | str]) -> dict[str, Regime]:
    """Several regime files by id; two files with one id is an error naming the second."""
    out: dict[str, Regime] = {}
    for path in paths:
        regime = load_regime(path)
        if regime.id in out:
            raise ReferenceDataError(
                path,
                None,
                "id",
                f"duplicate regime id {regime.id!r} (also in {out[regime.id].file})",
            )
        out[regime.id] = regime
    return out


@cache
def bundled_regimes() -> dict[str, Regime]:
    """The regimes shipped in ``data/regimes/``, read once; none found is an error, never an empty audit."""
    files = sorted(REGIMES_DIR.glob("*.yml"))
    if not files:
        raise ReferenceDataError(
            REGIMES_DIR,
            None,
            None,
            "no bundled regime files (*.yml): is the package data installed?",
        )
    return load_regimes(files)


def select(available: dict[str, Regime], ids: Iterable[str]) -> list[Regime]:
    """The named regimes, in the order given; an unknown id is an error listing the known ones."""
    chosen: list[Regime] = []
    for regime_id in ids:
        if regime_id not in available:
            known = ", ".join(sorted(available))
            raise InputError(f"unknown regime {regime_id!r}; known: {known}", field="--regimes")
        chosen.append(available[regime_id])
    return chosen
