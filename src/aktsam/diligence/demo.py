"""``aktsam demo``: load the bundled example register into the current home.

The example is a fictional Nordic security integrator ("Nordvakt Sikkerhet AS") with about fifty
suppliers and customers. The third parties that are real companies (Hikvision and its owners, Dahua,
Axis, Canon, Milestone, …) carry real, sourced facts; everything about Nordvakt, its customers and its
installations is invented. ``README.md`` beside the files says which is which.

Where the example lives: the package ships it as ``aktsam/diligence/data/example/`` (so ``aktsam demo``
works from an installed wheel, found with :mod:`importlib.resources`), and the source checkout keeps an
identical copy at ``examples/diligence/`` for people browsing the repository; a test asserts that the two
copies are byte for byte the same.

:func:`load_demo` imports the four register files with
:func:`aktsam.diligence.registerio.import_register` (one transaction, every row in the audit trail) and
copies ``profile.yml`` (the organisation profile the annual account reads) to ``{home}/profile.yml``.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from aktsam.diligence.registerio import ImportSummary, import_register
from aktsam.errors import InputError
from aktsam.store.db import Store
from aktsam.store.schema import PartyRow

REGISTER_FILES: tuple[str, ...] = ("parties.csv", "relations.csv", "evidence.csv", "equipment.csv")
PROFILE_FILE = "profile.yml"
EXAMPLE_FILES: tuple[str, ...] = (*REGISTER_FILES, PROFILE_FILE, "README.md")
"""Every file of the example, in both copies (package and ``examples/diligence``)."""
DEMO_PARTY = "hikvision"
"""The party the suggested next commands look at."""


def example_dir() -> Path:
    """The bundled example folder inside the installed package."""
    return Path(str(resources.files("aktsam.diligence").joinpath("data", "example")))


def next_commands(year: int | None = None) -> tuple[str, ...]:
    """What to try after loading the demo: each command runs as printed on the demo register."""
    y = year if year is not None else dt.date.today().year
    return (
        "aktsam parties list",
        f"aktsam parties show {DEMO_PARTY}",
        f"aktsam assess {DEMO_PARTY}",
        f'aktsam decide {DEMO_PARTY} --kind wind-down --rationale "Entity List, FCC Covered List and '
        f'Council on Ethics findings" --evidence EV-0001 --evidence EV-0006 --effective {y}-12-01 '
        f'--service-until {y + 3}-12-31 --action "Tell customers|Head of sales|{y}-12-15"',
        "aktsam sales check --reference PO-2 --customer vestfjord-hf --destination NO "
        '--end-use "hospital CCTV" --product "Hikvision DS-2CD2143G2-I"',
        "aktsam sales check --reference PO-3 --customer vestfjord-hf --destination NO "
        '--end-use "hospital CCTV" --product "Hikvision DS-2CD2143G2-I" --line-kind warranty',
        "aktsam followup",
        f'aktsam requests add --requester "A journalist" --question "Do you sell {DEMO_PARTY} '
        f'cameras?" --party {DEMO_PARTY}',
        "aktsam sales check --reference PO-1 --customer silkroute --end-user urumqi-psb "
        '--destination CN --end-use "city surveillance" --product "Camera X:facial-recognition"',
        f"aktsam report transparency --year {y} --output account.html",
    )


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What :func:`load_demo` loaded, and where the profile went."""

    source: str
    imported: ImportSummary
    profile: str
    profile_written: bool
    commands: tuple[str, ...] = field(default_factory=next_commands)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "imported": self.imported.to_dict(),
            "profile": self.profile,
            "profile_written": self.profile_written,
            "next_commands": list(self.commands),
        }


def party_count(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(PartyRow)) or 0)


def load_demo(
    store: Store,
    *,
    actor: str = "demo",
    force: bool = False,
    source: Path | None = None,
    year: int | None = None,
) -> DemoSummary:
    """Import the example register into ``store`` and copy its profile into the home.

    Refuses (:class:`InputError`) when the register already has parties, unless ``force``: the demo is
    meant for an empty home, and ``force`` imports on top (parties with the same id are updated, each
    change in the trail). An existing ``profile.yml`` is only replaced with ``force``. ``source``
    defaults to the bundled example; ``year`` only fills in the suggested report command."""
    folder = Path(source) if source is not None else example_dir()
    missing = [name for name in (*REGISTER_FILES, PROFILE_FILE) if not (folder / name).is_file()]
    if missing:
        raise InputError(
            f"the example is incomplete: {', '.join(missing)} missing", file=str(folder)
        )
    existing = party_count(store)
    if existing and not force:
        raise InputError(
            f"this home already has {existing} parties; the demo is meant for an empty home "
            "(set AKTSAM_HOME to a new folder, or pass --force to import on top)",
            field="home",
        )
    imported = import_register(store, folder, actor=actor)
    home = store.settings.home
    home.mkdir(parents=True, exist_ok=True)
    target = home / PROFILE_FILE
    written = force or not target.exists()
    if written:
        shutil.copyfile(folder / PROFILE_FILE, target)
    return DemoSummary(
        source=str(folder),
        imported=imported,
        profile=str(target),
        profile_written=written,
        commands=next_commands(year),
    )


__all__ = [
    "DEMO_PARTY",
    "EXAMPLE_FILES",
    "PROFILE_FILE",
    "REGISTER_FILES",
    "DemoSummary",
    "example_dir",
    "load_demo",
    "next_commands",
    "party_count",
]
