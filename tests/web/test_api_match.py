"""``POST /match/{dataset}`` answers yente clients as yente does; auth, rate limits and JSON errors of the
API; and a Schemathesis run of the read endpoints against the app's own OpenAPI schema."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel, ConfigDict, Field
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from aktsam.settings import Settings
from aktsam.store import Store
from aktsam.web.app import create_app
from tests.web.apihome import api_client, copy_home
from tests.web.conftest import ApiTokenFor

# -- yente's response shape (yente/data/common.py), as a yente client reads it -----------------------


class YenteTotal(BaseModel):
    value: int
    relation: str


class YenteScored(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    referents: list[str]
    target: bool
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None
    score: float
    features: dict[str, float]
    match: bool


class YenteExample(BaseModel):
    id: str | None = None
    schema_: str = Field(alias="schema")
    properties: dict[str, str | list[Any]]


class YenteMatches(BaseModel):
    status: int
    results: list[YenteScored]
    total: YenteTotal
    query: YenteExample


class YenteFeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str


class YenteMatchResponse(BaseModel):
    responses: dict[str, YenteMatches]
    matcher: dict[str, YenteFeatureDoc]
    limit: int


HIKVISION_ENTITY_LIST = "us-csl:f095626c9f8becc70b5948507fb6de6e443b257a"  # 84 FR 54002

# The request as yente's README and nomenklatura's / OpenSanctions' example clients send it.
YENTE_REQUEST = {
    "queries": {
        "q1": {
            "schema": "Company",
            "properties": {
                "name": ["Hangzhou Hikvision Digital Technology Co., Ltd."],
                "jurisdiction": ["cn"],
            },
        },
        "q2": {
            "schema": "Person",
            "properties": {"name": ["Vladimir Putin"], "birthDate": ["1952"]},
        },
    }
}


@pytest.fixture(scope="module")
def shared(
    bundled_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    home = copy_home(bundled_settings, tmp_path_factory.mktemp("api-match-home"))
    with api_client(home) as pair:
        yield pair


@pytest.fixture
def api(shared: tuple[TestClient, dict[str, str]]) -> TestClient:
    return shared[0]


@pytest.fixture
def auth(shared: tuple[TestClient, dict[str, str]]) -> dict[str, str]:
    return shared[1]


def _h(auth: dict[str, str], role: str = "viewer") -> dict[str, str]:
    return {"Authorization": auth[role]}


def test_yente_client_request_finds_hikvision_on_the_entity_list(
    api: TestClient, auth: dict[str, str]
) -> None:
    response = api.post(
        "/match/default",
        params={"algorithm": "logic-v1", "limit": 10},
        json=YENTE_REQUEST,
        headers=_h(auth),
    )
    assert response.status_code == 200, response.text
    body = YenteMatchResponse.model_validate(response.json())
    q1 = body.responses["q1"]
    assert q1.status == 200 and q1.total.relation == "eq" and q1.total.value == len(q1.results)
    assert q1.query.schema_ == "Company"
    top = next(r for r in q1.results if r.id == HIKVISION_ENTITY_LIST)
    assert any(p.startswith("Entity List") for p in top.properties["program"])
    assert top.match is True and top.score >= 0.7 and "hikvision" in top.caption.casefold()
    assert "export.control" in top.properties["topics"]
    assert top.properties["name"] and top.features["listed_coverage"] > 0
    assert set(body.matcher) >= {"listed_coverage", "query_coverage"}
    raw = response.json()["responses"]["q1"]["results"][q1.results.index(top)]
    assert raw["explanations"]["listed"]["name"] and raw["explanations"]["score"] == top.score
    assert response.json()["run_id"] > 0
    # results are sorted, at most limit (yente's default 5)
    scores = [r.score for r in q1.results]
    assert scores == sorted(scores, reverse=True) and len(scores) <= body.limit == 10


def test_match_on_one_source_and_exclusions(api: TestClient, auth: dict[str, str]) -> None:
    only_csl = api.post("/match/us-csl", json=YENTE_REQUEST, headers=_h(auth)).json()
    assert all(
        r["datasets"] == ["us-csl"] for q in only_csl["responses"].values() for r in q["results"]
    )
    excluded = api.post(
        "/match/default", params={"exclude_dataset": "us-csl"}, json=YENTE_REQUEST, headers=_h(auth)
    ).json()
    assert not any(
        "us-csl" in r["datasets"] for q in excluded["responses"].values() for r in q["results"]
    )


def test_match_threshold_sets_the_match_flag(api: TestClient, auth: dict[str, str]) -> None:
    body = {"queries": {"q": {"schema": "Company", "properties": {"name": "Hikvision"}}}}
    strict = api.post(
        "/match/default", params={"threshold": 1.0, "cutoff": 0.5}, json=body, headers=_h(auth)
    ).json()
    results = strict["responses"]["q"]["results"]
    assert results and all(r["match"] is (r["score"] >= 1.0) for r in results)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"queries": {"q1": {"schema": "Spaceship", "properties": {"name": ["X"]}}}}, 422,
         "queries.q1.schema"),
        ({"queries": {"q1": {"schema": "Person", "properties": {"country": ["ru"]}}}}, 422,
         "queries.q1.properties.name"),
        ({"queries": {"q1": {"properties": {"name": ["X"]}}}}, 422, "queries.q1.schema"),
        ({"queries": {}}, 422, "queries"),
    ],
)  # fmt: skip
def test_match_errors_name_the_field(
    api: TestClient, auth: dict[str, str], body: dict[str, Any], status: int, field: str
) -> None:
    response = api.post("/match/default", json=body, headers=_h(auth))
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["field"] == field and error["message"]


def test_unknown_dataset_is_a_json_404(api: TestClient, auth: dict[str, str]) -> None:
    response = api.post("/match/no-such-list", json=YENTE_REQUEST, headers=_h(auth))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "us-csl" in response.json()["error"]["message"]


def test_catalog_algorithms_and_search(api: TestClient, auth: dict[str, str]) -> None:
    catalog = api.get("/catalog", headers=_h(auth)).json()
    names = {d["name"] for d in catalog["datasets"]}
    assert {"default", "us-csl", "ofac-sdn"} <= names
    algorithms = api.get("/algorithms", headers=_h(auth)).json()
    assert algorithms["default"] == algorithms["best"] == "aktsam"
    found = api.get("/search/default", params={"q": "Hikvision"}, headers=_h(auth)).json()
    assert any(r["datasets"] == ["us-csl"] for r in found["results"])


def test_api_needs_a_token_and_the_role(api: TestClient, auth: dict[str, str]) -> None:
    anonymous = api.post("/match/default", json=YENTE_REQUEST)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    wrong = api.get("/catalog", headers={"Authorization": "Bearer aks_not-a-token"})
    assert wrong.status_code == 401
    decision = {"party_id": "p", "entity_id": "us-csl:x", "decision": "clear", "reason": "r"}
    forbidden = api.post("/api/hits/decisions", json=decision, headers=_h(auth, "viewer"))
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "forbidden"
    assert api.get("/api/lists", headers=_h(auth, "viewer")).status_code == 200


def test_openapi_and_docs_are_behind_the_login(api: TestClient, auth: dict[str, str]) -> None:
    assert api.get("/api/openapi.json").status_code == 401
    spec = api.get("/api/openapi.json", headers=_h(auth)).json()
    assert "/match/{dataset}" in spec["paths"] and "/api/sales/check" in spec["paths"]
    assert {t["name"] for t in spec["tags"]} >= {"matching", "screening", "sales"}
    assert api.get("/api/docs").status_code == 401
    page = api.get("/api/docs", headers=_h(auth))
    assert page.status_code == 200 and "POST /match/{dataset}" in page.text
    assert "<script" not in page.text


def test_rate_limit_answers_429_with_retry_after(
    store: Store, api_token: ApiTokenFor, tmp_path: Path
) -> None:
    app = create_app(dataclasses.replace(store.settings, api_rate_limit=2), store=store)
    headers = {"Authorization": f"Bearer {api_token('viewer')}"}
    with TestClient(app) as client:
        assert client.get("/algorithms", headers=headers).status_code == 200
        assert client.get("/algorithms", headers=headers).status_code == 200
        limited = client.get("/algorithms", headers=headers)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.json()["error"]["code"] == "rate_limited"


# -- Schemathesis: the app against its own OpenAPI schema ------------------------------------------------


@pytest.fixture(scope="module")
def api_schema(shared: tuple[TestClient, dict[str, str]]) -> Any:
    client, auth = shared
    schema = schemathesis.openapi.from_asgi(
        "/api/openapi.json", client.app, headers={"Authorization": auth["admin"]}
    )
    # every GET, and POST /match (the other POSTs write: covered by their own tests)
    return schema.exclude(method="POST", path_regex="^/api/").exclude(path="/health")


def test_schemathesis(api_schema: Any, shared: tuple[TestClient, dict[str, str]]) -> None:
    """No 5xx, and every answer conforms to the schema (status, content type, body)."""
    headers = {"Authorization": shared[1]["admin"]}
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)  # fmt: skip
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=checks)

        run()
