# syntax=docker/dockerfile:1
#
# One image for every process of the bot: the action server, Rasa, the web app
# and the daily purge. docker-compose.yml picks the process with `command:`.
# How to build and run it, and what each process needs: docs/deploy.md.
#
# NOT BUILT IN CI: the machine that runs .ci/run has only the Docker client, no
# engine, so this file and docker-compose.yml are written and reviewed but not
# built or run there (`make cluster` and `make cluster-test` are).
#
# The image holds no secret: the pseudonym key, database passwords and WhatsApp
# tokens come from the environment at run time (docs/deploy.md, "Secrets").

# --- front-end packages the web app serves (no CDN) --------------------------
FROM node:20-bookworm-slim AS widget
WORKDIR /build
COPY package.json package-lock.json ./
# Like `make install`, from package-lock.json, without the test-only packages
# (axe-core is used by the browser tests only).
RUN npm ci --omit=dev --no-audit --no-fund --silent

# --- the bot -----------------------------------------------------------------
FROM python:3.10-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    RASA_TELEMETRY_ENABLED=false \
    KC_VAR_DIR=var \
    KC_SPACY_DIR=var/spacy-nl

# A user without a password or a login shell; the processes never run as root.
RUN groupadd --system --gid 10001 kc \
 && useradd --system --uid 10001 --gid kc --create-home --home-dir /home/kc \
      --shell /usr/sbin/nologin kc

WORKDIR /app

# Python packages first, so that a change to the code does not reinstall them.
# The same pins as the Makefile (pip, setuptools, wheel; constraints.txt), but
# without the [dev] extras. The install is editable (-e) on purpose: the code
# reads files next to the package (data/nlu/faq.yml, docs/privacy.md) from the
# project folder, which a plain `pip install .` into site-packages would lose.
# The empty packages are placeholders for the code copied below.
COPY pyproject.toml constraints.txt README.md ./
RUN mkdir -p bot actions rasa_sdk_plugins \
 && touch bot/__init__.py actions/__init__.py rasa_sdk_plugins/__init__.py \
 && pip install --upgrade "pip==24.3.1" "setuptools==70.3.0" "wheel==0.45.1" \
 && pip install -c constraints.txt -e .

# The project itself (.dockerignore keeps out var/, models/, tests/, .venv/ ...).
COPY . .

# Dutch spaCy pipeline and the model, as `make train` builds them:
# nl_core_news_sm when its release can be downloaded, else the built-in Dutch
# fallback (scripts/install-spacy-model.sh says which); then `rasa train` as in
# the Makefile's $(MODEL) rule. --build-arg KC_SPACY_DOWNLOAD=0 skips the
# download and builds the fallback, as CI and docs/benchmarks.md do.
# Nothing else may stay in var/: no key, no database, no Rasa cache (removed in
# the same layer, so no layer keeps them). /opt/klantcontact keeps the project's
# endpoints.yml and credentials.yml as built, because Rasa's Helm chart mounts
# its own files over /app/endpoints.yml and /app/credentials.yml (docs/deploy.md).
ARG KC_SPACY_DOWNLOAD=1
RUN if [ "$KC_SPACY_DOWNLOAD" = 1 ]; then scripts/install-spacy-model.sh pip; fi \
 && python -m bot nlp build \
 && rasa train --fixed-model-name klantcontact --out models \
 && rm -rf .rasa var/identity.key var/*.db var/*.db-* var/log var/endpoints.runtime.yml \
 && chown -R kc:kc var \
 && chmod 700 var \
 && mkdir -p /opt/klantcontact \
 && cp endpoints.yml credentials.yml /opt/klantcontact/

# Only the two front-end packages the web app serves (bot/web/app.py VENDOR_FILES,
# bot/web/webchat.py BUNDLE), each with its licence.
COPY --from=widget /build/node_modules/socket.io-client /app/node_modules/socket.io-client
COPY --from=widget /build/node_modules/rasa-webchat /app/node_modules/rasa-webchat

# Rasa with our endpoints: render Rasa's endpoints file from the environment
# (python -m bot endpoints: KC_TRACKER_DATABASE_URL, KC_REDIS_URL and
# KC_ACTION_ENDPOINT_URL, because in containers the action pool is another host)
# from the project's endpoints.yml (KC_ENDPOINTS_SOURCE, default the copy in
# /opt/klantcontact). The rendered file holds the database password, so it is
# written 0600 into the container's var/.
COPY --chmod=755 <<'EOF' /usr/local/bin/kc-rasa
#!/bin/sh
# kc-rasa ARGS...: render Rasa's endpoints, then exec `rasa run --endpoints FILE ARGS...`.
set -eu
umask 077
out="${KC_VAR_DIR:-var}/endpoints.runtime.yml"
python -m bot endpoints --source "${KC_ENDPOINTS_SOURCE:-/opt/klantcontact/endpoints.yml}" \
  --out "$out" >/dev/null
exec rasa run --endpoints "$out" "$@"
EOF

USER kc

# 5005 Rasa, 5055 action server, 8000 web app (what each command below listens on).
EXPOSE 5005 5055 8000

# Default: the web app. docker-compose.yml sets the command of every service:
#   action server: rasa run actions --actions actions --port 5055   (SANIC_HOST=0.0.0.0)
#   Rasa:          kc-rasa --model models/klantcontact.tar.gz --interface 0.0.0.0
#                    --port 5005 --credentials credentials.yml --cors "*"
#   web app:       python -m bot web --host 0.0.0.0 --port 8000
#   purge:         python -m bot purge --daily
CMD ["python", "-m", "bot", "web", "--host", "0.0.0.0", "--port", "8000"]
