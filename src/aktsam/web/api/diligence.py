"""Due diligence over HTTP: the register (parties, relations, evidence), assessments, decisions with
four-eyes approval, actions, follow-up, information requests, the ERP's pre-order sale check and the
transparency account. Reads need viewer, writes analyst, approvals approver; the service enforces the
rules (four eyes: an approver cannot approve their own decision or sale check)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from aktsam.diligence import assessment as assessments
from aktsam.diligence import decisions as dd
from aktsam.diligence import followup, register, requests, salecheck, transparency
from aktsam.store.schema import DD_DECISIONS
from aktsam.web.api.common import ApiModel, plain, record, settings_of, write
from aktsam.web.api.screening import StaleListOut
from aktsam.web.auth import CurrentUser, get_store, router
from aktsam.web.errors import WebError
from aktsam.web.screener import shared_screener

PartyId = Annotated[str, Path(min_length=1, max_length=200, examples=["urumqi-psb"])]
IntId = Annotated[int, Path(ge=1, le=2**62)]
Text = Annotated[str, Field(min_length=1, max_length=10000)]
Short = Annotated[str, Field(min_length=1, max_length=500)]

Json = dict[str, Any]


class PartyIn(ApiModel):
    id: str = Field(..., min_length=1, max_length=200, examples=["silkroute"])
    name: Short
    kind: str = Field("organization", max_length=50, examples=["organization"])
    roles: list[str] = Field([], max_length=20, examples=[["customer"]])
    country: str | None = Field(None, max_length=2, examples=["CN"])
    region: str | None = Field(None, max_length=200)
    sector: str | None = Field(None, max_length=200)
    end_user_type: str | None = Field(None, max_length=100, examples=["public-security"])
    aliases: list[str] = Field([], max_length=50)
    identifiers: dict[str, str] = Field({}, examples=[{"lei": "5493001KJTIIGC8Y1R12"}])
    website: str | None = Field(None, max_length=500)
    notes: str | None = Field(None, max_length=10000)


class RelationIn(ApiModel):
    source: str = Field(..., min_length=1, max_length=200, description="The owner / supplier…")
    target: str = Field(..., min_length=1, max_length=200)
    kind: str = Field(..., max_length=50, examples=["owns"])
    share: float | None = Field(None, ge=0, le=100, description="Percent, for owns.")
    since: dt.date | None = None
    until: dt.date | None = None
    source_url: str | None = Field(None, max_length=2000)
    source_date: dt.date | None = None
    note: str | None = Field(None, max_length=10000)


class EvidenceIn(ApiModel):
    party: str | None = Field(None, max_length=200)
    kind: str = Field(..., max_length=50, examples=["ngo-report"])
    title: Short
    stance: Literal["adverse", "mitigating", "neutral"] = "adverse"
    topic: str | None = Field(None, max_length=200)
    publisher: str | None = Field(None, max_length=500)
    url: str | None = Field(None, max_length=2000)
    published: dt.date | None = None
    author: str | None = Field(None, max_length=500)
    quote: str | None = Field(None, max_length=10000)


class AssessIn(ApiModel):
    as_of: dt.date | None = Field(None, description="Default: today.")


class ActionIn(ApiModel):
    title: Short
    owner: Short
    due_on: dt.date
    decision_id: int | None = Field(None, ge=1, le=2**62)


class DecisionIn(ApiModel):
    kind: str = Field(..., description=f"One of {', '.join(DD_DECISIONS)}.", examples=["exit"])
    rationale: Text
    evidence_ids: list[str] = Field([], max_length=100, examples=[["EV-0001"]])
    effective_on: dt.date | None = Field(None, description="Default: today.")
    review_on: dt.date | None = None
    service_until: dt.date | None = None
    scope: list[str] | None = Field(None, max_length=50)
    actions: list[ActionIn] = Field([], max_length=50)


class ActionDoneIn(ApiModel):
    done_on: dt.date | None = None
    result: Text


class InfoRequestIn(ApiModel):
    received_on: dt.date
    requester: Short
    question: Text
    party_id: str | None = Field(None, max_length=200)


class AnswerIn(ApiModel):
    answered_on: dt.date | None = Field(None, description="Default: today.")
    answer: Text


class ProductIn(ApiModel):
    name: Short = Field(..., examples=["Hikvision DS-2CD2143G2-I"])
    capabilities: list[str] = Field([], max_length=50, examples=[["facial-recognition"]])
    line_kind: str = Field(
        "new",
        max_length=20,
        description="new (a new sale), service or warranty (work on equipment already sold).",
    )
    supplier: str | None = Field(
        None, max_length=200, description="Party id the goods are bought from."
    )


class SaleCheckIn(ApiModel):
    """What the ERP knows about an order before it is confirmed."""

    reference: str = Field(..., min_length=1, max_length=200, examples=["PO-1"])
    customer_id: str = Field(..., min_length=1, max_length=200, examples=["silkroute"])
    end_user_id: str | None = Field(None, max_length=200, examples=["urumqi-psb"])
    destination: str = Field(..., min_length=2, max_length=2, examples=["CN"])
    end_use: Short = Field(..., examples=["city surveillance"])
    end_user_type: str | None = Field(None, max_length=100)
    products: list[ProductIn] = Field(..., min_length=1, max_length=100)


class ApproveSaleIn(ApiModel):
    note: Text = Field(..., description="On what basis (licence, authority's answer…).")


class FlagOut(BaseModel):
    rule: str
    outcome: str
    message: str
    source: str
    url: str
    party_id: str | None
    detail: str | None


class DecisionRefOut(BaseModel):
    decision_id: int
    kind: str
    status: str
    party_id: str
    party_name: str
    role: str
    basis: str
    line: str | None
    line_kind: str | None
    scope: list[str]
    effective_on: dt.date
    service_until: dt.date | None
    decided_by: str
    decided_on: dt.date
    approved_by: str | None
    rationale: str
    outcome: str
    effect: str


class SaleCheckOut(BaseModel):
    id: int
    reference: str
    customer_id: str
    end_user_id: str | None
    destination: str
    end_use: str
    end_user_type: str | None
    products: list[Json]
    flags: list[FlagOut]
    outcome: str = Field(..., description="clear, approval-required or refused")
    may_proceed: bool
    checked_by: str
    checked_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None
    approval_note: str | None
    snapshot_ids: list[int] = Field(..., description="List snapshots screened against.")
    decisions: list[DecisionRefOut] = Field(
        ..., description="The register's decisions the check relied on, with their effect."
    )
    lines: list[Json] = Field(..., description="How each order line's product was identified.")
    warnings: list[StaleListOut] = Field(
        [],
        description="Lists in force past their staleness limit when the check ran: the answer "
        "rests on old data (empty when all are fresh; given with the check's answer only).",
    )


def _sale(check: salecheck.SaleCheck) -> SaleCheckOut:
    return SaleCheckOut.model_validate({**plain(check), "may_proceed": check.may_proceed})


def _decision(decision: dd.Decision) -> Json:
    data: Json = plain(decision)
    data["needs_approval"] = decision.needs_approval
    return data


def _today(day: dt.date | None) -> dt.date:
    return day or dt.date.today()


viewer = router(role="viewer", prefix="/api")
analyst = router(role="analyst", prefix="/api")
approver = router(role="approver", prefix="/api")

# -- parties, relations, evidence ---------------------------------------------------------------------


@viewer.get("/parties", tags=["parties"], summary="Parties in the register")
def parties(
    request: Request,
    user: CurrentUser,
    role: Annotated[
        str | None, Query(max_length=50, description="Only parties in this role.")
    ] = None,
) -> list[Json]:
    return [plain(p) for p in register.list_parties(get_store(request), role=role)]


@viewer.get(
    "/parties/{party_id}", tags=["parties"], summary="One party with relations and evidence"
)
def party(request: Request, user: CurrentUser, party_id: PartyId) -> Json:
    store = get_store(request)
    found = register.get_party(store, party_id)
    return {
        **plain(found),
        "relations": plain(register.relations_of(store, party_id)),
        "evidence": plain(register.evidence_for(store, party_id)),
        "decision": plain(dd.current_decision(store, party_id)),
    }


@analyst.post("/parties", tags=["parties"], status_code=201, summary="Add a party (analyst)")
def add_party(request: Request, user: CurrentUser, body: PartyIn) -> Json:
    store = get_store(request)
    data = body.model_dump()
    party_id, name = data.pop("id"), data.pop("name")
    return record(
        write(lambda: register.add_party(store, party_id, name, actor=user.username, **data))
    )


@viewer.get("/relations", tags=["parties"], summary="Relations between parties")
def relations(
    request: Request,
    user: CurrentUser,
    kind: Annotated[str | None, Query(max_length=50)] = None,
) -> list[Json]:
    return [plain(r) for r in register.list_relations(get_store(request), kind=kind)]


@analyst.post("/relations", tags=["parties"], status_code=201, summary="Add a relation (analyst)")
def add_relation(request: Request, user: CurrentUser, body: RelationIn) -> Json:
    store = get_store(request)
    data = body.model_dump()
    source, target, kind = data.pop("source"), data.pop("target"), data.pop("kind")
    return record(
        write(
            lambda: register.add_relation(store, source, target, kind, actor=user.username, **data)
        )
    )


@viewer.get("/evidence", tags=["parties"], summary="Evidence (all, or one party's)")
def evidence(
    request: Request,
    user: CurrentUser,
    party: Annotated[str | None, Query(max_length=200)] = None,
) -> list[Json]:
    store = get_store(request)
    found = register.evidence_for(store, party) if party else register.list_evidence(store)
    return [plain(e) for e in found]


@analyst.post("/evidence", tags=["parties"], status_code=201, summary="Add evidence (analyst)")
def add_evidence(request: Request, user: CurrentUser, body: EvidenceIn) -> Json:
    store = get_store(request)
    data = body.model_dump()
    return record(write(lambda: register.add_evidence(store, actor=user.username, **data)))


# -- assessments -----------------------------------------------------------------------------------------


@analyst.post(
    "/parties/{party_id}/assess",
    tags=["assessments"],
    status_code=201,
    summary="Assess a party now (analyst)",
)
def assess(request: Request, user: CurrentUser, party_id: PartyId, body: AssessIn) -> Json:
    """Screen the party and its owners, weigh the evidence and context; store and return the
    assessment with every factor explained."""
    store, settings = get_store(request), settings_of(request)
    screener = shared_screener(request)
    found = write(
        lambda: assessments.assess(
            store,
            settings,
            party_id,
            as_of=_today(body.as_of),
            actor=user.username,
            screener=screener,
        )
    )
    return found.to_dict()


@viewer.get(
    "/parties/{party_id}/assessments",
    tags=["assessments"],
    summary="A party's assessments, oldest first",
)
def party_assessments(request: Request, user: CurrentUser, party_id: PartyId) -> list[Json]:
    store = get_store(request)
    register.get_party(store, party_id)
    return [a.to_dict() for a in assessments.assessments_for(store, party_id)]


# -- decisions and actions ------------------------------------------------------------------------------


@analyst.post(
    "/parties/{party_id}/decisions",
    tags=["decisions"],
    status_code=201,
    summary="Decide on a party (analyst)",
)
def decide(request: Request, user: CurrentUser, party_id: PartyId, body: DecisionIn) -> Json:
    """Record a decision; those that need four eyes come back `pending-approval`."""
    store = get_store(request)
    actions = [dd.ActionSpec(a.title, a.owner, a.due_on) for a in body.actions]
    found = write(
        lambda: dd.decide(
            store,
            party_id,
            kind=body.kind,
            rationale=body.rationale,
            evidence_ids=body.evidence_ids,
            actor=user.username,
            effective_on=_today(body.effective_on),
            review_on=body.review_on,
            service_until=body.service_until,
            scope=body.scope,
            actions=actions,
        )
    )
    return _decision(found)


@viewer.get("/parties/{party_id}/decisions", tags=["decisions"], summary="A party's decisions")
def party_decisions(request: Request, user: CurrentUser, party_id: PartyId) -> list[Json]:
    return [_decision(d) for d in dd.decisions_for(get_store(request), party_id)]


@viewer.get("/decisions", tags=["decisions"], summary="All decisions")
def all_decisions(
    request: Request,
    user: CurrentUser,
    status: Annotated[str | None, Query(max_length=50, examples=["pending-approval"])] = None,
) -> list[Json]:
    return [_decision(d) for d in dd.all_decisions(get_store(request), status=status)]


@viewer.get("/decisions/{decision_id}", tags=["decisions"], summary="One decision")
def decision(request: Request, user: CurrentUser, decision_id: IntId) -> Json:
    return _decision(dd.get_decision(get_store(request), decision_id))


@approver.post(
    "/decisions/{decision_id}/approve",
    tags=["decisions"],
    summary="Approve a pending decision (approver; not its author)",
)
def approve(request: Request, user: CurrentUser, decision_id: IntId) -> Json:
    store = get_store(request)
    return _decision(write(lambda: dd.approve(store, decision_id, approver=user.username)))


@viewer.get("/actions", tags=["decisions"], summary="Follow-up actions")
def actions(
    request: Request,
    user: CurrentUser,
    party: Annotated[str | None, Query(max_length=200)] = None,
    open_only: bool = False,
) -> list[Json]:
    return [plain(a) for a in dd.actions_for(get_store(request), party, open_only=open_only)]


@analyst.post(
    "/parties/{party_id}/actions",
    tags=["decisions"],
    status_code=201,
    summary="Add an action (analyst)",
)
def add_action(request: Request, user: CurrentUser, party_id: PartyId, body: ActionIn) -> Json:
    store = get_store(request)
    return record(
        write(
            lambda: dd.add_action(
                store,
                party_id,
                title=body.title,
                owner=body.owner,
                due_on=body.due_on,
                actor=user.username,
                decision_id=body.decision_id,
            )
        )
    )


@analyst.post("/actions/{action_id}/done", tags=["decisions"], summary="Complete an action")
def complete_action(
    request: Request, user: CurrentUser, action_id: IntId, body: ActionDoneIn
) -> Json:
    store = get_store(request)
    return record(
        write(
            lambda: dd.complete_action(
                store,
                action_id,
                done_on=_today(body.done_on),
                result=body.result,
                actor=user.username,
            )
        )
    )


@viewer.get("/followup", tags=["reports"], summary="What is due or overdue")
def due(
    request: Request,
    user: CurrentUser,
    as_of: dt.date | None = None,
    within_days: Annotated[int, Query(ge=0, le=3660)] = 30,
) -> list[Json]:
    return [
        plain(i)
        for i in followup.due_items(get_store(request), _today(as_of), within_days=within_days)
    ]


# -- information requests --------------------------------------------------------------------------------


@viewer.get("/requests", tags=["requests"], summary="Information requests")
def info_requests(
    request: Request,
    user: CurrentUser,
    status: Annotated[str | None, Query(max_length=50)] = None,
) -> list[Json]:
    return [plain(r) for r in requests.requests_list(get_store(request), status)]


@analyst.post("/requests", tags=["requests"], status_code=201, summary="Register a request")
def receive(request: Request, user: CurrentUser, body: InfoRequestIn) -> Json:
    store = get_store(request)
    return record(
        write(
            lambda: requests.receive_request(
                store,
                received_on=body.received_on,
                requester=body.requester,
                question=body.question,
                actor=user.username,
                party_id=body.party_id,
            )
        )
    )


@analyst.post("/requests/{request_id}/answer", tags=["requests"], summary="Answer a request")
def answer(request: Request, user: CurrentUser, request_id: IntId, body: AnswerIn) -> Json:
    store = get_store(request)
    return record(
        write(
            lambda: requests.answer_request(
                store,
                request_id,
                answered_on=_today(body.answered_on),
                answer=body.answer,
                actor=user.username,
            )
        )
    )


# -- sale checks -----------------------------------------------------------------------------------------


@viewer.post(
    "/sales/check",
    tags=["sales"],
    response_model=SaleCheckOut,
    status_code=201,
    summary="Check an order before it proceeds (ERP)",
)
def check_sale(request: Request, user: CurrentUser, body: SaleCheckIn) -> SaleCheckOut:
    """Screen the customer and end user, apply the sale rules and the register's decisions (a
    stop-new-sales, wind-down or exit decision on the customer, end user or a product's maker, brand or
    supplier refuses a new-sale line; `decisions` lists each one relied on). `outcome`: `clear` (proceed),
    `approval-required` (an approver must `POST /api/sales/{id}/approve`) or `refused`; each flag
    names its rule and source. Any role may check (ERP systems run as viewer)."""
    store, settings = get_store(request), settings_of(request)
    screener = shared_screener(request)
    products = [
        salecheck.Product(p.name, tuple(p.capabilities), p.line_kind, p.supplier)
        for p in body.products
    ]
    check = write(
        lambda: salecheck.check_sale(
            store,
            settings,
            reference=body.reference,
            customer_id=body.customer_id,
            destination=body.destination,
            end_use=body.end_use,
            products=products,
            actor=user.username,
            end_user_id=body.end_user_id,
            end_user_type=body.end_user_type,
            screener=screener,
        )
    )
    return _sale(check)


@viewer.get("/sales", tags=["sales"], response_model=list[SaleCheckOut], summary="Sale checks")
def sales(
    request: Request,
    user: CurrentUser,
    customer: Annotated[str | None, Query(max_length=200)] = None,
) -> list[SaleCheckOut]:
    return [_sale(c) for c in salecheck.sale_checks(get_store(request), customer_id=customer)]


@viewer.get("/sales/{check_id}", tags=["sales"], response_model=SaleCheckOut, summary="One check")
def sale(request: Request, user: CurrentUser, check_id: IntId) -> SaleCheckOut:
    return _sale(salecheck.get_sale_check(get_store(request), check_id))


@approver.post(
    "/sales/{check_id}/approve",
    tags=["sales"],
    response_model=SaleCheckOut,
    summary="Approve a sale check (approver; not who ran it)",
)
def approve_sale(
    request: Request, user: CurrentUser, check_id: IntId, body: ApproveSaleIn
) -> SaleCheckOut:
    store = get_store(request)
    return _sale(
        write(
            lambda: salecheck.approve_sale(store, check_id, approver=user.username, note=body.note)
        )
    )


# -- transparency account ------------------------------------------------------------------------------


@viewer.get(
    "/reports/transparency",
    tags=["reports"],
    summary="The transparency account for a year",
    response_class=Response,
    responses={200: {"content": {"application/json": {}, "text/html": {}, "application/pdf": {}}}},
)
def transparency_report(
    request: Request,
    user: CurrentUser,
    year: Annotated[int, Query(ge=2000, le=2100)],
    format: Annotated[Literal["json", "html", "pdf"], Query()] = "json",
) -> Response:
    """The account (Norwegian Transparency Act § 5) from the register, with the organisation profile
    `profile.yml` in the home (`aktsam demo` writes one)."""
    settings = settings_of(request)
    profile_path = settings.home / "profile.yml"
    if not profile_path.is_file():
        raise WebError(
            409,
            "no organisation profile: put profile.yml into AKTSAM_HOME (aktsam demo writes one)",
            code="conflict",
            field="profile",
        )
    account = transparency.build_account(
        get_store(request), year=year, profile=transparency.load_profile(profile_path)
    )
    if format == "json":
        return Response(_json(transparency.to_dict(account)), media_type="application/json")
    if format == "html":
        return HTMLResponse(transparency.render_html(account))
    with tempfile.TemporaryDirectory() as folder:
        path = FsPath(folder) / f"transparency-{year}.pdf"
        transparency.render_pdf(account, path)
        data = path.read_bytes()
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="transparency-{year}.pdf"'},
    )


def _json(data: Any) -> str:
    import json

    return json.dumps(plain(data), ensure_ascii=False)


ROUTERS = (viewer, analyst, approver)

__all__ = ["ROUTERS"]
