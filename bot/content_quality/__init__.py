"""Checks over the bot's Dutch and its sources.

Readability, jargon, dated figures, the sources table.
"""
