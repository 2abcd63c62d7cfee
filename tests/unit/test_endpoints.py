from __future__ import annotations

import pytest
import yaml

from bot.rasa_integration.endpoints_file import render_endpoints, write_endpoints
from tests.conftest import ROOT


def test_defaults_are_kept_without_overrides():
    template = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert render_endpoints(template, {}) == template
    assert template["action_endpoint"]["url"] == "http://127.0.0.1:5055/webhook"


def test_port_and_tracker_db_come_from_the_environment(tmp_path):
    out = write_endpoints(
        ROOT / "endpoints.yml",
        tmp_path / "e.yml",
        {"ACTION_PORT": "6000", "KC_TRACKER_DB": str(tmp_path / "t" / "tracker.db")},
    )
    rendered = yaml.safe_load(out.read_text())
    assert rendered["action_endpoint"]["url"] == "http://127.0.0.1:6000/webhook"
    assert rendered["tracker_store"]["db"] == str(tmp_path / "t" / "tracker.db")
    assert (tmp_path / "t").is_dir()


def test_bad_port_is_a_clear_error():
    with pytest.raises(ValueError, match="ACTION_PORT"):
        render_endpoints(
            {"action_endpoint": {"url": "http://127.0.0.1:5055/webhook"}}, {"ACTION_PORT": "x"}
        )
