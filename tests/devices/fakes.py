"""Fake cameras on loopback addresses (127.0.0.x), for the discovery tests.

Linux routes all of 127.0.0.0/8 to ``lo``, so each fake binds its own address. The fakes of one
:class:`FakeNetwork` share one port per service (chosen free at start), so one ``ports`` override fits
every fake; a service a fake lacks is simply not bound (connections are refused, datagrams bounce).
Answers follow ``data/devices/FINGERPRINTS.md``; values (models, serials, MACs) are made up.
Nothing here sends to any address but the client that wrote to it, on loopback.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

HttpRoutes = dict[str, tuple[str, list[tuple[str, str]], bytes]]
SERVICES = ("http", "rtsp", "tcp8000", "tcp37777", "ws-discovery", "sadp")
UDP_SERVICES = ("ws-discovery", "sadp")

HIK_PROBE_MATCH = b"""<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"
 xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"
 xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">
<env:Header><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>
</env:Header><env:Body><d:ProbeMatches><d:ProbeMatch>
<wsa:EndpointReference><wsa:Address>urn:uuid:11111111-2222-3333-4444-555555555555</wsa:Address>
</wsa:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types>
<d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/name/HIKVISION%20DS-2CD2143G0-I
 onvif://www.onvif.org/hardware/DS-2CD2143G0-I onvif://www.onvif.org/location/city/hangzhou</d:Scopes>
<d:XAddrs>http://127.0.0.2/onvif/device_service</d:XAddrs><d:MetadataVersion>10</d:MetadataVersion>
</d:ProbeMatch></d:ProbeMatches></env:Body></env:Envelope>"""

AXIS_PROBE_MATCH = (
    HIK_PROBE_MATCH.replace(
        b"onvif://www.onvif.org/name/HIKVISION%20DS-2CD2143G0-I", b"onvif://www.onvif.org/name/AXIS"
    )
    .replace(b"hardware/DS-2CD2143G0-I", b"hardware/M3045-V onvif://www.onvif.org/mac/ACCC8E012345")
    .replace(b"location/city/hangzhou", b"location/city/lund")
    .replace(b"127.0.0.2", b"127.0.0.4")
)

SADP_ANSWER = b"""<?xml version="1.0" encoding="UTF-8"?>
<ProbeMatch><Uuid>{uuid}</Uuid><Types>inquiry</Types><DeviceType>138153</DeviceType>
<DeviceDescription>DS-2CD2143G0-I</DeviceDescription>
<DeviceSN>DS-2CD2143G0-I20200101AAWRE12345678</DeviceSN><CommandPort>8000</CommandPort>
<HttpPort>80</HttpPort><MAC>c0-56-e3-12-34-56</MAC><IPv4Address>127.0.0.2</IPv4Address>
<SoftwareVersion>V5.6.3build 190923</SoftwareVersion><Activated>true</Activated></ProbeMatch>"""

ISAPI_DEVICE_INFO = b"""<?xml version="1.0" encoding="UTF-8"?>
<DeviceInfo version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<deviceName>IP CAMERA</deviceName><deviceID>88</deviceID><model>DS-2CD2143G0-I</model>
<serialNumber>DS-2CD2143G0-I20200101AAWRE12345678</serialNumber>
<macAddress>c0:56:e3:12:34:56</macAddress><firmwareVersion>V5.6.3</firmwareVersion>
<deviceType>IPCamera</deviceType></DeviceInfo>"""

DAHUA_SYSTEM_INFO = (
    b"appAutoStart=true\r\ndeviceType=DH-IPC-HFW2431SP-S-S2\r\nhardwareVersion=1.00\r\n"
    b"processor=S2LM\r\nserialNumber=5J0ABC1234567\r\nupdateSerial=IPC-HFW2431S-S-S2\r\n"
)
HIK_8000_BANNER = b"\x00\x00\x00\x10\x00\x00\x00\x1e\x00\x00\x00\x1e\x00\x00\x00\x00"
DAHUA_37777_ANSWER = b"\xb1\x00\x00\x58\x00\x00\x00\x00"
HIK_LANDING = (
    b"<html><head><title>Document Error: Page not found</title></head><body><script>"
    b"window.location.href = '/doc/page/login.asp?_' + (new Date()).getTime();</script></body></html>"
)


@dataclass
class FakeDevice:
    """One fake host: what it answers on each service it runs."""

    ip: str
    http: HttpRoutes | None = None
    rtsp: list[tuple[str, str, str]] | None = (
        None  # (status or "", header, value) for every RTSP request
    )
    tcp8000: bytes | None = None  # volunteered on connect
    tcp37777: bytes | None = None  # sent after the 32-byte probe
    ws_discovery: bytes | None = None
    sadp: bytes | None = None
    mute_udp: bool = False  # bind the UDP ports but never answer (timeouts, not refusals)
    contacted: list[str] = field(default_factory=list)  # services a client reached

    def runs(self, service: str) -> bool:
        if service in UDP_SERVICES and self.mute_udp:
            return True
        return getattr(self, service.replace("-", "_")) is not None


def hikvision(ip: str = "127.0.0.2") -> FakeDevice:
    return FakeDevice(
        ip,
        http={
            "/": ("200 OK", [("Server", "App-webs/")], HIK_LANDING),
            "/ISAPI/System/deviceInfo": (
                "200 OK",
                [("Server", "App-webs/"), ("Content-Type", "application/xml")],
                ISAPI_DEVICE_INFO,
            ),
        },
        rtsp=[
            (
                "401 Unauthorized",
                "WWW-Authenticate",
                'Digest realm="Hikvision", nonce="0123456789abcdef0123456789abcdef", stale="FALSE"',
            ),
            ("", "WWW-Authenticate", 'Basic realm="/"'),
        ],
        tcp8000=HIK_8000_BANNER,
        ws_discovery=HIK_PROBE_MATCH,
        sadp=SADP_ANSWER,
    )


def dahua(ip: str = "127.0.0.3") -> FakeDevice:
    return FakeDevice(
        ip,
        http={
            "/": ("200 OK", [], b"<html><head><title>WEB SERVICE</title></head></html>"),
            "/cgi-bin/magicBox.cgi?action=getSystemInfo": ("200 OK", [], DAHUA_SYSTEM_INFO),
        },
        rtsp=[
            ("401 Unauthorized", "Server", "Dahua Rtsp Server"),
            ("", "WWW-Authenticate", 'Basic realm="device"'),
        ],
        tcp37777=DAHUA_37777_ANSWER,
    )


def axis(ip: str = "127.0.0.4") -> FakeDevice:
    return FakeDevice(
        ip,
        http={
            "/": (
                "401 Unauthorized",
                [("WWW-Authenticate", 'Digest realm="AXIS_ACCC8E012345"')],
                b"<html><head><title>401 Unauthorized</title></head></html>",
            ),
        },
        ws_discovery=AXIS_PROBE_MATCH,
    )


def silent(ip: str = "127.0.0.9") -> FakeDevice:
    return FakeDevice(ip, mute_udp=True)


class FakeNetwork:
    """Start fakes on shared free ports; ``ports`` is the override map for the scanner."""

    def __init__(self, devices: list[FakeDevice]) -> None:
        self.devices = {d.ip: d for d in devices}
        self.ports: dict[str, int] = {}
        self._sockets: list[socket.socket] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> FakeNetwork:
        for service in SERVICES:
            self._bind_service(service)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()
        for thread in self._threads:
            thread.join(timeout=2)

    @property
    def ips(self) -> set[str]:
        return set(self.devices)

    def _bind_service(self, service: str) -> None:
        kind = socket.SOCK_DGRAM if service in UDP_SERVICES else socket.SOCK_STREAM
        running = [d for d in self.devices.values() if d.runs(service)]
        for _ in range(50):
            bound: list[tuple[FakeDevice, socket.socket]] = []
            port = 0
            try:
                for device in running:
                    sock = socket.socket(socket.AF_INET, kind)
                    bound.append((device, sock))
                    sock.bind((device.ip, port))
                    port = sock.getsockname()[1]
            except OSError:
                for _, sock in bound:
                    sock.close()
                continue
            break
        else:  # pragma: no cover - the machine has no free ports
            raise RuntimeError(f"no free port for {service}")
        if not running:  # a port nobody listens on, for the override map
            probe = socket.socket(socket.AF_INET, kind)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
            probe.close()
        self.ports[service] = port
        for device, sock in bound:
            self._sockets.append(sock)
            if kind == socket.SOCK_STREAM:
                sock.listen(16)
                target: Callable[[FakeDevice, socket.socket, str], None] = self._accept_loop
            else:
                target = self._udp_loop
            sock.settimeout(0.1)
            thread = threading.Thread(target=target, args=(device, sock, service), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _accept_loop(self, device: FakeDevice, server: socket.socket, service: str) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            device.contacted.append(service)
            handler = getattr(self, "_serve_" + service)
            threading.Thread(target=handler, args=(device, conn), daemon=True).start()

    def _udp_loop(self, device: FakeDevice, sock: socket.socket, service: str) -> None:
        while not self._stop.is_set():
            try:
                data, client = sock.recvfrom(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            device.contacted.append(service)
            if device.mute_udp:
                continue
            if service == "sadp":
                uuid = data.split(b"<Uuid>")[1].split(b"</Uuid>")[0] if b"<Uuid>" in data else b""
                answer = SADP_ANSWER.replace(b"{uuid}", uuid) if device.sadp else None
            else:
                answer = device.ws_discovery
            if answer and client[0].startswith("127."):  # answers go back to loopback only
                sock.sendto(answer, client)

    @staticmethod
    def _read_request(conn: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        return data

    def _serve_http(self, device: FakeDevice, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2)
            request = self._read_request(conn)
            path = request.split(b" ")[1].decode() if request.count(b" ") >= 2 else "/"
            status, headers, body = (device.http or {}).get(
                path, ("404 Not Found", [], b"Not Found")
            )
            lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers),
                     f"Content-Length: {len(body)}", "Connection: close", "", ""]  # fmt: skip
            conn.sendall("\r\n".join(lines).encode() + body)

    def _serve_rtsp(self, device: FakeDevice, conn: socket.socket) -> None:
        spec = device.rtsp or []
        status = next(s for s, _, _ in spec if s)
        headers = [f"{k}: {v}" for _, k, v in spec]
        with conn:
            conn.settimeout(2)
            while True:
                request = self._read_request(conn)
                if not request:
                    return
                cseq = next(
                    (line.split(b":", 1)[1].strip().decode() for line in request.split(b"\r\n")
                     if line.lower().startswith(b"cseq:")), "0",
                )  # fmt: skip
                lines = [f"RTSP/1.0 {status}", f"CSeq: {cseq}", *headers, "", ""]
                conn.sendall("\r\n".join(lines).encode())

    def _serve_tcp8000(self, device: FakeDevice, conn: socket.socket) -> None:
        with conn:
            conn.sendall(device.tcp8000 or b"")

    def _serve_tcp37777(self, device: FakeDevice, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2)
            data = b""
            while len(data) < 32:
                chunk = conn.recv(32 - len(data))
                if not chunk:
                    return
                data += chunk
            if data == b"\xa1" + b"\x00" * 31:
                conn.sendall(device.tcp37777 or b"")
