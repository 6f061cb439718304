"""The equipment audit over HTTP: upload inventories (and a sites file), get the findings as JSON or the
report file; identify the maker behind one MAC, model number or brand.

Uploads are written to a fresh folder under ``AKTSAM_HOME/api-uploads`` under names aktsam makes
(``inventory-1.csv``…: only the extension of the client's file name is kept, from an allow-list), never
under the client's names. The folder is kept for :data:`KEEP` so the report can be downloaded in other
formats (``GET /api/devices/audit/{id}/report?format=…``) by the user who uploaded it, then removed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from fastapi import File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from aktsam.devices.audit import regime_terms, site_label
from aktsam.devices.identify import identify_value
from aktsam.devices.service import AuditRun, choose_regimes, run_audit
from aktsam.errors import InputError
from aktsam.organisation import declaration_of, declaration_to_dict, home_declaration
from aktsam.web.api.common import plain, settings_of
from aktsam.web.auth import CurrentUser, router
from aktsam.web.errors import WebError

KEEP = dt.timedelta(hours=24)
MAX_UPLOAD = 50 * 1024 * 1024  # bytes per file
MAX_FILES = 20
SUFFIXES = frozenset({".csv", ".tsv", ".xlsx", ".xlsm", ".xml", ".json", ".txt"})
FORMATS: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
}
ReportFormat = Literal["json", "xlsx", "csv", "html", "pdf"]
_DOWNLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class AuditSummary(BaseModel):
    download_id: str = Field(..., description="For `GET /api/devices/audit/{id}/report`.")
    today: dt.date
    regimes: list[str]
    regime_terms: list[dict[str, str]] = Field(
        ...,
        description="Per regime: jurisdiction, whom it binds, whether it binds this organisation, limits.",
    )
    organisation: str = Field(..., description="What the organisation profile declares.")
    devices_in: int
    devices: int
    balanced: bool
    by_finding: dict[str, int] = Field(..., examples=[{"remove": 3, "no-restriction": 12}])
    by_site: dict[str, dict[str, int]]
    issues: list[dict[str, Any]]
    plan: dict[str, Any] | None
    findings: list[dict[str, Any]] = Field(..., description="One line per device.")


class IdentificationOut(BaseModel):
    value: str
    maker: str | None
    maker_name: str | None
    brand: str | None
    confidence: float
    level: str
    relabelled: bool
    conflicts: list[str]
    evidence: list[dict[str, Any]]


def _uploads_root(request: Request) -> FsPath:
    root = settings_of(request).home / "api-uploads"
    root.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP.total_seconds()
    for old in root.iterdir():
        try:
            if old.is_dir() and old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
    return root


def _save(upload: UploadFile, folder: FsPath, stem: str) -> tuple[FsPath, str]:
    """Write an upload as ``stem`` plus its extension (when allowed); return the path and a display
    name for errors (the client's base name, stripped of anything odd)."""
    original = FsPath((upload.filename or "").replace("\\", "/")).name
    shown = re.sub(r"[^\w .()-]", "_", original)[:100] or stem
    suffix = FsPath(original).suffix.lower()
    path = folder / (stem + (suffix if suffix in SUFFIXES else ""))
    size = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(1024 * 1024):
            size += len(chunk)
            if size > MAX_UPLOAD:
                raise WebError(413, f"{shown} is larger than {MAX_UPLOAD // 2**20} MiB", field=stem)
            out.write(chunk)
    return path, shown


def _audit(params: dict[str, Any], folder: FsPath, output: FsPath | None = None) -> AuditRun:
    names: dict[str, str] = params["names"]
    try:
        declaration = declaration_of(params.get("declaration"))
        regimes = choose_regimes(params["regimes"], declaration=declaration)
        return run_audit(
            [folder / name for name in params["inventories"]],
            regimes,
            today=dt.date.fromisoformat(params["today"]),
            sites_file=folder / params["sites"] if params["sites"] else None,
            output=output,
            declaration=declaration,
        )
    except InputError as exc:
        where = FsPath(exc.file).name if exc.file else None
        field = exc.field if exc.field != "--regime-file" else "regimes"
        if where is None and "regime" in exc.message:
            field = field or "regimes"
        raise InputError(
            exc.message, field=field, file=names.get(where or "", where), row=exc.row
        ) from None


def _summary(download_id: str, params: dict[str, Any], run: AuditRun) -> AuditSummary:
    result = run.result
    return AuditSummary(
        download_id=download_id,
        today=result.today,
        regimes=[r.id for r in result.regimes],
        regime_terms=[regime_terms(r, result) for r in result.regimes],
        organisation=result.declaration.describe(),
        devices_in=result.devices_in,
        devices=len(result.devices),
        balanced=result.balanced(),
        by_finding=dict(result.by_finding()),
        by_site={site: dict(counts) for site, counts in result.by_site().items()},
        issues=[plain(i) for i in result.issues],
        plan=None
        if run.plan is None
        else {
            "currency": run.plan.currency,
            "total": plain(run.plan.total),
            "by_regime": plain(run.plan.by_regime),
            "by_year": plain(run.plan.by_year),
        },
        findings=[
            {
                "device_id": d.record.device_id,
                "site": site_label(d),
                "maker": d.identification.maker,
                "brand": d.identification.brand,
                "model": d.record.model,
                "finding": d.finding,
                "action": d.action,
                "rule": d.rule,
                "restricting": list(d.restricting),
                "to_confirm": list(d.to_confirm),
                "binds": list(d.binds),
                "organisation": list(d.organisation),
            }
            for d in result.devices
        ],
    )


def _report(folder: FsPath, params: dict[str, Any], fmt: str) -> Response:
    out_dir = FsPath(tempfile.mkdtemp(dir=folder))
    output = out_dir / f"device-audit.{fmt}"
    _audit(params, folder, output)
    return FileResponse(
        output,
        media_type=FORMATS[fmt],
        filename=output.name,
        background=BackgroundTask(shutil.rmtree, out_dir, True),
    )


api = router(role="viewer", prefix="/api/devices", tags=["devices"])


@api.post(
    "/audit",
    response_model=AuditSummary,
    summary="Audit uploaded inventories",
    responses={
        200: {
            "content": {t: {} for t in FORMATS.values()},
            "description": "The summary (JSON) or the report file.",
        }
    },
)
def audit(
    request: Request,
    user: CurrentUser,
    inventory: Annotated[list[UploadFile], File(description="Inventory files (registers, scans).")],
    regimes: Annotated[
        str,
        Form(
            max_length=500,
            description="Comma-separated regime ids (e.g. us-ndaa-889,uk-sensitive-sites-2022); "
            "empty: the regimes the organisation profile (profile.yml, restriction_regimes) declares.",
        ),
    ] = "",
    sites: Annotated[UploadFile | None, File(description="Optional sites file.")] = None,
    today: Annotated[dt.date | None, Form(description="Audit date (default: today).")] = None,
    format: Annotated[ReportFormat, Query(description="json: summary; else the report.")] = "json",
) -> Response | AuditSummary:
    """Identify each device's real maker and what the chosen regimes require at its site. Returns a
    JSON summary with a `download_id`, or with `?format=xlsx|csv|html|pdf` the report itself."""
    if not inventory:
        raise WebError(422, "upload at least one inventory file", field="inventory")
    if len(inventory) > MAX_FILES:
        raise WebError(422, f"at most {MAX_FILES} inventory files", field="inventory")
    download_id = secrets.token_urlsafe(24)
    folder = _uploads_root(request) / download_id
    folder.mkdir()
    try:
        names: dict[str, str] = {}
        saved: list[str] = []
        for number, upload in enumerate(inventory, 1):
            path, shown = _save(upload, folder, f"inventory-{number}")
            saved.append(path.name)
            names[path.name] = shown
        sites_name = None
        if sites is not None and (sites.filename or sites.size):
            path, shown = _save(sites, folder, "sites")
            sites_name, names[path.name] = path.name, shown
        params = {
            "owner": user.username,
            "regimes": [r for r in regimes.split(",") if r.strip()],
            "today": (today or dt.date.today()).isoformat(),
            "inventories": saved,
            "sites": sites_name,
            "names": names,
            "declaration": declaration_to_dict(home_declaration(settings_of(request).home)),
        }
        (folder / "params.json").write_text(json.dumps(params), encoding="utf-8")
        if format != "json":
            return _report(folder, params, format)
        return _summary(download_id, params, _audit(params, folder))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


@api.get(
    "/audit/{download_id}/report",
    summary="Download an audit's report",
    response_class=Response,
    responses={200: {"content": {t: {} for t in FORMATS.values()}}, 404: {}},
)
def report(
    request: Request,
    user: CurrentUser,
    download_id: Annotated[str, Path(max_length=64)],
    format: Annotated[ReportFormat, Query()] = "xlsx",
) -> Response:
    """The report of an earlier upload (kept 24 hours) in `format`; only for the user who uploaded it
    (and admins)."""
    folder = settings_of(request).home / "api-uploads" / download_id
    params_file = folder / "params.json"
    if not _DOWNLOAD_ID.match(download_id) or not params_file.is_file():
        raise WebError(404, f"no audit upload {download_id!r} (they are kept 24 hours)")
    params = json.loads(params_file.read_text(encoding="utf-8"))
    if params.get("owner") != user.username and user.role != "admin":
        raise WebError(404, f"no audit upload {download_id!r} (they are kept 24 hours)")
    if format == "json":
        return Response(
            _summary(download_id, params, _audit(params, folder)).model_dump_json(),
            media_type="application/json",
        )
    return _report(folder, params, format)


@api.get("/identify", response_model=IdentificationOut, summary="Who made this device?")
def identify(
    user: CurrentUser,
    value: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="A MAC, model number or brand.",
            examples=["DS-2CD2143G2-I"],
        ),
    ],
) -> IdentificationOut:
    """The maker behind a MAC address, model number or brand, with the evidence."""
    found = identify_value(value)
    return IdentificationOut(value=value, **plain(found))


ROUTERS = (api,)

__all__ = ["ROUTERS"]
