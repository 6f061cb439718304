"""Romanisation keys: one Cyrillic name written by different romanisation systems meets itself."""

from __future__ import annotations

import pytest

from aktsam.lists.model import Schema
from aktsam.screening import weights as W
from aktsam.screening.matcher import compare
from aktsam.screening.romanisation import romanisation_key, same_romanisation
from aktsam.screening.translit import romanise_token
from aktsam.screening.vocabulary import Vocabulary, fuzzy_similarity


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("saveljev", "savelyev"),  # Swedish / English (BGN/PCGN)
        ("dmitrij", "dmitry"),
        ("ivanovitj", "ivanovich"),
        ("michejev", "mikheev"),  # х: Swedish ch, English kh
        ("mychajlo", "mykhailo"),  # German/Polish-style / Ukrainian national
        ("aleksej", "alexey"),
        ("sjevtjenko", "shevchenko"),
        ("kovaltjuk", "kovalchuk"),
        ("yevgeniy", "jevgenij"),
        ("zinoviev", "zinovyev"),
        ("kukarskij", "kukarsky"),
        ("wladimir", "vladimir"),  # German/Polish в = w
        ("schewtschenko", "shevchenko"),  # German
    ],
)
def test_spellings_of_one_cyrillic_name_share_a_key(left: str, right: str) -> None:
    assert same_romanisation(left, right)
    assert fuzzy_similarity(left, right) >= W.ROMANISATION_SIMILARITY


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("ivanov", "ivanova"),
        ("bayer", "bajer"),  # five letters: no key (collides too easily)
        ("jiang", "yang"),  # pinyin j and y are different initials
        ("sergeev", "sergeevich"),
    ],
)
def test_other_words_do_not(left: str, right: str) -> None:
    assert not same_romanisation(left, right)


def test_key_needs_enough_letters_and_only_letters() -> None:
    assert romanisation_key("chepa") is None
    assert romanisation_key("abc123") is None
    assert romanisation_key("savelyev") == "savelev"


def test_cyrillic_kha_is_romanised_kh_as_the_lists_write_it() -> None:
    assert romanise_token("михеев") == ("mikheev",)
    assert romanise_token("хабаровск") == ("khabarovsk",)


def test_compare_meets_swedish_and_english_spellings_of_a_russian_name() -> None:
    # before the key: 0.21 (only the first name within one edit)
    swedish, english = "Dmitrij Ivanovitj SAVELJEV", "Dmitry Ivanovich SAVELYEV"
    result = compare(swedish, english, Schema.PERSON)
    assert result.score >= 0.8
    assert [p.similarity for p in result.explanation.pairs].count(W.ROMANISATION_SIMILARITY) >= 2


def test_compare_meets_a_ukrainian_name_in_cyrillic_and_in_latin() -> None:
    result = compare("Mychajlo MALYSJEV", "Михайло МАЛИШЕВ", Schema.PERSON)
    assert result.score >= 0.8


def test_a_query_token_reaches_the_only_listed_token_with_its_metaphone_code() -> None:
    # before: codes held by a single listed token were not kept, so an unlisted query token with
    # that code found nothing, while the same pair scored when a third token shared the code
    vocab = Vocabulary.build({"muhammad": 1, "petrova": 1}, 2, {})
    expansion = vocab.expand("mohammed")  # two edits apart, one Metaphone code
    assert expansion[vocab.index["muhammad"]] >= 0.7


def test_a_query_token_reaches_listed_tokens_with_its_romanisation_key() -> None:
    vocab = Vocabulary.build({"savelyev": 1, "petrova": 1}, 2, {})
    expansion = vocab.expand("saveljev")
    assert expansion[vocab.index["savelyev"]] == pytest.approx(W.ROMANISATION_SIMILARITY)
