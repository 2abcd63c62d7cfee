"""Rasa input channels that need more than Rasa's built-in ones."""
