"""``make bench``: measure the Klantcontact-check beside Rasa's stock ``rasa init`` bot.

Run with ``.venv/bin/python -m scripts.bench`` from the project folder; it writes
docs/benchmarks.md. ``--quick`` runs a short version for development.
"""
