"""``/approvals``: what waits for four eyes — hit clearances and due-diligence decisions.

Viewers see the queue; ``POST /approvals/hit/{id}`` and ``POST /approvals/decision/{id}`` need the
approver role, and the core refuses the person who made the request.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aktsam.diligence import decisions as dd
from aktsam.errors import InputError
from aktsam.screening import decisions as hits
from aktsam.store.db import retrying
from aktsam.web.auth import CurrentUser, get_store, router
from aktsam.web.pages.common import notice, redirect
from aktsam.web.templating import render


def routers() -> list[APIRouter]:
    read, approve = router(role="viewer"), router(role="approver")

    @read.get("/approvals", include_in_schema=False)
    def approvals_page(request: Request, user: CurrentUser) -> Response:
        store = get_store(request)
        return render(
            request,
            "approvals.html.j2",
            {
                "hit_requests": hits.pending_requests(store),
                "dd_decisions": dd.all_decisions(store, status=dd.PENDING),
                **notice(request),
            },
        )

    @approve.post("/approvals/hit/{decision_id}", include_in_schema=False)
    def approve_hit(request: Request, user: CurrentUser, decision_id: int) -> Response:
        store = get_store(request)
        pending = hits.get_decision(store, decision_id)
        if pending.pending and pending.actor.strip().casefold() == user.username.casefold():
            return redirect("/approvals", error=four_eyes(pending.actor))
        try:
            made = retrying(
                lambda: hits.approve_hit_decision(store, decision_id, approver=user.username)
            )
        except InputError as exc:
            return redirect("/approvals", error=exc.message)
        return redirect(
            "/approvals",
            msg=f"Approved: {made.entity_id} is cleared for party {made.party_id}.",
        )

    @approve.post("/approvals/decision/{decision_id}", include_in_schema=False)
    def approve_decision(request: Request, user: CurrentUser, decision_id: int) -> Response:
        store = get_store(request)
        pending = dd.get_decision(store, decision_id)
        if pending.needs_approval and (
            pending.decided_by.strip().casefold() == user.username.casefold()
        ):
            return redirect("/approvals", error=four_eyes(pending.decided_by))
        try:
            made = retrying(lambda: dd.approve(store, decision_id, approver=user.username))
        except InputError as exc:
            return redirect("/approvals", error=exc.message)
        return redirect(
            "/approvals", msg=f"Approved: decision {made.id} ({made.kind}) on {made.party_id}."
        )

    return [read, approve]


def four_eyes(author: str) -> str:
    return f"Four eyes: this needs an approver other than {author}, who made the request."


__all__ = ["four_eyes", "routers"]
