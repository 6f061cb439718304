"""Parties and due diligence: the register, one party (relations graph, evidence, assessment,
decisions, actions), information requests and the Transparency Act account.

Viewer: ``GET /parties``, ``/parties/{id}``, ``/requests``, ``/reports/transparency`` and its
downloads. Analyst: ``POST /parties/{id}/assess``, ``/parties/{id}/decisions``,
``/parties/{id}/actions``, ``/actions/{id}/done``, ``/requests``, ``/requests/{id}/answer``.
A decision to keep working with a critical-risk party waits on ``/approvals`` (four eyes).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from markupsafe import Markup, escape

from aktsam.diligence import assessment, decisions, followup, register, requests, transparency
from aktsam.diligence.model import Party, Relation
from aktsam.errors import InputError, NotFoundError
from aktsam.store.db import retrying
from aktsam.store.schema import DD_DECISIONS
from aktsam.web.auth import CurrentUser, get_store, router
from aktsam.web.pages.common import notice, parse_date, redirect, split_ids, today
from aktsam.web.screener import shared_screener
from aktsam.web.templating import render

ROLES_FILTER = ("supplier", "customer", "maker", "distributor", "owner", "brand")


def routers() -> list[APIRouter]:
    read, write = router(role="viewer"), router(role="analyst")

    @read.get("/parties", include_in_schema=False)
    def parties_page(request: Request, user: CurrentUser, role: str = "") -> Response:
        store = get_store(request)
        everyone = register.list_parties(store)
        roles = sorted({r for p in everyone for r in p.roles})
        shown = [p for p in everyone if role in p.roles] if role else everyone
        return render(request, "parties.html.j2", {"parties": shown, "roles": roles, "role": role})

    @read.get("/parties/{party_id}", include_in_schema=False)
    def party_page(request: Request, user: CurrentUser, party_id: str) -> Response:
        store = get_store(request)
        party = register.get_party(store, party_id)
        relations = register.relations_of(store, party_id)
        names = {p.id: p.name for p in register.list_parties(store)}
        return render(
            request,
            "party.html.j2",
            {
                "party": party,
                "relations": relations,
                "names": names,
                "graph": relations_svg(party, relations, names),
                "evidence": register.evidence_for(store, party_id),
                "equipment": register.equipment_for(store, party_id),
                "assessment": assessment.latest_assessment(store, party_id),
                "decisions": list(reversed(decisions.decisions_for(store, party_id))),
                "actions": decisions.actions_for(store, party_id),
                "kinds": DD_DECISIONS,
                "today": today(),
                **notice(request),
            },
        )

    @write.post("/parties/{party_id}/assess", include_in_schema=False)
    def assess(request: Request, user: CurrentUser, party_id: str) -> Response:
        store = get_store(request)
        made = retrying(
            lambda: assessment.assess(
                store,
                store.settings,
                party_id,
                as_of=today(),
                actor=user.username,
                screener=shared_screener(request),
            )
        )
        return redirect(f"/parties/{party_id}", msg=f"Assessed: {made.level} (score {made.score}).")

    @write.post("/parties/{party_id}/decisions", include_in_schema=False)
    def decide(
        request: Request,
        user: CurrentUser,
        party_id: str,
        kind: Annotated[str, Form(max_length=30)],
        rationale: Annotated[str, Form(max_length=10000)] = "",
        evidence_ids: Annotated[str, Form(max_length=2000)] = "",
        effective_on: Annotated[str, Form(max_length=10)] = "",
        review_on: Annotated[str, Form(max_length=10)] = "",
        service_until: Annotated[str, Form(max_length=10)] = "",
    ) -> Response:
        store = get_store(request)
        effective = parse_date(effective_on, "effective_on") or today()
        made = retrying(
            lambda: decisions.decide(
                store,
                party_id,
                kind=kind,
                rationale=rationale,
                evidence_ids=split_ids(evidence_ids),
                actor=user.username,
                effective_on=effective,
                review_on=parse_date(review_on, "review_on"),
                service_until=parse_date(service_until, "service_until"),
            )
        )
        message = (
            f"Decision {made.id} ({made.kind}) is pending approval: the party's risk is "
            "critical, so another person must approve it (four eyes)."
            if made.needs_approval
            else f"Decision {made.id} ({made.kind}) recorded and in force."
        )
        if made.warnings:
            message += " Warnings: " + "; ".join(made.warnings)
        return redirect(f"/parties/{party_id}", msg=message)

    @write.post("/parties/{party_id}/actions", include_in_schema=False)
    def add_action(
        request: Request,
        user: CurrentUser,
        party_id: str,
        title: Annotated[str, Form(max_length=500)] = "",
        owner: Annotated[str, Form(max_length=200)] = "",
        due_on: Annotated[str, Form(max_length=10)] = "",
    ) -> Response:
        store = get_store(request)
        due = parse_date(due_on, "due_on", required=True)
        assert due is not None
        made = retrying(
            lambda: decisions.add_action(
                store, party_id, title=title, owner=owner, due_on=due, actor=user.username
            )
        )
        return redirect(f"/parties/{party_id}", msg=f"Action {made.id} added.")

    @write.post("/actions/{action_id}/done", include_in_schema=False)
    def action_done(
        request: Request,
        user: CurrentUser,
        action_id: int,
        result: Annotated[str, Form(max_length=5000)] = "",
    ) -> Response:
        store = get_store(request)
        made = retrying(
            lambda: decisions.complete_action(
                store, action_id, done_on=today(), result=result, actor=user.username
            )
        )
        return redirect(f"/parties/{made.party_id}", msg=f"Action {made.id} done.")

    @read.get("/requests", include_in_schema=False)
    def requests_page(request: Request, user: CurrentUser) -> Response:
        store = get_store(request)
        return render(
            request,
            "requests.html.j2",
            {
                "requests": list(reversed(requests.requests_list(store))),
                "today": today(),
                "parties": register.list_parties(store),
                "due": followup.due_items(store, today(), within_days=30),
                **notice(request),
            },
        )

    @write.post("/requests", include_in_schema=False)
    def add_request(
        request: Request,
        user: CurrentUser,
        requester: Annotated[str, Form(max_length=500)] = "",
        question: Annotated[str, Form(max_length=10000)] = "",
        received_on: Annotated[str, Form(max_length=10)] = "",
        party_id: Annotated[str, Form(max_length=255)] = "",
    ) -> Response:
        store = get_store(request)
        received = parse_date(received_on, "received_on") or today()
        made = retrying(
            lambda: requests.receive_request(
                store,
                received_on=received,
                requester=requester,
                question=question,
                actor=user.username,
                party_id=party_id or None,
            )
        )
        return redirect(
            "/requests", msg=f"Request {made.id} registered; answer by {made.deadline}."
        )

    @write.post("/requests/{request_id}/answer", include_in_schema=False)
    def answer(
        request: Request,
        user: CurrentUser,
        request_id: int,
        answer: Annotated[str, Form(max_length=20000)] = "",
        answered_on: Annotated[str, Form(max_length=10)] = "",
    ) -> Response:
        store = get_store(request)
        day = parse_date(answered_on, "answered_on") or today()
        made = retrying(
            lambda: requests.answer_request(
                store, request_id, answered_on=day, answer=answer, actor=user.username
            )
        )
        return redirect("/requests", msg=f"Request {made.id} answered.")

    @read.get("/reports/transparency", include_in_schema=False)
    def transparency_page(request: Request, user: CurrentUser) -> Response:
        year = today().year
        store = get_store(request)
        path = store.settings.home / transparency_profile_name()
        notes: list[str] = []
        # what the last year's account leaves out, for review (never in the file itself)
        if path.is_file():
            try:
                account = transparency.build_account(
                    store, year=year - 1, profile=transparency.load_profile(path)
                )
                notes = transparency.internal_notes(account)
            except transparency.TransparencyError as exc:  # a leak: say so, the page still works
                notes = [str(exc)]
        due = [
            i
            for i in followup.due_items(store, today(), within_days=60)
            if i.kind in ("account-publication", "account-update")
        ]
        return render(
            request,
            "transparency.html.j2",
            {
                "years": list(range(year, year - 6, -1)),
                "year": year - 1,
                "notes": notes,
                "due": due,
            },
        )

    @read.get("/reports/transparency/download", include_in_schema=False)
    def transparency_choice(
        request: Request, user: CurrentUser, year: int, fmt: str = "html"
    ) -> Response:
        return redirect(f"/reports/transparency/{year}.{'pdf' if fmt == 'pdf' else 'html'}")

    @read.get("/reports/transparency/{year}.{fmt}", include_in_schema=False)
    def transparency_download(request: Request, user: CurrentUser, year: int, fmt: str) -> Response:
        if fmt not in ("html", "pdf"):
            raise NotFoundError(f"no {fmt!r} account; use html or pdf")
        if not 2000 <= year <= today().year:
            raise InputError(f"year {year} is out of range", field="year")
        store = get_store(request)
        path = store.settings.home / transparency_profile_name()
        if not path.is_file():
            raise InputError(
                f"no organisation profile at {path}: run 'aktsam demo' or write profile.yml",
                field="profile",
            )
        account = transparency.build_account(
            store, year=year, profile=transparency.load_profile(path)
        )
        if fmt == "html":
            data = transparency.render_html(account).encode("utf-8")
            media = "text/html; charset=utf-8"
        else:
            with tempfile.TemporaryDirectory() as tmp:
                target = Path(tmp) / "account.pdf"
                transparency.render_pdf(account, target)
                data = target.read_bytes()
            media = "application/pdf"
        return Response(
            data,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="transparency-{year}.{fmt}"'},
        )

    return [read, write]


def transparency_profile_name() -> str:
    return "profile.yml"


# -- relations graph ------------------------------------------------------------------------------

_W, _BOX_W, _BOX_H, _GAP, _ROW = 760, 150, 40, 14, 90


def _label(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def relations_svg(party: Party, relations: list[Relation], names: dict[str, str]) -> Markup:
    """A small layered SVG: who points at the party above (owners, makers, distributors), the party
    in the middle, what it points at below (brands, subsidiaries, customers)."""
    above = [r for r in relations if r.target == party.id and r.source != party.id]
    below = [r for r in relations if r.source == party.id and r.target != party.id]
    per_row = max(1, (_W + _GAP) // (_BOX_W + _GAP))
    rows_above = [above[i : i + per_row] for i in range(0, len(above), per_row)]
    rows_below = [below[i : i + per_row] for i in range(0, len(below), per_row)]
    layers = len(rows_above) + 1 + len(rows_below)
    height = layers * _ROW + 20
    parts: list[str] = []

    def box(x: float, y: float, party_id: str, main: bool = False) -> None:
        name = names.get(party_id, party_id)
        fill, ink = ("#0b4f8a", "#ffffff") if main else ("#e8f0f8", "#1a1a1a")
        link_open = "" if main else f'<a href="/parties/{escape(party_id)}">'
        link_close = "" if main else "</a>"
        parts.append(
            f'{link_open}<g><rect x="{x:.0f}" y="{y:.0f}" width="{_BOX_W}" height="{_BOX_H}" '
            f'rx="4" fill="{fill}" stroke="#0b4f8a"/><text x="{x + _BOX_W / 2:.0f}" '
            f'y="{y + 25:.0f}" text-anchor="middle" font-size="12" fill="{ink}">'
            f"{escape(_label(name))}</text><title>{escape(name)} ({escape(party_id)})</title></g>"
            f"{link_close}"
        )

    def row_x(count: int) -> list[float]:
        total = count * _BOX_W + (count - 1) * _GAP
        start = (_W - total) / 2
        return [start + i * (_BOX_W + _GAP) for i in range(count)]

    centre_y = len(rows_above) * _ROW + 10
    centre_x = (_W - _BOX_W) / 2

    def edges(rows: list[list[Relation]], first_y: float, up: bool) -> None:
        for index, row in enumerate(rows):
            y = first_y + index * _ROW
            for x, relation in zip(row_x(len(row)), row, strict=True):
                other = relation.source if up else relation.target
                x1, y1 = x + _BOX_W / 2, (y + _BOX_H) if up else y
                x2, y2 = centre_x + _BOX_W / 2, centre_y if up else centre_y + _BOX_H
                share = f" {relation.share:g}%" if relation.share is not None else ""
                parts.append(
                    f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
                    'stroke="#505050" stroke-width="1.5" marker-end="url(#arrow)"/>'
                    if up
                    else f'<line x1="{x2:.0f}" y1="{y2:.0f}" x2="{x1:.0f}" y2="{y1:.0f}" '
                    'stroke="#505050" stroke-width="1.5" marker-end="url(#arrow)"/>'
                )
                mid_x, mid_y = (x1 + x2) / 2, (y1 + y2) / 2
                parts.append(
                    f'<text x="{mid_x:.0f}" y="{mid_y:.0f}" font-size="11" fill="#1a1a1a" '
                    f'text-anchor="middle">{escape(relation.kind + share)}</text>'
                )
                box(x, y, other)

    edges(rows_above, 10, True)
    box(centre_x, centre_y, party.id, main=True)
    edges(rows_below, centre_y + _ROW, False)
    title = (
        f"Relations of {party.name}: {len(above)} above (owners, makers, suppliers), "
        f"{len(below)} below (brands, holdings, customers)"
    )
    return Markup(
        f'<svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height}" '
        f'width="100%" role="img" aria-labelledby="graph-title"><title id="graph-title">'
        f'{escape(title)}</title><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" '
        'refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#505050"/></marker></defs>'
        + "".join(parts)
        + "</svg>"
    )


__all__ = ["relations_svg", "routers"]
