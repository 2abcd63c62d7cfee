"""Checks over the bot's Dutch and its sources: B1 readability, jargon, dated figures.

Run by ``python -m bot check-content`` in ``make validate``; see docs/content.md.
"""
