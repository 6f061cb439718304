"""Monitoring benchmark: a large register, a list update, and the delta run next to a full re-screen.

Builds a register of ``--parties`` parties in a temporary AKTSAM_HOME (real listed names, about 2 %,
mixed with generated person and company names: Faker's providers over 27 weighted locales, seeded), runs
the first (full) monitoring run, then for each change size publishes a new snapshot of the UN and OFAC
SDN lists in which that many entities changed (a third gain an alias, a third are removed, a third are
added back from earlier removals or the other list's entries), and times the delta run. A full
re-screen of the same register is measured in the same bench run. Every phase runs in its own process
so its peak RSS (``VmHWM``) is its own.

    python bench/monitoring.py                     # 1,000,000 parties, changes of 1,000 and 100 entities
    python bench/monitoring.py --parties 2000 --changes 100,10   # quick look (tests run this)

The index rebuild after a list update (``Screener.index``, paid by any screening after an update,
monitoring or not) is timed separately from the delta run.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: Faker locales and weights: a register of a European institution with customers and suppliers worldwide
#: (mostly Latin script, a fifth Cyrillic, Arabic, Persian, Hebrew, Greek, Chinese, Japanese, Korean, Hindi, Thai)
_LOCALES: dict[str, int | float] = {
    "en_US": 14,
    "en_GB": 8,
    "de_DE": 7,
    "fr_FR": 6,
    "es_ES": 5,
    "it_IT": 5,
    "nl_NL": 4,
    "pl_PL": 4,
    "sv_SE": 3,
    "fi_FI": 2,
    "cs_CZ": 2,
    "hu_HU": 2,
    "pt_BR": 4,
    "tr_TR": 3,
    "id_ID": 2,
    "vi_VN": 2,
    "ru_RU": 5,
    "uk_UA": 2,
    "el_GR": 1,
    "ar_AA": 3,
    "fa_IR": 2,
    "he_IL": 1,
    "hi_IN": 2,
    "zh_CN": 4,
    "ja_JP": 2,
    "ko_KR": 1,
    "th_TH": 1,
}
_WORDS = [
    "Trading",
    "Holdings",
    "Logistics",
    "Systems",
    "Industries",
    "Partners",
    "Solutions",
    "Group",
    "Services",
]
#: share of the register that is a real listed name (UN, OFAC SDN, UK): the true hits
REAL_SHARE = 0.02
#: share of generated parties that are persons (the rest are companies)
PERSON_SHARE = 0.5


def _rss_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class _Names:
    """Generated party names: Faker's person and company providers over ``_LOCALES``, seeded."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        self.faker = Faker(_LOCALES)
        self.faker.seed_instance(seed)

    def __call__(self, rng: random.Random) -> tuple[str, str]:
        if rng.random() < PERSON_SHARE:
            return str(self.faker.name()), "person"
        return str(self.faker.company()), "organization"


def phase_setup(home: Path, parties: int, seed: int) -> dict[str, Any]:
    import sqlalchemy as sa

    from aktsam.lists.snapshots import current_snapshots, load_entities
    from aktsam.screening.service import Screener
    from aktsam.settings import Settings
    from aktsam.store.db import open_store
    from aktsam.store.schema import PartyRow

    settings = Settings.for_home(home)
    store = open_store(settings)
    started = time.perf_counter()
    Screener(store, settings).index()
    index_s = time.perf_counter() - started
    rng = random.Random(seed)
    generate = _Names(seed)
    snaps = [s for s in current_snapshots(store) if s.source in ("un-sc", "ofac-sdn", "uk-hmt")]
    real = [e.caption for e in load_entities(store, [s.id for s in snaps])]
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    batch: list[dict[str, Any]] = []
    listed = 0
    with store.session() as session:
        for number in range(parties):
            if rng.random() < REAL_SHARE:
                name, kind = rng.choice(real), "organization"
                listed += 1
            else:
                name, kind = generate(rng)
            batch.append(
                {
                    "id": f"p{number}",
                    "name": name,
                    "kind": kind,
                    "roles": ["customer"],
                    "country": None,
                    "aliases": [],
                    "identifiers": {},
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if len(batch) >= 20_000:
                session.execute(sa.insert(PartyRow), batch)
                batch = []
        if batch:
            session.execute(sa.insert(PartyRow), batch)
    return {
        "index_build_s": index_s,
        "register_s": time.perf_counter() - started,
        "listed_names": listed,
    }


def phase_run(home: Path, full: bool) -> dict[str, Any]:
    from aktsam.monitoring.run import run_monitoring
    from aktsam.screening.service import Screener
    from aktsam.settings import Settings
    from aktsam.store.db import open_store

    settings = Settings.for_home(home)
    store = open_store(settings)
    started = time.perf_counter()
    Screener(store, settings).index()  # after a list update: the rebuild any screening pays
    index_s = time.perf_counter() - started
    started = time.perf_counter()
    run = run_monitoring(store, settings, actor="bench", full=full, notify=False)
    seconds = time.perf_counter() - started
    return {
        "index_s": index_s,
        "run_s": seconds,
        "mode": run.mode,
        "counts": run.counts,
        "peak_rss_mb": _rss_peak_mb(),
    }


def phase_change(home: Path, size: int, seed: int) -> dict[str, Any]:
    from aktsam.lists.model import Name, NameKind, ParsedList
    from aktsam.lists.snapshots import current_snapshots, import_parsed, load_entities
    from aktsam.settings import Settings
    from aktsam.store.db import open_store

    settings = Settings.for_home(home)
    store = open_store(settings)
    rng = random.Random(seed + size)
    per_list = size // 2
    changed = 0
    for source in ("un-sc", "ofac-sdn"):
        snap = next(s for s in current_snapshots(store) if s.source == source)
        entities = load_entities(store, [snap.id])
        picks = rng.sample(range(len(entities)), min(per_list, len(entities)))
        third = max(len(picks) // 3, 1)
        alias, remove = set(picks[:third]), set(picks[third : 2 * third])
        out = []
        for i, entity in enumerate(entities):
            if i in remove:
                continue
            if i in alias:
                other = entities[rng.randrange(len(entities))]
                extra = Name(value=f"{other.caption} {rng.choice(_WORDS)}", kind=NameKind.ALIAS)
                entity = dataclasses.replace(entity, names=[*entity.names, extra])
            out.append(entity)
        # additions: the removed entities under new ids (real designations, new entries)
        for i in sorted(remove)[: len(picks) - 2 * third]:
            e = entities[i]
            out.append(dataclasses.replace(e, source_id=f"{e.source_id}-N{size}"))
        changed += len(picks)
        parsed = ParsedList(source=source, entities=out, published=f"2099-01-{size % 28 + 1:02d}")
        import_parsed(
            store,
            parsed,
            sha256=f"{source}{size}{seed}".encode().hex().ljust(64, "0")[:64],
            file_name=f"{source}-bench-{size}",
            force=True,
        )
    return {"entities_changed": changed}


def _child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parties", type=int, default=1_000_000)
    parser.add_argument("--changes", default="1000,100", help="change sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        home = Path(args.home)
        if args.phase == "setup":
            result = phase_setup(home, args.parties, args.seed)
        elif args.phase == "run":
            result = phase_run(home, args.full)
        else:
            result = phase_change(home, args.size, args.seed)
        print(json.dumps(result, default=str))
        return
    sizes = [int(s) for s in args.changes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="aktsam-bench-monitoring-") as tmp:
        home = Path(tmp) / "home"
        os.environ["AKTSAM_HOME"] = str(home)
        print(
            f"command: python bench/monitoring.py --parties {args.parties} --changes {args.changes}"
        )
        print(
            f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; one process per phase, one core"
        )
        setup = _child(["--phase", "setup", "--home", str(home), "--parties", str(args.parties)])
        print(
            f"register of {args.parties:,} parties written in {setup['register_s']:.1f} s, "
            f"{setup['listed_names']:,} of them ({setup['listed_names'] / args.parties:.1%}) real listed "
            f"names, the rest Faker names over {len(_LOCALES)} locales "
            f"(index built in {setup['index_build_s']:.1f} s)"
        )
        first = _child(["--phase", "run", "--home", str(home), "--full"])
        print(
            f"first (full) run: {first['run_s']:.1f} s, peak RSS {first['peak_rss_mb']:.0f} MB, "
            f"{first['counts'].get('alerts', 0)} alerts"
        )
        rows = []
        for size in sizes:
            change = _child(["--phase", "change", "--home", str(home), "--size", str(size)])
            delta = _child(["--phase", "run", "--home", str(home)])
            rows.append((size, change, delta))
            c = delta["counts"]
            print(
                f"change of {change['entities_changed']:,} entities: delta run {delta['run_s']:.2f} s, "
                f"peak RSS {delta['peak_rss_mb']:.0f} MB, {c.get('candidates', 0):,} candidate parties "
                f"screened ({c.get('candidates_first_stage', 0):,} from the reverse index), "
                f"{c.get('alerts', 0)} alerts (index rebuild after the update, any screening pays it: "
                f"{delta['index_s']:.1f} s)"
            )
        full = _child(["--phase", "run", "--home", str(home), "--full"])
        print(
            f"full re-screen of the same register: {full['run_s']:.1f} s, peak RSS "
            f"{full['peak_rss_mb']:.0f} MB"
        )
        for _size, change, delta in rows:
            ratio = full["run_s"] / max(delta["run_s"], 1e-9)
            print(
                f"  change {change['entities_changed']:,}: delta {delta['run_s']:.2f} s = "
                f"{ratio:.0f}x faster than the full re-screen"
            )
        if args.parties >= 1_000_000:  # issue #10's targets, stated for a 1M-party register
            for _size, change, delta in rows:
                ratio = full["run_s"] / max(delta["run_s"], 1e-9)
                checks = [
                    ("delta run < 10 s", delta["run_s"] < 10.0),
                    (">= 20x faster than a full re-screen", ratio >= 20.0),
                    ("peak RSS < 2 GB", delta["peak_rss_mb"] < 2048.0),
                ]
                print(
                    f"  targets (issue #10), change {change['entities_changed']:,}: "
                    + "; ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in checks)
                )


if __name__ == "__main__":
    main()
