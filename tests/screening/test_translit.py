"""Romanising tokens (aktsam.screening.translit): the seam that swaps the Arabic word table."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aktsam.screening import translit
from aktsam.screening.translit import arabic_table, romanise_token, use_arabic_table


@pytest.fixture
def shipped_table_after() -> Iterator[None]:
    """Whatever a test installs, the next test screens with the shipped table again."""
    yield
    use_arabic_table(None)


def test_shipped_table_by_default() -> None:
    assert romanise_token("محمد") == ("mohammad",)
    assert romanise_token("أحمد") == ("ahmad",)  # hamza folded to the table's key
    assert romanise_token("الظواهري") == ("al", "zawahiri")  # article split, rest from the table


@pytest.mark.usefixtures("shipped_table_after")
def test_use_arabic_table_replaces_the_table_and_the_token_cache() -> None:
    shipped = romanise_token("ابنوش")  # cached with the shipped table's spelling
    assert shipped == ("abnoush",)
    use_arabic_table([("محمد", "Mohd"), ("أحمد", "Ahmed")])
    assert arabic_table() == {"محمد": ("mohd",), "احمد": ("ahmed",)}  # keys folded, latin tokenised
    assert romanise_token("محمد") == ("mohd",)
    assert romanise_token("احمد") == ("ahmed",)
    assert romanise_token("المحمد") == ("al", "mohd")
    # a word the new table lacks is no longer answered from the shipped table (nor its cache)
    assert romanise_token("ابنوش") == translit.romanise_icu("ابنوش", arabic=True) != shipped
    assert romanise_token("путин") == ("putin",)  # other scripts are untouched


@pytest.mark.usefixtures("shipped_table_after")
def test_use_arabic_table_none_restores_the_shipped_table() -> None:
    use_arabic_table([("محمد", "mohd")])
    assert romanise_token("محمد") == ("mohd",)
    use_arabic_table(None)
    assert romanise_token("محمد") == ("mohammad",)
    assert len(arabic_table()) > 100


@pytest.mark.usefixtures("shipped_table_after")
def test_use_arabic_table_rejects_an_empty_spelling() -> None:
    with pytest.raises(ValueError, match="empty latin"):
        use_arabic_table([("محمد", " - ")])


@pytest.mark.usefixtures("shipped_table_after")
def test_an_empty_table_falls_back_to_icu() -> None:
    use_arabic_table([])
    assert romanise_token("محمد") == translit.romanise_icu("محمد", arabic=True)
