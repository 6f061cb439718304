"""HTTP probe: ``GET /`` for the ``Server`` header, the ``WWW-Authenticate`` realm and the page title;
then the two identity APIs of ``data/devices/FINGERPRINTS.md`` §3, read only when they answer without
credentials (current firmware asks for them; a ``401`` is recorded, never retried with a password):

* ``GET /ISAPI/System/deviceInfo`` (Hikvision): read by the ISAPI importer; its XML namespace becomes an
  ``xml-namespace`` banner, its model, serial, MAC and firmware the record's fields.
* ``GET /cgi-bin/magicBox.cgi?action=getSystemInfo`` (Dahua): read by the Dahua importer.

Plain HTTP only, one connection per request (``Connection: close``), no redirects followed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from aktsam.devices.discovery.observation import (
    Observation,
    describe,
    first_record_fields,
    read_until,
    tcp_connect,
)
from aktsam.devices.importers.dahua import KEYS as DAHUA_KEYS
from aktsam.devices.importers.dahua import import_dahua, parse_key_values
from aktsam.devices.importers.isapi import import_isapi

PROBE = "http"
DEFAULT_PORT = 80
ISAPI_PATH = "/ISAPI/System/deviceInfo"
MAGICBOX_PATH = "/cgi-bin/magicBox.cgi?action=getSystemInfo"
BODY_EXCERPT = 1024
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(slots=True)
class Response:
    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


def parse_response(data: bytes) -> Response | None:
    """Status, headers and body of an HTTP (or RTSP) answer; ``None`` when it is not one."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith(("HTTP/", "RTSP/")) or not parts[1].isdigit():
        return None
    headers = []
    for line in lines[1:]:
        key, sep, value = line.partition(":")
        if sep:
            headers.append((key.strip(), value.strip()))
    return Response(int(parts[1]), parts[2] if len(parts) > 2 else "", headers, body)


def get(host: str, port: int, path: str, timeout: float) -> Response | None:
    """One ``GET`` (raises ``OSError``); ``None`` when the answer is not HTTP."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: aktsam-discovery\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n"
    ).encode("ascii")
    with tcp_connect(host, port, timeout) as sock:
        sock.sendall(request)
        data = read_until(sock, None)  # Connection: close, so the answer ends when the peer closes
    return parse_response(data)


def _page(response: Response) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    banners: list[tuple[str, str]] = []
    extra = [("http-status", f"{response.status} {response.reason}".strip())]
    banners += [("http-server", value) for value in response.header("Server") if value]
    banners += [("http-www-authenticate", value) for value in response.header("WWW-Authenticate")]
    banners += [("http-location", value) for value in response.header("Location")]
    if found := _TITLE.search(response.body):
        title = " ".join(html.unescape(found.group(1).decode("utf-8", "replace")).split())
        if title:
            banners.append(("http-title", title))
    excerpt = " ".join(response.body[: BODY_EXCERPT * 4].decode("utf-8", "replace").split())
    if excerpt:
        banners.append(("http-body", excerpt[:BODY_EXCERPT]))
    return banners, extra


def _isapi(response: Response) -> Observation:
    fields, extra, error = first_record_fields(import_isapi, response.body, "deviceInfo.xml")
    namespaces = [value for key, value in extra if key == "xml-namespace"]
    rest = tuple((f"isapi-{key}", value) for key, value in extra if key != "xml-namespace")
    return Observation(
        PROBE, "", 0, True, tuple(("xml-namespace", ns) for ns in namespaces), fields, rest,
        f"{ISAPI_PATH}: {error}" if error else None,
    )  # fmt: skip


def _magicbox(response: Response) -> Observation:
    pairs, _ = parse_key_values(response.body.decode("utf-8", "replace"))
    if not any(key in DAHUA_KEYS for _, key, _ in pairs):
        return Observation(PROBE, "", 0, True)  # a login page or an error text: not the API
    fields, extra, error = first_record_fields(import_dahua, response.body, "getSystemInfo.txt")
    rest = tuple((f"magicbox-{key}", value) for key, value in extra)
    problem = f"{MAGICBOX_PATH}: {error}" if error else None
    return Observation(PROBE, "", 0, True, (), fields, rest, problem)


def probe_http(host: str, port: int = DEFAULT_PORT, timeout: float = 1.5) -> Observation:
    """What ``host:port`` says over HTTP; never raises on a network fault."""
    try:
        page = get(host, port, "/", timeout)
    except OSError as exc:
        return Observation(PROBE, host, port, error=describe(exc))
    if page is None:
        return Observation(PROBE, host, port, True, error="the answer to GET / is not HTTP")
    banners, extra = _page(page)
    fields: list[tuple[str, str]] = []
    errors: list[str] = []
    for path, reader in ((ISAPI_PATH, _isapi), (MAGICBOX_PATH, _magicbox)):
        try:
            response = get(host, port, path, timeout)
        except OSError as exc:
            errors.append(f"{path}: {describe(exc)}")
            continue
        if response is None:
            continue
        label = "isapi" if path == ISAPI_PATH else "magicbox"
        extra.append((f"{label}-status", str(response.status)))
        if response.status != 200:
            continue
        found = reader(response)
        banners += found.banners
        fields += [(n, v) for n, v in found.fields if n not in dict(fields)]
        extra += found.extra
        if found.error:
            errors.append(found.error)
    return Observation(
        PROBE, host, port, True, tuple(banners), tuple(fields), tuple(extra),
        "; ".join(errors) or None,
    )  # fmt: skip
