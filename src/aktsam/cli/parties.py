"""``aktsam parties …`` (due diligence): registered on the main app by ``register``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this command family to ``app`` (the ``aktsam`` command)."""
    del app  # filled in by the due-diligence work (docs/design/diligence.md)
