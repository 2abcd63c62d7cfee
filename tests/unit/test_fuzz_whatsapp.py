"""Fuzz the WhatsApp webhook: parsing, signatures and the HTTP answers (never a 5xx)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.channels.whatsapp_format import Incoming, parse_webhook, signature_is_valid
from tests.unit.fuzzing import (
    APP_SECRET,
    FUZZ,
    HTTP,
    HTTP_TEXT,
    VERIFY_TOKEN,
)

WEBHOOK_KEYS = [
    "object", "entry", "id", "changes", "field", "value", "messages", "statuses", "contacts",
    "metadata", "from", "type", "text", "body", "interactive", "button_reply", "list_reply",
    "title", "timestamp",
]  # fmt: skip
WEBHOOK_WORDS = ["whatsapp_business_account", "text", "interactive", "button_reply",
                 "list_reply", "image", "sticker", "unsupported", "316", "wamid.1", "hoi"]  # fmt: skip
JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(WEBHOOK_WORDS),
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(WEBHOOK_KEYS), st.text(max_size=8)), children, max_size=5
        ),
    ),
    max_leaves=30,
)


def _either(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(valid, JSON_VALUE)


#: A webhook that is right at every level except, now and then, one part.
MESSAGE = _either(
    st.fixed_dictionaries(
        {
            "id": _either(st.sampled_from(["wamid.1", "wamid.2"])),
            "from": _either(st.just("31611111111")),
            "type": _either(st.sampled_from(["text", "interactive", "image", "unsupported"])),
        },
        optional={
            "text": _either(st.fixed_dictionaries({"body": _either(st.text(max_size=30))})),
            "interactive": _either(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "button_reply": _either(st.fixed_dictionaries({"id": JSON_LEAF})),
                        "list_reply": _either(st.fixed_dictionaries({"id": JSON_LEAF})),
                    },
                )
            ),
        },
    )
)
WEBHOOK = _either(
    st.builds(
        lambda entry: {"object": "whatsapp_business_account", "entry": entry},
        _either(
            st.lists(
                _either(
                    st.builds(
                        lambda changes: {"id": "1", "changes": changes},
                        _either(
                            st.lists(
                                _either(
                                    st.builds(
                                        lambda value: {"field": "messages", "value": value},
                                        _either(
                                            st.builds(
                                                lambda messages: {"messages": messages},
                                                _either(st.lists(MESSAGE, max_size=3)),
                                            )
                                        ),
                                    )
                                ),
                                max_size=2,
                            )
                        ),
                    )
                ),
                max_size=2,
            )
        ),
    )
)


@settings(FUZZ, max_examples=200)
@given(payload=WEBHOOK)
def test_parse_webhook_never_raises_on_any_json(payload):
    items = parse_webhook(payload)
    assert isinstance(items, list)
    for item in items:
        assert isinstance(item, Incoming)
        assert item.message_id and item.wa_id and isinstance(item.text, str)
        assert item.kind in {"text", "media"}


HEADERS = st.one_of(
    st.none(),
    st.text(max_size=80),
    st.builds(lambda t: "sha256=" + t, st.text(max_size=70)),
    st.builds(lambda b: "sha256=" + b.hex(), st.binary(min_size=32, max_size=32)),
)


@settings(FUZZ, max_examples=200)
@given(secret=HTTP_TEXT, body=st.binary(max_size=300), header=HEADERS)
def test_signature_check_never_raises(secret, body, header):
    assert isinstance(signature_is_valid(secret, body, header), bool)


@settings(FUZZ, max_examples=100)
@given(
    secret=HTTP_TEXT.filter(bool),
    body=st.binary(max_size=300),
    other=st.binary(max_size=300),
    other_secret=HTTP_TEXT,
)
def test_signature_check_accepts_exactly_the_hmac_of_the_body(secret, body, other, other_secret):
    def sign(key: str, data: bytes) -> str:
        return "sha256=" + hmac.new(key.encode(), data, hashlib.sha256).hexdigest()

    assert signature_is_valid(secret, body, sign(secret, body))
    if other != body:
        assert not signature_is_valid(secret, other, sign(secret, body))
    if other_secret != secret:
        assert not signature_is_valid(secret, body, sign(other_secret, body))


# --- the webhook over HTTP (the `whatsapp_server` fixture, tests/unit/conftest.py) ---


def _sign(body: bytes) -> bytes:
    return b"sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest().encode()


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


MALFORMED_JSON = st.one_of(
    st.builds(lambda b, n: b[:n], WEBHOOK.map(_json_bytes), st.integers(0, 40)),
    st.sampled_from([b"", b"{", b"[1,", b'{"entry": [}', b"\xff\xfe{}", b"NaN", b"\x00"]),
    st.binary(max_size=200),
)
#: Header values as raw bytes: not ASCII, wrong prefix, wrong hex, other junk.
SIGNATURE_JUNK = st.one_of(
    st.binary(max_size=80).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")),
    st.binary(max_size=70).map(lambda b: b"sha256=" + b.replace(b"\r", b"").replace(b"\n", b"")),
    st.binary(min_size=32, max_size=32).map(lambda b: b"sha256=" + b.hex().encode()),
)


@st.composite
def webhook_posts(draw) -> tuple[bytes, bytes | None, int]:
    """(body, signature header, the status the code promises)."""
    kind = draw(st.sampled_from(["unsigned", "junk signature", "signed malformed", "signed"]))
    if kind == "signed":
        body = _json_bytes(draw(WEBHOOK))
        return body, _sign(body), 200
    if kind == "signed malformed":
        body = draw(MALFORMED_JSON)
        try:
            json.loads(body)
        except ValueError:  # UnicodeDecodeError is a ValueError
            return body, _sign(body), 400
        return body, _sign(body), 200
    body = draw(st.one_of(MALFORMED_JSON, WEBHOOK.map(_json_bytes)))
    header = None if kind == "unsigned" else draw(SIGNATURE_JUNK)
    return body, header, 403


@settings(HTTP, max_examples=120)
@given(post=webhook_posts())
@example(post=(b"{}", b"sha256=\xe9", 403))
@example(post=(b'{"entry": 5}', _sign(b'{"entry": 5}'), 200))
def test_whatsapp_webhook_answers_200_or_4xx_never_5xx(whatsapp_server, post):
    body, signature, promised = post
    headers = {"Content-Type": b"application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    status = whatsapp_server.request("POST", "/webhooks/whatsapp/webhook", body, headers)
    assert status < 500, (status, body[:200], signature)
    assert status == promised, (status, body[:200], signature)


@settings(HTTP, max_examples=40)
@given(
    params=st.lists(
        st.tuples(
            st.sampled_from(["hub.mode", "hub.verify_token", "hub.challenge", "x"]),
            st.one_of(HTTP_TEXT, st.sampled_from(["subscribe", VERIFY_TOKEN])),
        ),
        max_size=4,
    )
)
def test_whatsapp_verification_answers_200_or_403(whatsapp_server, params):
    status = whatsapp_server.request("GET", "/webhooks/whatsapp/webhook?" + urlencode(params))
    assert status in {200, 403}
