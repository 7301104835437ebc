"""Rasa tracker stores that keep conversations honest when their database fails."""
