"""Equipment audit pages: upload inventories and a site list, pick the regimes, see the findings with
their evidence, the removal plan and its cost, and download the report.

``GET /devices`` (viewer) is the form and the list of audits run here; ``POST /devices`` (analyst)
stores the uploads under ``AKTSAM_HOME/web-audits/<id>/``, runs the audit, records ``devices.audit``
in the trail and redirects to ``GET /devices/audit/{id}`` (viewer). Reports are made on request:
``GET /devices/audit/{id}/report.{xlsx,pdf,html,csv}``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from aktsam.devices import report
from aktsam.devices.audit import FINDINGS, report_row
from aktsam.devices.binding import declared_regimes, standings
from aktsam.devices.regimes import bundled_regimes
from aktsam.devices.service import AuditRun, choose_regimes, run_audit
from aktsam.errors import InputError, NotFoundError
from aktsam.organisation import declaration_of, declaration_to_dict, home_declaration
from aktsam.store import Store, trail
from aktsam.store.db import retrying
from aktsam.web.auth import CurrentUser, get_store, router
from aktsam.web.pages.common import redirect, today
from aktsam.web.templating import render

MAX_UPLOAD = 50 * 1024 * 1024
INVENTORY_SUFFIXES = (".csv", ".xlsx", ".json", ".xml", ".txt", ".tsv")
_AUDIT_ID = re.compile(r"[0-9a-f]{16}\Z")
FORMATS: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
MAX_SHOWN = 500


def audits_dir(store: Store) -> Path:
    return store.settings.home / "web-audits"


def _safe_name(name: str, default: str) -> str:
    base = Path(name or default).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".")
    return cleaned or default


async def _save(upload: UploadFile, target: Path) -> None:
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InputError(f"{upload.filename} is larger than 50 MiB", field="inventories")
    target.write_bytes(data)


def _load(store: Store, audit_id: str) -> tuple[Path, dict[str, Any]]:
    if not _AUDIT_ID.match(audit_id):
        raise NotFoundError(f"no audit {audit_id!r}")
    folder = audits_dir(store) / audit_id
    meta = folder / "summary.json"
    if not meta.is_file():
        raise NotFoundError(f"no audit {audit_id!r}")
    return folder, json.loads(meta.read_text(encoding="utf-8"))


def _rerun(folder: Path, meta: dict[str, Any], output: Path | None = None) -> AuditRun:
    sites = folder / meta["sites"] if meta.get("sites") else None
    return run_audit(
        [folder / "inventories" / name for name in meta["inventories"]],
        choose_regimes(meta["regimes"]),
        today=dt.date.fromisoformat(meta["today"]),
        sites_file=sites,
        output=output,
        declaration=declaration_of(meta.get("declaration")),  # as the profile said at the run
    )


def routers() -> list[APIRouter]:
    read, write = router(role="viewer"), router(role="analyst")

    @read.get("/devices", include_in_schema=False)
    def devices_page(request: Request, user: CurrentUser) -> Response:
        folder = audits_dir(get_store(request))
        audits = []
        for meta in sorted(folder.glob("*/summary.json"), key=lambda p: p.stat().st_mtime,
                           reverse=True)[:20]:  # fmt: skip
            audits.append(json.loads(meta.read_text(encoding="utf-8")))
        regimes = sorted(bundled_regimes().values(), key=lambda r: r.id)
        declaration = home_declaration(get_store(request).settings.home)
        return render(
            request,
            "devices.html.j2",
            {
                "regimes": regimes,
                "audits": audits,
                "declared": set(declared_regimes(bundled_regimes(), declaration)),
                "organisation": declaration.describe(),
                "standing": standings(regimes, declaration),
            },
        )

    @write.post("/devices", include_in_schema=False)
    async def run(
        request: Request,
        user: CurrentUser,
        inventories: Annotated[list[UploadFile], File()],
        sites: Annotated[UploadFile | None, File()] = None,
        regimes: Annotated[list[str] | None, Form()] = None,
    ) -> Response:
        store = get_store(request)
        declaration = home_declaration(store.settings.home)
        # none ticked: the regimes the organisation profile declares (restriction_regimes)
        chosen = choose_regimes(regimes or [], declaration=declaration)
        uploads = [u for u in inventories if u.filename]
        if not uploads:
            raise InputError("choose at least one inventory file", field="inventories")
        audit_id = secrets.token_hex(8)
        folder = audits_dir(store) / audit_id
        (folder / "inventories").mkdir(parents=True)
        try:
            names: list[str] = []
            for number, upload in enumerate(uploads, start=1):
                name = _safe_name(upload.filename or "", f"inventory-{number}.csv")
                if Path(name).suffix.lower() not in INVENTORY_SUFFIXES:
                    raise InputError(f"unsupported inventory file {name!r}", field="inventories")
                if name in names:
                    name = f"{number}-{name}"
                names.append(name)
                await _save(upload, folder / "inventories" / name)
            sites_name = None
            if sites is not None and sites.filename:
                sites_name = "sites-" + _safe_name(sites.filename, "sites.csv")
                await _save(sites, folder / sites_name)
            meta: dict[str, Any] = {
                "id": audit_id,
                "today": today().isoformat(),
                "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "actor": user.username,
                "inventories": names,
                "sites": sites_name,
                "regimes": [r.id for r in chosen],
                "declaration": declaration_to_dict(declaration),
            }
            done = _rerun(folder, meta)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        result = done.result
        by_site = result.by_site()
        meta["devices"] = len(result.devices)
        meta["by_finding"] = {f: result.by_finding()[f] for f in FINDINGS}
        meta["restricted_sites"] = [
            {
                "site": site,
                "restricted": counts["restricted everywhere"] + counts["restricted here"],
            }
            for site, counts in sorted(by_site.items())
            if counts["restricted everywhere"] + counts["restricted here"]
        ]
        meta["plan_total"] = report.money(done.plan.total.cost) if done.plan is not None else None
        meta["currency"] = done.plan.currency if done.plan is not None else None
        (folder / "summary.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")

        def log() -> None:
            with store.session() as session:
                trail.record(session, actor=user.username, action="devices.audit",
                             object_type="device_audit", object_id=audit_id,
                             after={k: meta[k] for k in ("inventories", "sites", "regimes",
                                                         "devices", "by_finding",
                                                         "plan_total")})  # fmt: skip

        retrying(log)
        return redirect(f"/devices/audit/{audit_id}")

    @read.get("/devices/audit/{audit_id}", include_in_schema=False)
    def audit_page(request: Request, user: CurrentUser, audit_id: str) -> Response:
        folder, meta = _load(get_store(request), audit_id)
        done = _rerun(folder, meta)
        context = report.context(done.result, done.plan)
        rows = [report_row(d) for d in done.result.devices]
        order = {f: i for i, f in enumerate(FINDINGS)}
        rows.sort(key=lambda r: order.get(str(r["finding"]), 9))
        return render(
            request,
            "devices_audit.html.j2",
            {"meta": meta, "report": context, "rows": rows[:MAX_SHOWN], "rows_total": len(rows)},
        )

    @read.get("/devices/audit/{audit_id}/report.{fmt}", include_in_schema=False)
    def download(request: Request, user: CurrentUser, audit_id: str, fmt: str) -> Response:
        if fmt not in FORMATS:
            raise NotFoundError(f"no {fmt!r} report; use one of {', '.join(FORMATS)}")
        folder, meta = _load(get_store(request), audit_id)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"audit-{audit_id}.{fmt}"
            _rerun(folder, meta, output=path)
            data = path.read_bytes()
        return Response(
            data,
            media_type=FORMATS[fmt],
            headers={"Content-Disposition": f'attachment; filename="audit-{audit_id}.{fmt}"'},
        )

    return [read, write]


__all__ = ["FORMATS", "audits_dir", "routers"]
