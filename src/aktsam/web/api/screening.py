"""Screening over HTTP: screen names (recorded as runs with the caller as actor), read runs, and decide
on hits (clear as false positive / confirm, with a reason)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path, Query, Request
from pydantic import BaseModel, Field

from aktsam.lists.staleness import StaleList
from aktsam.screening.decisions import HIT_STATUSES, Decision, list_decisions
from aktsam.screening.files import PartyRow, parse_schema
from aktsam.screening.runs import get_run
from aktsam.screening.service import ScreeningRun, party_key
from aktsam.screening.weights import DEFAULT_THRESHOLD
from aktsam.web.api.common import ApiModel, plain, write
from aktsam.web.auth import CurrentUser, get_store, router
from aktsam.web.errors import WebError
from aktsam.web.screener import shared_screener


class PartyIn(ApiModel):
    name: str = Field(..., min_length=1, max_length=500, examples=["Hikvision"])
    id: str | None = Field(
        None,
        max_length=200,
        description="Your reference (default: the folded name).",
        examples=["CRM-4711"],
    )
    schema_: str = Field(
        "any",
        alias="schema",
        max_length=50,
        description="person, organization, vessel, aircraft or any.",
    )
    countries: list[Annotated[str, Field(min_length=2, max_length=2)]] = Field(
        [], max_length=20, description="ISO 3166-1 alpha-2.", examples=[["CN"]]
    )
    birth_date: str | None = Field(None, max_length=10, examples=["1970-05-01"])


class ScreenRequest(ApiModel):
    """One name (`name`, with `schema`, `countries`, `birth_date`) or several (`parties`)."""

    name: str | None = Field(None, min_length=1, max_length=500, examples=["Hikvision"])
    party_id: str | None = Field(None, max_length=200)
    schema_: str = Field("any", alias="schema", max_length=50, examples=["organization"])
    countries: list[Annotated[str, Field(min_length=2, max_length=2)]] = Field([], max_length=20)
    birth_date: str | None = Field(None, max_length=10)
    parties: list[PartyIn] = Field([], max_length=1000)
    lists: list[str] = Field([], max_length=20, description="Source ids (default: all).")
    threshold: float = Field(DEFAULT_THRESHOLD, gt=0.0, le=1.0)
    limit: int = Field(10, ge=1, le=50)
    mentions: bool = Field(
        True,
        description="Also look for each party's name in the listed entries' remarks (a director or "
        "employee of it listed): `mentions` in each result, not hits.",
    )


class HitOut(BaseModel):
    entity_id: str
    source: str
    sublist: str | None
    caption: str
    schema_: str = Field(..., serialization_alias="schema")
    score: float
    matched_name: str
    status: str = Field(
        ...,
        description="; ".join(f"`{k}`: {v}" for k, v in HIT_STATUSES.items()),
        examples=["open"],
    )
    decision: dict[str, Any] | None = Field(..., description="The decision in force, if any.")
    pending: dict[str, Any] | None = Field(
        None, description="A clearance awaiting a second person's approval (four eyes), if any."
    )
    explanation: dict[str, Any]


class StaleListOut(BaseModel):
    """A list used that is past its staleness limit: the answer rests on old data."""

    source: str = Field(..., examples=["un-sc"])
    snapshot: str | None = Field(..., examples=["un-sc@2026-02-27"])
    published: str | None = Field(..., description="The publication date the file states.")
    as_of: str | None = Field(..., description="The day the age counts from.")
    age_days: int | None = Field(..., examples=[283])
    limit_days: int = Field(..., description="stale_after_days in sources.yml.", examples=[7])
    message: str


def stale_out(stale: list[StaleList]) -> list[StaleListOut]:
    return [StaleListOut.model_validate(w.to_dict()) for w in stale]


class MentionOut(BaseModel):
    entity_id: str
    list: str
    source_id: str
    schema_: str = Field(..., alias="schema", serialization_alias="schema")
    entity_name: str
    words: str = Field(..., description="The party's words as found in the remarks (normalised).")
    excerpt: str = Field(..., description="The remarks around them, as published.")
    field: str = Field("remarks", description="The listing's field they were found in.")


class MentionsOut(BaseModel):
    searched: bool = Field(
        ...,
        description="False when the remarks were not searched (a person; a name too generic): "
        "no mention then says nothing.",
    )
    note: str | None = Field(None, description="Why they were not searched.")
    items: list[MentionOut]
    total: int = Field(..., description="Mentions in all (items holds the first 10).")


class PartyResultOut(BaseModel):
    party_id: str
    name: str
    hits: list[HitOut]
    mentions: MentionsOut = Field(
        ...,
        description="Listed entries whose remarks name the party: low severity, not hits (no score, "
        "no decision); the entries of the designations it hits are left out.",
    )


class ScreenResponse(BaseModel):
    run_id: int | None
    warnings: list[StaleListOut] = Field(
        [], description="Lists used that are past their staleness limit (empty: all fresh)."
    )
    threshold: float
    lists: list[str]
    data_as_of: str
    results: list[PartyResultOut]


class RunOut(BaseModel):
    id: int
    created_at: dt.datetime
    actor: str
    kind: str
    params: dict[str, Any]
    snapshot_ids: list[int]
    query_count: int
    hit_count: int
    hits: list[dict[str, Any]]


class DecisionIn(ApiModel):
    party_id: str = Field(..., min_length=1, max_length=200, examples=["CRM-4711"])
    entity_id: str = Field(..., min_length=3, max_length=300, examples=["us-csl:abc123"])
    decision: Literal["false_positive", "confirmed", "clear", "confirm"] = Field(
        ..., description="`false_positive` (alias `clear`) or `confirmed` (alias `confirm`)."
    )
    reason: str = Field(..., min_length=1, max_length=5000)


class DecisionOut(BaseModel):
    id: int
    party_id: str
    entity_id: str
    decision: str
    reason: str
    actor: str
    decided_at: dt.datetime
    snapshot_id: int
    content_hash: str


def _decision(d: Decision) -> DecisionOut:
    return DecisionOut.model_validate(plain(d))


def screen_response(run: ScreeningRun) -> ScreenResponse:
    return ScreenResponse(
        run_id=run.run_id,
        warnings=stale_out(run.stale_lists),
        threshold=run.threshold,
        lists=list(run.lists),
        data_as_of=run.data_as_of(),
        results=[
            PartyResultOut(
                party_id=r.party_id,
                name=r.query.name,
                hits=[
                    HitOut(
                        entity_id=h.entity_id,
                        source=h.hit.source,
                        sublist=h.hit.sublist,
                        caption=h.caption,
                        schema_=h.hit.schema.value,
                        score=round(h.score, 4),
                        matched_name=h.hit.matched_name,
                        status=h.status,
                        decision=plain(h.decision) if h.decision else None,
                        pending=plain(h.pending) if h.pending else None,
                        explanation=h.explanation.to_dict(),
                    )
                    for h in r.hits
                ],
                mentions=MentionsOut.model_validate(r.mentions.to_dict()),
            )
            for r in run.results
        ],
    )


def _party_row(row: int, p: PartyIn, where: str) -> PartyRow:
    return PartyRow(
        row=row,
        id=p.id or party_key(p.name),
        name=p.name,
        schema=parse_schema(p.schema_, where=f"{where}.schema"),
        countries=tuple(c.lower() for c in p.countries),
        birth_date=p.birth_date,
    )


viewer = router(role="viewer", prefix="/api", tags=["screening"])
analyst = router(role="analyst", prefix="/api", tags=["screening"])


@viewer.post(
    "/screen",
    response_model=ScreenResponse,
    response_model_by_alias=True,
    summary="Screen names against the lists in force",
)
def screen(request: Request, user: CurrentUser, body: ScreenRequest) -> ScreenResponse:
    """Screen `name` (or each of `parties`); hits come with their explanation and review status.
    The run is recorded with the caller as actor (any role may screen: reading is screening)."""
    if body.name is None and not body.parties:
        raise WebError(422, "give name or parties", field="name")
    if body.name is not None and body.parties:
        raise WebError(422, "give name or parties, not both", field="parties")
    parties = (
        [_party_row(i + 1, p, f"parties.{i}") for i, p in enumerate(body.parties)]
        if body.parties
        else [
            _party_row(
                1,
                PartyIn(
                    name=body.name or "",
                    id=body.party_id,
                    schema=body.schema_,
                    countries=body.countries,
                    birth_date=body.birth_date,
                ),
                "body",
            )
        ]
    )
    if any(not p.name.strip() for p in parties):
        raise WebError(422, "a name to screen is empty", field="name")
    screener = shared_screener(request)
    run = write(
        lambda: screener.screen_parties(
            parties,
            lists=body.lists or None,
            threshold=body.threshold,
            limit=body.limit,
            actor=user.username,
            kind="api",
            mentions=body.mentions,
        )
    )
    return screen_response(run)


@viewer.get("/runs/{run_id}", response_model=RunOut, summary="A recorded screening run")
def run(
    request: Request, user: CurrentUser, run_id: Annotated[int, Path(ge=1, le=2**62)]
) -> RunOut:
    """The run's parameters, snapshots and every hit with the explanation stored at the time."""
    return RunOut.model_validate(plain(get_run(get_store(request), run_id)))


@analyst.post(
    "/hits/decisions",
    response_model=DecisionOut,
    status_code=201,
    summary="Clear or confirm a hit (analyst)",
)
def decide(request: Request, user: CurrentUser, body: DecisionIn) -> DecisionOut:
    """Record the decision on (party, listed entity) as it stands in the current snapshot; the caller
    is the actor, in the decision and in the audit trail."""
    kind = {"clear": "false_positive", "confirm": "confirmed"}.get(body.decision, body.decision)
    screener = shared_screener(request)
    decision = write(
        lambda: screener.decide(
            party_id=body.party_id,
            entity_id=body.entity_id,
            decision=kind,
            reason=body.reason,
            actor=user.username,
        )
    )
    return _decision(decision)


@viewer.get("/hits/decisions", response_model=list[DecisionOut], summary="Decisions on hits")
def decisions(
    request: Request,
    user: CurrentUser,
    party: Annotated[str | None, Query(max_length=200, description="Only this party id.")] = None,
) -> list[DecisionOut]:
    return [_decision(d) for d in list_decisions(get_store(request), party)]


ROUTERS = (viewer, analyst)

__all__ = ["ROUTERS", "StaleListOut", "screen_response", "stale_out"]
