"""``aktsam questionnaires …``: send a due-diligence questionnaire to a party, record its answers from a
file, show how they are judged (answered, missing, evasive, adverse, overdue), list them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.diligence import questionnaires as qn
from aktsam.store.trail import default_actor

questionnaires_app = typer.Typer(
    help="Due-diligence questionnaires: send one to a party, record answers, see what is missing or evasive.",
    no_args_is_help=True,
)

ByOpt = Annotated[str | None, typer.Option("--by", help="Who acts (default: your login name).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@questionnaires_app.command("send")
def send_command(
    party: Annotated[str, typer.Argument(help="The party id in the register.")],
    due: Annotated[str, typer.Option("--due", help="Answer due by (YYYY-MM-DD).")],
    template: Annotated[
        str,
        typer.Option("--template", help="A bundled template id or a template file (.yml)."),
    ] = "oecd-supplier-v1",
    sent: Annotated[str | None, typer.Option("--sent", help="Date sent (default: today).")] = None,
    by: ByOpt = None,
) -> None:
    """Record that a questionnaire was sent to a party, with its due date."""
    with context.reported_errors():
        due_on = context.parse_day(due, "--due")
        assert due_on is not None
        made = qn.send_questionnaire(
            context.store(),
            party,
            template=template,
            sent_on=context.parse_day(sent, "--sent") or dt.date.today(),
            due_on=due_on,
            actor=by or default_actor(),
        )
    context.console().print(
        f"questionnaire {made.id} ({escape(made.template)}) sent to {escape(made.party_id)} on "
        f"{made.sent_on}, due {made.due_on}",
        highlight=False,
    )


@questionnaires_app.command("answer")
def answer_command(
    questionnaire: Annotated[int, typer.Argument(help="The questionnaire id.")],
    file: Annotated[
        Path,
        typer.Option(
            "--file",
            help="Answers: YAML / JSON (question id: answer, or {answer, evidence}) or CSV "
            "(question,answer[,evidence]).",
        ),
    ],
    answered: Annotated[
        str | None, typer.Option("--answered-on", help="Date answered (default: today).")
    ] = None,
    by: ByOpt = None,
) -> None:
    """Record a party's answers; unknown question ids are refused and nothing is stored."""
    with context.reported_errors():
        answers = qn.read_answers_file(file)
        made = qn.record_answers(
            context.store(),
            questionnaire,
            answers,
            answered_on=context.parse_day(answered, "--answered-on") or dt.date.today(),
            actor=by or default_actor(),
        )
        finding = qn.evaluate(made, made.answered_on or dt.date.today())
    context.console().print(escape(finding.summary()), highlight=False)


@questionnaires_app.command("show")
def show_command(
    questionnaire: Annotated[int, typer.Argument(help="The questionnaire id.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge as of this date (default: today).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every question with its answer and how it is judged, and whether the questionnaire is overdue."""
    with context.reported_errors():
        found = qn.get_questionnaire(context.store(), questionnaire)
        template = qn.get_template(found.template)
        finding = qn.evaluate(
            found, context.parse_day(as_of, "--as-of") or dt.date.today(), template
        )
    if as_json:
        typer.echo(
            json.dumps(
                {**found.to_dict(), "finding": finding.to_dict()}, ensure_ascii=False, indent=2
            )
        )
        return
    out = context.console()
    out.print(escape(finding.summary()), highlight=False)
    table = Table()
    for column in ("question", "reference", "answer", "judged", "why"):
        table.add_column(column, overflow="fold")
    for check in finding.checks:
        question = template.question(check.question_id)
        item = found.answers.get(check.question_id) or {}
        answer = item.get("answer") if isinstance(item, dict) else item
        table.add_row(
            escape(f"{question.id}\n{question.text}"),
            escape(question.reference),
            escape(str(answer or "")),
            check.status,
            escape(check.reason),
        )
    out.print(table)


@questionnaires_app.command("list")
def list_command(
    party: Annotated[str | None, typer.Option("--party", help="Only this party.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge as of this date (default: today).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every questionnaire: party, template, sent, due, answered, and what is missing or evasive."""
    with context.reported_errors():
        day = context.parse_day(as_of, "--as-of") or dt.date.today()
        found = qn.questionnaires_for(context.store(), party)
        findings = [qn.evaluate(q, day) for q in found]
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {**q.to_dict(), "finding": f.to_dict()}
                    for q, f in zip(found, findings, strict=True)
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    table = Table()
    for column in ("id", "party", "template", "sent", "due", "answered", "state"):
        table.add_column(column, overflow="fold")
    for q, f in zip(found, findings, strict=True):
        if f.outstanding:
            state = f"OVERDUE {f.days_overdue} days" if f.overdue else "waiting"
        else:
            state = f"{len(f.missing)} missing, {len(f.evasive)} evasive, {len(f.adverse)} adverse"
        table.add_row(str(q.id), escape(q.party_id), escape(q.template), str(q.sent_on),
                      str(q.due_on), str(q.answered_on or ""), state)  # fmt: skip
    context.console().print(table)


def register(app: typer.Typer) -> None:
    """Add this command family to ``app`` (the ``aktsam`` command)."""
    app.add_typer(questionnaires_app, name="questionnaires")
