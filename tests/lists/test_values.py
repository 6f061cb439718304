"""Value cleaning shared by the parsers: whitespace, countries (alpha-2 only), dates."""

from __future__ import annotations

import re
import sys

import pytest
from rigour.territories import get_territories

from aktsam.lists.values import clean, country_code, iso_date

# --- clean ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        (" \t\r\n ", None),
        ("-0-", None),
        (" -0- ", None),
        ("  Abu \n Ali\t", "Abu Ali"),
        ("Abu\u00a0\u2009Ali\u3000", "Abu Ali"),  # no-break, thin and ideographic spaces
        ("a\x1cb\x1fc\x85d\u2028e", "a b c d e"),  # separators Python counts as white space
        ("a\u200bb\ufeff", "a\u200bb\ufeff"),  # zero-width space and BOM are not white space
    ],
)
def test_clean_collapses_white_space(value: str | None, expected: str | None) -> None:
    assert clean(value) == expected


def test_clean_splits_on_exactly_the_white_space_of_the_regex_it_replaced() -> None:
    """``" ".join(v.split())`` and ``re.sub(r"\\s+", " ", v).strip()`` agree on every code point."""
    space = re.compile(r"\s+")
    for code in range(sys.maxunicode + 1):
        text = f" a{chr(code)}{chr(code)}b "
        assert clean(text) == (space.sub(" ", text).strip() or None), hex(code)


# --- country_code --------------------------------------------------------------------------------


def test_country_with_a_bracketed_qualifier_is_the_qualified_country() -> None:
    # the FCDO writes the DRC "Congo (Democratic Republic)"; dropping the brackets gave Congo (cg)
    assert country_code("Congo (Democratic Republic)") == "cd"
    assert country_code("Congo (Republic)") == "cg"
    assert country_code("Sudan (South)") == "ss"
    assert country_code("Samoa (American)") == "as"
    assert country_code("Korea (North)") == "kp"
    assert country_code("Guinea (Bissau)") == "gw"


def test_country_with_a_bracketed_note_is_the_country() -> None:
    # notes seen in the UN, EU and UK files
    assert country_code("Germany (previous address)") == "de"
    assert country_code("Pakistan (at time of listing)") == "pk"
    assert country_code("Kuwait (residence as at Mar 2009) (UN address)") == "kw"
    assert country_code("Democratic Republic of the Congo (in prison)") == "cd"
    assert country_code("Iran (Islamic Republic of)") == "ir"
    assert country_code("(Afghan) (tazkira)") is None


def test_sub_territory_is_its_country() -> None:
    # for screening, an address in Crimea is in Ukraine: never the rigour code ua-cri
    assert country_code("Crimea") == "ua"
    assert country_code("Abkhazia") == "ge"
    assert country_code("Kurdistan") == "iq"
    assert country_code("Northern Ireland") == "gb"


def test_former_state_is_its_one_successor_or_none() -> None:
    assert country_code("RSFSR") == "ru"
    assert country_code("Ukrainian SSR") == "ua"
    assert country_code("Kazakh SSR") == "kz"
    assert country_code("USSR") is None  # fifteen successors: no one country
    assert country_code("former Soviet Union") is None
    assert country_code("Yugoslavia") is None
    assert country_code("Kashmir") is None  # claimed by two, governed by neither alone


def test_country_code_is_only_ever_alpha2() -> None:
    for territory in get_territories():
        for text in {territory.code, territory.name, territory.full_name}:
            code = country_code(text)
            assert code is None or re.fullmatch(r"[a-z]{2}", code), (text, code)


def test_country_codes_and_unknowns() -> None:
    assert country_code("CN") == "cn"
    assert country_code(" Russian Federation ") == "ru"
    assert country_code("Atlantis") is None
    assert country_code(None) is None
    assert country_code("  ") is None


# --- iso_date ------------------------------------------------------------------------------------


def test_iso_date_keeps_precision() -> None:
    assert iso_date("1970") == "1970"
    assert iso_date("May 1970") == "1970-05"
    assert iso_date("01/05/1970") == "1970-05-01"
    assert iso_date("01/05/1970", day_first=False) == "1970-01-05"
    assert iso_date("2015-03-27T00:00:00") == "2015-03-27"
    assert iso_date("about 1970") is None
