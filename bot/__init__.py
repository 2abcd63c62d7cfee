"""Klantcontact-check: everything behind the bot except the thin Rasa actions.

The packages and their layers are described in docs/architecture.md.
"""
