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
        ("kiselyov", "kiselev"),  # ё: BGN/PCGN yo, Russian print е
        ("fjodor", "fyodor"),  # ё: German/Swedish jo
        ("artem", "artyom"),  # five letters meet six
        ("maxim", "maksim"),  # кс: English usage x
        ("semen", "semyon"),
    ],
)
def test_spellings_of_one_cyrillic_name_share_a_key(left: str, right: str) -> None:
    assert same_romanisation(left, right)
    assert fuzzy_similarity(left, right) >= W.ROMANISATION_SIMILARITY


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("ivanov", "ivanova"),
        ("bayer", "bajer"),  # both five letters: too short a pair (collides too easily)
        ("yeong", "jeong"),  # two Korean syllables (영, 정) the key folds together
        ("jiang", "yang"),  # pinyin j and y are different initials
        ("sergeev", "sergeevich"),
    ],
)
def test_other_words_do_not(left: str, right: str) -> None:
    assert not same_romanisation(left, right)


def test_key_needs_enough_letters_and_only_letters() -> None:
    assert romanisation_key("petr") is None
    assert romanisation_key("chepa") == "Cepa"
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


def test_a_five_letter_query_token_reaches_its_six_letter_spelling_not_a_five_letter_one() -> None:
    vocab = Vocabulary.build({"maksim": 1, "jeong": 1, "petrova": 1}, 3, {})
    assert vocab.expand("maxim")[vocab.index["maksim"]] == pytest.approx(W.ROMANISATION_SIMILARITY)
    # one edit apart, so an edit neighbour, but not raised to a romanisation variant
    assert vocab.expand("yeong")[vocab.index["jeong"]] < W.ROMANISATION_SIMILARITY


def test_compare_meets_the_yo_and_x_spellings_of_a_russian_name() -> None:
    # held-out misses of bench/screening.py: 0.567 before, the first name a conflicting word
    for query, listed in (
        ("Maksim Yuryevich SMIRNOV", "Maxim Yuryevich SMIRNOV"),
        ("Artem Alekseyevich ZDUNOV", "Artyom Alekseyevich ZDUNOV"),
        ("Dmitry Konstantinovich KISELYOV", "Dmitrii Konstantinovich KISELEV"),
    ):
        assert compare(query, listed, Schema.PERSON).score >= W.DEFAULT_THRESHOLD, query
