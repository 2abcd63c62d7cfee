"""Property-based and fuzz tests (hypothesis): typed answers, share codes, the
WhatsApp webhook and the web app never crash on what people or the internet send.

Every test is derandomized (the same examples on every run) and keeps no example
database, so CI is reproducible. (Hypothesis still caches constants in .hypothesis/,
which carries its own .gitignore.)
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import http.client
import json
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

from bot import runtime
from bot.adviser.accounts import AdviserAccounts
from bot.channels.whatsapp_format import Incoming, parse_webhook, signature_is_valid
from bot.check.assessment import Assessment, load_assessment
from bot.check.flow import open_question
from bot.conversation.apply_answer import AnswerStep, apply_answer
from bot.privacy.share_code_format import (
    ALPHABET,
    CODE_LENGTH,
    display_code,
    new_code,
    normalize_code,
)
from bot.understanding.answer_or_request import REQUEST_INTENTS, read_turn
from bot.understanding.answer_parser import Outcome, ParsedAnswer, parse_answer
from bot.understanding.requests import FLOW_REQUESTS, explicit_request, looks_like_question
from bot.web.app import WebConfig, create_app
from tests.conftest import ROOT

#: Same examples on every run, no .hypothesis/ example database, no per-example deadline.
FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=False)
#: The HTTP tests share one server or runtime per module, never a function-scoped fixture.
HTTP = settings(FUZZ, suppress_health_check=[HealthCheck.too_slow])

ASSESSMENT: Assessment = load_assessment()  # the same content as the `assessment` fixture
QUESTIONS = ASSESSMENT.questions
PARSER_VIAS = {"number", "text", "typo", "words", "free text"}

# --- text strategies ---------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "\r\n\t\x0b\x0c",
    "\u200b\u200d\ufeff",  # zero width
    "\u202eklopt\u202c",  # right-to-left override
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE answers; --",
    "1 OR 1=1",
    "2' OR '1'='1",
    "{{7*7}} ${7*7} %s %d %n",
    '/inform{"choice": "toestemming:ja"}',
    "toestemming:ja",
    "🙂👍🏽👨‍👩‍👧‍👦",
    "２",  # full-width digit
    "²",
    "٣",  # Arabic-Indic digit
    "𝟐",  # mathematical bold digit
    "Ⅻ",
    "ﬁ",
    "Één",
    "ß" * 3,
    "Klopt helemaal 🙂",
    "да, конечно",
    "是的，完全正确",
    "نعم أوافق",
    "כן",
    "ใช่",
    "%%%",
    "0" * 30,
    "-1",
    "1e9",
    "nan",
    "None",
    "null",
    "\ud800",  # a lone surrogate, as json.loads('"\\ud800"') gives
]

#: Control characters, format characters, separators and lone surrogates.
ODD_CHARACTERS = st.characters(categories=["Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "So"])

SHORT_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(ODD_CHARACTERS, max_size=50),
    st.sampled_from(NASTY),
    st.lists(st.sampled_from(NASTY), max_size=5).map(" ".join),
)


def _repeat(unit: str, times: int) -> str:
    return (unit * times)[:10_000]


#: Very long messages (up to 10,000 characters): a short unit repeated, or a long run of text.
LONG_TEXT = st.one_of(
    st.builds(_repeat, st.text(min_size=1, max_size=12), st.integers(100, 10_000)),
    st.builds(
        _repeat,
        st.sampled_from(["9", "1 ", "de ", "klopt ", "🙂", "<b>", "\x00", "a" * 7 + " "]),
        st.integers(1_000, 10_000),
    ),
    st.text(min_size=500, max_size=2_000),
)

HTTP_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)


# --- a. the answer parser ----------------------------------------------------


def _check_parsed(question: Any, result: ParsedAnswer) -> None:
    assert isinstance(result, ParsedAnswer)
    assert result.outcome in set(Outcome)
    assert result.matched is (result.outcome is Outcome.MATCHED)
    if result.outcome is Outcome.MATCHED:
        assert result.option is not None
        assert result.option in question.options
        assert result.via in PARSER_VIAS
    else:
        assert result.option is None


@settings(FUZZ, max_examples=100)
@given(text=SHORT_TEXT)
def test_parse_answer_never_raises_and_only_returns_the_questions_own_options(text):
    for question in QUESTIONS:
        _check_parsed(question, parse_answer(question, text))


@settings(FUZZ, max_examples=25)
@given(question=st.sampled_from(QUESTIONS), text=LONG_TEXT)
@example(question=ASSESSMENT.question("comm_luisteren"), text="9" * 5_000)
def test_parse_answer_on_very_long_messages(question, text):
    _check_parsed(question, parse_answer(question, text))


def _mixed_case(text: str, flips: list[bool]) -> str:
    return "".join(
        ch.upper() if i < len(flips) and flips[i] else ch.lower() for i, ch in enumerate(text)
    )


PADDING = st.text(st.sampled_from([" ", "\t", "\n", "\u00a0", "\u3000"]), max_size=4)


@settings(FUZZ, max_examples=150)
@given(data=st.data(), left=PADDING, right=PADDING, inner=st.sampled_from([" ", "  ", " \t "]))
def test_an_options_exact_label_in_any_case_and_spacing_gives_that_option(data, left, right, inner):
    question = data.draw(st.sampled_from(QUESTIONS), label="question")
    option = data.draw(st.sampled_from(question.options), label="option")
    flips = data.draw(st.lists(st.booleans(), max_size=len(option.label)), label="flips")
    typed = left + inner.join(_mixed_case(option.label, flips).split(" ")) + right
    result = parse_answer(question, typed)
    assert result.outcome is Outcome.MATCHED, (question.id, typed, result)
    assert result.option == option


@settings(FUZZ, max_examples=60)
@given(data=st.data(), left=PADDING, right=PADDING)
def test_an_options_number_gives_that_option(data, left, right):
    question = data.draw(st.sampled_from(QUESTIONS), label="question")
    number = data.draw(st.integers(1, len(question.options)), label="number")
    result = parse_answer(question, f"{left}{number}{right}")
    assert result.matched and result.via == "number"
    assert result.option == question.options[number - 1]


# --- b. one turn of the check --------------------------------------------------

INTENTS = st.one_of(
    st.none(),
    st.sampled_from(sorted(REQUEST_INTENTS)),
    st.sampled_from(["inform", "affirm", "deny", "nlu_fallback", "out_of_scope"]),
    st.text(max_size=30),
)


@settings(FUZZ, max_examples=150)
@given(
    question=st.sampled_from(QUESTIONS),
    intent=INTENTS,
    confidence=st.floats(0, 1),
    text=SHORT_TEXT,
)
def test_read_turn_never_raises_and_flow_needs_clear_words(question, intent, confidence, text):
    reading = read_turn(question, text, intent, confidence)
    assert reading.request is None or reading.request in REQUEST_INTENTS
    if reading.request == "delete_data":
        assert explicit_request(text) == "delete_data"  # erasing: never from the NLU alone
    elif reading.request in FLOW_REQUESTS and explicit_request(text) != reading.request:
        # pausing or going back from the NLU alone: only when very sure and no answer at all
        assert intent == reading.request and confidence >= 0.97 and not reading.parsed.option


@settings(FUZZ, max_examples=60)
@given(data=st.data(), intent=st.sampled_from(sorted(REQUEST_INTENTS)))
def test_an_exact_label_is_an_answer_whatever_the_nlu_says(data, intent):
    question = data.draw(st.sampled_from(QUESTIONS), label="question")
    option = data.draw(st.sampled_from(question.options), label="option")
    assume(not looks_like_question(option.label))
    assert read_turn(question, option.label, intent, 1.0).is_answer


@st.composite
def answer_states(draw) -> dict[str, str]:
    """Answers so far: a valid prefix of the check, plus sometimes junk keys and values."""
    answered = draw(st.integers(0, len(QUESTIONS)))
    answers = {q.id: draw(st.sampled_from(q.options)).id for q in QUESTIONS[:answered]}
    junk = draw(
        st.dictionaries(
            st.one_of(st.sampled_from([q.id for q in QUESTIONS]), st.text(max_size=10)),
            st.text(max_size=10),
            max_size=3,
        )
    )
    return {**answers, **junk}


def _choices() -> st.SearchStrategy[str | None]:
    well_formed = st.sampled_from(QUESTIONS).flatmap(
        lambda q: st.sampled_from([f"{q.id}:{o.id}" for o in q.options])
    )
    return st.one_of(st.none(), well_formed, st.text(max_size=40), st.just(":"), st.just("a:b:c"))


@settings(FUZZ, max_examples=150)
@given(answers=answer_states(), choice=_choices(), text=SHORT_TEXT)
def test_apply_answer_never_raises_and_only_answers_the_open_question(answers, choice, text):
    question = open_question(ASSESSMENT, answers)
    step = apply_answer(ASSESSMENT, answers, choice, text)
    assert isinstance(step, AnswerStep)
    assert all(isinstance(m, str) and m for m in step.messages)
    if not step.accepted:
        assert step.answers == answers
        return
    assert question is not None
    assert set(step.answers) == set(answers) | {question.id}
    assert question.option(step.answers[question.id]) is not None
    assert {k: v for k, v in step.answers.items() if k != question.id} == {
        k: v for k, v in answers.items() if k != question.id
    }
    if choice == f"{question.id}:{step.answers[question.id]}":
        assert step.messages == ()


# --- c. share codes ------------------------------------------------------------


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
    typed = _mixed_case(shown, flips)
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


# --- d. WhatsApp: webhook parsing and signatures ---------------------------------

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


# --- runtime and servers shared by the HTTP tests ------------------------------

APP_SECRET = "fuzz-app-secret"
VERIFY_TOKEN = "fuzz-verify-token"
PASSWORD = "een lang wachtwoord 42"


@pytest.fixture(scope="module")
def module_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Like the `isolated_runtime` fixture, once for this module (hypothesis runs many
    examples in one test call, so a function-scoped fixture would not reset per example)."""
    var_dir = tmp_path_factory.mktemp("fuzz-var")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KC_VAR_DIR", str(var_dir))
        for name in ("KC_RESULTS_DB", "KC_IDENTITY_KEY", "KC_IDENTITY_KEY_FILE"):
            patch.delenv(name, raising=False)
        runtime.reset()
        AdviserAccounts(runtime.store()).add("jdevries", PASSWORD)
        yield var_dir
        runtime.reset()


class _SanicInThread:
    """Rasa's way of mounting an input channel (channel.register) on a real Sanic
    server, running in a thread with its own event loop."""

    def __init__(self) -> None:
        from rasa.core.channels.channel import register
        from sanic import Sanic

        from bot.channels.whatsapp import WhatsAppInput, config_from

        received: list[Any] = []
        self.received = received

        class Agent:
            async def handle_message(self, message: Any) -> None:
                received.append(message)

        config = config_from(
            {"verify_token": VERIFY_TOKEN, "app_secret": APP_SECRET, "access_token": "a",
             "phone_number_id": "1", "graph_base_url": "http://127.0.0.1:9", "attempts": "1",
             "timeout_seconds": "2"},
            {},
        )  # fmt: skip
        self.app = Sanic("kc_fuzz_whatsapp")
        self.app.ctx.agent = Agent()
        register([WhatsAppInput(config)], self.app, "/webhooks/")
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="fuzz-sanic", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            server = self.loop.run_until_complete(self._start())
        except BaseException as exc:  # reported by start()
            self.failure = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()
        closing = server.close()
        if closing is not None:
            self.loop.run_until_complete(closing)
        pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for task in pending:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()

    async def _start(self) -> Any:
        server = await self.app.create_server(
            sock=self.sock, return_asyncio_server=True, access_log=False
        )
        await server.startup()  # create_server has already bound the socket
        return server

    def start(self) -> None:
        self.thread.start()
        assert self.ready.wait(30), "Sanic did not start"
        if self.failure is not None:
            raise self.failure

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, bytes] | None = None
    ) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()


@pytest.fixture(scope="module")
def whatsapp_server(module_runtime: Path) -> Iterator[_SanicInThread]:
    server = _SanicInThread()
    server.start()
    yield server
    server.stop()


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


# --- e. the web app: result card, chart, PDF, adviser login ----------------------


def _web_app(cookie_secure: bool = True) -> Any:
    return create_app(
        WebConfig(
            rasa_url="http://127.0.0.1:5005",
            node_modules=ROOT / "node_modules",
            cookie_secure=cookie_secure,
        )
    )


async def _get_statuses(paths: list[str]) -> list[tuple[int, str]]:
    async with TestClient(TestServer(_web_app())) as client:
        found = []
        for path in paths:
            response = await client.get(path)
            await response.read()
            found.append((response.status, response.content_type))
        return found


SCORE_KEYS = [g.id for g in ASSESSMENT.groups] + ["overall"]


def _route_ids() -> list[str]:
    from bot.advice.rules import load_advice

    return [r.id for r in load_advice(ASSESSMENT).routes]


SCORE_VALUES = st.one_of(
    st.integers(0, 100).map(str),
    st.integers(-1000, 10_000).map(str),
    st.sampled_from(["", "0100", "00", "1e2", "50.0", " 50", "+5", "٥٠", "５０", "①"]),
    HTTP_TEXT,
)
ROUTE_VALUES = st.one_of(
    st.lists(st.sampled_from(_route_ids()), max_size=4).map(",".join),
    st.lists(st.one_of(st.sampled_from(_route_ids()), HTTP_TEXT), max_size=4).map(",".join),
    HTTP_TEXT,
)
QUERY_PAIRS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(SCORE_KEYS), SCORE_VALUES),
        st.tuples(st.just("routes"), ROUTE_VALUES),
        st.tuples(HTTP_TEXT, HTTP_TEXT),
    ),
    max_size=10,
)
QUERIES = st.one_of(
    QUERY_PAIRS.map(urlencode),
    # mostly valid: every key present, then some noise
    st.builds(
        lambda scores, routes, noise: urlencode(
            [*zip(SCORE_KEYS, scores, strict=True), ("routes", routes), *noise]
        ),
        st.lists(SCORE_VALUES, min_size=len(SCORE_KEYS), max_size=len(SCORE_KEYS)),
        ROUTE_VALUES,
        QUERY_PAIRS,
    ),
    # raw text, quoted only as much as a URL needs
    HTTP_TEXT.map(lambda t: quote(t, safe="=&,;%+")),
)


@settings(HTTP, max_examples=40)
@given(query=QUERIES)
@example(query="communicatief=1&analytisch=2&schakelen=3&commercieel=4&administratief=5"
               "&overall=6&routes=")  # fmt: skip
def test_result_card_chart_and_pdf_answer_200_or_400(module_runtime, query):
    paths = [f"/api/{name}?{query}" for name in ("result.json", "chart.png", "report.pdf")]
    results = asyncio.run(_get_statuses(paths))
    statuses = {status for status, _ in results}
    assert statuses <= {200, 400}, (query, results)
    assert len(statuses) == 1, (query, results)  # the three parse the query the same way
    if statuses == {200}:
        assert [t for _, t in results] == ["application/json", "image/png", "application/pdf"]


@settings(HTTP, max_examples=4)
@given(
    scores=st.lists(st.integers(0, 100), min_size=len(SCORE_KEYS), max_size=len(SCORE_KEYS)),
    routes=st.lists(st.sampled_from(_route_ids()), max_size=3, unique=True),
)
def test_every_valid_result_renders(module_runtime, scores, routes):
    query = urlencode(
        [*zip(SCORE_KEYS, map(str, scores), strict=True), ("routes", ",".join(routes))]
    )
    paths = [f"/api/{name}?{query}" for name in ("result.json", "chart.png", "report.pdf")]
    assert [status for status, _ in asyncio.run(_get_statuses(paths))] == [200, 200, 200]


HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
ORIGINS = st.one_of(
    st.sampled_from([None, "null", "same", "http://evil.example", "http://[", "https://[::1"]),
    HEADER_TEXT,
)
FORM_FIELDS = st.dictionaries(
    st.one_of(st.sampled_from(["username", "password", "csrf_token", "code"]), HTTP_TEXT),
    HTTP_TEXT,
    max_size=5,
)


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


async def _login_attempts(
    fields: dict[str, str], csrf: str, origin: str | None, attempts: int
) -> list[int]:
    """POST the login form ``attempts`` times, as a browser would (a refused login
    shows a fresh form with a new CSRF token); returns the statuses."""
    jar = CookieJar(unsafe=True)
    async with TestClient(TestServer(_web_app(cookie_secure=False)), cookie_jar=jar) as client:
        page = await client.get("/adviseur/login")
        found = CSRF_FIELD.search(await page.text())
        assert found
        token = found.group(1)
        headers = {}
        if origin == "same":
            headers["Origin"] = f"http://{client.host}:{client.port}"
        elif origin is not None:
            headers["Origin"] = origin
        statuses = []
        for _ in range(attempts):
            form = dict(fields)
            if csrf == "right":
                form["csrf_token"] = token
            elif csrf == "wrong":
                form["csrf_token"] = token[:-1] + ("A" if token[-1] != "A" else "B")
            elif csrf == "no cookie":
                form["csrf_token"] = token
                jar.clear()
            response = await client.post(
                "/adviseur/login", data=form, headers=headers, allow_redirects=False
            )
            statuses.append(response.status)
            found = CSRF_FIELD.search((await response.read()).decode("utf-8", "replace"))
            if found:
                token = found.group(1)
        return statuses


@settings(HTTP, max_examples=20, phases=[Phase.explicit, Phase.generate])  # scrypt: no shrinking
@given(
    fields=FORM_FIELDS,
    csrf=st.sampled_from(["right", "wrong", "no cookie", "random"]),
    username=st.one_of(st.just("jdevries"), st.just(" JDevries "), HTTP_TEXT),
    password=HTTP_TEXT,
    origin=ORIGINS,
    attempts=st.integers(1, 4),
)
@example(fields={}, csrf="right", username="jdevries", password="x", origin="http://[", attempts=1)
@example(
    fields={"csrf_token": "é"}, csrf="random", username="jdevries", password="x", origin=None,
    attempts=1,
)  # fmt: skip
def test_adviser_login_with_any_form_fields_is_refused_never_5xx(
    module_runtime, fields, csrf, username, password, origin, attempts
):
    assume(password != PASSWORD)
    form = {**fields, "username": username, "password": password}
    statuses = asyncio.run(_login_attempts(form, csrf, origin, attempts))
    assert set(statuses) <= {401, 403, 429}, statuses
    if csrf in {"wrong", "no cookie", "random"} or origin == "http://evil.example":
        assert set(statuses) == {403}, statuses  # no valid CSRF token, or a foreign Origin
    elif origin in {None, "same"}:
        # the right token: a wrong password is refused, then slowed down
        assert statuses[0] == 401 and set(statuses) <= {401, 429}, statuses


async def _raw_login_post(body: bytes, content_type: str | None) -> int:
    async with TestClient(TestServer(_web_app())) as client:
        headers = {} if content_type is None else {"Content-Type": content_type}
        response = await client.post(
            "/adviseur/login", data=body, headers=headers, allow_redirects=False
        )
        await response.read()
        return response.status


@settings(HTTP, max_examples=40)
@given(
    body=st.one_of(
        st.binary(max_size=200),
        FORM_FIELDS.map(lambda f: urlencode(f).encode()),
        st.sampled_from([b"csrf_token=%ff%fe&username=\xff", b"--xyz\r\n\r\n", b"a=\xe9"]),
    ),
    content_type=st.sampled_from(
        [
            None,
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=latin-1",
            "application/x-www-form-urlencoded; charset=nonsense",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "text/plain",
        ]
    ),
)
@example(body=b"username=\xff", content_type="application/x-www-form-urlencoded")
def test_adviser_login_with_a_malformed_body_is_refused_never_5xx(
    module_runtime, body, content_type
):
    status = asyncio.run(_raw_login_post(body, content_type))
    assert 400 <= status < 500, (status, body, content_type)
