"""Rasa custom actions: thin adapters from Rasa trackers to the `bot` core."""
