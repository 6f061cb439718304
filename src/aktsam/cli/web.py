"""``aktsam serve`` (the web application) and ``aktsam users …`` (accounts and API tokens).

Registered on the main app by :func:`register`; the work is in :mod:`aktsam.web` and
:mod:`aktsam.accounts`.
"""

from __future__ import annotations

import ipaddress
import json
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aktsam import accounts
from aktsam.cli import context
from aktsam.store import trail
from aktsam.store.schema import ROLES
from aktsam.web.firstrun import FIRST_ADMIN, FirstRun, prepare

users_app = typer.Typer(
    help="Accounts of the web application: users, roles, passwords and API tokens.",
    no_args_is_help=True,
)

By = Annotated[
    str,
    typer.Option("--by", help="Who the audit trail records as making the change."),
]
ROLE_HELP = f"One of {', '.join(ROLES)} (each may do what the ones before it may)."


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (``127.0.0.1``, ``::1``, ``localhost``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def first_run_lines(result: FirstRun, host: str, port: int) -> list[str]:
    """What ``serve`` prints before it starts: the first-login hint, what was loaded, notes."""
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    lines: list[str] = []
    if result.lists_imported:
        lines.append(f"imported the bundled list snapshot: {', '.join(result.lists_imported)}")
    if result.demo_loaded:
        lines.append("loaded the demo register (aktsam demo): invented company, sourced facts")
    lines.extend(result.notes)
    if result.admin_password is not None:
        lines.append(f"created the first user {FIRST_ADMIN!r} (role admin).")
        lines.append(
            f"first login: open {url} and log in as {FIRST_ADMIN} / {result.admin_password}"
        )
        lines.append(
            "this password is shown only once; change it with "
            f"`aktsam users password {FIRST_ADMIN}`"
        )
    else:
        lines.append(f"open {url} and log in")
    return lines


def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback unless --allow-remote).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8000,
    no_demo: Annotated[
        bool, typer.Option("--no-demo", help="Do not load the demo register into an empty home.")
    ] = False,
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Listen on a non-loopback address. Put a TLS reverse proxy in front of it.",
        ),
    ] = False,
) -> None:
    """Start the web application (pages and HTTP API) on AKTSAM_HOME.

    On the first start it creates the user admin with a random password (printed once), imports
    the bundled lists and, unless --no-demo, loads the demo register into an empty home."""
    err = context.err_console()
    if not is_loopback(host):
        if not allow_remote:
            err.print(
                f"[bold red]error:[/] refusing to listen on {escape(host)}: logins and data would "
                "cross the network unencrypted. Use --allow-remote behind a TLS reverse proxy."
            )
            raise typer.Exit(2)
        err.print(
            f"[yellow]warning:[/] listening on {escape(host)}. aktsam speaks plain HTTP: put a TLS "
            "reverse proxy in front of it (session cookies are marked Secure only over HTTPS)."
        )
    with context.reported_errors():
        store = context.store()
        if context.is_terminal():
            err.print("preparing the home (the first start takes a little while)…")
        result = prepare(store, demo=not no_demo)
    for line in first_run_lines(result, host, port):
        context.console().print(escape(line), highlight=False, soft_wrap=True)
    if context.settings().monitor_schedule:
        context.console().print(
            escape(
                f"monitoring: list updates and a monitoring run on schedule "
                f"{context.settings().monitor_schedule} (AKTSAM_MONITOR_SCHEDULE, times in UTC)"
            ),
            highlight=False,
            soft_wrap=True,
        )
    _run_server(host, port)


def _run_server(host: str, port: int) -> None:  # pragma: no cover - replaced in tests
    import uvicorn

    from aktsam.web.app import create_app

    app = create_app(context.settings(), store=context.store())
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info")


# --- users ------------------------------------------------------------------------------------


def _read_password(generate: bool, stdin: bool) -> tuple[str, bool]:
    """``(password, generated)``: random, from standard input, or prompted twice without echo."""
    if generate:
        return accounts.generate_password(), True
    if stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password, False


Generate = Annotated[
    bool, typer.Option("--generate", help="Make up a random password and print it once.")
]
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
]


@users_app.command("add")
def add_command(
    username: Annotated[
        str, typer.Argument(help="Login name (lowercase letters, digits, . _ @ -).")
    ],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)] = "viewer",
    display_name: Annotated[
        str | None, typer.Option("--name", help="Full name shown in the application.")
    ] = None,
    generate: Generate = False,
    password_stdin: PasswordStdin = False,
    by: By = "",
) -> None:
    """Add a user; the password (12+ characters) is prompted for, or use --generate."""
    with context.reported_errors():
        accounts.check_role(role)
        accounts.normalise_username(username)
        password, generated = _read_password(generate, password_stdin)
        user = accounts.add_user(
            context.store(),
            username,
            role=role,
            password=password,
            display_name=display_name,
            actor=by or trail.default_actor(),
        )
    out = context.console()
    out.print(escape(f"added {user.username} ({user.role})"), highlight=False)
    if generated:
        out.print(escape(f"password: {password}  (shown once)"), highlight=False)


@users_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Every user with role, status and last login."""
    with context.reported_errors():
        users = accounts.list_users(context.store())
    if as_json:
        typer.echo(json.dumps([u.to_dict() for u in users], ensure_ascii=False, indent=2))
        return
    table = Table("username", "name", "role", "active", "last login")
    for user in users:
        table.add_row(
            escape(user.username),
            escape(user.display_name),
            user.role,
            "yes" if user.active else "no",
            user.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if user.last_login_at else "never",
        )
    context.console().print(table)


@users_app.command("role")
def role_command(
    username: Annotated[str, typer.Argument(help="The user.")],
    role: Annotated[str, typer.Argument(help=ROLE_HELP)],
    by: By = "",
) -> None:
    """Change a user's role."""
    with context.reported_errors():
        user = accounts.set_role(context.store(), username, role, actor=by or trail.default_actor())
    context.console().print(escape(f"{user.username} is now {user.role}"), highlight=False)


@users_app.command("password")
def password_command(
    username: Annotated[str, typer.Argument(help="The user.")],
    generate: Generate = False,
    password_stdin: PasswordStdin = False,
    by: By = "",
) -> None:
    """Set a new password (the user's browser sessions end)."""
    with context.reported_errors():
        accounts.get_user(context.store(), username)
        password, generated = _read_password(generate, password_stdin)
        user = accounts.set_password(
            context.store(), username, password, actor=by or trail.default_actor()
        )
    out = context.console()
    out.print(escape(f"password of {user.username} changed"), highlight=False)
    if generated:
        out.print(escape(f"password: {password}  (shown once)"), highlight=False)


@users_app.command("deactivate")
def deactivate_command(
    username: Annotated[str, typer.Argument(help="The user.")],
    by: By = "",
) -> None:
    """Switch an account off: no login, sessions end, API tokens stop working."""
    with context.reported_errors():
        user = accounts.deactivate(context.store(), username, actor=by or trail.default_actor())
    context.console().print(escape(f"{user.username} is deactivated"), highlight=False)


@users_app.command("token")
def token_command(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for (e.g. erp).")],
    by: By = "",
) -> None:
    """Create an API token (Authorization: Bearer …), printed once and never again."""
    with context.reported_errors():
        token, record = accounts.create_token(
            context.store(), username, name=name, actor=by or trail.default_actor()
        )
    out = context.console()
    out.print(
        escape(f"token {record.id} ({record.name}) for {record.username}; shown once:"),
        highlight=False,
    )
    typer.echo(token)


@users_app.command("tokens")
def tokens_command(
    username: Annotated[str | None, typer.Argument(help="Only this user's tokens.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """API tokens (their first characters only) and whether they are revoked."""
    with context.reported_errors():
        tokens = accounts.list_tokens(context.store(), username)
    if as_json:
        typer.echo(json.dumps([t.to_dict() for t in tokens], ensure_ascii=False, indent=2))
        return
    table = Table("id", "user", "name", "starts with", "created", "last used", "revoked")
    for t in tokens:
        table.add_row(
            str(t.id),
            escape(t.username),
            escape(t.name),
            escape(t.prefix) + "…",
            t.created_at.strftime("%Y-%m-%d"),
            t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "never",
            t.revoked_at.strftime("%Y-%m-%d %H:%M") if t.revoked_at else "",
        )
    context.console().print(table)


@users_app.command("revoke")
def revoke_command(
    token_id: Annotated[int, typer.Argument(help="The token's id (see `aktsam users tokens`).")],
    by: By = "",
) -> None:
    """Revoke an API token for good."""
    with context.reported_errors():
        record = accounts.revoke_token(context.store(), token_id, actor=by or trail.default_actor())
    context.console().print(
        escape(f"token {record.id} ({record.name}) of {record.username} revoked"), highlight=False
    )


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``users`` to ``app`` (the ``aktsam`` command)."""
    app.command("serve")(serve_command)
    app.add_typer(users_app, name="users")


__all__ = ["first_run_lines", "is_loopback", "register", "serve_command", "users_app"]
