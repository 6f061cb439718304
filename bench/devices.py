"""Equipment-audit benchmark: import, identify, audit, plan and report a generated 100,000-device inventory.

Usage (from the repository root, in the venv)::

    python bench/devices.py [--devices N] [--sites N] [--output csv|xlsx|json|html] [--seed S]
                            [--stages] [--save]

What it does:

1. writes a generated asset register (CSV) of ``--devices`` rows over ``--sites`` sites. Each row is a
   copy of one of the good rows of ``examples/devices/inventory.csv`` (so the mix of makers, relabels,
   model numbers, unknown brands and missing fields is the example's), with a fresh asset id, site,
   MAC (same OUI, random device part), serial, IP address and dates. One row in 500 is bad on purpose
   (an unparseable MAC, an empty row, an extra cell, a duplicated serial), as real registers are;
2. runs ``aktsam devices audit`` on it in a fresh child process through the very function the command
   calls (``devices.service.run_audit``: import, audit under ``uk-sensitive-sites-2022`` +
   ``example-org-policy``, plan, write the report) and reads the child's peak RSS; ``--stages`` times
   the four stages separately instead;
3. checks that the counts balance (rows in = devices audited + rows skipped) and prints the figures
   against the targets of issue #3: under 10 s and under 500 MB for 100,000 devices.

Timings are wall-clock on whatever machine runs it; run it on an idle machine. ``--save`` writes the
printed report to ``bench/results/devices-<date>.txt``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "devices" / "inventory.csv"
TARGET_SECONDS = 10.0
TARGET_MB = 500.0
REGIMES = ["uk-sensitive-sites-2022", "example-org-policy"]
HEADER = [
    "Asset ID", "Site", "Location", "Manufacturer", "Model", "Serial No.", "MAC address", "IP address",
    "Device type", "Install date", "Warranty end",
]  # fmt: skip


def templates() -> list[dict[str, str]]:
    """The example register's good rows (an asset id and a model or brand, the right cell count)."""
    with EXAMPLE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    out = []
    for row in rows[1:]:
        if len(row) != len(HEADER) or not row[0] or not (row[3] or row[4]):
            continue
        if row[6] and len(row[6].replace(":", "")) != 12:
            continue
        out.append(dict(zip(HEADER, row, strict=True)))
    return out


def generate(path: Path, devices: int, sites: int, seed: int) -> tuple[Path, int]:
    """Write the inventory and its sites file; return (sites file, bad rows written)."""
    rng = random.Random(seed)
    rows = templates()
    site_ids = [f"S{i:04d}" for i in range(sites)]
    sites_path = path.with_name("sites.csv")
    with sites_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["site_id", "name", "sensitivity", "core_network"])
        for i, site in enumerate(site_ids):
            sensitive = rng.random() < 0.2
            writer.writerow([site, f"Site {i}", "sensitive" if sensitive else "standard",
                             "yes" if rng.random() < 0.5 else "no"])  # fmt: skip
    bad = 0
    serials: list[str] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(devices):
            if n % 500 == 499:
                bad += 1
                kind = (n // 500) % 4
                if kind == 0:
                    writer.writerow([f"A{n:07d}", rng.choice(site_ids), "", "Axis", "P3265-LVE", "",
                                     "ZZ:ZZ:ZZ:00:00:00", "", "camera", "", ""])  # fmt: skip
                elif kind == 1:  # a site and a location, nothing that describes a device
                    writer.writerow(["", rng.choice(site_ids), "Loft", *[""] * 8])
                elif kind == 2:
                    writer.writerow([f"A{n:07d}", rng.choice(site_ids), *[""] * 9, "extra cell"])
                else:
                    row = dict(rng.choice(rows))
                    row["Asset ID"], row["Serial No."] = f"A{n:07d}", rng.choice(serials or ["X1"])
                    writer.writerow(row.values())
                continue
            row = dict(rng.choice(rows))
            row["Asset ID"] = f"A{n:07d}"
            row["Site"] = rng.choice(site_ids)
            if row["MAC address"]:
                oui = row["MAC address"][:8]
                tail = rng.getrandbits(24)
                row["MAC address"] = (
                    f"{oui}:{tail >> 16:02X}:{(tail >> 8) & 255:02X}:{tail & 255:02X}"
                )
            if row["Serial No."]:
                row["Serial No."] = f"{row['Serial No.'][:-7]}{n:07d}"
                serials.append(row["Serial No."])
            row["IP address"] = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
            if row["Install date"]:
                installed = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(3300))
                row["Install date"] = installed.isoformat()
                if row["Warranty end"]:
                    row["Warranty end"] = (installed + dt.timedelta(days=365 * 5)).isoformat()
            writer.writerow(row.values())
    return sites_path, bad


def child(inventory: str, sites: str, output: str) -> None:
    """Run in a fresh process: ``aktsam devices audit`` as the command runs it (``run_audit``), with
    each stage timed separately by running the stages the same way (GC paused, as ``run_audit`` does)."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    from aktsam.bulk import paused_gc
    from aktsam.devices.audit import audit, summary, write_report
    from aktsam.devices.importers import import_file
    from aktsam.devices.plan import load_prices, plan
    from aktsam.devices.service import choose_regimes, run_audit
    from aktsam.devices.sites import read_sites

    timings["python imports"] = time.perf_counter() - start
    today = dt.date(2026, 11, 25)
    regimes = choose_regimes(REGIMES)
    if os.environ.get("AKTSAM_BENCH_STAGES"):
        with paused_gc():
            mark = time.perf_counter()
            imported = import_file(Path(inventory))
            site_table = read_sites(Path(sites))
            timings["import register + sites"] = time.perf_counter() - mark
            mark = time.perf_counter()
            result = audit(imported.records, site_table, regimes, today=today,
                           issues=imported.issues)  # fmt: skip
            timings["identify + audit"] = time.perf_counter() - mark
            mark = time.perf_counter()
            the_plan = plan(result, load_prices(), today=today)
            timings["plan"] = time.perf_counter() - mark
            mark = time.perf_counter()
            write_report(result, Path(output), the_plan)
            timings["write report"] = time.perf_counter() - mark
    else:
        mark = time.perf_counter()
        run = run_audit([Path(inventory)], regimes, today=today, sites_file=Path(sites),
                        output=Path(output))  # fmt: skip
        timings["run_audit (import, audit, plan, report)"] = time.perf_counter() - mark
        assert run.plan is not None
        result, the_plan = run.result, run.plan
    timings["total"] = time.perf_counter() - start
    figures = summary(result)
    skipped = sum(1 for i in result.issues if i.severity == "error")
    warnings = sum(1 for i in result.issues if i.severity == "warning")
    print(json.dumps({
        "timings": timings,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rows_read": result.devices_in + skipped,
        "records": result.devices_in,
        "skipped": skipped,
        "warnings": warnings,
        "balanced": result.balanced(),
        "devices_out": figures["devices_out"],
        "by_finding": figures["by_finding"],
        "plan_lines": len(the_plan.lines),
        "output_bytes": Path(output).stat().st_size,
    }))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=400)
    parser.add_argument("--output", choices=["csv", "xlsx", "json", "html"], default="csv")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", action="store_true")
    parser.add_argument(
        "--stages", action="store_true",
        help="time import, audit, plan and report separately (same calls, GC paused likewise)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aktsam-bench-devices-") as tmp:
        inventory = Path(tmp) / "inventory.csv"
        mark = time.perf_counter()
        sites, bad = generate(inventory, args.devices, args.sites, args.seed)
        generated = time.perf_counter() - mark
        output = Path(tmp) / f"audit.{args.output}"
        env = {**os.environ, "AKTSAM_BENCH_STAGES": "1" if args.stages else ""}
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(inventory), str(sites), str(output)],
            capture_output=True, text=True, check=False, env=env,
        )  # fmt: skip
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        figures = json.loads(proc.stdout.strip().splitlines()[-1])
        size_mb = inventory.stat().st_size / 1e6
    total, rss = figures["timings"]["total"], figures["peak_rss_mb"]
    lines = [
        f"$ python bench/devices.py --devices {args.devices} --sites {args.sites} "
        f"--output {args.output} --seed {args.seed}",
        f"run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({platform.machine()}, Python {platform.python_version()}); generating the inventory "
        f"took {generated:.1f} s (not counted)",
        f"inventory: {args.devices:,} rows ({size_mb:.1f} MB CSV, {bad} bad on purpose) over "
        f"{args.sites} sites; regimes {', '.join(REGIMES)}; report .{args.output} "
        f"({figures['output_bytes'] / 1e6:.1f} MB)",
        f"rows read {figures['rows_read']:,} = {figures['records']:,} audited + "
        f"{figures['skipped']} skipped ({figures['warnings']} imported with a warning): "
        f"{'balanced' if figures['balanced'] else 'NOT BALANCED'}",
        "findings: "
        + ", ".join(f"{k} {v:,}" for k, v in figures["by_finding"].items())
        + f"; plan lines {figures['plan_lines']:,}",
        "",
        "stage                         seconds",
    ]
    lines += [f"{stage:<28}{secs:>9.2f}" for stage, secs in figures["timings"].items()]
    lines += [
        "",
        f"total {total:.2f} s (target < {TARGET_SECONDS:.0f} s: ratio {total / TARGET_SECONDS:.2f}, "
        f"{'met' if total < TARGET_SECONDS else 'NOT met'})",
        f"peak RSS {rss:.0f} MB (target < {TARGET_MB:.0f} MB: ratio {rss / TARGET_MB:.2f}, "
        f"{'met' if rss < TARGET_MB else 'NOT met'})",
    ]
    report = "\n".join(lines)
    print(report)
    if args.save:
        out = ROOT / "bench" / "results" / f"devices-{dt.date.today().isoformat()}.txt"
        out.write_text(report + "\n", encoding="utf-8")
        print(f"saved to {out.relative_to(ROOT)}")
    return 0 if figures["balanced"] else 1


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
    else:
        sys.exit(main())
