"""The command line prints the same answer as the API, as a table or as JSON."""

from __future__ import annotations

import json

from service.__main__ import main


def test_predict_table_and_json(trained_model_dir, monkeypatch, capsys):
    monkeypatch.setenv("TRIAGE_MODEL_PATH", str(trained_model_dir))
    assert main(["predict", "my lip twitches after five coffees"]) == 0
    out = capsys.readouterr().out
    assert "Referral: SELF CARE" in out and "Too much caffeine" in out and "not a diagnosis" in out
    assert main(["predict", "my chest hurts", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["referral"]["level"] == "emergency"
    assert answer["alert"]["concern"] == "heart_attack"


def test_an_emergency_table_leads_with_its_meaning(trained_model_dir, monkeypatch, capsys):
    monkeypatch.setenv("TRIAGE_MODEL_PATH", str(trained_model_dir))
    assert main(["predict", "his face dropped on one side and he can't lift his arm"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "THESE CAN BE SIGNS OF A STROKE."
    assert "confidence" not in out  # the twitching causes come without numbers


def test_score_file(trained_model_dir, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("TRIAGE_MODEL_PATH", str(trained_model_dir))
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps({"text": t}) for t in ["lip twitch coffee", "tax help"]))
    assert main(["score", str(source), str(tmp_path / "out.jsonl")]) == 0
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["in_scope"] is False


def test_no_model_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIAGE_MODELS_DIR", str(tmp_path))
    try:
        main(["predict", "lip"])
    except SystemExit as exc:
        assert "make train" in str(exc)
    else:
        raise AssertionError("expected a clear error")


def test_the_cli_applies_the_api_input_rules_with_its_messages(
    trained_model_dir, monkeypatch, capsys
):
    monkeypatch.setenv("TRIAGE_MODEL_PATH", str(trained_model_dir))
    cases = [
        (["predict", "   "], "text is empty or only whitespace"),
        (["predict", "a" * 5001], "at most 5000 characters"),
        (["predict", "lip twitch", "--top-k", "0"], "top_k: Input should be greater than or equal"),
        (["predict", "lip twitch", "--top-k", "99"], "top_k: Input should be less than or equal"),
    ]
    for argv, message in cases:
        assert main(argv) == 1, argv
        captured = capsys.readouterr()
        assert message in captured.err and "Traceback" not in captured.err + captured.out


def test_score_names_bad_lines_goes_on_and_passes_ids_through(
    trained_model_dir, monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("TRIAGE_MODEL_PATH", str(trained_model_dir))
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a1", "text": "lip twitch after coffee"}\n'
        "not json\n"
        '{"txt": "no text key"}\n'
        '{"id": 4, "text": "   "}\n'
        '{"id": 5, "text": "my eyelid jumps when I am stressed"}\n'
    )
    assert main(["score", str(source), str(tmp_path / "out.jsonl")]) == 0
    err = capsys.readouterr().err
    assert f"{source}:2: not JSON" in err
    assert f"{source}:3: no `text` key" in err
    assert f"{source}:4: text: text is empty" in err
    assert "scored 2 texts" in err and "skipped 3" in err and "failed 0" in err
    results = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["id"] for r in results] == ["a1", 5]


def test_score_a_missing_file_is_one_line(trained_model_dir, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("TRIAGE_MODEL_PATH", str(trained_model_dir))
    assert main(["score", str(tmp_path / "nope.jsonl"), str(tmp_path / "out.jsonl")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_serve_logs_each_request_once(trained_model_dir, monkeypatch):
    """uvicorn's own plain access line is off: the service writes one JSON line per request."""
    import uvicorn

    called = {}
    monkeypatch.setenv("TRIAGE_MODEL_PATH", str(trained_model_dir))
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: called.update(kwargs))
    assert main(["serve", "--port", "8123"]) == 0
    assert called["access_log"] is False and called["port"] == 8123


def test_predict_asks_and_takes_answers(trained_model_dir, monkeypatch, capsys):
    monkeypatch.setenv("TRIAGE_MODEL_PATH", str(trained_model_dir))
    assert main(["predict", "my lip keeps twitching"]) == 0
    out = capsys.readouterr().out
    assert "--answer ID=yes|no|unsure" in out
    args = ["predict", "my lip keeps twitching", "--json", "--answer", "stopped_nicotine=yes"]
    assert main(args) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["replies"][0]["question_id"] == "stopped_nicotine"
    assert answer["causes"][0]["id"] == "smoking_withdrawal"


def test_a_bad_answer_is_one_line(trained_model_dir, monkeypatch, capsys):
    monkeypatch.setenv("TRIAGE_MODEL_PATH", str(trained_model_dir))
    for bad in ("stopped_nicotine", "stopped_nicotine=maybe", "=yes"):
        assert main(["predict", "my lip twitches", "--answer", bad]) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
