"""Storage.

The only package that talks SQL (results store, tracker events) or writes private files.
"""
