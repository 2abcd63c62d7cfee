from __future__ import annotations

import stat

import pytest

from bot.privacy.pseudonyms import IdentityKeyError, load_or_create_key, pseudonym


def test_key_file_is_created_once_and_private(tmp_path):
    key_file = tmp_path / "sub" / "identity.key"
    first = load_or_create_key(None, key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_or_create_key(None, key_file) == first


def test_configured_key_wins_and_must_be_long(tmp_path):
    assert load_or_create_key("k" * 40, tmp_path / "unused.key") == b"k" * 40
    assert not (tmp_path / "unused.key").exists()
    with pytest.raises(IdentityKeyError):
        load_or_create_key("short", tmp_path / "unused.key")


def test_pseudonym_is_stable_keyed_and_hides_the_sender():
    a = pseudonym("+31612345678", b"a" * 32)
    assert a == pseudonym("+31612345678", b"a" * 32)
    assert a != pseudonym("+31612345678", b"b" * 32)
    assert "31612345678" not in a and len(a) == 64
