"""The monitoring benchmark runs end to end on a tiny register (so it cannot rot)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "monitoring.py"


def test_monitoring_bench_runs_small() -> None:
    out = subprocess.run(
        [sys.executable, str(BENCH), "--parties", "300", "--changes", "20"],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    ).stdout
    assert "first (full) run" in out
    assert "change of 20 entities: delta run" in out
    assert "full re-screen of the same register" in out
    assert "faster than the full re-screen" in out
