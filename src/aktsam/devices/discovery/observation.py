"""What one probe saw at one host, and the small helpers every probe shares.

A probe never raises on a network fault: a refused connection or a timeout is the normal answer of a
closed or filtered port (``answered=False``, ``error`` says which), and anything else is recorded in
``error`` too. ``fields`` are :class:`~aktsam.devices.model.DeviceRecord` field names with the values the
device stated; ``banners`` use the keys identification understands (``http-server``, ``rtsp-realm``,
``8000/tcp``…).
"""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aktsam.devices.model import ImportResult
from aktsam.errors import AktsamError

DEFAULT_TIMEOUT = 1.5
MAX_READ = 64 * 1024
#: errors that only mean "nothing listens there" or "nothing answered": not worth reporting per host
QUIET_ERRORS = ("connection refused", "timed out")


@dataclass(frozen=True, slots=True)
class Observation:
    """One probe's result at one host and port."""

    probe: str
    host: str
    port: int
    answered: bool = False  # the port accepted a connection or the host sent a datagram back
    banners: tuple[tuple[str, str], ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    extra: tuple[tuple[str, str], ...] = ()
    error: str | None = None

    @property
    def open_port(self) -> int | None:
        """The TCP port that accepted the connection (UDP answers are not an 'open port')."""
        return self.port if self.answered and self.probe in TCP_PROBES else None


TCP_PROBES = frozenset({"http", "rtsp", "tcp8000", "tcp37777"})


def describe(error: OSError) -> str:
    """A network fault in a few words."""
    if isinstance(error, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ConnectionResetError):
        return "connection reset by the host"
    return error.strerror or type(error).__name__


def escape_bytes(data: bytes) -> str:
    """Bytes as nmap-style text: printable ASCII kept, ``\\`` doubled, the rest ``\\xNN``."""
    out = []
    for byte in data:
        if byte == 0x5C:
            out.append("\\\\")
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append(f"\\x{byte:02x}")
    return "".join(out)


def read_until(sock: socket.socket, marker: bytes | None, limit: int = MAX_READ) -> bytes:
    """Read until ``marker`` is seen (``None``: no marker), the peer closes, or ``limit`` bytes; a
    timeout ends the read once something has arrived."""
    data = b""
    while (marker is None or marker not in data) and len(data) < limit:
        try:
            chunk = sock.recv(limit - len(data))
        except TimeoutError:
            if data:
                break
            raise
        if not chunk:
            break
        data += chunk
    return data


def parse_saved(importer: Callable[[Path], ImportResult], data: bytes, name: str) -> ImportResult:
    """Run an existing file importer on an answer, through a private temporary file.

    Raises :class:`AktsamError` (the importer's refusal) when the answer is not what it reads.
    """
    with tempfile.TemporaryDirectory(prefix="aktsam-discovery-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return importer(path)


def first_record_fields(
    importer: Callable[[Path], ImportResult], data: bytes, name: str
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], str | None]:
    """``(fields, extra, error)`` of the first record an importer reads from an answer."""
    try:
        result = parse_saved(importer, data, name)
    except AktsamError as exc:
        message = getattr(exc, "message", str(exc))
        return (), (), message
    if not result.records:
        reason = "; ".join(issue.message for issue in result.issues) or "no device described"
        return (), (), reason
    record = result.records[0]
    names = ("manufacturer", "model", "serial", "mac", "firmware", "device_type", "location")
    fields = tuple((n, v) for n in names if isinstance(v := getattr(record, n), str) and v)
    return fields, record.extra, None


def tcp_connect(host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to exactly ``host:port`` (raises ``OSError``)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def udp_exchange(host: str, port: int, payload: bytes, timeout: float) -> bytes:
    """Send one datagram to exactly ``host:port`` (unicast) and return the first answer from it.

    The socket is connected, so the kernel drops datagrams from any other address; raises ``OSError``
    (``TimeoutError`` when nothing came back, ``ConnectionRefusedError`` on ICMP port unreachable).
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.connect((host, port))
        sock.send(payload)
        return sock.recv(MAX_READ)
