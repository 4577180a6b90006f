import prompty

from {{projectName}} import pipeline


def test_inputs_are_redacted_before_the_model_sees_them(monkeypatch, tmp_path):
    seen = []
    monkeypatch.setattr(prompty, "invoke", lambda path, inputs: seen.append(inputs) or "ok")
    inputs = dict(question="I'm Aisha Khan, call me on 07700 900123", clauses=["Email claims@example.com"], count=2)

    assert pipeline.run(tmp_path / "prompt.prompty", inputs, ["Aisha Khan"]) == "ok"
    assert seen == [dict(question="I'm [NAME], call me on [PHONE]", clauses=["Email [EMAIL]"], count=2)]
