"""Screening benchmark: aktsam vs nomenklatura ``logic-v2`` on queries built from the lists.

Usage (from the repository root, in the venv with the ``bench`` extra)::

    python bench/screening.py [--lists un-sc eu-fsf ...] [--limit-queries N]
                              [--nomenklatura-sample N] [--seed S] [--save]

What it does (details and the scoring rules: ``bench/README.md``, ``bench/queries.py``):

1. parses the official list files bundled in ``data/lists/`` with aktsam's own parsers;
2. builds queries from the lists (held-out aliases, cross-list references, negatives) with the
   entity ids that count as correct for each;
3. re-mines aktsam's Arabic word table (``scripts/mine_arabic_names.py``) without the held-out
   entities and their twins: the shipped table was mined from these same lists and would answer a
   held-out name with a word pair learnt from that very entry (``--shipped-arabic-table`` screens
   with the shipped table instead; the report gives Arabic-script recall with both);
4. runs aktsam with that table in child processes pinned to one CPU, single-threaded BLAS: index
   build time, ``match_many`` throughput (median of repeats), peak RSS of that process;
5. scores a stratified sample of the same queries with nomenklatura ``logic-v2`` on candidate
   sets = aktsam's top-N at a low threshold plus every correct entity;
6. prints (and with ``--save`` writes to ``bench/results/``) one table with both systems.
"""

from __future__ import annotations

import os

THREAD_VARS: tuple[str, ...] = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "RAYON_NUM_THREADS",
)
if __name__ == "__main__":
    # Single-threaded numeric libraries, before anything imports numpy (here or in the worker,
    # which inherits this environment). Not done on import, so tests keep their environment.
    for _var in THREAD_VARS:
        os.environ[_var] = "1"

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import pickle  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Callable, Iterable, Mapping, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import queries as bq  # noqa: E402
from aktsam.lists.designations import ref_variants  # noqa: E402
from aktsam.lists.model import ListedEntity, NameKind, RelationKind, Schema  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "lists"
RESULTS = Path(__file__).resolve().parent / "results"

#: The official files aktsam bundles, by source (parsed with ``aktsam.lists.parsers.parse``).
LIST_FILES: dict[str, str] = {
    "un-sc": "un-sc-consolidated/UN_consolidated.xml",
    "eu-fsf": "eu-fsf/20240513-FULL-1_1(xsd).xml",
    "uk-hmt": "uk-ofsi-conlist/sanctionsconlist.csv",
    "ofac-sdn": "ofac-sdn/sdn.xml",
    "ofac-cons": "ofac-consolidated-nonsdn/consolidated.xml",
    "us-csl": "us-csl/consolidated.csv",
}

THRESHOLD = 0.7  # aktsam's default threshold
#: yente's ``SCORE_THRESHOLD`` (yente/settings.py): a result with score >= 0.70 is a "match".
#: nomenklatura's LogicV2 has no threshold of its own; yente is how OpenSanctions applies it.
NK_THRESHOLD = 0.7
NK_ALGORITHM = "logic-v2"
TARGET_QPS = 10_000.0
TARGET_BUILD_S = 60.0
TARGET_RSS_MB = 1024.0


# ------------------------------------------------------------------------------------------------
# Lists
# ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class LoadedLists:
    entities: list[ListedEntity]
    counts: dict[str, int]
    seconds: dict[str, float]
    published: dict[str, str | None]


def load_lists(sources: Sequence[str], *, bundled: bool = False) -> LoadedLists:
    """The entities aktsam screens: every file of ``sources`` in ``data/lists/`` parsed with
    aktsam's parsers, or (``bundled``) the package's bundled snapshot of the same files."""
    from aktsam.lists.parsers import parse

    entities: list[ListedEntity] = []
    counts: dict[str, int] = {}
    seconds: dict[str, float] = {}
    published: dict[str, str | None] = {}
    for source in sources:
        start = time.perf_counter()
        if bundled:
            from aktsam.lists.bundled import read_bundled

            parsed = read_bundled(source)
        else:
            parsed = parse(DATA / LIST_FILES[source], source)
        seconds[source] = time.perf_counter() - start
        counts[source] = len(parsed.entities)
        published[source] = parsed.published
        entities.extend(parsed.entities)
    return LoadedLists(entities, counts, seconds, published)


# ------------------------------------------------------------------------------------------------
# aktsam adapter: the only code that knows the matcher's API
# ------------------------------------------------------------------------------------------------


def aktsam_query(q: tuple[str, str, str | None, str | None, str | None]) -> Any:
    """An ``aktsam.screening.matcher.Query`` from ``(qid, name, schema, birth_date, country)``."""
    from aktsam.screening.matcher import Query

    qid, name, schema, birth_date, country = q
    return Query(
        name=name,
        schema=Schema(schema) if schema else None,
        countries=(country,) if country else (),
        birth_date=birth_date,
        id=qid,
    )


def aktsam_build(entities: Sequence[ListedEntity]) -> Any:
    """``MatchIndex.build`` with the product's defaults (bundled alias and generic-token tables)."""
    from aktsam.screening.index import MatchIndex

    return MatchIndex.build(entities)


def aktsam_match(
    index: Any, queries: Sequence[Any], *, threshold: float, limit: int | None = None
) -> list[list[tuple[str, float]]]:
    """``match_many`` → for each query, ``[(entity id, score)]`` best first.

    ``limit`` None keeps the product's default hit limit (what a user of ``aktsam screen`` gets).
    """
    from aktsam.screening.matcher import match_many

    if limit is None:
        results = match_many(index, queries, threshold=threshold)
    else:
        results = match_many(index, queries, threshold=threshold, limit=limit)
    return [[(hit.entity_id, float(hit.score)) for hit in hits] for hits in results]


def aktsam_enriched_names(index: Any) -> list[tuple[str, str]]:
    """``(entity id, name)`` of every name the index added from aktsam's alias table (ENRICHED)."""
    out: list[tuple[str, str]] = []
    for i, kind in enumerate(getattr(index, "name_kind", ())):
        if kind is NameKind.ENRICHED:
            entity = index.entity_ids[index.name_entity[i]]
            out.append((entity, index.record_value[index.name_record[i]]))
    return out


# ------------------------------------------------------------------------------------------------
# aktsam worker: a child process so that its peak RSS and CPU are aktsam's own
# ------------------------------------------------------------------------------------------------


def _rss_mb() -> float:
    """Peak resident set size of this process so far (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


RawQuery = tuple[str, str, str | None, str | None, str | None]


def _pin_one_cpu() -> list[int]:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return sorted(os.sched_getaffinity(0))
    return []


def _timed_pass(
    index: Any, queries: Sequence[Any], threshold: float
) -> tuple[float, float, list[list[tuple[str, float]]]]:
    """Wall seconds, CPU seconds (this process, user + system) and the hits of one pass."""
    cpu = time.process_time()
    start = time.perf_counter()
    hits = aktsam_match(index, queries, threshold=threshold)
    return time.perf_counter() - start, time.process_time() - cpu, hits


def _hits_digest(raw: Sequence[RawQuery], hits: Sequence[Sequence[tuple[str, float]]]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for q, found in zip(raw, hits, strict=True):
        digest.update(f"{q[0]}|{[(e, round(s, 6)) for e, s in found]}\n".encode())
    return digest.hexdigest()[:16]


def _aktsam_caches() -> list[tuple[str, Any]]:
    """Every ``functools`` cache of the aktsam modules loaded in this process."""
    out: list[tuple[str, Any]] = []
    for module_name, module in list(sys.modules.items()):
        if module is None or not module_name.startswith("aktsam"):
            continue
        for attr, value in list(vars(module).items()):
            # looked up on the type: objects answering any attribute (sqlalchemy's ``func``) are no cache
            if callable(getattr(type(value), "cache_info", None)):
                out.append((f"{module_name}.{attr}", value))
    return out


def install_arabic_table(rows: Sequence[tuple[str, str]] | None) -> None:
    """Give this worker the bench's Arabic table (``None``: aktsam's shipped one), first thing.

    The table must be in place before anything is normalised, because the normalisation caches
    (translit's per token, names' per name, the matcher's per query, the index itself) would keep
    spellings made with the previous table. So this checks that the shipped table was never
    loaded and that every aktsam cache is still empty; the workers call it before importing the
    matcher, and each runs in a fresh process that normalises nothing else first.
    """
    from aktsam.screening import translit

    stale = [name for name, fn in _aktsam_caches() if fn.cache_info().currsize]
    if translit._arabic_table is not None or stale:
        raise SystemExit(
            "aktsam normalised names before the bench installed its Arabic table "
            f"(table loaded: {translit._arabic_table is not None}; caches in use: {stale})"
        )
    if rows is not None:
        translit.use_arabic_table(rows)


def _arabic_table_digest() -> str:
    """What the worker screened with: the table aktsam holds at the end of the work."""
    import hashlib

    from aktsam.screening import translit

    table = sorted(translit.arabic_table().items())
    return f"{len(table)}:{hashlib.sha256(repr(table).encode()).hexdigest()[:16]}"


def worker_build(job: dict[str, Any]) -> dict[str, Any]:
    """Build the index, save it, then one timed pass over every query (the product's own run:
    peak RSS here is build + screening in one process). Candidates for nomenklatura come last,
    after the RSS reading."""
    report: dict[str, Any] = {"cpus": _pin_one_cpu()}
    install_arabic_table(job["arabic_table"])
    import numpy  # the matcher's dependency; imported here so the baseline RSS includes it

    import aktsam.screening.matcher  # noqa: F401

    report["numpy"] = numpy.__version__
    report["rss_imports_mb"] = _current_rss_mb()
    with open(job["entities_path"], "rb") as fh:
        entities: list[ListedEntity] = pickle.load(fh)
    raw: list[RawQuery] = job["queries"]
    report["rss_entities_mb"] = _current_rss_mb()

    start = time.perf_counter()
    index = aktsam_build(entities)
    report["build_s"] = time.perf_counter() - start
    report["rss_index_mb"] = _current_rss_mb()
    report["enriched"] = aktsam_enriched_names(index)
    save = getattr(index, "save", None)
    if callable(save):
        start = time.perf_counter()
        save(job["index_path"])
        report["save_s"] = time.perf_counter() - start
        report["index_bytes"] = os.path.getsize(job["index_path"])

    queries = [aktsam_query(q) for q in raw]
    report["cold_s"], report["cold_cpu_s"], hits = _timed_pass(index, queries, job["threshold"])
    report["peak_rss_mb"] = _rss_mb()
    report["digest"] = _hits_digest(raw, hits)
    report["hits"] = {q[0]: found for q, found in zip(raw, hits, strict=True) if found}

    wanted = set(job["candidates_for"])
    wanted_raw = [q for q in raw if q[0] in wanted]
    candidates = aktsam_match(
        index,
        [aktsam_query(q) for q in wanted_raw],
        threshold=job["candidate_threshold"],
        limit=job["candidate_limit"],
    )
    report["candidates"] = {q[0]: found for q, found in zip(wanted_raw, candidates, strict=True)}
    report["arabic_table"] = _arabic_table_digest()
    return report


def worker_pass(job: dict[str, Any]) -> dict[str, Any]:
    """Load the saved index in a fresh process; time a cold pass (no query seen before: the
    matcher's per-query and per-token caches are empty) and a warm pass (same queries again)."""
    report: dict[str, Any] = {"cpus": _pin_one_cpu()}
    install_arabic_table(job["arabic_table"])
    from aktsam.screening.index import MatchIndex

    raw: list[RawQuery] = job["queries"]
    start = time.perf_counter()
    index = MatchIndex.load(job["index_path"])
    report["load_s"] = time.perf_counter() - start
    queries = [aktsam_query(q) for q in raw]
    report["cold_s"], report["cold_cpu_s"], hits = _timed_pass(index, queries, job["threshold"])
    report["digest"] = _hits_digest(raw, hits)
    report["warm_s"], _, _ = _timed_pass(index, queries, job["threshold"])
    report["peak_rss_mb"] = _rss_mb()
    report["arabic_table"] = _arabic_table_digest()
    return report


def worker_other_table(job: dict[str, Any]) -> dict[str, Any]:
    """Not timed: build an index with the other Arabic table and screen a few queries (the
    held-out queries involving Arabic script), for the leak check."""
    report: dict[str, Any] = {"cpus": _pin_one_cpu()}
    install_arabic_table(job["arabic_table"])
    with open(job["entities_path"], "rb") as fh:
        entities: list[ListedEntity] = pickle.load(fh)
    raw: list[RawQuery] = job["queries"]
    index = aktsam_build(entities)
    hits = aktsam_match(index, [aktsam_query(q) for q in raw], threshold=job["threshold"])
    report["hits"] = {q[0]: found for q, found in zip(raw, hits, strict=True) if found}
    report["arabic_table"] = _arabic_table_digest()
    return report


WORKERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "build": worker_build,
    "pass": worker_pass,
    "other-table": worker_other_table,
}


def worker(kind: str, job_path: Path, out_path: Path) -> None:
    with open(job_path, "rb") as fh:
        job = pickle.load(fh)
    out_path.write_text(json.dumps(WORKERS[kind](job)))


def _spawn(kind: str, job: dict[str, Any], tmp: Path, name: str) -> dict[str, Any]:
    job_path = tmp / f"{name}.job"
    out_path = tmp / f"{name}.json"
    with open(job_path, "wb") as fh:
        pickle.dump(job, fh, protocol=pickle.HIGHEST_PROTOCOL)
    env = dict(os.environ)
    env.update({var: "1" for var in THREAD_VARS})
    script = str(Path(__file__).resolve())
    command = [sys.executable, script, "--worker", kind, str(job_path), str(out_path)]
    result = subprocess.run(command, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"aktsam {kind} worker failed (exit {result.returncode}); see above")
    report: dict[str, Any] = json.loads(out_path.read_text())
    return report


@dataclass(slots=True)
class AktsamRun:
    build_s: float
    save_s: float | None
    index_mb: float | None
    load_s: list[float]
    cold_s: list[float]  # all queries, each in a fresh process that loaded the saved index
    cold_cpu_s: list[float]  # the same passes' CPU time (less sensitive to other load)
    build_pass_s: float  # all queries in the build process (normalisation caches warmed by build)
    warm_s: list[float]  # all queries again in the same process
    sample_cold_s: list[float]
    sample_warm_s: list[float]
    peak_rss_mb: float  # build + one pass, one process
    load_peak_rss_mb: float  # load saved index + two passes, one process
    rss_imports_mb: float
    rss_entities_mb: float
    rss_index_mb: float
    hits: dict[str, list[tuple[str, float]]]
    candidates: dict[str, list[tuple[str, float]]]
    enriched: list[tuple[str, str]]  # (entity id, name) added by aktsam's alias table
    deterministic: bool  # every pass returned the same hits
    wall_s: float
    arabic_table: str  # the Arabic table every process screened with (words:digest)
    other_hits: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    other_arabic_table: str | None = None  # the other table, for the leak check (not timed)
    other_s: float = 0.0  # wall seconds of that process


def run_aktsam(
    entities: Sequence[ListedEntity],
    queries: Sequence[bq.BenchQuery],
    sample: Sequence[bq.BenchQuery],
    *,
    repeats: int,
    candidate_threshold: float,
    candidate_limit: int,
    candidates_for: Iterable[str] = (),
    table: ArabicTable | None = None,
    other_table: ArabicTable | None = None,
    other_queries: Iterable[str] = (),
) -> AktsamRun:
    """Build in one child process (timed, with one pass over the queries for the peak RSS), then
    time passes over the queries in fresh child processes that load the saved index.
    Candidate lists (for nomenklatura) are made for the sample and ``candidates_for``.

    Every one of these processes screens with the Arabic word table ``table`` (None: aktsam's
    shipped table). With ``other_table``, one more process (not timed) builds an index with that
    table and screens the queries ``other_queries``."""
    raw = [
        (q.qid, q.name, q.schema.value if q.schema else None, q.birth_date, q.country)
        for q in queries
    ]
    sample_ids = {q.qid for q in sample}
    sample_raw = [q for q in raw if q[0] in sample_ids]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="aktsam-bench-") as tmp_name:
        tmp = Path(tmp_name)
        entities_path = tmp / "entities.pickle"
        with open(entities_path, "wb") as fh:
            pickle.dump(list(entities), fh, protocol=pickle.HIGHEST_PROTOCOL)
        index_path = tmp / "index.pickle"
        common = {
            "index_path": str(index_path),
            "threshold": THRESHOLD,
            "arabic_table": table.rows if table is not None else None,
        }
        log("aktsam: build + first pass")
        built = _spawn(
            "build",
            {
                **common,
                "entities_path": str(entities_path),
                "queries": raw,
                "candidates_for": sorted(sample_ids | set(candidates_for)),
                "candidate_threshold": candidate_threshold,
                "candidate_limit": candidate_limit,
            },
            tmp,
            "build",
        )
        if not index_path.exists():
            raise SystemExit("aktsam's MatchIndex has no save(): cannot time fresh-process passes")
        passes = []
        for i in range(repeats):
            log(f"aktsam: pass {i + 1}/{repeats} over all queries in a fresh process")
            passes.append(_spawn("pass", {**common, "queries": raw}, tmp, f"pass{i}"))
        sample_passes = []
        for i in range(repeats):
            sample_passes.append(
                _spawn("pass", {**common, "queries": sample_raw}, tmp, f"sample{i}")
            )
        wall = time.perf_counter() - start
        other: dict[str, Any] = {}
        other_start = time.perf_counter()
        wanted = set(other_queries)
        if other_table is not None and wanted:
            log(f"aktsam: index with the {other_table.name} Arabic table, for the leak check")
            other = _spawn(
                "other-table",
                {
                    "entities_path": str(entities_path),
                    "threshold": THRESHOLD,
                    "arabic_table": other_table.rows,
                    "queries": [q for q in raw if q[0] in wanted],
                },
                tmp,
                "other-table",
            )
        other_s = time.perf_counter() - other_start

    def pairs(data: Mapping[str, Any]) -> dict[str, list[tuple[str, float]]]:
        return {k: [(str(e), float(sc)) for e, sc in v] for k, v in data.items()}

    digests = {built["digest"]} | {p["digest"] for p in passes}
    tables = {built["arabic_table"]} | {p["arabic_table"] for p in passes + sample_passes}
    if len(tables) != 1:
        raise SystemExit(f"aktsam's processes screened with different Arabic tables: {tables}")
    return AktsamRun(
        build_s=built["build_s"],
        save_s=built.get("save_s"),
        index_mb=built["index_bytes"] / 2**20 if "index_bytes" in built else None,
        load_s=[p["load_s"] for p in passes + sample_passes],
        cold_s=[p["cold_s"] for p in passes],
        cold_cpu_s=[p["cold_cpu_s"] for p in passes],
        build_pass_s=built["cold_s"],
        warm_s=[p["warm_s"] for p in passes],
        sample_cold_s=[p["cold_s"] for p in sample_passes],
        sample_warm_s=[p["warm_s"] for p in sample_passes],
        peak_rss_mb=built["peak_rss_mb"],
        load_peak_rss_mb=max(p["peak_rss_mb"] for p in passes + sample_passes),
        rss_imports_mb=built["rss_imports_mb"],
        rss_entities_mb=built["rss_entities_mb"],
        rss_index_mb=built["rss_index_mb"],
        hits=pairs(built["hits"]),
        candidates=pairs(built["candidates"]),
        enriched=[(str(e), str(n)) for e, n in built.get("enriched", [])],
        deterministic=len(digests) == 1,
        wall_s=wall,
        arabic_table=built["arabic_table"],
        other_hits=pairs(other.get("hits", {})),
        other_arabic_table=other.get("arabic_table"),
        other_s=other_s,
    )


# ------------------------------------------------------------------------------------------------
# nomenklatura harness
# ------------------------------------------------------------------------------------------------

FTM_SCHEMAS: dict[Schema, str] = {
    Schema.PERSON: "Person",
    Schema.ORGANIZATION: "Organization",
    Schema.VESSEL: "Vessel",
    Schema.AIRCRAFT: "Airplane",
    Schema.UNKNOWN: "LegalEntity",
}
FTM_NAME_PROPS: dict[NameKind, str] = {
    NameKind.PRIMARY: "name",
    NameKind.ALIAS: "alias",
    NameKind.ORIGINAL_SCRIPT: "alias",
    NameKind.ENRICHED: "alias",
    NameKind.FORMER: "previousName",
    NameKind.WEAK_ALIAS: "weakAlias",
}


def entity_to_ftm(entity: ListedEntity) -> Any:
    """The FollowTheMoney entity OpenSanctions would publish for ``entity`` (matching fields only).

    Names keep their kind (``name``/``alias``/``previousName``/``weakAlias``: logic-v2 treats weak
    aliases specially); persons get birth dates, nationalities and birth places; every entity its
    countries. Identifiers and addresses are left out: the benchmark queries carry none.
    """
    from followthemoney import model

    proxy = model.make_entity(FTM_SCHEMAS[entity.schema])
    proxy.id = entity.id
    for name in entity.names:
        proxy.add(FTM_NAME_PROPS[name.kind], name.value, quiet=True)
    if entity.schema is Schema.PERSON:
        proxy.add("birthDate", entity.birth_dates, quiet=True)
        proxy.add("nationality", entity.nationalities, quiet=True)
        proxy.add("birthPlace", entity.birth_places, quiet=True)
    proxy.add("country", entity.countries, quiet=True)
    return proxy


def query_to_ftm(query: bq.BenchQuery) -> Any:
    """A yente-style ``/match`` example: schema, name, birth date and country when known."""
    from followthemoney import model

    schema = FTM_SCHEMAS[query.schema] if query.schema else "LegalEntity"
    proxy = model.make_entity(schema)
    proxy.id = f"query-{query.qid}"
    proxy.add("name", query.name, quiet=True)
    if query.birth_date and schema == "Person":
        proxy.add("birthDate", query.birth_date, quiet=True)
    if query.country:
        proxy.add("country", query.country, quiet=True)
    return proxy


def nomenklatura_scorer(name: str = NK_ALGORITHM) -> Callable[[Any, Any], float]:
    """``compare(query, candidate) -> score`` for nomenklatura algorithm ``name`` (defaults)."""
    from nomenklatura.matching import get_algorithm

    algorithm = get_algorithm(name)
    if algorithm is None:
        raise SystemExit(f"nomenklatura has no algorithm {name!r}")
    config = algorithm.default_config()

    def compare(query: Any, candidate: Any) -> float:
        return float(algorithm.compare(query, candidate, config).score)

    return compare


@dataclass(slots=True)
class NomenklaturaRun:
    hits: dict[str, list[tuple[str, float]]]  # score >= NK_THRESHOLD
    scores: dict[str, list[tuple[str, float]]]  # every candidate pair
    pairs: int
    compare_s: float
    compare_cpu_s: float
    convert_s: float
    truth_added: int  # candidate pairs added because aktsam's top-N missed a correct entity


def run_nomenklatura(
    sample: Sequence[bq.BenchQuery],
    entities: Mapping[str, ListedEntity],
    candidates: Mapping[str, Sequence[tuple[str, float]]],
    *,
    compare: Callable[[Any, Any], float] | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> NomenklaturaRun:
    """Score every (query, candidate) pair: candidates = aktsam's list + every correct entity.

    Hits are the pairs scoring at least :data:`NK_THRESHOLD`, best first, at most ``limit`` per
    query (the same cap as aktsam's result limit). Only the ``compare`` calls are timed; building
    FtM entities is counted apart (``convert_s``), as a deployed yente has them indexed already.
    """
    compare = compare or nomenklatura_scorer()
    start = time.perf_counter()
    proxies: dict[str, Any] = {}
    work: list[tuple[bq.BenchQuery, Any, list[str]]] = []
    truth_added = 0
    for query in sample:
        ids = [eid for eid, _ in candidates.get(query.qid, ()) if eid in entities]
        present = set(ids)
        for eid in sorted(query.targets | query.accept):
            if eid not in present and eid in entities:
                ids.append(eid)
                present.add(eid)
                truth_added += 1
        for eid in ids:
            if eid not in proxies:
                proxies[eid] = entity_to_ftm(entities[eid])
        work.append((query, query_to_ftm(query), ids))
    convert_s = time.perf_counter() - start

    hits: dict[str, list[tuple[str, float]]] = {}
    scores: dict[str, list[tuple[str, float]]] = {}
    pairs = 0
    compare_s = 0.0
    cpu_start = time.process_time()
    for n, (query, proxy, ids) in enumerate(work):
        start = time.perf_counter()
        scored = [(eid, compare(proxy, proxies[eid])) for eid in ids]
        compare_s += time.perf_counter() - start
        pairs += len(ids)
        scored.sort(key=lambda h: -h[1])
        scores[query.qid] = scored
        found = [h for h in scored if h[1] >= NK_THRESHOLD][:limit]
        if found:
            hits[query.qid] = found
        if progress is not None and (n + 1) % 100 == 0:
            progress(n + 1, len(work))
    compare_cpu_s = time.process_time() - cpu_start  # includes the (small) bookkeeping
    return NomenklaturaRun(hits, scores, pairs, compare_s, compare_cpu_s, convert_s, truth_added)


# ------------------------------------------------------------------------------------------------
# aktsam's Arabic word table is mined from these same lists: a leak-free table, and the diagnostic
# ------------------------------------------------------------------------------------------------

_ARABIC_WORD = re.compile(r"[\u0600-\u06FF\u0750-\u077F]+")
MINER = ROOT / "scripts" / "mine_arabic_names.py"
LEAK_FREE = "leak-free"
SHIPPED = "shipped"


@dataclass(frozen=True, slots=True)
class ArabicTable:
    """An Arabic word table for aktsam's workers (``translit.use_arabic_table``).

    ``rows`` None means the product's own ``data/arabic_names.csv``: the workers leave it alone.
    ``spelling``: folded word -> Latin spelling; ``support``: folded word -> number of list entries
    it was learnt from.
    """

    name: str  # LEAK_FREE or SHIPPED
    rows: tuple[tuple[str, str], ...] | None
    spelling: Mapping[str, str]
    support: Mapping[str, int]
    notes: tuple[str, ...] = ()


def _shipped_arabic_rows() -> tuple[list[dict[str, str]], Callable[[str], str]] | None:
    """The rows of aktsam's ``data/arabic_names.csv`` and the fold function; None if absent."""
    try:
        from importlib import resources

        from aktsam.screening import translit

        fold: Callable[[str], str] = getattr(translit, "fold_arabic", lambda w: w)
        text = (
            resources.files("aktsam.screening")
            .joinpath("data", "arabic_names.csv")
            .read_text(encoding="utf-8")
        )
    except (ImportError, FileNotFoundError, OSError):
        return None
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return [row for row in rows if row.get("arabic")], fold


def arabic_table_support() -> tuple[dict[str, int], Callable[[str], str]] | None:
    """aktsam's mined Arabic word table: folded word -> number of list entries it was learnt from
    (from the row's ``source``), and the fold function; None when the table is not there."""
    shipped = _shipped_arabic_rows()
    if shipped is None:
        return None
    rows, fold = shipped
    support: dict[str, int] = {}
    for row in rows:
        found = re.search(r"(\d+) entr", row.get("source") or "")
        if found:
            support[fold(row["arabic"])] = int(found.group(1))
    return support, fold


def shipped_arabic_table() -> ArabicTable:
    """The product's table as it ships (the workers keep aktsam's default)."""
    shipped = _shipped_arabic_rows()
    data = arabic_table_support()
    if shipped is None or data is None:
        return ArabicTable(SHIPPED, None, {}, {}, ("aktsam ships no data/arabic_names.csv",))
    rows, fold = shipped
    spelling = {fold(row["arabic"]): row["latin"] for row in rows}
    return ArabicTable(SHIPPED, None, spelling, data[0])


def _miner() -> Any:
    """``scripts/mine_arabic_names.py``, the script that mined the shipped table, as a module."""
    import importlib.util

    name = "mine_arabic_names"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, MINER)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {MINER}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # before running it: its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def held_out_exclusions(
    queries: Iterable[bq.BenchQuery], entities: Mapping[str, ListedEntity]
) -> set[str]:
    """Entity ids the leak-free Arabic table must not learn from: every entity of a held-out
    query's twin group (its targets), and the UN designations those entities say they are (so that
    a UN entry missing from the screened UN edition but present in the mined one is left out too).
    """
    out: set[str] = set()
    for q in queries:
        if q.kind != "held-out":
            continue
        for eid in q.targets:
            out.add(eid)
            entity = entities.get(eid)
            for relation in entity.relations if entity is not None else ():
                if relation.kind is RelationKind.SAME_AS and relation.target_source == "un-sc":
                    out.update(f"un-sc:{ref}" for ref in ref_variants(relation.target, "un-sc"))
    return out


def leak_free_arabic_table(
    excluded: set[str], *, lists_dir: Path = DATA, shipped: ArabicTable | None = None
) -> ArabicTable:
    """The Arabic table re-mined (``scripts/mine_arabic_names.py``: the files and rules that made
    the shipped one) from every EU/UN entry except those standing for an ``excluded`` entity.

    With ``shipped``, a note says whether re-mining every entry gives the shipped table back, i.e.
    whether the two tables differ by the excluded entries only.
    """
    miner = _miner()
    try:
        entries = miner.list_entries(lists_dir)
    except OSError as error:
        raise SystemExit(
            f"cannot re-mine the Arabic table ({error}); run with --shipped-arabic-table"
        ) from None
    kept = [e for e in entries if not (e.ids & excluded)]
    mined: list[tuple[str, str, int, str, str]] = miner.mine_entries(kept)
    rows = tuple((word, latin) for word, latin, *_ in mined)
    dropped = [e for e in entries if e.ids & excluded]
    notes = [
        f"re-mined by {MINER.relative_to(ROOT)} from {miner.EU_FILE} and {miner.UN_FILE} "
        f"without {len(dropped):,} of their {len(entries):,} entries, those of the held-out "
        f"entities and their twins ({sum(1 for e in dropped if e.arabic):,} of the "
        f"{sum(1 for e in entries if e.arabic):,} with an Arabic-script name)"
    ]
    if shipped is not None:
        everything = {word: (latin, n) for word, latin, n, *_ in miner.mine_entries(entries)}
        same = everything == {w: (shipped.spelling[w], n) for w, n in shipped.support.items()}
        notes.append(
            "re-mining every entry gives the shipped table back"
            if same
            else "WARNING: re-mining every entry does NOT give the shipped table back (the table "
            "or the script changed since): the two tables differ by more than the held-out entries"
        )
    return ArabicTable(
        LEAK_FREE,
        rows,
        {word: latin for word, latin, *_ in mined},
        {word: n for word, _, n, *_ in mined},
        tuple(notes),
    )


def own_entry_leaks(
    queries: Iterable[bq.BenchQuery],
    entities: Mapping[str, ListedEntity],
    *,
    lists_dir: Path = DATA,
) -> dict[str, bool]:
    """For each query: whether the shipped table owes one of its Arabic words to the query's own
    entries. The words are those of the query and of the names its entity keeps, the article split
    off as aktsam does. A word is owed when leaving out only the query's held-out entity and its
    twins (:func:`held_out_exclusions`) loses the word or changes its winning spelling.

    This is exact where "learnt from a single entry" is not: the entity's own entries can decide
    the spelling of a word that other entries support too (or rest on two entries of its own), and
    an article-prefixed word is looked up without its article.
    """
    from aktsam.screening.translit import ARTICLE, ARTICLE_MIN_WORD, fold_arabic

    miner = _miner()
    entries = miner.list_entries(lists_dir)
    found: list[dict[tuple[str, str], str]] = [miner.entry_pairs(e) for e in entries]
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for pairs in found:
        for word, latin in pairs:
            votes[word][latin] += 1
    out: dict[str, bool] = {}
    for q in queries:
        texts = [q.name] + [n.value for eid in q.targets for n in entities[eid].names]
        words = {fold_arabic(w) for text in texts for w in _ARABIC_WORD.findall(text)}
        words |= {
            w[len(ARTICLE) :]
            for w in words
            if w.startswith(ARTICLE) and len(w) >= ARTICLE_MIN_WORD  # as translit._arabic
        }
        words = {w for w in words if w in votes}
        excluded = held_out_exclusions([q], entities)
        own = [pairs for e, pairs in zip(entries, found, strict=True) if e.ids & excluded]
        leak = False
        for word in words:
            rest = Counter(votes[word])
            for pairs in own:
                for a, latin in pairs:
                    if a == word:
                        rest[latin] -= 1
            rest = Counter({latin: n for latin, n in rest.items() if n > 0})
            best = miner.best_spelling(votes[word])[0]
            if not rest or miner.best_spelling(rest)[0] != best:
                leak = True
                break
        out[q.qid] = leak
    return out


def table_difference(table: ArabicTable, reference: ArabicTable) -> str:
    """``table``'s words against ``reference``'s: how many it lacks, spells otherwise, adds."""
    lost = sum(1 for w in reference.spelling if w not in table.spelling)
    other = sum(
        1
        for w, latin in reference.spelling.items()
        if w in table.spelling and table.spelling[w] != latin
    )
    new = sum(1 for w in table.spelling if w not in reference.spelling)
    return (
        f"{len(table.spelling):,} words; of the {reference.name} table's "
        f"{len(reference.spelling):,}, {lost:,} missing and {other:,} spelt otherwise; {new:,} new"
    )


def arabic_leak_flags(
    queries: Sequence[bq.BenchQuery],
    indexed: Mapping[str, ListedEntity],
    support: Mapping[str, int],
    fold: Callable[[str], str],
) -> dict[str, bool]:
    """For held-out queries involving Arabic script (the query, or a name the targets keep):
    whether one of those Arabic words is in the table on the strength of a single list entry
    (most likely this very entry). Queries without Arabic are left out."""
    flags: dict[str, bool] = {}
    for q in queries:
        if q.kind != "held-out":
            continue
        texts = [q.name] + [n.value for eid in q.targets for n in indexed[eid].names]
        words = [fold(w) for text in texts for w in _ARABIC_WORD.findall(text)]
        if words:
            flags[q.qid] = any(support.get(w) == 1 for w in words)
    return flags


def arabic_leak_report(
    queries: Sequence[bq.BenchQuery],
    flags: Mapping[str, bool],
    owed: Mapping[str, bool],
    table: ArabicTable,
    other_table: ArabicTable,
    hits: Mapping[str, Mapping[str, Sequence[tuple[str, float]]]],
) -> list[str]:
    """Leak check 2: held-out recall on queries involving Arabic script with each Arabic table.

    ``flags`` (:func:`arabic_leak_flags` against the shipped table) picks the queries and splits
    them by "a word learnt from a single entry"; ``owed`` (:func:`own_entry_leaks`) splits them by
    whether the shipped table owes a word to the query's own entries. ``hits`` maps a system name
    (an :class:`ArabicTable` name for aktsam, else a nomenklatura label) to its hits on at least
    those queries.
    """
    shipped, leak_free = (table, other_table) if table.name == SHIPPED else (other_table, table)
    single = sum(1 for v in shipped.support.values() if v == 1)
    out = [
        f"Leak check 2: aktsam's Arabic word table (data/arabic_names.csv, "
        f"{len(shipped.spelling):,} words, {single:,} of them learnt from a single list entry) "
        f"was mined from the EU and UN files used here, so it can answer a held-out name with a "
        f"word pair learnt from that very entry. The leak-free table is the shipped one "
        + leak_free.notes[0]
        + f": {table_difference(leak_free, shipped)}. "
        + "".join(f"{note[:1].upper()}{note[1:]}. " for note in leak_free.notes[1:])
        + f"This run's aktsam figures above use the {table.name} table"
        + (" (the leak-free headline)." if table.name == LEAK_FREE else " (NOT leak-free).")
        + f" One more aktsam process, not timed, built an index with the {other_table.name} table "
        f"for the column below. Every aktsam process installed its table before normalising "
        f"anything (checked: the shipped table not loaded, no aktsam cache in use) and reported "
        f"the table it screened with at the end (checked: one table in every timed process, with "
        f"the word count of the table given)."
    ]
    if not flags:
        out.append("  no held-out query involves Arabic script")
        return out
    out.append(
        "  Recall on ALL held-out queries involving Arabic script (the query, or a name its entity "
        "keeps), each system scoring all of them (nomenklatura on the same terms as the sample). "
        "'Owes' (exact): leaving out only the query's own entity and its twins loses one of its "
        "words, article split off as aktsam does, or changes the word's spelling. 'Learnt from 1 "
        "entry' (the earlier, cruder split) misses the article-prefixed words and the words "
        "whose spelling the entity's own entries decide:"
    )
    systems = [
        (f"aktsam {LEAK_FREE} table", hits[LEAK_FREE], THRESHOLD),
        (f"aktsam {SHIPPED} table", hits[SHIPPED], THRESHOLD),
        *((name, h, NK_THRESHOLD) for name, h in hits.items() if name not in (LEAK_FREE, SHIPPED)),
    ]
    out.append(
        f"  {'held-out queries':<46} {'queries':>7}"
        + "".join(f" {name:>24}" for name, _, _ in systems)
    )
    involved = [q for q in queries if q.qid in flags]
    subsets = [
        ("involving Arabic script, all", involved),
        ("  the query in Arabic script", [q for q in involved if _ARABIC_WORD.search(q.name)]),
        ("  Arabic only in a name kept", [q for q in involved if not _ARABIC_WORD.search(q.name)]),
        ("  a word the shipped table owes to its entries", [q for q in involved if owed[q.qid]]),
        ("  no such word", [q for q in involved if not owed[q.qid]]),
        ("  a word the shipped table learnt from 1 entry", [q for q in involved if flags[q.qid]]),
        ("  no such word", [q for q in involved if not flags[q.qid]]),
    ]
    for label, subset in subsets:
        cells = [
            _pct(bq.evaluate(subset, system_hits, threshold=threshold).total.recall)
            for _, system_hits, threshold in systems
        ]
        out.append(f"  {label:<46} {len(subset):>7,}" + "".join(f" {c:>24}" for c in cells))
    held = [q for q in queries if q.kind == "held-out"]
    mixed = {**hits[table.name], **{q.qid: hits[other_table.name].get(q.qid, []) for q in involved}}
    for q in involved:
        if not mixed[q.qid]:
            del mixed[q.qid]
    recall = bq.evaluate(held, hits[table.name], threshold=THRESHOLD).total.recall
    other_recall = bq.evaluate(held, mixed, threshold=THRESHOLD).total.recall
    out.append(
        f"  aktsam held-out recall, all {len(held):,}: {_pct(recall)} with the {table.name} table; "
        f"{_pct(other_recall)} with the {len(involved):,} queries above screened with the "
        f"{other_table.name} table instead"
    )
    return out


# ------------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None, fmt: str = "{:,.0f}") -> str:
    return "n/a" if value is None else fmt.format(value)


@dataclass(slots=True)
class Row:
    system: str
    ev: bq.Evaluation
    qps: float | None
    build_s: float | None = None
    peak_mb: float | None = None


def table(rows: Sequence[Row]) -> list[str]:
    header = (
        f"{'system':<36} {'queries':>7} {'recall':>7} {'prec.':>7} {'lenient':>7} "
        f"{'top-1 p.':>8} {'q/s 1 core':>10} {'build':>7} {'peak RSS':>9}"
    )
    out = [header, "-" * len(header)]
    for row in rows:
        t = row.ev.total
        out.append(
            f"{row.system:<36} {t.queries:>7,} {_pct(t.recall):>7} {_pct(t.precision):>7} "
            f"{_pct(t.lenient_precision):>7} {_pct(t.top1_precision):>8} {_num(row.qps):>10} "
            f"{_num(row.build_s, '{:.1f} s'):>7} {_num(row.peak_mb, '{:,.0f} MB'):>9}"
        )
    return out


def breakdown(title: str, ev: bq.Evaluation, *, details: bool = False) -> list[str]:
    out = [
        title,
        f"  {'kind':<28} {'queries':>7} {'recall':>7} {'hits':>6} {'false':>6} {'prec.':>7} "
        f"{'lenient':>7} {'FP/query':>8} {'q. w/ FP':>8}",
    ]
    items: Iterable[tuple[str, bq.KindStats]] = (
        sorted(ev.by_detail.items()) if details else ev.by_kind.items()
    )
    for kind, st in items:
        if not st.queries:
            continue
        out.append(
            f"  {kind:<28} {st.queries:>7,} {_pct(st.recall):>7} {st.hits:>6,} "
            f"{st.false_hits:>6,} {_pct(st.precision):>7} {_pct(st.lenient_precision):>7} "
            f"{st.false_hits / st.queries:>8.3f} {_pct(st.with_false / st.queries):>8}"
        )
    return out


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:,.1f}x"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _interval(iv: bq.Interval) -> str:
    return f"{100 * iv.estimate:+.1f} pp (95% CI {100 * iv.low:+.1f} .. {100 * iv.high:+.1f})"


def threshold_sweep(
    sample: Sequence[bq.BenchQuery],
    aktsam_scores: Mapping[str, Sequence[tuple[str, float]]],
    nk_scores: Mapping[str, Sequence[tuple[str, float]]],
    names: Mapping[str, Sequence[str]],
) -> list[str]:
    out = [
        "Threshold sweep on the nomenklatura sample (each system scoring the same candidate "
        "lists, no hit limit):",
        f"  {'threshold':>9}   {'aktsam recall':>13} {'prec.':>7} {'lenient':>7}   "
        f"{'logic-v2 recall':>15} {'prec.':>7} {'lenient':>7}",
    ]
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        a = bq.evaluate(sample, aktsam_scores, threshold=threshold, names=names).total
        n = bq.evaluate(sample, nk_scores, threshold=threshold, names=names).total
        out.append(
            f"  {threshold:>9.2f}   {_pct(a.recall):>13} {_pct(a.precision):>7} "
            f"{_pct(a.lenient_precision):>7}   {_pct(n.recall):>15} {_pct(n.precision):>7} "
            f"{_pct(n.lenient_precision):>7}"
        )
    return out


def negative_examples(
    label: str, ev: bq.Evaluation, captions: Mapping[str, str], per_kind: int
) -> list[str]:
    out: list[str] = []
    by_kind: dict[str, list[tuple[str, str, str, float]]] = {}
    for alert in ev.negative_alerts:
        by_kind.setdefault(alert[0].split(":")[0], []).append(alert)
    for kind in ("neg-company", "neg-synthetic", "neg-perturbed"):
        alerts = by_kind.get(kind, [])
        shown = alerts if kind == "neg-company" else alerts[:per_kind]
        out.append(f"Negative {kind} queries with a hit, {label}: {len(alerts):,}; worst:")
        for _qid, qname, eid, score in shown:
            out.append(f"  {score:.3f}  {qname!r} -> {eid} {captions.get(eid, '')!r}")
    return out


@dataclass(slots=True)
class Args:
    lists: list[str]
    limit_queries: int | None
    nomenklatura_sample: int
    seed: int
    repeats: int
    held_out: int
    cross_csl: int
    synthetic: int
    perturbed: int
    candidate_limit: int
    candidate_threshold: float
    save: bool
    bundled: bool = False
    shipped_arabic_table: bool = False
    dump: Path | None = None
    argv: list[str] = field(default_factory=list)


def parse_args(argv: Sequence[str] | None = None) -> Args:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--lists", nargs="+", default=list(LIST_FILES), choices=list(LIST_FILES))
    parser.add_argument("--limit-queries", type=int, default=None, help="cut every kind pro rata")
    parser.add_argument("--nomenklatura-sample", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3, help="timed passes (>= 3), median")
    parser.add_argument("--held-out", type=int, default=5000, help="held-out alias queries")
    parser.add_argument("--cross-csl", type=int, default=1500, help="CSL->OFAC queries (sampled)")
    parser.add_argument("--synthetic", type=int, default=1500)
    parser.add_argument("--perturbed", type=int, default=1500)
    parser.add_argument("--candidate-limit", type=int, default=25)
    parser.add_argument("--candidate-threshold", type=float, default=0.3)
    parser.add_argument(
        "--save", action="store_true", help="write bench/results/screening-<date>.txt"
    )
    parser.add_argument(
        "--bundled",
        action="store_true",
        help="screen the package's bundled snapshot (aktsam.lists.bundled) instead of parsing",
    )
    parser.add_argument(
        "--shipped-arabic-table",
        action="store_true",
        help="screen with aktsam's shipped Arabic word table, which was mined from these lists and "
        "leaks held-out answers (default: the table re-mined without the held-out entities)",
    )
    parser.add_argument(
        "--dump",
        type=Path,
        default=None,
        help="write both systems' hits on the nomenklatura sample to this JSON-lines file",
    )
    ns = parser.parse_args(argv)
    if ns.repeats < 3:
        parser.error("--repeats must be at least 3 (the median of >= 3 runs is reported)")
    return Args(
        lists=ns.lists,
        limit_queries=ns.limit_queries,
        nomenklatura_sample=ns.nomenklatura_sample,
        seed=ns.seed,
        repeats=ns.repeats,
        held_out=ns.held_out,
        cross_csl=ns.cross_csl,
        synthetic=ns.synthetic,
        perturbed=ns.perturbed,
        candidate_limit=ns.candidate_limit,
        candidate_threshold=ns.candidate_threshold,
        save=ns.save,
        bundled=ns.bundled,
        shipped_arabic_table=ns.shipped_arabic_table,
        dump=ns.dump,
        argv=list(argv if argv is not None else sys.argv[1:]),
    )


def dump_hits(
    path: Path,
    sample: Sequence[bq.BenchQuery],
    ak_hits: Mapping[str, Sequence[tuple[str, float]]],
    nk_hits: Mapping[str, Sequence[tuple[str, float]]],
    captions: Mapping[str, str],
) -> None:
    """Both systems' hits on the nomenklatura sample, one JSON line per query (for diagnosis)."""
    with open(path, "w", encoding="utf-8") as handle:
        for q in sample:
            row: dict[str, object] = {
                "qid": q.qid,
                "kind": q.kind,
                "detail": q.detail,
                "name": q.name,
                "schema": q.schema.value if q.schema else None,
                "targets": sorted(q.targets),
                "accept": sorted(q.accept),
                "ignore": sorted(q.ignore),
            }
            for label, hits in (("aktsam", ak_hits), ("logic_v2", nk_hits)):
                row[label] = [
                    [entity, round(score, 3), captions.get(entity, "")]
                    for entity, score in hits.get(q.qid, ())
                ]
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    log(f"hits written to {path}")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _hit_limit() -> int:
    """aktsam's default number of hits per query (``match_many``'s ``limit``)."""
    try:
        from aktsam.screening import weights

        return int(weights.DEFAULT_LIMIT)
    except (ImportError, AttributeError):
        return 10


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    wall = time.perf_counter()
    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else None

    log(f"parsing {', '.join(args.lists)}")
    loaded = load_lists(args.lists, bundled=args.bundled)
    log(f"{len(loaded.entities):,} entities")

    start = time.perf_counter()
    qset = bq.build_query_set(
        loaded.entities,
        seed=args.seed,
        held_out=args.held_out,
        cross_csl=args.cross_csl,
        synthetic=args.synthetic,
        perturbed=args.perturbed,
    )
    queries = qset.queries
    if args.limit_queries is not None:
        queries = bq.limit_queries(queries, args.limit_queries, seed=args.seed)
    sample = bq.stratified_sample(queries, args.nomenklatura_sample, seed=args.seed)
    build_queries_s = time.perf_counter() - start
    log(f"{len(queries):,} queries ({build_queries_s:.1f} s), nomenklatura sample {len(sample):,}")
    names = {e.id: [n.value for n in e.names] for e in loaded.entities}
    captions = {e.id: e.caption for e in loaded.entities}
    hit_limit = _hit_limit()
    by_id = {e.id: e for e in qset.entities}
    table_data = arabic_table_support()
    arabic_flags = (
        arabic_leak_flags(queries, by_id, table_data[0], table_data[1]) if table_data else {}
    )
    # aktsam's Arabic table was mined from these lists: re-mine it without every held-out entity
    # (all of them, also those --limit-queries drops: their names are held out all the same)
    start = time.perf_counter()
    shipped_table = shipped_arabic_table()
    excluded = held_out_exclusions(qset.queries, by_id)
    leak_free_table = leak_free_arabic_table(excluded, shipped=shipped_table)
    owed = own_entry_leaks([q for q in queries if q.qid in arabic_flags], by_id)
    mine_s = time.perf_counter() - start
    log(f"Arabic table, {leak_free_table.notes[0]}: {len(leak_free_table.spelling):,} words")
    ak_table, other_table = (
        (shipped_table, leak_free_table)
        if args.shipped_arabic_table
        else (leak_free_table, shipped_table)
    )

    ak = run_aktsam(
        qset.entities,
        queries,
        sample,
        repeats=args.repeats,
        candidate_threshold=args.candidate_threshold,
        candidate_limit=args.candidate_limit,
        candidates_for=arabic_flags,
        table=ak_table,
        other_table=other_table,
        other_queries=arabic_flags,
    )
    for which, digest in ((ak_table, ak.arabic_table), (other_table, ak.other_arabic_table)):
        if which is other_table and not arabic_flags:
            continue  # no held-out query involves Arabic: the other table was not needed
        if not digest or int(digest.split(":")[0]) != len(which.spelling):
            raise SystemExit(f"aktsam did not screen with the {which.name} Arabic table ({digest})")
    table_hits = {ak_table.name: ak.hits, other_table.name: ak.other_hits}
    ak_qps = len(queries) / statistics.median(ak.cold_s)
    ak_cpu_qps = len(queries) / statistics.median(ak.cold_cpu_s)
    ak_warm_qps = len(queries) / statistics.median(ak.warm_s) if ak.warm_s else None
    ak_sample_qps = len(sample) / statistics.median(ak.sample_cold_s)
    ak_ev = bq.evaluate(queries, ak.hits, threshold=THRESHOLD, names=names)
    ak_sample_ev = bq.evaluate(sample, ak.hits, threshold=THRESHOLD, names=names)
    log(f"aktsam: {ak_qps:,.0f} q/s cold, build {ak.build_s:.1f} s, peak {ak.peak_rss_mb:,.0f} MB")

    cpus = _pin_one_cpu()
    log(f"nomenklatura {NK_ALGORITHM}: scoring {len(sample):,} queries on CPU {cpus}")
    nk = run_nomenklatura(
        sample,
        by_id,
        ak.candidates,
        limit=hit_limit,
        progress=lambda n, total: log(f"  nomenklatura {n:,}/{total:,}") if n % 500 == 0 else None,
    )
    nk_ev = bq.evaluate(sample, nk.hits, threshold=NK_THRESHOLD, names=names)
    nk_qps = len(sample) / nk.compare_s if nk.compare_s else None
    nk_cpu_qps = len(sample) / nk.compare_cpu_s if nk.compare_cpu_s else None
    nk_pps = nk.pairs / nk.compare_s if nk.compare_s else None
    log(f"nomenklatura: {nk.pairs:,} pairs, {nk_pps or 0:,.0f} pairs/s")
    sample_ids = {q.qid for q in sample}
    leak_extra = [q for q in queries if q.qid in arabic_flags and q.qid not in sample_ids]
    nk_leak = run_nomenklatura(leak_extra, by_id, ak.candidates, limit=hit_limit)
    nk_leak_hits = {**nk.hits, **nk_leak.hits}
    ci = bq.paired_bootstrap(
        sample,
        ak.hits,
        nk.hits,
        threshold_a=THRESHOLD,
        threshold_b=NK_THRESHOLD,
        names=names,
        seed=args.seed,
    )

    if args.dump is not None:
        dump_hits(args.dump, sample, ak.hits, nk.hits, captions)

    # ---- report -------------------------------------------------------------------------------
    today = dt.date.today().isoformat()
    lines: list[str] = []
    add = lines.append
    add(f"aktsam screening benchmark, {today}")
    add(f"command: python bench/screening.py {' '.join(args.argv)}".rstrip())
    add(
        f"settings: seed {args.seed}, held-out {args.held_out}, cross-csl {args.cross_csl}, "
        f"synthetic {args.synthetic}, perturbed {args.perturbed}, repeats {args.repeats}, "
        f"candidates top {args.candidate_limit} >= {args.candidate_threshold}, Arabic word "
        f"table {ak_table.name}"
        + (
            " (aktsam's data/arabic_names.csv, which leaks held-out answers: see Leak check 2)"
            if ak_table.name == SHIPPED
            else " (aktsam's table re-mined without the held-out entities: see Leak check 2)"
        )
    )
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    add(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"python {platform.python_version()}, {os.cpu_count()} CPUs; every timed process pinned "
        f"to one CPU with OMP/OPENBLAS/MKL threads = 1; load average at start "
        f"{_num(load_start, '{:.2f}')}, at end {_num(load[0] if load else None, '{:.2f}')} "
        f"(other work on the machine makes timings noisy)"
    )
    add("")
    add(
        "Lists (aktsam's bundled snapshot, aktsam.lists.bundled.read_bundled):"
        if args.bundled
        else "Lists (the official files in data/lists/, parsed with aktsam.lists.parsers.parse):"
    )
    for source in args.lists:
        add(
            f"  {source:<10} {loaded.counts[source]:>7,} entities  "
            f"published {loaded.published[source] or 'n/a (not in file)':<30} "
            f"{'read' if args.bundled else 'parse'} {loaded.seconds[source]:.1f} s"
        )
    groups = {g for g in qset.groups.values() if len(g) > 1}
    add(
        f"  total      {len(loaded.entities):>7,} entities; {len(groups):,} twin groups "
        f"(explicit UN-reference / OFAC-uid links) covering {sum(len(g) for g in groups):,}"
    )
    add("")
    counts = {k: 0 for k in bq.KINDS}
    for q in queries:
        counts[q.kind] += 1
    sample_counts = {k: 0 for k in bq.KINDS}
    for q in sample:
        sample_counts[q.kind] += 1
    add("Queries (built from the lists, see bench/README.md):")
    for kind in bq.KINDS:
        add(f"  {kind:<14} {counts[kind]:>6,}   nomenklatura sample {sample_counts[kind]:>5,}")
    add(
        f"  {'total':<14} {len(queries):>6,}   nomenklatura sample {len(sample):>5,}   "
        f"(positives {sum(q.positive for q in queries):,})"
    )
    for note in qset.notes:
        add(f"  note: {note}")
    if qset.dropped_companies:
        add(
            "  note: negative companies left out because their distinctive words are in a "
            "listed name: " + ", ".join(qset.dropped_companies)
        )
    add("")

    rows = [
        Row("aktsam, all queries", ak_ev, ak_qps, ak.build_s, ak.peak_rss_mb),
        Row("aktsam, nomenklatura sample", ak_sample_ev, ak_sample_qps, ak.build_s, ak.peak_rss_mb),
        Row(f"nomenklatura {NK_ALGORITHM}, sample (*)", nk_ev, nk_qps),
    ]
    add(
        f"Results at each system's default threshold (aktsam {THRESHOLD}; logic-v2 "
        f"{NK_THRESHOLD} = yente's SCORE_THRESHOLD), at most {hit_limit} hits per query for both:"
    )
    lines.extend(table(rows))
    add(
        "  recall: positive queries with a correct entity among the hits. prec.: correct hits / "
        "all hits (over every query, negatives included). lenient: also counting as correct a "
        "hit that shares an exact normalised name with a correct entity (probable unlinked "
        "duplicate). top-1 p.: queries whose best hit is correct / queries with a hit."
    )
    add(
        f"  (*) nomenklatura is a pairwise scorer, not a search engine: each query was compared "
        f"with aktsam's top {args.candidate_limit} candidates at threshold "
        f"{args.candidate_threshold} PLUS every correct entity ({nk.truth_added:,} pairs added "
        f"that aktsam's list lacked), so its recall is not limited by aktsam's retrieval, and its "
        f"q/s counts compare() calls only, no retrieval: {nk.pairs:,} pairs, "
        f"{nk_pps or 0:,.0f} pairs/s, {nk.pairs / max(len(sample), 1):.1f} pairs/query "
        f"(building the FtM entities, {nk.convert_s:.1f} s, not counted)."
    )
    add(
        f"  aktsam q/s: one pass over queries it has never seen, in a fresh process that loaded "
        f"the saved index: median of {len(ak.cold_s)} processes "
        f"{statistics.median(ak.cold_s):.2f} s for {len(queries):,} queries (runs "
        f"{', '.join(f'{t:.2f}' for t in ak.cold_s)}); sample: median of "
        f"{len(ak.sample_cold_s)} processes {statistics.median(ak.sample_cold_s):.3f} s. "
        f"By CPU time instead of wall time (less sensitive to other load on the machine): "
        f"aktsam {_num(ak_cpu_qps)} q/s, nomenklatura {_num(nk_cpu_qps)} q/s. "
        f"For information: in the build process, whose normalisation caches the build warmed, "
        f"{_num(len(queries) / ak.build_pass_s)} q/s; the same queries a second time in the "
        f"same process (every cache warm) {_num(ak_warm_qps)} q/s."
        + ("" if ak.deterministic else " WARNING: passes returned different hits.")
    )
    add(
        f"  aktsam memory: peak RSS (ru_maxrss) of the process that loaded the entities "
        f"(unpickled, not parsed), built the index and screened every query: "
        f"{ak.peak_rss_mb:,.0f} MB (after "
        f"imports {ak.rss_imports_mb:,.0f} MB, + entities {ak.rss_entities_mb:,.0f} MB, + index "
        f"{ak.rss_index_mb:,.0f} MB); a process loading the saved index and screening: "
        f"{ak.load_peak_rss_mb:,.0f} MB. Index file {_num(ak.index_mb, '{:,.0f} MB')}, "
        f"save {_num(ak.save_s, '{:.2f} s')}, load from cache median "
        f"{statistics.median(ak.load_s):.2f} s."
    )
    add("")
    t_ak, t_nk = ak_sample_ev.total, nk_ev.total
    add("aktsam vs nomenklatura (same sample, paired bootstrap over queries) and vs targets:")
    add(
        f"  q/s, 1 core      {_num(ak_qps):>8} all queries; sample {_num(ak_sample_qps)} vs "
        f"{_num(nk_qps)} = {_ratio(ak_sample_qps, nk_qps)}   target >= {TARGET_QPS:,.0f}: "
        f"{_verdict(ak_qps >= TARGET_QPS)}"
    )
    add(
        f"  index build      {ak.build_s:>8.1f} s   target < {TARGET_BUILD_S:.0f} s: "
        f"{_verdict(ak.build_s < TARGET_BUILD_S)}"
    )
    add(
        f"  peak RSS         {ak.peak_rss_mb:>8,.0f} MB  target < {TARGET_RSS_MB:,.0f} MB: "
        f"{_verdict(ak.peak_rss_mb < TARGET_RSS_MB)}"
    )
    add(
        f"  recall           {_pct(t_ak.recall):>8} vs {_pct(t_nk.recall)}: "
        f"{_interval(ci['recall'])}   target above nomenklatura: "
        f"{_verdict((t_ak.recall or 0) > (t_nk.recall or 0))}"
    )
    add(
        f"  precision        {_pct(t_ak.precision):>8} vs {_pct(t_nk.precision)}: "
        f"{_interval(ci['precision'])}   target above nomenklatura: "
        f"{_verdict((t_ak.precision or 0) > (t_nk.precision or 0))}"
    )
    add(
        f"  lenient prec.    {_pct(t_ak.lenient_precision):>8} vs "
        f"{_pct(t_nk.lenient_precision)}: {_interval(ci['lenient_precision'])}"
    )
    add(f"  top-1 precision  {_pct(t_ak.top1_precision):>8} vs {_pct(t_nk.top1_precision)}")
    both = only_ak = only_nk = 0
    for q in sample:
        if not q.positive:
            continue
        a = any(e in q.targets for e, sc in ak.hits.get(q.qid, ()) if sc >= THRESHOLD)
        n = any(e in q.targets for e, sc in nk.hits.get(q.qid, ()) if sc >= NK_THRESHOLD)
        both += a and n
        only_ak += a and not n
        only_nk += n and not a
    add(
        f"  positives recalled by both {both:,}, by aktsam only {only_ak:,}, by nomenklatura "
        f"only {only_nk:,}"
    )
    add("")
    lines.extend(breakdown("aktsam, all queries, by kind:", ak_ev))
    lines.extend(breakdown("aktsam, nomenklatura sample, by kind:", ak_sample_ev))
    lines.extend(breakdown(f"nomenklatura {NK_ALGORITHM}, sample, by kind:", nk_ev))
    add("")
    lines.extend(breakdown("aktsam, all queries, by kind/detail:", ak_ev, details=True))
    lines.extend(
        breakdown(f"nomenklatura {NK_ALGORITHM}, sample, by kind/detail:", nk_ev, details=True)
    )
    add(
        "  held-out detail: the name kind held out, and whether it shares at least one word "
        "(simple normalisation) with a name the entity keeps ('disjoint' ones are mostly "
        "unreachable by any name matcher: nicknames, other scripts, unrelated former names)."
    )
    add("")
    for label, ev in (("aktsam (all)", ak_ev), ("nomenklatura (sample)", nk_ev)):
        share = ev.top_fp_same_name / ev.top_fp_queries if ev.top_fp_queries else None
        add(
            f"Diagnostic, {label}: {ev.top_fp_queries:,} positive queries have a false positive; "
            f"for {ev.top_fp_same_name:,} ({_pct(share)}) the best false positive has a name "
            f"identical (simple normalisation) to a name of a correct entity: most likely the "
            f"same designation on another list, not linked by UN reference or OFAC uid."
        )
    enriched_keys: dict[str, set[str]] = {}
    for eid, value in ak.enriched:
        enriched_keys.setdefault(eid, set()).add(bq.name_key(value))
    held = [q for q in queries if q.kind == "held-out"]
    restored = [
        q
        for q in held
        if any(bq.name_key(q.name) in enriched_keys.get(eid, ()) for eid in q.targets)
    ]
    add(
        f"Leak check 1: aktsam's alias table added {len(ak.enriched):,} names to "
        f"{len(enriched_keys):,} entities at index build; {len(restored):,} of {len(held):,} "
        f"held-out names came back that way."
    )
    lines.extend(
        arabic_leak_report(
            queries,
            arabic_flags,
            owed,
            ak_table,
            other_table,
            {**table_hits, f"nomenklatura {NK_ALGORITHM}": nk_leak_hits},
        )
    )
    add("")
    ak_scores = {k: v for k, v in ak.candidates.items() if k in sample_ids}
    lines.extend(threshold_sweep(sample, ak_scores, nk.scores, names))
    add("")
    lines.extend(negative_examples("aktsam (all)", ak_ev, captions, 8))
    lines.extend(negative_examples("nomenklatura (sample)", nk_ev, captions, 8))
    add("")
    add(
        f"Wall time {time.perf_counter() - wall:.0f} s (aktsam processes {ak.wall_s:.0f} s, "
        f"aktsam with the {other_table.name} Arabic table {ak.other_s:.0f} s, nomenklatura "
        f"{nk.compare_s + nk.convert_s:.0f} s, query construction {build_queries_s:.1f} s, "
        f"Arabic table re-mined in {mine_s:.1f} s)."
    )

    text = "\n".join(lines) + "\n"
    print(text)
    if args.save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"screening-{today}.txt"
        path.write_text(text, encoding="utf-8")
        log(f"saved {path}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        worker(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        raise SystemExit(main())
