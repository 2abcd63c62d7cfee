"""Advice and facts: routes and roles from the scores, and answers about the work.

The rules and facts themselves are content (``bot/content/advice.yml``, ``facts.yml``).
"""
