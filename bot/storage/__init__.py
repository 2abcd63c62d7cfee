"""Storage: the only package that talks SQL or writes private files.

The results store and its tables and migrations, the SQL of Rasa's tracker database,
and file hygiene. Checked by ``lint-imports`` and ``tests/unit/test_architecture.py``.
"""
