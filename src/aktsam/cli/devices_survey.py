"""``aktsam devices survey``: registered on the devices command group by ``register``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the command to ``app`` (the ``aktsam devices`` group)."""
    del app  # filled in by the survey work
