"""Advice and facts.

Training routes and roles from the scores, and answers about the work (FAQ).
"""
