"""WhatsApp Cloud API messages in and out, as pure functions.

Incoming webhook JSON becomes :class:`Incoming` items; bot messages become
Graph API message bodies within WhatsApp's limits (3 reply buttons with
titles of 20 characters, lists of 10 rows with 24/72 characters, 1024
characters of body in interactive messages, 4096 in text messages). Options
are shown once, by their own words or their short label, and hints say what
is on the screen ("Tik op 'Kies'" for a list, "Tik op een knop" for buttons).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_BUTTONS = 3
MAX_ROWS = 10
BUTTON_TITLE = 20
ROW_TITLE = 24
ROW_DESCRIPTION = 72
INTERACTIVE_BODY = 1024
TEXT_BODY = 4096
#: The button that opens a list, and what to say about it (the hint names it).
LIST_BUTTON = "Kies"
LIST_SECTION = "Antwoorden"
LIST_HINT = "Tik op 'Kies' en kies een antwoord."
SHOWN_BUTTONS, SHOWN_LIST, SHOWN_TEXT = "buttons", "list", "text"
#: What "Kies een knop" in a hint becomes, by what is on the screen.
ON_SCREEN = {
    SHOWN_BUTTONS: "Tik op een knop",
    SHOWN_LIST: "Tik op 'Kies' en kies een antwoord",
    SHOWN_TEXT: "Kies een nummer",
}
_KIES_KNOP = re.compile(r"\b[Kk]ies een (?:van de )?knop(?:pen)?\b(?P<of>,? of\b)?")
TEXT_ONLY_REPLY = "Ik kan alleen tekst lezen. Typ je antwoord, of kies een van de knoppen."
MEDIA_TYPES = frozenset({"image", "audio", "video", "document", "sticker", "location", "contacts"})


@dataclass(frozen=True)
class Incoming:
    """One user message from a webhook delivery."""

    message_id: str
    wa_id: str
    kind: str  # "text" (text or a chosen button/row) or "media" (anything else)
    text: str = ""


def signature_is_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """Check X-Hub-Signature-256 (sha256=<hex HMAC of the raw body>) in constant time."""
    if not header or not header.startswith("sha256=") or not app_secret:
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    given = header[len("sha256=") :].encode("utf-8", errors="replace")
    return hmac.compare_digest(expected.encode("ascii"), given)


def parse_webhook(payload: Any) -> list[Incoming]:
    """The user messages in a webhook body; status callbacks and junk are skipped."""
    found: list[Incoming] = []
    if not isinstance(payload, Mapping):
        return found
    for value in _values(payload):
        for message in _list(value.get("messages")):
            item = _incoming(message)
            if item is not None:
                found.append(item)
    return found


def _list(value: Any) -> list[Any]:
    """Meta sends lists here; anything else in a (forged or broken) body counts as empty."""
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _values(payload: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for entry in _list(payload.get("entry")):
        if not isinstance(entry, Mapping):
            continue
        for change in _list(entry.get("changes")):
            value = change.get("value") if isinstance(change, Mapping) else None
            if isinstance(value, Mapping):
                yield value


def _incoming(message: Any) -> Incoming | None:
    if not isinstance(message, Mapping):
        return None
    message_id, wa_id, kind = message.get("id"), message.get("from"), message.get("type")
    if not isinstance(message_id, str) or not isinstance(wa_id, str) or not message_id or not wa_id:
        return None
    if not isinstance(kind, str):
        return None
    if kind == "text":
        body = _mapping(message.get("text")).get("body")
        return Incoming(message_id, wa_id, "text", body if isinstance(body, str) else "")
    if kind == "interactive":
        interactive = _mapping(message.get("interactive"))
        reply = _mapping(interactive.get("button_reply")) or _mapping(interactive.get("list_reply"))
        chosen = reply.get("id") if isinstance(reply, Mapping) else None
        if isinstance(chosen, str) and chosen:
            return Incoming(message_id, wa_id, "text", chosen)
        return None
    if kind in MEDIA_TYPES or kind == "unsupported":
        return Incoming(message_id, wa_id, "media")
    return None


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary and add an ellipsis; never in the middle of a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return f"{cut}…"


def split_text(text: str, limit: int = TEXT_BODY) -> list[str]:
    """Split a long text at sentence (or line) ends into parts within ``limit``."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    pieces = re.split(r"(?<=[.!?])\s+|\n+", text)
    parts: list[str] = []
    current = ""
    for piece in pieces:
        while len(piece) > limit:  # one enormous sentence: fall back to words
            head = shorten(piece, limit).rstrip("…")
            parts.append(head)
            piece = piece[len(head) :].strip()
        candidate = f"{current} {piece}".strip() if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return parts


def text_message(to: str, body: str) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "text",
        "text": {"body": body, "preview_url": False},
    }


def image_message(to: str, media_id: str, caption: str = "") -> dict[str, Any]:
    image: dict[str, Any] = {"id": media_id}
    if caption:
        image["caption"] = shorten(caption, INTERACTIVE_BODY)
    return {"messaging_product": "whatsapp", "to": to, "type": "image", "image": image}


def option_titles(
    buttons: Sequence[Mapping[str, str]],
) -> list[tuple[str, str, str]]:
    """(full title, short label or "", payload) per button.

    Options carry their own short label (``short``, from bot/content/questions.yml);
    buttons without one (an FAQ topic, "Iets anders") are short already.
    """
    found = []
    for button in buttons:
        title = " ".join(str(button["title"]).split())
        short = " ".join(str(button.get("short") or "").split())
        found.append((title, short, str(button["payload"])))
    return found


def fitted_title(title: str, short: str, limit: int) -> str:
    """The option's own words when they fit, else its short label; never "Antwoord 2".

    Without a short label that fits, the title is cut at a word (with an ellipsis).
    """
    if len(title) <= limit:
        return title
    return short if short and len(short) <= limit else shorten(title, limit)


def choice_layout(text: str, buttons: Sequence[Mapping[str, str]]) -> str:
    """How options show on WhatsApp: reply buttons, a list behind 'Kies', or numbered text.

    Reply buttons when there are at most three and each full title fits on a button
    or is already in the text ("Bedoel je 'X'?"); a list, whose rows show the full
    titles, up to ten; numbered text beyond that.
    """
    options = option_titles(buttons)
    if len(options) > MAX_ROWS:
        return SHOWN_TEXT
    said = " ".join(text.split())
    if len(options) <= MAX_BUTTONS and all(
        len(title) <= BUTTON_TITLE or title in said for title, _, _ in options
    ):
        return SHOWN_BUTTONS
    return SHOWN_LIST


def say_what_is_on_screen(text: str, shown: str) -> str:
    """Turn "Kies een knop" into what the person sees on WhatsApp right now."""

    def replace(match: re.Match[str]) -> str:
        words = ON_SCREEN[shown]
        words = words if match.group(0)[0].isupper() else words[0].lower() + words[1:]
        return f"{words}, of" if match.group("of") else words

    return _KIES_KNOP.sub(replace, text)


def choice_messages(
    to: str, text: str, buttons: Sequence[Mapping[str, str]]
) -> list[dict[str, Any]]:
    """Bot text with its options, each shown once: reply buttons, a list or numbered text.

    Titles within WhatsApp's limits are the options' own words; longer ones become
    the option's short label (a button, a list row) with, in a list, the full text
    as the row's description. Never a placeholder like "Antwoord 2".
    """
    options = option_titles(buttons)
    shown = choice_layout(text, buttons)
    text = say_what_is_on_screen(text, shown)
    if shown == SHOWN_TEXT:
        numbered = "\n".join(f"{n}. {title}" for n, (title, _, _) in enumerate(options, start=1))
        lines = f"{text}\n\n{numbered}\n\nTyp het nummer of je antwoord."
        return [text_message(to, part) for part in split_text(lines)]
    if shown == SHOWN_LIST and f"'{LIST_BUTTON}'" not in text:
        text = f"{text}\n\n{LIST_HINT}"
    before, body = _fit_body(text)
    messages = [text_message(to, part) for part in before]
    if shown == SHOWN_BUTTONS:
        action: dict[str, Any] = {
            "buttons": [
                {
                    "type": "reply",
                    "reply": {"id": payload, "title": fitted_title(title, short, BUTTON_TITLE)},
                }
                for title, short, payload in options
            ]
        }
        interactive = {"type": "button", "body": {"text": body}, "action": action}
    else:
        rows = []
        for title, short, payload in options:
            row = {"id": payload, "title": fitted_title(title, short, ROW_TITLE)}
            if row["title"] != title:
                row["description"] = shorten(title, ROW_DESCRIPTION)
            rows.append(row)
        action = {"button": LIST_BUTTON, "sections": [{"title": LIST_SECTION, "rows": rows}]}
        interactive = {"type": "list", "body": {"text": body}, "action": action}
    messages.append(interactive_message(to, interactive))
    return messages


def interactive_message(to: str, interactive: dict[str, Any]) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "interactive",
        "interactive": interactive,
    }


def _fit_body(body: str) -> tuple[list[str], str]:
    """Send what does not fit in an interactive body first, as plain text."""
    if len(body) <= INTERACTIVE_BODY:
        return [], body
    parts = split_text(body, INTERACTIVE_BODY)
    return parts[:-1], parts[-1]
