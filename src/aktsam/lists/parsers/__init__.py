"""One parser per official list format; each turns a published file into a :class:`ParsedList`.

Every parser is a function ``parse(path: Path) -> ParsedList`` that:

* reads the file exactly as the publisher ships it (encoding, BOM, legacy quirks);
* raises :class:`aktsam.errors.ListFormatError` naming the file and the line or element at fault when the file
  is malformed, truncated, wrongly encoded or not the format at all; it never returns a partial list;
* fills ``ParsedList.published`` from the date the file itself states, or ``None``.

``PARSERS`` maps the source names users type (``--source un-sc``) to those functions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aktsam.errors import UnknownSourceError
from aktsam.lists.model import ParsedList

Parser = Callable[[Path], ParsedList]


def _registry() -> dict[str, Parser]:
    # Imported lazily so that ``aktsam screen`` does not import lxml/openpyxl-heavy parsers it never uses.
    from aktsam.lists.parsers import eu_fsf, ftm, ofac, uk_hmt, un_sc, us_csl, watchlist

    return {
        "un-sc": un_sc.parse,
        "eu-fsf": eu_fsf.parse,
        "uk-hmt": uk_hmt.parse,
        "ofac-sdn": ofac.parse_sdn,
        "ofac-cons": ofac.parse_cons,
        "us-csl": us_csl.parse,
        "ftm": ftm.parse,
        "csv": watchlist.parse,
    }


SOURCES: tuple[str, ...] = (
    "un-sc",
    "eu-fsf",
    "uk-hmt",
    "ofac-sdn",
    "ofac-cons",
    "us-csl",
    "ftm",
    "csv",
)


def get_parser(source: str) -> Parser:
    """The parser for a source name, or :class:`UnknownSourceError` listing the known ones."""
    registry = _registry()
    try:
        return registry[source]
    except KeyError:
        raise UnknownSourceError(
            f"unknown list source {source!r}; known sources: {', '.join(SOURCES)}"
        ) from None


def parse(path: Path, source: str) -> ParsedList:
    """Parse ``path`` as ``source``; a directory is accepted for multi-file sets (OFAC legacy CSV)."""
    return get_parser(source)(Path(path))
