"""``/lists`` (viewer): list freshness, update (admin), and the diff between two snapshots."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aktsam.errors import AktsamError
from aktsam.lists import snapshots
from aktsam.lists.diff import diff_snapshots
from aktsam.lists.update import DownloadError, update_lists
from aktsam.store.db import retrying
from aktsam.web.auth import CurrentUser, get_store, router
from aktsam.web.pages.common import notice, redirect
from aktsam.web.templating import render

MAX_SHOWN = 200


def routers() -> list[APIRouter]:
    read, admin = router(role="viewer"), router(role="admin")

    @read.get("/lists", include_in_schema=False)
    def lists_page(
        request: Request,
        user: CurrentUser,
        source: str = "",
        old: str = "",
        new: str = "",
    ) -> Response:
        store = get_store(request)
        all_snaps = snapshots.list_snapshots(store)
        context: dict[str, Any] = {
            "freshness": snapshots.status(store),
            "snapshots": sorted(all_snaps, key=lambda s: (s.source, -s.id)),
            "diff": None,
            "old": old,
            "new": new,
            "max_shown": MAX_SHOWN,
            **notice(request),
        }
        if old and new:
            by_id = {str(s.id): s for s in all_snaps}
            first, second = by_id.get(old), by_id.get(new)
            if first is None or second is None:
                context["error"] = "choose two snapshots"
            elif first.source != second.source:
                context["error"] = (
                    f"snapshot {first.label} is {first.source}, {second.label} is {second.source}: "
                    "compare two snapshots of the same list"
                )
            else:
                context["diff"] = diff_snapshots(store, first.source, first.id, second.id)
        return render(request, "lists.html.j2", context)

    @admin.post("/lists/update", include_in_schema=False)
    def update(request: Request, user: CurrentUser) -> Response:
        store = get_store(request)
        try:
            results = retrying(lambda: update_lists(store, store.settings, actor=user.username))
        except (AktsamError, DownloadError, OSError) as exc:
            return redirect("/lists", error=f"The update failed: {exc}")
        lines = [f"{r.source}: {r.status}" + (f" ({r.error})" if r.error else "") for r in results]
        failed = [r for r in results if r.status == "failed"]
        if failed:
            return redirect("/lists", error="Some lists could not be updated: " + "; ".join(lines))
        return redirect("/lists", msg="Updated: " + "; ".join(lines))

    return [read, admin]


__all__ = ["routers"]
