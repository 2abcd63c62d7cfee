"""The demo adviser's password and the example people's share codes.

Slides and handouts for a demo name the login and the codes, so they can stay
the same across starts: with ``KC_DEMO_SEED`` set, the same text always gives
the same password and the same codes; ``KC_DEMO_PASSWORD`` picks the password
itself. Without either, each start draws new ones with ``secrets``. A drawn
password leaves out look-alike characters (0/O/o, 1/l/I/i), because people
copy it from a projector screen.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable

from bot.privacy.share_code_format import new_code

#: Letters and digits that cannot be mistaken for each other on a screen.
PASSWORD_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz"  # noqa: S105
#: Three groups of four, joined by dashes: easy to read aloud and to type.
PASSWORD_GROUPS = 3
GROUP_LENGTH = 4


def _chooser(seed: str | None, purpose: str) -> Callable[[str], str]:
    """``secrets.choice``, or a seeded choice when the demo should repeat itself."""
    if seed is None:
        return secrets.choice
    return random.Random(f"{seed}:{purpose}").choice  # noqa: S311 - fixed on purpose


def demo_password(seed: str | None = None, chosen: str | None = None) -> str:
    """The chosen password, else one drawn (from the seed if there is one)."""
    if chosen:
        return chosen
    choice = _chooser(seed, "password")
    groups = (
        "".join(choice(PASSWORD_ALPHABET) for _ in range(GROUP_LENGTH))
        for _ in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


def demo_code(seed: str | None, number: int) -> str:
    """The share code of example person ``number`` (canonical form, no dash)."""
    return new_code(_chooser(seed, f"code-{number}"))
