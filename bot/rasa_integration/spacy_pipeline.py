"""The Dutch spaCy pipeline that Rasa's SpacyNLP loads from ``var/spacy-nl``.

Preferred: the official ``nl_core_news_sm`` 3.4 package, when setup could
install it. Without it (no internet, as on CI) we build our own pipeline:
spaCy's Dutch tokenizer plus the lookup lemmatizer from spacy-lookups-data.
Both are written to the same folder, so Rasa always loads them the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

OFFICIAL_PACKAGE = "nl_core_news_sm"
SOURCE_FILE = "klantcontact-pipeline.json"
FALLBACK_WARNING = (
    "WARNING: nl_core_news_sm is not installed; using the built-in Dutch fallback "
    "pipeline (spaCy tokenizer + lookup lemmatizer). Intent accuracy is measured on "
    "this fallback; see README 'Dutch NLU'."
)


def build_pipeline(target: Path) -> str:
    """Write the pipeline to ``target`` and return which source was used."""
    import spacy

    try:
        nlp = spacy.load(OFFICIAL_PACKAGE)
        source = OFFICIAL_PACKAGE
    except OSError:
        nlp = spacy.blank("nl")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        source = "fallback"
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    (target / SOURCE_FILE).write_text(
        json.dumps({"source": source, "spacy": spacy.__version__}), encoding="utf-8"
    )
    return source


def pipeline_source(target: Path) -> str | None:
    """Which source built the pipeline in ``target``, or None if it is not built."""
    try:
        return json.loads((target / SOURCE_FILE).read_text(encoding="utf-8"))["source"]
    except (FileNotFoundError, KeyError, json.JSONDecodeError):
        return None
