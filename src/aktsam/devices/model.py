"""What the equipment audit knows about a device, before and after identification.

Importers (asset registers, nmap XML, ONVIF, Hikvision ISAPI, Dahua getSystemInfo) each turn their input into
:class:`DeviceRecord` objects: the *observations* as the source states them, with where they came from.
Nothing is interpreted at import: a label saying "LTS" stays "LTS"; identification (``devices.identify``)
decides later who really made the device, from every signal together, and keeps the evidence.

Bad input never disappears silently: an importer returns the records it could read *and* an
:class:`ImportIssue` for every row or element it could not, so ``records + skipped == rows read`` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an observation was read: file, and row (registers, 1-based as a spreadsheet shows it, header =
    row 1) or element (XML, e.g. ``host 192.0.2.10``)."""

    file: str
    row: int | None = None
    element: str | None = None
    kind: str = "register"  # register, nmap, onvif, ws-discovery, isapi, dahua, discovery, manual

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else (self.element or "")
        return f"{self.file}: {where}" if where else self.file


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    """One device as one source describes it. Every field is optional except ``origin``.

    ``mac`` is normalised to 12 upper-case hex digits without separators when valid; importers reject (as an
    :class:`ImportIssue`) a MAC they cannot parse rather than guess. ``banners`` holds protocol banners as
    ``(protocol_or_port, text)`` pairs, e.g. ``("http-server", "App-webs/")``, ``("rtsp-realm", "IP Camera")``,
    ``("8000/tcp", "...")``.
    """

    origin: Origin
    device_id: str | None = (
        None  # the register's asset id, else derived by the importer (serial, MAC, IP)
    )
    site: str | None = None
    location: str | None = None
    brand: str | None = None  # the label on the device or in the register
    manufacturer: str | None = (
        None  # a maker stated by the device itself (ONVIF Manufacturer, ISAPI)
    )
    model: str | None = None
    serial: str | None = None
    mac: str | None = None
    ip: str | None = None
    hostname: str | None = None
    firmware: str | None = None
    device_type: str | None = None  # camera, nvr, dvr, intercom, access-control...
    installed_on: str | None = None  # ISO date
    warranty_until: str | None = None  # ISO date
    purchase_price: float | None = None
    currency: str | None = None
    network_segment: str | None = None
    mac_vendor: str | None = (
        None  # vendor as the source (e.g. nmap) printed it; identification re-derives it
    )
    banners: tuple[tuple[str, str], ...] = ()
    open_ports: tuple[int, ...] = ()
    extra: tuple[
        tuple[str, str], ...
    ] = ()  # unmapped columns/fields kept verbatim: nothing is dropped


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """A row or element that could not be imported (or was imported with a problem), and why."""

    origin: Origin
    field: str | None
    message: str
    severity: str = (
        "error"  # "error": the row was skipped; "warning": imported, but check this value
    )

    def __str__(self) -> str:
        where = f"{self.origin}, field {self.field!r}" if self.field else str(self.origin)
        return f"{where}: {self.message}"


@dataclass(slots=True)
class ImportResult:
    """What one importer read from one file."""

    file: str
    kind: str
    records: list[DeviceRecord] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    rows_read: int = 0  # data rows / host elements seen, good and bad

    @property
    def skipped(self) -> int:
        return sum(1 for issue in self.issues if issue.severity == "error")

    def balanced(self) -> bool:
        """Counts in and out add up: every row read is either a record or a skipped row."""
        return self.rows_read == len(self.records) + self.skipped
