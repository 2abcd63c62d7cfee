"""The share code format: drawing a code, reading what someone typed, showing it, handing it over.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
shown as two groups of four (``K7QM-4TZD``) so it is easy to read aloud and
type on a phone. 31^8 is about 8.5 * 10^11 codes; the adviser dashboard also
allows only 10 wrong codes an hour per adviser and per address
(``bot.adviser.code_limit``), so guessing one is not realistic.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
GROUP = 4
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """A fresh random code in canonical form (8 characters, no dash)."""
    return "".join(choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str | None:
    """The canonical code in what someone typed, or None when it cannot be one.

    Case, spaces and dashes do not matter: "k7qm 4tzd" and "K7QM-4TZD" match.
    """
    if not isinstance(text, str) or len(text) > 40:
        return None
    compact = _SEPARATORS.sub("", text).upper()
    if len(compact) != CODE_LENGTH or any(c not in ALPHABET for c in compact):
        return None
    return compact


def display_code(code: str) -> str:
    """The code as people see it: ``K7QM-4TZD``."""
    return f"{code[:GROUP]}-{code[GROUP:]}"


def expiry(now: datetime, days: int) -> datetime:
    """The moment a code made at ``now`` stops working."""
    return now + timedelta(days=days)


def dutch_date(moment: datetime) -> str:
    """A date as Dutch readers expect it: ``28 december 2026``."""
    local = moment.astimezone(timezone.utc)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def share_code_text(code: str, expires_at: datetime) -> str:
    """The message that hands the code to the job seeker."""
    return (
        f"Je deelcode voor je adviseur: {display_code(code)}\n"
        f"Met deze code kan je adviseur bij UWV je uitslag en je antwoorden zien. "
        f"Zonder code kan niemand dat. De code werkt tot {dutch_date(expires_at)}.\n"
        "Geef de code alleen aan je adviseur. "
        "Wil je dat de code niet meer werkt? Typ dan: code intrekken."
    )
