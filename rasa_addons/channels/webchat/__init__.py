"""The web chat page for staff, served by the Rasa server itself (see channel.py)."""
