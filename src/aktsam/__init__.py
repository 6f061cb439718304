"""aktsam: sanctions, export-control and human-rights due diligence for surveillance and IT supply chains.

The public Python API: everything the ``aktsam`` command does is one of these calls.

    >>> from aktsam import Screener, Settings
    >>> screener = Screener.open(Settings.from_env())
    >>> run = screener.screen("Zhejiang Dahua Technology", schema="organization")
    >>> run.data_as_of(), [(h.score, h.entity_id) for h in run.results[0].hits]

Lower-level pieces (parsers, the matching index, the store) are importable from their modules; the names
below are the stable surface.
"""

from __future__ import annotations

from aktsam.errors import (
    AktsamError,
    ConfigError,
    InputError,
    ListFormatError,
    NotFoundError,
    UnknownSourceError,
)
from aktsam.lists.diff import SnapshotDiff, diff_snapshots
from aktsam.lists.model import ListedEntity, Name, NameKind, ParsedList, Schema
from aktsam.lists.parsers import SOURCES, parse
from aktsam.lists.snapshots import Snapshot, current_snapshots, import_list, status
from aktsam.lists.update import update_lists
from aktsam.screening.index import MatchIndex
from aktsam.screening.matcher import Comparison, Hit, Query, compare, match, match_many
from aktsam.screening.service import PartyResult, ScreenedHit, Screener, ScreeningRun
from aktsam.settings import Settings
from aktsam.store.db import Store, open_store

__version__ = "0.1.0.dev0"

__all__ = [
    "SOURCES",
    "AktsamError",
    "Comparison",
    "ConfigError",
    "Hit",
    "InputError",
    "ListFormatError",
    "ListedEntity",
    "MatchIndex",
    "Name",
    "NameKind",
    "NotFoundError",
    "ParsedList",
    "PartyResult",
    "Query",
    "Schema",
    "ScreenedHit",
    "Screener",
    "ScreeningRun",
    "Settings",
    "Snapshot",
    "SnapshotDiff",
    "Store",
    "UnknownSourceError",
    "compare",
    "current_snapshots",
    "diff_snapshots",
    "import_list",
    "match",
    "match_many",
    "open_store",
    "parse",
    "status",
    "update_lists",
]
