"""The assessment model and scoring.

Groups, questions, options, scores and where a person is in the check.
"""
