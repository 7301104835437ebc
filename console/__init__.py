"""The trainer console: edit, test and trace the knowledge base in the browser (runs in .venv).

A Starlette app on 127.0.0.1:5080 (`python -m console`, started by `make run`): trainers log in,
browse and edit entries as forms, see `kb lint`'s problems as they type, test questions against
the live assistant (or the unsaved draft) with the decision trace, and every save is a git
commit with the trainer as author. It imports the knowledge core (`bot`), never Rasa; the Rasa
server's NLU is reached over its HTTP API.
"""
