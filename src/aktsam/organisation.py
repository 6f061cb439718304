"""Who the organisation is, for the rules that bind by capacity: the capacity declaration in ``profile.yml``.

Restriction regimes bind some organisations and not others: NDAA section 889 binds US executive agencies
and, through FAR 52.204-24/-25, their contractors; the UK direction of 24 Nov 2022 (HCWS386) binds central
government departments, and other public bodies may choose to apply it. The organisation says which of
these capacities it holds in the same ``profile.yml`` (in ``AKTSAM_HOME``) that the Transparency Act account
reads (``diligence.transparency.load_profile`` reads the other sections; this module reads only its own)::

    restriction_regimes:
      capacities: []                   # ids from devices/data/capacities.csv; [] = none of them
      apply: [example-org-policy]      # regimes applied when an audit names none (law or own choice)

An empty ``capacities`` list is a declaration ("none of these"); a profile without the section declares
nothing, and the reports then say that whether a regime binds the organisation is not known. An unknown
capacity, or a value of the wrong shape, is an :class:`InputError` naming the file and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from aktsam.devices.refdata import DATA_DIR, read_table
from aktsam.errors import InputError

PROFILE_FILE = "profile.yml"
SECTION = "restriction_regimes"
CAPACITIES_FILE = DATA_DIR / "capacities.csv"


@dataclass(frozen=True, slots=True)
class Capacity:
    """A capacity in which a regime binds an organisation, defined by the text that makes it one."""

    id: str
    label: str
    definition: str
    source: str
    date: str


@cache
def capacities() -> dict[str, Capacity]:
    """The known capacities (``devices/data/capacities.csv``), by id."""
    out: dict[str, Capacity] = {}
    for row in read_table(CAPACITIES_FILE, ["capacity", "label", "definition"]):
        if row["capacity"] in out:
            raise row.error("capacity", f"duplicate capacity {row['capacity']!r}")
        out[row["capacity"]] = Capacity(
            row["capacity"], row["label"], row["definition"], row["source"], row["date"]
        )
    return out


@dataclass(frozen=True, slots=True)
class Declaration:
    """What the profile declares; ``declared`` is false when the profile (or its section) is absent."""

    capacities: tuple[str, ...] = ()
    apply: tuple[str, ...] = ()
    declared: bool = False
    file: str | None = None

    def describe(self) -> str:
        """One line for reports: the declared capacities, or that none were declared."""
        if not self.declared:
            return (
                "no capacity declared (no restriction_regimes section in the organisation profile)"
            )
        if not self.capacities:
            return "declares none of the capacities the regimes bind"
        return "declares " + ", ".join(self.capacities)


NOT_DECLARED = Declaration()


def declaration_to_dict(declaration: Declaration) -> dict[str, Any]:
    """For storing beside an audit, so a re-run says what the profile said then."""
    return {
        "capacities": list(declaration.capacities),
        "apply": list(declaration.apply),
        "declared": declaration.declared,
        "file": declaration.file,
    }


def declaration_of(data: Mapping[str, Any] | None) -> Declaration:
    """The inverse of :func:`declaration_to_dict`; ``None`` (an audit stored before) declares nothing."""
    if not data:
        return NOT_DECLARED
    return Declaration(
        tuple(data.get("capacities") or ()),
        tuple(data.get("apply") or ()),
        bool(data.get("declared")),
        data.get("file"),
    )


def _ids(value: Any, field: str, file: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f"{field} must be a list of ids", file=file, field=field)
    return tuple(v.strip() for v in value)


def declaration_from_dict(data: Mapping[str, Any], *, file: str | None = None) -> Declaration:
    """The declaration in a parsed profile; a profile without the section declares nothing."""
    if not isinstance(data, Mapping):
        raise InputError("the profile must be a YAML mapping", file=file)
    section = data.get(SECTION)
    if section is None:
        return Declaration(file=file)
    if not isinstance(section, Mapping):
        raise InputError(f"{SECTION} must be a mapping", file=file, field=SECTION)
    unknown_keys = sorted(set(section) - {"capacities", "apply", "note"})
    if unknown_keys:
        raise InputError(
            f"unknown key {unknown_keys[0]!r} (use capacities, apply, note)",
            file=file,
            field=f"{SECTION}.{unknown_keys[0]}",
        )
    if "capacities" not in section:
        raise InputError(
            "capacities is required: list the capacities the organisation holds, or [] for none",
            file=file,
            field=f"{SECTION}.capacities",
        )
    held = _ids(section.get("capacities"), f"{SECTION}.capacities", file)
    known = capacities()
    for capacity in held:
        if capacity not in known:
            raise InputError(
                f"unknown capacity {capacity!r}; known: {', '.join(known)}",
                file=file,
                field=f"{SECTION}.capacities",
            )
    apply = _ids(section.get("apply"), f"{SECTION}.apply", file)
    return Declaration(held, apply, True, file)


def load_declaration(path: Path | str) -> Declaration:
    """The declaration in ``path``; a missing file declares nothing (``declared`` false)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Declaration(file=str(path))
    except OSError as exc:
        raise InputError(f"cannot read the profile: {exc.strerror}", file=str(path)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=str(path)) from None
    return declaration_from_dict(data or {}, file=str(path))


def home_declaration(home: Path) -> Declaration:
    """The declaration in ``{home}/profile.yml`` (where ``aktsam demo`` writes the profile)."""
    return load_declaration(home / PROFILE_FILE)


__all__ = [
    "NOT_DECLARED",
    "PROFILE_FILE",
    "SECTION",
    "Capacity",
    "Declaration",
    "capacities",
    "declaration_from_dict",
    "declaration_of",
    "declaration_to_dict",
    "home_declaration",
    "load_declaration",
]
