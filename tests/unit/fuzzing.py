"""What the fuzz tests (tests/unit/test_fuzz_*.py) share: settings, strategies, the web app.

The fuzz tests check that typed answers, share codes, the WhatsApp webhook and
the web app never crash on what people or the internet send.

Every test is derandomized (the same examples on every run) and keeps no example
database, so CI is reproducible. (Hypothesis still caches constants in .hypothesis/,
which carries its own .gitignore.)
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot.check.assessment import Assessment, load_assessment
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


#: The fixtures in tests/unit/conftest.py set up the webhook and an adviser account with these.
APP_SECRET = "fuzz-app-secret"
VERIFY_TOKEN = "fuzz-verify-token"
PASSWORD = "een lang wachtwoord 42"


def web_app(cookie_secure: bool = True) -> Any:
    """The web app as `python -m bot web` builds it (Rasa is never called here)."""
    return create_app(
        WebConfig(
            rasa_url="http://127.0.0.1:5005",
            node_modules=ROOT / "node_modules",
            cookie_secure=cookie_secure,
        )
    )


def mixed_case(text: str, flips: list[bool]) -> str:
    """``text`` with each character upper-cased where ``flips`` says so, else lower-cased."""
    return "".join(
        ch.upper() if i < len(flips) and flips[i] else ch.lower() for i, ch in enumerate(text)
    )
