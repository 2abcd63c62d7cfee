#!/usr/bin/env bash
# Try to install the official Dutch spaCy model nl_core_news_sm 3.4.0 from its
# release. It is not on PyPI; machines without internet (such as CI) cannot
# reach it, and the bot then uses its own Dutch fallback pipeline.
set -u
PIP="$1"
URL="https://github.com/explosion/spacy-models/releases/download/nl_core_news_sm-3.4.0/nl_core_news_sm-3.4.0-py3-none-any.whl"
if "$PIP" show nl_core_news_sm >/dev/null 2>&1; then
  echo "nl_core_news_sm is installed."
  exit 0
fi
if "$PIP" install --quiet --timeout 15 --retries 0 "nl_core_news_sm @ $URL" >/dev/null 2>&1; then
  echo "Installed nl_core_news_sm 3.4.0."
else
  echo "nl_core_news_sm 3.4.0 could not be downloaded (no internet?)." \
       "The next step builds the Dutch fallback pipeline."
fi
exit 0
