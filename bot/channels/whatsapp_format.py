"""WhatsApp Cloud API messages in and out, as pure functions.

Incoming webhook JSON becomes :class:`Incoming` items; bot messages become
Graph API message bodies within WhatsApp's limits (3 reply buttons with
titles of 20 characters, lists of 10 rows with 24/72 characters, 1024
characters of body in interactive messages, 4096 in text messages).
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
LIST_BUTTON = "Kies een antwoord"
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


def choice_messages(
    to: str, text: str, buttons: Sequence[Mapping[str, str]]
) -> list[dict[str, Any]]:
    """Bot text with options as reply buttons (up to 3), a list (4-10) or numbered text."""
    options = [(str(b["title"]), str(b["payload"])) for b in buttons]
    if len(options) > MAX_ROWS:
        numbered = "\n".join(f"{n}. {title}" for n, (title, _) in enumerate(options, start=1))
        lines = f"{text}\n\n{numbered}\n\nTyp het nummer of je antwoord."
        return [text_message(to, part) for part in split_text(lines)]
    fits = all(len(title) <= BUTTON_TITLE for title, _ in options)
    body = text if (fits and len(options) <= MAX_BUTTONS) else _numbered_body(text, options)
    before, body = _fit_body(body)
    messages = [text_message(to, part) for part in before]
    if len(options) <= MAX_BUTTONS:
        titles = [t if fits else f"Antwoord {n}" for n, (t, _) in enumerate(options, start=1)]
        action = {
            "buttons": [
                {"type": "reply", "reply": {"id": payload, "title": title}}
                for title, (_, payload) in zip(titles, options, strict=True)
            ]
        }
        interactive = {"type": "button", "body": {"text": body}, "action": action}
    else:
        rows = []
        for n, (title, payload) in enumerate(options, start=1):
            row = {"id": payload, "title": title if len(title) <= ROW_TITLE else f"Antwoord {n}"}
            if len(title) > ROW_TITLE:
                row["description"] = shorten(title, ROW_DESCRIPTION)
            rows.append(row)
        action = {"button": LIST_BUTTON, "sections": [{"title": "Antwoorden", "rows": rows}]}
        interactive = {"type": "list", "body": {"text": body}, "action": action}
    messages.append(
        {
            "messaging_product": "whatsapp",
            "to": to,
            "type": "interactive",
            "interactive": interactive,
        }
    )
    return messages


def _numbered_body(text: str, options: Sequence[tuple[str, str]]) -> str:
    numbered = "\n".join(f"{n}. {title}" for n, (title, _) in enumerate(options, start=1))
    return f"{text}\n\n{numbered}"


def _fit_body(body: str) -> tuple[list[str], str]:
    """Send what does not fit in an interactive body first, as plain text."""
    if len(body) <= INTERACTIVE_BODY:
        return [], body
    parts = split_text(body, INTERACTIVE_BODY)
    return parts[:-1], parts[-1]
