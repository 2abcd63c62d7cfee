from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from bot.privacy.share_code_format import (
    ALPHABET,
    CODE_LENGTH,
    display_code,
    dutch_date,
    new_code,
    normalize_code,
    share_code_text,
)
from bot.privacy.share_codes import NoStoredResult, share_code_for, withdraw
from bot.storage.results_store import iso
from tests.conftest import TEST_EPOCH

NOW = TEST_EPOCH


def test_codes_avoid_look_alike_characters():
    assert not set("01ILO") & set(ALPHABET)
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)


@pytest.mark.parametrize(
    "typed", ["K7QM-4TZD", "k7qm4tzd", " k7qm 4tzd ", "K7QM.4TZD", "k7-qm-4t-zd"]
)
def test_normalize_accepts_how_people_type_a_code(typed):
    assert normalize_code(typed) == "K7QM4TZD"


@pytest.mark.parametrize(
    "typed", ["", "K7QM-4TZ", "K7QM-4TZDX", "K0QM-4TZD", "K7QM-4TZ!", "I1LO-4TZD", "x" * 100]
)
def test_normalize_rejects_what_cannot_be_a_code(typed):
    assert normalize_code(typed) is None


def test_display_and_dates_in_dutch():
    assert display_code("K7QM4TZD") == "K7QM-4TZD"
    assert dutch_date(datetime(2026, 12, 28, tzinfo=timezone.utc)) == "28 december 2026"
    text = share_code_text("K7QM4TZD", datetime(2027, 1, 3, tzinfo=timezone.utc))
    assert "K7QM-4TZD" in text and "3 januari 2027" in text


def complete_one(store, assessment_id="a1", person="p1"):
    store.start_assessment(assessment_id, person, 1)
    store.complete(assessment_id, {"communicatief": 50}, 50, [], {"q": ("o", 1)})


def test_share_code_needs_a_completed_stored_check(fresh_store):
    with pytest.raises(NoStoredResult):
        share_code_for(fresh_store, "p1", 30, NOW)
    fresh_store.start_assessment("a1", "p1", 1)
    with pytest.raises(NoStoredResult):
        share_code_for(fresh_store, "p1", 30, NOW)


def test_share_code_opens_only_its_assessment_until_it_expires(fresh_store):
    complete_one(fresh_store)
    complete_one(fresh_store, "a2", "p2")
    code = share_code_for(fresh_store, "p1", 30, NOW)
    assert code.expires_at == NOW + timedelta(days=30)
    assert fresh_store.assessment_for_code(code.code, iso(NOW)) == "a1"
    day_29 = NOW + timedelta(days=29)
    assert fresh_store.assessment_for_code(code.code, iso(day_29)) == "a1"
    assert share_code_for(fresh_store, "p1", 30, day_29).code == code.code
    day_31 = NOW + timedelta(days=31)
    assert fresh_store.assessment_for_code(code.code, iso(day_31)) is None
    renewed = share_code_for(fresh_store, "p1", 30, day_31)
    assert renewed.code != code.code
    assert renewed.expires_at == day_31 + timedelta(days=30)


def test_withdraw_stops_every_code_of_that_person_only(fresh_store):
    complete_one(fresh_store)
    complete_one(fresh_store, "a2", "p2")
    mine = share_code_for(fresh_store, "p1", 30, NOW)
    theirs = share_code_for(fresh_store, "p2", 30, NOW)
    assert withdraw(fresh_store, "p1") == 1
    assert fresh_store.assessment_for_code(mine.code, iso(NOW)) is None
    assert fresh_store.assessment_for_code(theirs.code, iso(NOW)) == "a2"
    assert withdraw(fresh_store, "p1") == 0


def test_a_new_check_gets_its_own_code(fresh_store, clock):
    complete_one(fresh_store)
    first = share_code_for(fresh_store, "p1", 30, NOW)
    later = clock.advance(days=1)
    fresh_store.start_assessment("a3", "p1", 1)
    fresh_store.complete("a3", {"communicatief": 80}, 80, [], {"q": ("o", 2)})
    second = share_code_for(fresh_store, "p1", 30, later)
    assert second.code != first.code
    assert fresh_store.assessment_for_code(second.code, iso(later)) == "a3"
    assert re.fullmatch(r"[2-9A-Z]{8}", second.code)
