"""Everything that plugs into Rasa: NLU component, tracker store, speed-ups, spaCy.

The only package besides ``bot.channels`` that imports Rasa (``actions/`` use rasa-sdk).
"""
