"""Everything that plugs into Rasa.

NLU components, the tracker store, speed-ups, spaCy and endpoints.
"""
