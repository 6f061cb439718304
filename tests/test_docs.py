"""Docs that cannot drift: the CLI reference is regenerated from --help, and every setting is documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cli_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_setting_is_in_the_readme() -> None:
    source = (ROOT / "src" / "aktsam" / "settings.py").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    settings = set(re.findall(r'"(AKTSAM_[A-Z_]+)"', source))
    assert settings, "no settings found: has settings.py changed shape?"
    missing = sorted(s for s in settings if f"`{s}`" not in readme)
    assert not missing, f"settings missing from README.md: {missing}"


def test_readme_set_up_is_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Set up: two commands", 1)[1].split("```", 2)[1]
    commands = [
        line.split("#")[0].strip().lstrip("$ ") for line in block.splitlines() if line.strip()
    ]
    commands = [c for c in commands if c and c != "console"]
    assert commands == ["scripts/run", "scripts/test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "exec scripts/test" in ci
