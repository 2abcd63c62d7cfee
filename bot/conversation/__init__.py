"""The turn logic of the check: applying answers, the bot's Dutch chat messages and FAQ replies."""
