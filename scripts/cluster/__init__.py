"""`make cluster` and `make cluster-test`: the bot as replicas behind nginx, on one machine.

PostgreSQL, Redis and nginx (Debian's packages) run as local processes on
loopback with their data under ``var/cluster/``, beside two action servers, two
Rasa replicas and two web apps; see docs/deploy.md. ``python -m scripts.cluster
up`` starts it, ``python -m scripts.cluster test`` kills and restarts parts of
it under load and checks that nothing is lost.
"""
