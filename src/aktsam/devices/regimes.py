"""Restriction regimes as data: who may not be deployed where, and what to do about installed units.

One YAML file per regime in ``data/regimes/`` (STYLE.md: reference data as data, a source beside every
fact); users add their own with the same shape (``aktsam devices audit --regime-file``)::

    id: uk-sensitive-sites-2022
    title: ...
    authority: Cabinet Office (UK)
    source: https://www.gov.uk/...          # the official text the rules paraphrase
    date: 2022-11-24                        # when the regime took effect / was announced
    scope: sensitive                        # everywhere | a site sensitivity (sensitive, standard)
    makers: [hikvision, dahua]              # maker ids from makers.csv; subsidiaries follow ``parent``
    rules:
      - id: no-new-deployment
        kind: no-new-deployment            # one of RULE_KINDS
        text: "No new deployment on sensitive sites."
      - {id: remove, kind: remove-by, by: 2030-01-01, text: ...}

A file with a missing or wrong field is refused with :class:`ReferenceDataError` naming the file and field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
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
}
"""What a rule can say. ``audit`` turns each into an action; the regime's own wording goes in ``text``."""

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    text: str
    by: date | None = None  # remove-by only


@dataclass(frozen=True, slots=True)
class Regime:
    id: str
    title: str
    authority: str
    source: str
    date: date
    scope: str  # "everywhere" or a site sensitivity
    makers: tuple[str, ...]  # as listed in the file
    covered: frozenset[str]  # the listed makers and every maker whose parent chain reaches one
    rules: tuple[Rule, ...]
    file: str
    example: bool = False  # a sample policy, not a real obligation

    def applies_at(self, sensitivity: str) -> bool:
        return self.scope == "everywhere" or self.scope == sensitivity

    def rules_of(self, kind: str) -> list[Rule]:
        return [rule for rule in self.rules if rule.kind == kind]


def _text(data: dict[str, Any], key: str, path: Path, where: str = "") -> str:
    value = data.get(key)
    if isinstance(value, date):
        value = value.isoformat()
    if not isinstance(value, str | int | float) or not str(value).strip():
        raise ReferenceDataError(path, None, f"{where}{key}", f"missing or empty {key!r}")
    return str(value).strip()


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


def _covered(listed: Iterable[str], table: MakerTable) -> frozenset[str]:
    """Listed makers plus their subsidiaries (``parent`` in makers.csv, followed up the chain)."""
    wanted = set(listed)
    out = set(wanted)
    for maker_id in table.makers:
        seen: set[str] = set()
        current: str | None = maker_id
        while current is not None and current not in seen:
            if current in wanted:
                out.add(maker_id)
                break
            seen.add(current)
            current = table.makers[current].parent if current in table.makers else None
    return frozenset(out)


def _rule(raw: Any, index: int, path: Path) -> Rule:
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
    return Rule(rule_id, kind, _text(raw, "text", path, where), by)


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
    listed = data.get("makers")
    if not isinstance(listed, list) or not listed:
        raise ReferenceDataError(
            path, None, "makers", "makers must be a non-empty list of maker ids"
        )
    for maker_id in listed:
        if str(maker_id) not in table.makers:
            raise ReferenceDataError(
                path, None, "makers", f"unknown maker id {maker_id!r} (not in makers.csv)"
            )
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        raise ReferenceDataError(path, None, "rules", "rules must be a non-empty list")
    parsed = tuple(_rule(raw, i, path) for i, raw in enumerate(rules))
    ids = [rule.id for rule in parsed]
    if len(set(ids)) != len(ids):
        raise ReferenceDataError(path, None, "rules", "rule ids must be unique within a regime")
    return Regime(
        id=regime_id,
        title=_text(data, "title", path),
        authority=_text(data, "authority", path),
        source=_text(data, "source", path),
        date=_date(data, "date", path),
        scope=scope,
        makers=tuple(str(m) for m in listed),
        covered=_covered((str(m) for m in listed), table),
        rules=parsed,
        file=str(path),
        example=bool(data.get("example", False)),
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
