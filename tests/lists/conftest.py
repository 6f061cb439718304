"""Helpers the list parser tests share: the real files, one entity by id, damaged copies, refusals.

Imported by name (``from tests.lists.conftest import refused``), as ``tests/cli`` does with its own.
The bad-input tests damage a copy of a real file in one place and check that the parser refuses
the whole file, naming the file and the line an editor would show for that place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aktsam.errors import ListFormatError
from aktsam.lists.model import ListedEntity, ParsedList
from tests.conftest import LISTS_DIR

#: ``data/lists``: the real official files (see data/lists/PROVENANCE.md)
LISTS = LISTS_DIR
#: hand-made files for formats no real copy was available of (see fixtures/README.md)
FIXTURES = Path(__file__).parent / "fixtures"


def entity(parsed: ParsedList, source_id: str) -> ListedEntity:
    """The one entity with this ``source_id`` (fails if there is none, or more than one)."""
    matches = [e for e in parsed.entities if e.source_id == source_id]
    assert len(matches) == 1, source_id
    return matches[0]


def line_of(data: bytes | Path, needle: bytes) -> int:
    """The 1-based line on which ``needle`` first stands in ``data`` (bytes, or a file's bytes)."""
    if isinstance(data, Path):
        data = data.read_bytes()
    return data[: data.index(needle)].count(b"\n") + 1


def break_file(path: Path, old: bytes, new: bytes, *, count: int = 1) -> int:
    """Replace the first ``count`` occurrences of ``old`` in ``path``; the line of the first one."""
    data = path.read_bytes()
    assert data.count(old) >= count, old
    path.write_bytes(data.replace(old, new, count))
    return line_of(data, old)


def broken_copy(tmp_path: Path, source: Path, old: bytes, new: bytes, *, count: int = 1) -> Path:
    """A copy of ``source`` (same name, in ``tmp_path``) with ``old`` replaced, see :func:`break_file`."""
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes())
    break_file(path, old, new, count=count)
    return path


def refused(
    parse: Callable[[Path], object], path: Path, *, names: Path | None = None
) -> ListFormatError:
    """The :class:`ListFormatError` ``parse(path)`` raises, naming ``names`` (default: ``path``).

    ``names`` is for a folder given whole (an OFAC CSV set), where the error names the file in it.
    """
    with pytest.raises(ListFormatError) as caught:
        parse(path)
    named = str(names or path)
    assert caught.value.path == named
    assert str(caught.value).startswith(named)
    return caught.value
