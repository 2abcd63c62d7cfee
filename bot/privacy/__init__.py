"""Privacy rights: pseudonyms, share codes, what is stored about a person, erasure.

Uses ``bot.storage`` for every row it reads or deletes.
"""
