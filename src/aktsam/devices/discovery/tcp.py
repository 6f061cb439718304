"""Proprietary TCP ports of ``data/devices/FINGERPRINTS.md`` §5.

* ``tcp8000``: connect to the Hikvision SDK port and send nothing (nmap's NULL probe); a Hikvision device
  volunteers ``\\0\\0\\0\\x10\\0\\0\\0\\x1e\\0\\0\\0\\x1e\\0\\0\\0\\0``.
* ``tcp37777``: send 32 bytes ``\\xa1`` + 31 × ``\\x00`` (metasploit ``dahua_dvr_auth_bypass``); a Dahua-based
  DVR answers with exactly 8 bytes ``\\xb1\\x00\\x00\\x58\\x00\\x00\\x00\\x00``.

The bytes read are kept as a ``<port>/tcp`` banner in nmap-style escapes, which identification matches
against the reply signatures; the open port is recorded even when nothing is read.
"""

from __future__ import annotations

from aktsam.devices.discovery.observation import Observation, describe, escape_bytes, tcp_connect

TCP8000_PORT = 8000
TCP37777_PORT = 37777
DAHUA_PROBE = b"\xa1" + b"\x00" * 31


def _exchange(
    probe: str, host: str, port: int, payload: bytes, want: int, timeout: float
) -> Observation:
    try:
        sock = tcp_connect(host, port, timeout)
    except OSError as exc:
        return Observation(probe, host, port, error=describe(exc))
    data = b""
    error: str | None = None
    with sock:
        try:
            if payload:
                sock.sendall(payload)
            while len(data) < want:
                chunk = sock.recv(want - len(data))
                if not chunk:
                    break
                data += chunk
        except TimeoutError:
            pass  # an open port that says nothing (more) is an answer too
        except OSError as exc:
            error = describe(exc)
    banners = ((f"{port}/tcp", escape_bytes(data)),) if data else ()
    return Observation(probe, host, port, True, banners, (), (), error)


def probe_tcp8000(host: str, port: int = TCP8000_PORT, timeout: float = 1.5) -> Observation:
    """The banner the Hikvision SDK port volunteers (16 bytes expected); never raises."""
    return _exchange("tcp8000", host, port, b"", 16, timeout)


def probe_tcp37777(host: str, port: int = TCP37777_PORT, timeout: float = 1.5) -> Observation:
    """The 8-byte answer to the Dahua private-protocol probe; never raises."""
    return _exchange("tcp37777", host, port, DAHUA_PROBE, 8, timeout)
