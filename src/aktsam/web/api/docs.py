"""``GET /api/docs``: the API reference as a plain server-rendered page, made from the OpenAPI schema.

Rendered on the server rather than with Swagger UI: the Content-Security-Policy is ``default-src
'self'`` (no CDN), a vendored Swagger UI would add about 1.5 MB of third-party JavaScript to audit and
update, and an ERP integrator needs the paths, parameters, bodies and roles, which a static page shows.
The machine-readable schema is ``/api/openapi.json`` (both behind the login)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from aktsam.web.auth import CurrentUser, router

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_text(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    return escape(json.dumps(schema, indent=2, ensure_ascii=False))


def render_reference(spec: dict[str, Any]) -> str:
    """The OpenAPI document ``spec`` as one HTML page (no scripts, no inline styles)."""
    info = spec.get("info", {})
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(str(info.get('title', 'API')))} API reference</title>",
        "<link rel='stylesheet' href='/static/aktsam.css'></head><body><main>",
        f"<h1>{escape(str(info.get('title', '')))} API {escape(str(info.get('version', '')))}</h1>",
        f"<pre>{escape(str(info.get('description', '')))}</pre>",
        "<p>Machine-readable: <a href='/api/openapi.json'>/api/openapi.json</a></p>",
        "<nav><ul>",
    ]
    operations: list[tuple[str, str, dict[str, Any]]] = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                operations.append((path, method, item[method]))
    for path, method, op in operations:
        anchor = escape(op.get("operationId", f"{method}-{path}"))
        parts.append(
            f"<li><a href='#{anchor}'><code>{method.upper()} {escape(path)}</code></a> "
            f"{escape(op.get('summary', ''))}</li>"
        )
    parts.append("</ul></nav>")
    for path, method, op in operations:
        anchor = escape(op.get("operationId", f"{method}-{path}"))
        parts.append(
            f"<section id='{anchor}'><h2><code>{method.upper()} {escape(path)}</code></h2>"
        )
        parts.append(f"<p><strong>{escape(op.get('summary', ''))}</strong></p>")
        if op.get("description"):
            parts.append(f"<pre>{escape(op['description'])}</pre>")
        params = op.get("parameters", [])
        if params:
            parts.append(
                "<table><tr><th>parameter</th><th>in</th><th>required</th>"
                "<th>schema</th><th>description</th></tr>"
            )
            for p in params:
                parts.append(
                    f"<tr><td><code>{escape(p.get('name', ''))}</code></td>"
                    f"<td>{escape(p.get('in', ''))}</td><td>{'yes' if p.get('required') else ''}</td>"
                    f"<td><code>{escape(json.dumps(p.get('schema', {})))}</code></td>"
                    f"<td>{escape(p.get('description', ''))}</td></tr>"
                )
            parts.append("</table>")
        body = op.get("requestBody", {}).get("content", {})
        for media, content in body.items():
            parts.append(f"<p>Request body ({escape(media)}):</p>")
            parts.append(f"<pre>{_schema_text(content.get('schema'))}</pre>")
        for status, response in op.get("responses", {}).items():
            parts.append(f"<p>{escape(str(status))}: {escape(response.get('description', ''))}</p>")
        parts.append("</section>")
    schemas = spec.get("components", {}).get("schemas", {})
    if schemas:
        parts.append("<h2>Schemas</h2>")
        for name, schema in schemas.items():
            parts.append(f"<section id='schema-{escape(name)}'><h3>{escape(name)}</h3>")
            parts.append(f"<pre>{_schema_text(schema)}</pre></section>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


api = router(role="viewer", prefix="/api", tags=["system"])


@api.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs(request: Request, user: CurrentUser) -> HTMLResponse:
    return HTMLResponse(render_reference(request.app.openapi()))


ROUTERS = (api,)

__all__ = ["ROUTERS", "render_reference"]
