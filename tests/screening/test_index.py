"""Building, saving and loading the match index, its token weights and its retrieval structures."""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest

from aktsam.lists.model import Identifier, ListedEntity, Name, NameKind, Schema
from aktsam.lists.parsers import parse
from aktsam.screening import weights as W
from aktsam.screening.enrich import AliasTable
from aktsam.screening.index import IndexVersionError, MatchIndex, prefix_bounds
from aktsam.screening.matcher import Query, match
from aktsam.screening.vocabulary import token_similarity

LISTS_DIR = Path(__file__).resolve().parents[2] / "data" / "lists"


def _entity(
    source_id: str,
    *names: str | Name,
    schema: Schema = Schema.PERSON,
    source: str = "un-sc",
    **extra: object,
) -> ListedEntity:
    return ListedEntity(
        source=source,
        source_id=source_id,
        schema=schema,
        names=[n if isinstance(n, Name) else Name(n) for n in names],
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def small() -> list[ListedEntity]:
    # more than COMMON_TOKEN_DF names hold "muhammad"
    common = [_entity(f"m{i}", f"Muhammad Person{i}") for i in range(W.COMMON_TOKEN_DF + 20)]
    return [
        _entity("1", "Vladimir Vladimirovich PUTIN", Name("Vladimir PUTIN", NameKind.ALIAS)),
        _entity("2", "Zhejiang Dahua Technology Co., Ltd.", schema=Schema.ORGANIZATION),
        _entity(
            "3",
            "International Trading Company",
            schema=Schema.ORGANIZATION,
            identifiers=[Identifier("registration", "91330000733796106P")],
        ),
        _entity("4", "Usama bin Ladin", Name("Abu Abdallah", NameKind.WEAK_ALIAS)),
        *common,
    ]


@pytest.fixture(scope="module")
def index(small: list[ListedEntity]) -> MatchIndex:
    return MatchIndex.build(small)


def test_every_name_of_every_entity_is_indexed_once_per_form(
    index: MatchIndex, small: list[ListedEntity]
) -> None:
    assert len(index) == len(small)
    assert index.entity_ids[0] == "un-sc:1"
    putin = [index.vocab.tokens[t] for n in index.entity_names[0] for t in index.name_tids[n]]
    assert sorted(set(putin)) == ["putin", "vladimir", "vladimirovich"]
    tids = [index.name_tids[n] for n in index.entity_names[0]]
    assert len(tids) == len(set(tids))  # forms repeated within an entity are kept once


def test_a_form_repeated_within_an_entity_keeps_the_most_trusted_kind() -> None:
    entity = _entity("1", Name("ABU ALI", NameKind.WEAK_ALIAS), Name("Abu Ali", NameKind.ALIAS))
    index = MatchIndex.build([entity], aliases=AliasTable([]))
    assert [index.name_kind[n] for n in index.entity_names[0]] == [NameKind.ALIAS]


def test_token_weights_are_idf_like_with_generic_words_low(index: MatchIndex) -> None:
    vocab = index.vocab

    def weight(token: str) -> float:
        return vocab.weights[vocab.index[token]]

    assert weight("putin") == 1.0
    assert weight("dahua") == 1.0
    assert weight("muhammad") < 0.7  # in most distinct names
    assert weight("muhammad") >= W.TOKEN_WEIGHT_FLOOR
    assert weight("trading") == W.GENERIC_TOKEN_WEIGHT
    assert weight("international") == W.GENERIC_TOKEN_WEIGHT
    assert weight("technology") == W.GENERIC_TOKEN_WEIGHT


def test_spelling_variants_of_generic_words_are_generic_too() -> None:
    entities = [
        _entity("1", "Tekhnologiya Zavod", schema=Schema.ORGANIZATION),
        _entity("2", "Internacional Trading", schema=Schema.ORGANIZATION),
    ]
    vocab = MatchIndex.build(entities, aliases=AliasTable([])).vocab
    assert vocab.weights[vocab.index["zavod"]] == 1.0
    assert vocab.weights[vocab.index["internacional"]] == W.GENERIC_TOKEN_WEIGHT


def test_fuzzy_expansion_finds_neighbours_without_scanning(index: MatchIndex) -> None:
    vocab = index.vocab
    expansion = vocab.expand("vladimr")
    assert vocab.index["vladimir"] in expansion
    assert vocab.index["putin"] not in expansion
    assert vocab.expand("vladimr") is expansion  # memoised
    assert vocab.index["putin"] in vocab.expand("putni")
    assert vocab.expand("xyz") == {}


def test_expansions_agree_with_pairwise_token_similarity() -> None:
    words = [
        "aleksandr",
        "alexander",
        "alexandr",
        "muhammad",
        "mohammed",
        "mohamed",
        "ladin",
        "laden",
    ]
    words += ["abdulrahman", "abdurahmaan", "putin", "putni", "vladimir", "vladimr", "kim", "kin"]
    entities = [_entity(str(i), word) for i, word in enumerate(words)]
    vocab = MatchIndex.build(entities, aliases=AliasTable([])).vocab
    for word in words:
        expansion = vocab.expand(word)
        for other in words:
            similarity = token_similarity(word, other)
            assert expansion.get(vocab.index[other], 0.0) == pytest.approx(similarity), (
                word,
                other,
            )


def test_precomputed_expansions_equal_fresh_ones_after_a_reload(
    index: MatchIndex, tmp_path: Path
) -> None:
    path = tmp_path / "index.pickle"
    index.save(path)
    loaded = MatchIndex.load(path)
    vocab = loaded.vocab
    for token in [*vocab.tokens, "vladimirovic", "muhamad", "zhejang"]:
        expected = list(vocab._expand(token).items())  # same ids and similarities, same order
        assert list(vocab.expand(token).items()) == expected


def test_common_tokens_get_prefix_postings(index: MatchIndex) -> None:
    muhammad = index.vocab.index["muhammad"]
    assert index.common[muhammad]
    # every "Muhammad PersonN" needs its rare surname: "muhammad" alone cannot reach the threshold
    assert len(index.postings(muhammad, prefix=True)) == 0
    assert len(index.postings(muhammad, prefix=False)) == W.COMMON_TOKEN_DF + 20
    assert not index.common[index.vocab.index["putin"]]


def test_prefix_bounds_follow_the_score_formula() -> None:
    coverage, evidence = prefix_bounds(0.7, person=True)
    needed = 0.7 - W.COUNTRY_MATCH - W.DOB_EXACT
    assert coverage**W.LISTED_COVERAGE_SHARE == pytest.approx(needed)
    assert (evidence / W.MIN_EVIDENCE_PERSON) ** W.EVIDENCE_EXPONENT == pytest.approx(needed)
    assert prefix_bounds(0.7, person=False)[1] < evidence


def test_identifiers_are_indexed_normalised(index: MatchIndex) -> None:
    assert index.identifier_index["91330000733796106P"] == (2,)


def test_save_and_load_give_the_same_results(index: MatchIndex, tmp_path: Path) -> None:
    path = tmp_path / "index.bin"
    index.save(path)
    loaded = MatchIndex.load(path)
    assert loaded.stats()["names"] == index.stats()["names"]
    for name in ("Vladimir Putin", "Dahua Technology", "Usama bin Ldin", "Abu Abdallah"):
        before = [(h.entity_id, h.score) for h in match(index, Query(name))]
        after = [(h.entity_id, h.score) for h in match(loaded, Query(name))]
        assert before == after, name
    assert not path.with_name("index.bin.tmp").exists()


def test_an_index_built_with_other_weights_is_refused(index: MatchIndex, tmp_path: Path) -> None:
    path = tmp_path / "index.bin"
    index.save(path)
    with open(path, "rb") as handle:
        payload = pickle.load(handle)
    payload["fingerprint"]["weights"] = "0000000000000000"
    with open(path, "wb") as handle:
        pickle.dump(payload, handle)
    with pytest.raises(IndexVersionError, match="rebuild"):
        MatchIndex.load(path)


def test_a_file_that_is_not_an_index_is_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"not a pickle at all")
    with pytest.raises(IndexVersionError):
        MatchIndex.load(garbage)
    other = tmp_path / "other.bin"
    other.write_bytes(pickle.dumps({"something": "else"}))
    with pytest.raises(IndexVersionError, match="not a match index"):
        MatchIndex.load(other)


def test_fingerprint_covers_format_weights_and_data_files() -> None:
    fingerprint = MatchIndex.fingerprint()
    assert set(fingerprint) == {"format", "weights", "generic_tokens", "aliases"}
    assert fingerprint["weights"] == W.MODEL_SIGNATURE


def test_an_empty_index_matches_nothing() -> None:
    index = MatchIndex.build([])
    assert len(index) == 0
    assert match(index, Query("Vladimir Putin")) == []


@pytest.mark.slow
def test_the_us_csl_list_builds_quickly_and_loads_faster(tmp_path: Path) -> None:
    entities = parse(LISTS_DIR / "us-csl" / "consolidated.csv", "us-csl").entities
    started = time.perf_counter()
    index = MatchIndex.build(entities)
    built = time.perf_counter() - started
    assert len(index) == len(entities) > 14_000
    assert index.name_count > 30_000
    assert built < 30.0  # measured about 2 s
    path = tmp_path / "csl.bin"
    index.save(path)
    started = time.perf_counter()
    MatchIndex.load(path)
    assert time.perf_counter() - started < 5.0  # measured about 0.2 s
