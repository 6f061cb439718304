"""Screening pages: one name or a file of parties; hits with their explanation; decisions; history.

``GET /screening`` (viewer) shows the forms and, with ``?run=ID``, a recorded run's hits with their
current review state. ``POST /screening`` and ``POST /screening/file`` (analyst) screen, record the
run and redirect to it. ``POST /screening/decide`` (analyst) clears or confirms one hit; clearing a
confirmed hit waits for an approver (four eyes, see :mod:`aktsam.screening.decisions`); it answers
with the run, else the local page named by ``next`` (the Alerts page reviews alerts through it), else
the party's history.
``GET /screening/party/{party_id}`` (viewer) is the party's decision history and runs.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from aktsam.accounts import User
from aktsam.errors import InputError
from aktsam.lists.snapshots import get_snapshot
from aktsam.lists.sources import load_sources
from aktsam.lists.staleness import stale_lists
from aktsam.screening.decisions import Decision, decisions_for, list_decisions, review_hit
from aktsam.screening.designations import group_hits
from aktsam.screening.files import read_parties
from aktsam.screening.index import MatchIndex
from aktsam.screening.runs import get_run
from aktsam.screening.service import data_as_of
from aktsam.store.db import retrying
from aktsam.store.schema import EntityRow, ScreeningHitRow, ScreeningRunRow
from aktsam.web.auth import CurrentUser, get_store, router
from aktsam.web.pages.common import local_path, notice, redirect
from aktsam.web.screener import shared_screener
from aktsam.web.templating import render

MAX_UPLOAD = 20 * 1024 * 1024
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".tsv", ".txt")


def routers() -> list[APIRouter]:
    read, write = router(role="viewer"), router(role="analyst")

    @read.get("/screening", include_in_schema=False)
    def screening_page(request: Request, user: CurrentUser, run: int | None = None) -> Response:
        context: dict[str, Any] = {"run": None, "results": [], "data_as_of": "", **notice(request)}
        if run is not None:
            context.update(run_context(request, run))
        return render(request, "screening.html.j2", context)

    @write.post("/screening", include_in_schema=False)
    def screen_one(
        request: Request,
        user: CurrentUser,
        name: Annotated[str, Form(max_length=500)] = "",
        party_id: Annotated[str, Form(max_length=255)] = "",
    ) -> Response:
        if not name.strip():
            raise InputError("enter a name to screen", field="name")
        done = retrying(
            lambda: shared_screener(request).screen(
                name.strip(), party_id=party_id.strip() or None, actor=user.username, mentions=True
            )
        )
        return redirect("/screening", run=done.run_id)

    @write.post("/screening/file", include_in_schema=False)
    async def screen_file(
        request: Request, user: CurrentUser, parties: Annotated[UploadFile, File()]
    ) -> Response:
        filename = Path(parties.filename or "parties.csv").name
        suffix = Path(filename).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise InputError(f"upload a CSV or XLSX file, not {filename!r}", field="parties")
        data = await parties.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise InputError("the file is larger than 20 MiB", field="parties")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"parties{suffix}"
            path.write_bytes(data)
            rows = read_parties(path)
        if not rows:
            raise InputError("the file holds no parties", field="parties")
        done = retrying(
            lambda: shared_screener(request).screen_parties(rows, actor=user.username, kind="file")
        )
        return redirect("/screening", run=done.run_id)

    @write.post("/screening/decide", include_in_schema=False)
    def decide(
        request: Request,
        user: CurrentUser,
        party_id: Annotated[str, Form(max_length=255)],
        entity_id: Annotated[str, Form(max_length=255)],
        decision: Annotated[str, Form(max_length=20)],
        reason: Annotated[str, Form(max_length=5000)] = "",
        run: Annotated[int | None, Form()] = None,
        next: Annotated[str, Form(max_length=2000)] = "",
    ) -> Response:
        kind = {"clear": "false_positive", "confirm": "confirmed"}.get(decision, decision)
        made = retrying(
            lambda: shared_screener(request).decide(
                party_id=party_id,
                entity_id=entity_id,
                decision=kind,
                reason=reason,
                actor=user.username,
            )
        )
        message = (
            f"Clearance of {entity_id} is pending approval by another person (four eyes)."
            if made.pending
            else f"{entity_id}: {status_word(made)}."
        )
        if request.headers.get("HX-Request") and run is not None:
            context = {**run_context(request, run), "msg": message, "error": None}
            return render(request, "_screening_results.html.j2", context)
        if run is not None:
            return redirect("/screening", run=run, msg=message)
        back = local_path(next)  # e.g. the Alerts page the decision was made from
        if back is not None:
            return redirect(back, msg=message)
        return redirect(f"/screening/party/{party_id}", msg=message)

    @read.get("/screening/party/{party_id:path}", include_in_schema=False)
    def party_history(request: Request, user: CurrentUser, party_id: str) -> Response:
        store = get_store(request)
        decisions = list(reversed(list_decisions(store, party_id)))
        with store.session() as session:
            runs = session.execute(
                sa.select(
                    ScreeningRunRow.id,
                    ScreeningRunRow.created_at,
                    ScreeningRunRow.actor,
                    ScreeningRunRow.kind,
                    sa.func.count(ScreeningHitRow.id),
                    sa.func.max(ScreeningHitRow.score),
                )
                .join(ScreeningHitRow, ScreeningHitRow.run_id == ScreeningRunRow.id)
                .where(ScreeningHitRow.query_id == party_id)
                .group_by(
                    ScreeningRunRow.id,
                    ScreeningRunRow.created_at,
                    ScreeningRunRow.actor,
                    ScreeningRunRow.kind,
                )
                .order_by(ScreeningRunRow.id.desc())
                .limit(50)
            ).all()
        return render(
            request,
            "screening_party.html.j2",
            {"party_id": party_id, "decisions": decisions, "runs": runs, **notice(request)},
        )

    return [read, write]


def status_word(decision: Decision | None) -> str:
    if decision is None:
        return "open"
    if decision.pending:
        return "pending approval"
    return "cleared" if decision.decision == "false_positive" else "confirmed"


def _by_designation(index: MatchIndex, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A party's hits with the entries of one designation together, the best first; each later entry
    names the designation's first (``same_as``): one designation, several lists
    (:mod:`aktsam.screening.designations`). Each entry keeps its own review: decisions are per entry."""
    out: list[dict[str, Any]] = []
    for key, group in group_hits(index, hits, lambda hit: str(hit["entity_id"])):
        lead = group[0]
        for hit in group:
            hit["designation"] = key
            hit["same_as"] = None if hit is lead else lead["n"]
            out.append(hit)
    return out


def run_context(request: Request, run_id: int, *, user: User | None = None) -> dict[str, Any]:
    """A recorded run's hits grouped per party, each with its review state as it stands now
    (:func:`aktsam.screening.decisions.review_hit`, the rule the CLI and the API use), and a warning
    for each list the run used that was past its staleness limit on the day of the run."""
    store = get_store(request)
    run = get_run(store, run_id)
    decisions = decisions_for(store, {h.query_id for h in run.hits})
    wanted = {(h.snapshot_id, h.entity_id) for h in run.hits}
    hashes: dict[tuple[int, str], str] = {}
    if wanted:
        with store.session() as session:
            for snapshot_id in {s for s, _ in wanted}:
                ids = sorted(e for s, e in wanted if s == snapshot_id)
                for start in range(0, len(ids), 500):
                    for entity_id, content_hash in session.execute(
                        sa.select(EntityRow.entity_id, EntityRow.content_hash).where(
                            EntityRow.snapshot_id == snapshot_id,
                            EntityRow.entity_id.in_(ids[start : start + 500]),
                        )
                    ):
                        hashes[(snapshot_id, entity_id)] = content_hash
    parties: dict[str, dict[str, Any]] = {}
    for number, hit in enumerate(run.hits, start=1):
        review = review_hit(
            decisions,
            party_id=hit.query_id,
            entity_id=hit.entity_id,
            current_content_hash=hashes.get((hit.snapshot_id, hit.entity_id)),
        )
        party = parties.setdefault(
            hit.query_id, {"id": hit.query_id, "name": hit.query_name, "hits": []}
        )
        party["hits"].append(
            {
                "n": number,
                "entity_id": hit.entity_id,
                "source": hit.entity_id.split(":", 1)[0],
                "matched_name": hit.matched_name,
                "score": hit.score,
                "explanation": hit.explanation,
                "status": review.status,
                "decision": review.decision,
                "pending": review.pending,
            }
        )
    index = shared_screener(request).index()
    for party in parties.values():
        party["hits"] = _by_designation(index, party["hits"])
    snaps = [get_snapshot(store, i) for i in run.snapshot_ids]
    stale = stale_lists(snaps, load_sources(store.settings.sources_file), run.created_at.date())
    recorded = run.params.get("mentions")
    mentions = [
        {"id": party_id, **found}
        for party_id, found in (recorded.items() if isinstance(recorded, dict) else ())
        if isinstance(found, dict) and (found.get("total") or not found.get("searched"))
    ]
    return {
        "run": run,
        "results": list(parties.values()),
        "data_as_of": data_as_of(snaps),
        "stale_lists": stale,
        # listed entries whose remarks name a party, as shown when the run was made (not hits)
        "mentions": mentions,
    }


__all__ = ["routers", "run_context", "status_word"]
