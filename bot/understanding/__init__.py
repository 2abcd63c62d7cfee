"""Understanding typed Dutch: answers, requests and questions about the work.

Pure functions and small scikit-learn classifiers; no Rasa, no storage.
"""
