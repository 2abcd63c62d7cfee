"""The check itself: the assessment model (groups, questions, options), scoring and flow.

Pure Python, no Rasa and no storage: every other package builds on it.
"""
