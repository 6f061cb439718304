"""``/audit`` (viewer): the audit trail, newest first, paginated, filterable by object, verified."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response

from aktsam.store import trail as audit
from aktsam.store.schema import AuditLogRow
from aktsam.web.auth import CurrentUser, get_store, router
from aktsam.web.templating import render

PAGE_SIZE = 50


def routers() -> list[APIRouter]:
    read = router(role="viewer")

    @read.get("/audit", include_in_schema=False)
    def audit_page(
        request: Request,
        user: CurrentUser,
        page: int = 1,
        object_type: str = "",
        object_id: str = "",
    ) -> Response:
        page = max(page, 1)
        store = get_store(request)
        query = sa.select(AuditLogRow)
        count = sa.select(sa.func.count()).select_from(AuditLogRow)
        if object_type.strip():
            query = query.where(AuditLogRow.object_type == object_type.strip())
            count = count.where(AuditLogRow.object_type == object_type.strip())
        if object_id.strip():
            query = query.where(AuditLogRow.object_id == object_id.strip())
            count = count.where(AuditLogRow.object_id == object_id.strip())
        with store.session() as session:
            total = int(session.scalar(count) or 0)
            rows = list(
                session.scalars(
                    query.order_by(AuditLogRow.seq.desc())
                    .offset((page - 1) * PAGE_SIZE)
                    .limit(PAGE_SIZE)
                )
            )
            types = list(
                session.scalars(
                    sa.select(AuditLogRow.object_type).distinct().order_by(AuditLogRow.object_type)
                )
            )
            verification = audit.verify(session)
        return render(
            request,
            "audit.html.j2",
            {
                "rows": rows,
                "page": page,
                "pages": max(1, -(-total // PAGE_SIZE)),
                "total": total,
                "types": types,
                "object_type": object_type.strip(),
                "object_id": object_id.strip(),
                "verification": verification,
            },
        )

    return [read]


__all__ = ["PAGE_SIZE", "routers"]
