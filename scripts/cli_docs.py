"""Write docs/cli.md from the real ``--help`` of every aktsam command (tests fail when it is out of date).

.venv/bin/python scripts/cli_docs.py          # rewrite docs/cli.md
.venv/bin/python scripts/cli_docs.py --check  # exit 1 if docs/cli.md differs
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer.main
from typer.testing import CliRunner

from aktsam.cli import app

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _commands(group: Any, prefix: list[str]) -> list[list[str]]:
    """Every sub-command path (typer vendors click, so groups are recognised by ``commands``)."""
    out: list[list[str]] = []
    for name in sorted(group.commands):
        command = group.commands[name]
        out.append([*prefix, name])
        if hasattr(command, "commands"):
            out.extend(_commands(command, [*prefix, name]))
    return out


def render() -> str:
    os.environ["COLUMNS"] = "100"
    os.environ["TERM"] = "dumb"
    os.environ["NO_COLOR"] = "1"
    root = typer.main.get_command(app)
    runner = CliRunner()
    parts = [
        "# aktsam command reference",
        "",
        "Generated from each command's `--help` by `scripts/cli_docs.py`; `tests/test_docs.py` fails when",
        "this file is out of date.",
        "",
    ]
    for path in [[], *_commands(root, [])]:
        result = runner.invoke(app, [*path, "--help"], prog_name="aktsam", terminal_width=100)
        title = " ".join(["aktsam", *path])
        text = "\n".join(line.rstrip() for line in result.output.strip().splitlines())
        parts += [f"## `{title}`", "", "```", text, "```", ""]
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(
                f"{DOC} is out of date: run .venv/bin/python scripts/cli_docs.py", file=sys.stderr
            )
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
