"""The sites devices are installed at: how sensitive each is, and whether it connects to a core network.

A sites CSV has one row per site::

    site_id,name,sensitivity,core_network
    HQ,Council headquarters,sensitive,yes

An optional ``country`` column (ISO two-letter code) says where the site is; regimes whose effects are
territorial (the FCC Covered List: US only) use it, and ask to confirm it where it is blank.
Headers and values are case-insensitive (``Sensitive``, ``YES``); ``core_network`` also accepts
``true/false``, ``y/n``, ``1/0``. A row with a missing id, an unknown sensitivity or an unreadable yes/no
is reported as an :class:`ImportIssue` (file, row, field) and skipped, never guessed;
``rows_read == len(sites) + skipped`` always holds. Rows are numbered as a spreadsheet shows them (header = 1).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from aktsam.devices.model import ImportIssue, Origin
from aktsam.devices.regimes import SENSITIVITIES
from aktsam.errors import InputError

COLUMNS = ("site_id", "name", "sensitivity", "core_network")
_YES = frozenset(["yes", "y", "true", "1"])
_NO = frozenset(["no", "n", "false", "0"])


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name: str
    sensitivity: str  # one of regimes.SENSITIVITIES
    core_network: bool
    origin: Origin | None = None
    country: str | None = None  # ISO two-letter code, when the sites file has one


@dataclass(slots=True)
class SiteTable:
    file: str
    sites: list[Site] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    rows_read: int = 0
    _index: dict[str, Site] = field(default_factory=dict, init=False, repr=False, compare=False)
    _indexed: int = field(default=-1, init=False, repr=False, compare=False)

    def find(self, name: str | None) -> Site | None:
        """The site a device's ``site`` value names: its id or its name, case and spacing ignored; the
        first site in file order that has it as id or name."""
        if not name:
            return None
        if self._indexed != len(self.sites):  # (re)built when sites were added since
            self._index = {}
            for site in self.sites:
                self._index.setdefault(_key(site.id), site)
                self._index.setdefault(_key(site.name), site)
            self._indexed = len(self.sites)
        return self._index.get(_key(name))


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _header(name: str) -> str:
    return "_".join(name.strip().casefold().replace("-", " ").split())


def read_sites(path: Path | str) -> SiteTable:
    """Read a sites CSV; a file that cannot be read at all raises :class:`InputError`."""
    path = Path(path)
    table = SiteTable(str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read sites file: {exc}", file=str(path)) from None
    reader = csv.reader(text.splitlines())
    header = [_header(h) for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), row=1)
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        table.rows_read += 1
        values = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        origin = Origin(str(path), number, kind="sites")
        problem = _check(values, seen)
        if problem is not None:
            table.issues.append(ImportIssue(origin, problem[0], problem[1]))
            continue
        seen[_key(values["site_id"])] = number
        table.sites.append(
            Site(
                id=values["site_id"],
                name=values["name"] or values["site_id"],
                sensitivity=values["sensitivity"].casefold(),
                core_network=values["core_network"].casefold() in _YES,
                origin=origin,
                country=values.get("country", "").upper() or None,
            )
        )
    return table


def _check(values: dict[str, str], seen: dict[str, int]) -> tuple[str, str] | None:
    """The first fault in a row, as (field, message), or None."""
    site_id = values["site_id"]
    if not site_id:
        return "site_id", "empty site_id: every site needs an id"
    if _key(site_id) in seen:
        return "site_id", f"duplicate site_id {site_id!r} (first on row {seen[_key(site_id)]})"
    sensitivity = values["sensitivity"].casefold()
    if sensitivity not in SENSITIVITIES:
        return "sensitivity", (
            f"sensitivity {values['sensitivity']!r}: use one of {', '.join(SENSITIVITIES)}"
        )
    core = values["core_network"].casefold()
    if core not in _YES | _NO:
        return "core_network", f"core_network {values['core_network']!r}: use yes or no"
    country = values.get("country", "")
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        return (
            "country",
            f"country {country!r}: use a two-letter ISO code (e.g. GB, US) or leave it blank",
        )
    return None
