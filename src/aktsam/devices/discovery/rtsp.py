"""RTSP probe: ``OPTIONS`` then ``DESCRIBE rtsp://host:port/`` on one connection, without credentials.

Kept: the ``Server`` header (``rtsp-server``: ``Dahua Rtsp Server``), each ``WWW-Authenticate`` challenge
as scheme and realm only (``rtsp-realm``: ``Digest realm="Hikvision"``; the nonce changes on every
request and says nothing about the maker), the status lines and ``Public`` methods (``extra``). See
``data/devices/FINGERPRINTS.md`` §4.
"""

from __future__ import annotations

import re
import socket

from aktsam.devices.discovery.http import Response, parse_response
from aktsam.devices.discovery.observation import Observation, describe, read_until, tcp_connect

PROBE = "rtsp"
DEFAULT_PORT = 554
_REALM = re.compile(r'^\s*(\w+)\s+.*?\brealm="([^"]*)"', re.IGNORECASE)


def _request(sock: socket.socket, method: str, url: str, cseq: int) -> Response | None:
    accept = "Accept: application/sdp\r\n" if method == "DESCRIBE" else ""
    sock.sendall(
        f"{method} {url} RTSP/1.0\r\nCSeq: {cseq}\r\nUser-Agent: aktsam-discovery\r\n{accept}\r\n"
        .encode("ascii")
    )  # fmt: skip
    data = read_until(sock, b"\r\n\r\n")
    return parse_response(data) if data else None


def realm_banner(challenge: str) -> str:
    """``Digest realm="Hikvision", nonce="…"`` → ``Digest realm="Hikvision"``; other text unchanged."""
    found = _REALM.match(challenge)
    return f'{found.group(1)} realm="{found.group(2)}"' if found else challenge.strip()


def probe_rtsp(host: str, port: int = DEFAULT_PORT, timeout: float = 1.5) -> Observation:
    """What ``host:port`` says over RTSP; never raises on a network fault."""
    url = f"rtsp://{host}:{port}/"
    responses: list[tuple[str, Response]] = []
    error: str | None = None
    try:
        with tcp_connect(host, port, timeout) as sock:
            for cseq, method in enumerate(("OPTIONS", "DESCRIBE"), start=1):
                answer = _request(sock, method, url, cseq)
                if answer is None:
                    break
                responses.append((method, answer))
    except OSError as exc:
        error = describe(exc)
        if not responses and error in ("connection refused", "timed out"):
            return Observation(PROBE, host, port, error=error)
    banners: list[tuple[str, str]] = []
    extra: list[tuple[str, str]] = []
    for method, answer in responses:
        extra.append((f"rtsp-{method.lower()}-status", f"{answer.status} {answer.reason}".strip()))
        for value in answer.header("Server"):
            if value and ("rtsp-server", value) not in banners:
                banners.append(("rtsp-server", value))
        for value in answer.header("WWW-Authenticate"):
            if ("rtsp-realm", realm_banner(value)) not in banners:
                banners.append(("rtsp-realm", realm_banner(value)))
        extra += [("rtsp-public", value) for value in answer.header("Public")]
    if not responses and error is None:
        error = "the port answered, but not with RTSP"
    return Observation(
        PROBE, host, port, True, tuple(banners), (), tuple(dict.fromkeys(extra)), error
    )
