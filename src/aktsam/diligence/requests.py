"""Information requests under the Norwegian Transparency Act (åpenhetsloven, LOV-2021-06-18-99).

Anyone may ask an enterprise in writing how it handles actual and potential adverse impacts on
fundamental human rights and decent working conditions. What this module implements, and where it comes
from (law text at https://lovdata.no/dokument/NL/lov/2021-06-18-99):

* **Deadline** (§ 7): the information is to be given within a reasonable time and *at the latest within
  three weeks* after the request was received. Where the amount or kind of information asked for makes
  three weeks disproportionately burdensome, the information is to be given *at the latest within two
  months* after receipt, and the requester must be told, within the three weeks, of the extension, the
  reasons for it and when the information can be expected. :func:`extend_request` therefore needs a
  reason and the date the requester was told (not after the three-week deadline), and refuses a deadline
  past two months.
  Checked in this session: that § 7 governs the enterprises' time limits (Sivilombudet, "Saksbehandlingstiden
  i saker etter åpenhetsloven") and the three-week main rule (Føyen Advokatfirma, 27 August 2023; a published
  company policy quoting the law: "innen rimelig tid, og senest innen tre uker etter at forespørselen er
  mottatt"). The two-month extension and its notice duty are from the law text as the issue quotes it and
  were *not* re-read on Lovdata in this session.
* **Refusal grounds**: a request may be refused where it does not give enough to identify what it is about,
  is manifestly unreasonable ("åpenbart urimelig"), concerns data on a person's private affairs, or concerns
  technical devices, methods or other business matters that are important to keep secret for competitive
  reasons. Føyen (above) confirms the three main grounds (manifestly unreasonable requests, personal data,
  business secrets); the first ground and the exact paragraph (§ 6 or § 7) are from memory and were *not*
  verified against the law text here: check Lovdata before relying on them. A refusal is given in writing
  with its legal basis; :func:`refuse_request` records the ground and the date the refusal was sent.

The ``info_requests`` table has no extension or refusal-date columns: an extension is stored as the new
``deadline`` plus a ``request.extend`` trail entry holding the reason, the original deadline and the date
the requester was told; a refusal's date is stored in ``answered_on`` (the date of the reply, whatever it
said) with ``status = "refused"``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from aktsam.diligence.register import require_party
from aktsam.errors import InputError, NotFoundError, required_text
from aktsam.store import trail
from aktsam.store.db import Store
from aktsam.store.schema import AuditLogRow, InfoRequestRow
from aktsam.store.trail import row_state


@dataclass(frozen=True, slots=True)
class LawRef:
    """The statute the deadlines come from, in one place."""

    title: str
    short: str
    citation: str
    url: str
    in_force: dt.date
    answer_weeks: int
    extended_months: int
    checked: dt.date


TRANSPARENCY_ACT = LawRef(
    title=(
        "Lov om virksomheters åpenhet og arbeid med grunnleggende menneskerettigheter og anstendige "
        "arbeidsforhold (åpenhetsloven)"
    ),
    short="Åpenhetsloven § 7",
    citation="LOV-2021-06-18-99",
    url="https://lovdata.no/dokument/NL/lov/2021-06-18-99",
    in_force=dt.date(2022, 7, 1),
    answer_weeks=3,
    extended_months=2,
    checked=dt.date(2026, 11, 25),
)

REFUSAL_GROUNDS: dict[str, str] = {
    "unidentifiable": "the request does not give enough to identify what it is about",
    "manifestly-unreasonable": "the request is manifestly unreasonable (åpenbart urimelig)",
    "personal-data": "the information asked for concerns data on a person's private affairs",
    "business-secret": (
        "the information concerns technical devices, methods or other business matters that are "
        "important to keep secret for competitive reasons"
    ),
}
"""Refusal grounds of the Transparency Act (see the module docstring for what was verified)."""

STATUSES: tuple[str, ...] = ("open", "answered", "refused")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clamped to the month's last day (31 March + 2 → 31 May,
    31 December + 2 → 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def answer_deadline(received_on: dt.date) -> dt.date:
    """The three-week deadline: received 2026-03-02 → 2026-03-23."""
    return received_on + dt.timedelta(weeks=TRANSPARENCY_ACT.answer_weeks)


def latest_deadline(received_on: dt.date) -> dt.date:
    """The furthest an extension may go: two months after receipt."""
    return add_months(received_on, TRANSPARENCY_ACT.extended_months)


@dataclass(frozen=True, slots=True)
class InfoRequest:
    """One request (read-only copy of its ``info_requests`` row)."""

    id: int
    received_on: dt.date
    requester: str
    question: str
    party_id: str | None
    deadline: dt.date
    answered_on: dt.date | None
    answer: str | None
    refusal_ground: str | None
    status: str

    @property
    def extended(self) -> bool:
        """The deadline was moved past the three weeks."""
        return self.deadline != answer_deadline(self.received_on)

    @property
    def late(self) -> bool:
        """Replied (answered or refused) after the deadline."""
        return self.answered_on is not None and self.answered_on > self.deadline

    def overdue(self, as_of: dt.date) -> bool:
        """Still open after its deadline."""
        return self.status == "open" and self.deadline < as_of

    def days_left(self, as_of: dt.date) -> int:
        """Days to the deadline (negative: overdue by that many)."""
        return (self.deadline - as_of).days


@dataclass(frozen=True, slots=True)
class RequestStats:
    """Requests received in ``year``, for the annual account."""

    year: int
    received: int
    answered: int
    answered_on_time: int
    answered_late: int
    refused: int
    open: int
    extended: int


def _request(row: InfoRequestRow) -> InfoRequest:
    return InfoRequest(
        id=row.id,
        received_on=row.received_on,
        requester=row.requester,
        question=row.question,
        party_id=row.party_id,
        deadline=row.deadline,
        answered_on=row.answered_on,
        answer=row.answer,
        refusal_ground=row.refusal_ground,
        status=row.status,
    )


def _open_row(session: Session, request_id: int) -> InfoRequestRow:
    row = session.get(InfoRequestRow, request_id)
    if row is None:
        raise NotFoundError(f"no information request {request_id}")
    if row.status != "open":
        raise InputError(f"request {request_id} is already {row.status}", field="request")
    return row


def receive_request(
    store: Store,
    *,
    received_on: dt.date,
    requester: str,
    question: str,
    actor: str,
    party_id: str | None = None,
) -> InfoRequest:
    """Register a request received on ``received_on``; its deadline is three weeks later."""
    requester = required_text(requester, "requester")
    question = required_text(question, "question")
    actor = required_text(actor, "actor")
    with store.session() as session:
        if party_id is not None:
            require_party(session, party_id)
        row = InfoRequestRow(
            received_on=received_on,
            requester=requester,
            question=question,
            party_id=party_id,
            deadline=answer_deadline(received_on),
            answered_on=None,
            answer=None,
            refusal_ground=None,
            status="open",
        )
        session.add(row)
        session.flush()
        trail.record(session, actor=actor, action="request.add", object_type="info_request",
                     object_id=str(row.id),
                     after={**row_state(row), "law": TRANSPARENCY_ACT.short})  # fmt: skip
        return _request(row)


def extend_request(
    store: Store,
    request_id: int,
    *,
    new_deadline: dt.date,
    reason: str,
    notified_on: dt.date,
    actor: str,
) -> InfoRequest:
    """Extend an open request's deadline because answering within three weeks is disproportionately
    burdensome: at most two months after receipt, told to the requester within the three weeks."""
    reason = required_text(reason, "reason")
    actor = required_text(actor, "actor")
    with store.session() as session:
        row = _open_row(session, request_id)
        three_weeks = answer_deadline(row.received_on)
        cap = latest_deadline(row.received_on)
        if new_deadline <= row.deadline:
            raise InputError(
                f"new deadline {new_deadline} is not after the current one ({row.deadline})",
                field="new_deadline",
            )
        if new_deadline > cap:
            raise InputError(
                f"new deadline {new_deadline} is past two months after receipt ({cap}), the latest "
                f"{TRANSPARENCY_ACT.short} allows",
                field="new_deadline",
            )
        if not row.received_on <= notified_on <= three_weeks:
            raise InputError(
                f"the requester must be told of the extension within the three weeks "
                f"({row.received_on} to {three_weeks}); notified on {notified_on}",
                field="notified_on",
            )
        before = row_state(row)
        row.deadline = new_deadline
        session.flush()
        trail.record(session, actor=actor, action="request.extend", object_type="info_request",
                     object_id=str(row.id), before=before,
                     after={**row_state(row), "reason": reason, "notified_on": notified_on,
                            "original_deadline": three_weeks})  # fmt: skip
        return _request(row)


def answer_request(
    store: Store, request_id: int, *, answered_on: dt.date, answer: str, actor: str
) -> InfoRequest:
    """Record the answer; one given after the deadline is kept, and marked late in the trail."""
    answer = required_text(answer, "answer")
    actor = required_text(actor, "actor")
    with store.session() as session:
        row = _open_row(session, request_id)
        if answered_on < row.received_on:
            raise InputError(
                f"answered on {answered_on}, before the request was received ({row.received_on})",
                field="answered_on",
            )
        before = row_state(row)
        row.answered_on, row.answer, row.status = answered_on, answer, "answered"
        session.flush()
        late = answered_on > row.deadline
        trail.record(session, actor=actor, action="request.answer", object_type="info_request",
                     object_id=str(row.id), before=before,
                     after={**row_state(row), "late": late,
                            "days_late": (answered_on - row.deadline).days if late else 0})  # fmt: skip
        return _request(row)


def refuse_request(
    store: Store,
    request_id: int,
    *,
    ground: str,
    refused_on: dt.date,
    actor: str,
    note: str | None = None,
) -> InfoRequest:
    """Refuse an open request on one of :data:`REFUSAL_GROUNDS`; ``note`` explains the case."""
    if ground not in REFUSAL_GROUNDS:
        raise InputError(
            f"ground must be one of {', '.join(REFUSAL_GROUNDS)}, got {ground!r}", field="ground"
        )
    actor = required_text(actor, "actor")
    with store.session() as session:
        row = _open_row(session, request_id)
        if refused_on < row.received_on:
            raise InputError(
                f"refused on {refused_on}, before the request was received ({row.received_on})",
                field="refused_on",
            )
        before = row_state(row)
        text = f"{ground}: {REFUSAL_GROUNDS[ground]}"
        if note and note.strip():
            text += f" ({note.strip()})"
        row.refusal_ground, row.answered_on, row.status = text, refused_on, "refused"
        session.flush()
        trail.record(session, actor=actor, action="request.refuse", object_type="info_request",
                     object_id=str(row.id), before=before,
                     after={**row_state(row), "ground": ground,
                            "late": refused_on > row.deadline})  # fmt: skip
        return _request(row)


def get_request(store: Store, request_id: int) -> InfoRequest:
    """One request by id (NotFoundError)."""
    with store.session() as session:
        row = session.get(InfoRequestRow, request_id)
        if row is None:
            raise NotFoundError(f"no information request {request_id}")
        return _request(row)


def requests_list(store: Store, status: str | None = None) -> list[InfoRequest]:
    """Requests (optionally of one status), oldest first."""
    if status is not None and status not in STATUSES:
        raise InputError(f"status must be one of {', '.join(STATUSES)}", field="status")
    query = sa.select(InfoRequestRow).order_by(InfoRequestRow.received_on, InfoRequestRow.id)
    if status is not None:
        query = query.where(InfoRequestRow.status == status)
    with store.session() as session:
        return [_request(r) for r in session.scalars(query)]


def overdue(store: Store, as_of: dt.date) -> list[InfoRequest]:
    """Open requests whose deadline is before ``as_of``, most overdue first."""
    return sorted(
        (r for r in requests_list(store, "open") if r.overdue(as_of)), key=lambda r: r.deadline
    )


def extension_reasons(store: Store, request_id: int) -> list[str]:
    """The reasons recorded for a request's extensions (from the trail)."""
    with store.session() as session:
        rows = session.scalars(
            sa.select(AuditLogRow)
            .where(
                AuditLogRow.object_type == "info_request",
                AuditLogRow.object_id == str(request_id),
                AuditLogRow.action == "request.extend",
            )
            .order_by(AuditLogRow.seq)
        )
        return [str((row.after or {}).get("reason", "")) for row in rows]


def on_time_stats(store: Store, year: int) -> RequestStats:
    """How the requests received in ``year`` were handled: answered on time / late, refused, open."""
    rows = [r for r in requests_list(store) if r.received_on.year == year]
    answered = [r for r in rows if r.status == "answered"]
    return RequestStats(
        year=year,
        received=len(rows),
        answered=len(answered),
        answered_on_time=sum(1 for r in answered if not r.late),
        answered_late=sum(1 for r in answered if r.late),
        refused=sum(1 for r in rows if r.status == "refused"),
        open=sum(1 for r in rows if r.status == "open"),
        extended=sum(1 for r in rows if r.extended),
    )


__all__ = [
    "REFUSAL_GROUNDS",
    "STATUSES",
    "TRANSPARENCY_ACT",
    "InfoRequest",
    "LawRef",
    "RequestStats",
    "add_months",
    "answer_deadline",
    "answer_request",
    "extend_request",
    "extension_reasons",
    "get_request",
    "latest_deadline",
    "on_time_stats",
    "overdue",
    "receive_request",
    "refuse_request",
    "requests_list",
]
