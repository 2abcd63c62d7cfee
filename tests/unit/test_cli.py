from __future__ import annotations

import json

from click.testing import CliRunner

from bot import runtime
from bot.cli import cli


def test_help_lists_commands_with_examples():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("results", "delete", "check-content", "nlp"):
        assert command in result.output
    assert "python -m bot results --sender" in result.output


def test_results_exits_1_when_nothing_is_stored(isolated_runtime):
    result = CliRunner().invoke(cli, ["results", "--sender", "nobody", "--json"])
    assert result.exit_code == 1
    assert "No stored result for sender 'nobody'" in result.output


def test_results_prints_the_stored_json(isolated_runtime):
    store = runtime.store()
    person = runtime.person_for("+31600000000")
    store.start_assessment("a1", person, 1)
    store.complete("a1", {"communicatief": 70}, 70, [], {"toestemming": ("ja", None)})
    result = CliRunner().invoke(cli, ["results", "--sender", "+31600000000", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scores"] == {"communicatief": 70}
    assert data["overall"] == 70
    assert data["routes"] == []
    assert data["completed"] is True
    assert data["answers"] == {"toestemming": "ja"}


def test_delete_removes_the_result(isolated_runtime):
    person = runtime.person_for("someone")
    runtime.store().start_assessment("a1", person, 1)
    result = CliRunner().invoke(cli, ["delete", "--sender", "someone"])
    assert "Deleted 1 assessment(s)" in result.output
    assert runtime.store().latest(person) is None


def test_check_content_reports_errors(tmp_path):
    broken = tmp_path / "q.yml"
    broken.write_text("version: 1\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check-content", str(broken)])
    assert result.exit_code == 1
    assert "q.yml: consent: must be a mapping" in result.output
    ok = CliRunner().invoke(cli, ["check-content"])
    assert ok.exit_code == 0 and "20 scored questions in 5 groups" in ok.output
