"""Rasa NLU components. They run inside the Rasa server (.venv-rasa), not the action server."""
