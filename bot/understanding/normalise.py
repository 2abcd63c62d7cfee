"""Normalising typed Dutch before it is compared with anything."""

from __future__ import annotations

import re
import unicodedata

#: Chat spellings written out, so every later step sees one word for one meaning:
#: "nt echt", "gwn doorwerken", "opzich wel", "kweet nie".
CHAT_SPELLINGS: dict[str, str] = {
    "nie": "niet", "nt": "niet", "eig": "eigenlijk", "egt": "eigenlijk", "gwn": "gewoon",
    "wss": "waarschijnlijk", "mss": "misschien", "mischien": "misschien", "idd": "inderdaad",
    "opzich": "op zich", "tis": "het is", "zn": "zijn", "mn": "mijn", "kweet": "ik weet",
    "kzou": "ik zou", "kben": "ik ben", "kheb": "ik heb", "kga": "ik ga", "kan't": "kan het",
    "ff": "even", "effe": "even", "evt": "eventueel", "ivm": "in verband met",
}  # fmt: skip


def normalize(text: str) -> str:
    """Lower case, no accents, no punctuation except %, single spaces, chat spellings out."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("'", "").replace("’", "")
    text = re.sub(r"[^\w%]+", " ", text)
    return " ".join(CHAT_SPELLINGS.get(word, word) for word in text.split())
