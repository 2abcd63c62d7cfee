"""Understanding typed Dutch.

Answers to a question, requests such as pausing, and questions about the work.
"""
