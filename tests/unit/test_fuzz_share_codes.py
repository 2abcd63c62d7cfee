"""Fuzz share codes: typed codes are read back exactly or refused."""

from __future__ import annotations

import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.privacy.share_code_format import (
    ALPHABET,
    CODE_LENGTH,
    display_code,
    new_code,
    normalize_code,
)
from tests.unit.fuzzing import (
    FUZZ,
    SHORT_TEXT,
    mixed_case,
)


@settings(FUZZ, max_examples=300)
@given(
    text=st.one_of(
        SHORT_TEXT,
        st.text(alphabet=ALPHABET + ALPHABET.lower() + " -_.\t01OIL", max_size=45),
        st.text(st.characters(codec="ascii"), min_size=8, max_size=12),
    )
)
def test_normalize_code_never_raises_and_gives_a_canonical_code_or_none(text):
    code = normalize_code(text)
    assert code is None or (len(code) == CODE_LENGTH and all(c in ALPHABET for c in code))


@settings(FUZZ, max_examples=30)
@given(value=st.one_of(st.none(), st.integers(), st.binary(max_size=10), st.lists(st.text())))
def test_normalize_code_refuses_what_is_not_text(value):
    assert normalize_code(value) is None


@settings(FUZZ, max_examples=150)
@given(data=st.data(), rnd=st.randoms(use_true_random=False))
def test_a_shown_code_typed_in_any_case_with_spaces_and_dashes_gives_the_code(data, rnd):
    code = new_code(rnd.choice)
    assert len(code) == CODE_LENGTH and all(c in ALPHABET for c in code)
    shown = display_code(code)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", shown)
    flips = data.draw(st.lists(st.booleans(), min_size=len(shown), max_size=len(shown)))
    typed = mixed_case(shown, flips)
    separators = st.lists(st.sampled_from([" ", "-", "  ", " - "]), max_size=3).map("".join)
    inserts = data.draw(st.lists(separators, min_size=len(typed) + 1, max_size=len(typed) + 1))
    mangled = "".join(sep + ch for sep, ch in zip(inserts, [*typed, ""], strict=True))
    assume(len(mangled) <= 40)  # normalize_code refuses anything longer
    assert normalize_code(mangled) == code


@settings(FUZZ, max_examples=100)
@given(
    rnd=st.randoms(use_true_random=False),
    position=st.integers(0, CODE_LENGTH - 1),
    look_alike=st.sampled_from("01OILoil"),
)
def test_a_code_with_a_look_alike_character_is_refused(rnd, position, look_alike):
    code = list(new_code(rnd.choice))
    code[position] = look_alike
    assert normalize_code("".join(code)) is None
