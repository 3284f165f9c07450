"""The HTTP API as the contract states it, with the model injected by dependency_overrides."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.schemas import BatchResponse, Prediction
from service.settings import Settings
from tests.contract import CAUSE_IDS

LEVELS = {"self_care", "see_doctor", "urgent", "emergency"}


def check_shape(answer: dict, text: str, top_k: int = 3) -> None:
    assert set(answer) >= {
        "in_scope",
        "causes",
        "referral",
        "red_flags",
        "duration_days",
        "model_version",
        "disclaimer",
    }
    causes = answer["causes"]
    assert len(causes) <= top_k
    confidences = [c["confidence"] for c in causes]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences) and sum(confidences) <= 1.0 + 1e-6
    for cause in causes:
        assert cause["id"] in CAUSE_IDS and cause["name"]
        assert all(piece in text for piece in cause["evidence"])
    level = answer["referral"]["level"]
    assert level in LEVELS or (level is None and not answer["in_scope"] and not answer["red_flags"])
    if level is not None:
        assert answer["referral"]["reasons"] and answer["referral"]["advice"]
    if not answer["in_scope"]:
        assert causes == []
    assert "not a diagnosis" in answer["disclaimer"].lower()


def test_predict_answers_the_contract(client: TestClient):
    text = "my upper lip twitches since I quit smoking"
    response = client.post("/v1/predict", json={"text": text})
    assert response.status_code == 200
    answer = response.json()
    check_shape(answer, text)
    assert answer["in_scope"] is True
    assert answer["causes"][0]["id"] == "smoking_withdrawal"
    assert answer["causes"][0]["evidence"]
    assert answer["referral"]["level"] == "self_care"


@pytest.mark.parametrize("top_k", [1, 5, 11])
def test_top_k(client: TestClient, top_k: int):
    text = "four espressos and my lip keeps jumping"
    answer = client.post("/v1/predict", json={"text": text, "top_k": top_k}).json()
    check_shape(answer, text, top_k)
    assert len(answer["causes"]) == top_k


def test_an_emergency_leads_with_what_its_signs_may_mean(client: TestClient):
    text = "her face dropped on one side and her words come out garbled"
    answer = client.post("/v1/predict", json={"text": text}).json()
    check_shape(answer, text)
    assert answer["referral"]["level"] == "emergency"
    assert answer["alert"]["concern"] == "stroke"
    assert "stroke" in answer["alert"]["headline"].lower()
    calm = client.post("/v1/predict", json={"text": "lip twitch after coffee"}).json()
    assert calm["alert"] is None


def test_red_flag_in_out_of_scope_text(client: TestClient):
    text = "my chest hurts and my left arm is numb"
    answer = client.post("/v1/predict", json={"text": text}).json()
    check_shape(answer, text)
    assert answer["referral"]["level"] == "emergency"
    assert {f["id"] for f in answer["red_flags"]} >= {"chest_pain"}


def test_out_of_scope_says_what_it_covers(client: TestClient):
    text = "how do I file my tax return?"
    answer = client.post("/v1/predict", json={"text": text}).json()
    check_shape(answer, text)
    assert answer["in_scope"] is False and answer["causes"] == []
    assert answer["referral"]["level"] is None
    assert "twitching" in answer["message"]


def test_batch_keeps_order(client: TestClient):
    texts = ["cold sore tingling on my lip", "how do I bake bread", "I had a seizure"]
    response = client.post("/v1/predict/batch", json={"texts": texts})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 3
    for text, answer in zip(texts, results, strict=True):
        check_shape(answer, text)
    assert results[0]["causes"][0]["id"] == "herpes"
    assert results[2]["referral"]["level"] == "emergency"


def test_causes_lists_all(client: TestClient):
    causes = client.get("/v1/causes").json()
    assert [c["id"] for c in causes] == list(CAUSE_IDS)
    assert all({"name", "description", "default_level", "advice"} <= set(c) for c in causes)


def test_health_ready_metrics_page(client: TestClient):
    assert client.get("/health").status_code == 200
    assert client.get("/ready").status_code == 200
    client.post("/v1/predict", json={"text": "lip twitch after coffee"})
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert "triage_http_requests_total" in metrics.text
    assert 'triage_referrals_total{level="self_care"}' in metrics.text
    page = client.get("/")
    assert page.status_code == 200 and "<form" in page.text
    assert client.get("/openapi.json").status_code == 200


def test_without_model_ready_and_predict_are_503(tmp_path: Path):
    app = create_app(Settings(models_dir=tmp_path))
    with TestClient(app) as c:
        assert c.get("/health").status_code == 200
        assert c.get("/ready").status_code == 503
        response = c.post("/v1/predict", json={"text": "lip twitch"})
        assert response.status_code == 503
        assert "make train" in response.json()["detail"]


BAD_BODIES = [
    ({"text": ""}, 422),
    ({"text": "   \n\t "}, 422),
    ({"text": "\u2028\u3000\ufeff\x1d"}, 422),
    ({"text": "a" * 5001}, 422),
    ({"text": 42}, 422),
    ({"text": None}, 422),
    ({"text": ["lip"]}, 422),
    ({}, 422),
    ({"text": "lip", "top_k": 0}, 422),
    ({"text": "lip", "top_k": 12}, 422),
    ({"text": "lip", "top_k": "three"}, 422),
    ({"text": "lip", "extra": 1}, 422),
    ({"text": "lip", "answers": {"stopped_nicotine": "maybe"}}, 422),
    ({"text": "lip", "answers": {"": "yes"}}, 422),
    ({"text": "lip", "answers": {"x" * 65: "yes"}}, 422),
    ({"text": "lip", "answers": ["stopped_nicotine"]}, 422),
    ([], 422),
    ("just a string", 422),
]


@pytest.mark.parametrize(("body", "status"), BAD_BODIES)
def test_bad_input_is_a_clear_4xx(client: TestClient, body, status: int):
    response = client.post("/v1/predict", json=body)
    assert response.status_code == status
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"text": "lip',
        b"not json at all",
        b'{"text": "\xff\xfe lip"}',
        b"",
        b'{"text": "\\ud800"}',
    ],
)
def test_malformed_bodies(client: TestClient, raw: bytes):
    response = client.post("/v1/predict", content=raw, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_body_over_64_kib_is_413(client: TestClient, caplog):
    with caplog.at_level(logging.INFO, logger="service.access"):
        response = client.post("/v1/predict", json={"text": "a" * 70_000})
    assert response.status_code == 413
    assert "bytes" in response.json()["detail"]
    # an operator sees it like any request: a request id, one access log line, a metric
    request_id = response.headers["x-request-id"]
    logged = [r for r in caplog.records if r.name == "service.access"]
    assert [(r.request_id, r.status) for r in logged] == [(request_id, 413)]
    metrics = client.get("/metrics").text
    assert any('status="413"' in line for line in metrics.splitlines()), metrics[:500]


def test_batch_limits(client: TestClient):
    assert client.post("/v1/predict/batch", json={"texts": []}).status_code == 422
    many = {"texts": ["lip twitch"] * 257}
    assert client.post("/v1/predict/batch", json=many).status_code == 422
    assert client.post("/v1/predict/batch", json={"texts": ["ok", 3]}).status_code == 422


def test_one_bad_text_in_a_batch_is_marked_and_the_others_answered(client: TestClient):
    texts = ["lip twitch after coffee", "", "a" * 5001, "   ", "my eyelid jumps when stressed"]
    response = client.post("/v1/predict/batch", json={"texts": texts})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == len(texts)
    assert results[0]["in_scope"] and results[4]["in_scope"]
    single = client.post("/v1/predict", json={"text": ""}).json()["detail"][0]["msg"]
    assert results[1] == {"error": "text: " + single.removeprefix("Value error, ")}
    assert "at most 5000 characters" in results[2]["error"]
    assert "empty or only whitespace" in results[3]["error"]


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02 lip",
        "\u202e\u200f twitching lip \u202c",
        "😀😀😀",
        "a" * 5000,
        "мой верхний губа дергается",
        "上唇がピクピクする",
        "ﷺ" * 1000,
    ],
)
def test_odd_unicode_never_breaks(client: TestClient, text: str):
    response = client.post("/v1/predict", json={"text": text})
    assert response.status_code == 200
    check_shape(response.json(), text)


def test_validation_error_does_not_echo_the_text(client: TestClient):
    secret = "zq-private-" + "x" * 5000
    response = client.post("/v1/predict", json={"text": secret})
    assert response.status_code == 422
    assert "zq-private" not in response.text


def test_raw_text_never_logged(client: TestClient, caplog):
    marker = "unique-marker-7f3a9 my lip twitches"
    with caplog.at_level(logging.DEBUG):
        response = client.post("/v1/predict", json={"text": marker})
        client.post("/v1/predict", json={"text": marker, "top_k": 99})
    assert response.status_code == 200
    assert "unique-marker-7f3a9" not in caplog.text
    access = [r for r in caplog.records if r.name == "service.access"]
    assert access and all(getattr(r, "request_id", None) for r in access)


def test_request_id_header(client: TestClient):
    response = client.get("/health", headers={"x-request-id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert len(client.get("/health").headers["x-request-id"]) == 32


def test_json_logs(client: TestClient, capsys):
    from service.logs import JsonFormatter

    record = logging.LogRecord("service.access", logging.INFO, "", 0, "request", None, None)
    record.request_id = "r1"
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "r1" and line["message"] == "request"


def test_ready_is_503_while_the_model_loads(trained_model_dir: Path, monkeypatch):
    import threading
    import time

    import service.app as app_module

    release = threading.Event()
    real = app_module.Analyser.from_serving

    def slow_load(serving):
        release.wait(timeout=30)
        return real(serving)

    monkeypatch.setattr(app_module.Analyser, "from_serving", staticmethod(slow_load))
    app = create_app(Settings(models_dir=trained_model_dir.parent))
    with TestClient(app) as c:
        assert c.get("/health").status_code == 200
        response = c.get("/ready")
        assert response.status_code == 503 and "loading" in response.json()["detail"]
        release.set()
        for _ in range(300):
            if c.get("/ready").status_code == 200:
                break
            time.sleep(0.02)
        assert c.get("/ready").json()["status"] == "ready"
        assert c.post("/v1/predict", json={"text": "lip twitch after coffee"}).status_code == 200


def test_follow_up_questions_and_replies_round_trip(client: TestClient):
    """The client sends the same text with the replies; the service keeps no state."""
    text = "my lip keeps twitching"
    first = client.post("/v1/predict", json={"text": text}).json()
    assert first["questions"], first
    asked = first["questions"][0]
    assert set(asked) == {"id", "text", "kind", "gain"}
    again = client.post("/v1/predict", json={"text": text, "answers": {asked["id"]: "no"}})
    assert again.status_code == 200
    body = again.json()
    assert body["replies"][0]["question_id"] == asked["id"]
    assert body["replies"][0]["reply"] == "no" and body["replies"][0]["effect"]
    assert asked["id"] not in {q["id"] for q in body["questions"]}
    assert all("against" in c for c in body["causes"])


def test_a_question_this_model_does_not_ask_is_ignored_and_said_so(client: TestClient):
    """A client may hold an earlier model's questions: the answer comes, and says what it left."""
    body = {"text": "my lip twitches", "answers": {"no_such_thing": "yes"}}
    response = client.post("/v1/predict", json=body)
    assert response.status_code == 200
    reply = response.json()["replies"][0]
    assert reply["question_id"] == "no_such_thing" and "ignored" in reply["effect"]


def test_the_schema_documents_questions_and_answers(client: TestClient):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert "answers" in schemas["PredictRequest"]["properties"]
    assert {"questions", "replies"} <= set(schemas["Prediction"]["properties"])
    assert "against" in schemas["CauseScore"]["properties"]


ANSWER_BODIES = [
    {"text": "my upper lip twitches since I quit smoking"},
    {"text": "my lip twitches", "answers": {"face_weak_one_side": "yes", "no_such_thing": "no"}},
    {"text": "left side of my face feels numb and I can't close my eye", "top_k": 11},
    {"text": "my face drooped and my speech is slurred, it started 20 minutes ago"},
    {"text": "what is the best pizza topping?"},
    {"text": "me tiembla el labio desde hace una semana"},
]


@pytest.mark.parametrize("body", ANSWER_BODIES)
def test_an_answer_is_exactly_what_its_response_model_gives(client: TestClient, body: dict):
    """The routes serialise each answer once and skip FastAPI's validation of it
    (``service.routes.AnswerJSON``): every answer must still be the documented ``Prediction``,
    with nothing the response model would refuse, drop, add or change."""
    response = client.post("/v1/predict", json=body)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    answer = response.json()
    assert Prediction.model_validate(answer).model_dump(mode="json") == answer
    batch = client.post("/v1/predict/batch", json={"texts": [body["text"], " "]}).json()
    assert BatchResponse.model_validate(batch).model_dump(mode="json") == batch


def test_the_schema_documents_the_answer_the_routes_serialise(client: TestClient):
    paths = client.get("/openapi.json").json()["paths"]
    for path, model in (("/v1/predict", "Prediction"), ("/v1/predict/batch", "BatchResponse")):
        ok = paths[path]["post"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"] == {"$ref": f"#/components/schemas/{model}"}
