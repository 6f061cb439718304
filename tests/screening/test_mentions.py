"""Mentioned in a listing: a company named in a listed entry's remarks, found as whole words in order,
kept apart from the hits, and shown by the CLI, the API and the web page alike."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aktsam.lists.model import ListedEntity, Name, NameKind, Schema
from aktsam.screening.mentions import EXCERPT_CHARS, MentionIndex
from aktsam.screening.runs import get_run
from aktsam.screening.service import Screener
from aktsam.settings import Settings


def _entity(source_id: str, name: str, remarks: str | None, source: str = "eu-fsf") -> ListedEntity:
    return ListedEntity(
        source=source,
        source_id=source_id,
        schema=Schema.PERSON,
        names=[Name(value=name, kind=NameKind.PRIMARY)],
        remarks=remarks,
    )


ENTITIES = [
    _entity("1", "Ivan PETROV", "Function: Director of Acme Widgets Norge AS; born in Tula."),
    _entity("2", "Anna SMIRNOVA", "Employee of the Scientific Studies and Research Centre (SSRC)"),
    _entity("3", "Oleg SIDOROV", "Norge Acme Widgets holding"),  # the words, not in order
    _entity("4", "Pyotr IVANOV", "Acme Widget Makers"),  # "Widget", not "Widgets"
    _entity("5", "Boris VOLKOV", None),
    _entity("6", "Olga KOZLOVA", "Director of ACME WIDGETS NORGE", source="ofac-sdn"),
    _entity(
        "7", "Long REMARKS", "x " * 400 + "Acme Widgets Norge AS is the employer. " + "y " * 400
    ),
]


@pytest.fixture(scope="module")
def index() -> MentionIndex:
    return MentionIndex.build(ENTITIES)


def test_whole_words_in_order_legal_forms_and_connectors_aside(index: MentionIndex) -> None:
    found = index.find("Acme Widgets Norge AS", Schema.ORGANIZATION)
    assert found.searched and found.total == 3
    assert [m.entity_id for m in found.items] == ["eu-fsf:1", "eu-fsf:7", "ofac-sdn:6"]
    first = found.items[0]
    assert first.caption == "Ivan PETROV" and first.words == "acme widgets norge"
    assert first.excerpt == "Function: Director of Acme Widgets Norge AS; born in Tula."
    # "and" and "Centre"/"Center" as names are compared
    centre = index.find("Scientific Studies and Research Center")
    assert [m.entity_id for m in centre.items] == ["eu-fsf:2"]
    # a long remark is cut around the words
    long = next(m for m in found.items if m.entity_id == "eu-fsf:7")
    assert "Acme Widgets Norge AS is the employer" in long.excerpt
    assert long.excerpt.startswith("…") and long.excerpt.endswith("…")
    assert len(long.excerpt) <= EXCERPT_CHARS + 2


def test_exclusions_sources_and_limit(index: MentionIndex) -> None:
    found = index.find("Acme Widgets Norge", exclude={"eu-fsf:1"}, sources={"eu-fsf"})
    assert [m.entity_id for m in found.items] == ["eu-fsf:7"]
    capped = index.find("Acme Widgets Norge", limit=1)
    assert len(capped.items) == 1 and capped.total == 3
    assert index.find("Nothing Here Holding").total == 0


def test_not_searched_is_said_not_shown_as_none(index: MentionIndex) -> None:
    person = index.find("Ivan Petrov", Schema.PERSON)
    assert not person.searched and person.note and "person" in person.note
    for generic in ("Trading", "Bank", "Group International"):
        result = index.find(generic, Schema.ORGANIZATION)
        assert not result.searched and result.total == 0, generic
        assert result.note is not None and "generic" in result.note
    assert index.find("Acme", Schema.ORGANIZATION).searched is False  # four letters


def test_save_and_load(index: MentionIndex, tmp_path: Path) -> None:
    path = tmp_path / "mentions.bin"
    index.save(path)
    again = MentionIndex.load(path)
    assert again.find("Acme Widgets Norge") == index.find("Acme Widgets Norge")
    path.write_bytes(b"not an index")
    with pytest.raises(Exception):  # noqa: B017 - pickle's own error for a foreign file
        MentionIndex.load(path)


@pytest.fixture
def screener(bundled_settings: Settings) -> Iterator[Screener]:
    opened = Screener.open(bundled_settings)
    yield opened
    opened.store.close()


def test_screening_shows_the_listed_employees_of_a_company(screener: Screener) -> None:
    # OFAC lists Kalashnikov Concern's managers; their remarks name it ("Chief Export Officer for
    # Kalashnikov Concern"). Screening the company hits its own entries and mentions theirs.
    run = screener.screen(
        "Kalashnikov Concern", schema="organization", party_id="mention-1", mentions=True
    )
    [result] = run.results
    hit = {x.entity_id for d in result.designations for x in d.listings}
    assert hit, "Kalashnikov Concern is itself listed"
    mentioned = {m.entity_id for m in result.mentions.items}
    assert "ofac-sdn:18314" in mentioned  # Aleksander OMELCHENKO
    assert not mentioned & hit  # its own entries are hits, not mentions
    officer = next(m for m in result.mentions.items if m.entity_id == "ofac-sdn:18314")
    assert "Kalashnikov Concern" in officer.excerpt
    # mentions are not hits and are kept with the run
    assert all(h.entity_id not in mentioned for h in result.hits)
    recorded = get_run(screener.store, run.run_id or 0).params["mentions"]["mention-1"]
    assert recorded["total"] == result.mentions.total and recorded["searched"] is True
    assert recorded["name"] == "Kalashnikov Concern"
    # without asking, nothing is searched, and that is what the result says
    plain = screener.screen("Kalashnikov Concern", schema="organization", party_id="mention-1")
    assert plain.results[0].mentions.searched is False
    assert "mentions" not in get_run(screener.store, plain.run_id or 0).params
    # the cached index is reused and a damaged cache is rebuilt, not trusted
    path = next(screener.index_path().parent.glob("mentions-*.bin"))
    path.write_bytes(b"damaged")
    fresh = Screener.open(screener.settings)
    try:
        again = fresh.screen(
            "Kalashnikov Concern", schema="organization", party_id="mention-1", mentions=True
        )
        assert again.results[0].mentions == result.mentions
    finally:
        fresh.store.close()


def test_cli_and_api_show_the_same_mentions(
    bundled_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aktsam.cli import app, context

    monkeypatch.setenv("AKTSAM_HOME", str(bundled_settings.home))
    monkeypatch.delenv("AKTSAM_DATABASE_URL", raising=False)
    context.settings.cache_clear()
    context.store.cache_clear()
    try:
        runner = CliRunner()
        args = ["screen", "Kalashnikov Concern", "--schema", "organization", "--party", "m-2"]
        out = runner.invoke(app, [*args, "--json"])
        assert out.exit_code == 0, out.output
        mentions = json.loads(out.stdout)["results"][0]["mentions"]
        assert mentions["searched"] and mentions["total"] >= 1
        assert any(m["entity_id"] == "ofac-sdn:18314" for m in mentions["items"])
        table = runner.invoke(app, args)
        assert table.exit_code == 0, table.output
        text = " ".join(table.stdout.split())
        assert f"Mentioned in {mentions['total']} listing(s)" in text and "OMELCHENKO" in text
        nothing = runner.invoke(app, ["screen", "Acme Widgets Norge AS", "--party", "m-3"])
        assert "No listing names it in its remarks." in nothing.stdout
        generic = runner.invoke(app, ["screen", "Trading", "--party", "m-4"])
        assert "Mentions in listings not searched" in " ".join(generic.stdout.split())
    finally:
        context.settings.cache_clear()
        context.store.cache_clear()
