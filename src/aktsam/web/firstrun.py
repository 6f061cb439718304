"""What ``aktsam serve`` does before it starts the server, so that a fresh machine is usable at once.

:func:`prepare` (idempotent; a second start changes nothing that exists):

1. with no users at all, creates ``admin`` (role admin) with a random password, returned once for
   the first-login hint and never stored in the clear;
2. imports the bundled list snapshot for every source that has none (as screening would on first
   use), so the dashboard and screening work offline;
3. with an empty register and ``demo`` on, loads the demo register
   (:func:`aktsam.diligence.demo.load_demo`, actor ``demo``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from aktsam import accounts
from aktsam.errors import AktsamError
from aktsam.store import Store
from aktsam.store.schema import PartyRow

FIRST_ADMIN = "admin"
ACTOR = "aktsam serve"


@dataclass(frozen=True, slots=True)
class FirstRun:
    """What :func:`prepare` did. ``admin_password`` is set only when the admin was just created."""

    admin_password: str | None = None
    lists_imported: tuple[str, ...] = ()
    demo_loaded: bool = False
    notes: list[str] = field(default_factory=list)


def _party_count(store: Store) -> int:
    with store.session() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(PartyRow)) or 0


def prepare(store: Store, *, demo: bool = True, lists: bool = True) -> FirstRun:
    """Make ``store`` ready to serve (see the module docstring)."""
    notes: list[str] = []
    password: str | None = None
    if accounts.user_count(store) == 0:
        password = accounts.generate_password()
        accounts.add_user(
            store,
            FIRST_ADMIN,
            role="admin",
            password=password,
            display_name="Administrator",
            actor=ACTOR,
        )
    imported: tuple[str, ...] = ()
    if lists:
        from aktsam.lists.bundled import ensure_bundled

        imported = tuple(sorted(s.source for s in ensure_bundled(store)))
    loaded = False
    if demo and _party_count(store) == 0:
        try:
            from aktsam.diligence.demo import load_demo
        except ImportError:  # pragma: no cover - the demo ships with aktsam
            notes.append("no demo data in this installation; starting with an empty register")
        else:
            try:
                load_demo(store, actor="demo")
                loaded = True
            except AktsamError as exc:
                notes.append(f"the demo data could not be loaded: {exc}")
    return FirstRun(
        admin_password=password, lists_imported=imported, demo_loaded=loaded, notes=notes
    )


__all__ = ["FIRST_ADMIN", "FirstRun", "prepare"]
