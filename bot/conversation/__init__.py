"""The turn logic of the check: applying answers, the Dutch chat messages, FAQ replies.

Called by the thin Rasa actions in ``actions/``; no Rasa imports here.
"""
