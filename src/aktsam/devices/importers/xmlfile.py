"""A device input's XML read through the lists' safe XML reader, its refusals as :class:`InputError`.

``aktsam.lists.parsers.xmlstream`` already knows how XML files go wrong (a declared encoding that
lies, truncation, garbage) and never resolves entities or touches the network; device inputs use
it too, but a user's scan or device response is an input, so its faults are an
:class:`~aktsam.errors.InputError` naming the file and line, not a list-format error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lxml import etree

from aktsam.errors import InputError, ListFormatError
from aktsam.lists.parsers import xmlstream

Element = etree._Element


@contextmanager
def as_input_error(path: Path) -> Iterator[None]:
    """A :class:`ListFormatError` from the shared readers, re-raised as an :class:`InputError`."""
    try:
        yield
    except ListFormatError as error:
        where = f"{error.location}: " if error.location else ""
        raise InputError(f"{where}{error.message}", file=str(path)) from None


def elements(path: Path) -> Iterator[Element]:
    """The root (start tag only), then each complete element; see ``xmlstream.elements``."""
    with as_input_error(path):
        xmlstream.check_declared_encoding(path, "device responses and nmap write UTF-8")
        yield from xmlstream.elements(path)


def read_tree(path: Path) -> Element:
    """The whole document's root, for the small single-response files (ONVIF, ISAPI)."""
    root: Element | None = None
    for elem in elements(path):
        if root is None:
            root = elem
    assert root is not None  # xmlstream.elements refuses a file without an element
    return root


def local(elem: Element) -> str:
    """The element's tag without its namespace (``{http://…}Model`` → ``Model``)."""
    tag = elem.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def namespace(elem: Element) -> str | None:
    tag = elem.tag
    return etree.QName(tag).namespace if isinstance(tag, str) else None


def text(elem: Element | None) -> str | None:
    """The element's stripped text, ``None`` when absent or blank."""
    if elem is None or elem.text is None:
        return None
    value = elem.text.strip()
    return value or None


def child(elem: Element, name: str) -> Element | None:
    """The first child whose local name is ``name``, whatever its namespace."""
    for sub in elem:
        if local(sub) == name:
            return sub
    return None


def line(elem: Element) -> int:
    return xmlstream.source_line(elem)
