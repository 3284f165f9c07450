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
