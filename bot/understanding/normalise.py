"""Normalising typed Dutch before it is compared with anything."""

from __future__ import annotations

import re
import unicodedata


def normalize(text: str) -> str:
    """Lower case, no accents, no punctuation except %, single spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("'", "").replace("’", "")
    text = re.sub(r"[^\w%]+", " ", text)
    return " ".join(text.split())
