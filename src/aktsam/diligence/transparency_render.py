"""Printing the Transparency Act account: HTML through a Jinja2 template, PDF through WeasyPrint, JSON.

Importable from :mod:`aktsam.diligence.transparency` as before. Every renderer prints only the published
account: ``account.internal`` is never given to a template nor serialised (:func:`to_dict`), and the
profile appears only through :data:`PUBLIC_PROFILE_FIELDS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from aktsam.devices.svg import bar_chart
from aktsam.diligence.publication import OPTIONAL_FIELDS
from aktsam.diligence.transparency_model import (
    PUBLIC_PROFILE_FIELDS,
    TransparencyAccount,
    TransparencyError,
)

TEMPLATE_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    """A pluggable account layout: its Jinja2 file, title and language."""

    id: str
    file: str
    title: str
    language: str
    description: str


TEMPLATES: dict[str, TemplateSpec] = {
    "transparency-no": TemplateSpec(
        "transparency-no",
        "transparency_no.html.j2",
        "Redegjørelse for aktsomhetsvurderinger etter åpenhetsloven § 5",
        "nb",
        "The Norwegian account under åpenhetsloven § 5 a–c, with the board's signature block.",
    ),
    "lksg-style": TemplateSpec(
        "lksg-style",
        "lksg_style.html.j2",
        "Due diligence documentation (LkSG-style outline)",
        "en",
        "A shorter outline in the order of the German Supply Chain Act's documentation duty "
        "(risk management, risk analysis, preventive and remedial measures, complaints).",
    ),
}
"""Account templates by id (``aktsam report transparency --template``)."""
DEFAULT_TEMPLATE = "transparency-no"

LEVEL_NB = {"low": "lav", "medium": "middels", "high": "høy", "critical": "kritisk"}
DECISION_NB = {
    "continue": "fortsette",
    "engage": "påvirke (dialog)",
    "conditional": "fortsette på vilkår",
    "stop-new-purchases": "stans i nye innkjøp",
    "stop-new-sales": "stans i nytt salg",
    "wind-down": "avvikling (service ut garantitiden)",
    "exit": "avslutte forholdet",
}
FIGURE_NB = {
    "parties": "parter i registeret",
    "suppliers": "leverandører",
    "customers": "kunder",
    "assessed_parties": "risikovurderte parter",
    "high_risk_parties": "parter med høy eller kritisk risiko",
    "critical_risk_parties": "parter med kritisk risiko",
    "adverse_evidence": "nye negative funn (dokumentasjon)",
    "impacts_actual": "faktiske negative konsekvenser",
    "impacts_significant_risk": "vesentlige risikoer for negative konsekvenser",
    "impacts_other_risk": "andre risikoer for negative konsekvenser",
    "evidence_cited": "kilder sitert i redegjørelsen",
    "decisions": "beslutninger",
    "actions_done": "tiltak gjennomført",
    "actions_open": "tiltak åpne ved årsslutt",
    "actions_overdue": "tiltak på overtid ved årsslutt",
    "questionnaires_sent": "spørreskjema sendt",
    "questionnaires_answered": "spørreskjema besvart",
    "questionnaires_answered_on_time": "spørreskjema besvart innen frist",
    "questionnaires_answered_late": "spørreskjema besvart etter frist",
    "questionnaires_open": "spørreskjema ubesvart ved årsslutt",
    "questionnaires_overdue": "spørreskjema på overtid ved årsslutt",
    "requests_received": "informasjonskrav mottatt",
    "requests_answered": "informasjonskrav besvart",
    "requests_answered_on_time": "besvart innen fristen",
    "requests_answered_late": "besvart etter fristen",
    "requests_answered_within_three_weeks": "besvart innen tre uker",
    "requests_refused": "avslått",
    "requests_open": "ubesvart ved årsslutt",
}


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["level_nb"] = lambda v: LEVEL_NB.get(v, v) if v else "ikke vurdert"
    env.filters["decision_nb"] = lambda v: DECISION_NB.get(v, v)
    env.filters["figure_nb"] = lambda v: FIGURE_NB.get(v, v)
    env.filters["iso"] = lambda v: v.isoformat() if v is not None else ""
    env.filters["signed"] = lambda v: f"{v:+d}" if v else "0"
    return env


def link(url: str | None) -> str | None:
    """``url`` if it is a web address (shown as a link), else None (shown as text)."""
    return url if url and url.startswith(("https://", "http://")) else None


def risk_chart(account: TransparencyAccount) -> Markup:
    """Bar chart of the § 5 b items: actual impacts, significant risks and other risks."""
    items = [
        (label, float(n))
        for label, n in (
            ("faktiske konsekvenser", len(account.actual_impacts)),
            ("vesentlige risikoer", len(account.significant_risks)),
            ("andre risikoer", len(account.other_risks)),
        )
        if n
    ]
    return Markup(
        bar_chart(
            f"Negative konsekvenser og risikoer {account.year}",
            items,
            description="Antall forhold omtalt i § 5 b, etter type.",
            chart_id="chart-risk-levels",
        )
    )


def context(account: TransparencyAccount) -> dict[str, Any]:
    """What every template gets: the account, the statute, and helpers (never ``account.internal``)."""
    evidence = {s.id: s for s in account.sources}
    policy = account.profile.publication
    return {
        "a": account,
        "p": account.profile,
        "f": account.figures,
        "c": account.changes,
        "statute": account.statute,
        "evidence": evidence,
        "link": link,
        "risk_chart": risk_chart(account),
        "shows": {name: policy.shows(name) for name in OPTIONAL_FIELDS},
    }


def template_spec(template: str) -> TemplateSpec:
    try:
        return TEMPLATES[template]
    except KeyError:
        raise TransparencyError(
            f"unknown template {template!r}; choose one of {', '.join(sorted(TEMPLATES))}"
        ) from None


def render_html(account: TransparencyAccount, template: str = DEFAULT_TEMPLATE) -> str:
    """The account as one self-contained HTML document through template ``template``."""
    spec = template_spec(template)
    return _environment().get_template(spec.file).render(spec=spec, **context(account))


def render_pdf(
    account: TransparencyAccount,
    path: Path,
    template: str = DEFAULT_TEMPLATE,
    *,
    uncompressed_pdf: bool = False,
) -> None:
    """The HTML account printed to PDF at ``path`` by WeasyPrint (A4 portrait, numbered pages)."""
    html = render_html(account, template)
    try:
        import weasyprint
    except OSError as exc:  # cffi could not dlopen libpango/libharfbuzz/...
        raise TransparencyError(
            "PDF output needs the system libraries Pango, HarfBuzz and fontconfig and a font, which "
            f"could not be loaded ({exc}); write an .html account and print it from a browser"
        ) from None
    weasyprint.HTML(string=html, base_url=None).write_pdf(
        str(path), uncompressed_pdf=uncompressed_pdf
    )


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    return value


def to_dict(account: TransparencyAccount) -> dict[str, Any]:
    """The account as JSON-ready values (dates as ISO text): the ``.json`` output. Like the HTML, it
    holds only what is published: the profile's public fields, not its publication choices or any other
    key, and not :attr:`TransparencyAccount.internal`."""
    data: dict[str, Any] = _plain(account)
    data.pop("internal", None)
    data["profile"] = {k: _plain(getattr(account.profile, k)) for k in PUBLIC_PROFILE_FIELDS}
    data["figures"]["flat"] = account.figures.flat()
    return data


def internal_notes(account: TransparencyAccount) -> list[str]:
    """What the organisation should review before publishing (never part of the account itself)."""
    notes = [f"not described in § 5 b: {text}" for text in account.internal.unclassified]
    if account.internal.withheld:
        notes.append(
            "not cited (internal evidence; name it in the profile's publication.evidence to cite "
            "it): " + ", ".join(account.internal.withheld)
        )
    for item in account.internal.compliance:
        where = "published outside § 5 b" if item in account.compliance else "not published"
        notes.append(
            f"{item.party_name}: compliance findings only ({', '.join(item.grounds) or 'none named'})"
            f", no identified impact on people; {where}"
        )
    return notes
