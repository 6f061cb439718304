"""``POST /match/{dataset}``: OpenSanctions yente's matching API, answered by aktsam's matcher.

Request and response follow yente (``yente/data/common.py``: ``EntityMatchQuery`` → ``EntityMatchResponse``)
so that existing yente clients (nomenklatura's, OpenSanctions' examples, ERP connectors) work unchanged:
queries of FollowTheMoney-style properties in, ``responses.<key>.results`` with ``score``, ``match`` and
``features`` out. aktsam adds ``explanations`` to each result (how the names met, token by token),
each result's review ``status`` for the query id (from the screening service, as in the CLI and the
pages: ``pending`` while a clearance awaits four-eyes approval), and a top-level ``warnings`` list of
the lists in force past their staleness limit. Every call is screened by the screening service
(:meth:`Screener.screen_groups`) and recorded as a screening run (kind ``api-match``) with the
token's user as actor; this module only maps yente's request and response shapes.

Datasets are aktsam's current list snapshots: ``default`` (also ``sanctions`` / ``all``) is every list in
force, or one source id (``us-csl``, ``ofac-sdn``, ``un-sc``, ``eu-fsf``, ``uk-hmt``…).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from aktsam.lists.model import ListedEntity, NameKind, Schema
from aktsam.lists.snapshots import Snapshot, current_snapshots, get_entity
from aktsam.screening import matcher
from aktsam.screening.decisions import HIT_STATUSES
from aktsam.screening.designations import (
    Listing,
    first_designations,
    group_hits,
    listings,
)
from aktsam.screening.matcher import Hit, match_many
from aktsam.screening.service import DESIGNATION_HEADROOM, QueryGroup, best_per_entity
from aktsam.screening.weights import DEFAULT_THRESHOLD
from aktsam.web.api.common import write
from aktsam.web.api.screening import StaleListOut, stale_out
from aktsam.web.auth import CurrentUser, get_store, router
from aktsam.web.errors import WebError
from aktsam.web.screener import shared_screener

ALGORITHM = "aktsam"
"""The one matcher; yente's algorithm names are accepted as aliases so clients need no change."""
ALGORITHMS = frozenset(
    {
        ALGORITHM,
        "best",
        "default",
        "logic-v1",
        "logic-v2",
        "regression-v1",
        "regression-v2",
        "regression-v3",
        "name-based",
        "name-qualified",
    }
)
ALL_DATASETS = frozenset({"default", "sanctions", "all"})
MAX_LIMIT = 50
SANCTION_SOURCES = frozenset({"ofac-sdn", "un-sc", "eu-fsf", "uk-hmt", "ofac-cons"})

# FollowTheMoney schema -> aktsam's kind of party (None: any)
SCHEMAS: dict[str, Schema | None] = {
    "Person": Schema.PERSON,
    "Company": Schema.ORGANIZATION,
    "Organization": Schema.ORGANIZATION,
    "PublicBody": Schema.ORGANIZATION,
    "LegalEntity": None,
    "Thing": None,
    "Vessel": Schema.VESSEL,
    "Airplane": Schema.AIRCRAFT,
}
FTM_SCHEMA: dict[Schema, str] = {
    Schema.PERSON: "Person",
    Schema.ORGANIZATION: "Organization",
    Schema.VESSEL: "Vessel",
    Schema.AIRCRAFT: "Airplane",
    Schema.UNKNOWN: "LegalEntity",
}
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry")
DATE_PROPS = ("birthDate", "incorporationDate")
IDENTIFIER_PROPS = (
    "registrationNumber",
    "taxNumber",
    "idNumber",
    "passportNumber",
    "imoNumber",
    "leiCode",
    "innCode",
    "ogrnCode",
    "swiftBic",
    "vatCode",
    "okpoCode",
    "mmsi",
    "registrationNumber",
    "uscCode",
)
# aktsam identifier type -> FollowTheMoney property
IDENTIFIER_TYPES = {
    "passport": "passportNumber",
    "national_id": "idNumber",
    "imo": "imoNumber",
    "registration": "registrationNumber",
    "tax_id": "taxNumber",
    "swift": "swiftBic",
}

FEATURES: dict[str, str] = {
    "listed_coverage": "Weighted share of the listed name's tokens the query matched.",
    "query_coverage": "Weighted share of the query name's tokens matched in the listed name.",
    "base_score": "The coverage mix before adjustments.",
}


class FeatureDoc(BaseModel):
    description: str | None = Field(None, examples=["Share of the listed name matched."])
    coefficient: float = Field(..., examples=[1.0])
    url: str = Field(..., examples=["https://github.com/aktsam/aktsam"])


class EntityExample(BaseModel):
    """One query: a FollowTheMoney schema and properties (each a string or a list of strings)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["my-entity-id"])
    schema_: str = Field(
        ...,
        alias="schema",
        description=f"FollowTheMoney schema: {', '.join(SCHEMAS)}.",
        examples=["Company"],
    )
    properties: dict[str, str | list[Any]] = Field(
        ...,
        description="`name` (required; `alias` and Person name parts also count), `country`, "
        "`nationality`, `birthDate`, `incorporationDate`, `registrationNumber`, `taxNumber`, "
        "`idNumber`, `passportNumber`, `imoNumber`…; other properties are accepted and ignored.",
        examples=[{"name": ["Hangzhou Hikvision Digital Technology"], "country": ["cn"]}],
    )


class EntityMatchQuery(BaseModel):
    """yente's match request: named queries, each matched on its own."""

    weights: dict[str, float] = Field(
        {},
        description="yente's feature weights; accepted, not used (aktsam has its own).",
        examples=[{}],
    )
    queries: dict[str, EntityExample] = Field(
        ...,
        examples=[
            {
                "q1": {
                    "schema": "Company",
                    "properties": {"name": ["Hikvision"], "country": ["cn"]},
                }
            }
        ],
    )


class TotalSpec(BaseModel):
    value: int = Field(..., examples=[1])
    relation: str = Field("eq", examples=["eq"])


class ScoredEntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(
        ..., description="aktsam's entity id: `source:source_id`.", examples=["us-csl:1a2b3c"]
    )
    caption: str = Field(..., examples=["Hangzhou Hikvision Digital Technology Co., Ltd."])
    schema_: str = Field(..., alias="schema", examples=["Organization"])
    properties: dict[str, list[str]] = Field(
        ..., examples=[{"name": ["Hangzhou Hikvision Digital Technology Co., Ltd."]}]
    )
    datasets: list[str] = Field(
        [],
        description="Every list the designation is on (entries the lists link as one designation "
        "are one result, as yente merges entities).",
        examples=[["ofac-sdn", "us-csl"]],
    )
    referents: list[str] = Field(
        [],
        description="The designation's other entries (aktsam entity ids).",
        examples=[["us-csl:29159"]],
    )
    target: bool = True
    first_seen: dt.datetime | None = Field(None, description="When aktsam imported the snapshot.")
    last_seen: dt.datetime | None = None
    last_change: dt.datetime | None = None
    score: float = Field(..., examples=[0.93])
    features: dict[str, float] = Field(..., examples=[{"listed_coverage": 1.0}])
    match: bool = Field(..., description="score ≥ threshold")
    explanations: dict[str, Any] = Field(
        ..., description="aktsam's explanation of the score (tokens paired, adjustments)."
    )
    status: str = Field(
        "open",
        description="Review state for this query id (the screening service's, as in the CLI and "
        "the pages): " + "; ".join(f"`{k}`: {v}" for k, v in HIT_STATUSES.items()),
    )


class EntityMatches(BaseModel):
    status: int = Field(200, examples=[200])
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int = Field(..., examples=[5])
    run_id: int | None = Field(None, description="aktsam's screening run recording this call.")
    warnings: list[StaleListOut] = Field(
        [],
        description="aktsam: lists matched against that are past their staleness limit (a "
        "result, or no result, rests on old data). Empty when all are fresh.",
    )


class SearchResponse(BaseModel):
    limit: int
    offset: int = 0
    total: TotalSpec
    results: list[ScoredEntityResponse]
    facets: dict[str, Any] = {}


class DatasetModel(BaseModel):
    name: str
    title: str
    summary: str | None = None
    url: str | None = None
    load: bool = True
    entities_url: str | None = None
    version: str
    index_version: str | None = None
    index_current: bool = True
    children: list[str] = []


class DataCatalogModel(BaseModel):
    datasets: list[DatasetModel]
    current: list[str]
    outdated: list[str]
    index_stale: bool = False


class Algorithm(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc]


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


# -- mapping -------------------------------------------------------------------------------------------


def _values(props: dict[str, Any], name: str) -> list[str]:
    raw = props.get(name)
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    return [str(v).strip() for v in items if v is not None and str(v).strip()]


def _sources(
    request: Request, dataset: str, include: list[str], exclude: list[str]
) -> tuple[list[str], list[Snapshot]]:
    snaps = current_snapshots(get_store(request))
    available = sorted(s.source for s in snaps)
    if dataset in ALL_DATASETS:
        chosen = available
    elif dataset in available:
        chosen = [dataset]
    else:
        raise WebError(
            404,
            f"unknown dataset {dataset!r}; use default or one of: {', '.join(available)}",
            field="dataset",
        )
    for value, where in ((include, "include_dataset"), (exclude, "exclude_dataset")):
        unknown = sorted(set(value) - set(available))
        if unknown:
            raise WebError(422, f"unknown dataset(s) {', '.join(unknown)}", field=where)
    if include:
        chosen = [s for s in chosen if s in include]
    chosen = [s for s in chosen if s not in exclude]
    return chosen, [s for s in snaps if s.source in chosen]


def _queries(key: str, example: EntityExample) -> list[matcher.Query]:
    """The aktsam queries for one yente query: one per name (name, aliases, joined name parts)."""
    where = f"queries.{key}"
    if example.schema_ not in SCHEMAS:
        raise WebError(
            422,
            f"unsupported schema {example.schema_!r}; use one of {', '.join(SCHEMAS)}",
            field=f"{where}.schema",
        )
    schema = SCHEMAS[example.schema_]
    props = example.properties
    names = [n for p in NAME_PROPS for n in _values(props, p)]
    parts = " ".join(n for p in NAME_PARTS for n in _values(props, p)[:1])
    if parts:
        names.append(parts)
    names = list(dict.fromkeys(n for n in names if len(n) <= 500))
    if not names:
        raise WebError(
            422,
            "the query has no name: give properties.name (or alias, or firstName/lastName)",
            field=f"{where}.properties.name",
        )
    countries = tuple(
        dict.fromkeys(c.lower() for p in COUNTRY_PROPS for c in _values(props, p) if len(c) == 2)
    )
    dates = [d for p in DATE_PROPS for d in _values(props, p)]
    birth = dates[0][:10] if dates else None
    identifiers = tuple(dict.fromkeys(i for p in IDENTIFIER_PROPS for i in _values(props, p)))
    return [
        matcher.Query(
            name=name,
            schema=schema,
            countries=countries,
            birth_date=birth,
            identifiers=identifiers,
            id=example.id or key,
        )
        for name in names[:20]
    ]


def _topics(entity: ListedEntity) -> list[str]:
    if entity.source in SANCTION_SOURCES:
        return ["sanction"]
    sublist = (entity.sublist or "").lower()
    if "specially designated" in sublist or "sdn" in sublist:
        return ["sanction"]
    return ["export.control"]


def ftm_properties(entity: ListedEntity) -> dict[str, list[str]]:
    """The listed entity as FollowTheMoney-style properties (empty ones left out)."""
    props: dict[str, list[str]] = {}

    def add(prop: str, value: str | None) -> None:
        if value and value not in props.setdefault(prop, []):
            props[prop].append(value)

    kinds = {
        NameKind.PRIMARY: "name",
        NameKind.ALIAS: "alias",
        NameKind.WEAK_ALIAS: "weakAlias",
        NameKind.FORMER: "previousName",
        NameKind.ORIGINAL_SCRIPT: "alias",
    }
    for name in entity.names:
        if name.kind in kinds:
            add(kinds[name.kind], name.value)
    if "name" not in props:
        add("name", entity.caption)
    for value in entity.birth_dates:
        add("birthDate", value)
    for value in entity.birth_places:
        add("birthPlace", value)
    for value in entity.nationalities:
        add("nationality", value.lower())
    for value in entity.countries:
        add("country", value.lower())
    for address in entity.addresses:
        add("address", address.full)
    for ident in entity.identifiers:
        add(IDENTIFIER_TYPES.get(ident.type, "idNumber"), ident.value)
    add("program", entity.sublist)  # the consolidated list's underlying list ("Entity List")
    for program in entity.programs:
        add("program", program)
    add("notes", entity.remarks)
    add("sourceUrl", entity.url)
    add("createdAt", entity.listed_on)
    for topic in _topics(entity):
        add("topics", topic)
    return {k: v for k, v in props.items() if v}


def _features(hit: Hit) -> dict[str, float]:
    explanation = hit.explanation
    features = {
        "listed_coverage": round(explanation.listed_coverage, 4),
        "query_coverage": round(explanation.query_coverage, 4),
        "base_score": round(explanation.base_score, 4),
    }
    for adjustment in explanation.adjustments:
        features[adjustment.feature] = round(
            features.get(adjustment.feature, 0.0) + adjustment.delta, 4
        )
    return features


def _result(
    hit: Hit,
    entity: ListedEntity,
    snap: Snapshot,
    threshold: float,
    status: str,
    *,
    key: str | None = None,
    entries: Sequence[tuple[str, float, str]] = (),
    listings: Sequence[Listing] = (),
) -> ScoredEntityResponse:
    """One result per designation, as yente returns a merged entity: the best-scoring entry's data,
    every list the designation is on in ``datasets``, its other entries' ids in ``referents``, each
    matched entry's (id, score, state) under ``explanations["designation"]``."""
    explanations = hit.explanation.to_dict()
    if key is not None:
        explanations["designation"] = {
            "id": key,
            "status": status,
            "entries": [
                {"entity_id": eid, "score": round(score, 4), "status": state}
                for eid, score, state in entries
            ],
            "listings": [x.to_dict() for x in listings],
        }
    return ScoredEntityResponse(
        id=hit.entity_id,
        caption=hit.caption,
        schema=FTM_SCHEMA.get(hit.schema, "LegalEntity"),
        properties=ftm_properties(entity),
        datasets=sorted({x.source for x in listings} | {hit.source}),
        referents=[x.entity_id for x in listings if x.entity_id != hit.entity_id],
        target=True,
        first_seen=snap.imported_at,
        last_seen=snap.imported_at,
        score=round(hit.score, 4),
        features=_features(hit),
        match=hit.score >= threshold,
        explanations=explanations,
        status=status,
    )


def matcher_docs() -> dict[str, FeatureDoc]:
    url = "https://github.com/aktsam/aktsam/blob/main/docs/design/matching.md"
    return {
        name: FeatureDoc(description=text, coefficient=1.0, url=url)
        for name, text in FEATURES.items()
    }


# -- routes --------------------------------------------------------------------------------------------

api = router(role="viewer", tags=["matching"])

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Results per query.")]
Threshold = Annotated[
    float,
    Query(gt=0.0, le=1.0, description="Score from which a result is a `match` (aktsam's default)."),
]
Cutoff = Annotated[
    float | None,
    Query(gt=0.0, le=1.0, description="Lowest score returned (default: the threshold)."),
]
DatasetPath = Annotated[
    str,
    Path(
        max_length=100,
        description="`default` for every list in force, or one aktsam source id (`us-csl`…).",
        examples=["default"],
    ),
]
ListParam = Annotated[list[str], Query(max_length=50)]


@api.post(
    "/match/{dataset}",
    response_model=EntityMatchResponse,
    response_model_by_alias=True,
    summary="Match entities (yente-compatible)",
    responses={404: {"description": "Unknown dataset"}, 422: {"description": "Invalid query"}},
)
def match_entities(
    request: Request,
    user: CurrentUser,
    dataset: DatasetPath,
    body: EntityMatchQuery,
    limit: Limit = 5,
    threshold: Threshold = DEFAULT_THRESHOLD,
    cutoff: Cutoff = None,
    algorithm: Annotated[str, Query(max_length=50)] = ALGORITHM,
    include_dataset: ListParam = [],  # noqa: B006 - FastAPI copies defaults
    exclude_dataset: ListParam = [],  # noqa: B006
    exclude_schema: ListParam = [],  # noqa: B006
    topics: ListParam = [],  # noqa: B006
) -> EntityMatchResponse:
    """Match each query against the lists in force, as yente's `/match` does.

    Returns, per query key, the best `limit` listed entities scoring at least `cutoff`, each with
    `score`, `match` (score ≥ `threshold`), `features` and aktsam's `explanations`. The call is
    recorded as a screening run (kind `api-match`) with the caller as actor.
    """
    if algorithm not in ALGORITHMS:
        raise WebError(
            422,
            f"unknown algorithm {algorithm!r}; use {ALGORITHM} (yente's names are aliases)",
            field="algorithm",
        )
    if not body.queries:
        raise WebError(422, "no queries given", field="queries")
    if len(body.queries) > 100:
        raise WebError(422, "at most 100 queries per request", field="queries")
    store = get_store(request)
    sources, _ = _sources(request, dataset, include_dataset, exclude_dataset)
    if not sources:
        raise WebError(
            422,
            "include_dataset and exclude_dataset leave no list to match against (an answer from "
            "no list would read as 'no match')",
            field="exclude_dataset",
        )
    prepared = {key: _queries(key, example) for key, example in body.queries.items()}
    floor = min(cutoff if cutoff is not None else threshold, threshold)
    excluded = {schema for schema, name in FTM_SCHEMA.items() if name in exclude_schema}
    screener = shared_screener(request)
    run = write(
        lambda: screener.screen_groups(
            [QueryGroup(example.id or key, prepared[key]) for key, example in body.queries.items()],
            lists=sources,
            threshold=floor,
            limit=limit,
            actor=user.username,
            kind="api-match",
            exclude_schemas=excluded,
            params={"dataset": dataset, "threshold": threshold, "cutoff": floor},
        )
    )
    by_source = {s.source: s for s in run.snapshots}
    responses: dict[str, EntityMatches] = {}
    for (key, example), result in zip(body.queries.items(), run.results, strict=True):
        results = []
        for designation in result.designations:
            lead = designation.lead
            snap = by_source[lead.hit.source]
            entity = get_entity(store, snap.id, lead.entity_id)
            results.append(
                _result(
                    lead.hit,
                    entity,
                    snap,
                    threshold,
                    designation.status,
                    key=designation.key,
                    entries=[(h.entity_id, h.score, h.status) for h in designation.hits],
                    listings=designation.listings,
                )
            )
        responses[key] = EntityMatches(
            status=200,
            results=results,
            total=TotalSpec(value=len(results), relation="eq"),
            query=example,
        )
    return EntityMatchResponse(
        responses=responses,
        matcher=matcher_docs(),
        limit=limit,
        run_id=run.run_id,
        warnings=stale_out(run.stale_lists),
    )


@api.get(
    "/search/{dataset}",
    response_model=SearchResponse,
    response_model_by_alias=True,
    summary="Search by name (yente-compatible, simple)",
)
def search_entities(
    request: Request,
    user: CurrentUser,
    dataset: DatasetPath,
    q: Annotated[str, Query(min_length=1, max_length=500, description="A name.")],
    limit: Limit = 10,
    schema: Annotated[str, Query(max_length=50)] = "LegalEntity",
) -> SearchResponse:
    """Listed entities whose names resemble `q` (not recorded as a screening run)."""
    example = EntityExample(id=None, schema=schema, properties={"name": [q]})
    queries = _queries("q", example)
    sources, snaps = _sources(request, dataset, [], [])
    by_source = {s.source: s for s in snaps}
    screener = shared_screener(request)
    floor = min(0.5, DEFAULT_THRESHOLD)
    matched = (
        match_many(
            screener.index(),
            queries,
            threshold=floor,
            limit=limit * DESIGNATION_HEADROOM,
            sources=sources,
        )
        if sources
        else [[]]
    )
    store = get_store(request)
    index = screener.index()
    hits = first_designations(index, best_per_entity(matched), limit)
    results = [
        _result(
            group[0],
            get_entity(store, by_source[group[0].source].id, group[0].entity_id),
            by_source[group[0].source],
            DEFAULT_THRESHOLD,
            "open",
            key=key,
            entries=[(h.entity_id, h.score, "open") for h in group],
            listings=listings(index, group[0].entity_id, sources),
        )
        for key, group in group_hits(index, hits)
    ]
    return SearchResponse(
        limit=limit, total=TotalSpec(value=len(results), relation="eq"), results=results
    )


@api.get("/catalog", response_model=DataCatalogModel, summary="Datasets (yente-compatible)")
def catalog(request: Request, user: CurrentUser) -> DataCatalogModel:
    """The lists in force as yente datasets, plus `default` (all of them)."""
    snaps = sorted(current_snapshots(get_store(request)), key=lambda s: s.source)
    datasets = [
        DatasetModel(
            name=s.source,
            title=s.source,
            summary=f"{s.entity_count} entities, snapshot {s.label}",
            url=s.url,
            version=s.label,
            index_version=s.sha256[:12],
        )
        for s in snaps
    ]
    datasets.append(
        DatasetModel(
            name="default",
            title="All lists in force",
            version="-".join(s.label for s in snaps) or "empty",
            children=[s.source for s in snaps],
        )
    )
    return DataCatalogModel(
        datasets=datasets, current=[d.name for d in datasets], outdated=[], index_stale=False
    )


@api.get("/algorithms", response_model=AlgorithmResponse, summary="Algorithms (yente-compatible)")
def algorithms(user: CurrentUser) -> AlgorithmResponse:
    """aktsam's matcher (the only one; yente's algorithm names are accepted as aliases)."""
    algorithm = Algorithm(
        name=ALGORITHM,
        description="aktsam's explainable token-alignment matcher with transliteration.",
        features=matcher_docs(),
    )
    return AlgorithmResponse(algorithms=[algorithm], default=ALGORITHM, best=ALGORITHM)


ROUTERS = (api,)

__all__ = ["ROUTERS", "EntityMatchQuery", "EntityMatchResponse", "ftm_properties"]
