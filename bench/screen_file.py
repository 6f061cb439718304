"""End-to-end `screen-file` benchmark: parse, match, write and record a file of N parties.

Usage (from the repository root, in the venv)::

    python bench/screen_file.py [--sizes 10000,100000,1000000] [--seed S] [--workload W] [--save]

What it does:

1. writes, for each size, a CSV of parties (``id,name,schema``). ``--workload list-words`` (the
   default): 30 % are names of the bundled list snapshot (``aktsam.lists.bundled``; they hit), 70 % are
   two to four words drawn from those names (most do not), with a random schema. ``--workload
   register``: the register of ``bench/monitoring.py``, 2 % listed names and Faker person and company
   names over 27 weighted locales, a fifth of them in non-Latin scripts. The same seed gives the same
   files;
2. makes a fresh aktsam home (SQLite, the bundled snapshot) and builds its matching index once, not
   timed;
3. runs ``aktsam screen-file FILE --output OUT.csv`` in a child process per size, as a user does
   (interpreter start, imports, index load, both passes over the file, matching, review, the output
   file, the run recorded in the store), and reads the child's wall time, CPU time (user + system)
   and peak RSS (``os.wait4``);
4. prints, per size: rows, hit rows, wall and CPU seconds, queries per second per core (rows / CPU
   seconds) and peak RSS, against issue #11's targets: at least 10,000 queries/s per core end to end,
   and memory flat in the input size (peak RSS of the largest size at most 1.25 x that of the
   smallest).

Timings are those of whatever machine runs it; other load makes them noisy (the CPU figure less so).
``--save`` writes the report to ``bench/results/screen-file-<date>.txt``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_QPS = 10_000.0
FLAT_RATIO = 1.25


def list_names() -> list[tuple[str, str]]:
    """(name, schema) of every entity of the bundled snapshot, in a fixed order."""
    from aktsam.lists.bundled import bundled_manifest, read_bundled

    out: list[tuple[str, str]] = []
    for source in sorted(bundled_manifest()):
        for entity in read_bundled(source).entities:
            schema = entity.schema.value
            out.append((entity.caption, "" if schema == "unknown" else schema))
    return out


WORKLOADS = ("list-words", "register")


def write_parties(
    path: Path, size: int, names: list[tuple[str, str]], seed: int, workload: str = "list-words"
) -> None:
    """``size`` parties. ``list-words``: 30 % listed names, 70 % two to four words drawn from them
    (every word is a listed word: many candidates per query). ``register``: the monitoring benchmark's
    register (``bench/monitoring.py``): 2 % listed names, the rest Faker person and company names over
    27 weighted locales, a fifth in non-Latin scripts."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "schema"])
        if workload == "register":
            from monitoring import REAL_SHARE, _Names  # bench/monitoring.py, beside this script

            generate = _Names(seed)
            for number in range(size):
                if rng.random() < REAL_SHARE:
                    name, schema = rng.choice(names)
                else:
                    name, schema = generate(rng)
                writer.writerow([f"C-{number}", name, schema])
            return
        words = [word for name, _ in names for word in name.split()]
        schemas = ["person", "organization", ""]
        for number in range(size):
            if rng.random() < 0.3:
                name, schema = rng.choice(names)
            else:
                name = " ".join(rng.choice(words) for _ in range(rng.randint(2, 4)))
                schema = rng.choice(schemas)
            writer.writerow([f"C-{number}", name, schema])


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MB, stderr) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    assert child.stderr is not None
    err = child.stderr.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, err


def count_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for row in csv.reader(handle) if row and row[0] != "WARNING") - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workload",
        choices=WORKLOADS,
        default="list-words",
        help="list-words (default): parties built from listed names and their words; register: the "
        "monitoring benchmark's multi-script register of Faker names, 2 %% listed",
    )
    parser.add_argument("--save", action="store_true")
    ns = parser.parse_args(argv)
    sizes = [int(s) for s in ns.sizes.split(",") if s]
    aktsam = str(Path(sys.executable).with_name("aktsam"))
    lines = [
        f"aktsam screen-file benchmark, {dt.date.today()}",
        f"command: python bench/screen_file.py --sizes {ns.sizes} --seed {ns.seed} "
        f"--workload {ns.workload}",
        f"machine: {platform.platform()}, python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.2f}",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="aktsam-bench-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "AKTSAM_HOME": str(work / "home")}
        # a fresh home with the bundled snapshot and its index, built before anything is timed
        run_child([aktsam, "screen", "warm up", "--json"], env)
        names = list_names()
        table = [
            "    rows   hit rows   wall s    CPU s   q/s per core (CPU)   q/s (wall)   peak RSS",
        ]
        peaks: list[float] = []
        rates: list[float] = []
        for size in sizes:
            source = work / f"parties-{size}.csv"
            write_parties(source, size, names, ns.seed, ns.workload)
            out = work / f"hits-{size}.csv"
            wall, cpu, peak, _ = run_child(
                [aktsam, "screen-file", str(source), "--output", str(out)], env
            )
            hits = count_rows(out)
            rate = size / cpu
            peaks.append(peak)
            rates.append(rate)
            table.append(
                f"{size:>8,} {hits:>10,} {wall:>8.1f} {cpu:>8.1f} {rate:>20,.0f} "
                f"{size / wall:>12,.0f} {peak:>8,.0f} MB"
            )
            print(table[-1], file=sys.stderr)
    lines += table
    lines.append("")
    best = max(rates)
    lines.append(
        f"q/s per core, end to end: best {best:,.0f}   target >= {TARGET_QPS:,.0f}: "
        + ("PASS" if best >= TARGET_QPS else "FAIL")
    )
    if len(peaks) > 1:
        ratio = peaks[-1] / peaks[0]
        lines.append(
            f"memory: peak RSS {peaks[0]:,.0f} MB at {sizes[0]:,} rows, {peaks[-1]:,.0f} MB at "
            f"{sizes[-1]:,} rows = {ratio:.2f}x   target flat (<= {FLAT_RATIO}x): "
            + ("PASS" if ratio <= FLAT_RATIO else "FAIL")
        )
    report = "\n".join(lines)
    print(report)
    if ns.save:
        suffix = "" if ns.workload == "list-words" else f"-{ns.workload}"
        path = ROOT / "bench" / "results" / f"screen-file{suffix}-{dt.date.today()}.txt"
        path.write_text(report + "\n", encoding="utf-8")
        print(f"saved to {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
