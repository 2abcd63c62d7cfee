"""Shared, lazily created objects for the running bot (content, store, key).

Actions call these instead of building their own, so the content is parsed
once per process and nothing happens at import time.
"""

from __future__ import annotations

from functools import lru_cache

from bot.advice.faq import Topic, load_facts
from bot.advice.rules import AdviceContent, load_advice
from bot.check.assessment import Assessment, load_assessment
from bot.config import get_settings
from bot.privacy.pseudonyms import load_or_create_key, pseudonym
from bot.storage.channel_ids import message_id_key
from bot.storage.private_files import tighten_dir
from bot.storage.results_store import ResultsStore


@lru_cache(maxsize=1)
def assessment() -> Assessment:
    return load_assessment()


@lru_cache(maxsize=1)
def advice_content() -> AdviceContent:
    return load_advice(assessment())


@lru_cache(maxsize=1)
def faq_topics() -> tuple[Topic, ...]:
    return load_facts()


@lru_cache(maxsize=1)
def store() -> ResultsStore:
    settings = get_settings()
    tighten_dir(settings.var_dir)
    key = message_id_key(_identity_key())
    if settings.database_url:
        return ResultsStore(database_url=settings.database_url, message_id_key=key)
    return ResultsStore(settings.results_db, message_id_key=key)


@lru_cache(maxsize=1)
def _identity_key() -> bytes:
    settings = get_settings()
    tighten_dir(settings.var_dir)
    return load_or_create_key(settings.identity_key, settings.identity_key_file)


def person_for(sender_id: str) -> str:
    """The pseudonym under which this sender's results are stored."""
    return pseudonym(sender_id, _identity_key())


def reset() -> None:
    """Forget cached objects, so that changed settings take effect (used by tests)."""
    from bot.config import get_settings

    if store.cache_info().currsize:
        store().close()
    for cached in (assessment, advice_content, faq_topics, store, _identity_key, get_settings):
        cached.cache_clear()
