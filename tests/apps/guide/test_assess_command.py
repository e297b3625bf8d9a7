"""``unknot assess FILE|-``: the API's JSON on stdout; exit code 2 and the problems on stderr."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from unknot.apps.guide.models import SavedAssessment

INTAKE = {
    "symptoms": ["between-shoulder-blades-pain", "stress"],
    "regions": ["between-shoulder-blades", "neck"],
    "pain": {"intensity": 6, "duration_weeks": 8},
    "goals": ["stress-relief", "back-pain-relief"],
    "preferences": {"focus": "treat", "pressure_tolerance": 4, "scents": "no"},
    "health": {"conditions": ["asthma"], "anticoagulants": False, "red_flags": []},
}
BAD = {"pain": {"intensity": 11}, "health": {"conditions": ["fever", "sunburn"]}}


def run(*args, stdin: str | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    extra = {"stdin": io.StringIO(stdin)} if stdin is not None else {}
    try:
        call_command("assess", *args, stdout=out, stderr=err, **extra)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def intake_file(tmp_path) -> Path:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(INTAKE), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_file_prints_exactly_what_the_api_answers(intake_file, client):
    code, out, err = run(str(intake_file))
    assert code == 0 and err == ""
    api = client.post("/api/v1/assessments", data=INTAKE, content_type="application/json")
    assert json.loads(out) == api.json()
    assert SavedAssessment.objects.count() == 0


def test_stdin_gives_the_same_answer_as_the_file(intake_file):
    _, from_file, _ = run(str(intake_file))
    code, from_stdin, _ = run("-", stdin=json.dumps(INTAKE))
    assert code == 0
    assert json.loads(from_stdin) == json.loads(from_file)
    body = json.loads(from_stdin)
    assert body["status"] == "ok" and body["saved"] is False
    assert all(r["technique"] != "aromatherapy" for r in body["recommendations"])


def test_compact_output_is_one_line(intake_file):
    code, out, _ = run(str(intake_file), "--compact")
    assert code == 0 and len(out.strip().splitlines()) == 1


def test_bad_input_exits_2_with_every_problem_as_json_on_stderr(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(BAD), encoding="utf-8")
    code, out, err = run(str(path))
    assert code == 2 and out == ""
    body = json.loads(err)
    assert body["code"] == "invalid"
    fields = {p["field"]: p for p in body["errors"]}
    assert set(fields) == {"pain.intensity", "health.conditions[1]"}
    assert "fever" in fields["health.conditions[1]"]["valid_values"]


def test_text_that_is_not_json_exits_2():
    code, out, err = run("-", stdin="symptoms: stress")
    assert code == 2 and out == ""
    assert json.loads(err)["errors"][0]["field"] == "intake"


def test_a_missing_file_exits_2(tmp_path):
    code, _, err = run(str(tmp_path / "nope.json"))
    assert code == 2
    assert json.loads(err)["code"] == "unreadable"


# --- the real console script -----------------------------------------------------------------


def unknot(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("unknot")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unknot.config.settings.test"}
    return subprocess.run(
        [str(script), "assess", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_console_script_reads_a_file_and_stdin(intake_file):
    from_file = unknot(str(intake_file))
    assert from_file.returncode == 0, from_file.stderr
    from_stdin = unknot("-", stdin=json.dumps(INTAKE))
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert json.loads(from_file.stdout) == json.loads(from_stdin.stdout)
    assert json.loads(from_file.stdout)["recommendations"]


def test_console_script_exit_code_for_bad_input():
    result = unknot("-", stdin=json.dumps(BAD))
    assert result.returncode == 2
    assert result.stdout == ""
    assert {p["field"] for p in json.loads(result.stderr)["errors"]} == {
        "pain.intensity",
        "health.conditions[1]",
    }
