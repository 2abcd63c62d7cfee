"""Klantcontact-check: the assessment, scoring, content and storage behind the bot."""
