"""Mentioned in a listing: a company named in a listed entry's remarks, not a match.

A listing often names more than its subject: an EU or UK entry gives a person's function ("Director of
…", "Employee of …"), OFAC's remarks name the company a person works for or acts for, the CSL's give a
"Title". When the party screened is a company named so, that is worth knowing even when nothing on the
lists matches the company itself: its director or employee is listed. This module finds such
mentions. They are a separate, low-severity result:

* a mention is not a hit: it has no score, is not reviewed or decided, does not count as an open hit and
  does not feed risk assessments or monitoring alerts; a reviewer reads it beside the hits;
* the query's words (legal forms removed, as the matcher reduces names) must appear in the listed
  entry's remarks as a run of whole words, in order. "Hikvision Digital Technology" is found in
  "Employee of Hangzhou Hikvision Digital Technology Co., Ltd."; "Digital Technology" alone is not
  specific enough and is not searched (:func:`specific`);
* only company (and unstated-kind) queries are searched: a person named in another's remarks is a
  relation, which the lists state in their own fields;
* entries of the designations the party already hits are left out (they are the hit itself).

The index is built from the ``remarks`` of the entries of the snapshots in force, once per list update,
and cached beside the matching index.
"""

from __future__ import annotations

import pickle
import re
import time
from array import array
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aktsam.lists.model import ListedEntity, Schema
from aktsam.screening.names import name_forms, text_tokens
from aktsam.screening.vocabulary import load_generic_tokens

FORMAT_VERSION = 2
_MAGIC = "aktsam-mentions"

#: a one-word query is searched only when the word has at least this many letters and is not generic
#: ("Dahua", "Huawei", "Hikvision"; not "bank", "group", "trading")
MIN_SINGLE_LETTERS = 5
#: a query of several words needs at least this many letters in all, and one word that is not generic
MIN_PHRASE_LETTERS = 8
#: the text of a mention shown: the remark around the mention, at most this many characters
EXCERPT_CHARS = 400
DEFAULT_LIMIT = 10


@dataclass(frozen=True, slots=True)
class Mention:
    """A listed entry whose remarks name the party screened."""

    entity_id: str
    source: str
    source_id: str
    schema: str
    caption: str
    words: str  # the query's words as found (normalised)
    excerpt: str  # the remark around them, as published (shortened with … when long)

    def to_dict(self) -> dict[str, str]:
        return {
            "entity_id": self.entity_id,
            "list": self.source,
            "source_id": self.source_id,
            "schema": self.schema,
            "entity_name": self.caption,
            "words": self.words,
            "excerpt": self.excerpt,
            "field": "remarks",
        }


@dataclass(frozen=True, slots=True)
class Mentions:
    """The mentions of one query: the first ``limit`` (by list and entry id) and how many in all.

    ``searched`` is False when the remarks were not searched (a person, a name too generic to search,
    mentions not asked for): "none found" and "not looked for" are told apart, never shown alike."""

    items: tuple[Mention, ...]
    total: int
    searched: bool = True
    note: str | None = None  # why not searched

    def to_dict(self) -> dict[str, Any]:
        return {
            "searched": self.searched,
            "note": self.note,
            "items": [m.to_dict() for m in self.items],
            "total": self.total,
        }


NOT_SEARCHED = Mentions((), 0, searched=False, note="mentions were not searched")


def _specific(tokens: Sequence[str], generic: Collection[str]) -> bool:
    if not tokens:
        return False
    if len(tokens) == 1:
        return len(tokens[0]) >= MIN_SINGLE_LETTERS and tokens[0] not in generic
    return sum(map(len, tokens)) >= MIN_PHRASE_LETTERS and any(t not in generic for t in tokens)


def _excerpt(text: str, words: Sequence[str]) -> str:
    text = " ".join(text.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    # where the words are, as published: whole words in order, punctuation and connectors between
    pattern = r"(?:\W+(?:and|the))*\W+".join(re.escape(w) for w in words)
    found = re.search(rf"\b{pattern}\b", text, re.IGNORECASE) if words else None
    at = found.start() if found else -1
    start = max(0, at - EXCERPT_CHARS // 3) if at >= 0 else 0
    end = min(len(text), start + EXCERPT_CHARS)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


class MentionIndex:
    """The remarks of the listed entries, as whole words, with a word → entries inverted index."""

    def __init__(self, state: dict[str, Any]) -> None:
        self._state = state
        self.sources: list[str] = state["sources"]
        self.source_ids: list[str] = state["source_ids"]
        self.schemas: list[str] = state["schemas"]
        self.captions: list[str] = state["captions"]
        self.remarks: list[str] = state["remarks"]
        self.words: list[str] = state["words"]  # " w1 w2 … " per entry
        self.postings: dict[str, array[int]] = state["postings"]
        self.generic: frozenset[str] = frozenset(state["generic"])

    @classmethod
    def build(cls, entities: Iterable[ListedEntity]) -> MentionIndex:
        started = time.perf_counter()
        columns: dict[str, list[str]] = {
            k: [] for k in ("sources", "source_ids", "schemas", "captions")
        }
        remarks: list[str] = []
        words: list[str] = []
        postings: dict[str, array[int]] = {}
        for entity in entities:
            if not entity.remarks or not entity.remarks.strip():
                continue
            tokens = text_tokens(entity.remarks)
            if not tokens:
                continue
            number = len(remarks)
            columns["sources"].append(entity.source)
            columns["source_ids"].append(entity.source_id)
            columns["schemas"].append(entity.schema.value)
            columns["captions"].append(entity.caption)
            remarks.append(entity.remarks)
            words.append(" " + " ".join(tokens) + " ")
            for token in set(tokens):
                postings.setdefault(token, array("i")).append(number)
        generic = sorted(load_generic_tokens())
        state: dict[str, Any] = {
            **columns,
            "remarks": remarks,
            "words": words,
            "postings": postings,
            "generic": generic,
            "build_seconds": time.perf_counter() - started,
        }
        return cls(state)

    def __len__(self) -> int:
        return len(self.sources)

    def entity_id(self, number: int) -> str:
        return f"{self.sources[number]}:{self.source_ids[number]}"

    def save(self, path: Path) -> None:
        temporary = path.with_name(path.name + ".tmp")
        payload = {"magic": _MAGIC, "format": FORMAT_VERSION, "state": self._state}
        with open(temporary, "wb") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> MentionIndex:
        """Read an index written by :meth:`save`; ``ValueError`` when it is not one of this version."""
        with open(path, "rb") as handle:
            payload = pickle.load(handle)
        if (
            not isinstance(payload, dict)
            or payload.get("magic") != _MAGIC
            or payload.get("format") != FORMAT_VERSION
        ):
            raise ValueError(f"{path}: not a mention index of format {FORMAT_VERSION}")
        return cls(payload["state"])

    def find(
        self,
        name: str,
        schema: Schema | None = None,
        *,
        exclude: Collection[str] = (),
        sources: Collection[str] | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Mentions:
        """The entries (not in ``exclude``, in ``sources`` when given) whose remarks name ``name``: the
        first ``limit`` by list and entry id, and the total. A person query finds none."""
        if schema is Schema.PERSON:
            return Mentions(
                (), 0, searched=False, note="a person: remarks are searched for companies"
            )
        found: dict[int, str] = {}
        forms = [f.tokens for f in name_forms(name, schema) if _specific(f.tokens, self.generic)]
        if not forms:
            return Mentions(
                (),
                0,
                searched=False,
                note="the name's words are too few or too generic to search remarks for",
            )
        for tokens in forms:
            try:
                ordered = sorted((self.postings[t] for t in set(tokens)), key=len)
            except KeyError:  # a word no remark has
                continue
            candidates = set(ordered[0])
            for more in ordered[1:]:
                candidates.intersection_update(more)
                if not candidates:
                    break
            phrase = " " + " ".join(tokens) + " "
            for number in candidates:
                if number in found or self.entity_id(number) in exclude:
                    continue
                if sources is not None and self.sources[number] not in sources:
                    continue
                if phrase in self.words[number]:
                    found[number] = phrase.strip()
        ordered_found = sorted(found, key=lambda n: (self.sources[n], self.entity_id(n)))
        return Mentions(
            items=tuple(
                Mention(
                    entity_id=self.entity_id(n),
                    source=self.sources[n],
                    source_id=self.source_ids[n],
                    schema=self.schemas[n],
                    caption=self.captions[n],
                    words=found[n],
                    excerpt=_excerpt(self.remarks[n], found[n].split()),
                )
                for n in ordered_found[:limit]
            ),
            total=len(found),
        )


__all__ = ["NOT_SEARCHED", "Mention", "MentionIndex", "Mentions"]
