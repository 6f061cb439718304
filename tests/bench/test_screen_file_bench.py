"""The end-to-end ``screen-file`` benchmark runs on tiny files of both workloads (so it cannot rot)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "screen_file.py"


@pytest.mark.parametrize("workload", ["list-words", "register"])
def test_screen_file_bench_runs_small(workload: str) -> None:
    out = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "200,400", "--workload", workload],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    ).stdout
    assert f"--workload {workload}" in out
    rows = re.findall(r"^\s+([\d,]+)\s+([\d,]+)\s+[\d.]+\s+[\d.]+\s+([\d,]+)", out, re.M)
    assert [r[0] for r in rows] == ["200", "400"]
    assert all(int(r[1].replace(",", "")) > 0 for r in rows)  # listed names among the parties hit
    assert "q/s per core, end to end: best" in out and "memory: peak RSS" in out
